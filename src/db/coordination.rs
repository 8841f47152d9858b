//! Coordination requests (需协调事项) raised in reports, and the office's answers.

use super::Window;
use crate::rules::vocabulary::CoordinationState;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct CoordinationRow {
    pub id: i64,
    pub report_id: i64,
    pub text: String,
    pub state: CoordinationState,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// It went out with a submission, so the report's submitted version holds it.
    pub went_out: bool,
    /// Removed from the working copy after it went out; the submitted version still holds it
    /// until the next submission.
    pub withdrawn: bool,
}

/// A report's requests, in the order they were raised: those of the working copy and those of
/// the submitted version (see [`CoordinationRow`]).
pub async fn for_report(
    db: impl PgExecutor<'_>,
    report_id: i64,
) -> sqlx::Result<Vec<CoordinationRow>> {
    sqlx::query_as!(
        CoordinationRow,
        r#"SELECT id, report_id, text, state AS "state: CoordinationState", answer,
                  answered_at AS "answered_at: DateTime<Utc>",
                  submitted_at IS NOT NULL AS "went_out!", withdrawn_at IS NOT NULL AS "withdrawn!"
           FROM coordination_requests WHERE report_id = $1 ORDER BY id"#,
        report_id,
    )
    .fetch_all(db)
    .await
}

/// The requests of several reports at once, by report then id.
pub async fn of_reports(
    db: impl PgExecutor<'_>,
    report_ids: &[i64],
) -> sqlx::Result<Vec<CoordinationRow>> {
    sqlx::query_as!(
        CoordinationRow,
        r#"SELECT id, report_id, text, state AS "state: CoordinationState", answer,
                  answered_at AS "answered_at: DateTime<Utc>",
                  submitted_at IS NOT NULL AS "went_out!", withdrawn_at IS NOT NULL AS "withdrawn!"
           FROM coordination_requests WHERE report_id = ANY($1) ORDER BY report_id, id"#,
        report_ids,
    )
    .fetch_all(db)
    .await
}

/// The report a request belongs to.
pub async fn report_of(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "SELECT report_id FROM coordination_requests WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await
}

/// Makes `texts` the working copy's unanswered requests (answered ones stay): requests not yet
/// submitted are replaced; one that went out and is no longer asked is withdrawn (the submitted
/// version keeps it), one asked again is restored.
pub async fn replace_open(
    conn: &mut PgConnection,
    report_id: i64,
    texts: &[String],
) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM coordination_requests
         WHERE report_id = $1 AND state = 'open' AND submitted_at IS NULL",
        report_id,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE coordination_requests
         SET withdrawn_at = CASE WHEN text = ANY($2) THEN NULL ELSE COALESCE(withdrawn_at, now()) END
         WHERE report_id = $1 AND state = 'open'",
        report_id,
        texts,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO coordination_requests (report_id, text)
         SELECT $1, t FROM unnest($2::text[]) AS t
         WHERE NOT EXISTS (SELECT 1 FROM coordination_requests c WHERE c.report_id = $1 AND c.text = t)",
        report_id,
        texts,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// At a submission: the working copy's requests go out with it, and those withdrawn from it
/// leave the report.
pub async fn mark_submitted(conn: &mut PgConnection, report_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM coordination_requests WHERE report_id = $1 AND withdrawn_at IS NOT NULL",
        report_id,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE coordination_requests SET submitted_at = now()
         WHERE report_id = $1 AND submitted_at IS NULL",
        report_id,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn lock(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<CoordinationRow>> {
    sqlx::query_as!(
        CoordinationRow,
        r#"SELECT id, report_id, text, state AS "state: CoordinationState", answer,
                  answered_at AS "answered_at: DateTime<Utc>",
                  submitted_at IS NOT NULL AS "went_out!", withdrawn_at IS NOT NULL AS "withdrawn!"
           FROM coordination_requests WHERE id = $1 FOR UPDATE"#,
        id,
    )
    .fetch_optional(conn)
    .await
}

pub async fn answer(
    conn: &mut PgConnection,
    id: i64,
    answer: &str,
    state: CoordinationState,
    actor_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE coordination_requests SET answer = $2, state = $3, answered_by = $4, answered_at = now()
         WHERE id = $1",
        id,
        answer,
        state as _,
        actor_id,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenCoordination {
    pub id: i64,
    pub report_id: i64,
    pub text: String,
    pub code: String,
    pub unit_name: String,
    pub period: String,
    pub created_at: DateTime<Utc>,
}

/// Requests still open in a plan that went out with a submission, oldest first: a window of
/// them.
pub async fn open_in_plan(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    window: Window,
) -> sqlx::Result<Vec<OpenCoordination>> {
    // The conditions are those of `count_open_in_plan`.
    sqlx::query_as!(
        OpenCoordination,
        r#"SELECT c.id, c.report_id, c.text, t.code, u.short_name AS unit_name, r.period,
                c.created_at AS "created_at: DateTime<Utc>"
         FROM coordination_requests c JOIN reports r ON r.id = c.report_id
         JOIN tasks t ON t.id = r.task_id JOIN units u ON u.id = r.unit_id
         WHERE t.plan_id = $1 AND c.state = 'open' AND c.submitted_at IS NOT NULL
         ORDER BY c.created_at, c.id LIMIT $2 OFFSET $3"#,
        plan_id,
        window.limit,
        window.offset,
    )
    .fetch_all(db)
    .await
}

pub async fn count_open_in_plan(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!"
           FROM coordination_requests c JOIN reports r ON r.id = c.report_id
           JOIN tasks t ON t.id = r.task_id JOIN units u ON u.id = r.unit_id
           WHERE t.plan_id = $1 AND c.state = 'open' AND c.submitted_at IS NOT NULL"#,
        plan_id,
    )
    .fetch_one(db)
    .await
}
