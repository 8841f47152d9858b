//! `POST /units/{id}/sign-off` (office): whether the unit's reports need its head's sign-off
//! (单位负责人签发) before they reach the office.

use super::reports::caller;
use super::units::{UnitQuery, page};
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form};
use crate::web::ids::UnitId;
use crate::web::{AppError, Clock, plan_context, render};
use crate::workflows::progress::{self, ProgressError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

#[derive(Debug, Default, Deserialize)]
pub struct SignOffForm {
    plan: Option<String>,
    /// `1` on, `0` off; a form without it changes nothing.
    sign_off: Option<String>,
}

pub async fn save(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    UnitId(id): UnitId,
    Form(f): Form<SignOffForm>,
) -> Result<Response, AppError> {
    let q = UnitQuery {
        plan: f.plan.clone(),
        ..UnitQuery::default()
    };
    let on = match f.sign_off.as_deref().map(str::trim) {
        Some("1") => Some(true),
        Some("0") => Some(false),
        None => None,
        Some(_) => return Err(AppError::BadRequest("请选择是否须经单位负责人签发".into())),
    };
    if let Some(on) = on {
        match progress::set_unit_sign_off(&pool, &caller(&user, addr), id, on).await {
            Ok(()) => {}
            Err(ProgressError::Field { field, message }) => {
                let mut errors = FieldErrors::default();
                errors.add(field, message);
                let mut page = page(&pool, clock, &user, id, &q, None, errors).await?;
                if let Some(s) = &mut page.sign_off {
                    s.on = on;
                }
                return Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "units", &user).await?;
    let to = ctx
        .layout
        .href_with(&format!("/units/{id}"), "sign_off_saved=1");
    Ok(Redirect::to(&format!("{to}#sign-off")).into_response())
}
