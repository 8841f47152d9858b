//! 通报草稿: the bulletin drafted from an edition — its figures, what the accepted reports say
//! was done, section by section, who reported on time, the red items and the open requests —
//! with every sentence taken from a report listed with its source, so the office can check
//! each one before issuing. Pure: the edition's figures and the reports come in, the text of
//! the draft goes out; `formats::docx` lays it out.

use super::schedule::prose_date;
use chrono::NaiveDate;

/// What an edition counted, as its opening paragraph states it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub tasks: u32,
    /// 已完成（待办结）; `None`: not counted by the edition.
    pub completed: Option<u32>,
    pub closed: u32,
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
    /// 本期应报 and, of those, on time, late and not (yet) in.
    pub due: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
}

/// A task's place in the plan.
#[derive(Debug, Clone)]
pub struct TaskLine {
    pub code: String,
    pub section: i32,
}

/// A report as the office accepted it.
#[derive(Debug, Clone)]
pub struct ReportLine {
    pub code: String,
    pub unit: String,
    /// The unit leads the task (牵头): its report comes first.
    pub lead: bool,
    /// `2022年第三季度`.
    pub period_label: String,
    pub version: i32,
    pub work_done: String,
}

/// A unit's reports for the edition's period.
#[derive(Debug, Clone)]
pub struct UnitPunctuality {
    pub unit: String,
    pub on_time: u32,
    pub late: u32,
    /// Not in by the due date, returned, or still awaited.
    pub missing: u32,
}

/// A red item with its reasons.
#[derive(Debug, Clone)]
pub struct RedItem {
    pub code: String,
    pub text: String,
    pub reasons: Vec<String>,
}

/// Everything the draft is made from.
#[derive(Debug, Clone)]
pub struct Input {
    pub plan_title: String,
    /// 第N期.
    pub number: i32,
    pub as_of: NaiveDate,
    /// 本期 and its due date.
    pub period: Option<(String, NaiveDate)>,
    pub figures: Figures,
    /// `(section number, "一、…")`, in the plan's order.
    pub sections: Vec<(i32, String)>,
    pub tasks: Vec<TaskLine>,
    pub reports: Vec<ReportLine>,
    pub units: Vec<UnitPunctuality>,
    pub red: Vec<RedItem>,
    /// `(task code, unit, request)` still open when the edition was issued.
    pub requests: Vec<(String, String, String)>,
}

/// A sentence of the draft taken from a report: row `n` of the sources appendix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub n: usize,
    pub code: String,
    pub unit: String,
    /// `2022年第三季度第2版`.
    pub version: String,
    pub sentence: String,
}

/// One piece of a section's paragraph: text of the office's, or a sourced sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Sourced { text: String, n: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionDraft {
    /// `（一）…`: the section's title as a second-level heading.
    pub heading: String,
    /// A paragraph per task quoted (or one saying nothing was accepted yet).
    pub paragraphs: Vec<Vec<Piece>>,
}

/// A red item as the appendix lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedRow {
    pub code: String,
    /// The task's text, cut short.
    pub task: String,
    pub reasons: String,
}

/// The draft, in the order the document prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    pub opening: String,
    pub sections: Vec<SectionDraft>,
    pub reporting: Vec<String>,
    /// The red items, a sentence each; the body prints the first [`RED_IN_TEXT`], the
    /// appendix all of them as [`RedRow`]s.
    pub red: Vec<String>,
    pub red_rows: Vec<RedRow>,
    pub requests: Vec<String>,
    pub closing: String,
    pub sources: Vec<Source>,
}

/// Sentences taken from one report at most: the draft is a summary, the office adds more.
pub const SENTENCES_PER_REPORT: usize = 2;
/// Reports quoted per task at most (leads first): the lead's and one more, so a 通报 of a
/// whole plan stays one to read.
pub const REPORTS_PER_TASK: usize = 2;
/// Red items listed in the text; beyond them the text points to the appendix.
pub const RED_IN_TEXT: usize = 10;

/// `关于2022年…工作要点落实情况的通报（第3期）`
pub fn title(plan_title: &str, number: i32) -> String {
    let plan = plan_title
        .trim()
        .trim_start_matches('《')
        .trim_end_matches('》');
    format!("关于{plan}落实情况的通报（第{number}期）")
}

