//! `/editions`: numbered 督办通报 — list, issue (office), view (`/editions/{id}`) and compare.

use super::query::PageQuery;
use crate::db::{self, editions::EditionRow};
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::ids::EditionId;
use crate::web::pager::{PAGE_SIZE, Pager, page_number};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use crate::workflows::editions::{self, Compared};
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
    pager: Pager,
    /// `(id, title)` of every edition, for the comparison's choices.
    choices: Vec<(i64, String)>,
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
    page: Option<String>,
}

pub async fn list(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PageQuery(q): PageQuery<EditionsQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "editions", &user).await?;
    let plan = ctx.plan.id;
    let pager = Pager::new(
        page_number(q.page.as_deref()),
        PAGE_SIZE,
        db::editions::count(&pool, plan).await?,
    );
    let editions = db::editions::page(
        &pool,
        plan,
        db::Window {
            limit: pager.per_page,
            offset: pager.offset(),
        },
    )
    .await?;
    let choices: Vec<(i64, String)> = db::editions::numbers(&pool, plan)
        .await?
        .into_iter()
        .map(|(id, year, number)| (id, format!("{year}年第{number}期")))
        .collect();
    let pick = |raw: &Option<String>| {
        raw.as_deref()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .filter(|id| choices.iter().any(|(c, _)| c == id))
    };
    let compared = match (pick(&q.a), pick(&q.b)) {
        (Some(a), Some(b)) => {
            match (
                db::editions::get(&pool, a).await?,
                db::editions::get(&pool, b).await?,
            ) {
                (Some(a), Some(b)) => match (editions::summary_of(&a), editions::summary_of(&b)) {
                    (Some(sa), Some(sb)) => {
                        Some((a.title(), b.title(), editions::compare(&sa, &sb)))
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    };
    let pager = pager.link(ctx.layout.href("/editions"), "page");
    Ok(render::ok(&EditionsPage {
        a: q.a.unwrap_or_default(),
        b: q.b.unwrap_or_default(),
        can_issue: user.access().may_issue_editions(),
        editions,
        pager,
        choices,
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

/// `GET /editions/{id}/xlsx`: the frozen edition as a workbook.
pub async fn download(
    State(pool): State<PgPool>,
    user: CurrentUser,
    EditionId(id): EditionId,
) -> Result<Response, AppError> {
    let missing = EditionId::missing;
    let row = db::editions::get(&pool, id).await?.ok_or_else(missing)?;
    plan_context::require(&pool, Some(&row.plan_id.to_string()), "editions", &user).await?;
    let mut s = editions::summary_of(&row)
        .ok_or_else(|| AppError::Internal("edition snapshot unreadable".into()))?;
    let scope = user.access().scope();
    scope.retain(&mut s.units, |u| u.unit_id);
    scope.retain(&mut s.grid, |g| g.unit_id);
    let bytes = editions::xlsx(&format!("督办通报 {}", row.title()), &s)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(render::download(
        bytes,
        render::XLSX,
        &format!("督办通报-{}.xlsx", row.title()),
    ))
}
