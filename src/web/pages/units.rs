//! `/units` and `/units/{id}`: member units and their tasks as lead and as co-responsible.

use super::query::{PageQuery, PlanOnly};
use super::views::TaskView;
use crate::db::{
    self,
    tasks::{TaskFilter, UnitRole},
    units::UnitRow,
};
use crate::web::auth::CurrentUser;
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use sqlx::PgPool;

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    layout: Layout,
    units: Vec<UnitRow>,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    layout: Layout,
    plan_title: String,
    unit: UnitRow,
    lead_tasks: Vec<TaskView>,
    co_tasks: Vec<TaskView>,
}

pub async fn list(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PageQuery(q): PageQuery<PlanOnly>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "units", &user).await?;
    let units = db::units::list_for_plan(&pool, ctx.plan.id).await?;
    Ok(render::ok(&UnitsPage {
        layout: ctx.layout,
        units,
    }))
}

pub async fn show(
    State(pool): State<PgPool>,
    user: CurrentUser,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<PlanOnly>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "units", &user).await?;
    let missing = || AppError::NotFound("找不到该单位。".into());
    let id: i64 = id.parse().map_err(|_| missing())?;
    let unit = db::units::get(&pool, ctx.plan.id, id)
        .await?
        .ok_or_else(missing)?;
    let tasks_as = |role| TaskFilter {
        unit_id: Some(id),
        role: Some(role),
        ..TaskFilter::default()
    };
    let lead_tasks = db::tasks::list(&pool, ctx.plan.id, &tasks_as(UnitRole::Lead)).await?;
    let co_tasks = db::tasks::list(&pool, ctx.plan.id, &tasks_as(UnitRole::Co)).await?;
    Ok(render::ok(&UnitPage {
        plan_title: ctx.plan.title,
        unit,
        lead_tasks: lead_tasks.into_iter().map(Into::into).collect(),
        co_tasks: co_tasks.into_iter().map(Into::into).collect(),
        layout: ctx.layout,
    }))
}
