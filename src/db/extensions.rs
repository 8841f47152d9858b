//! 延期申请: requests to move a task's deadline, and the office's decisions.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

/// A request with its unit's name and the names of who asked and who decided.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExtensionRow {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub checkpoint: Option<i32>,
    pub due_date: NaiveDate,
    pub requested_date: NaiveDate,
    pub reason: String,
    pub late: bool,
    pub state: String,
    pub decided_date: Option<NaiveDate>,
    pub decision_reason: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub requested_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by_name: Option<String>,
    pub version: i32,
}

/// `query_as!` of [`ExtensionRow`]s, then `$tail`.
macro_rules! select_extensions {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            ExtensionRow,
            r#"SELECT x.id, x.task_id, x.unit_id, u.short_name AS unit_name, x.checkpoint,
                      x.due_date AS "due_date: NaiveDate",
                      x.requested_date AS "requested_date: NaiveDate", x.reason, x.late, x.state,
                      x.decided_date AS "decided_date: NaiveDate", x.decision_reason,
                      x.requested_at AS "requested_at: DateTime<Utc>",
                      rb.display_name AS "requested_by_name?",
                      x.decided_at AS "decided_at: DateTime<Utc>",
                      db.display_name AS "decided_by_name?", x.version
               FROM extension_requests x JOIN units u ON u.id = x.unit_id
               LEFT JOIN users rb ON rb.id = x.requested_by
               LEFT JOIN users db ON db.id = x.decided_by
            "# + $tail
            $(, $arg)*
        )
    };
}

/// A request to store.
pub struct NewExtension<'a> {
    pub task_id: i64,
    pub unit_id: i64,
    pub checkpoint: Option<i32>,
    pub due_date: NaiveDate,
    pub requested_date: NaiveDate,
    pub reason: &'a str,
    pub late: bool,
    pub requested_by: Option<i64>,
}

pub async fn insert(conn: &mut PgConnection, x: &NewExtension<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO extension_requests (task_id, unit_id, checkpoint, due_date, requested_date,
                                         reason, late, requested_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        x.task_id,
        x.unit_id,
        x.checkpoint,
        x.due_date as _,
        x.requested_date as _,
        x.reason,
        x.late,
        x.requested_by,
    )
    .fetch_one(conn)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<ExtensionRow>> {
    select_extensions!("WHERE x.id = $1", id)
        .fetch_optional(db)
        .await
}

/// The request, locked until the caller's transaction ends (a decision's first step).
pub async fn lock(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<ExtensionRow>> {
    select_extensions!("WHERE x.id = $1 FOR UPDATE OF x", id)
        .fetch_optional(conn)
        .await
}

/// A task's requests, newest first.
pub async fn for_task(db: impl PgExecutor<'_>, task_id: i64) -> sqlx::Result<Vec<ExtensionRow>> {
    select_extensions!(
        "WHERE x.task_id = $1 ORDER BY x.requested_at DESC, x.id DESC",
        task_id
    )
    .fetch_all(db)
    .await
}

/// The requests of many tasks (a list, the API's task pages), newest first.
pub async fn for_tasks(
    db: impl PgExecutor<'_>,
    task_ids: &[i64],
) -> sqlx::Result<Vec<ExtensionRow>> {
    select_extensions!(
        "WHERE x.task_id = ANY($1) ORDER BY x.requested_at DESC, x.id DESC",
        task_ids
    )
    .fetch_all(db)
    .await
}

/// Requests waiting for the office in a plan, oldest first.
pub async fn waiting(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<Vec<ExtensionRow>> {
    select_extensions!(
        "JOIN tasks t ON t.id = x.task_id
         WHERE t.plan_id = $1 AND x.state = 'pending' ORDER BY x.requested_at, x.id",
        plan_id
    )
    .fetch_all(db)
    .await
}

/// The decision on a pending request; false when it is no longer pending at `version`.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    state: &str,
    decided_date: Option<NaiveDate>,
    reason: &str,
    by: Option<i64>,
) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE extension_requests
         SET state = $3, decided_date = $4, decision_reason = $5, decided_by = $6,
             decided_at = now(), version = version + 1
         WHERE id = $1 AND version = $2 AND state = 'pending'",
        id,
        version,
        state,
        decided_date as _,
        reason,
        by,
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Per unit of a plan, its requests made by `until` and, of them, those approved and refused
/// by then: `(unit, asked, approved, refused)` (the summary's column).
pub async fn counts_by_unit(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<(i64, i64, i64, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT x.unit_id, count(*) AS "asked!",
                  count(*) FILTER (WHERE x.state = 'approved' AND x.decided_at <= $2) AS "approved!",
                  count(*) FILTER (WHERE x.state = 'refused' AND x.decided_at <= $2) AS "refused!"
           FROM extension_requests x JOIN tasks t ON t.id = x.task_id
           WHERE t.plan_id = $1 AND x.requested_at <= $2 GROUP BY x.unit_id"#,
        plan_id,
        until as _,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.unit_id, r.asked, r.approved, r.refused))
        .collect())
}

/// A task's plan and code.
pub async fn task_address(
    db: impl PgExecutor<'_>,
    task_id: i64,
) -> sqlx::Result<Option<(i64, String)>> {
    let row = sqlx::query!("SELECT plan_id, code FROM tasks WHERE id = $1", task_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| (r.plan_id, r.code)))
}
