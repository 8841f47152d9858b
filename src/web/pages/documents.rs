//! 公文 downloads: a document as issued (`/documents/{id}/docx`), or a draft of one not yet
//! issued (`/editions/{id}/bulletin.docx`, `/tasks/{code}/supervision.docx`,
//! `/urges/{id}/notice.docx`, `/units/{id}/brief.docx`). Each takes a session or an API token,
//! and each answers only a reader of its kind: the 通报 the office and leaders, a document
//! addressed to units those units' liaisons too.

use super::query::PageQuery;
use crate::db::{self, documents::DocumentRow};
use crate::formats::docx::DOCX;
use crate::rules::documents::DocKind;
use crate::web::auth::CurrentUser;
use crate::web::ids::{DocumentId, EditionId, UnitId, UrgeId};
use crate::web::plan_context;
use crate::web::{AppError, Clock, render};
use crate::workflows::documents::{
    self, BriefRequest, Content, SupervisionRequest, UrgeRequest, file_name,
};
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use sqlx::PgPool;

/// What a draft's query may carry: the office's texts, to see them in place before issuing.
#[derive(Debug, Default, Deserialize)]
pub struct DraftQuery {
    plan: Option<String>,
    requirements: Option<String>,
    reply_by: Option<String>,
    comments: Option<String>,
    /// `1`: the draft even when one was issued.
    draft: Option<String>,
}

fn docx(bytes: Vec<u8>, title: &str, number: Option<&str>) -> Response {
    render::download(bytes, DOCX, &file_name(title, number))
}

fn issued(d: &DocumentRow, body: Vec<u8>) -> Response {
    docx(body, &d.title, Some(&d.doc_number))
}

/// A draft's fault: a typed value that cannot go on the document.
fn typed_fault(faults: Vec<(&'static str, String)>) -> AppError {
    AppError::BadRequest(
        faults
            .into_iter()
            .map(|(_, m)| m)
            .collect::<Vec<_>>()
            .join(""),
    )
}

fn docx_fault(e: crate::formats::docx::DocxError) -> AppError {
    AppError::Internal(e.to_string())
}

/// The latest issued document of `kind` about `subject` in `plan_id`, with its bytes.
async fn latest_issued(
    pool: &PgPool,
    plan_id: i64,
    kind: DocKind,
    subject: i64,
) -> Result<Option<(DocumentRow, Vec<u8>)>, AppError> {
    let Some(d) = db::documents::for_subject(pool, plan_id, kind.as_str(), subject)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let body = db::documents::body(pool, d.id).await?.unwrap_or_default();
    Ok(Some((d, body)))
}

/// `GET /editions/{id}/bulletin.docx`: the edition's 通报 as issued, else its draft.
pub async fn bulletin(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    EditionId(id): EditionId,
    PageQuery(q): PageQuery<DraftQuery>,
) -> Result<Response, AppError> {
    let row = db::editions::get(&pool, id)
        .await?
        .ok_or_else(EditionId::missing)?;
    plan_context::require(&pool, Some(&row.plan_id.to_string()), "editions", &user).await?;
    if !user.access().may_read_bulletin() {
        return Err(AppError::Forbidden);
    }
    if q.draft.is_none()
        && let Some((d, body)) = latest_issued(&pool, row.plan_id, DocKind::Bulletin, id).await?
    {
        return Ok(issued(&d, body));
    }
    let draft = documents::bulletin_draft(&pool, &row)
        .await?
        .ok_or_else(|| AppError::Internal("edition snapshot unreadable".into()))?;
    let content = Content::Bulletin(draft);
    let bytes = content.draft(clock.today()).map_err(docx_fault)?;
    Ok(docx(bytes, &content.title(), None))
}

/// `GET /tasks/{code}/supervision.docx?plan=ID`: the task's latest 督办单 as issued, else a
/// draft with the requirements and reply date given in the query.
pub async fn supervision(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<DraftQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "tasks", &user).await?;
    let (task, _) = super::task::load(&pool, &ctx, &code).await?;
    let mut units = task.lead_ids.clone();
    units.extend(&task.co_ids);
    if !user.access().may_read_document_to(&units) {
        return Err(AppError::Forbidden);
    }
    let typed = q.requirements.is_some() || q.reply_by.is_some();
    if q.draft.is_none()
        && !typed
        && let Some((d, body)) =
            latest_issued(&pool, ctx.plan.id, DocKind::Supervision, task.id).await?
    {
        return Ok(issued(&d, body));
    }
    let today = clock.today();
    let req = SupervisionRequest::parse(
        q.requirements.as_deref().unwrap_or(""),
        q.reply_by.as_deref().unwrap_or(""),
        today,
    )
    .map_err(typed_fault)?;
    let p = documents::supervision_slip(&task, &req);
    let bytes = p.content.draft(today).map_err(docx_fault)?;
    Ok(docx(bytes, &p.content.title(), None))
}

