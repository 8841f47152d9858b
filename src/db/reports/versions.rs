//! 报送版本: each report as its unit last submitted it — the snapshot kept with its latest
//! submit event, dated by that event — which is what every reader but the unit's writers on the
//! report's own page sees (`rules::access::ReportSight`). A report never submitted has no
//! submitted version and is absent from every read here.

use super::super::Window;
use super::ReportRow;
use crate::rules::vocabulary::{Assessment, ReportSnapshot, ReviewState};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;

/// A report's last submitted version: its own type, so that a read which must not show a
/// working copy says so in its signature.
#[derive(Debug, Clone)]
pub struct SubmittedVersion {
    /// The report with the content the unit submitted; `submitted_at` and `updated_at` are
    /// the submission's time. The review state, the office's assessment and the return reason
    /// are the office's answer to that submission (a report is reviewed only as submitted).
    /// Its files and coordination requests are those marked as gone out
    /// (`db::attachments`, `db::coordination`).
    pub report: ReportRow,
}

/// The columns of a submitted version, before its snapshot is read.
#[derive(Debug, Clone, sqlx::FromRow)]
struct VersionRow {
    id: i64,
    task_id: i64,
    unit_id: i64,
    unit_name: String,
    code: String,
    plan_id: i64,
    period: String,
    period_start: NaiveDate,
    period_end: NaiveDate,
    due_on: NaiveDate,
    version: i32,
    review_state: ReviewState,
    office_assessment: Option<Assessment>,
    return_reason: Option<String>,
    first_submitted_at: Option<DateTime<Utc>>,
    reviewed_at: Option<DateTime<Utc>>,
    accepted_at: Option<DateTime<Utc>>,
    submitted_at: DateTime<Utc>,
    snapshot: serde_json::Value,
}

impl From<VersionRow> for SubmittedVersion {
    fn from(v: VersionRow) -> Self {
        let c = ReportSnapshot::from_json(&v.snapshot).content;
        SubmittedVersion {
            report: ReportRow {
                id: v.id,
                task_id: v.task_id,
                unit_id: v.unit_id,
                unit_name: v.unit_name,
                code: v.code,
                plan_id: v.plan_id,
                period: v.period,
                period_start: v.period_start,
                period_end: v.period_end,
                due_on: v.due_on,
                version: v.version,
                review_state: v.review_state,
                status: c.status,
                self_assessment: c.self_assessment,
                office_assessment: v.office_assessment,
                work_done: c.work_done,
                problems: c.problems,
                next_steps: c.next_steps,
                return_reason: v.return_reason,
                first_submitted_at: v.first_submitted_at,
                submitted_at: Some(v.submitted_at),
                reviewed_at: v.reviewed_at,
                accepted_at: v.accepted_at,
                updated_at: v.submitted_at,
            },
        }
    }
}

/// `query_as!` of [`VersionRow`]s: each report joined to its latest submit event (reports
/// never submitted drop out), then `$tail`.
macro_rules! select_versions {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            VersionRow,
            r#"SELECT r.id, r.task_id, r.unit_id, u.short_name AS unit_name, t.code, t.plan_id,
                      r.period, r.period_start AS "period_start: NaiveDate",
                      r.period_end AS "period_end: NaiveDate", r.due_on AS "due_on: NaiveDate",
                      r.version,
                      r.review_state AS "review_state: ReviewState",
                      r.office_assessment AS "office_assessment: Assessment",
                      r.return_reason,
                      r.first_submitted_at AS "first_submitted_at: DateTime<Utc>",
                      r.reviewed_at AS "reviewed_at: DateTime<Utc>",
                      r.accepted_at AS "accepted_at: DateTime<Utc>",
                      s.at AS "submitted_at!: DateTime<Utc>", s.snapshot AS "snapshot!"
               FROM reports r JOIN units u ON u.id = r.unit_id JOIN tasks t ON t.id = r.task_id
               JOIN LATERAL (SELECT e.at, e.snapshot FROM report_events e
                             WHERE e.report_id = r.id AND e.action = 'submitted'
                             ORDER BY e.at DESC, e.id DESC LIMIT 1) s ON true
            "# + $tail
            $(, $arg)*
        )
    };
}

fn versions(rows: Vec<VersionRow>) -> Vec<SubmittedVersion> {
    rows.into_iter().map(SubmittedVersion::from).collect()
}

