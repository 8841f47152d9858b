//! `/account/notifications` (通知设置): every user keeps their own e-mail address and chooses,
//! per kind of event, how e-mail of it comes.

use super::query::PageQuery;
use crate::rules::notices::Mode;
use crate::web::auth::CurrentUser;
use crate::web::forms::{FieldErrors, Form};
use crate::web::plan_context::{Layout, bare_layout};
use crate::web::{AppError, render};
use crate::workflows::notify::settings::{self, SettingsError};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use std::collections::HashMap;

/// A kind of event and the mode shown for it.
struct Row {
    kind: &'static str,
    label: &'static str,
    mode: String,
}

#[derive(Template)]
#[template(path = "account_notifications.html")]
struct SettingsPage {
    layout: Layout,
    email: String,
    rows: Vec<Row>,
    modes: [Mode; 3],
    saved: bool,
    errors: FieldErrors,
}

async fn page(
    pool: &PgPool,
    user: &CurrentUser,
    typed: Option<&HashMap<String, String>>,
    errors: FieldErrors,
    saved: bool,
) -> Result<SettingsPage, AppError> {
    let stored = settings::load(pool, user.id, user.role).await?;
    let typed_of = |name: &str| typed.and_then(|t| t.get(name)).cloned();
    let rows = stored
        .modes
        .iter()
        .map(|(k, m)| Row {
            kind: k.as_str(),
            label: k.label(),
            mode: typed_of(k.as_str()).unwrap_or_else(|| m.as_str().to_string()),
        })
        .collect();
    Ok(SettingsPage {
        layout: bare_layout("account", Some(user)),
        email: typed_of("email").unwrap_or_else(|| stored.email.unwrap_or_default()),
        rows,
        modes: Mode::ALL,
        saved,
        errors,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SettingsQuery {
    saved: Option<String>,
}

pub async fn show(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PageQuery(q): PageQuery<SettingsQuery>,
) -> Result<Response, AppError> {
    let saved = q.saved.is_some();
    Ok(render::ok(
        &page(&pool, &user, None, FieldErrors::default(), saved).await?,
    ))
}

pub async fn save(
    State(pool): State<PgPool>,
    user: CurrentUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    match settings::save(
        &pool,
        user.id,
        user.role,
        f.get("email").map(String::as_str),
        &f,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/account/notifications?saved=1").into_response()),
        Err(SettingsError::Fields(fields)) => {
            let mut errors = FieldErrors::default();
            for (field, message) in fields {
                errors.add(field, message);
            }
            let page = page(&pool, &user, Some(&f), errors, false).await?;
            Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(SettingsError::Db(e)) => Err(e.into()),
    }
}
