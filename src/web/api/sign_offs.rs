//! 单位负责人签发 through the API: `POST /api/v1/reports/{id}/sign-off`, the unit head's
//! decision on a report waiting for them, under the same rules as the report's page.

use super::fields::{bad, only, string, version};
use super::reports::{ReportJson, json_of};
use crate::db;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::{ApiError, AppError};
use crate::workflows::progress::{self, Caller, ProgressError, SignOff};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde_json::Value;
use sqlx::PgPool;

/// `/reports/{id}`: a report, by its id.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReportAddress {
    /// The report's id.
    #[param(value_type = i64, example = 1)]
    pub id: String,
}

/// The body of a sign-off.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct SignOffBody {
    /// True to sign the report off (it then goes to the office), false to return it to the
    /// liaison.
    approve: bool,
    /// Why it is returned (required then, up to 1,000 characters).
    #[schema(required = false, nullable = false)]
    reason: Option<String>,
    /// The report's version as read.
    version: i32,
}

#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/sign-off",
    operation_id = "sign_off_report",
    tag = "reports",
    params(ReportAddress),
    request_body = SignOffBody,
    responses(
        (status = 200, description = "The report as it now is", body = ReportJson),
        super::doc::WriteRefusals,
    )
)]
pub async fn decide(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(address): Path<ReportAddress>,
    body: Bytes,
) -> Result<Json<ReportJson>, ApiError> {
    let missing = || ApiError(AppError::NotFound("找不到该报告".into()));
    let id: i64 = address.id.trim().parse().map_err(|_| missing())?;
    // Where the report does not exist for the caller, it does not here either.
    progress::report_as_seen(&pool, user.access(), id)
        .await
        .map_err(|e| match e {
            ProgressError::NotFound(_) => missing(),
            e => e.into(),
        })?;
    let obj = &super::json_object(&body)?;
    only(obj, &["approve", "reason", "version"])?;
    let approve = match obj.get("approve") {
        Some(Value::Bool(b)) => *b,
        _ => return Err(bad("approve", "必填，应为 true 或 false")),
    };
    let version = version(obj, true)?.unwrap_or_default();
    let decision = if approve {
        SignOff::Approve
    } else {
        SignOff::Return {
            reason: string(obj, "reason", false)?.unwrap_or_default(),
        }
    };
    let caller = Caller {
        actor: user.actor(addr),
        role: user.role,
        unit_id: user.unit_id,
    };
    let row = progress::sign_off(&pool, &caller, id, version, decision).await?;
    let coordination: Vec<_> = db::coordination::for_report(&pool, row.id)
        .await?
        .into_iter()
        .filter(|c| !c.withdrawn)
        .collect();
    Ok(Json(json_of(&row, &coordination)))
}
