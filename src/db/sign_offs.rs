//! 单位负责人签发: the requests for a unit head's sign-off of a report, and their decisions;
//! the units' switch.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

/// One request for sign-off, with its decision once made.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignOffRow {
    pub id: i64,
    pub report_id: i64,
    pub asked_by: i64,
    pub asked_by_name: String,
    pub asked_at: DateTime<Utc>,
    /// The report's version when asked.
    pub version: i32,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub approved: Option<bool>,
    pub reason: Option<String>,
}

/// `query_as!` of [`SignOffRow`]s, then `$tail`.
macro_rules! select_sign_offs {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            SignOffRow,
            r#"SELECT s.id, s.report_id, s.asked_by, a.display_name AS asked_by_name,
                      s.asked_at AS "asked_at: DateTime<Utc>", s.version,
                      d.display_name AS "decided_by_name?",
                      s.decided_at AS "decided_at: DateTime<Utc>", s.approved, s.reason
               FROM report_sign_offs s
               JOIN users a ON a.id = s.asked_by
               LEFT JOIN users d ON d.id = s.decided_by
            "# + $tail
            $(, $arg)*
        )
    };
}

/// The report's open request, locked.
pub async fn open(conn: &mut PgConnection, report_id: i64) -> sqlx::Result<Option<SignOffRow>> {
    select_sign_offs!(
        "WHERE s.report_id = $1 AND s.decided_at IS NULL FOR UPDATE OF s",
        report_id
    )
    .fetch_optional(conn)
    .await
}

/// Every request of a report, newest first.
pub async fn for_report(db: impl PgExecutor<'_>, report_id: i64) -> sqlx::Result<Vec<SignOffRow>> {
    select_sign_offs!("WHERE s.report_id = $1 ORDER BY s.id DESC", report_id)
        .fetch_all(db)
        .await
}

pub async fn ask(
    conn: &mut PgConnection,
    report_id: i64,
    asked_by: i64,
    version: i32,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO report_sign_offs (report_id, asked_by, version) VALUES ($1, $2, $3)
         RETURNING id",
        report_id,
        asked_by,
        version,
    )
    .fetch_one(conn)
    .await
}

pub async fn decide(
    conn: &mut PgConnection,
    id: i64,
    decided_by: Option<i64>,
    approved: bool,
    reason: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE report_sign_offs SET decided_by = $2, decided_at = now(), approved = $3, reason = $4
         WHERE id = $1",
        id,
        decided_by,
        approved,
        reason,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// A report waiting for its unit head.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Waiting {
    pub report_id: i64,
    pub code: String,
    pub period: String,
    pub asked_by_name: String,
    pub asked_at: DateTime<Utc>,
}

/// The unit's reports in the plan waiting for sign-off, oldest first.
pub async fn waiting(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: i64,
) -> sqlx::Result<Vec<Waiting>> {
    sqlx::query_as!(
        Waiting,
        r#"SELECT r.id AS report_id, t.code, r.period, a.display_name AS asked_by_name,
                  s.asked_at AS "asked_at: DateTime<Utc>"
           FROM report_sign_offs s
           JOIN reports r ON r.id = s.report_id
           JOIN tasks t ON t.id = r.task_id
           JOIN users a ON a.id = s.asked_by
           WHERE s.decided_at IS NULL AND t.plan_id = $1 AND r.unit_id = $2
           ORDER BY s.asked_at, s.id"#,
        plan_id,
        unit_id,
    )
    .fetch_all(db)
    .await
}

/// Whether the unit's reports need its head's sign-off; `None` for no such unit.
pub async fn unit_needs(db: impl PgExecutor<'_>, unit_id: i64) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar!("SELECT sign_off FROM units WHERE id = $1", unit_id)
        .fetch_optional(db)
        .await
}

/// Switches the unit's sign-off; false when there is no such unit.
pub async fn set_unit(db: impl PgExecutor<'_>, unit_id: i64, on: bool) -> sqlx::Result<bool> {
    sqlx::query!("UPDATE units SET sign_off = $2 WHERE id = $1", unit_id, on)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// The active unit heads of a unit.
pub async fn heads(db: impl PgExecutor<'_>, unit_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM users
           WHERE unit_id = $1 AND role::text = 'unit_head' AND active"#,
        unit_id
    )
    .fetch_one(db)
    .await
}

/// Bumps the report's version: asking for, or returning from, sign-off changes what the
/// report's forms may do.
pub async fn touch_report(conn: &mut PgConnection, report_id: i64) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        "UPDATE reports SET version = version + 1 WHERE id = $1 RETURNING version",
        report_id
    )
    .fetch_one(conn)
    .await
}

/// Counts per unit of a plan: reports signed off by the head, returned by it, decided by
/// `until` — for the 台账, the summary and the editions.
pub async fn counts_by_unit(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<(i64, i64, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT r.unit_id, count(*) FILTER (WHERE s.approved) AS "signed!",
                  count(*) FILTER (WHERE NOT s.approved) AS "returned!"
           FROM report_sign_offs s JOIN reports r ON r.id = s.report_id
           JOIN tasks t ON t.id = r.task_id
           WHERE t.plan_id = $1 AND s.decided_at <= $2 GROUP BY r.unit_id"#,
        plan_id,
        until as _,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.unit_id, r.signed, r.returned))
        .collect())
}
