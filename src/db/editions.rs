//! 督办通报 editions, frozen once issued.

use super::Window;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EditionRow {
    pub id: i64,
    pub plan_id: i64,
    pub year: i32,
    pub number: i32,
    pub as_of: NaiveDate,
    pub issued_at: DateTime<Utc>,
    pub issued_by_name: Option<String>,
    pub snapshot: serde_json::Value,
}

impl EditionRow {
    /// `2022年第3期`
    pub fn title(&self) -> String {
        format!("{}年第{}期", self.year, self.number)
    }
}

/// Issues the next edition of the plan's year; numbers never repeat (the caller holds a lock).
pub async fn insert(
    conn: &mut PgConnection,
    plan_id: i64,
    year: i32,
    as_of: NaiveDate,
    snapshot: &serde_json::Value,
    issued_by: Option<i64>,
) -> sqlx::Result<i64> {
    // The lock function returns void, which has no Rust type: select a constant from it.
    sqlx::query!(
        r#"SELECT true AS "locked!" FROM pg_advisory_xact_lock(hashtextextended('duban.editions', $1))"#,
        plan_id,
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query_scalar!(
        "INSERT INTO editions (plan_id, year, number, as_of, snapshot, issued_by)
         SELECT $1, $2, COALESCE(max(number), 0) + 1, $3, $4, $5 FROM editions WHERE plan_id = $1 AND year = $2
         RETURNING id",
        plan_id,
        year,
        as_of as _,
        snapshot,
        issued_by,
    )
    .fetch_one(conn)
    .await
}

/// A plan's editions, newest first: a window of them (without their snapshots, which only the
/// edition's own page reads).
pub async fn page(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    window: Window,
) -> sqlx::Result<Vec<EditionRow>> {
    sqlx::query_as!(
        EditionRow,
        r#"SELECT e.id, e.plan_id, e.year, e.number, e.as_of AS "as_of: NaiveDate",
                  e.issued_at AS "issued_at: DateTime<Utc>",
                  u.display_name AS "issued_by_name?", 'null'::jsonb AS "snapshot!"
           FROM editions e LEFT JOIN users u ON u.id = e.issued_by
           WHERE e.plan_id = $1 ORDER BY e.year DESC, e.number DESC LIMIT $2 OFFSET $3"#,
        plan_id,
        window.limit,
        window.offset,
    )
    .fetch_all(db)
    .await
}

pub async fn count(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM editions WHERE plan_id = $1"#,
        plan_id,
    )
    .fetch_one(db)
    .await
}

/// `(id, year, number)` of every edition of the plan, newest first, for choosing two to compare.
pub async fn numbers(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<Vec<(i64, i32, i32)>> {
    let rows = sqlx::query!(
        "SELECT id, year, number FROM editions WHERE plan_id = $1 ORDER BY year DESC, number DESC",
        plan_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.year, r.number)).collect())
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<EditionRow>> {
    sqlx::query_as!(
        EditionRow,
        r#"SELECT e.id, e.plan_id, e.year, e.number, e.as_of AS "as_of: NaiveDate",
                  e.issued_at AS "issued_at: DateTime<Utc>",
                  u.display_name AS "issued_by_name?", e.snapshot
           FROM editions e LEFT JOIN users u ON u.id = e.issued_by WHERE e.id = $1"#,
        id,
    )
    .fetch_optional(db)
    .await
}

/// The plan's last issued edition (`id`, title, snapshot): what a new one is compared with.
pub async fn latest(
    db: impl PgExecutor<'_>,
    plan_id: i64,
) -> sqlx::Result<Option<(i64, String, serde_json::Value)>> {
    let row = sqlx::query!(
        "SELECT id, year, number, snapshot FROM editions WHERE plan_id = $1
         ORDER BY issued_at DESC, id DESC LIMIT 1",
        plan_id,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, format!("{}年第{}期", r.year, r.number), r.snapshot)))
}

/// Holds the plan's edition numbering for the transaction (as [`insert`] does), so that what
/// is checked before issuing stays true until the edition is in.
pub async fn lock_numbering(conn: &mut PgConnection, plan_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        r#"SELECT true AS "locked!" FROM pg_advisory_xact_lock(hashtextextended('duban.editions', $1))"#,
        plan_id,
    )
    .fetch_one(conn)
    .await
    .map(|_| ())
}
