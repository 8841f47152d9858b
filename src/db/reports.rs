//! Progress reports (进展情况), their events, coordination requests, attachments and urges.

use crate::workflows::progress::{Assessment, ReportAction, ReportStatus, ReviewState};
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

const REPORT_SELECT: &str = "\
SELECT r.id, r.task_id, r.unit_id, u.short_name AS unit_name, t.code, t.plan_id, r.period,
       r.period_start, r.period_end, r.due_on, r.version, r.review_state, r.status,
       r.self_assessment, r.office_assessment, r.work_done, r.problems, r.next_steps,
       r.return_reason, r.first_submitted_at, r.submitted_at, r.reviewed_at, r.accepted_at,
       r.updated_at
FROM reports r JOIN units u ON u.id = r.unit_id JOIN tasks t ON t.id = r.task_id";

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<ReportRow>> {
    sqlx::query_as(&format!("{REPORT_SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn lock(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<ReportRow>> {
    sqlx::query_as(&format!("{REPORT_SELECT} WHERE r.id = $1 FOR UPDATE OF r"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn find(
    conn: &mut PgConnection,
    task_id: i64,
    unit_id: i64,
    period: &str,
) -> sqlx::Result<Option<ReportRow>> {
    sqlx::query_as(&format!(
        "{REPORT_SELECT} WHERE r.task_id = $1 AND r.unit_id = $2 AND r.period = $3 FOR UPDATE OF r"
    ))
    .bind(task_id)
    .bind(unit_id)
    .bind(period)
    .fetch_optional(conn)
    .await
}

/// A task's reports, by period then unit.
pub async fn for_task(db: impl PgExecutor<'_>, task_id: i64) -> sqlx::Result<Vec<ReportRow>> {
    sqlx::query_as(&format!(
        "{REPORT_SELECT} WHERE r.task_id = $1 ORDER BY r.period_end DESC, u.sort_order, u.id"
    ))
    .bind(task_id)
    .fetch_all(db)
    .await
}

/// A page of a task's reports (of one unit, or all with `None`), by period then unit.
pub async fn for_task_page(
    db: impl PgExecutor<'_>,
    task_id: i64,
    unit_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ReportRow>> {
    sqlx::query_as(&format!(
        "{REPORT_SELECT} WHERE r.task_id = $1 AND ($2::bigint IS NULL OR r.unit_id = $2)
         ORDER BY r.period_end DESC, u.sort_order, u.id LIMIT $3 OFFSET $4"
    ))
    .bind(task_id)
    .bind(unit_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_for_task(
    db: impl PgExecutor<'_>,
    task_id: i64,
    unit_id: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM reports WHERE task_id = $1 AND ($2::bigint IS NULL OR unit_id = $2)",
    )
    .bind(task_id)
    .bind(unit_id)
    .fetch_one(db)
    .await
}

/// The coordination requests of several reports at once, by report then id.
pub async fn coordination_of(
    db: impl PgExecutor<'_>,
    report_ids: &[i64],
) -> sqlx::Result<Vec<CoordinationRow>> {
    sqlx::query_as(
        "SELECT id, report_id, text, state, answer, answered_at FROM coordination_requests
         WHERE report_id = ANY($1) ORDER BY report_id, id",
    )
    .bind(report_ids)
    .fetch_all(db)
    .await
}

/// The unit's report on the same task for the period before `period_end`.
pub async fn previous(
    db: impl PgExecutor<'_>,
    task_id: i64,
    unit_id: i64,
    period_end: NaiveDate,
) -> sqlx::Result<Option<ReportRow>> {
    sqlx::query_as(&format!(
        "{REPORT_SELECT} WHERE r.task_id = $1 AND r.unit_id = $2 AND r.period_end < $3
         AND r.review_state <> 'draft' ORDER BY r.period_end DESC LIMIT 1"
    ))
    .bind(task_id)
    .bind(unit_id)
    .bind(period_end)
    .fetch_optional(db)
    .await
}

const SUBMITTED_WHERE: &str = "\
WHERE t.plan_id = $1 AND r.review_state = 'submitted'
  AND ($2::bigint IS NULL OR r.unit_id = $2)
  AND ($3::int IS NULL OR t.code LIKE $3::text || '.%')";

/// Reports waiting for review, oldest first, optionally for one unit or section: `limit`
/// of them from `offset` on.
pub async fn submitted(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: Option<i64>,
    section: Option<i32>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ReportRow>> {
    sqlx::query_as(&format!(
        "{REPORT_SELECT} {SUBMITTED_WHERE} ORDER BY r.submitted_at, r.id LIMIT $4 OFFSET $5"
    ))
    .bind(plan_id)
    .bind(unit_id)
    .bind(section)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_submitted(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: Option<i64>,
    section: Option<i32>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM reports r JOIN tasks t ON t.id = r.task_id {SUBMITTED_WHERE}"
    ))
    .bind(plan_id)
    .bind(unit_id)
    .bind(section)
    .fetch_one(db)
    .await
}

/// A unit's reports in a plan, newest period first.
pub async fn for_unit(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: i64,
) -> sqlx::Result<Vec<ReportRow>> {
    sqlx::query_as(&format!(
        "{REPORT_SELECT} WHERE t.plan_id = $1 AND r.unit_id = $2 ORDER BY r.period_end DESC, t.position"
    ))
    .bind(plan_id)
    .bind(unit_id)
    .fetch_all(db)
    .await
}

/// What the lights need of every report of a plan (one query for the whole plan).
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

const BRIEF_COLUMNS: &str = "r.task_id, r.unit_id, r.period, r.period_start, r.period_end, \
     r.review_state, r.status, r.self_assessment, r.office_assessment, r.first_submitted_at, \
     r.accepted_at, r.submitted_at";

pub async fn briefs_for_plan(
    db: impl PgExecutor<'_>,
    plan_id: i64,
) -> sqlx::Result<Vec<ReportBrief>> {
    sqlx::query_as(&format!(
        "SELECT {BRIEF_COLUMNS} FROM reports r JOIN tasks t ON t.id = r.task_id WHERE t.plan_id = $1"
    ))
    .bind(plan_id)
    .fetch_all(db)
    .await
}

/// What the lights need of the reports on the given tasks (a page of them).
pub async fn briefs_for_tasks(
    db: impl PgExecutor<'_>,
    task_ids: &[i64],
) -> sqlx::Result<Vec<ReportBrief>> {
    sqlx::query_as(&format!(
        "SELECT {BRIEF_COLUMNS} FROM reports r WHERE r.task_id = ANY($1)"
    ))
    .bind(task_ids)
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
    sqlx::query_as(
        "SELECT r.task_id, r.unit_id FROM reports r JOIN tasks t ON t.id = r.task_id
         WHERE t.plan_id = $1 AND r.period = $2 AND r.first_submitted_at IS NOT NULL
           AND r.review_state <> 'returned'",
    )
    .bind(plan_id)
    .bind(period)
    .fetch_all(db)
    .await
}

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
    sqlx::query_scalar(
        "INSERT INTO reports (task_id, unit_id, period, period_start, period_end, due_on, status,
                              self_assessment, work_done, problems, next_steps, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(task_id)
    .bind(unit_id)
    .bind(period)
    .bind(start)
    .bind(end)
    .bind(due)
    .bind(c.status)
    .bind(c.self_assessment)
    .bind(&c.work_done)
    .bind(&c.problems)
    .bind(&c.next_steps)
    .bind(actor_id)
    .fetch_one(conn)
    .await
}

pub async fn update_content(
    conn: &mut PgConnection,
    id: i64,
    c: &Content,
    actor_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE reports SET status = $2, self_assessment = $3, work_done = $4, problems = $5,
                next_steps = $6, updated_by = $7, updated_at = now(), version = version + 1
         WHERE id = $1",
    )
    .bind(id)
    .bind(c.status)
    .bind(c.self_assessment)
    .bind(&c.work_done)
    .bind(&c.problems)
    .bind(&c.next_steps)
    .bind(actor_id)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn mark_submitted(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE reports SET review_state = 'submitted', submitted_at = now(),
                first_submitted_at = COALESCE(first_submitted_at, now()), version = version + 1
         WHERE id = $1",
    )
    .bind(id)
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
    sqlx::query(
        "UPDATE reports SET review_state = $2, return_reason = COALESCE($3, return_reason),
                office_assessment = COALESCE($4, office_assessment), reviewed_at = now(),
                reviewed_by = $5, version = version + 1,
                accepted_at = CASE WHEN $2 = 'accepted'::review_state THEN now() ELSE accepted_at END
         WHERE id = $1",
    )
    .bind(id)
    .bind(state)
    .bind(reason)
    .bind(office_assessment)
    .bind(reviewer)
    .execute(conn)
    .await
    .map(|_| ())
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_event(
    conn: &mut PgConnection,
    report_id: i64,
    actor_id: Option<i64>,
    actor_login: Option<&str>,
    action: ReportAction,
    version: i32,
    reason: Option<&str>,
    snapshot: serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO report_events (report_id, actor_id, actor_login, action, version, reason, snapshot)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(report_id)
    .bind(actor_id)
    .bind(actor_login)
    .bind(action)
    .bind(version)
    .bind(reason)
    .bind(snapshot)
    .execute(conn)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub at: DateTime<Utc>,
    pub actor_login: Option<String>,
    pub actor_name: Option<String>,
    pub action: ReportAction,
    pub version: i32,
    pub reason: Option<String>,
    pub snapshot: serde_json::Value,
}

pub async fn events(db: impl PgExecutor<'_>, report_id: i64) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as(
        "SELECT e.at, e.actor_login, u.display_name AS actor_name, e.action, e.version, e.reason, e.snapshot
         FROM report_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.report_id = $1 ORDER BY e.at DESC, e.id DESC",
    )
    .bind(report_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct CoordinationRow {
    pub id: i64,
    pub report_id: i64,
    pub text: String,
    pub state: crate::workflows::progress::CoordinationState,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

pub async fn coordination(
    db: impl PgExecutor<'_>,
    report_id: i64,
) -> sqlx::Result<Vec<CoordinationRow>> {
    sqlx::query_as(
        "SELECT id, report_id, text, state, answer, answered_at FROM coordination_requests
         WHERE report_id = $1 ORDER BY id",
    )
    .bind(report_id)
    .fetch_all(db)
    .await
}

/// Replaces the report's unanswered requests with `texts` (answered ones stay).
pub async fn replace_open_coordination(
    conn: &mut PgConnection,
    report_id: i64,
    texts: &[String],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM coordination_requests WHERE report_id = $1 AND state = 'open'")
        .bind(report_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO coordination_requests (report_id, text)
         SELECT $1, t FROM unnest($2::text[]) AS t
         WHERE NOT EXISTS (SELECT 1 FROM coordination_requests c WHERE c.report_id = $1 AND c.text = t)",
    )
    .bind(report_id)
    .bind(texts)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn lock_coordination(
    conn: &mut PgConnection,
    id: i64,
) -> sqlx::Result<Option<CoordinationRow>> {
    sqlx::query_as(
        "SELECT id, report_id, text, state, answer, answered_at FROM coordination_requests
         WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn answer_coordination(
    conn: &mut PgConnection,
    id: i64,
    answer: &str,
    state: crate::workflows::progress::CoordinationState,
    actor_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE coordination_requests SET answer = $2, state = $3, answered_by = $4, answered_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(answer)
    .bind(state)
    .bind(actor_id)
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

const OPEN_FROM: &str = "\
FROM coordination_requests c JOIN reports r ON r.id = c.report_id
JOIN tasks t ON t.id = r.task_id JOIN units u ON u.id = r.unit_id
WHERE t.plan_id = $1 AND c.state = 'open' AND r.review_state <> 'draft'";

/// Requests still open in a plan, oldest first: `limit` of them from `offset` on.
pub async fn open_coordination(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<OpenCoordination>> {
    sqlx::query_as(&format!(
        "SELECT c.id, c.report_id, c.text, t.code, u.short_name AS unit_name, r.period, c.created_at
         {OPEN_FROM} ORDER BY c.created_at, c.id LIMIT $2 OFFSET $3"
    ))
    .bind(plan_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_open_coordination(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!("SELECT count(*) {OPEN_FROM}"))
        .bind(plan_id)
        .fetch_one(db)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentMeta {
    pub id: i64,
    pub report_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i32,
    pub uploaded_at: DateTime<Utc>,
}

pub async fn attachments(
    db: impl PgExecutor<'_>,
    report_id: i64,
) -> sqlx::Result<Vec<AttachmentMeta>> {
    sqlx::query_as(
        "SELECT id, report_id, file_name, content_type, size, uploaded_at FROM attachments
         WHERE report_id = $1 ORDER BY id",
    )
    .bind(report_id)
    .fetch_all(db)
    .await
}

pub async fn attachment_meta(
    db: impl PgExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<AttachmentMeta>> {
    sqlx::query_as(
        "SELECT id, report_id, file_name, content_type, size, uploaded_at FROM attachments WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn attachment_data(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar("SELECT data FROM attachments WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_attachment(
    conn: &mut PgConnection,
    report_id: i64,
    file_name: &str,
    content_type: &str,
    data: &[u8],
    sha256: &str,
    uploaded_by: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO attachments (report_id, file_name, content_type, size, sha256, data, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(report_id)
    .bind(file_name)
    .bind(content_type)
    .bind(data.len() as i32)
    .bind(sha256)
    .bind(data)
    .bind(uploaded_by)
    .fetch_one(conn)
    .await
}

pub async fn delete_attachment(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM attachments WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn count_attachments(conn: &mut PgConnection, report_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM attachments WHERE report_id = $1")
        .bind(report_id)
        .fetch_one(conn)
        .await
}

/// Closing (办结) and reopening a task.
pub async fn set_closed(
    conn: &mut PgConnection,
    task_id: i64,
    note: Option<&str>,
    actor_id: Option<i64>,
) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "UPDATE tasks SET closed_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END,
                closing_note = $2, closed_by = CASE WHEN $2::text IS NULL THEN NULL ELSE $3 END,
                version = version + 1
         WHERE id = $1 RETURNING version",
    )
    .bind(task_id)
    .bind(note)
    .bind(actor_id)
    .fetch_one(conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UrgeRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub period: String,
    pub task_codes: Vec<String>,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub created_by_name: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

const URGE_SELECT: &str = "\
SELECT g.id, g.unit_id, un.short_name AS unit_name, g.period, g.task_codes, g.message, g.created_at,
       us.display_name AS created_by_name, g.acknowledged_at
FROM urges g JOIN units un ON un.id = g.unit_id LEFT JOIN users us ON us.id = g.created_by";

pub async fn insert_urge(
    conn: &mut PgConnection,
    plan_id: i64,
    unit_id: i64,
    period: &str,
    codes: &[String],
    message: &str,
    actor_id: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO urges (plan_id, unit_id, period, task_codes, message, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(plan_id)
    .bind(unit_id)
    .bind(period)
    .bind(codes)
    .bind(message)
    .bind(actor_id)
    .fetch_one(conn)
    .await
}

/// A unit's urges in a plan, unacknowledged first, newest first: `limit` from `offset` on.
pub async fn urges_for_unit(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: i64,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<UrgeRow>> {
    sqlx::query_as(&format!(
        "{URGE_SELECT} WHERE g.plan_id = $1 AND g.unit_id = $2
         ORDER BY g.acknowledged_at IS NOT NULL, g.created_at DESC, g.id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(plan_id)
    .bind(unit_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_urges_for_unit(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM urges WHERE plan_id = $1 AND unit_id = $2")
        .bind(plan_id)
        .bind(unit_id)
        .fetch_one(db)
        .await
}

pub async fn urges_for_period(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    period: &str,
) -> sqlx::Result<Vec<UrgeRow>> {
    sqlx::query_as(&format!(
        "{URGE_SELECT} WHERE g.plan_id = $1 AND g.period = $2 ORDER BY g.created_at DESC"
    ))
    .bind(plan_id)
    .bind(period)
    .fetch_all(db)
    .await
}

pub async fn unread_urges(db: impl PgExecutor<'_>, unit_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM urges WHERE unit_id = $1 AND acknowledged_at IS NULL")
        .bind(unit_id)
        .fetch_one(db)
        .await
}

/// Acknowledges an urge of the unit; false when there is no such unacknowledged urge.
pub async fn acknowledge_urge(
    conn: &mut PgConnection,
    id: i64,
    unit_id: i64,
    actor_id: Option<i64>,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE urges SET acknowledged_at = now(), acknowledged_by = $3
         WHERE id = $1 AND unit_id = $2 AND acknowledged_at IS NULL",
    )
    .bind(id)
    .bind(unit_id)
    .bind(actor_id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn briefs_for_task(
    db: impl PgExecutor<'_>,
    task_id: i64,
) -> sqlx::Result<Vec<ReportBrief>> {
    sqlx::query_as(&format!(
        "SELECT {BRIEF_COLUMNS} FROM reports r WHERE r.task_id = $1"
    ))
    .bind(task_id)
    .fetch_all(db)
    .await
}

/// A report event with what the report was at that moment, for reconstructing the past.
/// Only the snapshot's fields the lights need are selected: the texts stay in the database.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoricEvent {
    pub task_id: i64,
    pub unit_id: i64,
    pub report_id: i64,
    pub period: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub action: ReportAction,
    pub at: DateTime<Utc>,
    /// 进展状态 in the snapshot
    pub status: Option<String>,
    /// 自评 in the snapshot
    pub self_assessment: Option<String>,
    /// 办公室评价 in the snapshot
    pub office_assessment: Option<String>,
}

/// Every report event of a plan up to `until` (inclusive), oldest first.
pub async fn events_until(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<HistoricEvent>> {
    sqlx::query_as(
        "SELECT r.task_id, r.unit_id, r.id AS report_id, r.period, r.period_start, r.period_end,
                e.action, e.at, e.snapshot->>'status' AS status,
                e.snapshot->>'self_assessment' AS self_assessment,
                e.snapshot->>'office_assessment' AS office_assessment
         FROM report_events e JOIN reports r ON r.id = e.report_id JOIN tasks t ON t.id = r.task_id
         WHERE t.plan_id = $1 AND e.at <= $2 ORDER BY e.at, e.id",
    )
    .bind(plan_id)
    .bind(until)
    .fetch_all(db)
    .await
}

/// Closing and reopening of a plan's tasks, oldest first: `(task_id, at, closed)`.
pub async fn closures(
    db: impl PgExecutor<'_>,
    plan_id: i64,
) -> sqlx::Result<Vec<(i64, DateTime<Utc>, bool)>> {
    sqlx::query_as(
        "SELECT h.task_id, h.at, h.after <> 'null'::jsonb FROM task_history h JOIN tasks t ON t.id = h.task_id
         WHERE t.plan_id = $1 AND h.kind = 'closure' ORDER BY h.at, h.id",
    )
    .bind(plan_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AcceptedReport {
    pub id: i64,
    pub code: String,
    pub unit_name: String,
    pub period: String,
    pub accepted_at: DateTime<Utc>,
    pub work_done: String,
}

/// The latest accepted reports of a plan.
pub async fn latest_accepted(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<AcceptedReport>> {
    sqlx::query_as(
        "SELECT r.id, t.code, u.short_name AS unit_name, r.period, r.accepted_at, r.work_done
         FROM reports r JOIN tasks t ON t.id = r.task_id JOIN units u ON u.id = r.unit_id
         WHERE t.plan_id = $1 AND r.accepted_at IS NOT NULL ORDER BY r.accepted_at DESC LIMIT $2",
    )
    .bind(plan_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The latest submitted report of each task and unit of a plan: `(task_id, unit_id, date, text)`.
pub async fn latest_per_pair(
    db: impl PgExecutor<'_>,
    plan_id: i64,
) -> sqlx::Result<Vec<(i64, i64, DateTime<Utc>, String)>> {
    sqlx::query_as(
        "SELECT DISTINCT ON (r.task_id, r.unit_id) r.task_id, r.unit_id, r.submitted_at, r.work_done
         FROM reports r JOIN tasks t ON t.id = r.task_id
         WHERE t.plan_id = $1 AND r.submitted_at IS NOT NULL AND r.review_state <> 'draft'
         ORDER BY r.task_id, r.unit_id, r.period_end DESC, r.submitted_at DESC",
    )
    .bind(plan_id)
    .fetch_all(db)
    .await
}
