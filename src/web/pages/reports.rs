//! The report form a unit fills in (`/tasks/{code}/report`): loading, saving and submitting.
//! The report's own page, its review and attachments are in `report_view`.

use super::query::PageQuery;
use super::report_post::ReportPost;
use crate::db::{self, reports::ReportRow};
use crate::rules::access::Access;
use crate::rules::schedule::Period;
use crate::rules::vocabulary::ReportContent;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Sent};
use crate::web::plan_context::{self, Layout, PlanContext};
use crate::web::{AppError, render};
use crate::workflows::progress::{
    self, Assessment, Caller, Choices, FormSave, NewFile, ProgressError, ReportEdit, ReportInput,
    ReportStatus, Unsent,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
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
            .map_err(|_| AppError::BadRequest("表单中的版本号无效，请刷新页面后重试。".into())),
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
    /// The form of a stored report; a choice its unit has not made shows as “请选择”.
    pub fn of(r: &ReportRow, coordination: &[String], chosen: (bool, bool)) -> Self {
        ReportForm {
            plan: None,
            unit: r.unit_id.to_string(),
            period: r.period.clone(),
            version: r.version.to_string(),
            status: if chosen.0 { r.status.as_str() } else { "" }.into(),
            self_assessment: if chosen.1 {
                r.self_assessment.as_str()
            } else {
                ""
            }
            .into(),
            work_done: r.work_done.clone(),
            problems: Sent::of(&r.problems),
            next_steps: Sent::of(&r.next_steps),
            coordination: Sent::of(coordination.join("\n")),
            action: String::new(),
        }
    }

    /// What the form files; the optional texts it left out stay as stored. A draft may leave
    /// 进展状态 and 自评 unchosen (placeholders are stored, and the form shows “请选择” again);
    /// a submission may not.
    pub fn input(&self) -> Result<(ReportEdit, Choices), ProgressError> {
        let bad = |f: &'static str, m: &str| ProgressError::Field {
            field: f,
            message: m.into(),
        };
        let submit = self.action == "submit";
        let status = match self.status.trim() {
            "" if submit => return Err(bad("status", "提交前请选择进展状态")),
            "" => None,
            s => Some(ReportStatus::parse(s).ok_or_else(|| bad("status", "请选择进展状态"))?),
        };
        let self_assessment = match self.self_assessment.trim() {
            "" if submit => return Err(bad("self_assessment", "提交前请选择自评")),
            "" => None,
            s => Some(Assessment::parse(s).ok_or_else(|| bad("self_assessment", "请选择自评"))?),
        };
        let choices = Choices {
            status: status.is_some(),
            assessment: self_assessment.is_some(),
        };
        let input = ReportInput {
            period: self.period.trim().to_string(),
            content: ReportContent {
                status: status.unwrap_or(ReportStatus::InProgress),
                self_assessment: self_assessment.unwrap_or(Assessment::OnTrack),
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
            submit,
        };
        let edit = ReportEdit {
            input,
            unsent: Unsent {
                problems: self.problems.unsent(),
                next_steps: self.next_steps.unsent(),
                coordination: self.coordination.unsent(),
            },
        };
        Ok((edit, choices))
    }

    /// The form with the files chosen in it, as the workflow saves it.
    pub fn save(&self, files: Vec<NewFile>) -> Result<FormSave, ProgressError> {
        let (edit, choices) = self.input()?;
        Ok(FormSave {
            edit,
            choices,
            files,
        })
    }

    /// Starts the form from the previous period's submitted text (offered, never silent).
    pub fn based_on(mut self, previous: &PreviousText) -> Self {
        self.work_done = previous.work_done.clone();
        self.problems = Sent::of(&previous.problems);
        self.next_steps = Sent::of(&previous.next_steps);
        self
    }
}

/// The unit's submitted text of the previous period, offered as a start for this one.
pub struct PreviousText {
    /// `2022年第二季度`.
    pub label: String,
    pub work_done: String,
    pub problems: String,
    pub next_steps: String,
}

/// The unit's report on the task for the latest period before `before`, as submitted.
pub async fn previous_text(
    pool: &PgPool,
    task_id: i64,
    unit_id: i64,
    before: NaiveDate,
) -> Result<Option<PreviousText>, AppError> {
    Ok(
        db::reports::previous_submitted(pool, task_id, unit_id, before)
            .await?
            .map(|p| PreviousText {
                label: period_label(&p.report.period),
                work_done: p.report.work_done,
                problems: p.report.problems,
                next_steps: p.report.next_steps,
            }),
    )
}

/// A period's name as users read it (`2022年第三季度`); the key where it cannot be read.
pub fn period_label(key: &str) -> String {
    Period::parse(key, 0).map_or_else(|| key.to_string(), |(_, p)| p.label)
}

/// The notice after the form was saved: it says what happened.
pub fn saved_notice(saved: &str, period_label: &str, files: usize) -> String {
    let files = if files > 0 {
        format!("已添加附件 {files} 个。")
    } else {
        String::new()
    };
    match saved {
        "submitted" => format!("已提交{period_label}的报送，等待办公室审核。{files}"),
        "signing" => {
            format!("已提交{period_label}的报送，先送本单位负责人签发，签发后报送办公室。{files}")
        }
        "signed" => format!("已签发{period_label}的报送，报送办公室审核。"),
        "sign_off_returned" => "已退回联络员修改。".to_string(),
        "draft" => format!("已保存草稿。{files}"),
        _ => format!("已保存。{files}"),
    }
}

