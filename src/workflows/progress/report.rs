//! 进展情况填报: a unit saves and submits its report for a period (one, or several at once).

use super::error::field;
use super::limits::{MAX_COORDINATION, MAX_COORDINATION_CHARS, MAX_TEXT};
use super::{Caller, ProgressError};
use crate::db::{self, reports::ReportRow};
use crate::rules::input::check_text;
use crate::rules::vocabulary::ReportContent;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

/// A report as a unit files it: what it wrote for a period, its coordination requests, and
/// whether to submit.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub period: String,
    pub content: ReportContent,
    pub coordination: Vec<String>,
    /// False: save a draft.
    pub submit: bool,
}

/// Optional parts of a report that its caller did not send (a form or a body without the
/// field, a workbook without the column): an existing report keeps them as stored, a new one
/// has them empty. A part left out never clears anything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unsent {
    pub problems: bool,
    pub next_steps: bool,
    pub coordination: bool,
}

/// A report as filed, with what of it was not sent.
#[derive(Debug, Clone)]
pub struct ReportEdit {
    pub input: ReportInput,
    pub unsent: Unsent,
}

/// Everything sent: what the callers that always send every part file.
impl From<ReportInput> for ReportEdit {
    fn from(input: ReportInput) -> Self {
        ReportEdit {
            input,
            unsent: Unsent::default(),
        }
    }
}

impl ReportInput {
    /// Trims the texts and checks the limits; messages name the field.
    pub fn validate(mut self) -> Result<Self, ProgressError> {
        for (_, _, text) in self.content.texts_mut() {
            *text = text.trim().to_string();
        }
        if self.content.work_done.is_empty() {
            return Err(field("work_done", "请填写工作进展及成效"));
        }
        for (name, label, text) in self.content.texts_mut() {
            if text.chars().count() > MAX_TEXT {
                return Err(field(name, format!("{label}不能超过 {MAX_TEXT} 字")));
            }
            check_text(label, text).map_err(|m| field(name, m))?;
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
        for (i, c) in self.coordination.iter().enumerate() {
            check_text(&format!("第 {} 项需协调事项", i + 1), c)
                .map_err(|m| field("coordination", m))?;
        }
        Ok(self)
    }
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
#[tracing::instrument(skip(pool, caller, input))]
pub async fn save_report(
    pool: &PgPool,
    caller: &Caller,
    plan_id: i64,
    code: &str,
    unit_id: i64,
    input: impl Into<ReportEdit>,
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
    reports: Vec<(String, impl Into<ReportEdit>)>,
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
    input: impl Into<ReportEdit>,
    version: Option<i32>,
) -> Result<ReportRow, ProgressError> {
    if !caller.may_write_for(unit_id) {
        return Err(ProgressError::Forbidden(
            "您只能为本单位填报进展情况".into(),
        ));
    }
    let ReportEdit { input, unsent } = input.into();
    tracing::debug!(period = %input.period, ?unsent, "saving a report");
    let mut input = input.validate()?;
    let task = db::tasks::get_by_code(&mut *conn, plan_id, code)
        .await?
        .ok_or_else(|| ProgressError::NotFound(format!("本工作要点中没有编号为“{code}”的任务")))?;
    let settings = db::plans::settings(&mut *conn, plan_id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("找不到该工作要点".into()))?;
    // Any period of the task's cycles, the earlier ones' too (not only the cycle it has now).
    let period = crate::rules::obligations::periods_of_task(&settings, &task)
        .into_iter()
        .find(|p| p.key == input.period.trim())
        .ok_or_else(|| {
            field(
                "period",
                format!(
                    "该任务没有“{}”这一报送期次",
                    crate::rules::schedule::period_label(input.period.trim())
                ),
            )
        })?;
    let tx = conn;
    let (task_id, closed) = lock_task_row(&mut *tx, plan_id, code).await?;
    if closed {
        return Err(ProgressError::Conflict(
            "该任务已办结，不再接收进展情况".into(),
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
    let mut content = input.content.clone();
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
                    "该报告{}，不能再修改",
                    existing.review_state.label()
                )));
            }
            // Waiting for the unit head: what the liaison sent stays as sent until the head
            // signs it off or returns it; the head may still change it.
            if !caller.access().may_sign_off_for(unit_id)
                && db::sign_offs::open(&mut *tx, existing.id).await?.is_some()
            {
                return Err(ProgressError::Conflict(
                    "该报告已送单位负责人签发，签发或退回之前不能修改".into(),
                ));
            }
            // What was not sent stays as stored.
            if unsent.problems {
                content.problems = existing.problems.clone();
            }
            if unsent.next_steps {
                content.next_steps = existing.next_steps.clone();
            }
            if unsent.coordination {
                input.coordination =
                    super::submission::open_requests(&mut *tx, existing.id).await?;
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
    // Every writer here sends both choices; the report form, which may leave them open on a
    // draft, records that after this (`save_report_with_files`).
    db::reports::set_choices(&mut *tx, id, true, true).await?;
    // Requests not sent are left as they are (a new report has none).
    if !unsent.coordination {
        db::coordination::replace_open(&mut *tx, id, &input.coordination).await?;
    }
    // A liaison's submission where the unit signs off goes to its head, not yet to the office.
    let to_head = input.submit && super::sign_off::needed(&mut *tx, caller, unit_id).await?;
    let row = if to_head {
        super::sign_off::ask(&mut *tx, caller, id).await?
    } else if input.submit {
        // The head's own submission answers a request still open: signed off by submitting.
        super::sign_off::close_by_submitting(&mut *tx, caller, id).await?;
        super::submission::submit_in(&mut *tx, caller, id, &input.coordination).await?
    } else {
        db::reports::get(&mut *tx, id)
            .await?
            .ok_or_else(|| ProgressError::NotFound("报告不存在".into()))?
    };
    let action = match (input.submit, to_head) {
        (true, true) => "report_sign_off_asked",
        (true, false) => "report_submitted",
        (false, _) => "report_saved",
    };
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
    Ok(super::submission::open_requests(conn, existing.id).await? == coordination)
}
