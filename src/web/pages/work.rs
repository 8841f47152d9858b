//! Where people work: `/my` for liaisons (due, returned, urged, drafts, then all their unit's
//! tasks) and `/review` for the office (submitted reports oldest first; open coordination
//! requests); urging (`POST /urges`) and acknowledging (`POST /urges/{id}/ack`).

use super::query::PageQuery;
use super::reports::{caller, progress_error};
use crate::db::{self, reports::ReportRow, tasks::TaskFilter};
use crate::lights::Light;
use crate::progress::{self, ProgressError, ReviewState};
use crate::reporting;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::Form;
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgPool;
use std::collections::HashSet;

/// A report a liaison owes or is working on.
struct Due {
    code: String,
    text: String,
    period: String,
    period_label: String,
    due: NaiveDate,
    overdue: bool,
    report_id: Option<i64>,
    state: String,
}

struct MyTask {
    code: String,
    text: String,
    lead: bool,
    light: Light,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "my.html")]
struct MyPage {
    layout: Layout,
    unit_name: String,
    due: Vec<Due>,
    returned: Vec<ReportRow>,
    drafts: Vec<ReportRow>,
    urges: Vec<db::reports::UrgeRow>,
    unread: usize,
    tasks: Vec<MyTask>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PlanQuery {
    plan: Option<String>,
}

pub async fn my(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    PageQuery(q): PageQuery<PlanQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "my", &user).await?;
    // “我的任务” is a liaison's page; the others have their own starting points.
    let Some(unit_id) = user.unit_id else {
        let home = if user.is_office() { "/review" } else { "/" };
        return Ok(Redirect::to(home).into_response());
    };
    let today = clock.today();
    let filter = TaskFilter {
        unit_id: Some(unit_id),
        ..TaskFilter::default()
    };
    let (settings, tasks, states) = progress::plan_states(&pool, ctx.plan.id, &filter, today)
        .await?
        .ok_or_else(|| AppError::NotFound("找不到该工作要点".into()))?;
    let reports = db::reports::for_unit(&pool, ctx.plan.id, unit_id).await?;
    let mut due = Vec::new();
    for t in tasks.iter().filter(|t| t.closed_at.is_none()) {
        let periods = reporting::task_periods(&settings, &t.deadline(), t.effective_cycle());
        // Overdue periods never submitted, and the next one coming due.
        let next_key = periods
            .iter()
            .find(|p| p.due >= today)
            .map(|p| p.key.clone());
        for p in &periods {
            let report = reports
                .iter()
                .find(|r| r.task_id == t.id && r.period == p.key);
            let submitted = report.is_some_and(|r| {
                r.first_submitted_at.is_some() && r.review_state != ReviewState::Returned
            });
            let overdue = p.due < today;
            if submitted || !(overdue || Some(&p.key) == next_key.as_ref()) {
                continue;
            }
            due.push(Due {
                code: t.code.clone(),
                text: t.text.clone(),
                period: p.key.clone(),
                period_label: p.label.clone(),
                due: p.due,
                overdue,
                report_id: report.map(|r| r.id),
                state: report.map_or("未填报".into(), |r| r.review_state.label().into()),
            });
        }
    }
    due.sort_by_key(|d| (d.due, d.code.clone()));
    let urges = db::reports::urges_for_unit(&pool, ctx.plan.id, unit_id).await?;
    let page = MyPage {
        unit_name: user.unit_name.clone().unwrap_or_default(),
        unread: urges.iter().filter(|u| u.acknowledged_at.is_none()).count(),
        returned: reports
            .iter()
            .filter(|r| r.review_state == ReviewState::Returned)
            .cloned()
            .collect(),
        drafts: reports
            .iter()
            .filter(|r| r.review_state == ReviewState::Draft)
            .cloned()
            .collect(),
        tasks: tasks
            .iter()
            .map(|t| MyTask {
                code: t.code.clone(),
                text: t.text.clone(),
                lead: t.lead_ids.contains(&unit_id),
                light: states.get(&t.id).map_or(Light::Green, |s| s.light),
                status: states.get(&t.id).map_or("", |s| s.status.label()),
            })
            .collect(),
        urges,
        due,
        layout: ctx.layout,
    };
    Ok(render::ok(&page))
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    layout: Layout,
    reports: Vec<ReportRow>,
    coordination: Vec<db::reports::OpenCoordination>,
    units: Vec<db::units::UnitRow>,
    sections: Vec<(i32, String)>,
    unit: String,
    section: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReviewQuery {
    plan: Option<String>,
    unit: Option<String>,
    section: Option<String>,
}

pub async fn review(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PageQuery(q): PageQuery<ReviewQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "review", &user).await?;
    let unit = q.unit.unwrap_or_default().trim().to_string();
    let section = q.section.unwrap_or_default().trim().to_string();
    let unit_id = (!unit.is_empty())
        .then(|| unit.parse::<i64>())
        .transpose()
        .map_err(|_| AppError::BadRequest("单位编号无效。".into()))?;
    let section_no = (!section.is_empty())
        .then(|| section.parse::<i32>())
        .transpose()
        .map_err(|_| AppError::BadRequest("部分编号无效。".into()))?;
    let page = ReviewPage {
        reports: db::reports::submitted(&pool, ctx.plan.id, unit_id, section_no).await?,
        coordination: db::reports::open_coordination(&pool, ctx.plan.id).await?,
        units: db::units::list_for_plan(&pool, ctx.plan.id).await?,
        sections: db::plans::sections(&pool, ctx.plan.id)
            .await?
            .into_iter()
            .map(|s| (s.number, super::views::section_label(s.number, &s.title)))
            .collect(),
        unit,
        section,
        layout: ctx.layout,
    };
    Ok(render::ok(&page))
}

