//! `/tasks/{code}/extensions`: a task's 延期申请 — the list with both dates and the decisions,
//! the request form for a responsible unit, and the office's decision on each open request.
//! Read by the office, leaders and the task's units' liaisons.

use super::query::PageQuery;
use crate::db::{self, extensions::ExtensionRow, tasks::TaskRow};
use crate::rules::extensions::{ExtensionState, REASON_MAX, checkpoint_title};
use crate::rules::schedule::{Deadline, prose_date};
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form, shown_again};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use crate::workflows::extensions::{self, DecisionInput, ExtensionError, RequestInput};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

/// One request as the page shows it.
pub struct RequestView {
    pub row: ExtensionRow,
    pub state: &'static str,
    pub pending: bool,
    /// `任务时限` or `节点“…”`.
    pub what: String,
    /// The decision form's values and faults (after a refused decision on this request).
    pub errors: FieldErrors,
    pub date: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "extensions.html")]
struct ExtensionsPage {
    layout: Layout,
    plan_id: i64,
    code: String,
    text: String,
    deadline: String,
    /// The deadline in the plan's document, when it has moved since.
    original: Option<String>,
    requests: Vec<RequestView>,
    /// The units the reader may ask for, `(id, name)`; empty: no form.
    units: Vec<(i64, String)>,
    /// A staged deadline's checkpoints, `(place, "2022-06-30 完成部署")`.
    checkpoints: Vec<(usize, String)>,
    may_decide: bool,
    /// 持续推进: no date to move, so no form.
    ongoing: bool,
    form: ExtensionForm,
    errors: FieldErrors,
    reason_max: usize,
    notice: Option<String>,
}

/// The request form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ExtensionForm {
    plan: Option<String>,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub requested_date: String,
    #[serde(default)]
    pub reason: String,
    pub checkpoint: Option<String>,
}

/// The decision form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct DecisionForm {
    plan: Option<String>,
    #[serde(default)]
    version: String,
    /// `approve` or `refuse`.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    reason: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ExtensionsQuery {
    plan: Option<String>,
    done: Option<String>,
}

fn what_of(task: &TaskRow, checkpoint: Option<i32>) -> String {
    let (deadline, checkpoint) = (task.deadline(), checkpoint.map(|i| i as usize));
    match checkpoint_title(&deadline, checkpoint) {
        Some(title) => format!("节点“{title}”"),
        None if checkpoint.is_some() && matches!(deadline, Deadline::Staged(_)) => {
            "节点时限".into()
        }
        None => "任务时限".into(),
    }
}

/// What the page needs besides the forms' states.
struct Loaded {
    ctx: plan_context::PlanContext,
    task: TaskRow,
    rows: Vec<ExtensionRow>,
}

async fn load(
    pool: &PgPool,
    user: &CurrentUser,
    raw_plan: Option<&str>,
    code: &str,
) -> Result<Loaded, AppError> {
    let ctx = plan_context::require(pool, raw_plan, "tasks", user).await?;
    let (task, _) = super::task::load(pool, &ctx, code).await?;
    let mut units = task.lead_ids.clone();
    units.extend(&task.co_ids);
    if !user.access().may_read_document_to(&units) {
        return Err(AppError::Forbidden);
    }
    let rows = db::extensions::for_task(pool, task.id).await?;
    Ok(Loaded { ctx, task, rows })
}

fn render_page(
    l: Loaded,
    user: &CurrentUser,
    form: ExtensionForm,
    errors: FieldErrors,
    decision: Option<(i64, DecisionForm, FieldErrors)>,
    notice: Option<String>,
) -> ExtensionsPage {
    let Loaded { ctx, task, rows } = l;
    let access = user.access();
    let open: Vec<i64> = rows
        .iter()
        .filter(|r| r.state == ExtensionState::Pending.as_str())
        .map(|r| r.unit_id)
        .collect();
    let ongoing = task.deadline() == Deadline::Ongoing;
    let units: Vec<(i64, String)> = if task.closed_at.is_some() || ongoing {
        Vec::new()
    } else {
        task.lead_ids
            .iter()
            .zip(&task.lead_names)
            .chain(task.co_ids.iter().zip(&task.co_names))
            // A unit with an open request asks nothing more, unless its form was just refused:
            // then the form comes back as typed, each fault beside its field.
            .filter(|(id, _)| {
                access.may_request_extension_for(**id) && (!open.contains(id) || !errors.is_empty())
            })
            .map(|(id, n)| (*id, n.clone()))
            .collect()
    };
    let checkpoints = match task.deadline() {
        Deadline::Staged(points) => points
            .iter()
            .enumerate()
            .map(|(i, p)| (i, format!("{} {}", p.date, p.title)))
            .collect(),
        _ => Vec::new(),
    };
    let original = Some(task.original_deadline().describe(task.plan_year))
        .filter(|o| *o != task.deadline().describe(task.plan_year));
    let requests = rows
        .into_iter()
        .map(|row| {
            let state = ExtensionState::parse(&row.state).unwrap_or(ExtensionState::Pending);
            let (errors, date, reason) = match &decision {
                Some((id, f, e)) if *id == row.id => (e.clone(), f.date.clone(), f.reason.clone()),
                _ => (FieldErrors::default(), String::new(), String::new()),
            };
            RequestView {
                what: what_of(&task, row.checkpoint),
                state: state.label(),
                pending: state == ExtensionState::Pending,
                row,
                errors,
                date,
                reason,
            }
        })
        .collect();
    ExtensionsPage {
        plan_id: ctx.plan.id,
        code: task.code.clone(),
        text: task.text.clone(),
        deadline: task.deadline().describe(task.plan_year),
        original,
        requests,
        units,
        checkpoints,
        may_decide: access.may_decide_extension(),
        ongoing,
        form,
        errors,
        reason_max: REASON_MAX,
        notice,
        layout: ctx.layout,
    }
}

