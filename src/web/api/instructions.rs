//! 领导批示 through the API: a leader's instruction on a task
//! (`POST /api/v1/plans/{id}/tasks/{code}/instructions`) and the caller's view of them
//! (`GET /api/v1/instructions?state=`): a leader's own, those relayed to a liaison's unit, all
//! for the office; each unit's answer to those who may read it.

use super::addresses::TaskAddress;
use super::doc::{ReadRefusals, WriteRefusals};
use super::fields::{bad, only, string};
use crate::db::{self, instructions::InstructionRow};
use crate::rules::access::Access;
use crate::rules::instructions::InstructionState;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::{ApiError, AppError, Clock};
use crate::workflows::instructions::{self as flow, WriteInput};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::PgPool;

/// One unit's part in an instruction.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InstructionUnitJson {
    /// The unit (short name).
    unit: String,
    answered: bool,
    /// The answer, to those who may read it (the unit's own, its lead unit, the office,
    /// leaders).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    answer: Option<String>,
    answered_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The unit's part's version, to send with its answer or the office's sending it back.
    version: i32,
}

/// A leader's instruction.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InstructionJson {
    id: i64,
    plan_id: i64,
    /// The task's code.
    task: String,
    /// The report it was written on, if any.
    report_id: Option<i64>,
    text: String,
    /// The date by which an answer is wanted.
    answer_by: Option<chrono::NaiveDate>,
    /// `new` 待转办, `relayed` 办理中, `answered` 待办结, `closed` 已办结.
    state: InstructionState,
    /// The leader who wrote it.
    written_by: Option<String>,
    /// The office's day of writing, `YYYY-MM-DD`.
    written_on: chrono::NaiveDate,
    closed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The units it is relayed to, with their answers.
    units: Vec<InstructionUnitJson>,
    version: i32,
}

pub(super) async fn json_of(
    pool: &PgPool,
    access: Access,
    r: InstructionRow,
) -> sqlx::Result<InstructionJson> {
    let mut one = json_of_all(pool, access, vec![r]).await?;
    Ok(one.remove(0))
}

/// The instructions as `access` may read them, with two statements however many there are:
/// each unit's answer to those who may read it (its own unit, the task's lead units, the
/// office, leaders).
async fn json_of_all(
    pool: &PgPool,
    access: Access,
    rows: Vec<InstructionRow>,
) -> sqlx::Result<Vec<InstructionJson>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let leads = db::instructions::leads_of(pool, &ids).await?;
    let mut units: std::collections::HashMap<i64, Vec<db::instructions::UnitAnswer>> =
        std::collections::HashMap::new();
    for (id, u) in db::instructions::units_of(pool, &ids).await? {
        units.entry(id).or_default().push(u);
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let lead_ids: Vec<i64> = leads
                .iter()
                .filter(|(id, _)| *id == r.id)
                .map(|(_, u)| *u)
                .collect();
            let scope = access.task_report_scope(&lead_ids);
            let units = units
                .remove(&r.id)
                .unwrap_or_default()
                .into_iter()
                .map(|u| InstructionUnitJson {
                    answered: u.answered_at.is_some(),
                    answer: u.answer.filter(|_| scope.includes(u.unit_id)),
                    answered_at: u.answered_at,
                    version: u.version,
                    unit: u.unit_name,
                })
                .collect();
            InstructionJson {
                state: InstructionState::parse(&r.state).unwrap_or(InstructionState::New),
                id: r.id,
                plan_id: r.plan_id,
                task: r.task_code,
                report_id: r.report_id,
                text: r.text,
                answer_by: r.answer_by,
                written_by: r.written_by_name,
                written_on: r.written_on,
                closed_at: r.closed_at,
                units,
                version: r.version,
            }
        })
        .collect())
}

