//! 台账: the ledger of the tasks a `/tasks` query selects — 工作台账, one row per task with
//! its lead's latest progress ([`tasks`]); the detail, one row per task and responsible unit
//! with its light, status and latest report (its submitted version, dated by its submission);
//! and the units' figures — limited to what the reader may see. The files are written by
//! [`crate::formats::export`].

mod instructions;
mod tasks;

use crate::db::{self, tasks::TaskRow};
use crate::formats::export::{Ledger, LedgerRow, UnitSummaryRow};
use crate::rules::access::{Access, Scope};
use crate::rules::plan::{section_label, subsection_label};
use crate::workflows::progress::TaskState;
use crate::workflows::summary;
use chrono::NaiveDate;
use sqlx::PgPool;
use std::collections::HashMap;

/// The tasks chosen, as the caller selected and judged them.
pub struct Selected<'a> {
    pub settings: &'a db::plans::PlanSettings,
    pub title: &'a str,
    /// 文号.
    pub doc_number: Option<&'a str>,
    pub tasks: &'a [TaskRow],
    pub states: &'a HashMap<i64, TaskState>,
}

/// Builds the ledger of the selected tasks as of `today`, for a reader with `access` (its unit
/// rows limited to the reader's scope, its reports to those the reader may read).
pub async fn assemble(
    pool: &PgPool,
    sel: Selected<'_>,
    access: Access,
    today: NaiveDate,
) -> sqlx::Result<Ledger> {
    let scope = access.scope();
    let plan_id = sel.settings.id;
    let latest: HashMap<(i64, i64), (NaiveDate, String)> =
        db::reports::latest_per_pair(pool, plan_id)
            .await?
            .into_iter()
            .map(|(t, u, at, text)| {
                (
                    (t, u),
                    (at.with_timezone(&chrono::Local).date_naive(), text),
                )
            })
            .collect();
    let rows = rows(&sel, &latest, scope);
    let built = summary::build(
        sel.settings,
        sel.tasks,
        sel.states,
        &db::reports::briefs_for_plan(pool, plan_id).await?,
        today,
    );
    let extensions =
        db::extensions::counts_by_unit(pool, plan_id, chrono::DateTime::<chrono::Utc>::MAX_UTC)
            .await?;
    let answers = db::acknowledgements::counts_by_unit(pool, plan_id, today).await?;
    let sign_offs =
        db::sign_offs::counts_by_unit(pool, plan_id, chrono::DateTime::<chrono::Utc>::MAX_UTC)
            .await?;
    let units = built
        .units
        .iter()
        .filter(|u| scope.includes(u.unit_id))
        .map(|u| {
            let (extensions_asked, extensions_approved) = extensions
                .iter()
                .find(|(id, ..)| *id == u.unit_id)
                .map_or((0, 0), |(_, a, ok, _)| (*a as u32, *ok as u32));
            let (acknowledged, contested) = answers
                .iter()
                .find(|(id, ..)| *id == u.unit_id)
                .map_or((0, 0), |(_, a, c)| (*a as u32, *c as u32));
            let (signed_off, sign_off_returned) = sign_offs
                .iter()
                .find(|(id, ..)| *id == u.unit_id)
                .map_or((0, 0), |(_, a, r)| (*a as u32, *r as u32));
            UnitSummaryRow {
                acknowledged,
                contested,
                signed_off,
                sign_off_returned,
                unit: u.unit.clone(),
                led: u.led,
                co: u.co,
                owed: u.on_time + u.late + u.missing + u.returned,
                on_time: u.on_time,
                late: u.late,
                missing: u.missing,
                returned: u.returned,
                red: u.red,
                yellow: u.yellow,
                extensions_asked,
                extensions_approved,
            }
        })
        .collect();
    let tasks = tasks::rows(pool, &sel, access).await?;
    let instructions = instructions::rows(pool, &sel, access).await?;
    Ok(Ledger {
        instructions,
        title: sel.title.to_string(),
        doc_number: sel.doc_number.unwrap_or_default().to_string(),
        as_of: today,
        tasks,
        rows,
        units,
    })
}

/// One row per task and responsible unit (lead units first); a task with none yet gets one
/// row “(待明确)”, shown only to readers of every unit.
fn rows(
    sel: &Selected<'_>,
    latest: &HashMap<(i64, i64), (NaiveDate, String)>,
    scope: Scope,
) -> Vec<LedgerRow> {
    let mut rows = Vec::new();
    for t in sel.tasks {
        let state = sel.states.get(&t.id);
        let units: Vec<(Option<i64>, String, &str)> = t
            .lead_ids
            .iter()
            .zip(&t.lead_names)
            .map(|(id, n)| (Some(*id), n.clone(), "牵头"))
            .chain(
                t.co_ids
                    .iter()
                    .zip(&t.co_names)
                    .map(|(id, n)| (Some(*id), n.clone(), "配合")),
            )
            .collect();
        let units = if units.is_empty() {
            vec![(None, "（待明确）".to_string(), "")]
        } else {
            units
        };
        for (unit_id, unit, role) in units {
            let visible = match unit_id {
                Some(u) => scope.includes(u),
                None => scope == Scope::All,
            };
            if !visible {
                continue;
            }
            let report = unit_id.and_then(|u| latest.get(&(t.id, u)));
            rows.push(LedgerRow {
                section: section_label(t.section_number, &t.section_title),
                subsection: subsection_label(t.subsection_number, &t.subsection_title),
                code: t.code.clone(),
                text: t.text.clone(),
                unit,
                role: role.to_string(),
                deadline: t.deadline().describe(sel.settings.year),
                light: state.map_or("", |s| s.light.label()).to_string(),
                status: state.map_or("", |s| s.status.label()).to_string(),
                latest_report_date: report.map(|r| r.0),
                latest_report_text: report.map(|r| r.1.clone()).unwrap_or_default(),
            });
        }
    }
    rows
}
