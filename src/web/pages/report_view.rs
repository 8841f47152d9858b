//! `/reports/{id}`: one report with its versions, attachments, coordination requests, the
//! change since the unit's previous report, and the office's review. Those who write for the
//! unit see its working copy here; every other reader its last submitted version
//! (`progress::report_as_seen`).

use super::report_post::ReportPost;
use super::reports::{
    PreviousText, ReportForm, after_save, caller, period_label, previous_text, saved_notice,
};
use crate::db::{self, reports::ReportRow};
use crate::rules::vocabulary::ReportSnapshot;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form};

use crate::web::ids::{AttachmentId, CoordinationId, ReportId};
use crate::web::plan_context::{Layout, bare_layout};
use crate::web::{AppError, render};
use crate::workflows::progress::{
    self, Assessment, Decision, ProgressError, ReportStatus, ReviewState, SeenReport,
};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use similar::{ChangeTag, TextDiff};
use sqlx::PgPool;

/// Above this similarity to the previous period's report, the reviewer is warned.
const NEAR_COPY: f32 = 0.9;

struct DiffLine {
    tag: &'static str,
    text: String,
}

struct Version {
    at: String,
    who: String,
    action: &'static str,
    /// 第 N 版: the submission the event belongs to (saves are not counted).
    number: u32,
    reason: Option<String>,
    work_done: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    /// The working copy or the submitted version, as the reader is shown it.
    report: ReportRow,
    /// The reader sees the working copy (they write for the unit).
    working_copy: bool,
    task_text: String,
    coordination: Vec<db::coordination::CoordinationRow>,
    attachments: Vec<db::attachments::AttachmentMeta>,
    versions: Vec<Version>,
    /// Submissions so far: the report's 第 N 版 (0: never submitted).
    submissions: u32,
    /// The period's name, `2022年第三季度`.
    period_label: String,
    /// The previous period's submitted text, offered as a start for the form.
    previous: Option<PreviousText>,
    /// The form was started from it.
    based: bool,
    /// This page, its form started from the previous period's text.
    base_href: String,
    /// The unit's report for the previous period, and what changed since.
    previous_period: Option<String>,
    diff: Vec<DiffLine>,
    near_copy: Option<u32>,
    can_edit: bool,
    /// The office may file this report on the unit's behalf (代为填报), a separate action
    /// behind its own link, never the page's default view.
    can_file_on_behalf: bool,
    /// A leader may write an instruction on the report (领导批示).
    can_instruct: bool,
    can_review: bool,
    can_answer: bool,
    /// 单位负责人签发: waiting, returned, signed, and the head's form.
    sign_off: super::sign_off_view::SignOffView,
    form: ReportForm,
    errors: FieldErrors,
    notice: Option<String>,
    statuses: [ReportStatus; 4],
    assessments: [Assessment; 3],
}

impl ReportPage {
    /// A file's size as people read it.
    fn size(&self, bytes: &i32) -> String {
        crate::formats::attachments::size_label(i64::from(*bytes))
    }

    /// The office judges differently from the unit.
    fn disagreement(&self) -> bool {
        self.report
            .office_assessment
            .is_some_and(|o| o != self.report.self_assessment)
    }
}

/// The report as the user is shown it: 404 where it does not exist for them (the same answer
/// as for an id never used), 403 where they may not read it.
pub(super) async fn readable(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
) -> Result<SeenReport, AppError> {
    progress::report_as_seen(pool, user.access(), id)
        .await
        .map_err(|e| match e {
            ProgressError::NotFound(_) => ReportId::missing(),
            e => e.into(),
        })
}

fn diff_lines(old: &str, new: &str) -> (Vec<DiffLine>, u32) {
    let diff = TextDiff::from_chars(old, new);
    let ratio = (diff.ratio() * 100.0).round() as u32;
    let lines = TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|c| DiffLine {
            tag: match c.tag() {
                ChangeTag::Delete => "del",
                ChangeTag::Insert => "ins",
                ChangeTag::Equal => "eq",
            },
            text: c.value().trim_end_matches('\n').to_string(),
        })
        .collect();
    (lines, ratio)
}

