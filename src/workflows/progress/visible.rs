//! 可见版本: which version of a report each reader is shown, read in one place. The report's
//! writers see its working copy on its own page; every other reader, and every list, the task
//! page, the summary, the exports and the API, see the last submitted version
//! (`db::reports::SubmittedVersion`), as [`Access::report_sight`] decides.

use super::ProgressError;
use crate::db::{
    self, Window,
    attachments::AttachmentMeta,
    coordination::CoordinationRow,
    reports::{ReportRow, SubmittedVersion},
};
use crate::rules::access::{Access, ReportSight, Scope};
use sqlx::PgPool;

/// A report as one reader is shown it on its own page.
#[derive(Debug, Clone)]
pub struct SeenReport {
    /// The working copy, or the submitted version (content, date) with the office's review.
    pub report: ReportRow,
    /// True: the working copy, for one who may write for the unit.
    pub working_copy: bool,
}

impl SeenReport {
    /// The coordination requests this version shows, of the report's `rows`: the working
    /// copy's, or those that went out with the submitted version.
    pub fn coordination(&self, rows: Vec<CoordinationRow>) -> Vec<CoordinationRow> {
        if self.working_copy {
            rows.into_iter().filter(|c| !c.withdrawn).collect()
        } else {
            submitted_coordination(rows)
        }
    }
}

/// The coordination requests of submitted versions, of the reports' `rows`: those that went
/// out with a submission.
pub fn submitted_coordination(rows: Vec<CoordinationRow>) -> Vec<CoordinationRow> {
    rows.into_iter().filter(|c| c.went_out).collect()
}

/// The lead units of a task (牵头单位), looked up only when the answer depends on them.
async fn leads_if_needed(
    pool: &PgPool,
    access: Access,
    task_id: i64,
    unit_id: i64,
) -> sqlx::Result<Vec<i64>> {
    if access.scope() == Scope::All || access.may_read_report(unit_id, &[]) {
        return Ok(Vec::new());
    }
    Ok(db::assignments::units(pool, task_id)
        .await?
        .iter()
        .filter(|a| a.role == db::tasks::UnitRole::Lead)
        .map(|a| a.unit_id)
        .collect())
}

fn absent() -> ProgressError {
    ProgressError::NotFound("报告不存在".into())
}

/// One report as `access` is shown it on its own page (`/reports/{id}` and its forms):
/// not found when it does not exist or was never submitted and is not theirs to write;
/// forbidden when submitted but not theirs to read.
pub async fn report_as_seen(
    pool: &PgPool,
    access: Access,
    id: i64,
) -> Result<SeenReport, ProgressError> {
    let live = db::reports::get(pool, id).await?.ok_or_else(absent)?;
    let submitted = if access.may_read_working_copy(live.unit_id) {
        None
    } else {
        db::reports::submitted_version(pool, id).await?
    };
    let leads = leads_if_needed(pool, access, live.task_id, live.unit_id).await?;
    let was_submitted = submitted.is_some() || live.first_submitted_at.is_some();
    match access.report_sight(live.unit_id, &leads, was_submitted) {
        ReportSight::WorkingCopy => Ok(SeenReport {
            report: live,
            working_copy: true,
        }),
        ReportSight::Submitted => Ok(SeenReport {
            report: submitted.ok_or_else(absent)?.report,
            working_copy: false,
        }),
        ReportSight::Absent => Err(absent()),
        ReportSight::Refused => Err(ProgressError::Forbidden("您无权查看该报告".into())),
    }
}

/// The attachments the report's version shows: every one in the working copy, those that
/// went out with a submission in the submitted version.
pub async fn attachments_seen(
    pool: &PgPool,
    seen: &SeenReport,
) -> sqlx::Result<Vec<AttachmentMeta>> {
    let mut files = db::attachments::for_report(pool, seen.report.id).await?;
    if seen.working_copy {
        files.retain(|f| !f.withdrawn);
    } else {
        files.retain(|f| f.went_out);
    }
    Ok(files)
}

/// An attachment's name and bytes for `access` to download: not found when it does not exist
/// or belongs to a working copy not theirs to write (its existence is not theirs to know);
/// forbidden when it went out with a report not theirs to read.
pub async fn attachment_for(
    pool: &PgPool,
    access: Access,
    id: i64,
) -> Result<(AttachmentMeta, Vec<u8>), ProgressError> {
    let missing = || ProgressError::NotFound("附件不存在".into());
    let meta = db::attachments::meta(pool, id).await?.ok_or_else(missing)?;
    let report = db::reports::get(pool, meta.report_id)
        .await?
        .ok_or_else(missing)?;
    let leads = leads_if_needed(pool, access, report.task_id, report.unit_id).await?;
    match access.report_sight(report.unit_id, &leads, meta.went_out) {
        ReportSight::WorkingCopy | ReportSight::Submitted => {
            let data = db::attachments::data(pool, id).await?.ok_or_else(missing)?;
            Ok((meta, data))
        }
        ReportSight::Absent => Err(missing()),
        ReportSight::Refused => Err(ProgressError::Forbidden("您无权下载该附件".into())),
    }
}

/// The unit whose reports of a task `access` reads (`None`: every unit's), or nothing at all.
fn task_unit_filter(access: Access, lead_ids: &[i64]) -> Option<Option<i64>> {
    match access.task_report_scope(lead_ids) {
        Scope::All => Some(None),
        Scope::Unit(u) => Some(Some(u)),
        Scope::Nothing => None,
    }
}

/// The submitted versions of a task's reports `access` may read, by period then unit: what
/// the task page, the report form's view of the co-units and every other list show.
pub async fn task_reports(
    pool: &PgPool,
    access: Access,
    task_id: i64,
    lead_ids: &[i64],
) -> sqlx::Result<Vec<SubmittedVersion>> {
    match task_unit_filter(access, lead_ids) {
        Some(unit) => db::reports::submitted_for_task(pool, task_id, unit).await,
        None => Ok(Vec::new()),
    }
}

/// How many of [`task_reports`] there are, and a window of them (the API's pages).
pub async fn count_task_reports(
    pool: &PgPool,
    access: Access,
    task_id: i64,
    lead_ids: &[i64],
) -> sqlx::Result<i64> {
    match task_unit_filter(access, lead_ids) {
        Some(unit) => db::reports::count_submitted_for_task(pool, task_id, unit).await,
        None => Ok(0),
    }
}

pub async fn task_reports_window(
    pool: &PgPool,
    access: Access,
    task_id: i64,
    lead_ids: &[i64],
    window: Window,
) -> sqlx::Result<Vec<SubmittedVersion>> {
    match task_unit_filter(access, lead_ids) {
        Some(unit) => db::reports::submitted_for_task_page(pool, task_id, unit, window).await,
        None => Ok(Vec::new()),
    }
}

/// The plan's latest accepted reports `access` may read in the summary, as accepted: a
/// liaison's own unit's only.
pub async fn latest_accepted(
    pool: &PgPool,
    access: Access,
    plan_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<SubmittedVersion>> {
    match access.scope() {
        Scope::All => db::reports::latest_accepted(pool, plan_id, None, limit).await,
        Scope::Unit(u) => db::reports::latest_accepted(pool, plan_id, Some(u), limit).await,
        Scope::Nothing => Ok(Vec::new()),
    }
}