impl ExtensionsPage {
    fn day(&self, d: &chrono::NaiveDate) -> String {
        prose_date(*d)
    }
}

/// `GET /tasks/{code}/extensions`.
pub async fn show(
    State(pool): State<PgPool>,
    user: CurrentUser,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<ExtensionsQuery>,
) -> Result<Response, AppError> {
    let l = load(&pool, &user, q.plan.as_deref(), &code).await?;
    let notice = match q.done.as_deref() {
        Some("requested") => Some("延期申请已提交，等待办公室审批。".to_string()),
        Some("approved") => Some("已批准延期，任务的时限已更新。".to_string()),
        Some("refused") => Some("已不予批准，任务的时限不变。".to_string()),
        _ => None,
    };
    let page = render_page(
        l,
        &user,
        ExtensionForm::default(),
        FieldErrors::default(),
        None,
        notice,
    );
    Ok(render::ok(&page))
}

/// `POST /tasks/{code}/extensions`: a responsible unit's request.
pub async fn request(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
    Form(f): Form<ExtensionForm>,
) -> Result<Response, AppError> {
    let l = load(&pool, &user, f.plan.as_deref(), &code).await?;
    // A liaison asks for their own unit; the office names the unit.
    let unit_id = match (user.unit_id, f.unit.trim().parse::<i64>()) {
        (_, Ok(id)) => id,
        (Some(own), Err(_)) => own,
        (None, Err(_)) => {
            let page = render_page(
                l,
                &user,
                f.clone(),
                FieldErrors::single("unit", "请选择申请延期的单位。"),
                None,
                None,
            );
            return Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let input = RequestInput {
        unit_id,
        requested_date: f.requested_date.clone(),
        reason: f.reason.clone(),
        checkpoint: f.checkpoint.clone(),
    };
    let plan_id = l.ctx.plan.id;
    let href = l
        .ctx
        .layout
        .href_with(&format!("/tasks/{code}/extensions"), "done=requested");
    match extensions::request(
        &pool,
        &user.actor(addr),
        user.access(),
        plan_id,
        &code,
        &input,
        clock.today(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&href).into_response()),
        Err(ExtensionError::Fields(e)) => {
            let page = render_page(l, &user, f, FieldErrors::of(e), None, None);
            Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(ExtensionError::Conflict(m)) => {
            let page = render_page(l, &user, f, FieldErrors::single("form", m), None, None);
            Ok(render::page(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /extensions/{id}/decision` (office): approve (maybe another date) or refuse.
pub async fn decide(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    crate::web::ids::ExtensionId(id): crate::web::ids::ExtensionId,
    Form(f): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let x = db::extensions::get(&pool, id)
        .await?
        .ok_or_else(crate::web::ids::ExtensionId::missing)?;
    let (plan_id, code) = db::extensions::task_address(&pool, x.task_id)
        .await?
        .ok_or_else(crate::web::ids::ExtensionId::missing)?;
    let plan = f.plan.clone().unwrap_or_else(|| plan_id.to_string());
    let again = |errors: FieldErrors, status: StatusCode| {
        let (pool, user, f, code, plan) = (&pool, &user, &f, &code, &plan);
        async move {
            let l = load(pool, user, Some(plan), code).await?;
            let page = render_page(
                l,
                user,
                ExtensionForm::default(),
                FieldErrors::default(),
                Some((id, f.clone(), errors)),
                None,
            );
            Ok::<_, AppError>(render::page(status, &page))
        }
    };
    let approve = match f.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => {
            return again(
                FieldErrors::single("decision", "请选择批准或不予批准。"),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let Ok(version) = f.version.trim().parse::<i32>() else {
        return Err(AppError::BadRequest(
            "审批表单无效，请刷新页面后重新审批。".into(),
        ));
    };
    let input = DecisionInput {
        version,
        approve,
        date: Some(f.date.clone()),
        reason: f.reason.clone(),
    };
    match extensions::decide(
        &pool,
        &user.actor(addr),
        user.access(),
        id,
        &input,
        clock.today(),
    )
    .await
    {
        Ok(state) => {
            let done = if state == ExtensionState::Approved {
                "approved"
            } else {
                "refused"
            };
            let href = format!("/tasks/{code}/extensions?plan={plan_id}&done={done}");
            Ok(Redirect::to(&href).into_response())
        }
        Err(e) => {
            let (errors, status) = shown_again(e, "form")?;
            again(errors, status).await
        }
    }
}