/// The body of an instruction.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct NewInstruction {
    /// The instruction (1 to 2,000 characters).
    text: String,
    /// `YYYY-MM-DD`, not before today: the date by which an answer is wanted.
    #[schema(required = false, nullable = false)]
    answer_by: Option<String>,
    /// The id of one of the task's reports it is written on.
    #[schema(required = false, nullable = false)]
    report: Option<i64>,
}

#[utoipa::path(
    post,
    path = "/api/v1/plans/{id}/tasks/{code}/instructions",
    operation_id = "write_instruction",
    tag = "instructions",
    params(TaskAddress),
    request_body = NewInstruction,
    responses(
        (status = 201, description = "The instruction as stored", body = InstructionJson),
        WriteRefusals,
    )
)]
pub async fn write(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(address): Path<TaskAddress>,
    body: Bytes,
) -> Result<(axum::http::StatusCode, Json<InstructionJson>), ApiError> {
    // A leader's only write: refused to anyone else before the body is read.
    if !user.access().may_write_instruction() {
        return Err(ApiError(AppError::Forbidden));
    }
    let (plan_id, task) = address.find(&pool).await?;
    let obj = &super::json_object(&body)?;
    only(obj, &["text", "answer_by", "report"])?;
    let text = string(obj, "text", true)?.unwrap_or_default();
    let answer_by = string(obj, "answer_by", false)?.unwrap_or_default();
    let report_id = match obj.get("report") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .ok_or_else(|| bad("report", "应为该任务一份报告的编号"))?,
        ),
    };
    let input = WriteInput {
        text,
        answer_by,
        report_id,
    };
    let id = flow::write(
        &pool,
        &user.actor(addr),
        user.access(),
        plan_id,
        &task.code,
        &input,
        clock.today(),
    )
    .await?;
    let row = db::instructions::get(&pool, id)
        .await?
        .ok_or_else(|| ApiError(AppError::Internal("instruction vanished".into())))?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(json_of(&pool, user.access(), row).await?),
    ))
}

/// `?state=` and `?plan=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InstructionFilter {
    /// `new`, `relayed`, `answered` or `closed`; absent: all.
    #[param(value_type = Option<String>, example = "relayed", pattern = r"^[^\x00-\x1F\x7F]*$")]
    state: Option<String>,
    /// A plan's id; absent: every plan's.
    #[param(value_type = Option<String>, example = "1", pattern = r"^[^\x00-\x1F\x7F]*$")]
    plan: Option<String>,
}

/// The caller's instructions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InstructionList {
    instructions: Vec<InstructionJson>,
}

#[utoipa::path(
    get,
    path = "/api/v1/instructions",
    operation_id = "list_instructions",
    tag = "instructions",
    params(InstructionFilter),
    responses(
        (status = 200, description = "The caller's view, newest first", body = InstructionList),
        ReadRefusals,
    )
)]
pub async fn list(
    State(pool): State<PgPool>,
    user: CurrentUser,
    Query(filter): Query<InstructionFilter>,
) -> Result<Json<InstructionList>, ApiError> {
    // As the other reads' parameters, a value naming nothing is no error: no instruction is
    // in an unknown state or of an unknown plan, so the list is empty.
    let state = match filter.state.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => match InstructionState::parse(s) {
            Some(s) => Some(s.as_str()),
            None => {
                return Ok(Json(InstructionList {
                    instructions: Vec::new(),
                }));
            }
        },
    };
    let plan = match filter.plan.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => match p.parse::<i64>() {
            Ok(p) => Some(p),
            Err(_) => {
                return Ok(Json(InstructionList {
                    instructions: Vec::new(),
                }));
            }
        },
    };
    let access = user.access();
    // The API's list is whole (its answer has no pages).
    let filter = flow::view_of(access, user.id, plan, state);
    let rows = flow::view(&pool, filter, db::Window::first(i64::MAX)).await?;
    let readable = rows
        .into_iter()
        .filter(|r| access.may_read_instruction(&r.unit_ids))
        .collect();
    let instructions = json_of_all(&pool, access, readable).await?;
    Ok(Json(InstructionList { instructions }))
}
