//! View models shared by the pages: tasks with their unit links, grouped by section.

use crate::db::tasks::TaskRow;
pub use crate::rules::plan::{section_label, subsection_label};

pub struct UnitLink {
    pub id: i64,
    pub name: String,
}

pub struct TaskView {
    pub id: i64,
    pub code: String,
    /// 红黄绿灯 and status, where the page computed them.
    pub light: Option<crate::rules::lights::Light>,
    pub status: Option<crate::workflows::progress::TaskStatus>,
    /// The period of the latest report submitted, by its label (`2022年第三季度`), where known.
    pub latest_period: Option<String>,
    pub text: String,
    pub source_text: String,
    pub responsibility_text: String,
    pub unnamed_members: bool,
    /// 待明确责任单位: unnamed units still to be designated by the office.
    pub awaits_designation: bool,
    pub source_line: i32,
    pub leads: Vec<UnitLink>,
    pub co: Vec<UnitLink>,
    /// Its 选择 box is ticked: only ever because the user ticked it (shown back after an error).
    pub picked: bool,
    pub section_label: String,
    pub subsection_label: String,
}

fn links(ids: &[i64], names: &[String]) -> Vec<UnitLink> {
    ids.iter()
        .zip(names)
        .map(|(id, name)| UnitLink {
            id: *id,
            name: name.clone(),
        })
        .collect()
}

impl From<TaskRow> for TaskView {
    fn from(t: TaskRow) -> Self {
        TaskView {
            leads: links(&t.lead_ids, &t.lead_names),
            co: links(&t.co_ids, &t.co_names),
            picked: false,
            section_label: section_label(t.section_number, &t.section_title),
            subsection_label: subsection_label(t.subsection_number, &t.subsection_title),
            id: t.id,
            light: None,
            status: None,
            latest_period: None,
            code: t.code,
            text: t.text,
            source_text: t.source_text,
            responsibility_text: t.responsibility_text,
            unnamed_members: t.unnamed_members,
            awaits_designation: !t.designation_complete,
            source_line: t.source_line,
        }
    }
}

pub struct SubsectionGroup {
    pub label: String,
    pub tasks: Vec<TaskView>,
}

pub struct SectionGroup {
    pub label: String,
    pub subsections: Vec<SubsectionGroup>,
}

/// Tasks in plan order, grouped under their section and subsection headings, with their
/// lights where known.
pub fn group(
    rows: Vec<TaskRow>,
    states: &std::collections::HashMap<i64, crate::workflows::progress::TaskState>,
) -> Vec<SectionGroup> {
    let mut out: Vec<SectionGroup> = Vec::new();
    for row in rows {
        let mut view = TaskView::from(row);
        if let Some(s) = states.get(&view.id) {
            view.light = Some(s.light);
            view.status = Some(s.status);
            view.latest_period = s
                .latest_period
                .as_deref()
                .map(crate::rules::schedule::period_label);
        }
        if out.last().is_none_or(|s| s.label != view.section_label) {
            out.push(SectionGroup {
                label: view.section_label.clone(),
                subsections: Vec::new(),
            });
        }
        let Some(section) = out.last_mut() else {
            continue;
        };
        if section
            .subsections
            .last()
            .is_none_or(|s| s.label != view.subsection_label)
        {
            section.subsections.push(SubsectionGroup {
                label: view.subsection_label.clone(),
                tasks: Vec::new(),
            });
        }
        if let Some(sub) = section.subsections.last_mut() {
            sub.tasks.push(view);
        }
    }
    out
}

/// One history entry as a sentence: what changed from what to what.
pub fn history_line(
    kind: &str,
    before: &serde_json::Value,
    after: &serde_json::Value,
    year: i32,
) -> String {
    let units = |v: &serde_json::Value| -> String {
        let list = v.as_array().cloned().unwrap_or_default();
        let names = |role: &str| -> String {
            list.iter()
                .filter(|u| u["role"] == role)
                .filter_map(|u| u["unit"].as_str())
                .collect::<Vec<_>>()
                .join("、")
        };
        let (lead, co) = (names("lead"), names("co"));
        format!(
            "牵头：{}；配合：{}",
            if lead.is_empty() { "无" } else { &lead },
            if co.is_empty() { "无" } else { &co }
        )
    };
    let deadline = |v: &serde_json::Value| -> String {
        if v.is_null() {
            return "随工作要点默认".into();
        }
        let kind = v["kind"]
            .as_str()
            .and_then(crate::rules::schedule::DeadlineKind::parse);
        let date = v["date"]
            .as_str()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let checkpoints: Vec<crate::rules::schedule::Checkpoint> =
            serde_json::from_value(v["checkpoints"].clone()).unwrap_or_default();
        match kind {
            Some(k) => crate::db::tasks::deadline_of(k, date, &checkpoints).describe(year),
            None => "—".into(),
        }
    };
    let cycle = |v: &serde_json::Value| -> String {
        v.as_str()
            .and_then(crate::rules::schedule::Cycle::parse)
            .map_or("随工作要点默认".into(), |c| c.label().to_string())
    };
    match kind {
        "units" => format!("责任单位由“{}”改为“{}”", units(before), units(after)),
        "deadline" => format!("办理时限由“{}”改为“{}”", deadline(before), deadline(after)),
        "cycle" => format!("报送周期由“{}”改为“{}”", cycle(before), cycle(after)),
        "designation" => {
            if after.as_bool() == Some(true) {
                "标记为已明确全部责任单位".into()
            } else {
                "标记为待明确责任单位".into()
            }
        }
        "milestone" => match (before.is_null(), after.is_null()) {
            (true, _) => format!(
                "增加里程碑：{}，{}，{}前完成",
                after["unit"].as_str().unwrap_or("—"),
                after["output"].as_str().unwrap_or("—"),
                after["due"].as_str().unwrap_or("—")
            ),
            (_, true) => format!("删除里程碑：{}", before["output"].as_str().unwrap_or("—")),
            _ if after["done_on"].is_null() => format!(
                "里程碑“{}”重新打开",
                before["output"].as_str().unwrap_or("—")
            ),
            _ => format!(
                "里程碑“{}”于{}完成",
                before["output"].as_str().unwrap_or("—"),
                after["done_on"].as_str().unwrap_or("—")
            ),
        },
        "match" => {
            let year = after["year"]
                .as_i64()
                .map_or(String::new(), |y| format!("{y}年"));
            match (after["previous"].as_str(), after["label"].as_str()) {
                (Some(code), Some(label)) => format!(
                    "与上年比对：确认为{year}工作要点 {code} 的{}",
                    if label == "continued" {
                        "延续"
                    } else {
                        "调整"
                    }
                ),
                _ => "与上年比对：确认为新增任务".into(),
            }
        }
        other => other.to_string(),
    }
}
