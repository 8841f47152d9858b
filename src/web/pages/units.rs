//! `/units` and `/units/{id}`: member units and their tasks as lead and as co-responsible.

use super::query::{PageQuery, PlanOnly};
use super::views::TaskView;
use crate::assignments::{self, ChangeError};
use crate::db::{
    self,
    tasks::{TaskFilter, UnitRole},
    units::UnitRow,
};
use crate::web::auth::ClientAddr;
use crate::web::auth::CurrentUser;
use crate::web::forms::{FieldErrors, Form};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    layout: Layout,
    units: Vec<UnitRow>,
    can_edit: bool,
    short_name: String,
    full_name: String,
    errors: FieldErrors,
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
        can_edit: user.is_office(),
        short_name: String::new(),
        full_name: String::new(),
        errors: FieldErrors::default(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct NewUnitForm {
    plan: Option<String>,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    full_name: String,
}

/// `POST /units`: a unit missing from the plan's directory.
pub async fn create(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Form(f): Form<NewUnitForm>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "units", &user).await?;
    let actor = user.actor(addr);
    match assignments::add_unit(&pool, &actor, ctx.plan.id, &f.short_name, &f.full_name).await {
        Ok(id) => Ok(Redirect::to(&ctx.layout.href(&format!("/units/{id}"))).into_response()),
        Err(ChangeError::Field { field, message }) => {
            let units = db::units::list_for_plan(&pool, ctx.plan.id).await?;
            Ok(render::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &UnitsPage {
                    layout: ctx.layout,
                    units,
                    can_edit: true,
                    short_name: f.short_name,
                    full_name: f.full_name,
                    errors: FieldErrors::single(field, message),
                },
            ))
        }
        Err(ChangeError::NotFound | ChangeError::Stale { .. }) => {
            Err(AppError::NotFound("找不到该工作要点".into()))
        }
        Err(ChangeError::Db(e)) => Err(e.into()),
    }
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
