//! `/editions`: numbered 督办通报 — list, issue (office), view (`/editions/{id}`) and compare.

use super::query::PageQuery;
use crate::db::{self, editions::EditionRow};
use crate::editions::{self, Compared};
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

#[derive(Template)]
#[template(path = "editions.html")]
struct EditionsPage {
    layout: Layout,
    editions: Vec<EditionRow>,
    can_issue: bool,
    compared: Option<(String, String, Vec<Compared>)>,
    a: String,
    b: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct EditionsQuery {
    plan: Option<String>,
    a: Option<String>,
    b: Option<String>,
}

pub async fn list(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PageQuery(q): PageQuery<EditionsQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "editions", &user).await?;
    let editions = db::editions::list(&pool, ctx.plan.id).await?;
    let pick = |raw: &Option<String>| {
        raw.as_deref()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .and_then(|id| editions.iter().find(|e| e.id == id))
    };
    let compared = match (pick(&q.a), pick(&q.b)) {
        (Some(a), Some(b)) => match (editions::summary_of(a), editions::summary_of(b)) {
            (Some(sa), Some(sb)) => Some((a.title(), b.title(), editions::compare(&sa, &sb))),
            _ => None,
        },
        _ => None,
    };
    Ok(render::ok(&EditionsPage {
        a: q.a.unwrap_or_default(),
        b: q.b.unwrap_or_default(),
        can_issue: user.is_office(),
        editions,
        compared,
        layout: ctx.layout,
    }))
}

#[derive(Debug, Deserialize)]
pub struct IssueForm {
    plan: Option<String>,
}

/// `POST /editions`: freezes the summary as it stands into the next numbered edition.
pub async fn issue(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    crate::web::forms::Form(f): crate::web::forms::Form<IssueForm>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "editions", &user).await?;
    let id = editions::issue(&pool, &user.actor(addr), ctx.plan.id, clock.today()).await?;
    Ok(Redirect::to(&format!("/editions/{id}")).into_response())
}
