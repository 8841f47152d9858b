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
use axum::http::StatusCode;
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
    /// Why issuing was refused.
    issue_error: Option<String>,
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
    render_list(&pool, &user, q, None).await
}

/// The list, with the reason issuing was refused (answered 409).
async fn render_list(
    pool: &PgPool,
    user: &CurrentUser,
    q: EditionsQuery,
    issue_error: Option<String>,
) -> Result<Response, AppError> {
    let pool = pool.clone();
    let user = user.clone();
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
    let status = if issue_error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok(render::page(
        status,
        &EditionsPage {
            issue_error,
            a: q.a.unwrap_or_default(),
            b: q.b.unwrap_or_default(),
            can_issue: user.access().may_issue_editions(),
            editions,
            pager,
            choices,
            compared,
            layout: ctx.layout,
        },
    ))
}

#[derive(Debug, Deserialize)]
pub struct IssueForm {
    plan: Option<String>,
}

#[derive(Template)]
#[template(path = "edition_preview.html")]
struct PreviewPage {
    layout: Layout,
    plan: i64,
    preview: editions::Preview,
    /// The figures of the edition to be issued.
    figures: Vec<(&'static str, u32)>,
    /// The last edition's id, sent back with the confirmation (empty: none yet).
    last: String,
}

/// `POST /editions`: the edition that would be issued now, with 确认发布; nothing is written.
pub async fn issue(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    crate::web::forms::Form(f): crate::web::forms::Form<IssueForm>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "editions", &user).await?;
    let preview = editions::preview(&pool, ctx.plan.id, clock.today())
        .await
        .map_err(issue_error)?;
    let figures = preview.summary.totals.figures().to_vec();
    Ok(render::ok(&PreviewPage {
        plan: ctx.plan.id,
        last: preview
            .last
            .as_ref()
            .map(|(id, _)| id.to_string())
            .unwrap_or_default(),
        figures,
        preview,
        layout: ctx.layout,
    }))
}

fn issue_error(e: editions::IssueError) -> AppError {
    match e {
        editions::IssueError::NotFound => AppError::NotFound("找不到该工作要点".into()),
        editions::IssueError::Db(e) => e.into(),
        other => AppError::Internal(other.to_string()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    plan: Option<String>,
    /// The last edition the preview was made beside (empty: none).
    last: Option<String>,
}

/// `POST /editions/confirm`: 确认发布 — issues the edition previewed, unless its content is that
/// of the last edition or another was issued since the preview.
pub async fn confirm(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    crate::web::forms::Form(f): crate::web::forms::Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "editions", &user).await?;
    let seen = match f.last.as_deref().map(str::trim).unwrap_or("") {
        "" => None,
        raw => Some(
            raw.parse::<i64>()
                .map_err(|_| AppError::BadRequest("通报确认表单无效，请重新预览后发布。".into()))?,
        ),
    };
    let actor = user.actor(addr);
    match editions::issue_confirmed(&pool, &actor, ctx.plan.id, clock.today(), seen).await {
        Ok(id) => Ok(Redirect::to(&format!("/editions/{id}")).into_response()),
        Err(e @ (editions::IssueError::Identical(_) | editions::IssueError::Superseded)) => {
            let q = EditionsQuery {
                plan: f.plan,
                ..Default::default()
            };
            render_list(&pool, &user, q, Some(e.to_string())).await
        }
        Err(e) => Err(issue_error(e)),
    }
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
