//! 领导批示 through the API after it is written, under the same rules as its page: the
//! office relays it (`POST /api/v1/instructions/{id}/relay`), a unit answers
//! (`…/answer`), the office sends an answer back (`…/send-back`) or closes it (`…/close`).
//! Each answers the instruction as it now is, as the caller may read it.

use super::doc::WriteRefusals;
use super::fields::{bad, only, string, version};
use super::instructions::{InstructionJson, json_of};
use crate::db::{self, instructions::InstructionRow};
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::{ApiError, AppError, Clock};
use crate::workflows::instructions::{
    self as flow, AnswerInput, CloseInput, RelayInput, SendBackInput,
};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde_json::{Map, Value};
use sqlx::PgPool;

/// `/instructions/{id}`: an instruction, by its id.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InstructionAddress {
    /// The instruction's id.
    #[param(value_type = i64, example = 1)]
    pub id: String,
}

impl InstructionAddress {
    /// The instruction, where the caller may read it: 404 for none, 403 for one not theirs.
    async fn find(&self, pool: &PgPool, user: &CurrentUser) -> Result<InstructionRow, ApiError> {
        let missing = || ApiError(AppError::NotFound("找不到该批示".into()));
        let id: i64 = self.id.trim().parse().map_err(|_| missing())?;
        let row = db::instructions::get(pool, id).await?.ok_or_else(missing)?;
        if !user.access().may_read_instruction(&row.unit_ids) {
            return Err(ApiError(AppError::Forbidden));
        }
        Ok(row)
    }
}

/// The unit a body names (short name) among the instruction's, else the caller's own.
async fn unit_of(
    pool: &PgPool,
    obj: &Map<String, Value>,
    user: &CurrentUser,
    row: &InstructionRow,
) -> Result<i64, ApiError> {
    match (string(obj, "unit", false)?, user.unit_id) {
        (Some(name), _) => db::instructions::units(pool, row.id)
            .await?
            .into_iter()
            .find(|u| u.unit_name == name.trim())
            .map(|u| u.unit_id)
            .ok_or_else(|| bad("unit", format!("该批示没有转给“{name}”"))),
        (None, Some(own)) => Ok(own),
        (None, None) => Err(bad("unit", "请指明承办单位（单位简称）")),
    }
}

async fn answer_with(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
) -> Result<Json<InstructionJson>, ApiError> {
    let row = db::instructions::get(pool, id)
        .await?
        .ok_or_else(|| ApiError(AppError::NotFound("找不到该批示".into())))?;
    Ok(Json(json_of(pool, user.access(), row).await?))
}

/// The body of a relay.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Relay {
    /// The units (short names) to relay it to; absent: the task's units. Units relayed to
    /// before are kept.
    #[schema(required = false, nullable = false)]
    units: Option<Vec<String>>,
    /// 转办意见 (up to 2,000 characters).
    #[schema(required = false, nullable = false)]
    note: Option<String>,
    /// The instruction's version as read.
    version: i32,
}

#[utoipa::path(
    post,
    path = "/api/v1/instructions/{id}/relay",
    operation_id = "relay_instruction",
    tag = "instructions",
    params(InstructionAddress),
    request_body = Relay,
    responses(
        (status = 200, description = "The instruction as relayed", body = InstructionJson),
        WriteRefusals,
    )
)]
pub async fn relay(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(address): Path<InstructionAddress>,
    body: Bytes,
) -> Result<Json<InstructionJson>, ApiError> {
    let row = address.find(&pool, &user).await?;
    if !user.access().may_handle_instructions() {
        return Err(ApiError(AppError::Forbidden));
    }
    let obj = &super::json_object(&body)?;
    only(obj, &["units", "note", "version"])?;
    let version = version(obj, true)?.unwrap_or_default();
    let note = string(obj, "note", false)?.unwrap_or_default();
    let task = db::tasks::get_by_code(&pool, row.plan_id, &row.task_code)
        .await?
        .ok_or_else(|| ApiError(AppError::NotFound("找不到该批示的任务".into())))?;
    let unit_ids = match obj.get("units") {
        None | Some(Value::Null) => task.lead_ids.iter().chain(&task.co_ids).copied().collect(),
        Some(Value::Array(names)) => {
            let settings = db::plans::settings(&pool, row.plan_id)
                .await?
                .ok_or_else(|| ApiError(AppError::NotFound("找不到该工作要点".into())))?;
            let directory = db::assignments::directory_units(&pool, &settings.issuer).await?;
            let mut ids = Vec::new();
            for (i, name) in names.iter().enumerate() {
                let field = format!("units[{i}]");
                let name = name.as_str().ok_or_else(|| bad(&field, "应为单位简称"))?;
                let id = directory
                    .iter()
                    .find(|(_, n)| n == name.trim())
                    .map(|(id, _)| *id)
                    .ok_or_else(|| bad(&field, format!("名录中没有单位“{name}”")))?;
                ids.push(id);
            }
            ids
        }
        Some(_) => return Err(bad("units", "应为单位简称的数组")),
    };
    let input = RelayInput {
        version,
        unit_ids,
        note,
    };
    flow::relay(&pool, &user.actor(addr), user.access(), row.id, &input).await?;
    answer_with(&pool, &user, row.id).await
}

