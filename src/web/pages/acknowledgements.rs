//! `/tasks/{code}/acknowledgements`: 签收 and 申诉 of a task's assignments — each unit's answer
//! (已签收, 申诉 with its kind and reason and the office's decision, or 未签收 with the last
//! day), the answer form for the reader's unit, and the office's decision on each open contest.
//! Read by the office, leaders and the task's units' liaisons.

use super::query::PageQuery;
use crate::db::{self, acknowledgements::AcknowledgementRow, tasks::TaskRow};
use crate::rules::acknowledgements::{self as rules, ContestKind, Decision, REASON_MAX};
use crate::rules::schedule::prose_date;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form, shown_again};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use crate::workflows::acknowledgements::{
    self as flow, AcknowledgementError, AnswerInput, DecisionInput,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgPool;

/// One unit of the task as the page shows it.
pub struct UnitLine {
    pub unit_id: i64,
    pub unit: String,
    pub role: &'static str,
    pub assigned: String,
    pub due: String,
    pub overdue: bool,
    pub answer: Option<AcknowledgementRow>,
    /// The reader may answer for it now.
    pub may_answer: bool,
}

impl UnitLine {
    pub fn kind_label(&self) -> &'static str {
        self.answer
            .as_ref()
            .and_then(|a| a.kind.as_deref())
            .and_then(ContestKind::parse)
            .map_or("", ContestKind::label)
    }

    pub fn decision_label(&self) -> &'static str {
        self.answer
            .as_ref()
            .and_then(|a| a.decision.as_deref())
            .and_then(Decision::parse)
            .map_or("", Decision::label)
    }
}

#[derive(Template)]
#[template(path = "acknowledgements.html")]
struct AcknowledgementsPage {
    layout: Layout,
    plan_id: i64,
    code: String,
    text: String,
    days: i32,
    units: Vec<UnitLine>,
    kinds: Vec<(&'static str, &'static str)>,
    decisions: Vec<(&'static str, &'static str)>,
    may_decide: bool,
    form: AnswerForm,
    errors: FieldErrors,
    /// The decision form refused, `(acknowledgement id, as typed, faults)`.
    decision: Option<(i64, DecisionForm, FieldErrors)>,
    reason_max: usize,
    notice: Option<String>,
}

impl AcknowledgementsPage {
    fn day(&self, d: &NaiveDate) -> String {
        prose_date(*d)
    }

    fn typed(&self, id: &i64) -> DecisionForm {
        match &self.decision {
            Some((d, f, _)) if d == id => f.clone(),
            _ => DecisionForm::default(),
        }
    }

    fn faults_of(&self, id: &i64) -> FieldErrors {
        match &self.decision {
            Some((d, _, e)) if d == id => e.clone(),
            _ => FieldErrors::default(),
        }
    }
}

/// The unit's answer as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AnswerForm {
    plan: Option<String>,
    #[serde(default)]
    pub unit: String,
    /// `accept` or `contest`.
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub reason: String,
}

/// The office's decision as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct AcknowledgementsQuery {
    plan: Option<String>,
    done: Option<String>,
}

struct Loaded {
    ctx: plan_context::PlanContext,
    task: TaskRow,
    rows: Vec<AcknowledgementRow>,
    days: i32,
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
    let rows = db::acknowledgements::for_task(pool, task.id).await?;
    let days = db::plans::acknowledge_days(pool, ctx.plan.id).await?;
    Ok(Loaded {
        ctx,
        task,
        rows,
        days,
    })
}

fn render_page(
    l: Loaded,
    user: &CurrentUser,
    today: NaiveDate,
    form: AnswerForm,
    errors: FieldErrors,
    decision: Option<(i64, DecisionForm, FieldErrors)>,
    notice: Option<String>,
) -> AcknowledgementsPage {
    let Loaded {
        ctx,
        task,
        mut rows,
        days,
    } = l;
    let access = user.access();
    let open = task.closed_at.is_none();
    let assigned = task
        .lead_ids
        .iter()
        .zip(&task.lead_names)
        .zip(&task.lead_since)
        .map(|((i, n), s)| (*i, n, "牵头", *s))
        .chain(
            task.co_ids
                .iter()
                .zip(&task.co_names)
                .zip(&task.co_since)
                .map(|((i, n), s)| (*i, n, "配合", *s)),
        );
    let mut units: Vec<UnitLine> = assigned
        .map(|(id, name, role, since)| {
            let answer = rows
                .iter()
                .position(|r| r.unit_id == id)
                .map(|i| rows.remove(i));
            UnitLine {
                unit_id: id,
                unit: name.clone(),
                role,
                assigned: prose_date(since),
                due: prose_date(rules::due(since, days)),
                overdue: answer.is_none() && rules::overdue(since, days, today),
                may_answer: open
                    && access.may_write_for(id)
                    && (answer.is_none() || !errors.is_empty() && form.unit == id.to_string()),
                answer,
            }
        })
        .collect();
    // Units taken off since (a contest decided by removal) keep their line.
    for r in rows {
        units.push(UnitLine {
            unit_id: r.unit_id,
            unit: r.unit_name.clone(),
            role: "已移除",
            assigned: String::new(),
            due: String::new(),
            overdue: false,
            may_answer: false,
            answer: Some(r),
        });
    }
    AcknowledgementsPage {
        plan_id: ctx.plan.id,
        code: task.code.clone(),
        text: task.text.clone(),
        days,
        units,
        kinds: ContestKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        decisions: Decision::ALL
            .iter()
            .map(|d| (d.as_str(), d.label()))
            .collect(),
        may_decide: access.may_edit_plan(),
        form,
        errors,
        decision,
        reason_max: REASON_MAX,
        notice,
        layout: ctx.layout,
    }
}