/// One report's submitted version; `None` when it was never submitted (or does not exist).
pub async fn submitted_version(
    db: impl PgExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<SubmittedVersion>> {
    Ok(select_versions!("WHERE r.id = $1", id)
        .fetch_optional(db)
        .await?
        .map(SubmittedVersion::from))
}

/// The submitted versions of a task's reports (of one unit, or all with `None`), by period
/// then unit.
pub async fn submitted_for_task(
    db: impl PgExecutor<'_>,
    task_id: i64,
    unit_id: Option<i64>,
) -> sqlx::Result<Vec<SubmittedVersion>> {
    select_versions!(
        "WHERE r.task_id = $1 AND ($2::bigint IS NULL OR r.unit_id = $2)
         ORDER BY r.period_end DESC, u.sort_order, u.id",
        task_id,
        unit_id,
    )
    .fetch_all(db)
    .await
    .map(versions)
}

/// A page of [`submitted_for_task`].
pub async fn submitted_for_task_page(
    db: impl PgExecutor<'_>,
    task_id: i64,
    unit_id: Option<i64>,
    window: Window,
) -> sqlx::Result<Vec<SubmittedVersion>> {
    select_versions!(
        "WHERE r.task_id = $1 AND ($2::bigint IS NULL OR r.unit_id = $2)
         ORDER BY r.period_end DESC, u.sort_order, u.id LIMIT $3 OFFSET $4",
        task_id,
        unit_id,
        window.limit,
        window.offset,
    )
    .fetch_all(db)
    .await
    .map(versions)
}

/// How many of a task's reports (of one unit, or all) have a submitted version.
pub async fn count_submitted_for_task(
    db: impl PgExecutor<'_>,
    task_id: i64,
    unit_id: Option<i64>,
) -> sqlx::Result<i64> {
    // Every submission writes its event, so "submitted at least once" is the report's own mark.
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM reports
           WHERE task_id = $1 AND ($2::bigint IS NULL OR unit_id = $2)
             AND EXISTS (SELECT 1 FROM report_events e
                         WHERE e.report_id = reports.id AND e.action = 'submitted')"#,
        task_id,
        unit_id,
    )
    .fetch_one(db)
    .await
}

/// The submitted version of the unit's report on the same task for the latest period before
/// `period_end` (what the reviewer compares with).
pub async fn previous_submitted(
    db: impl PgExecutor<'_>,
    task_id: i64,
    unit_id: i64,
    period_end: NaiveDate,
) -> sqlx::Result<Option<SubmittedVersion>> {
    Ok(select_versions!(
        "WHERE r.task_id = $1 AND r.unit_id = $2 AND r.period_end < $3
         ORDER BY r.period_end DESC LIMIT 1",
        task_id,
        unit_id,
        period_end as _,
    )
    .fetch_optional(db)
    .await?
    .map(SubmittedVersion::from))
}

/// 最新进展 of each task and unit of a plan, as `rules::reporting::latest_progress` picks it:
/// the latest period's accepted version, else the latest one awaiting review; never a
/// returned one: `(task_id, unit_id, submitted at, work done)`.
pub async fn latest_per_pair(
    db: impl PgExecutor<'_>,
    plan_id: i64,
) -> sqlx::Result<Vec<(i64, i64, DateTime<Utc>, String)>> {
    let rows = sqlx::query!(
        r#"SELECT DISTINCT ON (r.task_id, r.unit_id) r.task_id, r.unit_id,
                  s.at AS "submitted_at!: DateTime<Utc>",
                  COALESCE(s.snapshot->>'work_done', '') AS "work_done!"
           FROM reports r JOIN tasks t ON t.id = r.task_id
           JOIN LATERAL (SELECT e.at, e.snapshot FROM report_events e
                         WHERE e.report_id = r.id AND e.action = 'submitted'
                         ORDER BY e.at DESC, e.id DESC LIMIT 1) s ON true
           WHERE t.plan_id = $1 AND r.review_state IN ('accepted', 'submitted')
           ORDER BY r.task_id, r.unit_id, (r.review_state = 'accepted') DESC,
                    r.period_end DESC, r.accepted_at DESC NULLS LAST, s.at DESC"#,
        plan_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.task_id, r.unit_id, r.submitted_at, r.work_done))
        .collect())
}

/// The latest accepted reports of a plan (of one unit, or all with `None`), as accepted.
pub async fn latest_accepted(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<SubmittedVersion>> {
    select_versions!(
        "WHERE t.plan_id = $1 AND r.review_state = 'accepted'
           AND ($2::bigint IS NULL OR r.unit_id = $2)
         ORDER BY r.accepted_at DESC, r.id DESC LIMIT $3",
        plan_id,
        unit_id,
        limit,
    )
    .fetch_all(db)
    .await
    .map(versions)
}