/// The body of a unit's answer.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Answer {
    /// The answer (1 to 4,000 characters).
    text: String,
    /// The unit's part's version as read (`units[].version`).
    version: i32,
    /// For the office: the unit (short name) it answers for; a unit answers for its own.
    #[schema(required = false, nullable = false)]
    unit: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/instructions/{id}/answer",
    operation_id = "answer_instruction",
    tag = "instructions",
    params(InstructionAddress),
    request_body = Answer,
    responses(
        (status = 200, description = "The instruction with the answer", body = InstructionJson),
        WriteRefusals,
    )
)]
pub async fn answer(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(address): Path<InstructionAddress>,
    body: Bytes,
) -> Result<Json<InstructionJson>, ApiError> {
    let row = address.find(&pool, &user).await?;
    let obj = &super::json_object(&body)?;
    only(obj, &["text", "version", "unit"])?;
    let text = string(obj, "text", true)?.unwrap_or_default();
    let version = version(obj, true)?.unwrap_or_default();
    let unit_id = unit_of(&pool, obj, &user, &row).await?;
    let input = AnswerInput {
        unit_id,
        version,
        text,
    };
    flow::answer(&pool, &user.actor(addr), user.access(), row.id, &input).await?;
    answer_with(&pool, &user, row.id).await
}

/// The body of the office's sending an answer back.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct SendBack {
    /// The unit (short name) whose answer goes back.
    unit: String,
    /// Why (1 to 2,000 characters).
    reason: String,
    /// The unit's part's version as read (`units[].version`).
    version: i32,
}

#[utoipa::path(
    post,
    path = "/api/v1/instructions/{id}/send-back",
    operation_id = "send_back_instruction_answer",
    tag = "instructions",
    params(InstructionAddress),
    request_body = SendBack,
    responses(
        (status = 200, description = "The instruction with the answer sent back", body = InstructionJson),
        WriteRefusals,
    )
)]
pub async fn send_back(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(address): Path<InstructionAddress>,
    body: Bytes,
) -> Result<Json<InstructionJson>, ApiError> {
    let row = address.find(&pool, &user).await?;
    if !user.access().may_handle_instructions() {
        return Err(ApiError(AppError::Forbidden));
    }
    let obj = &super::json_object(&body)?;
    only(obj, &["unit", "reason", "version"])?;
    if string(obj, "unit", true)?.is_none() {
        return Err(bad("unit", "必填，应为文字"));
    }
    let reason = string(obj, "reason", true)?.unwrap_or_default();
    let version = version(obj, true)?.unwrap_or_default();
    let unit_id = unit_of(&pool, obj, &user, &row).await?;
    let input = SendBackInput {
        unit_id,
        version,
        reason,
    };
    flow::send_back(&pool, &user.actor(addr), user.access(), row.id, &input).await?;
    answer_with(&pool, &user, row.id).await
}

/// The body of 办结.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Close {
    /// 办结意见 (1 to 2,000 characters).
    note: String,
    /// The instruction's version as read.
    version: i32,
}

#[utoipa::path(
    post,
    path = "/api/v1/instructions/{id}/close",
    operation_id = "close_instruction",
    tag = "instructions",
    params(InstructionAddress),
    request_body = Close,
    responses(
        (status = 200, description = "The instruction as closed", body = InstructionJson),
        WriteRefusals,
    )
)]
pub async fn close(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(address): Path<InstructionAddress>,
    body: Bytes,
) -> Result<Json<InstructionJson>, ApiError> {
    let row = address.find(&pool, &user).await?;
    if !user.access().may_handle_instructions() {
        return Err(ApiError(AppError::Forbidden));
    }
    let obj = &super::json_object(&body)?;
    only(obj, &["note", "version"])?;
    let note = string(obj, "note", true)?.unwrap_or_default();
    let version = version(obj, true)?.unwrap_or_default();
    let input = CloseInput { version, note };
    flow::close(
        &pool,
        &user.actor(addr),
        user.access(),
        row.id,
        &input,
        clock.today(),
    )
    .await?;
    answer_with(&pool, &user, row.id).await
}
