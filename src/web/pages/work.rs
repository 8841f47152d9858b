//! Where people work: `/my` for liaisons (due, returned, urged, drafts, then all their unit's
//! tasks) and `/review` for the office (submitted reports oldest first; open coordination
//! requests); urging (`POST /urges`) and acknowledging (`POST /urges/{id}/ack`).

use super::query::PageQuery;
use super::reports::caller;
use crate::db::{self, reports::ReportRow, tasks::TaskFilter};
use crate::rules::lights::Light;
use crate::rules::reporting;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form};
use crate::web::pager::{PAGE_SIZE, Pager, page_number, query_of};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use crate::workflows::progress::{self, ProgressError, ReviewState};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;
use std::collections::HashSet;

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
    due: Vec<reporting::Due>,
    due_pager: Pager,
    returned: Vec<ReportRow>,
    drafts: Vec<ReportRow>,
    urges: Vec<db::urges::UrgeRow>,
    urge_pager: Pager,
    unread: i64,
    tasks: Vec<MyTask>,
    task_pager: Pager,
}

#[derive(Debug, Default, Deserialize)]
pub struct MyQuery {
    plan: Option<String>,
    /// The pages of the due list, the urges and the unit's tasks.
    due_page: Option<String>,
    urge_page: Option<String>,
    page: Option<String>,
}

pub async fn my(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    PageQuery(q): PageQuery<MyQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "my", &user).await?;
    // “我的任务” is a liaison's page; the others have their own starting points.
    let Some(unit_id) = user.unit_id else {
        let home = if user.access().may_review() {
            "/review"
        } else {
            "/"
        };
        return Ok(Redirect::to(home).into_response());
    };
    let today = clock.today();
    let filter = TaskFilter {
        unit_id: Some(unit_id),
        ..TaskFilter::default()
    };
    let settings = ctx.settings.clone();
    // What is due is judged over all the unit's tasks; lights only for the page shown.
    let tasks = db::tasks::list(&pool, ctx.plan.id, &filter).await?;
    let reports = db::reports::for_unit(&pool, ctx.plan.id, unit_id).await?;
    let due = reporting::due_for(&settings, Some(unit_id), &tasks, &reports, today);
    let link = |others: &[(&str, i64)]| {
        let extra: Vec<String> = others.iter().map(|(k, v)| format!("{k}={v}")).collect();
        ctx.layout.href_with("/my", &extra.join("&"))
    };
    let (due_page, urge_page, task_page) = (
        page_number(q.due_page.as_deref()),
        page_number(q.urge_page.as_deref()),
        page_number(q.page.as_deref()),
    );
    let due_pager = Pager::new(due_page, PAGE_SIZE, due.len() as i64);
    let task_pager = Pager::new(task_page, PAGE_SIZE, tasks.len() as i64);
    let urge_pager = Pager::new(
        urge_page,
        PAGE_SIZE,
        db::urges::count_for_unit(&pool, ctx.plan.id, unit_id).await?,
    );
    let urges = db::urges::for_unit(
        &pool,
        ctx.plan.id,
        unit_id,
        db::Window {
            limit: urge_pager.per_page,
            offset: urge_pager.offset(),
        },
    )
    .await?;
    let shown = task_pager.slice(tasks);
    let states = progress::task_states(&pool, &settings, &shown, today).await?;
    let (dp, up, tp) = (due_pager.page, urge_pager.page, task_pager.page);
    let page = MyPage {
        unit_name: user.unit_name.clone().unwrap_or_default(),
        unread: ctx.layout.unread_urges,
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
        tasks: shown
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
        due: due_pager.slice(due),
        due_pager: due_pager.link(link(&[("urge_page", up), ("page", tp)]), "due_page"),
        urge_pager: urge_pager.link(link(&[("due_page", dp), ("page", tp)]), "urge_page"),
        task_pager: task_pager.link(link(&[("due_page", dp), ("urge_page", up)]), "page"),
        layout: ctx.layout,
    };
    Ok(render::ok(&page))
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    layout: Layout,
    reports: Vec<ReportRow>,
    pager: Pager,
    coordination: Vec<db::coordination::OpenCoordination>,
    coordination_pager: Pager,
    units: Vec<db::users::UnitChoice>,
    sections: Vec<(i32, String)>,
    unit: String,
    section: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReviewQuery {
    plan: Option<String>,
    unit: Option<String>,
    section: Option<String>,
    /// The pages of the reports and of the coordination requests.
    page: Option<String>,
    cpage: Option<String>,
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
    let plan = ctx.plan.id;
    let pager = Pager::new(
        page_number(q.page.as_deref()),
        PAGE_SIZE,
        db::reports::count_submitted(&pool, plan, unit_id, section_no).await?,
    );
    let coordination_pager = Pager::new(
        page_number(q.cpage.as_deref()),
        PAGE_SIZE,
        db::coordination::count_open_in_plan(&pool, plan).await?,
    );
    let reports = db::reports::submitted(
        &pool,
        plan,
        unit_id,
        section_no,
        db::Window {
            limit: pager.per_page,
            offset: pager.offset(),
        },
    )
    .await?;
    let coordination = db::coordination::open_in_plan(
        &pool,
        plan,
        db::Window {
            limit: coordination_pager.per_page,
            offset: coordination_pager.offset(),
        },
    )
    .await?;
    let filters = query_of(&[("unit", &unit), ("section", &section)]);
    let with = |extra: String| {
        let q = [filters.as_str(), extra.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        ctx.layout.href_with("/review", &q)
    };
    let page = ReviewPage {
        pager: pager
            .clone()
            .link(with(format!("cpage={}", coordination_pager.page)), "page"),
        coordination_pager: coordination_pager
            .clone()
            .link(with(format!("page={}", pager.page)), "cpage"),
        reports,
        coordination,
        units: db::units::choices_for_plan(&pool, plan).await?,
        sections: db::plans::sections(&pool, plan)
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

/// `POST /urges`: urges the ticked units (`unit` fields) about the period's outstanding reports;
/// which of them really owe reports is the workflow's to decide.
pub async fn urge(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
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
        &wanted,
        &f.message,
    )
    .await
    {
        Ok(n) => {
            let sep = if back.contains('?') { '&' } else { '?' };
            Ok(Redirect::to(&format!("{back}{sep}urged={n}")).into_response())
        }
        Err(ProgressError::Field { field, message }) => {
            // Shown again with the reason beside the field and what was typed kept.
            let q = super::reporting::ReportingQuery::period(f.plan, f.period);
            let draft = super::reporting::UrgeDraft {
                errors: FieldErrors::single(field, message),
                message: Some(f.message),
                units: Some(wanted),
            };
            super::reporting::page(&pool, clock.today(), &user, q, draft).await
        }
        Err(e) => Err(e.into()),
    }
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
    progress::acknowledge(&pool, &caller(&user, addr), id).await?;
    Ok(Redirect::to("/my").into_response())
}
