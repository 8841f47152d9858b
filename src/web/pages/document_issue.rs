//! 印发公文 (office): the forms that number and issue a task's 督办单, an urge's 催办单 and an
//! edition's 通报, and the register of what was issued with the series' prefixes
//! (`/admin/documents`). A draft is always one click away (the form's 预览草稿 button).

use super::query::PageQuery;
use crate::db::{self, documents::DocumentRow, urges::UrgeRow};
use crate::rules::documents::{DocKind, PREFIX_MAX, parse_prefix};
use crate::rules::schedule::period_label;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form};
use crate::web::ids::{EditionId, UrgeId};
use crate::web::pager::{PAGE_SIZE, Pager, page_number};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use crate::workflows::documents::{self, DocumentError, Prepared, SupervisionRequest, UrgeRequest};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use sqlx::PgPool;

#[derive(Template)]
#[template(path = "document_issue.html")]
struct IssuePage {
    layout: Layout,
    /// 督办单, 催办单.
    kind: &'static str,
    heading: String,
    /// What the document is about, `(label, value)`.
    facts: Vec<(String, String)>,
    /// The units it goes to, `(role, names)`: each name kept on one line.
    units: Vec<(String, Vec<String>)>,
    /// The form posts here; its 预览草稿 button gets `draft_href` with the fields.
    action: String,
    draft_href: String,
    back_href: String,
    plan_id: i64,
    /// The fields: `None` where the kind has none.
    requirements: Option<String>,
    reply_by: String,
    errors: FieldErrors,
    issued: Vec<DocumentRow>,
    /// Why issuing was refused as a whole.
    refused: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct IssueForm {
    plan: Option<String>,
    requirements: Option<String>,
    reply_by: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PlanQuery {
    plan: Option<String>,
}

/// An issue refused as a whole (already issued): shown on the form, answered 409.
fn refusal(e: DocumentError) -> Result<String, AppError> {
    match e {
        e @ DocumentError::AlreadyIssued { .. } => Ok(e.to_string()),
        DocumentError::NotFound(m) => Err(AppError::NotFound(m.into())),
        DocumentError::Db(e) => Err(e.into()),
        DocumentError::Docx(e) => Err(AppError::Internal(e.to_string())),
    }
}

// ---- 督办单 ----

async fn supervision_page(
    pool: &PgPool,
    user: &CurrentUser,
    raw_plan: Option<&str>,
    code: &str,
    typed: &IssueForm,
    errors: FieldErrors,
    refused: Option<String>,
) -> Result<IssuePage, AppError> {
    let ctx = plan_context::require(pool, raw_plan, "tasks", user).await?;
    let (task, _) = super::task::load(pool, &ctx, code).await?;
    let issued =
        db::documents::for_subject(pool, ctx.plan.id, DocKind::Supervision.as_str(), task.id)
            .await?;
    let names = |list: &[String], none: &str| {
        if list.is_empty() {
            vec![none.to_string()]
        } else {
            list.to_vec()
        }
    };
    Ok(IssuePage {
        units: vec![
            ("牵头单位".into(), names(&task.lead_names, "待明确")),
            ("配合单位".into(), names(&task.co_names, "无")),
        ],
        kind: DocKind::Supervision.label(),
        heading: format!("印发督办单：任务{}", task.code),
        facts: vec![
            ("任务".into(), task.text.clone()),
            ("办理时限".into(), task.deadline().describe(task.plan_year)),
            ("报送周期".into(), task.effective_cycle().label().into()),
        ],
        action: format!("/tasks/{code}/supervision"),
        draft_href: format!("/tasks/{code}/supervision.docx"),
        back_href: ctx.layout.href(&format!("/tasks/{code}")),
        plan_id: ctx.plan.id,
        requirements: Some(typed.requirements.clone().unwrap_or_default()),
        reply_by: typed.reply_by.clone().unwrap_or_default(),
        errors,
        issued,
        refused,
        layout: ctx.layout,
    })
}

/// `GET /tasks/{code}/supervision`: the 督办单 form and the task's issued ones.
pub async fn supervision_form(
    State(pool): State<PgPool>,
    user: CurrentUser,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<PlanQuery>,
) -> Result<Response, AppError> {
    let page = supervision_page(
        &pool,
        &user,
        q.plan.as_deref(),
        &code,
        &IssueForm::default(),
        FieldErrors::default(),
        None,
    )
    .await?;
    Ok(render::ok(&page))
}

/// `POST /tasks/{code}/supervision`: numbers and issues the 督办单.
pub async fn issue_supervision(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
    Form(f): Form<IssueForm>,
) -> Result<Response, AppError> {
    let today = clock.today();
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "tasks", &user).await?;
    let (task, _) = super::task::load(&pool, &ctx, &code).await?;
    let req = SupervisionRequest::parse(
        f.requirements.as_deref().unwrap_or(""),
        f.reply_by.as_deref().unwrap_or(""),
        today,
    );
    let again = |errors, refused| {
        let (pool, user, f, code) = (&pool, &user, &f, &code);
        async move {
            let page =
                supervision_page(pool, user, f.plan.as_deref(), code, f, errors, refused).await?;
            Ok::<_, AppError>(page)
        }
    };
    let req = match req {
        Ok(r) => r,
        Err(faults) => {
            let page = again(FieldErrors::of(faults), None).await?;
            return Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let p = documents::supervision_slip(&task, &req);
    match documents::issue(&pool, &user.actor(addr), &p, today).await {
        Ok(_) => Ok(
            Redirect::to(&ctx.layout.href(&format!("/tasks/{code}/supervision"))).into_response(),
        ),
        Err(e) => {
            let page = again(FieldErrors::default(), Some(refusal(e)?)).await?;
            Ok(render::page(StatusCode::CONFLICT, &page))
        }
    }
}

// ---- 催办单 ----

/// The 催办单 of an urge, ready to number.
pub(super) async fn urge_prepared(
    pool: &PgPool,
    plan_id: i64,
    urge: &UrgeRow,
    req: &UrgeRequest,
    today: NaiveDate,
) -> Result<Prepared, AppError> {
    let settings = db::plans::settings(pool, plan_id)
        .await?
        .ok_or_else(|| AppError::NotFound("找不到该工作要点".into()))?;
    let mut tasks = Vec::new();
    for code in &urge.task_codes {
        if let Some(t) = db::tasks::get_by_code(pool, plan_id, code).await? {
            tasks.push(t);
        }
    }
    let times = db::documents::times_urged(pool, urge.id).await?;
    Ok(documents::urge_slip(
        plan_id,
        &settings,
        urge,
        &tasks,
        u32::try_from(times).unwrap_or(u32::MAX),
        req,
        today,
    ))
}

async fn urge_page(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
    typed: &IssueForm,
    errors: FieldErrors,
    refused: Option<String>,
) -> Result<IssuePage, AppError> {
    let (plan_id, urge) = db::urges::get(pool, id)
        .await?
        .ok_or_else(UrgeId::missing)?;
    let ctx = plan_context::require(pool, Some(&plan_id.to_string()), "reporting", user).await?;
    let times = db::documents::times_urged(pool, id).await?;
    let escalation = crate::rules::documents::Escalation::of_times(times as u32);
    let issued = db::documents::for_subject(pool, plan_id, DocKind::Urge.as_str(), id).await?;
    let back = ctx
        .layout
        .href_with("/reporting", &format!("period={}", urge.period));
    Ok(IssuePage {
        kind: DocKind::Urge.label(),
        heading: format!("印发催办单：{}", urge.unit_name),
        units: vec![("催办单位".into(), vec![urge.unit_name.clone()])],
        facts: vec![
            ("报送期次".into(), period_label(&urge.period)),
            ("催办事项".into(), urge.task_codes.join("、")),
            (
                "催办次数".into(),
                format!("本期第{times}次（{}）", escalation.label()),
            ),
            ("催办内容".into(), urge.message.clone()),
        ],
        action: format!("/urges/{id}/notice"),
        draft_href: format!("/urges/{id}/notice.docx"),
        back_href: back,
        plan_id,
        requirements: None,
        reply_by: typed.reply_by.clone().unwrap_or_default(),
        errors,
        issued,
        refused,
        layout: ctx.layout,
    })
}

/// `GET /urges/{id}/notice`: the 催办单 form, or the one issued.
pub async fn urge_form(
    State(pool): State<PgPool>,
    user: CurrentUser,
    UrgeId(id): UrgeId,
) -> Result<Response, AppError> {
    let page = urge_page(
        &pool,
        &user,
        id,
        &IssueForm::default(),
        FieldErrors::default(),
        None,
    )
    .await?;
    Ok(render::ok(&page))
}

/// `POST /urges/{id}/notice`: numbers and issues the urge's 催办单 (once).
pub async fn issue_urge(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    UrgeId(id): UrgeId,
    Form(f): Form<IssueForm>,
) -> Result<Response, AppError> {
    let today = clock.today();
    let (plan_id, urge) = db::urges::get(&pool, id)
        .await?
        .ok_or_else(UrgeId::missing)?;
    plan_context::require(&pool, Some(&plan_id.to_string()), "reporting", &user).await?;
    let req = match UrgeRequest::parse(f.reply_by.as_deref().unwrap_or(""), today) {
        Ok(r) => r,
        Err(faults) => {
            let page = urge_page(&pool, &user, id, &f, FieldErrors::of(faults), None).await?;
            return Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let p = urge_prepared(&pool, plan_id, &urge, &req, today).await?;
    match documents::issue(&pool, &user.actor(addr), &p, today).await {
        Ok(_) => Ok(Redirect::to(&format!("/urges/{id}/notice")).into_response()),
        Err(e) => {
            let refused = refusal(e)?;
            let page =
                urge_page(&pool, &user, id, &f, FieldErrors::default(), Some(refused)).await?;
            Ok(render::page(StatusCode::CONFLICT, &page))
        }
    }
}

// ---- 通报 ----

/// `POST /editions/{id}/bulletin`: numbers and issues the edition's 通报 (once), then back to
/// the edition, which shows its number.
pub async fn issue_bulletin(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    EditionId(id): EditionId,
) -> Result<Response, AppError> {
    let row = db::editions::get(&pool, id)
        .await?
        .ok_or_else(EditionId::missing)?;
    plan_context::require(&pool, Some(&row.plan_id.to_string()), "editions", &user).await?;
    let draft = documents::bulletin_draft(&pool, &row)
        .await?
        .ok_or_else(|| AppError::Internal("edition snapshot unreadable".into()))?;
    let p = Prepared {
        plan_id: row.plan_id,
        kind: DocKind::Bulletin,
        subject_id: id,
        inputs: json!({ "edition": id, "number": row.number }),
        content: documents::Content::Bulletin(draft),
    };
    match documents::issue(&pool, &user.actor(addr), &p, clock.today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/editions/{id}")).into_response()),
        Err(e) => Err(AppError::Conflict {
            message: refusal(e)?,
            current_version: 0,
        }),
    }
}

// ---- 发文登记 ----

#[derive(Template)]
#[template(path = "admin_documents.html")]
struct RegisterPage {
    layout: Layout,
    plan_id: i64,
    documents: Vec<DocumentRow>,
    pager: Pager,
    /// `(kind, label, prefix as stored or typed, default)`.
    series: Vec<(&'static str, &'static str, String, &'static str)>,
    prefix_max: usize,
    errors: FieldErrors,
    saved: bool,
}

impl RegisterPage {
    fn kind_label(&self, kind: &str) -> &'static str {
        DocKind::parse(kind).map_or("公文", DocKind::label)
    }

    fn href_of(&self, d: &DocumentRow) -> String {
        format!("/documents/{}/docx", d.id)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RegisterQuery {
    plan: Option<String>,
    page: Option<String>,
    saved: Option<String>,
}

async fn register_page(
    pool: &PgPool,
    user: &CurrentUser,
    raw_plan: Option<&str>,
    page: Option<&str>,
    typed: Option<&SeriesForm>,
    errors: FieldErrors,
) -> Result<RegisterPage, AppError> {
    let ctx = plan_context::require(pool, raw_plan, "documents", user).await?;
    let plan = ctx.plan.id;
    let pager = Pager::new(
        page_number(page),
        PAGE_SIZE,
        db::documents::count(pool, plan).await?,
    )
    .link(ctx.layout.href("/admin/documents"), "page");
    let documents = db::documents::register(
        pool,
        plan,
        db::Window {
            limit: pager.per_page,
            offset: pager.offset(),
        },
    )
    .await?;
    let stored = db::documents::prefixes(pool, plan).await?;
    let series = DocKind::ALL
        .iter()
        .map(|k| {
            let value = typed
                .and_then(|f| f.value(*k))
                .map(str::to_string)
                .or_else(|| {
                    stored
                        .iter()
                        .find(|(kind, _)| kind == k.as_str())
                        .map(|(_, p)| p.clone())
                })
                .unwrap_or_default();
            (k.as_str(), k.label(), value, k.default_prefix())
        })
        .collect();
    Ok(RegisterPage {
        layout: ctx.layout,
        plan_id: plan,
        documents,
        pager,
        series,
        prefix_max: PREFIX_MAX,
        errors,
        saved: false,
    })
}

/// `GET /admin/documents`: 发文登记 — every document issued in the plan, newest first — and
/// the prefixes of the four series.
pub async fn register(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PageQuery(q): PageQuery<RegisterQuery>,
) -> Result<Response, AppError> {
    let page = register_page(
        &pool,
        &user,
        q.plan.as_deref(),
        q.page.as_deref(),
        None,
        FieldErrors::default(),
    )
    .await?;
    Ok(render::ok(&RegisterPage {
        saved: q.saved.is_some(),
        ..page
    }))
}

/// The series form: a prefix per kind; a field left out is left as it is, an empty one
/// goes back to the default.
#[derive(Debug, Default, Deserialize)]
pub struct SeriesForm {
    plan: Option<String>,
    bulletin: Option<String>,
    supervision: Option<String>,
    urge: Option<String>,
    brief: Option<String>,
}

impl SeriesForm {
    fn value(&self, kind: DocKind) -> Option<&str> {
        match kind {
            DocKind::Bulletin => self.bulletin.as_deref(),
            DocKind::Supervision => self.supervision.as_deref(),
            DocKind::Urge => self.urge.as_deref(),
            DocKind::Brief => self.brief.as_deref(),
        }
    }
}

/// `POST /admin/documents/series`: the prefixes (发文字号), all or none saved.
pub async fn save_series(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Form(f): Form<SeriesForm>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "documents", &user).await?;
    let mut errors = FieldErrors::default();
    let mut changes = Vec::new();
    for kind in DocKind::ALL {
        let Some(raw) = f.value(kind) else { continue };
        let value = if raw.trim().is_empty() {
            kind.default_prefix().to_string()
        } else {
            match parse_prefix(raw) {
                Ok(p) => p,
                Err(m) => {
                    errors.add(kind.as_str(), m);
                    continue;
                }
            }
        };
        changes.push((kind, value));
    }
    if !errors.is_empty() {
        let page = register_page(&pool, &user, f.plan.as_deref(), None, Some(&f), errors).await?;
        return Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let actor = user.actor(addr);
    let mut tx = pool.begin().await?;
    for (kind, prefix) in &changes {
        db::documents::set_prefix(&mut *tx, ctx.plan.id, kind.as_str(), prefix, actor.user_id)
            .await?;
    }
    db::audit::record(
        &mut *tx,
        &actor,
        "document_series_changed",
        Some(&ctx.plan.id.to_string()),
        json!({
            "plan_id": ctx.plan.id,
            "prefixes": changes.iter().map(|(k, p)| (k.as_str(), p.as_str())).collect::<std::collections::BTreeMap<_, _>>(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&ctx.layout.href_with("/admin/documents", "saved=1")).into_response())
}