/// A report's text cut into sentences, each ending with its own stop (。！？；, a line break
/// reads as one, and a sentence without a stop is given 。); empty pieces dropped.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut flush = |cur: &mut String, stop: Option<char>| {
        let t = cur
            .trim()
            .trim_start_matches(['，', '、', '；', '。'])
            .trim();
        if t.chars().count() >= 2 {
            // A semicolon or a line break ends a clause: the draft's sentence takes 。; an
            // ASCII stop takes its full-width form.
            let end = match stop {
                Some('!') => '！',
                Some('?') => '？',
                Some(c @ ('。' | '！' | '？')) => c,
                _ => '。',
            };
            out.push(format!("{t}{end}"));
        }
        cur.clear();
    };
    for c in text.chars() {
        match c {
            '。' | '！' | '？' | '；' | '!' | '?' | ';' => flush(&mut cur, Some(c)),
            '\n' | '\r' => flush(&mut cur, None),
            c => cur.push(c),
        }
    }
    flush(&mut cur, None);
    out
}

/// Drafts the bulletin.
pub fn draft(input: &Input) -> Draft {
    let f = &input.figures;
    let as_of = prose_date(input.as_of);
    let mut opening = format!(
        "截至{as_of}，{}共有任务{}项。其中，已办结{}项",
        input.plan_title.trim(),
        f.tasks,
        f.closed
    );
    if let Some(c) = f.completed {
        opening.push_str(&format!("，已完成待办结{c}项"));
    }
    opening.push_str(&format!(
        "，正常推进{}项，存在风险{}项，逾期或滞后{}项。",
        f.green, f.yellow, f.red
    ));
    match &input.period {
        Some((label, due)) => opening.push_str(&format!(
            "{label}应于{}前报送进展情况{}份，按时报送{}份，逾期报送{}份，尚未报送或未获采纳{}份。",
            prose_date(*due),
            f.due,
            f.on_time,
            f.late,
            f.missing
        )),
        None => opening.push_str("本期尚无应报送的进展情况。"),
    }
    opening.push_str("现将有关情况通报如下。");

    let mut sources = Vec::new();
    let mut sections = Vec::new();
    for (number, label) in &input.sections {
        let heading = section_heading(label, sections.len() + 1);
        let mut paragraphs = Vec::new();
        for task in input.tasks.iter().filter(|t| t.section == *number) {
            let mut reports: Vec<&ReportLine> = input
                .reports
                .iter()
                .filter(|r| r.code == task.code)
                .collect();
            // Leads first, then by unit, so the same edition drafts the same text.
            reports.sort_by(|a, b| b.lead.cmp(&a.lead).then_with(|| a.unit.cmp(&b.unit)));
            let mut said = Vec::new();
            for r in reports.into_iter().take(REPORTS_PER_TASK) {
                let taken: Vec<String> = sentences(&r.work_done)
                    .into_iter()
                    .take(SENTENCES_PER_REPORT)
                    .collect();
                if taken.is_empty() {
                    continue;
                }
                said.push((r, taken));
            }
            if said.is_empty() {
                continue;
            }
            let mut pieces = vec![Piece::Text(format!("（任务{}）", task.code))];
            for (r, taken) in said {
                pieces.push(Piece::Text(format!("{}：", r.unit)));
                for s in taken {
                    let n = sources.len() + 1;
                    sources.push(Source {
                        n,
                        code: r.code.clone(),
                        unit: r.unit.clone(),
                        version: format!("{}第{}版", r.period_label, r.version),
                        sentence: s.clone(),
                    });
                    pieces.push(Piece::Sourced { text: s, n });
                }
            }
            paragraphs.push(pieces);
        }
        if paragraphs.is_empty() {
            paragraphs.push(vec![Piece::Text(
                "本部分任务截至本期尚无已采纳的进展情况。".to_string(),
            )]);
        }
        sections.push(SectionDraft {
            heading,
            paragraphs,
        });
    }

    let mut reporting = Vec::new();
    let on_time: Vec<&str> = input
        .units
        .iter()
        .filter(|u| u.on_time > 0 && u.late == 0 && u.missing == 0)
        .map(|u| u.unit.as_str())
        .collect();
    let late: Vec<String> = input
        .units
        .iter()
        .filter(|u| u.late > 0)
        .map(|u| format!("{}（{}份）", u.unit, u.late))
        .collect();
    let missing: Vec<String> = input
        .units
        .iter()
        .filter(|u| u.missing > 0)
        .map(|u| format!("{}（{}份）", u.unit, u.missing))
        .collect();
    if input.period.is_none() || f.due == 0 {
        reporting.push("本期没有应报送的进展情况。".to_string());
    } else {
        if on_time.is_empty() {
            reporting.push("本期没有全部按时报送的单位。".to_string());
        } else {
            reporting.push(format!(
                "{}等{}个单位全部按时报送了本期进展情况。",
                on_time.join("、"),
                on_time.len()
            ));
        }
        if !late.is_empty() {
            reporting.push(format!("{}逾期报送，请今后按时报送。", late.join("、")));
        }
        if !missing.is_empty() {
            reporting.push(format!(
                "{}尚未报送或报送内容未获采纳，请尽快报送。",
                missing.join("、")
            ));
        }
    }

    let red: Vec<String> = input
        .red
        .iter()
        .map(|r| {
            let reasons = if r.reasons.is_empty() {
                "进展滞后".to_string()
            } else {
                r.reasons.join("；")
            };
            format!(
                "任务{}（{}）：{}。",
                r.code,
                short(&r.text, 40),
                reasons.trim_end_matches('。')
            )
        })
        .collect();
    let red_rows: Vec<RedRow> = input
        .red
        .iter()
        .map(|r| RedRow {
            code: r.code.clone(),
            task: short(&r.text, 60),
            reasons: if r.reasons.is_empty() {
                "进展滞后".to_string()
            } else {
                r.reasons.join("；")
            },
        })
        .collect();
    let requests: Vec<String> = input
        .requests
        .iter()
        .map(|(code, unit, text)| {
            format!(
                "{unit}在任务{code}中提出：{}。",
                text.trim().trim_end_matches('。')
            )
        })
        .collect();

    let closing = match &input.period {
        Some(_) => format!(
            "请各成员单位对照工作要点，抓紧推进各项任务，对通报指出的逾期、滞后事项逐项研究整改措施，按照报送周期及时准确报送进展情况。领导小组办公室将持续跟踪督办，并在下一期通报中反映整改情况。{}",
            if input.red.is_empty() {
                ""
            } else {
                "对存在逾期或滞后的任务，牵头单位要会同配合单位查找原因，明确完成时限。"
            }
        ),
        None => "请各成员单位对照工作要点，抓紧推进各项任务，按照报送周期及时准确报送进展情况。"
            .to_string(),
    };

    Draft {
        title: title(&input.plan_title, input.number),
        opening,
        sections,
        reporting,
        red,
        red_rows,
        requests,
        closing,
        sources,
    }
}

