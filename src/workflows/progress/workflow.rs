//! The transitions of reports, tasks, urges and coordination requests.

use super::{Assessment, CoordinationState, ReportAction, ReportStatus, ReviewState};
use crate::db::{self, audit::Actor, reports::ReportRow};
use crate::rules::access::{Access, Scope};
use crate::rules::auth::Role;
use crate::rules::reporting;
use crate::rules::vocabulary::{ReportContent, ReportSnapshot};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

pub const MAX_TEXT: usize = 5000;
pub const MAX_COORDINATION: usize = 20;
pub const MAX_COORDINATION_CHARS: usize = 500;
pub const MAX_REASON_CHARS: usize = 1000;
pub const MAX_URGE_CHARS: usize = 1000;

/// Who is asking, and for which unit they may write.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub role: Role,
    pub unit_id: Option<i64>,
}

impl Caller {
    pub fn access(&self) -> Access {
        Access::new(self.role, self.unit_id)
    }

    /// Office staff, or the liaison of this unit.
    pub fn may_write_for(&self, unit_id: i64) -> bool {
        self.access().may_write_for(unit_id)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error("{0}")]
    Forbidden(String),
    #[error("{message}")]
    Field {
        field: &'static str,
        message: String,
    },
    /// The thing is not in a state that allows this (closed task, submitted report…).
    #[error("{0}")]
    Conflict(String),
    #[error("内容已被他人修改(当前版本 {current}),您的修改未保存。请查看最新内容后重试。")]
    Stale { current: i32 },
    #[error("{0}")]
    NotFound(String),
    #[error("数据库错误: {0}")]
    Db(#[from] sqlx::Error),
}

fn field(field: &'static str, message: impl Into<String>) -> ProgressError {
    ProgressError::Field {
        field,
        message: message.into(),
    }
}

/// A report as a unit writes it.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub period: String,
    pub status: ReportStatus,
    pub self_assessment: Assessment,
    pub work_done: String,
    pub problems: String,
    pub next_steps: String,
    pub coordination: Vec<String>,
    /// False: save a draft.
    pub submit: bool,
}

impl ReportInput {
    /// What the unit wrote, as stored.
    pub fn content(&self) -> ReportContent {
        ReportContent {
            status: self.status,
            self_assessment: self.self_assessment,
            work_done: self.work_done.clone(),
            problems: self.problems.clone(),
            next_steps: self.next_steps.clone(),
        }
    }

    /// Trims the texts and checks the limits; messages name the field.
    pub fn validate(mut self) -> Result<Self, ProgressError> {
        self.work_done = self.work_done.trim().to_string();
        self.problems = self.problems.trim().to_string();
        self.next_steps = self.next_steps.trim().to_string();
        if self.work_done.is_empty() {
            return Err(field("work_done", "请填写工作进展及成效"));
        }
        for (name, label, text) in [
            ("work_done", "工作进展及成效", &self.work_done),
            ("problems", "存在问题", &self.problems),
            ("next_steps", "下一步计划", &self.next_steps),
        ] {
            if text.chars().count() > MAX_TEXT {
                return Err(field(name, format!("{label}不能超过 {MAX_TEXT} 字")));
            }
        }
        self.coordination = self
            .coordination
            .iter()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        if self.coordination.len() > MAX_COORDINATION {
            return Err(field(
                "coordination",
                format!("需协调事项不能超过 {MAX_COORDINATION} 项"),
            ));
        }
        if let Some(i) = self
            .coordination
            .iter()
            .position(|c| c.chars().count() > MAX_COORDINATION_CHARS)
        {
            return Err(field(
                "coordination",
                format!("第 {} 项需协调事项超过 {MAX_COORDINATION_CHARS} 字", i + 1),
            ));
        }
        Ok(self)
    }
}

fn snapshot(r: &ReportRow, coordination: &[String]) -> serde_json::Value {
    ReportSnapshot {
        content: r.content(),
        office_assessment: r.office_assessment,
        coordination: coordination.to_vec(),
        version: r.version,
    }
    .to_json()
}

async fn lock_task_row(
    conn: &mut PgConnection,
    plan_id: i64,
    code: &str,
) -> Result<(i64, bool), ProgressError> {
    db::tasks::lock_closing(conn, plan_id, code)
        .await?
        .map(|t| (t.id, t.closed))
        .ok_or_else(|| ProgressError::NotFound(format!("本工作要点中没有编号为“{code}”的任务")))
}