#[derive(Debug, Deserialize)]
pub struct UrgeForm {
    plan: Option<String>,
    #[serde(default)]
    period: String,
    #[serde(default)]
    message: String,
}

/// `POST /urges`: urges the ticked units (`unit` fields) about the period's outstanding reports.
pub async fn urge(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let f = UrgeForm {
        plan: Some(get("plan")).filter(|p| !p.is_empty()),
        period: get("period"),
        message: get("message"),
    };
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "reporting", &user).await?;
    let wanted: HashSet<i64> = fields
        .iter()
        .filter(|(k, _)| k == "unit")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let settings = db::assignments::plan_settings(&pool, ctx.plan.id)
        .await?
        .ok_or_else(|| AppError::NotFound("找不到该工作要点".into()))?;
    let tasks = db::tasks::list(&pool, ctx.plan.id, &TaskFilter::default()).await?;
    let submitted = submitted_pairs(&pool, ctx.plan.id, f.period.trim()).await?;
    let outstanding: Vec<(i64, Vec<String>)> =
        reporting::outstanding(&settings, &tasks, f.period.trim(), &submitted)
            .into_iter()
            .filter(|u| wanted.contains(&u.unit_id))
            .map(|u| (u.unit_id, u.tasks.into_iter().map(|t| t.code).collect()))
            .collect();
    let back = ctx.layout.href_with(
        "/reporting",
        &format!(
            "period={}",
            crate::web::percent_encode(f.period.trim(), b"")
        ),
    );
    match progress::urge(
        &pool,
        &caller(&user, addr),
        ctx.plan.id,
        f.period.trim(),
        &outstanding,
        &f.message,
    )
    .await
    {
        Ok(n) => {
            let sep = if back.contains('?') { '&' } else { '?' };
            Ok(Redirect::to(&format!("{back}{sep}urged={n}")).into_response())
        }
        Err(ProgressError::Field { message, .. }) => Err(AppError::Unprocessable {
            field: "urge".into(),
            message,
        }),
        Err(e) => Err(progress_error(e)),
    }
}

/// `(task_id, unit_id)` pairs with a submitted report for the period.
pub async fn submitted_pairs(
    pool: &PgPool,
    plan_id: i64,
    period: &str,
) -> Result<HashSet<(i64, i64)>, AppError> {
    Ok(db::reports::briefs_for_plan(pool, plan_id)
        .await?
        .into_iter()
        .filter(|r| {
            r.period == period
                && r.first_submitted_at.is_some()
                && r.review_state != ReviewState::Returned
        })
        .map(|r| (r.task_id, r.unit_id))
        .collect())
}

/// `POST /urges/{id}/ack`: 签收.
pub async fn acknowledge(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::NotFound("没有该条催办。".into()))?;
    progress::acknowledge(&pool, &caller(&user, addr), id)
        .await
        .map_err(progress_error)?;
    Ok(Redirect::to("/my").into_response())
}
