//! The report form a unit fills in (`/tasks/{code}/report`): loading, saving and submitting.
//! The report's own page, its review and attachments are in `report_view`.

use super::query::PageQuery;
use crate::db::{self, reports::ReportRow};
use crate::rules::access::Access;
use crate::rules::schedule::Period;
use crate::rules::vocabulary::ReportContent;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form, Sent};
use crate::web::plan_context::{self, Layout, PlanContext};
use crate::web::{AppError, render};
use crate::workflows::progress::{
    self, Assessment, Caller, ProgressError, ReportEdit, ReportInput, ReportStatus, Unsent,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

pub fn caller(user: &CurrentUser, addr: String) -> Caller {
    Caller {
        actor: user.actor(addr),
        role: user.role,
        unit_id: user.unit_id,
    }
}

/// The version a report form carries: none for a new report. Anything else that is not a
/// number is a broken or altered form, never a reason to skip the check for a stale edit.
pub fn form_version(raw: &str) -> Result<Option<i32>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::BadRequest("表单中的版本号无效,请刷新页面后重试。".into())),
    }
}

/// The report form's values, as stored or as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub self_assessment: String,
    #[serde(default)]
    pub work_done: String,
    /// Left out: unchanged (as the next two).
    #[serde(default)]
    pub problems: Sent,
    #[serde(default)]
    pub next_steps: Sent,
    /// One request per line.
    #[serde(default)]
    pub coordination: Sent,
    /// `draft` or `submit`.
    #[serde(default)]
    pub action: String,
}

impl ReportForm {
    pub fn of(r: &ReportRow, coordination: &[String]) -> Self {
        ReportForm {
            plan: None,
            unit: r.unit_id.to_string(),
            period: r.period.clone(),
            version: r.version.to_string(),
            status: r.status.as_str().into(),
            self_assessment: r.self_assessment.as_str().into(),
            work_done: r.work_done.clone(),
            problems: Sent::of(&r.problems),
            next_steps: Sent::of(&r.next_steps),
            coordination: Sent::of(coordination.join("\n")),
            action: String::new(),
        }
    }

    /// What the form files; the optional texts it left out stay as stored.
    pub fn input(&self) -> Result<ReportEdit, ProgressError> {
        let bad = |f: &'static str, m: &str| ProgressError::Field {
            field: f,
            message: m.into(),
        };
        let input = ReportInput {
            period: self.period.trim().to_string(),
            content: ReportContent {
                status: ReportStatus::parse(&self.status)
                    .ok_or_else(|| bad("status", "请选择进展状态"))?,
                self_assessment: Assessment::parse(&self.self_assessment)
                    .ok_or_else(|| bad("self_assessment", "请选择自评"))?,
                work_done: self.work_done.clone(),
                problems: self.problems.text().to_string(),
                next_steps: self.next_steps.text().to_string(),
            },
            coordination: self
                .coordination
                .text()
                .lines()
                .map(str::to_string)
                .collect(),
            submit: self.action == "submit",
        };
        Ok(ReportEdit {
            input,
            unsent: Unsent {
                problems: self.problems.unsent(),
                next_steps: self.next_steps.unsent(),
                coordination: self.coordination.unsent(),
            },
        })
    }
}

/// A co-unit's report of the same period, shown beside the lead's form.
struct Sibling {
    id: i64,
    unit: String,
    state: &'static str,
    status: &'static str,
    work_done: String,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct FormPage {
    layout: Layout,
    code: String,
    task_text: String,
    unit_name: String,
    period: Period,
    form: ReportForm,
    errors: FieldErrors,
    conflict: Option<String>,
    siblings: Vec<Sibling>,
    statuses: [ReportStatus; 4],
    assessments: [Assessment; 3],
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    plan: Option<String>,
    unit: Option<String>,
    period: Option<String>,
}

async fn form_context(
    pool: &PgPool,
    access: Access,
    ctx: &PlanContext,
    code: &str,
    unit_id: i64,
    period_key: &str,
) -> Result<(db::tasks::TaskRow, String, Period, Vec<Sibling>), AppError> {
    let task = db::tasks::get_by_code(pool, ctx.plan.id, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("本工作要点中没有编号为“{code}”的任务。")))?;
    let settings = ctx.settings.clone();
    // Any period of the task's cycles, the earlier ones' too (not only the cycle it has now).
    let period = crate::rules::obligations::periods_of_task(&settings, &task)
        .into_iter()
        .find(|p| p.key == period_key)
        .ok_or_else(|| AppError::NotFound(format!("该任务没有“{period_key}”这一报送期次。")))?;
    let units = db::assignments::units(pool, task.id).await?;
    let me = units
        .iter()
        .find(|u| u.unit_id == unit_id)
        .ok_or_else(|| AppError::NotFound("该单位不是此任务的责任单位。".into()))?;
    // The lead consolidates: the co-units' reports of the period are in view, as submitted.
    let mut siblings = Vec::new();
    if me.role == db::tasks::UnitRole::Lead {
        for v in progress::task_reports(pool, access, task.id, &task.lead_ids).await? {
            let r = v.report;
            if r.period == period.key && r.unit_id != unit_id {
                siblings.push(Sibling {
                    id: r.id,
                    unit: r.unit_name.clone(),
                    state: r.review_state.label(),
                    status: r.status.label(),
                    work_done: r.work_done,
                });
            }
        }
    }
    Ok((task, me.short_name.clone(), period, siblings))
}

