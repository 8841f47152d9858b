//! The 通报 of an edition: the edition's frozen figures, and what the reports accepted by the
//! moment it was issued say was done (so a later acceptance never changes an edition's draft).

use crate::db::{self, editions::EditionRow, tasks::TaskFilter};
use crate::rules::bulletin::{
    self, Draft, Figures, Input, RedItem, ReportLine, TaskLine, UnitPunctuality,
};
use crate::rules::lights::Light;
use crate::rules::schedule::period_label;
use crate::rules::vocabulary::ReportSnapshot;
use crate::workflows::editions::summary_of;
use crate::workflows::summary::Flagged;
use std::collections::HashMap;

/// What the draft of edition `row` is made from; `None`: its snapshot cannot be read.
pub async fn bulletin_input(pool: &sqlx::PgPool, row: &EditionRow) -> sqlx::Result<Option<Input>> {
    let Some(s) = summary_of(row) else {
        return Ok(None);
    };
    let plan_title = db::plans::get(pool, row.plan_id)
        .await?
        .map(|p| p.title)
        .unwrap_or_default();
    let tasks = db::tasks::list(pool, row.plan_id, &TaskFilter::default()).await?;
    let by_id: HashMap<i64, &db::tasks::TaskRow> = tasks.iter().map(|t| (t.id, t)).collect();
    let accepted = db::documents::accepted_until(pool, row.plan_id, row.issued_at).await?;
    let reports = accepted
        .into_iter()
        .filter_map(|r| {
            let t = by_id.get(&r.task_id)?;
            Some(ReportLine {
                code: t.code.clone(),
                unit: r.unit_name,
                lead: t.lead_ids.contains(&r.unit_id),
                period_label: period_label(&r.period),
                version: r.version,
                work_done: ReportSnapshot::from_json(&r.snapshot).content.work_done,
            })
        })
        .collect();
    let figures = Figures {
        tasks: s.totals.tasks,
        completed: s.totals.completed,
        closed: s.totals.closed,
        green: s.totals.green,
        yellow: s.totals.yellow,
        red: s.totals.red,
        due: s.totals.due,
        on_time: s.units.iter().map(|u| u.on_time).sum(),
        late: s.units.iter().map(|u| u.late).sum(),
        missing: s.totals.missing,
    };
    let units = s
        .units
        .iter()
        .map(|u| UnitPunctuality {
            unit: u.unit.clone(),
            on_time: u.on_time,
            late: u.late,
            // Past due and not in, or sent back: what the 通报 asks the unit to send.
            missing: u.missing + u.returned,
        })
        .collect();
    let red = s
        .flagged
        .iter()
        .filter(|f| f.light == Light::Red)
        .map(|f| RedItem {
            code: f.code.clone(),
            text: f.text.clone(),
            reasons: reasons_of(f),
        })
        .collect();
    Ok(Some(Input {
        plan_title,
        number: row.number,
        as_of: row.as_of,
        period: s.period.as_ref().map(|p| (p.label.clone(), p.due)),
        figures,
        sections: s
            .sections
            .iter()
            .map(|g| (g.section, g.label.clone()))
            .collect(),
        tasks: tasks
            .iter()
            .map(|t| TaskLine {
                code: t.code.clone(),
                section: t.section_number,
            })
            .collect(),
        reports,
        units,
        red,
        requests: db::documents::open_requests_at(pool, row.plan_id, row.issued_at).await?,
    }))
}

/// Units a reason names before it says how many more: a 通报 names, the list on the edition's
/// page has them all.
const UNITS_NAMED: usize = 3;

/// A red item's reasons, one a line, each naming its first units and counting the rest.
fn reasons_of(f: &Flagged) -> Vec<String> {
    if f.lines.is_empty() {
        return f.reasons.clone();
    }
    f.lines
        .iter()
        .map(|l| {
            let names: Vec<&str> = l.units.iter().map(|u| u.unit.as_str()).collect();
            match names.len() {
                0 => l.text.clone(),
                n if n <= UNITS_NAMED => format!("{}：{}", l.text, names.join("、")),
                n => format!("{}：{}等{n}个单位", l.text, names[..UNITS_NAMED].join("、")),
            }
        })
        .collect()
}

/// The 通报 draft of edition `row`.
pub async fn bulletin_draft(pool: &sqlx::PgPool, row: &EditionRow) -> sqlx::Result<Option<Draft>> {
    Ok(bulletin_input(pool, row)
        .await?
        .map(|input| bulletin::draft(&input)))
}
