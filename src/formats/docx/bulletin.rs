//! 通报: the draft of `rules::bulletin` laid out as an official document, its sources in an
//! appendix table.

use super::layout::{ISSUER, RED};
use super::official::{Inline, Official};
use super::{DocxError, Masthead};
use crate::rules::bulletin::{Draft, Piece, RED_IN_TEXT};

pub fn bulletin(d: &Draft, m: &Masthead) -> Result<Vec<u8>, DocxError> {
    // 附件: the sources, and the red items beyond those the text lists; numbered when two.
    let red_appendix = d.red.len() > RED_IN_TEXT;
    let mut appendices = Vec::new();
    if !d.sources.is_empty() {
        appendices.push("引用内容来源核对表");
    }
    if red_appendix {
        appendices.push("逾期和滞后任务清单");
    }
    let label = |title: &str| match appendices.iter().position(|a| *a == title) {
        Some(i) if appendices.len() > 1 => format!("附件{}", i + 1),
        _ => "附件".to_string(),
    };
    let mut o = Official::new(m.draft)
        .masthead(m, None, RED)
        .title(&d.title)
        .addressee("领导小组各成员单位：")
        .text(&d.opening)
        .heading(1, "一、各项任务进展情况");
    for s in &d.sections {
        o = o.heading(2, &s.heading);
        for pieces in &s.paragraphs {
            let inlines: Vec<Inline> = pieces
                .iter()
                .flat_map(|p| match p {
                    Piece::Text(t) => vec![Inline::Text(t.clone())],
                    Piece::Sourced { text, n } => {
                        vec![Inline::Text(text.clone()), Inline::Source(*n)]
                    }
                })
                .collect();
            o = o.para(&inlines);
        }
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
    for (i, r) in d.red.iter().take(RED_IN_TEXT).enumerate() {
        o = o.para(&[
            Inline::Bold(format!("{}. ", i + 1)),
            Inline::Text(r.clone()),
        ]);
    }
    // The rest in the appendix: the text names the first, the list is for checking.
    if red_appendix {
        o = o.text(&format!(
            "另有{}项任务逾期或滞后，全部{}项及其原因详见{}。",
            d.red.len() - RED_IN_TEXT,
            d.red.len(),
            label("逾期和滞后任务清单")
        ));
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
    match appendices.as_slice() {
        [] => {}
        [one] => o = o.gap().text(&format!("附件：{one}")),
        many => {
            o = o.gap();
            for (i, a) in many.iter().enumerate() {
                let lead = if i == 0 { "附件：" } else { "　　　" };
                o = o.text(&format!("{lead}{}. {a}", i + 1));
            }
        }
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
        o = o
            .appendix(&label("引用内容来源核对表"), "引用内容来源核对表")
            .table(
                &["序号", "任务", "单位", "报告版本", "引用内容"],
                &rows,
                &[80, 100, 160, 200, 460],
            );
    }
    if red_appendix {
        let rows: Vec<Vec<String>> = d
            .red_rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    (i + 1).to_string(),
                    r.code.clone(),
                    r.task.clone(),
                    r.reasons.clone(),
                ]
            })
            .collect();
        o = o
            .appendix(&label("逾期和滞后任务清单"), "逾期和滞后任务清单")
            .table(
                &["序号", "任务", "任务内容", "逾期或滞后原因"],
                &rows,
                &[80, 100, 420, 400],
            );
    }
    o.closing(Some("领导小组组长、副组长。"), ISSUER, &m.date)
        .bytes()
}