/// How the report's form is offered: the office filing on the unit's behalf (代为填报), and
/// started from last period's text.
#[derive(Debug, Clone, Copy, Default)]
struct FormMode {
    on_behalf: bool,
    based: bool,
}

async fn page(
    pool: &PgPool,
    user: &CurrentUser,
    seen: SeenReport,
    form: Option<ReportForm>,
    errors: FieldErrors,
    notice: Option<String>,
    mode: FormMode,
) -> Result<ReportPage, AppError> {
    let FormMode { on_behalf, based } = mode;
    let report = &seen.report;
    let task = db::tasks::get_by_code(pool, report.plan_id, &report.code)
        .await?
        .ok_or_else(|| AppError::NotFound("任务不存在".into()))?;
    let coordination = seen.coordination(db::coordination::for_report(pool, report.id).await?);
    let texts: Vec<String> = coordination
        .iter()
        .filter(|c| c.answer.is_none())
        .map(|c| c.text.clone())
        .collect();
    let events = db::reports::events(pool, report.id).await?;
    // Events come newest first; submissions are counted from the oldest.
    let oldest_first: Vec<_> = events.iter().rev().map(|e| e.action).collect();
    let mut numbers = progress::submission_numbers(&oldest_first);
    numbers.reverse();
    let submissions = numbers.first().copied().unwrap_or(0);
    let versions = events
        .into_iter()
        .zip(numbers)
        .map(|(e, number)| Version {
            at: e
                .at
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            who: e.actor_name.or(e.actor_login).unwrap_or_else(|| "—".into()),
            action: e.action.label(),
            number,
            reason: e.reason,
            work_done: ReportSnapshot::from_json(&e.snapshot).content.work_done,
        })
        .collect();
    let previous =
        db::reports::previous_submitted(pool, report.task_id, report.unit_id, report.period_start)
            .await?;
    let (diff, near_copy, previous_period) = match &previous {
        Some(p) => {
            let (lines, ratio) = diff_lines(&p.report.work_done, &report.work_done);
            let warn = (ratio as f32 / 100.0 >= NEAR_COPY).then_some(ratio);
            (lines, warn, Some(p.report.period.clone()))
        }
        None => (Vec::new(), None, None),
    };
    let caller = caller(user, String::new());
    let closed = task.closed_at.is_some();
    let sign_off = super::sign_off_view::view(pool, user, report, seen.working_copy).await?;
    // A report waiting for the unit head is the head's to change, no one else's.
    let held = sign_off.waiting.is_some() && !sign_off.can_decide;
    let writable =
        caller.may_write_for(report.unit_id) && report.review_state.editable() && !closed && !held;
    // One writing for another unit (the office) does so only when asking to.
    let own = user.access().own_unit() == Some(report.unit_id);
    let mut layout = bare_layout("tasks", Some(user));
    if user.access().may_review() {
        layout.awaiting_review =
            db::reports::count_submitted(pool, report.plan_id, None, None).await?;
    }
    let can_edit = writable && (own || on_behalf);
    let offered = if can_edit {
        previous_text(pool, report.task_id, report.unit_id, report.period_start).await?
    } else {
        None
    };
    let form = match form {
        Some(f) => f,
        None => {
            let chosen = db::reports::choices(pool, report.id).await?;
            let f = ReportForm::of(report, &texts, chosen);
            match (&offered, based) {
                (Some(p), true) => f.based_on(p),
                _ => f,
            }
        }
    };
    Ok(ReportPage {
        can_edit,
        can_file_on_behalf: writable && !own && !on_behalf,
        can_instruct: user.access().may_write_instruction() && report.submitted_at.is_some(),
        can_review: user.access().may_review() && report.review_state == ReviewState::Submitted,
        can_answer: user.access().may_answer(),
        sign_off,
        form,
        submissions,
        period_label: period_label(&report.period),
        previous: offered,
        based,
        base_href: format!("/reports/{}?base=previous", report.id),
        attachments: progress::attachments_seen(pool, &seen).await?,
        layout,
        task_text: task.text,
        coordination,
        versions,
        previous_period,
        diff,
        near_copy,
        errors,
        notice,
        statuses: ReportStatus::ALL,
        assessments: Assessment::ALL,
        working_copy: seen.working_copy,
        report: seen.report,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    /// `submitted`, `draft` (or anything else: saved).
    saved: Option<String>,
    /// `1`: the office's 代为填报 form.
    edit: Option<String>,
    /// The report just decided, when the review flowed on to this one.
    reviewed: Option<String>,
    /// Files added with the save.
    files: Option<usize>,
    /// `previous`: start the form from the previous period's submitted text.
    base: Option<String>,
}

pub async fn show(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ReportId(id): ReportId,
    super::query::PageQuery(q): super::query::PageQuery<ShowQuery>,
) -> Result<Response, AppError> {
    let seen = readable(&pool, &user, id).await?;
    let label = period_label(&seen.report.period);
    let based = q.base.as_deref() == Some("previous");
    let mut notice = match q.saved {
        Some(saved) => Some(saved_notice(&saved, &label, q.files.unwrap_or(0))),
        None if based => Some("已带入上期报送的内容，请改为本期的进展后再保存。".to_string()),
        None => None,
    };
    if let Some(Ok(decided)) = q.reviewed.as_deref().map(str::parse::<i64>)
        && let Some(d) = super::review::decided(&pool, &user, decided).await?
    {
        notice = Some(format!("{d}下面是待审核队列中的下一份。"));
    }
    // Starting from last period's text is writing: for the office, on the unit's behalf.
    let on_behalf = q.edit.is_some() || (based && user.access().own_unit().is_none());
    Ok(render::ok(
        &page(
            &pool,
            &user,
            seen,
            None,
            FieldErrors::default(),
            notice,
            FormMode { on_behalf, based },
        )
        .await?,
    ))
}

/// Re-renders the report page with a message beside a field.
pub(super) async fn refused(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
    status: StatusCode,
    form: Option<ReportForm>,
    field: &'static str,
    message: String,
) -> Result<Response, AppError> {
    let seen = readable(pool, user, id).await?;
    // A refused filing is shown again as the form it came from.
    let on_behalf = form.is_some();
    Ok(render::page(
        status,
        &page(
            pool,
            user,
            seen,
            form,
            FieldErrors::single(field, message),
            None,
            FormMode {
                on_behalf,
                based: false,
            },
        )
        .await?,
    ))
}

/// `POST /reports/{id}`: the unit edits (and may submit) its draft or returned report.
pub async fn update(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    ReportId(id): ReportId,
    ReportPost { form: f, files }: ReportPost,
) -> Result<Response, AppError> {
    let report = readable(&pool, &user, id).await?.report;
    let version = super::reports::form_version(&f.version)?
        .ok_or_else(|| AppError::BadRequest("表单缺少版本号，请刷新页面后重试。".into()))?;
    let n_files = files.len();
    let result = match f.clone().save_for(&report, files) {
        Ok(save) => {
            progress::save_report_with_files(
                &pool,
                &caller(&user, addr),
                report.plan_id,
                &report.code,
                report.unit_id,
                save,
                Some(version),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(row) => {
            Ok(Redirect::to(&after_save(&row, f.action == "submit", n_files)).into_response())
        }
        Err(ProgressError::Field { field, message }) => {
            let message = if n_files > 0 {
                format!("{message}（本次未保存任何内容，所选附件请重新选择）")
            } else {
                message
            };
            refused(
                &pool,
                &user,
                report.id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(f),
                field,
                message,
            )
            .await
        }
        Err(e @ ProgressError::Stale { .. }) => {
            let message = format!("{e} 下面保留了您填写的内容。");
            let mut form = f;
            if let ProgressError::Stale { current } = e {
                form.version = current.to_string();
            }
            refused(
                &pool,
                &user,
                report.id,
                StatusCode::CONFLICT,
                Some(form),
                "form",
                message,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

impl ReportForm {
    /// What the form saves, for this report's period.
    fn save_for(
        mut self,
        report: &ReportRow,
        files: Vec<progress::NewFile>,
    ) -> Result<progress::FormSave, ProgressError> {
        self.period = report.period.clone();
        self.save(files)
    }
}

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    office_assessment: String,
}

/// The report's version a decision form (审核, 签发) carries: a form without one is broken.
pub(super) fn decision_version(raw: &str) -> Result<i32, AppError> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::BadRequest("表单缺少版本号，请刷新页面。".into()))
}

/// `POST /reports/{id}/review`: 采纳 or 退回.
pub async fn review(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    ReportId(id): ReportId,
    Form(f): Form<ReviewForm>,
) -> Result<Response, AppError> {
    let report = readable(&pool, &user, id).await?.report;
    let version = decision_version(&f.version)?;
    let office_assessment = match f.office_assessment.trim() {
        "" => None,
        s => Some(
            Assessment::parse(s).ok_or_else(|| AppError::BadRequest("办公室评估无效。".into()))?,
        ),
    };
    let decision = match f.decision.as_str() {
        "accept" => Decision::Accept { office_assessment },
        "return" => Decision::Return {
            reason: f.reason.clone(),
            office_assessment,
        },
        _ => {
            return refused(
                &pool,
                &user,
                report.id,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                "decision",
                "请选择采纳或退回".into(),
            )
            .await;
        }
    };
    match progress::review(&pool, &caller(&user, addr), report.id, version, decision).await {
        Ok(row) => super::review::after_decision(&pool, report.plan_id, row.id).await,
        Err(ProgressError::Field { field, message }) => {
            refused(
                &pool,
                &user,
                report.id,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                field,
                message,
            )
            .await
        }
        Err(e @ (ProgressError::Stale { .. } | ProgressError::Conflict(_))) => {
            refused(
                &pool,
                &user,
                report.id,
                StatusCode::CONFLICT,
                None,
                "decision",
                e.to_string(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /reports/{id}/attachments` (multipart, field `file`).
pub async fn upload(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    ReportId(id): ReportId,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let report = readable(&pool, &user, id).await?.report;
    let bad = |m: &'static str| super::multipart_error(m);
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(bad("上传的内容无效或超过大小限制。"))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(super::multipart_error(format!(
                "上传的文件无效或超过 {} MB。",
                crate::formats::attachments::MAX_FILE_MB
            )))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let Some((name, bytes)) = file else {
        return refused(
            &pool,
            &user,
            report.id,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            "file",
            "请选择要上传的文件".into(),
        )
        .await;
    };
    match progress::add_attachment(&pool, &caller(&user, addr), report.id, &name, &bytes).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/reports/{}?saved=file&files=1", report.id)).into_response())
        }
        Err(ProgressError::Field { field, message }) => {
            refused(
                &pool,
                &user,
                report.id,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                field,
                message,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /attachments/{id}`: always a download, never rendered inline; only for those who may
/// read the version of the report that holds it (a file of the working copy is not found by
/// anyone else).
pub async fn download(
    State(pool): State<PgPool>,
    user: CurrentUser,
    AttachmentId(id): AttachmentId,
) -> Result<Response, AppError> {
    let (meta, data) = progress::attachment_for(&pool, user.access(), id)
        .await
        .map_err(|e| match e {
            ProgressError::NotFound(_) => AttachmentId::missing(),
            e => e.into(),
        })?;
    Ok(render::download(
        data,
        "application/octet-stream",
        &meta.file_name,
    ))
}

pub async fn delete_attachment(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    AttachmentId(id): AttachmentId,
) -> Result<Response, AppError> {
    let report_id = progress::delete_attachment(&pool, &caller(&user, addr), id).await?;
    Ok(Redirect::to(&format!("/reports/{report_id}?saved=1")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    close: Option<String>,
}

/// `POST /coordination/{id}/answer`.
pub async fn answer(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    CoordinationId(id): CoordinationId,
    Form(f): Form<AnswerForm>,
) -> Result<Response, AppError> {
    match progress::answer_coordination(
        &pool,
        &caller(&user, addr),
        id,
        &f.answer,
        f.close.is_some(),
    )
    .await
    {
        Ok(report_id) => Ok(Redirect::to(&format!("/reports/{report_id}?saved=1")).into_response()),
        Err(ProgressError::Field { message, .. }) => {
            let report_id = db::coordination::report_of(&pool, id).await?;
            match report_id {
                Some(r) => {
                    refused(
                        &pool,
                        &user,
                        r,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        None,
                        "answer",
                        message,
                    )
                    .await
                }
                None => Err(AppError::NotFound("没有该需协调事项。".into())),
            }
        }
        Err(e) => Err(e.into()),
    }
}