/// `一、加强…` becomes `（一）加强…`: the plan's sections are the second level under
/// 一、各项任务进展情况.
fn section_heading(label: &str, n: usize) -> String {
    let title = label
        .split_once('、')
        .map(|(_, t)| t)
        .unwrap_or(label)
        .trim();
    format!("（{}）{title}", super::plan::to_chinese_numeral(n as u32))
}

/// The first `max` characters of a task's text, with an ellipsis when cut.
pub(crate) fn short(text: &str, max: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= max {
        t.trim_end_matches('。').to_string()
    } else {
        format!("{}……", t.chars().take(max).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> Input {
        Input {
            plan_title: "2022年全国打击侵犯知识产权和制售假冒伪劣商品工作要点".into(),
            number: 3,
            as_of: NaiveDate::from_ymd_opt(2022, 10, 20).unwrap(),
            period: Some((
                "2022年第三季度".into(),
                NaiveDate::from_ymd_opt(2022, 10, 10).unwrap(),
            )),
            figures: Figures {
                tasks: 4,
                completed: Some(1),
                closed: 1,
                green: 1,
                yellow: 1,
                red: 1,
                due: 6,
                on_time: 3,
                late: 1,
                missing: 2,
            },
            sections: vec![(1, "一、加强制度建设".into()), (2, "二、强化执法".into())],
            tasks: vec![
                TaskLine {
                    code: "1.1".into(),
                    section: 1,
                },
                TaskLine {
                    code: "2.1".into(),
                    section: 2,
                },
            ],
            reports: vec![
                ReportLine {
                    code: "1.1".into(),
                    unit: "公安部".into(),
                    lead: false,
                    period_label: "2022年第三季度".into(),
                    version: 1,
                    work_done: "配合开展调研。".into(),
                },
                ReportLine {
                    code: "1.1".into(),
                    unit: "司法部".into(),
                    lead: true,
                    period_label: "2022年第三季度".into(),
                    version: 2,
                    work_done: "起草了条例修订稿；召开座谈会3次。第三句不取。".into(),
                },
            ],
            units: vec![
                UnitPunctuality {
                    unit: "司法部".into(),
                    on_time: 2,
                    late: 0,
                    missing: 0,
                },
                UnitPunctuality {
                    unit: "公安部".into(),
                    on_time: 1,
                    late: 1,
                    missing: 0,
                },
                UnitPunctuality {
                    unit: "商务部".into(),
                    on_time: 0,
                    late: 0,
                    missing: 2,
                },
            ],
            red: vec![RedItem {
                code: "2.1".into(),
                text: "开展专项行动。".into(),
                reasons: vec!["逾期未报：商务部".into()],
            }],
            requests: vec![("2.1".into(), "商务部".into(), "请协调数据共享".into())],
        }
    }

    #[test]
    fn the_title_names_the_plan_and_the_edition() {
        assert_eq!(
            title("《2022年…工作要点》", 3),
            "关于2022年…工作要点落实情况的通报（第3期）"
        );
    }

    #[test]
    fn the_opening_states_every_figure() {
        let d = draft(&input());
        assert_eq!(
            d.opening,
            "截至2022年10月20日，2022年全国打击侵犯知识产权和制售假冒伪劣商品工作要点共有任务4项。其中，已办结1项，已完成待办结1项，正常推进1项，存在风险1项，逾期或滞后1项。2022年第三季度应于2022年10月10日前报送进展情况6份，按时报送3份，逾期报送1份，尚未报送或未获采纳2份。现将有关情况通报如下。"
        );
    }

    #[test]
    fn sentences_come_from_the_reports_with_their_sources() {
        let d = draft(&input());
        assert_eq!(d.sections.len(), 2);
        assert_eq!(d.sections[0].heading, "（一）加强制度建设");
        // The lead first, two sentences of it, then the co-unit's one.
        assert_eq!(
            d.sections[0].paragraphs,
            vec![vec![
                Piece::Text("（任务1.1）".into()),
                Piece::Text("司法部：".into()),
                Piece::Sourced {
                    text: "起草了条例修订稿。".into(),
                    n: 1
                },
                Piece::Sourced {
                    text: "召开座谈会3次。".into(),
                    n: 2
                },
                Piece::Text("公安部：".into()),
                Piece::Sourced {
                    text: "配合开展调研。".into(),
                    n: 3
                },
            ]]
        );
        assert_eq!(d.sources.len(), 3);
        assert_eq!(d.sources[1].version, "2022年第三季度第2版");
        assert_eq!(d.sources[1].unit, "司法部");
        assert_eq!(d.sources[1].code, "1.1");
        // A section with nothing accepted says so.
        assert_eq!(
            d.sections[1].paragraphs,
            vec![vec![Piece::Text(
                "本部分任务截至本期尚无已采纳的进展情况。".into()
            )]]
        );
    }

    #[test]
    fn units_are_named_by_punctuality() {
        let d = draft(&input());
        assert_eq!(
            d.reporting[0],
            "司法部等1个单位全部按时报送了本期进展情况。"
        );
        assert_eq!(d.reporting[1], "公安部（1份）逾期报送，请今后按时报送。");
        assert_eq!(
            d.reporting[2],
            "商务部（2份）尚未报送或报送内容未获采纳，请尽快报送。"
        );
        assert_eq!(d.red, vec!["任务2.1（开展专项行动）：逾期未报：商务部。"]);
        assert_eq!(d.red_rows[0].reasons, "逾期未报：商务部");
        assert_eq!(d.requests, vec!["商务部在任务2.1中提出：请协调数据共享。"]);
    }

    #[test]
    fn a_plan_without_accepted_reports_drafts_short() {
        let mut i = input();
        i.reports.clear();
        i.red.clear();
        i.requests.clear();
        let d = draft(&i);
        assert!(d.sources.is_empty());
        assert!(d.sections.iter().all(|s| s.paragraphs.len() == 1));
    }

    #[test]
    fn text_is_cut_at_its_stops() {
        assert_eq!(
            sentences("一是开展检查；二是立案5起\n三是<b>培训</b>!  ，"),
            vec!["一是开展检查。", "二是立案5起。", "三是<b>培训</b>！"]
        );
        assert!(sentences("").is_empty());
        assert!(sentences("。。；").is_empty());
    }
}
