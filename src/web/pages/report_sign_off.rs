//! `POST /reports/{id}/sign-off`: the unit head's decision (签发 or 退回) on a report waiting
//! for it; what the report's page shows of it is `sign_off_view`.

use super::report_view::{decision_version, readable, refused};
use super::reports::caller;
use crate::web::AppError;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::Form;
use crate::web::ids::ReportId;
use crate::workflows::progress::{self, ProgressError, SignOff};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

#[derive(Debug, Deserialize)]
pub struct SignOffForm {
    #[serde(default)]
    version: String,
    /// `approve` or `return`.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// `POST /reports/{id}/sign-off`: the unit head signs the report off (签发) or returns it.
pub async fn decide(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    ReportId(id): ReportId,
    Form(f): Form<SignOffForm>,
) -> Result<Response, AppError> {
    let report = readable(&pool, &user, id).await?.report;
    if !user.access().may_sign_off_for(report.unit_id) {
        return Err(AppError::Forbidden);
    }
    let version = decision_version(&f.version)?;
    let decision = match f.decision.as_str() {
        "approve" => SignOff::Approve,
        "return" => SignOff::Return {
            reason: f.reason.clone(),
        },
        _ => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let message = "请选择签发或退回".to_string();
            return refused(&pool, &user, id, status, None, "decision", message).await;
        }
    };
    let approve = matches!(decision, SignOff::Approve);
    match progress::sign_off(&pool, &caller(&user, addr), id, version, decision).await {
        Ok(_) => {
            let saved = if approve {
                "signed"
            } else {
                "sign_off_returned"
            };
            Ok(Redirect::to(&format!("/reports/{id}?saved={saved}")).into_response())
        }
        Err(ProgressError::Field { field, message }) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            refused(&pool, &user, id, status, None, field, message).await
        }
        Err(e @ (ProgressError::Stale { .. } | ProgressError::Conflict(_))) => {
            let status = StatusCode::CONFLICT;
            refused(&pool, &user, id, status, None, "decision", e.to_string()).await
        }
        Err(e) => Err(e.into()),
    }
}
