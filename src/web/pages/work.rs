//! Urging (`POST /urges`) and acknowledging (`POST /urges/{id}/ack`). The liaison's desk
//! `/my` is in `my.rs`, the office's review queue in `review.rs`.

use super::reports::caller;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form};
use crate::web::plan_context;
use crate::web::{AppError, Clock};
use crate::workflows::progress::{self, ProgressError};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;
use std::collections::HashSet;

#[derive(Debug, Deserialize)]
pub struct UrgeForm {
    plan: Option<String>,
    #[serde(default)]
    period: String,
    #[serde(default)]
    message: String,
}

/// `POST /urges`: urges the ticked units (`unit` fields) about the period's outstanding reports;
/// which of them really owe reports is the workflow's to decide.
pub async fn urge(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let f = UrgeForm {
        plan: Some(get("plan")).filter(|p| !p.is_empty()),
        period: get("period"),
        message: get("message"),
    };
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "reporting", &user).await?;
    let wanted: HashSet<i64> = fields
        .iter()
        .filter(|(k, _)| k == "unit")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let back = ctx.layout.href_with(
        "/reporting",
        &format!(
            "period={}",
            crate::web::percent_encode(f.period.trim(), b"")
        ),
    );
    match progress::urge(
        &pool,
        &caller(&user, addr),
        ctx.plan.id,
        f.period.trim(),
        &wanted,
        &f.message,
    )
    .await
    {
        Ok(urged) => {
            // The units urged, by id: the page names them in its notice.
            let sep = if back.contains('?') { '&' } else { '?' };
            let ids: Vec<String> = urged.iter().map(i64::to_string).collect();
            Ok(Redirect::to(&format!("{back}{sep}urged={}", ids.join(","))).into_response())
        }
        Err(ProgressError::Field { field, message }) => {
            // Shown again with the reason beside the field and what was typed kept.
            let q = super::reporting::ReportingQuery::period(f.plan, f.period);
            let draft = super::reporting::UrgeDraft {
                errors: FieldErrors::single(field, message),
                message: Some(f.message),
                units: Some(wanted),
                window: None,
            };
            super::reporting::page(&pool, clock.today(), &user, q, draft).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /urges/{id}/ack`: 签收.
pub async fn acknowledge(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::NotFound("没有该条催办。".into()))?;
    progress::acknowledge(&pool, &caller(&user, addr), id).await?;
    Ok(Redirect::to("/my").into_response())
}
