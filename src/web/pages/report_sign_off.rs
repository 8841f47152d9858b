//! 单位负责人签发 on the report's page: what the page shows of the report's sign-off, and
//! `POST /reports/{id}/sign-off`, the unit head's decision.

use super::report_view::{readable, refused};
use super::reports::caller;
use crate::db::{self, reports::ReportRow, sign_offs::SignOffRow};
use crate::web::AppError;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::Form;
use crate::web::ids::ReportId;
use crate::workflows::progress::{self, ProgressError, SignOff};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::PgPool;

/// One line of the report's 签发记录.
pub struct SignOffLine {
    pub at: String,
    pub who: String,
    pub what: &'static str,
    pub reason: Option<String>,
}

/// The report's sign-off as the page shows it.
#[derive(Default)]
pub struct SignOffView {
    /// Waiting for the unit head since then, sent by whom (for the unit and the office).
    pub waiting: Option<(String, String)>,
    /// The head's return not yet answered by a new submission: by whom, why.
    pub returned: Option<(String, String)>,
    /// The submission shown went out signed off by the head: by whom, when (for every
    /// reader of it, the office's review included).
    pub signed: Option<(String, String)>,
    /// The reader may decide (the unit's head, while the report waits).
    pub can_decide: bool,
    /// Every request and decision, newest first (for those who see the working copy).
    pub history: Vec<SignOffLine>,
}

fn when(t: &DateTime<Utc>) -> String {
    t.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// What `user` is shown of the report's sign-off; `working_copy` whether they see the unit's
/// own copy (the unit and the office), who alone see what is still inside the unit.
pub async fn view(
    pool: &PgPool,
    user: &CurrentUser,
    report: &ReportRow,
    working_copy: bool,
) -> Result<SignOffView, AppError> {
    let rows = db::sign_offs::for_report(pool, report.id).await?;
    let mut v = SignOffView {
        // One submission, one transaction: signed off exactly when it was submitted.
        signed: rows
            .iter()
            .find(|s| s.approved == Some(true) && s.decided_at == report.submitted_at)
            .and_then(|s| Some((s.decided_by_name.clone()?, when(&s.decided_at?)))),
        ..SignOffView::default()
    };
    if !working_copy {
        return Ok(v);
    }
    match rows.first() {
        Some(s) if s.decided_at.is_none() => {
            v.waiting = Some((s.asked_by_name.clone(), when(&s.asked_at)));
            v.can_decide = user.access().may_sign_off_for(report.unit_id);
        }
        Some(SignOffRow {
            approved: Some(false),
            decided_by_name: Some(by),
            reason: Some(r),
            ..
        }) => v.returned = Some((by.clone(), r.clone())),
        _ => {}
    }
    for s in &rows {
        if let (Some(at), Some(by), Some(approved)) = (s.decided_at, &s.decided_by_name, s.approved)
        {
            v.history.push(SignOffLine {
                at: when(&at),
                who: by.clone(),
                what: if approved {
                    "签发"
                } else {
                    "退回联络员"
                },
                reason: s.reason.clone(),
            });
        }
        v.history.push(SignOffLine {
            at: when(&s.asked_at),
            who: s.asked_by_name.clone(),
            what: "送单位负责人签发",
            reason: None,
        });
    }
    Ok(v)
}

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
    let version: i32 = f
        .version
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("表单缺少版本号，请刷新页面。".into()))?;
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
