//! Progress reports (进展情况): the reports themselves (the working copy, as the unit last
//! saved it), their events (the history of each), their submitted versions (what everyone else
//! reads) and the briefs the lights are judged from. Coordination requests, attachments and urges have
//! their own modules (`db::coordination`, `db::attachments`, `db::urges`).

mod briefs;
mod choices;
mod events;
mod versions;
mod write;

pub use briefs::*;
pub use choices::*;
pub use events::*;
pub use versions::*;
pub use write::*;

use super::Window;
use crate::rules::vocabulary::{Assessment, ReportStatus, ReviewState};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ReportRow {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub code: String,
    pub plan_id: i64,
    pub period: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub due_on: NaiveDate,
    pub version: i32,
    pub review_state: ReviewState,
    pub status: ReportStatus,
    pub self_assessment: Assessment,
    pub office_assessment: Option<Assessment>,
    pub work_done: String,
    pub problems: String,
    pub next_steps: String,
    pub return_reason: Option<String>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl ReportRow {
    /// What the unit wrote.
    pub fn content(&self) -> Content {
        Content {
            status: self.status,
            self_assessment: self.self_assessment,
            work_done: self.work_done.clone(),
            problems: self.problems.clone(),
            next_steps: self.next_steps.clone(),
        }
    }
}

/// `query_as!` of [`ReportRow`]s: the select list and joins every report read shares, followed
/// by `$tail` (conditions, order, lock). The whole statement is still one literal to sqlx, so it
/// is checked at compile time like any other.
macro_rules! select_reports {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            ReportRow,
            r#"SELECT r.id, r.task_id, r.unit_id, u.short_name AS unit_name, t.code, t.plan_id,
                      r.period, r.period_start AS "period_start: NaiveDate",
                      r.period_end AS "period_end: NaiveDate", r.due_on AS "due_on: NaiveDate",
                      r.version,
                      r.review_state AS "review_state: ReviewState",
                      r.status AS "status: ReportStatus",
                      r.self_assessment AS "self_assessment: Assessment",
                      r.office_assessment AS "office_assessment: Assessment",
                      r.work_done, r.problems, r.next_steps, r.return_reason,
                      r.first_submitted_at AS "first_submitted_at: DateTime<Utc>",
                      r.submitted_at AS "submitted_at: DateTime<Utc>",
                      r.reviewed_at AS "reviewed_at: DateTime<Utc>",
                      r.accepted_at AS "accepted_at: DateTime<Utc>",
                      r.updated_at AS "updated_at: DateTime<Utc>"
               FROM reports r JOIN units u ON u.id = r.unit_id JOIN tasks t ON t.id = r.task_id
            "# + $tail
            $(, $arg)*
        )
    };
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<ReportRow>> {
    select_reports!("WHERE r.id = $1", id)
        .fetch_optional(db)
        .await
}

pub async fn lock(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<ReportRow>> {
    select_reports!("WHERE r.id = $1 FOR UPDATE OF r", id)
        .fetch_optional(conn)
        .await
}

pub async fn find(
    conn: &mut PgConnection,
    task_id: i64,
    unit_id: i64,
    period: &str,
) -> sqlx::Result<Option<ReportRow>> {
    select_reports!(
        "WHERE r.task_id = $1 AND r.unit_id = $2 AND r.period = $3 FOR UPDATE OF r",
        task_id,
        unit_id,
        period,
    )
    .fetch_optional(conn)
    .await
}

/// A task's reports, by period then unit.
pub async fn for_task(db: impl PgExecutor<'_>, task_id: i64) -> sqlx::Result<Vec<ReportRow>> {
    select_reports!(
        "WHERE r.task_id = $1 ORDER BY r.period_end DESC, u.sort_order, u.id",
        task_id,
    )
    .fetch_all(db)
    .await
}

/// How many reports the database holds (the demo data is generated only where there are none).
pub async fn count_all(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM reports"#)
        .fetch_one(db)
        .await
}

/// Reports waiting for review, oldest first, optionally for one unit or section: a window of
/// them.
pub async fn submitted(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: Option<i64>,
    section: Option<i32>,
    window: Window,
) -> sqlx::Result<Vec<ReportRow>> {
    // The conditions are those of `count_submitted`.
    select_reports!(
        "WHERE t.plan_id = $1 AND r.review_state = 'submitted'
           AND ($2::bigint IS NULL OR r.unit_id = $2)
           AND ($3::int IS NULL OR t.code LIKE $3::text || '.%')
         ORDER BY r.submitted_at, r.id LIMIT $4 OFFSET $5",
        plan_id,
        unit_id,
        section,
        window.limit,
        window.offset,
    )
    .fetch_all(db)
    .await
}

pub async fn count_submitted(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: Option<i64>,
    section: Option<i32>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM reports r JOIN tasks t ON t.id = r.task_id
           WHERE t.plan_id = $1 AND r.review_state = 'submitted'
             AND ($2::bigint IS NULL OR r.unit_id = $2)
             AND ($3::int IS NULL OR t.code LIKE $3::text || '.%')"#,
        plan_id,
        unit_id,
        section,
    )
    .fetch_one(db)
    .await
}

/// A unit's reports in a plan, newest period first.
pub async fn for_unit(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: i64,
) -> sqlx::Result<Vec<ReportRow>> {
    select_reports!(
        "WHERE t.plan_id = $1 AND r.unit_id = $2 ORDER BY r.period_end DESC, t.position",
        plan_id,
        unit_id,
    )
    .fetch_all(db)
    .await
}

/// `(task_id, unit_id)` of the plan's reports for `period` that count as submitted (sent at
/// least once and not returned).
pub async fn submitted_pairs(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    period: &str,
) -> sqlx::Result<Vec<(i64, i64)>> {
    let rows = sqlx::query!(
        "SELECT r.task_id, r.unit_id FROM reports r JOIN tasks t ON t.id = r.task_id
         WHERE t.plan_id = $1 AND r.period = $2 AND r.first_submitted_at IS NOT NULL
           AND r.review_state <> 'returned'",
        plan_id,
        period,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.task_id, r.unit_id)).collect())
}