/// `GET /tasks/{code}/acknowledgements`.
pub async fn show(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<AcknowledgementsQuery>,
) -> Result<Response, AppError> {
    let l = load(&pool, &user, q.plan.as_deref(), &code).await?;
    let notice = match q.done.as_deref() {
        Some("accepted") => Some("已签收。"),
        Some("contested") => Some("申诉已提交，等待办公室处理。"),
        Some("decided") => Some("申诉已处理。"),
        _ => None,
    }
    .map(str::to_string);
    let page = render_page(
        l,
        &user,
        clock.today(),
        AnswerForm::default(),
        FieldErrors::default(),
        None,
        notice,
    );
    Ok(render::ok(&page))
}

/// `POST /tasks/{code}/acknowledgement`: the unit's 签收 or 申诉.
pub async fn answer(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, AppError> {
    let today = clock.today();
    let l = load(&pool, &user, f.plan.as_deref(), &code).await?;
    let unit_id = match (f.unit.trim().parse::<i64>(), user.unit_id) {
        (Ok(id), _) => id,
        (Err(_), Some(own)) => own,
        (Err(_), None) => {
            let errors = FieldErrors::single("unit", "请选择签收或申诉的单位。");
            let page = render_page(l, &user, today, f, errors, None, None);
            return Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let accept = match f.answer.as_str() {
        "accept" => true,
        "contest" => false,
        _ => {
            let errors = FieldErrors::single("answer", "请选择签收或申诉。");
            let page = render_page(l, &user, today, f, errors, None, None);
            return Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let input = AnswerInput {
        unit_id,
        accept,
        kind: f.kind.clone(),
        reason: f.reason.clone(),
    };
    let plan_id = l.ctx.plan.id;
    let done = if accept { "accepted" } else { "contested" };
    let href = l.ctx.layout.href_with(
        &format!("/tasks/{code}/acknowledgements"),
        &format!("done={done}"),
    );
    match flow::answer(
        &pool,
        &user.actor(addr),
        user.access(),
        plan_id,
        &code,
        &input,
        today,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&href).into_response()),
        Err(AcknowledgementError::Fields(e)) => {
            let mut f = f;
            f.unit = unit_id.to_string();
            let page = render_page(l, &user, today, f, FieldErrors::of(e), None, None);
            Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AcknowledgementError::Conflict(m)) => {
            let errors = FieldErrors::single("form", m);
            let page = render_page(l, &user, today, f, errors, None, None);
            Ok(render::page(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /acknowledgements/{id}/decision` (office).
pub async fn decide(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    crate::web::ids::AcknowledgementId(id): crate::web::ids::AcknowledgementId,
    Form(f): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let today = clock.today();
    let a = db::acknowledgements::get(&pool, id)
        .await?
        .ok_or_else(crate::web::ids::AcknowledgementId::missing)?;
    let Ok(version) = f.version.trim().parse::<i32>() else {
        return Err(AppError::BadRequest(
            "表单无效，请刷新页面后重新操作。".into(),
        ));
    };
    let input = DecisionInput {
        version,
        decision: f.decision.clone(),
        reason: f.reason.clone(),
    };
    let plan = a.plan_id.to_string();
    let result = flow::decide(&pool, &user.actor(addr), user.access(), id, &input, today).await;
    let (errors, status) = match result {
        Ok(_) => {
            let href = format!(
                "/tasks/{}/acknowledgements?plan={plan}&done=decided",
                a.task_code
            );
            return Ok(Redirect::to(&href).into_response());
        }
        Err(e) => shown_again(e, "form")?,
    };
    let l = load(&pool, &user, Some(&plan), &a.task_code).await?;
    let page = render_page(
        l,
        &user,
        today,
        AnswerForm::default(),
        FieldErrors::default(),
        Some((id, f, errors)),
        None,
    );
    Ok(render::page(status, &page))
}

#[derive(Debug, Default, Deserialize)]
pub struct WindowForm {
    #[serde(default)]
    acknowledge_days: String,
}

/// `POST /plans/{id}/acknowledge-days` (office): the plan's 签收期限.
pub async fn save_window(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(id): Path<String>,
    Form(f): Form<WindowForm>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, Some(&id), "reporting", &user).await?;
    if !user.access().may_edit_plan() {
        return Err(AppError::Forbidden);
    }
    match rules::parse_days(&f.acknowledge_days) {
        Ok(days) => {
            let mut tx = pool.begin().await?;
            db::plans::set_acknowledge_days(&mut tx, ctx.plan.id, days).await?;
            db::audit::record(
                &mut *tx,
                &user.actor(addr),
                "plan_settings_changed",
                Some(&ctx.plan.id.to_string()),
                serde_json::json!({ "acknowledge_days": days }),
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to(&ctx.layout.href("/reporting")).into_response())
        }
        Err((field, message)) => {
            let q = super::reporting::ReportingQuery::plan(id);
            let draft = super::reporting::UrgeDraft {
                errors: FieldErrors::single(field, message),
                window: Some(f.acknowledge_days),
                ..Default::default()
            };
            super::reporting::page(&pool, clock.today(), &user, q, draft).await
        }
    }
}