/// Where the form goes after a save: the report's page, with what happened — `asked` whether
/// the form asked to submit (a liaison's submission may have gone to the unit head instead).
pub fn after_save(row: &ReportRow, asked: bool, files: usize) -> String {
    let report_id = row.id;
    let saved = match (row.review_state == progress::ReviewState::Submitted, asked) {
        (true, _) => "submitted",
        (false, true) => "signing",
        (false, false) => "draft",
    };
    if files > 0 {
        format!("/reports/{report_id}?saved={saved}&files={files}")
    } else {
        format!("/reports/{report_id}?saved={saved}")
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
    /// The previous period's submitted text, offered as a start.
    previous: Option<PreviousText>,
    /// The form was started from it.
    based: bool,
    /// This form, started from the previous period's text.
    base_href: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    plan: Option<String>,
    unit: Option<String>,
    period: Option<String>,
    /// `previous`: start from the previous period's submitted text.
    base: Option<String>,
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

/// The form page for a new report, with what the form holds and what went wrong.
struct NewPage {
    form: ReportForm,
    errors: FieldErrors,
    conflict: Option<String>,
    based: bool,
}

async fn form_page(
    pool: &PgPool,
    user: &CurrentUser,
    ctx: PlanContext,
    code: &str,
    unit_id: i64,
    period_key: &str,
    new: NewPage,
) -> Result<FormPage, AppError> {
    let (task, unit_name, period, siblings) =
        form_context(pool, user.access(), &ctx, code, unit_id, period_key).await?;
    let previous = previous_text(pool, task.id, unit_id, period.start).await?;
    let mut base_href = format!(
        "/tasks/{}/report?unit={unit_id}&period={}&base=previous",
        task.code, period.key
    );
    if let Some(id) = ctx.layout.plan_id {
        base_href.push_str(&format!("&plan={id}"));
    }
    Ok(FormPage {
        code: task.code.clone(),
        task_text: task.text,
        unit_name,
        period,
        form: new.form,
        errors: new.errors,
        conflict: new.conflict,
        siblings,
        statuses: ReportStatus::ALL,
        assessments: Assessment::ALL,
        previous,
        based: new.based,
        base_href,
        layout: ctx.layout,
    })
}

/// `GET /tasks/{code}/report?unit=&period=`: the form for a new report, or the existing one.
/// Nothing is chosen for the unit: 进展状态 and 自评 start at “请选择”; with `base=previous`
/// the texts start from the previous period's submitted report.
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
    let (task, _, period, _) = form_context(
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
    let mut form = ReportForm {
        unit: unit_id.to_string(),
        period: period.key.clone(),
        ..ReportForm::default()
    };
    let based = q.base.as_deref() == Some("previous");
    if based && let Some(p) = previous_text(&pool, task.id, unit_id, period.start).await? {
        form = form.based_on(&p);
    }
    let new = NewPage {
        form,
        errors: FieldErrors::default(),
        conflict: None,
        based,
    };
    let page = form_page(&pool, &user, ctx, &code, unit_id, &period.key, new).await?;
    Ok(render::ok(&page))
}

/// `POST /tasks/{code}/report`: saves a new report (or the existing one of that unit and
/// period, under its version) as a draft or submits it, with the files chosen in the form.
pub async fn save(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
    ReportPost { form: f, files }: ReportPost,
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
    let n_files = files.len();
    let result = match f.save(files) {
        Ok(save) => {
            progress::save_report_with_files(
                &pool,
                &caller(&user, addr),
                ctx.plan.id,
                &code,
                unit_id,
                save,
                version,
            )
            .await
        }
        Err(e) => Err(e),
    };
    let period_key = f.period.trim().to_string();
    match result {
        Ok(row) => {
            Ok(Redirect::to(&after_save(&row, f.action == "submit", n_files)).into_response())
        }
        Err(ProgressError::Field { field, message }) if field != "period" => {
            let message = if n_files > 0 {
                format!("{message}（本次未保存任何内容，所选附件请重新选择）")
            } else {
                message
            };
            let new = NewPage {
                form: f,
                errors: FieldErrors::single(field, message),
                conflict: None,
                based: false,
            };
            let page = form_page(&pool, &user, ctx, &code, unit_id, &period_key, new).await?;
            Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e @ ProgressError::Stale { .. }) => {
            // Keep what was typed, say why it was not saved, and carry the current version.
            let mut form = f;
            if let ProgressError::Stale { current } = &e {
                form.version = current.to_string();
            }
            let new = NewPage {
                form,
                errors: FieldErrors::default(),
                conflict: Some(format!(
                    "{e} 下面保留了您填写的内容，核对后可再次保存{}。",
                    if n_files > 0 {
                        "（所选附件请重新选择）"
                    } else {
                        ""
                    }
                )),
                based: false,
            };
            let page = form_page(&pool, &user, ctx, &code, unit_id, &period_key, new).await?;
            Ok(render::page(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}
