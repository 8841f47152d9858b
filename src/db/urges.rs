//! Urges (催办) sent to units about their outstanding reports, and their acknowledgement.

use super::Window;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

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

/// `query_as!` of [`UrgeRow`]s: the urge with its unit's and sender's names, then `$tail`.
macro_rules! select_urges {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            UrgeRow,
            r#"SELECT g.id, g.unit_id, un.short_name AS unit_name, g.period, g.task_codes,
                      g.message, g.created_at AS "created_at: DateTime<Utc>",
                      us.display_name AS "created_by_name?",
                      g.acknowledged_at AS "acknowledged_at: DateTime<Utc>"
               FROM urges g JOIN units un ON un.id = g.unit_id
               LEFT JOIN users us ON us.id = g.created_by
            "# + $tail
            $(, $arg)*
        )
    };
}

pub async fn insert(
    conn: &mut PgConnection,
    plan_id: i64,
    unit_id: i64,
    period: &str,
    codes: &[String],
    message: &str,
    actor_id: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO urges (plan_id, unit_id, period, task_codes, message, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        plan_id,
        unit_id,
        period,
        codes,
        message,
        actor_id,
    )
    .fetch_one(conn)
    .await
}

/// A unit's urges in a plan, unacknowledged first, newest first: a window of them.
pub async fn for_unit(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: i64,
    window: Window,
) -> sqlx::Result<Vec<UrgeRow>> {
    select_urges!(
        "WHERE g.plan_id = $1 AND g.unit_id = $2
         ORDER BY g.acknowledged_at IS NOT NULL, g.created_at DESC, g.id DESC LIMIT $3 OFFSET $4",
        plan_id,
        unit_id,
        window.limit,
        window.offset,
    )
    .fetch_all(db)
    .await
}

pub async fn count_for_unit(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM urges WHERE plan_id = $1 AND unit_id = $2"#,
        plan_id,
        unit_id,
    )
    .fetch_one(db)
    .await
}

pub async fn for_period(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    period: &str,
) -> sqlx::Result<Vec<UrgeRow>> {
    select_urges!(
        "WHERE g.plan_id = $1 AND g.period = $2 ORDER BY g.created_at DESC",
        plan_id,
        period,
    )
    .fetch_all(db)
    .await
}

/// How many of the unit's urges it has not acknowledged yet.
pub async fn unread(db: impl PgExecutor<'_>, unit_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM urges WHERE unit_id = $1 AND acknowledged_at IS NULL"#,
        unit_id,
    )
    .fetch_one(db)
    .await
}

/// Acknowledges an urge of the unit; false when there is no such unacknowledged urge.
pub async fn acknowledge(
    conn: &mut PgConnection,
    id: i64,
    unit_id: i64,
    actor_id: Option<i64>,
) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE urges SET acknowledged_at = now(), acknowledged_by = $3
         WHERE id = $1 AND unit_id = $2 AND acknowledged_at IS NULL",
        id,
        unit_id,
        actor_id,
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// An urge and the plan it was sent in.
pub async fn get(db: &sqlx::PgPool, id: i64) -> sqlx::Result<Option<(i64, UrgeRow)>> {
    let Some(row) = select_urges!("WHERE g.id = $1", id)
        .fetch_optional(db)
        .await?
    else {
        return Ok(None);
    };
    let plan_id = sqlx::query_scalar!("SELECT plan_id FROM urges WHERE id = $1", id)
        .fetch_one(db)
        .await?;
    Ok(Some((plan_id, row)))
}
