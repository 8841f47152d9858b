//! Writing reports: their content as a unit writes it, submission and review.

use crate::rules::vocabulary::{Assessment, ReviewState};
use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};

/// The content of a report as a unit writes it.
pub use crate::rules::vocabulary::ReportContent as Content;

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut PgConnection,
    task_id: i64,
    unit_id: i64,
    period: &str,
    start: NaiveDate,
    end: NaiveDate,
    due: NaiveDate,
    c: &Content,
    actor_id: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO reports (task_id, unit_id, period, period_start, period_end, due_on, status,
                              self_assessment, work_done, problems, next_steps, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        task_id,
        unit_id,
        period,
        start as _,
        end as _,
        due as _,
        c.status as _,
        c.self_assessment as _,
        c.work_done,
        c.problems,
        c.next_steps,
        actor_id,
    )
    .fetch_one(conn)
    .await
}

pub async fn update_content(
    conn: &mut PgConnection,
    id: i64,
    c: &Content,
    actor_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE reports SET status = $2, self_assessment = $3, work_done = $4, problems = $5,
                next_steps = $6, updated_by = $7, updated_at = now(), version = version + 1
         WHERE id = $1",
        id,
        c.status as _,
        c.self_assessment as _,
        c.work_done,
        c.problems,
        c.next_steps,
        actor_id,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn mark_submitted(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE reports SET review_state = 'submitted', submitted_at = now(),
                first_submitted_at = COALESCE(first_submitted_at, now()), version = version + 1
         WHERE id = $1",
        id,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn mark_reviewed(
    conn: &mut PgConnection,
    id: i64,
    state: ReviewState,
    reason: Option<&str>,
    office_assessment: Option<Assessment>,
    reviewer: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE reports SET review_state = $2, return_reason = COALESCE($3, return_reason),
                office_assessment = COALESCE($4, office_assessment), reviewed_at = now(),
                reviewed_by = $5, version = version + 1,
                accepted_at = CASE WHEN $2 = 'accepted'::review_state THEN now() ELSE accepted_at END
         WHERE id = $1",
        id,
        state as _,
        reason,
        office_assessment as _,
        reviewer,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// The demo data's past: dates a report's submission back to `when` (a timestamp literal).
pub async fn backdate_submission(db: impl PgExecutor<'_>, id: i64, when: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE reports SET first_submitted_at = $2::timestamptz, submitted_at = $2::timestamptz
         WHERE id = $1",
        id,
        when as _,
    )
    .execute(db)
    .await
    .map(|_| ())
}