/// `GET /urges/{id}/notice.docx`: the urge's 催办单 as issued, else its draft.
pub async fn urge(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    UrgeId(id): UrgeId,
    PageQuery(q): PageQuery<DraftQuery>,
) -> Result<Response, AppError> {
    let (plan_id, urge) = db::urges::get(&pool, id)
        .await?
        .ok_or_else(UrgeId::missing)?;
    plan_context::require(&pool, Some(&plan_id.to_string()), "reporting", &user).await?;
    if !user.access().may_read_document_to(&[urge.unit_id]) {
        return Err(AppError::Forbidden);
    }
    if q.draft.is_none()
        && q.reply_by.is_none()
        && let Some((d, body)) = latest_issued(&pool, plan_id, DocKind::Urge, id).await?
    {
        return Ok(issued(&d, body));
    }
    let today = clock.today();
    let req =
        UrgeRequest::parse(q.reply_by.as_deref().unwrap_or(""), today).map_err(typed_fault)?;
    let p = super::document_issue::urge_prepared(&pool, plan_id, &urge, &req, today).await?;
    let bytes = p.content.draft(today).map_err(docx_fault)?;
    Ok(docx(bytes, &p.content.title(), None))
}

/// `GET /units/{id}/brief.docx?plan=ID`: the unit's 督办事项一览 as it stands today (a draft;
/// issued ones are kept under `/documents/{id}/docx`).
pub async fn brief(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    UnitId(id): UnitId,
    PageQuery(q): PageQuery<DraftQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "units", &user).await?;
    if !user.access().may_read_document_to(&[id]) {
        return Err(AppError::Forbidden);
    }
    let today = clock.today();
    let req = BriefRequest::parse(q.comments.as_deref().unwrap_or("")).map_err(typed_fault)?;
    let p = documents::unit_brief(&pool, ctx.plan.id, id, &req, today)
        .await?
        .ok_or_else(UnitId::missing)?;
    let bytes = p.content.draft(today).map_err(docx_fault)?;
    Ok(docx(bytes, &p.content.title(), None))
}

/// The units a document is addressed to (`None`: the 通报, for its readers only).
pub(super) async fn addressed_to(
    pool: &PgPool,
    d: &DocumentRow,
) -> Result<Option<Vec<i64>>, AppError> {
    Ok(match DocKind::parse(&d.kind) {
        Some(DocKind::Bulletin) | None => None,
        Some(DocKind::Supervision) => {
            let units = db::assignments::units(pool, d.subject_id).await?;
            Some(units.into_iter().map(|u| u.unit_id).collect())
        }
        Some(DocKind::Urge) => Some(
            db::urges::get(pool, d.subject_id)
                .await?
                .map(|(_, u)| vec![u.unit_id])
                .unwrap_or_default(),
        ),
        Some(DocKind::Brief) => Some(vec![d.subject_id]),
    })
}

/// `GET /documents/{id}/docx`: an issued document, byte for byte as issued.
pub async fn download(
    State(pool): State<PgPool>,
    user: CurrentUser,
    DocumentId(id): DocumentId,
) -> Result<Response, AppError> {
    let d = db::documents::get(&pool, id)
        .await?
        .ok_or_else(DocumentId::missing)?;
    plan_context::require(&pool, Some(&d.plan_id.to_string()), "editions", &user).await?;
    let access = user.access();
    let allowed = match addressed_to(&pool, &d).await? {
        None => access.may_read_bulletin(),
        Some(units) => access.may_read_document_to(&units),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let body = db::documents::body(&pool, id)
        .await?
        .ok_or_else(DocumentId::missing)?;
    Ok(issued(&d, body))
}