/// `GET /tasks/{code}/report?unit=&period=`: the form for a new report, or the existing one.
pub async fn new_form(
    State(pool): State<PgPool>,
    user: CurrentUser,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<NewQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "tasks", &user).await?;
    let unit_id: i64 = match q.unit.as_deref().map(str::trim) {
        Some(u) if !u.is_empty() => u
            .parse()
            .map_err(|_| AppError::BadRequest("单位编号无效。".into()))?,
        _ => user
            .unit_id
            .ok_or_else(|| AppError::BadRequest("请指明填报单位。".into()))?,
    };
    if !caller(&user, String::new()).may_write_for(unit_id) {
        return Err(AppError::Forbidden);
    }
    let period_key = q.period.unwrap_or_default();
    let (task, unit_name, period, siblings) = form_context(
        &pool,
        user.access(),
        &ctx,
        &code,
        unit_id,
        period_key.trim(),
    )
    .await?;
    if let Some(existing) = db::reports::for_task(&pool, task.id)
        .await?
        .into_iter()
        .find(|r| r.unit_id == unit_id && r.period == period.key)
    {
        return Ok(Redirect::to(&format!("/reports/{}", existing.id)).into_response());
    }
    let form = ReportForm {
        unit: unit_id.to_string(),
        period: period.key.clone(),
        status: ReportStatus::InProgress.as_str().into(),
        self_assessment: Assessment::OnTrack.as_str().into(),
        ..ReportForm::default()
    };
    Ok(render::ok(&FormPage {
        code: task.code.clone(),
        task_text: task.text,
        unit_name,
        period,
        form,
        errors: FieldErrors::default(),
        conflict: None,
        siblings,
        statuses: ReportStatus::ALL,
        assessments: Assessment::ALL,
        layout: ctx.layout,
    }))
}

/// `POST /tasks/{code}/report`: saves a new report (or the existing one of that unit and
/// period, under its version) as a draft or submits it.
pub async fn save(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
    Form(f): Form<ReportForm>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "tasks", &user).await?;
    let unit_id: i64 = f
        .unit
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("单位编号无效。".into()))?;
    // The new-report form carries no version: it was filled in when there was no report, so
    // one created meanwhile (by a colleague of the same unit) is not silently overwritten.
    let version = Some(form_version(&f.version)?.unwrap_or(0));
    let result = match f.input() {
        Ok(input) => {
            progress::save_report(
                &pool,
                &caller(&user, addr),
                ctx.plan.id,
                &code,
                unit_id,
                input,
                version,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(row) => Ok(Redirect::to(&format!("/reports/{}", row.id)).into_response()),
        Err(ProgressError::Field { field, message }) if field != "period" => {
            let (task, unit_name, period, siblings) =
                form_context(&pool, user.access(), &ctx, &code, unit_id, f.period.trim()).await?;
            Ok(render::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    code: task.code.clone(),
                    task_text: task.text,
                    unit_name,
                    period,
                    form: f,
                    errors: FieldErrors::single(field, message),
                    conflict: None,
                    siblings,
                    statuses: ReportStatus::ALL,
                    assessments: Assessment::ALL,
                    layout: ctx.layout,
                },
            ))
        }
        Err(e @ ProgressError::Stale { .. }) => {
            // Keep what was typed, say why it was not saved, and carry the current version.
            let (task, unit_name, period, siblings) =
                form_context(&pool, user.access(), &ctx, &code, unit_id, f.period.trim()).await?;
            let mut form = f;
            if let ProgressError::Stale { current } = &e {
                form.version = current.to_string();
            }
            Ok(render::page(
                StatusCode::CONFLICT,
                &FormPage {
                    code: task.code.clone(),
                    task_text: task.text,
                    unit_name,
                    period,
                    form,
                    errors: FieldErrors::default(),
                    conflict: Some(format!("{e} 下面保留了您填写的内容,核对后可再次保存。")),
                    siblings,
                    statuses: ReportStatus::ALL,
                    assessments: Assessment::ALL,
                    layout: ctx.layout,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}
