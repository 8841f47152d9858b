//! `/`: a desk per role. The office's 工作台 (what waits for it today, each a count linking to
//! the list it summarises); a liaison goes to 我的任务 (`/my`), a leader to the summary
//! (`/summary`). The plan's details are at `/plan`.

use super::query::PageQuery;
use super::review;
use super::year_over::YearOver;
use crate::db::{self, tasks::TaskFilter};
use crate::rules::due_soon::{DUE_SOON_DAYS, DueSoon, TaskDeadline, due_within};
use crate::rules::schedule::{Period, focus_of_cycle};
use crate::web::auth::CurrentUser;
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use crate::workflows::{liaisons, progress};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    layout: Layout,
    plan_title: String,
    today: chrono::NaiveDate,
    /// 待审核, and the days the oldest has waited.
    awaiting_review: i64,
    oldest_waiting_days: Option<i64>,
    /// 本期 and, for it, the units and reports not in.
    focus: Option<Period>,
    focus_overdue: bool,
    missing_units: usize,
    missing_reports: usize,
    open_coordination: i64,
    due_soon: Vec<DueSoon>,
    due_soon_days: u64,
    without_liaison: usize,
    pending_designation: i64,
    /// The plan's year is over: the lights are judged on today.
    year_over: Option<YearOver>,
}

#[derive(Template)]
#[template(path = "empty.html")]
struct EmptyPage {
    layout: Layout,
}

#[derive(Debug, Default, Deserialize)]
pub struct DeskQuery {
    plan: Option<String>,
}

pub async fn show(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    PageQuery(q): PageQuery<DeskQuery>,
) -> Result<Response, AppError> {
    let Some(ctx) = plan_context::load(&pool, q.plan.as_deref(), "desk", &user).await? else {
        return Ok(render::ok(&EmptyPage {
            layout: plan_context::bare_layout("desk", Some(&user)),
        }));
    };
    let access = user.access();
    if !access.may_review() {
        // Old bookmarks of `/` keep working: each role lands on its own desk.
        let to = if access.own_unit().is_some() {
            "/my"
        } else if access.role == crate::rules::auth::Role::Leader {
            "/summary"
        } else {
            "/plan"
        };
        return Ok(Redirect::to(&ctx.layout.href(to)).into_response());
    }
    let today = clock.today();
    let plan = ctx.plan.id;
    let settings = ctx.settings.clone();
    let awaiting_review = db::reports::count_submitted(&pool, plan, None, None).await?;
    let oldest = db::reports::submitted(
        &pool,
        plan,
        None,
        None,
        db::Window {
            limit: 1,
            offset: 0,
        },
    )
    .await?;
    let oldest_waiting_days = oldest
        .first()
        .and_then(|r| r.submitted_at)
        .map(|t| review::waiting_days(t.with_timezone(&chrono::Local).date_naive(), today));
    let tasks = db::tasks::list(&pool, plan, &TaskFilter::default()).await?;
    let focus = focus_of_cycle(
        settings.cycle,
        settings.year,
        settings.due_days.max(0) as u32,
        today,
    );
    let missing = match &focus {
        Some(p) => progress::outstanding(&pool, &settings, &tasks, &p.key).await?,
        None => Vec::new(),
    };
    let due_soon = due_within(
        tasks
            .iter()
            .filter(|t| t.closed_at.is_none())
            .map(|t| TaskDeadline {
                code: &t.code,
                text: &t.text,
                deadline: t.deadline(),
                year: t.plan_year,
            })
            .collect(),
        today,
        DUE_SOON_DAYS,
    );
    let page = DeskPage {
        year_over: YearOver::of(settings.year, today, &ctx.layout),
        plan_title: ctx.plan.title.clone(),
        today,
        awaiting_review,
        oldest_waiting_days,
        focus_overdue: focus.as_ref().is_some_and(|p| p.due < today),
        missing_units: missing.len(),
        missing_reports: missing.iter().map(|u| u.tasks.len()).sum(),
        focus,
        open_coordination: db::coordination::count_open_in_plan(&pool, plan).await?,
        due_soon,
        due_soon_days: DUE_SOON_DAYS,
        without_liaison: liaisons::units_without_liaison(&pool, plan).await?.len(),
        pending_designation: db::tasks::count(
            &pool,
            plan,
            &TaskFilter {
                awaiting_designation: true,
                ..TaskFilter::default()
            },
        )
        .await?,
        layout: ctx.layout,
    };
    Ok(render::ok(&page))
}
