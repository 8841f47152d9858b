//! `/account/password`: every user changes their own password (and must, after a one-time
//! password).

use crate::web::auth::{self, ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form};
use crate::web::plan_context::{Layout, bare_layout};
use crate::web::{AppError, render};
use crate::workflows::accounts::{self, AccountError, OwnPasswordError};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;
use tower_sessions::Session;

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    layout: Layout,
    must_change: bool,
    errors: FieldErrors,
}

pub async fn form(user: CurrentUser) -> Response {
    render::ok(&PasswordPage {
        must_change: user.must_change_password,
        layout: bare_layout("account", Some(&user)),
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn submit(
    State(pool): State<PgPool>,
    session: Session,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let actor = user.actor(addr);
    let again = |status: StatusCode, field: &'static str, message: String| {
        render::page(
            status,
            &PasswordPage {
                must_change: user.must_change_password,
                layout: bare_layout("account", Some(&user)),
                errors: FieldErrors::single(field, message),
            },
        )
    };
    let result = accounts::change_own_password(
        &pool,
        &actor,
        user.id,
        &f.current_password,
        &f.new_password,
        &f.confirm_password,
    )
    .await;
    match result {
        Ok(()) => {
            // The password stamp changed: keep this session, under a new id.
            let fresh = crate::db::users::by_id(&pool, user.id)
                .await?
                .ok_or(AppError::Forbidden)?;
            auth::begin_session(&session, user.id, &fresh.password_hash).await?;
            Ok(Redirect::to("/").into_response())
        }
        Err(OwnPasswordError::Account(AccountError::Field { field, message })) => {
            Ok(again(StatusCode::UNPROCESSABLE_ENTITY, field, message))
        }
        Err(OwnPasswordError::Throttled(t)) => Ok(again(
            StatusCode::TOO_MANY_REQUESTS,
            "current_password",
            t.to_string(),
        )),
        Err(OwnPasswordError::Account(e)) => Err(e.into()),
    }
}
