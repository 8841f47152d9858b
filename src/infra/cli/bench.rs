//! `duban bench-match [--items N] [--runs R]`: how long matching a plan to last year's takes
//! (`rules::plan::match_plans`), on a synthetic pair of plans of N items each made from the
//! 2022 plan's items (each repeated with its own number, a tenth reworded, a tenth new), R
//! times; prints the minimum, median and maximum. A benchmark, never a test: it prints figures.

use crate::rules::plan::{MatchItem, MatchLabel, items_of, match_plans, parse_plan};
use clap::Args;
use std::process::ExitCode;
use std::time::Instant;

const SEED: &str = include_str!("../../../seeds/2022-work-points.md");

#[derive(Debug, Clone, Args)]
pub struct BenchMatchArgs {
    /// 每份工作要点的任务数
    #[arg(long, default_value_t = 300)]
    pub items: usize,
    /// 重复次数
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
}

/// Two plans of `n` items: last year's, and this year's with a tenth reworded and a tenth new.
fn plans(n: usize) -> anyhow::Result<(Vec<MatchItem>, Vec<MatchItem>)> {
    let base = items_of(&parse_plan(SEED)?);
    let last: Vec<MatchItem> = (0..n)
        .map(|i| {
            let b = &base[i % base.len()];
            MatchItem {
                code: format!("{}-{i}", b.code),
                text: format!("第{}批：{}", i / base.len() + 1, b.text),
                units: b.units.clone(),
            }
        })
        .collect();
    let next = last
        .iter()
        .enumerate()
        .map(|(i, it)| match i % 10 {
            0 => MatchItem {
                code: format!("n{i}"),
                text: format!("新增任务{i}：建立健全第{i}项新领域知识产权保护制度。"),
                units: vec!["知识产权局".into()],
            },
            1 => MatchItem {
                text: format!("进一步{}，确保取得实效。", it.text),
                ..it.clone()
            },
            _ => it.clone(),
        })
        .collect();
    Ok((last, next))
}

pub fn run(args: &BenchMatchArgs) -> anyhow::Result<ExitCode> {
    let (last, next) = plans(args.items.max(1))?;
    let mut times = Vec::new();
    let mut matching = None;
    for _ in 0..args.runs.max(1) {
        let start = Instant::now();
        matching = Some(match_plans(&last, &next));
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let m = matching.expect("at least one run");
    println!(
        "与上年比对：{} 项对 {} 项，{} 次：最短 {:.1} ms，中位 {:.1} ms，最长 {:.1} ms",
        next.len(),
        last.len(),
        times.len(),
        times[0],
        times[times.len() / 2],
        times[times.len() - 1],
    );
    println!(
        "结果：延续 {} 项 · 调整 {} 项 · 新增 {} 项 · 上年未延续 {} 项",
        m.count(MatchLabel::Continued),
        m.count(MatchLabel::Changed),
        m.count(MatchLabel::New),
        m.count(MatchLabel::Dropped),
    );
    Ok(ExitCode::SUCCESS)
}
