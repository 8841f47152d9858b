//! 通报: the draft of `rules::bulletin` laid out as an official document, its sources in an
//! appendix table.

use super::layout::{ISSUER, RED};
use super::official::{Inline, Official};
use super::{DocxError, Masthead};
use crate::rules::bulletin::{Draft, Piece};

pub fn bulletin(d: &Draft, m: &Masthead) -> Result<Vec<u8>, DocxError> {
    let mut o = Official::new(m.draft)
        .masthead(m, None, RED)
        .title(&d.title)
        .addressee("领导小组各成员单位：")
        .text(&d.opening)
        .heading(1, "一、各项任务进展情况");
    for s in &d.sections {
        let inlines: Vec<Inline> = s
            .pieces
            .iter()
            .flat_map(|p| match p {
                Piece::Text(t) => vec![Inline::Text(t.clone())],
                Piece::Sourced { text, n } => vec![Inline::Text(text.clone()), Inline::Source(*n)],
            })
            .collect();
        o = o.heading(2, &s.heading).para(&inlines);
    }
    o = o.heading(1, "二、进展情况报送情况");
    for p in &d.reporting {
        o = o.text(p);
    }
    o = o
        .heading(1, "三、需要关注的问题")
        .heading(2, "（一）逾期和滞后事项");
    if d.red.is_empty() {
        o = o.text("本期没有逾期或滞后的任务。");
    }
    for (i, r) in d.red.iter().enumerate() {
        o = o.para(&[
            Inline::Bold(format!("{}. ", i + 1)),
            Inline::Text(r.clone()),
        ]);
    }
    o = o.heading(2, "（二）需协调事项");
    if d.requests.is_empty() {
        o = o.text("本期没有待答复的需协调事项。");
    }
    for (i, r) in d.requests.iter().enumerate() {
        o = o.para(&[
            Inline::Bold(format!("{}. ", i + 1)),
            Inline::Text(r.clone()),
        ]);
    }
    o = o.heading(1, "四、下一步工作").text(&d.closing);
    if !d.sources.is_empty() {
        o = o.gap().text("附件：引用内容来源核对表");
    }
    o = o.signature(ISSUER, &m.date);
    if !d.sources.is_empty() {
        let rows: Vec<Vec<String>> = d
            .sources
            .iter()
            .map(|s| {
                vec![
                    s.n.to_string(),
                    s.code.clone(),
                    s.unit.clone(),
                    s.version.clone(),
                    s.sentence.clone(),
                ]
            })
            .collect();
        o = o.appendix("附件", "引用内容来源核对表").table(
            &["序号", "任务", "单位", "报告版本", "引用内容"],
            &rows,
            &[80, 100, 160, 200, 460],
        );
    }
    o.closing(Some("领导小组组长、副组长。"), ISSUER, &m.date)
        .bytes()
}
