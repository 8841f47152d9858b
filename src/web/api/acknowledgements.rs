//! 签收 and 申诉 through the API: a unit's answer to its assignment
//! (`POST /api/v1/plans/{id}/tasks/{code}/acknowledgement`), under the same rules as the page.

use super::addresses::TaskAddress;
use super::doc::WriteRefusals;
use super::fields::{bad, only, string, version};
use crate::db;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::{ApiError, AppError, Clock};
use crate::workflows::acknowledgements::{self as flow, AnswerInput, DecisionInput};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde::Serialize;
use serde_json::Value;
use sqlx::PgPool;

/// A unit's answer to its assignment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AcknowledgementJson {
    id: i64,
    /// The task's code.
    task: String,
    /// The unit (short name).
    unit: String,
    /// True: 签收; false: 申诉.
    accepted: bool,
    /// The contest's kind: `not_our_remit`, `should_be_co`, `should_be_lead` or `wording`.
    kind: Option<String>,
    reason: Option<String>,
    answered_on: chrono::NaiveDate,
    /// The office's decision on a contest: `keep`, `change_role` or `remove`.
    decision: Option<String>,
    decision_reason: Option<String>,
    decided_at: Option<chrono::DateTime<chrono::Utc>>,
    version: i32,
}

impl From<db::acknowledgements::AcknowledgementRow> for AcknowledgementJson {
    fn from(r: db::acknowledgements::AcknowledgementRow) -> Self {
        AcknowledgementJson {
            id: r.id,
            task: r.task_code,
            unit: r.unit_name,
            accepted: r.accepted,
            kind: r.kind,
            reason: r.reason,
            answered_on: r.answered_on,
            decision: r.decision,
            decision_reason: r.decision_reason,
            decided_at: r.decided_at,
            version: r.version,
        }
    }
}

/// The body of an answer.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct NewAcknowledgement {
    /// True: acknowledge (签收); false: contest (申诉), with `kind` and `reason`.
    accept: bool,
    /// `not_our_remit` 不属本单位职责, `should_be_co` 应为配合单位, `should_be_lead`
    /// 应为牵头单位, `wording` 任务表述需调整.
    #[schema(required = false, nullable = false)]
    kind: Option<String>,
    /// Why (1 to 2,000 characters).
    #[schema(required = false, nullable = false)]
    reason: Option<String>,
    /// For the office: the unit (short name) it answers for; a liaison answers for their own.
    #[schema(required = false, nullable = false)]
    unit: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/plans/{id}/tasks/{code}/acknowledgement",
    operation_id = "acknowledge_assignment",
    tag = "tasks",
    params(TaskAddress),
    request_body = NewAcknowledgement,
    responses(
        (status = 201, description = "The answer as stored", body = AcknowledgementJson),
        WriteRefusals,
    )
)]
pub async fn answer(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(address): Path<TaskAddress>,
    body: Bytes,
) -> Result<(axum::http::StatusCode, Json<AcknowledgementJson>), ApiError> {
    let (plan_id, task) = address.find(&pool).await?;
    let obj = &super::json_object(&body)?;
    only(obj, &["accept", "kind", "reason", "unit"])?;
    let accept = match obj.get("accept") {
        Some(Value::Bool(b)) => *b,
        _ => return Err(bad("accept", "必填，应为 true 或 false")),
    };
    let kind = string(obj, "kind", false)?.unwrap_or_default();
    let reason = string(obj, "reason", false)?.unwrap_or_default();
    let unit_id = match (string(obj, "unit", false)?, user.unit_id) {
        (Some(name), _) => task
            .unit_named(&name)
            .ok_or_else(|| bad("unit", format!("“{name}”不是本任务的责任单位")))?,
        (None, Some(own)) => own,
        (None, None) => return Err(bad("unit", "请指明签收或申诉的单位（单位简称）")),
    };
    let input = AnswerInput {
        unit_id,
        accept,
        kind,
        reason,
    };
    let id = flow::answer(
        &pool,
        &user.actor(addr),
        user.access(),
        plan_id,
        &task.code,
        &input,
        clock.today(),
    )
    .await?;
    let row = db::acknowledgements::get(&pool, id)
        .await?
        .ok_or_else(|| ApiError(AppError::Internal("acknowledgement vanished".into())))?;
    Ok((axum::http::StatusCode::CREATED, Json(row.into())))
}

/// `/acknowledgements/{id}`: a unit's answer to its assignment, by its id.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AcknowledgementAddress {
    /// The answer's id.
    #[param(value_type = i64, example = 1)]
    pub id: String,
}

/// The body of the office's decision on a contest.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ContestDecision {
    /// `keep` 维持原分工, `change_role` 调整职责 (lead and co change places), `remove` 移除该单位.
    decision: String,
    /// 处理意见 (1 to 2,000 characters).
    reason: String,
    /// The contest's version as read.
    version: i32,
}

#[utoipa::path(
    post,
    path = "/api/v1/acknowledgements/{id}/decision",
    operation_id = "decide_contest",
    tag = "tasks",
    params(AcknowledgementAddress),
    request_body = ContestDecision,
    responses(
        (status = 200, description = "The contest as decided", body = AcknowledgementJson),
        WriteRefusals,
    )
)]
pub async fn decide(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(address): Path<AcknowledgementAddress>,
    body: Bytes,
) -> Result<Json<AcknowledgementJson>, ApiError> {
    let missing = || ApiError(AppError::NotFound("找不到该申诉".into()));
    let id: i64 = address.id.trim().parse().map_err(|_| missing())?;
    db::acknowledgements::get(&pool, id)
        .await?
        .ok_or_else(missing)?;
    if !user.access().may_edit_plan() {
        return Err(ApiError(AppError::Forbidden));
    }
    let obj = &super::json_object(&body)?;
    only(obj, &["decision", "reason", "version"])?;
    let input = DecisionInput {
        decision: string(obj, "decision", true)?.unwrap_or_default(),
        reason: string(obj, "reason", true)?.unwrap_or_default(),
        version: version(obj, true)?.unwrap_or_default(),
    };
    flow::decide(
        &pool,
        &user.actor(addr),
        user.access(),
        id,
        &input,
        clock.today(),
    )
    .await?;
    let row = db::acknowledgements::get(&pool, id)
        .await?
        .ok_or_else(missing)?;
    Ok(Json(row.into()))
}
