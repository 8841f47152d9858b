//! What the lights need of reports (one query for a whole plan, a page of tasks or one task).

use super::ReportRow;
use crate::rules::vocabulary::{Assessment, ReportStatus, ReviewState};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportBrief {
    pub task_id: i64,
    pub unit_id: i64,
    pub period: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub review_state: ReviewState,
    pub status: ReportStatus,
    pub self_assessment: Assessment,
    pub office_assessment: Option<Assessment>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl From<&ReportRow> for ReportBrief {
    fn from(r: &ReportRow) -> Self {
        ReportBrief {
            task_id: r.task_id,
            unit_id: r.unit_id,
            period: r.period.clone(),
            period_start: r.period_start,
            period_end: r.period_end,
            review_state: r.review_state,
            status: r.status,
            self_assessment: r.self_assessment,
            office_assessment: r.office_assessment,
            first_submitted_at: r.first_submitted_at,
            accepted_at: r.accepted_at,
            submitted_at: r.submitted_at,
        }
    }
}

/// `query_as!` of [`ReportBrief`]s: the brief's columns of `reports r`, then `$tail`.
macro_rules! select_briefs {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            ReportBrief,
            r#"SELECT r.task_id, r.unit_id, r.period,
                      r.period_start AS "period_start: NaiveDate",
                      r.period_end AS "period_end: NaiveDate",
                      r.review_state AS "review_state: ReviewState",
                      r.status AS "status: ReportStatus",
                      r.self_assessment AS "self_assessment: Assessment",
                      r.office_assessment AS "office_assessment: Assessment",
                      r.first_submitted_at AS "first_submitted_at: DateTime<Utc>",
                      r.accepted_at AS "accepted_at: DateTime<Utc>",
                      r.submitted_at AS "submitted_at: DateTime<Utc>"
               FROM reports r "# + $tail
            $(, $arg)*
        )
    };
}

pub async fn briefs_for_plan(
    db: impl PgExecutor<'_>,
    plan_id: i64,
) -> sqlx::Result<Vec<ReportBrief>> {
    select_briefs!(
        "JOIN tasks t ON t.id = r.task_id WHERE t.plan_id = $1",
        plan_id
    )
    .fetch_all(db)
    .await
}

/// What the lights need of the reports on the given tasks (a page of them).
pub async fn briefs_for_tasks(
    db: impl PgExecutor<'_>,
    task_ids: &[i64],
) -> sqlx::Result<Vec<ReportBrief>> {
    select_briefs!("WHERE r.task_id = ANY($1)", task_ids)
        .fetch_all(db)
        .await
}

pub async fn briefs_for_task(
    db: impl PgExecutor<'_>,
    task_id: i64,
) -> sqlx::Result<Vec<ReportBrief>> {
    select_briefs!("WHERE r.task_id = $1", task_id)
        .fetch_all(db)
        .await
}
