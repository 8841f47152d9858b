//! `GET /api/v1/plans` and `GET /api/v1/plans/{id}/tasks`.

use super::{Paging, paged};
use crate::db::{self, tasks::TaskFilter, tasks::TaskRow};
use crate::rules::lights::Light;
use crate::rules::schedule::Cycle;
use crate::web::Clock;
use crate::web::{ApiError, AppError};
use crate::workflows::progress::{self, TaskStatus};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Serialize;
use sqlx::PgPool;

#[derive(Serialize)]
pub struct PlanJson {
    id: i64,
    year: i32,
    doc_number: Option<String>,
    title: String,
    /// `YYYY-MM-DD` (chrono's serde form of a date).
    issued_on: Option<chrono::NaiveDate>,
    task_count: i64,
}

#[derive(Serialize)]
pub struct Heading {
    number: i32,
    title: String,
}

#[derive(Serialize)]
pub struct TaskJson {
    /// The task's code within its plan, e.g. `1.3.6`.
    code: String,
    section: Heading,
    subsection: Heading,
    number: i32,
    text: String,
    leads: Vec<String>,
    co: Vec<String>,
    unnamed_members: bool,
    version: i32,
    /// `{kind, date?, checkpoints?}`: the deadline in force.
    deadline: serde_json::Value,
    /// `monthly`, `quarterly`, `half_yearly` or `none`: the cycle in force.
    cycle: Cycle,
    /// True where nothing is left to designate.
    designation_complete: bool,
    /// `red`, `yellow`, `green` or `grey`, computed for today (in the task list).
    #[serde(skip_serializing_if = "Option::is_none")]
    light: Option<Light>,
    /// `not_started`, `in_progress`, `done`, `behind` or `closed` (in the task list).
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<TaskStatus>,
}

impl From<TaskRow> for TaskJson {
    fn from(t: TaskRow) -> Self {
        TaskJson {
            version: t.version,
            deadline: t.deadline().to_json(),
            cycle: t.effective_cycle(),
            designation_complete: t.designation_complete,
            light: None,
            status: None,
            code: t.code,
            section: Heading {
                number: t.section_number,
                title: t.section_title,
            },
            subsection: Heading {
                number: t.subsection_number,
                title: t.subsection_title,
            },
            number: t.number,
            text: t.text,
            leads: t.lead_names,
            co: t.co_names,
            unnamed_members: t.unnamed_members,
        }
    }
}

pub async fn list(State(pool): State<PgPool>) -> Result<Json<Vec<PlanJson>>, ApiError> {
    let plans = db::plans::list(&pool).await?;
    Ok(Json(
        plans
            .into_iter()
            .map(|p| PlanJson {
                id: p.id,
                year: p.year,
                doc_number: p.doc_number,
                title: p.title,
                issued_on: p.issued_on,
                task_count: p.task_count,
            })
            .collect(),
    ))
}

/// A plan id from the path; anything but a known id is a 404.
pub async fn known_plan(pool: &PgPool, id: &str) -> Result<i64, ApiError> {
    let missing = || AppError::NotFound(format!("找不到编号为“{id}”的工作要点"));
    let plan_id: i64 = id.parse().map_err(|_| missing())?;
    db::plans::get(pool, plan_id).await?.ok_or_else(missing)?;
    Ok(plan_id)
}

pub async fn tasks(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    Path(id): Path<String>,
    Query(paging): Query<Paging>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let plan_id = known_plan(&pool, &id).await?;
    let settings = db::plans::settings(&pool, plan_id)
        .await?
        .ok_or_else(|| AppError::NotFound("找不到该工作要点".into()))?;
    let all = TaskFilter::default();
    let pager = paging.pager(db::tasks::count(&pool, plan_id, &all).await?);
    let rows = db::tasks::page(
        &pool,
        plan_id,
        &all,
        Some(db::Window {
            limit: pager.per_page,
            offset: pager.offset(),
        }),
    )
    .await?;
    let states = progress::task_states(&pool, &settings, &rows, clock.today()).await?;
    let items = rows
        .into_iter()
        .map(|t| {
            let state = states.get(&t.id).map(|s| (s.light, s.status));
            let mut json = TaskJson::from(t);
            json.light = state.map(|s| s.0);
            json.status = state.map(|s| s.1);
            serde_json::to_value(json).unwrap_or_default()
        })
        .collect();
    Ok(Json(paged("tasks", items, &pager)))
}
