//! `/units/{id}/brief`: 单位督办一览 as a page that prints on one A4 sheet, for the office,
//! leaders and the unit's own liaisons; the office adds its comments and issues it numbered.

use super::query::PageQuery;
use crate::db::{self, documents::DocumentRow};
use crate::formats::docx::UnitBrief;
use crate::rules::documents::DocKind;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form};
use crate::web::ids::UnitId;
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use crate::workflows::documents::{self, BriefRequest, COMMENTS_MAX, Content};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

#[derive(Template)]
#[template(path = "unit_brief.html")]
struct BriefPage {
    layout: Layout,
    unit_id: i64,
    plan_id: i64,
    brief: UnitBrief,
    /// The office may issue it (the form below the sheet).
    can_issue: bool,
    comments: String,
    comments_max: usize,
    errors: FieldErrors,
    issued: Vec<DocumentRow>,
}

#[derive(Debug, Default, Deserialize)]
pub struct BriefForm {
    plan: Option<String>,
    comments: Option<String>,
}

async fn page(
    pool: &PgPool,
    clock: Clock,
    user: &CurrentUser,
    id: i64,
    f: &BriefForm,
    errors: FieldErrors,
) -> Result<BriefPage, AppError> {
    let ctx = plan_context::require(pool, f.plan.as_deref(), "units", user).await?;
    if !user.access().may_read_document_to(&[id]) {
        return Err(AppError::Forbidden);
    }
    let typed = f.comments.clone().unwrap_or_default();
    // The sheet shows the comments as typed only once they are valid; the field keeps them.
    let req = BriefRequest::parse(&typed).unwrap_or_default();
    let p = documents::unit_brief(pool, ctx.plan.id, id, &req, clock.today())
        .await?
        .ok_or_else(UnitId::missing)?;
    let Content::Brief(brief) = p.content else {
        return Err(AppError::Internal("a brief that is not one".into()));
    };
    let issued = db::documents::for_subject(pool, ctx.plan.id, DocKind::Brief.as_str(), id).await?;
    Ok(BriefPage {
        unit_id: id,
        plan_id: ctx.plan.id,
        brief,
        can_issue: user.access().may_issue_documents(),
        comments: typed,
        comments_max: COMMENTS_MAX,
        errors,
        issued,
        layout: ctx.layout,
    })
}

/// `GET /units/{id}/brief`: the one-page brief as it stands today.
pub async fn show(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    UnitId(id): UnitId,
    PageQuery(f): PageQuery<BriefForm>,
) -> Result<Response, AppError> {
    let page = page(&pool, clock, &user, id, &f, FieldErrors::default()).await?;
    Ok(render::ok(&page))
}

/// `POST /units/{id}/brief` (office): numbers and issues the brief with the comments typed.
pub async fn issue(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    UnitId(id): UnitId,
    Form(f): Form<BriefForm>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "units", &user).await?;
    let req = match BriefRequest::parse(f.comments.as_deref().unwrap_or("")) {
        Ok(r) => r,
        Err(faults) => {
            let mut errors = FieldErrors::default();
            for (field, m) in faults {
                errors.add(field, m);
            }
            let page = page(&pool, clock, &user, id, &f, errors).await?;
            return Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let today = clock.today();
    let p = documents::unit_brief(&pool, ctx.plan.id, id, &req, today)
        .await?
        .ok_or_else(UnitId::missing)?;
    documents::issue(&pool, &user.actor(addr), &p, today)
        .await
        .map_err(|e| match e {
            documents::DocumentError::Db(e) => AppError::from(e),
            other => AppError::Internal(other.to_string()),
        })?;
    Ok(Redirect::to(&ctx.layout.href(&format!("/units/{id}/brief"))).into_response())
}
