//! 延期申请 through the API: a responsible unit's request
//! (`POST /api/v1/plans/{id}/tasks/{code}/extensions`) and the office's decision
//! (`POST /api/v1/extensions/{id}/decision`), under the same rules as the pages; the task JSON
//! lists a task's requests to their readers.

use super::addresses::TaskAddress;
use super::doc::WriteRefusals;
use super::fields::{bad, only, string};
use crate::db::{self, extensions::ExtensionRow};
use crate::rules::access::Access;
use crate::rules::extensions::ExtensionState;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::{ApiError, AppError, Clock};
use crate::workflows::extensions::{self, DecisionInput, RequestInput};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde::Serialize;
use serde_json::Value;
use sqlx::PgPool;

/// A request on a task.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExtensionJson {
    id: i64,
    /// The unit that asked (short name).
    unit: String,
    /// The checkpoint's place (from 0) whose date moves; absent: the deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    checkpoint: Option<i32>,
    /// The date in force when asked, `YYYY-MM-DD`.
    due_date: chrono::NaiveDate,
    requested_date: chrono::NaiveDate,
    reason: String,
    /// Asked after the date in force had passed (逾期申请).
    late: bool,
    state: ExtensionState,
    /// The date granted (approved only).
    decided_date: Option<chrono::NaiveDate>,
    decision_reason: Option<String>,
    decided_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The version to send with a decision.
    version: i32,
}

impl From<ExtensionRow> for ExtensionJson {
    fn from(r: ExtensionRow) -> Self {
        ExtensionJson {
            state: ExtensionState::parse(&r.state).unwrap_or(ExtensionState::Pending),
            id: r.id,
            unit: r.unit_name,
            checkpoint: r.checkpoint,
            due_date: r.due_date,
            requested_date: r.requested_date,
            reason: r.reason,
            late: r.late,
            decided_date: r.decided_date,
            decision_reason: r.decision_reason,
            decided_at: r.decided_at,
            version: r.version,
        }
    }
}

/// The requests of `tasks` `(task id, its units)` that `access` may read, by task.
pub async fn of_tasks(
    pool: &PgPool,
    access: Access,
    tasks: &[(i64, Vec<i64>)],
) -> sqlx::Result<std::collections::HashMap<i64, Vec<ExtensionJson>>> {
    let readable: Vec<i64> = tasks
        .iter()
        .filter(|(_, units)| access.may_read_document_to(units))
        .map(|(id, _)| *id)
        .collect();
    let mut out: std::collections::HashMap<i64, Vec<ExtensionJson>> = Default::default();
    for r in db::extensions::for_tasks(pool, &readable).await? {
        out.entry(r.task_id).or_default().push(r.into());
    }
    Ok(out)
}

/// The body of a request.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct NewExtension {
    /// `YYYY-MM-DD`, after the date in force.
    requested_date: String,
    /// Why (1 to 2,000 characters).
    reason: String,
    /// For a staged deadline: the checkpoint's place (from 0).
    #[schema(required = false, nullable = false)]
    checkpoint: Option<i32>,
    /// For the office: the unit (short name) it asks for; a liaison asks for their own.
    #[schema(required = false, nullable = false)]
    unit: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/plans/{id}/tasks/{code}/extensions",
    operation_id = "request_extension",
    tag = "tasks",
    params(TaskAddress),
    request_body = NewExtension,
    responses(
        (status = 201, description = "The request as stored", body = ExtensionJson),
        WriteRefusals,
    )
)]
pub async fn request(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(address): Path<TaskAddress>,
    body: Bytes,
) -> Result<(axum::http::StatusCode, Json<ExtensionJson>), ApiError> {
    let (plan_id, task) = address.find(&pool).await?;
    let obj = &super::json_object(&body)?;
    only(obj, &["requested_date", "reason", "checkpoint", "unit"])?;
    let requested_date = string(obj, "requested_date", true)?.unwrap_or_default();
    let reason = string(obj, "reason", true)?.unwrap_or_default();
    let checkpoint = match obj.get("checkpoint") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .filter(|n| *n < 1000)
                .ok_or_else(|| bad("checkpoint", "应为节点的序号（从 0 起）"))?
                .to_string(),
        ),
    };
    let unit_id = match (string(obj, "unit", false)?, user.unit_id) {
        (Some(name), _) => task
            .unit_named(&name)
            .ok_or_else(|| bad("unit", format!("“{name}”不是本任务的责任单位")))?,
        (None, Some(own)) => own,
        (None, None) => return Err(bad("unit", "请指明申请延期的单位（单位简称）")),
    };
    let input = RequestInput {
        unit_id,
        requested_date,
        reason,
        checkpoint,
    };
    let id = extensions::request(
        &pool,
        &user.actor(addr),
        user.access(),
        plan_id,
        &task.code,
        &input,
        clock.today(),
    )
    .await?;
    let row = db::extensions::get(&pool, id)
        .await?
        .ok_or_else(|| ApiError(AppError::Internal("extension vanished".into())))?;
    Ok((axum::http::StatusCode::CREATED, Json(row.into())))
}

/// `/extensions/{id}`: a request, by its id.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ExtensionAddress {
    /// The request's id.
    #[param(value_type = i64, example = 1)]
    pub id: String,
}

/// The body of a decision.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Decision {
    /// True to approve, false to refuse.
    approve: bool,
    /// The date granted when approving, if not the one asked (`YYYY-MM-DD`).
    #[schema(required = false, nullable = false)]
    date: Option<String>,
    /// The office's reason (1 to 2,000 characters).
    reason: String,
    /// The request's version as read; absent: the current one.
    #[schema(required = false, nullable = false)]
    version: Option<i32>,
}

#[utoipa::path(
    post,
    path = "/api/v1/extensions/{id}/decision",
    operation_id = "decide_extension",
    tag = "tasks",
    params(ExtensionAddress),
    request_body = Decision,
    responses(
        (status = 200, description = "The request as decided", body = ExtensionJson),
        WriteRefusals,
    )
)]
pub async fn decide(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(address): Path<ExtensionAddress>,
    body: Bytes,
) -> Result<Json<ExtensionJson>, ApiError> {
    let missing = || ApiError(AppError::NotFound("找不到该延期申请".into()));
    let id: i64 = address.id.trim().parse().map_err(|_| missing())?;
    let row = db::extensions::get(&pool, id).await?.ok_or_else(missing)?;
    let obj = &super::json_object(&body)?;
    only(obj, &["approve", "date", "reason", "version"])?;
    let approve = match obj.get("approve") {
        Some(Value::Bool(b)) => *b,
        _ => return Err(bad("approve", "必填，应为 true 或 false")),
    };
    let version = match obj.get("version") {
        None | Some(Value::Null) => row.version,
        Some(v) => v
            .as_i64()
            .and_then(|v| i32::try_from(v).ok())
            .ok_or_else(|| bad("version", "应为整数"))?,
    };
    let input = DecisionInput {
        version,
        approve,
        date: string(obj, "date", false)?,
        reason: string(obj, "reason", true)?.unwrap_or_default(),
    };
    extensions::decide(
        &pool,
        &user.actor(addr),
        user.access(),
        id,
        &input,
        clock.today(),
    )
    .await?;
    let row = db::extensions::get(&pool, id).await?.ok_or_else(missing)?;
    Ok(Json(row.into()))
}