/// Saves (and, when asked, submits) a unit's report for a period: creates it, or edits it
/// while it is a draft or returned. `version` is the report version the form was loaded from.
#[tracing::instrument(skip(pool, caller, input), fields(period = %input.period))]
pub async fn save_report(
    pool: &PgPool,
    caller: &Caller,
    plan_id: i64,
    code: &str,
    unit_id: i64,
    input: ReportInput,
    version: Option<i32>,
) -> Result<ReportRow, ProgressError> {
    let mut tx = pool.begin().await?;
    let row = save_report_in(&mut tx, caller, plan_id, code, unit_id, input, version).await?;
    tx.commit().await?;
    Ok(row)
}

/// Saves several reports of one unit (the Excel round trip) in one transaction: all or none.
pub async fn save_reports(
    pool: &PgPool,
    caller: &Caller,
    plan_id: i64,
    unit_id: i64,
    reports: Vec<(String, ReportInput)>,
) -> Result<Vec<ReportRow>, ProgressError> {
    let mut tx = pool.begin().await?;
    let mut saved = Vec::with_capacity(reports.len());
    for (code, input) in reports {
        saved.push(save_report_in(&mut tx, caller, plan_id, &code, unit_id, input, None).await?);
    }
    tx.commit().await?;
    Ok(saved)
}

/// [`save_report`] inside the caller's transaction.
pub async fn save_report_in(
    conn: &mut PgConnection,
    caller: &Caller,
    plan_id: i64,
    code: &str,
    unit_id: i64,
    input: ReportInput,
    version: Option<i32>,
) -> Result<ReportRow, ProgressError> {
    if !caller.may_write_for(unit_id) {
        return Err(ProgressError::Forbidden(
            "您只能为本单位填报进展情况".into(),
        ));
    }
    let input = input.validate()?;
    let task = db::tasks::get_by_code(&mut *conn, plan_id, code)
        .await?
        .ok_or_else(|| ProgressError::NotFound(format!("本工作要点中没有编号为“{code}”的任务")))?;
    let settings = db::plans::settings(&mut *conn, plan_id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("找不到该工作要点".into()))?;
    let period = reporting::task_periods(&settings, &task.deadline(), task.effective_cycle())
        .into_iter()
        .find(|p| p.key == input.period.trim())
        .ok_or_else(|| {
            field(
                "period",
                format!("该任务没有“{}”这一报送期次", input.period.trim()),
            )
        })?;
    let tx = conn;
    let (task_id, closed) = lock_task_row(&mut *tx, plan_id, code).await?;
    if closed {
        return Err(ProgressError::Conflict(
            "该任务已办结,不再接收进展情况".into(),
        ));
    }
    let assigned = db::assignments::units(&mut *tx, task_id)
        .await?
        .iter()
        .any(|u| u.unit_id == unit_id);
    if !assigned {
        return Err(ProgressError::Forbidden(
            "该单位不是此任务的责任单位".into(),
        ));
    }
    let content = input.content();
    let actor_id = caller.actor.user_id;
    let id = match db::reports::find(&mut *tx, task_id, unit_id, &period.key).await? {
        Some(existing) => {
            if let Some(v) = version
                && v != existing.version
            {
                return Err(ProgressError::Stale {
                    current: existing.version,
                });
            }
            if !existing.review_state.editable() {
                return Err(ProgressError::Conflict(format!(
                    "该报告{},不能再修改",
                    existing.review_state.label()
                )));
            }
            // Saving a draft again exactly as stored (a double click, a re-sent form) writes
            // nothing and keeps the version, so the form that sent it stays current.
            if !input.submit
                && unchanged(&mut *tx, &existing, &content, &input.coordination).await?
            {
                return Ok(existing);
            }
            db::reports::update_content(&mut *tx, existing.id, &content, actor_id).await?;
            existing.id
        }
        None => {
            db::reports::insert(
                &mut *tx,
                task_id,
                unit_id,
                &period.key,
                period.start,
                period.end,
                period.due,
                &content,
                actor_id,
            )
            .await?
        }
    };
    db::coordination::replace_open(&mut *tx, id, &input.coordination).await?;
    if input.submit {
        db::reports::mark_submitted(&mut *tx, id).await?;
    }
    let row = db::reports::get(&mut *tx, id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("报告不存在".into()))?;
    let action = if input.submit {
        "report_submitted"
    } else {
        "report_saved"
    };
    if input.submit {
        db::reports::insert_event(
            &mut *tx,
            id,
            actor_id,
            caller.actor.login.as_deref(),
            ReportAction::Submitted,
            row.version,
            None,
            snapshot(&row, &input.coordination),
        )
        .await?;
    }
    db::audit::record(
        &mut *tx,
        &caller.actor,
        action,
        Some(&format!("{code}/{}/{}", row.unit_name, row.period)),
        json!({ "report_id": id, "version": row.version }),
    )
    .await?;
    Ok(row)
}

