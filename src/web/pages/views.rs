//! View models shared by the pages: tasks with their unit links, grouped by section.

use crate::db::tasks::TaskRow;
use crate::plan::to_chinese_numeral;

pub struct UnitLink {
    pub id: i64,
    pub name: String,
}

pub struct TaskView {
    pub code: String,
    pub text: String,
    pub source_text: String,
    pub responsibility_text: String,
    pub unnamed_members: bool,
    pub source_line: i32,
    pub leads: Vec<UnitLink>,
    pub co: Vec<UnitLink>,
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

/// `一、扎实开展重点难点治理`
pub fn section_label(number: i32, title: &str) -> String {
    format!("{}、{title}", to_chinese_numeral(number.max(0) as u32))
}

/// `(一)开展互联网领域治理`
pub fn subsection_label(number: i32, title: &str) -> String {
    format!("({}){title}", to_chinese_numeral(number.max(0) as u32))
}

impl From<TaskRow> for TaskView {
    fn from(t: TaskRow) -> Self {
        TaskView {
            leads: links(&t.lead_ids, &t.lead_names),
            co: links(&t.co_ids, &t.co_names),
            section_label: section_label(t.section_number, &t.section_title),
            subsection_label: subsection_label(t.subsection_number, &t.subsection_title),
            code: t.code,
            text: t.text,
            source_text: t.source_text,
            responsibility_text: t.responsibility_text,
            unnamed_members: t.unnamed_members,
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

/// Tasks in plan order, grouped under their section and subsection headings.
pub fn group(rows: Vec<TaskRow>) -> Vec<SectionGroup> {
    let mut out: Vec<SectionGroup> = Vec::new();
    for row in rows {
        let view = TaskView::from(row);
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
