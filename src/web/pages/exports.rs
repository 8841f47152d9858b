//! `/tasks.xlsx` and `/tasks.csv`: the 台账 of exactly the tasks a `/tasks` query shows, for a
//! signed-in browser or an API token (scheduled pulls).

use super::query::PageQuery;
use super::tasks::{Rows, TasksQuery, select};
use crate::db;
use crate::formats::export::{self, Ledger, LedgerRow, UnitSummaryRow};
use crate::web::auth::CurrentUser;
use crate::web::{AppError, Clock, render};
use axum::extract::State;
use axum::response::Response;
use sqlx::PgPool;
use std::collections::HashMap;

async fn ledger(
    pool: &PgPool,
    clock: Clock,
    user: &CurrentUser,
    q: &TasksQuery,
) -> Result<(Ledger, String), AppError> {
    let sel = select(pool, clock, user, q, Rows::All).await?;
    if sel.errors.any() {
        return Err(AppError::BadRequest(
            "筛选条件有误,请在任务页面更正后再导出。".into(),
        ));
    }
    let settings = sel.ctx.settings.clone();
    let latest: HashMap<(i64, i64), (chrono::NaiveDate, String)> =
        db::reports::latest_per_pair(pool, sel.ctx.plan.id)
            .await?
            .into_iter()
            .map(|(t, u, at, text)| {
                (
                    (t, u),
                    (at.with_timezone(&chrono::Local).date_naive(), text),
                )
            })
            .collect();
    let own = user.access().own_unit();
    let mut rows = Vec::new();
    for t in &sel.rows {
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
            vec![(None, "(待明确)".to_string(), "")]
        } else {
            units
        };
        for (unit_id, unit, role) in units {
            if own.is_some() && unit_id != own {
                continue;
            }
            let report = unit_id.and_then(|u| latest.get(&(t.id, u)));
            rows.push(LedgerRow {
                section: super::views::section_label(t.section_number, &t.section_title),
                subsection: super::views::subsection_label(
                    t.subsection_number,
                    &t.subsection_title,
                ),
                code: t.code.clone(),
                text: t.text.clone(),
                unit,
                role: role.to_string(),
                deadline: t.deadline().describe(settings.year),
                light: state.map_or("", |s| s.light.label()).to_string(),
                status: state.map_or("", |s| s.status.label()).to_string(),
                latest_report_date: report.map(|r| r.0),
                latest_report_text: report.map(|r| r.1.clone()).unwrap_or_default(),
            });
        }
    }
    let summary = crate::workflows::summary::build(
        &settings,
        &sel.rows,
        &sel.states,
        &db::reports::briefs_for_plan(pool, sel.ctx.plan.id).await?,
        clock.today(),
    );
    let units = summary
        .units
        .iter()
        .filter(|u| own.is_none_or(|o| o == u.unit_id))
        .map(|u| UnitSummaryRow {
            unit: u.unit.clone(),
            led: u.led,
            co: u.co,
            on_time: u.on_time,
            late: u.late,
            missing: u.missing,
            returned: u.returned,
            red: u.red,
            yellow: u.yellow,
        })
        .collect();
    let file = format!("台账-{}", clock.today());
    Ok((
        Ledger {
            title: sel.ctx.plan.title.clone(),
            as_of: clock.today(),
            rows,
            units,
        },
        file,
    ))
}

pub async fn xlsx(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    PageQuery(q): PageQuery<TasksQuery>,
) -> Result<Response, AppError> {
    let (ledger, file) = ledger(&pool, clock, &user, &q).await?;
    let bytes = export::ledger_xlsx(&ledger).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(render::download(
        bytes,
        render::XLSX,
        &format!("{file}.xlsx"),
    ))
}

pub async fn csv(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    PageQuery(q): PageQuery<TasksQuery>,
) -> Result<Response, AppError> {
    let (ledger, file) = ledger(&pool, clock, &user, &q).await?;
    Ok(render::download(
        export::ledger_csv(&ledger),
        "text/csv; charset=utf-8",
        &format!("{file}.csv"),
    ))
}
