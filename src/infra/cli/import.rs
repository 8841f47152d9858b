//! `duban import PATH [--dry-run] [--json]`.

use crate::infra::config::DbArgs;
use crate::infra::database::Database;
use crate::rules::plan::MatchLabel;
use crate::workflows::importer::{self, Outcome, Prepared, UNITS_FILE};
use crate::workflows::plan_matching::{self, Proposed};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// 工作要点文件（Markdown 文本）；勘误文件 NAME.errata.toml 与之同目录
    pub path: PathBuf,
    /// 只解析并报告，不写入数据库
    #[arg(long)]
    pub dry_run: bool,
    /// 以 JSON 输出完整的解析结果
    #[arg(long)]
    pub json: bool,
    /// 成员单位名录文件（默认：文件同目录的 units.toml，否则 DUBAN_SEEDS_DIR/units.toml）
    #[arg(long)]
    pub units: Option<PathBuf>,
    #[arg(long, env = "DUBAN_SEEDS_DIR", default_value = "seeds", hide = true)]
    pub seeds_dir: PathBuf,
}

pub async fn run(db: &DbArgs, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let prepared = importer::prepare(&importer::read_document(&args.path)?)?;
    let units = importer::read_units(&units_path(args))?;
    // Last year's plan is read even on a dry run: the proposal of matches is what a dry run is
    // for at the turn of the year. A dry run writes nothing (no migration either), and without
    // a database it still reports the document, saying it could not compare.
    let (outcome, previous) = if args.dry_run {
        (None, dry_proposal(db, &prepared).await)
    } else {
        let database = Database::open(db).await?;
        let result = async {
            crate::db::MIGRATOR.run(&database.pool).await?;
            let previous = plan_matching::propose(&database.pool, &prepared.plan).await?;
            let outcome = importer::import(&database.pool, &prepared, &units).await?;
            Ok::<_, anyhow::Error>((Some(outcome), previous))
        }
        .await;
        database.close().await;
        result?
    };
    if args.json {
        let out = serde_json::json!({
            "source": prepared, "outcome": outcome, "dry_run": args.dry_run,
            "previous_year": previous,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print!("{}", summary(&prepared, outcome.as_ref()));
        print!("{}", matches_summary(previous.as_ref()));
    }
    Ok(ExitCode::SUCCESS)
}

/// The proposal on a dry run: `None`, said on stderr, where the database cannot be read.
async fn dry_proposal(db: &DbArgs, prepared: &Prepared) -> Option<Proposed> {
    let database = match Database::open(db).await {
        Ok(d) => d,
        Err(e) => {
            eprintln!("未与上年比对：无法连接数据库（{e:#}）");
            return None;
        }
    };
    let found = plan_matching::propose(&database.pool, &prepared.plan).await;
    database.close().await;
    match found {
        Ok(p) => p,
        Err(e) => {
            eprintln!("未与上年比对：无法读取数据库（{e}）");
            None
        }
    }
}

fn units_path(args: &ImportArgs) -> PathBuf {
    if let Some(p) = &args.units {
        return p.clone();
    }
    let beside = args
        .path
        .parent()
        .unwrap_or(Path::new("."))
        .join(UNITS_FILE);
    if beside.is_file() {
        beside
    } else {
        args.seeds_dir.join(UNITS_FILE)
    }
}

/// The human-readable report of an import.
pub fn summary(p: &Prepared, outcome: Option<&Outcome>) -> String {
    let plan = &p.plan;
    let date = |d: Option<chrono::NaiveDate>| d.map_or("—".to_string(), |d| d.to_string());
    let mut s = format!(
        "文件：{}\n工作要点：{}\n发文机关：{}\n文号：{}    成文日期：{}    印发日期：{}\n\
         部分 {} 个 · 小节 {} 个 · 任务 {} 项 · 单位 {} 个 · 含未具名成员单位的任务 {} 项\n",
        p.source_name,
        plan.title,
        plan.issuer,
        plan.doc_number.as_deref().unwrap_or("—"),
        date(plan.issued_on),
        date(plan.printed_on),
        plan.sections.len(),
        plan.subsection_count(),
        plan.task_count(),
        plan.unit_names().len(),
        plan.tasks().filter(|(_, _, t)| t.unnamed_members).count(),
    );
    if p.errata.is_empty() {
        s.push_str("勘误：无\n");
    } else {
        s.push_str(&format!(
            "勘误 {} 处（原文保持不变，任务文字已更正）：\n",
            p.errata.len()
        ));
        for e in &p.errata {
            s.push_str(&format!(
                "  {} “{}” → “{}” {}\n",
                e.task, e.wrong, e.right, e.note
            ));
        }
    }
    s.push_str(&match outcome {
        None => "结果：试运行，未写入数据库\n".to_string(),
        Some(Outcome::Imported {
            plan_id,
            units_created,
        }) => format!(
            "结果：已导入（工作要点编号 {plan_id}），新建单位 {} 个{}\n",
            units_created.len(),
            if units_created.is_empty() {
                String::new()
            } else {
                format!(": {}", units_created.join("、"))
            }
        ),
        Some(Outcome::AlreadyPresent { plan_id }) => {
            format!("结果：该工作要点已导入（编号 {plan_id}），未做任何更改\n")
        }
    });
    s
}

/// The proposal of matches to last year's plan, in words.
pub fn matches_summary(previous: Option<&Proposed>) -> String {
    let Some(p) = previous else {
        return "与上年比对：数据库中没有同一发文机关上一年度的工作要点\n".to_string();
    };
    let m = &p.matching;
    let mut s = format!(
        "与上年比对（{}，编号 {}）：延续 {} 项 · 调整 {} 项 · 新增 {} 项 · 上年未延续 {} 项\n",
        p.title,
        p.plan_id,
        m.count(MatchLabel::Continued),
        m.count(MatchLabel::Changed),
        m.count(MatchLabel::New),
        m.count(MatchLabel::Dropped),
    );
    for item in m.items.iter().filter(|i| i.label == MatchLabel::Changed) {
        s.push_str(&format!(
            "  {} ← 上年 {}（相似度 {:.2}）\n",
            item.code,
            item.previous.as_deref().unwrap_or("—"),
            item.similarity.unwrap_or_default()
        ));
    }
    if !m.dropped.is_empty() {
        s.push_str(&format!("  上年未延续：{}\n", m.dropped.join("、")));
    }
    s
}
