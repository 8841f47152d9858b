//! `/login` and `/logout`.

use crate::db;
use crate::web::auth::{self, ClientAddr, CurrentUser, safe_next};
use crate::web::forms::Form;
use crate::web::pages::query::PageQuery;
use crate::web::plan_context::{Layout, bare_layout};
use crate::web::{AppError, render};
use crate::workflows::accounts::{self, SignInError};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgPool;
use tower_sessions::Session;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    login: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn form(
    State(pool): State<PgPool>,
    session: Session,
    PageQuery(q): PageQuery<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(q.next.as_deref());
    if auth::session_user(&pool, &session).await?.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    Ok(render::ok(&LoginPage {
        layout: bare_layout("login", None),
        login: String::new(),
        next,
        error: None,
    }))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(pool): State<PgPool>,
    session: Session,
    ClientAddr(addr): ClientAddr,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(f.next.as_deref());
    let page = |status: StatusCode, error: String| {
        render::page(
            status,
            &LoginPage {
                layout: bare_layout("login", None),
                login: f.login.trim().to_string(),
                next: next.clone(),
                error: Some(error),
            },
        )
    };
    if f.login.trim().is_empty() || f.password.is_empty() {
        return Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "请输入登录名和密码".into(),
        ));
    }
    match accounts::sign_in(&pool, &f.login, &f.password, &addr).await {
        Ok(signed_in) => {
            auth::begin_session(&session, signed_in.user_id, &signed_in.password_hash).await?;
            // Leaders land on their one-page summary.
            let target = if signed_in.must_change_password {
                "/account/password".to_string()
            } else if next == "/" && signed_in.role == crate::rules::auth::Role::Leader {
                "/summary".to_string()
            } else {
                next
            };
            Ok(Redirect::to(&target).into_response())
        }
        Err(e @ SignInError::Invalid) => Ok(page(StatusCode::UNAUTHORIZED, e.to_string())),
        Err(e @ SignInError::Throttled(_)) => {
            Ok(page(StatusCode::TOO_MANY_REQUESTS, e.to_string()))
        }
        Err(SignInError::Db(e)) => Err(e.into()),
    }
}

/// Ends the session on the server, then back to the sign-in page.
pub async fn logout(
    State(pool): State<PgPool>,
    session: Session,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
) -> Result<Response, AppError> {
    session.flush().await?;
    let actor = user.actor(addr);
    db::audit::record(&pool, &actor, "sign_out", Some(&user.login), json!({})).await?;
    Ok(Redirect::to("/login").into_response())
}