/// The office's decision on a submitted report.
#[derive(Debug, Clone)]
pub enum Decision {
    /// 采纳, with the office's own assessment if given.
    Accept {
        office_assessment: Option<Assessment>,
    },
    /// 退回, with a required reason.
    Return {
        reason: String,
        office_assessment: Option<Assessment>,
    },
}

pub async fn review(
    pool: &PgPool,
    caller: &Caller,
    report_id: i64,
    version: i32,
    decision: Decision,
) -> Result<ReportRow, ProgressError> {
    if !caller.access().may_review() {
        return Err(ProgressError::Forbidden(
            "只有办公室可以审核进展情况".into(),
        ));
    }
    if let Decision::Return { reason, .. } = &decision {
        let n = reason.trim().chars().count();
        if n == 0 {
            return Err(field("reason", "退回时请写明理由"));
        }
        if n > MAX_REASON_CHARS {
            return Err(field(
                "reason",
                format!("退回理由不能超过 {MAX_REASON_CHARS} 字"),
            ));
        }
    }
    let mut tx = pool.begin().await?;
    let report = db::reports::lock(&mut tx, report_id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("报告不存在".into()))?;
    if report.version != version {
        return Err(ProgressError::Stale {
            current: report.version,
        });
    }
    if report.review_state != ReviewState::Submitted {
        return Err(ProgressError::Conflict(format!(
            "该报告{},不能审核",
            report.review_state.label()
        )));
    }
    let (action, reason, assessment) = match &decision {
        Decision::Accept { office_assessment } => {
            (ReportAction::Accepted, None, *office_assessment)
        }
        Decision::Return {
            reason,
            office_assessment,
        } => (
            ReportAction::Returned,
            Some(reason.trim()),
            *office_assessment,
        ),
    };
    db::reports::mark_reviewed(
        &mut tx,
        report_id,
        action.resulting_state(),
        reason,
        assessment,
        caller.actor.user_id,
    )
    .await?;
    let row = db::reports::get(&mut *tx, report_id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("报告不存在".into()))?;
    let coordination: Vec<String> = db::coordination::for_report(&mut *tx, report_id)
        .await?
        .into_iter()
        .map(|c| c.text)
        .collect();
    db::reports::insert_event(
        &mut tx,
        report_id,
        caller.actor.user_id,
        caller.actor.login.as_deref(),
        action,
        row.version,
        reason,
        snapshot(&row, &coordination),
    )
    .await?;
    db::audit::record(
        &mut *tx,
        &caller.actor,
        &format!("report_{}", action.as_str()),
        Some(&format!("{}/{}/{}", row.code, row.unit_name, row.period)),
        json!({ "report_id": report_id, "reason": reason, "office_assessment": assessment }),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// 办结 (with a note) or reopen a task. `version` is the task's.
pub async fn set_closed(
    pool: &PgPool,
    caller: &Caller,
    plan_id: i64,
    code: &str,
    version: i32,
    note: Option<&str>,
) -> Result<i32, ProgressError> {
    if !caller.access().may_edit_plan() {
        return Err(ProgressError::Forbidden("只有办公室可以办结任务".into()));
    }
    let note = note.map(str::trim);
    if let Some(n) = note {
        if n.is_empty() {
            return Err(field("closing_note", "办结时请填写办结说明"));
        }
        if n.chars().count() > 2000 {
            return Err(field("closing_note", "办结说明不能超过 2000 字"));
        }
    }
    let mut tx = pool.begin().await?;
    // One lock on the task row gives its version and whether it is closed.
    let task = db::tasks::lock_closing(&mut tx, plan_id, code)
        .await?
        .ok_or_else(|| ProgressError::NotFound(format!("本工作要点中没有编号为“{code}”的任务")))?;
    if task.version != version {
        return Err(ProgressError::Stale {
            current: task.version,
        });
    }
    match (task.closed, note) {
        (true, Some(_)) => return Err(ProgressError::Conflict("该任务已办结".into())),
        (false, None) => return Err(ProgressError::Conflict("该任务尚未办结".into())),
        _ => {}
    }
    let new_version = db::tasks::set_closed(&mut tx, task.id, note, caller.actor.user_id).await?;
    let (before, after) = match note {
        Some(n) => (json!(null), json!({ "closed": true, "note": n })),
        None => (json!({ "closed": true }), json!(null)),
    };
    db::assignments::record_history(&mut *tx, task.id, &caller.actor, "closure", before, after)
        .await?;
    let action = if note.is_some() {
        "task_closed"
    } else {
        "task_reopened"
    };
    db::audit::record(
        &mut *tx,
        &caller.actor,
        action,
        Some(code),
        json!({ "plan_id": plan_id, "note": note }),
    )
    .await?;
    tx.commit().await?;
    Ok(new_version)
}

/// 催办: urges each unit about its outstanding reports of the period.
pub async fn urge(
    pool: &PgPool,
    caller: &Caller,
    plan_id: i64,
    period: &str,
    outstanding: &[(i64, Vec<String>)],
    message: &str,
) -> Result<usize, ProgressError> {
    if !caller.access().may_urge() {
        return Err(ProgressError::Forbidden("只有办公室可以催办".into()));
    }
    let message = message.trim();
    if message.is_empty() {
        return Err(field("message", "请填写催办内容"));
    }
    if message.chars().count() > MAX_URGE_CHARS {
        return Err(field(
            "message",
            format!("催办内容不能超过 {MAX_URGE_CHARS} 字"),
        ));
    }
    if outstanding.is_empty() {
        return Err(field(
            "units",
            "请选择要催办的单位(只能催办有未报、迟报进展情况的单位)",
        ));
    }
    let mut tx = pool.begin().await?;
    for (unit_id, codes) in outstanding {
        let id = db::urges::insert(
            &mut tx,
            plan_id,
            *unit_id,
            period,
            codes,
            message,
            caller.actor.user_id,
        )
        .await?;
        db::audit::record(
            &mut *tx,
            &caller.actor,
            "urge_sent",
            Some(period),
            json!({ "urge_id": id, "unit_id": unit_id, "tasks": codes }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(outstanding.len())
}

/// 签收: the liaison of the urged unit acknowledges.
pub async fn acknowledge(
    pool: &PgPool,
    caller: &Caller,
    urge_id: i64,
) -> Result<(), ProgressError> {
    let Some(unit_id) = caller
        .unit_id
        .filter(|u| caller.access().may_acknowledge_urge(*u))
    else {
        return Err(ProgressError::Forbidden(
            "只有被催办单位的联络员可以签收".into(),
        ));
    };
    let mut tx = pool.begin().await?;
    if !db::urges::acknowledge(&mut tx, urge_id, unit_id, caller.actor.user_id).await? {
        return Err(ProgressError::NotFound("没有待签收的该条催办".into()));
    }
    db::audit::record(
        &mut *tx,
        &caller.actor,
        "urge_acknowledged",
        None,
        json!({ "urge_id": urge_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The office answers (or closes) a coordination request.
pub async fn answer_coordination(
    pool: &PgPool,
    caller: &Caller,
    id: i64,
    answer: &str,
    close: bool,
) -> Result<i64, ProgressError> {
    if !caller.access().may_answer() {
        return Err(ProgressError::Forbidden(
            "只有办公室可以答复需协调事项".into(),
        ));
    }
    let answer = answer.trim();
    if answer.is_empty() {
        return Err(field("answer", "请填写答复"));
    }
    if answer.chars().count() > 2000 {
        return Err(field("answer", "答复不能超过 2000 字"));
    }
    let mut tx = pool.begin().await?;
    let c = db::coordination::lock(&mut tx, id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("没有该需协调事项".into()))?;
    if c.state == CoordinationState::Closed {
        return Err(ProgressError::Conflict("该事项已关闭".into()));
    }
    let state = if close {
        CoordinationState::Closed
    } else {
        CoordinationState::Answered
    };
    db::coordination::answer(&mut tx, id, answer, state, caller.actor.user_id).await?;
    db::audit::record(
        &mut *tx,
        &caller.actor,
        "coordination_answered",
        None,
        json!({ "id": id, "state": state }),
    )
    .await?;
    tx.commit().await?;
    Ok(c.report_id)
}

/// Who may read a report: the office and leaders; the liaison of its unit; and the liaison of
/// a lead unit of the task (who consolidates the co-units' reports).
pub async fn may_read(
    pool: &PgPool,
    role: Role,
    unit_id: Option<i64>,
    report: &ReportRow,
) -> Result<bool, ProgressError> {
    let access = Access::new(role, unit_id);
    // The lead units are looked up only when the answer depends on them.
    if access.scope() == Scope::All || access.may_read_report(report.unit_id, &[]) {
        return Ok(true);
    }
    let leads: Vec<i64> = db::assignments::units(pool, report.task_id)
        .await?
        .iter()
        .filter(|a| a.role == db::tasks::UnitRole::Lead)
        .map(|a| a.unit_id)
        .collect();
    Ok(access.may_read_report(report.unit_id, &leads))
}

/// Adds an attachment to a report its caller may still edit; checks type by content.
pub async fn add_attachment(
    pool: &PgPool,
    caller: &Caller,
    report_id: i64,
    raw_name: &str,
    bytes: &[u8],
) -> Result<i64, ProgressError> {
    let (name, kind) = crate::formats::attachments::check_upload(raw_name, bytes)
        .map_err(|e| field("file", e.to_string()))?;
    let mut tx = pool.begin().await?;
    let report = db::reports::lock(&mut tx, report_id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("报告不存在".into()))?;
    if !caller.may_write_for(report.unit_id) {
        return Err(ProgressError::Forbidden(
            "您只能为本单位的报告添加附件".into(),
        ));
    }
    if !report.review_state.editable() {
        return Err(ProgressError::Conflict(format!(
            "该报告{},不能再添加附件",
            report.review_state.label()
        )));
    }
    if db::attachments::count_for_report(&mut tx, report_id).await?
        >= crate::formats::attachments::MAX_FILES_PER_REPORT as i64
    {
        return Err(field(
            "file",
            crate::formats::attachments::AttachmentError::TooMany.to_string(),
        ));
    }
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(bytes));
    let id = db::attachments::insert(
        &mut tx,
        report_id,
        &name,
        kind.mime(),
        bytes,
        &sha,
        caller.actor.user_id,
    )
    .await?;
    db::audit::record(
        &mut *tx,
        &caller.actor,
        "attachment_added",
        Some(&name),
        json!({ "report_id": report_id, "attachment_id": id, "size": bytes.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn delete_attachment(
    pool: &PgPool,
    caller: &Caller,
    attachment_id: i64,
) -> Result<i64, ProgressError> {
    let meta = db::attachments::meta(pool, attachment_id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("附件不存在".into()))?;
    let mut tx = pool.begin().await?;
    let report = db::reports::lock(&mut tx, meta.report_id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("报告不存在".into()))?;
    if !caller.may_write_for(report.unit_id) {
        return Err(ProgressError::Forbidden(
            "您只能删除本单位报告的附件".into(),
        ));
    }
    if !report.review_state.editable() {
        return Err(ProgressError::Conflict(format!(
            "该报告{},不能再删除附件",
            report.review_state.label()
        )));
    }
    db::attachments::delete(&mut tx, attachment_id).await?;
    db::audit::record(
        &mut *tx,
        &caller.actor,
        "attachment_deleted",
        Some(&meta.file_name),
        json!({ "report_id": meta.report_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(meta.report_id)
}

/// True when the stored report already holds this content and these open coordination requests.
async fn unchanged(
    conn: &mut sqlx::PgConnection,
    existing: &db::reports::ReportRow,
    content: &ReportContent,
    coordination: &[String],
) -> sqlx::Result<bool> {
    if existing.content() != *content {
        return Ok(false);
    }
    let open: Vec<String> = db::coordination::for_report(conn, existing.id)
        .await?
        .into_iter()
        .filter(|c| c.state == CoordinationState::Open)
        .map(|c| c.text)
        .collect();
    Ok(open == coordination)
}
