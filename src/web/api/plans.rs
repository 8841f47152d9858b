//! `GET /api/v1/plans` and `GET /api/v1/plans/{id}/tasks`.

use super::addresses::PlanAddress;
use super::doc::{BadRequest, ReadRefusals, Unauthorized, Unavailable};
use super::{PageInfo, Paging};
use crate::db::{self, tasks::TaskFilter, tasks::TaskRow};
use crate::rules::lights::Light;
use crate::rules::schedule::{Checkpoint, Cycle, Deadline, DeadlineKind};
use crate::web::Clock;
use crate::web::{ApiError, AppError};
use crate::workflows::progress::{self, TaskStatus};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Serialize;
use sqlx::PgPool;

/// 工作要点: one plan.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PlanJson {
    id: i64,
    year: i32,
    /// 文号, e.g. `打假办发〔2022〕3号`.
    doc_number: Option<String>,
    title: String,
    /// `YYYY-MM-DD` (chrono's serde form of a date).
    issued_on: Option<chrono::NaiveDate>,
    task_count: i64,
}

/// A section (一、) or subsection ((一)) of the plan: its number and title.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Heading {
    number: i32,
    title: String,
}

/// A task with its units and the deadline and cycle in force.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TaskJson {
    /// The task's code within its plan, e.g. `1.3.6`.
    code: String,
    section: Heading,
    subsection: Heading,
    number: i32,
    text: String,
    /// 牵头单位: the lead units' short names.
    leads: Vec<String>,
    /// 配合单位: the co-responsible units' short names.
    co: Vec<String>,
    /// True where the document names units loosely (“领导小组有关成员单位”, “等”).
    unnamed_members: bool,
    /// The version to send back with a change (`PATCH`).
    version: i32,
    /// The deadline in force.
    deadline: DeadlineJson,
    /// `monthly`, `quarterly`, `half_yearly` or `none`: the cycle in force.
    cycle: Cycle,
    /// True where nothing is left to designate.
    designation_complete: bool,
    /// `red`, `yellow`, `green` or `grey`, computed for today (in the task list).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    light: Option<Light>,
    /// `not_started`, `in_progress`, `done`, `behind` or `closed` (in the task list).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    status: Option<TaskStatus>,
    /// The deadline the task had first (in the plan's document, before any extension or change
    /// by the office); the same as `deadline` when it never moved.
    deadline_original: DeadlineJson,
    /// 延期申请 on the task, newest first: for the office, leaders and the task's units'
    /// liaisons (empty for anyone else).
    pub(super) extensions: Vec<super::extensions::ExtensionJson>,
    /// 与上年比对: last year's item this one continues (as proposed at import, or as the office
    /// reviewed it); `null` for a new item or where last year's plan is not in duban.
    pub(super) previous: Option<PreviousJson>,
}

/// Last year's item a task continues.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PreviousJson {
    plan_id: i64,
    code: String,
    /// `continued` (near the same) or `changed` (reworded, or with other units).
    #[serde(rename = "match")]
    label: String,
    /// The texts' likeness, 0 to 1.
    similarity: Option<f32>,
}

/// The `previous` of each of these tasks that has one.
pub(super) async fn previous_of(
    pool: &PgPool,
    task_ids: &[i64],
) -> sqlx::Result<std::collections::HashMap<i64, PreviousJson>> {
    Ok(db::matching::for_tasks(pool, task_ids)
        .await?
        .into_iter()
        .filter_map(|m| {
            Some((
                m.task_id,
                PreviousJson {
                    plan_id: m.previous_plan_id?,
                    code: m.previous_code?,
                    label: m.label,
                    similarity: m.similarity,
                },
            ))
        })
        .collect())
}

/// 办理时限: `{kind}`, with `date` for `date` and `checkpoints` for `staged`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineJson {
    pub kind: DeadlineKind,
    /// `YYYY-MM-DD`, for `date` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub date: Option<chrono::NaiveDate>,
    /// The checkpoints in date order, for `staged` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub checkpoints: Option<Vec<Checkpoint>>,
}

impl From<Deadline> for DeadlineJson {
    fn from(d: Deadline) -> Self {
        let kind = d.kind();
        let (date, checkpoints) = match d {
            Deadline::Date(date) => (Some(date), None),
            Deadline::Staged(points) => (None, Some(points)),
            _ => (None, None),
        };
        DeadlineJson {
            kind,
            date,
            checkpoints,
        }
    }
}

/// A page of a plan's tasks, in plan order.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TaskPage {
    tasks: Vec<TaskJson>,
    #[serde(flatten)]
    page: PageInfo,
}

impl From<TaskRow> for TaskJson {
    fn from(t: TaskRow) -> Self {
        TaskJson {
            deadline_original: t.original_deadline().into(),
            extensions: Vec::new(),
            previous: None,
            version: t.version,
            deadline: t.deadline().into(),
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

/// The plans loaded, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/plans",
    operation_id = "list_plans",
    tag = "plans",
    responses(
        (status = 200, description = "Every plan, with its task count", body = Vec<PlanJson>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    )
)]
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

/// A page of a plan's tasks with their lights and status for today.
#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/tasks",
    operation_id = "list_tasks",
    tag = "plans",
    params(PlanAddress, Paging),
    responses(
        (status = 200, description = "The page of tasks", body = TaskPage),
        ReadRefusals,
    )
)]
pub async fn tasks(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: crate::web::auth::CurrentUser,
    Path(address): Path<PlanAddress>,
    Query(paging): Query<Paging>,
) -> Result<Json<TaskPage>, ApiError> {
    let plan_id = known_plan(&pool, &address.id).await?;
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
    let units: Vec<(i64, Vec<i64>)> = rows
        .iter()
        .map(|t| (t.id, t.lead_ids.iter().chain(&t.co_ids).copied().collect()))
        .collect();
    let mut extensions = super::extensions::of_tasks(&pool, user.access(), &units).await?;
    let ids: Vec<i64> = rows.iter().map(|t| t.id).collect();
    let mut previous = previous_of(&pool, &ids).await?;
    let items = rows
        .into_iter()
        .map(|t| {
            let state = states.get(&t.id).map(|s| (s.light, s.status));
            let ext = extensions.remove(&t.id).unwrap_or_default();
            let prev = previous.remove(&t.id);
            let mut json = TaskJson::from(t);
            json.extensions = ext;
            json.previous = prev;
            json.light = state.map(|s| s.0);
            json.status = state.map(|s| s.1);
            json
        })
        .collect();
    Ok(Json(TaskPage {
        tasks: items,
        page: PageInfo::of(&pager),
    }))
}
