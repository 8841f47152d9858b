//! 签收 and 申诉: the units' answers to their assignments, and the office's decisions.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

/// An answer with its task's address and the names of who answered and who decided.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AcknowledgementRow {
    pub id: i64,
    pub task_id: i64,
    pub plan_id: i64,
    pub task_code: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub accepted: bool,
    pub kind: Option<String>,
    pub reason: Option<String>,
    pub answered_by_name: Option<String>,
    pub answered_at: DateTime<Utc>,
    pub answered_on: NaiveDate,
    pub decision: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub version: i32,
}

macro_rules! select_acknowledgements {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            AcknowledgementRow,
            r#"SELECT a.id, a.task_id, t.plan_id, t.code AS task_code, a.unit_id,
                      u.short_name AS unit_name, a.accepted, a.kind, a.reason,
                      ab.display_name AS "answered_by_name?",
                      a.answered_at AS "answered_at: DateTime<Utc>",
                      a.answered_on AS "answered_on: NaiveDate", a.decision, a.decision_reason,
                      db.display_name AS "decided_by_name?",
                      a.decided_at AS "decided_at: DateTime<Utc>", a.version
               FROM assignment_acknowledgements a
               JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id
               LEFT JOIN users ab ON ab.id = a.answered_by
               LEFT JOIN users db ON db.id = a.decided_by
            "# + $tail
            $(, $arg)*
        )
    };
}

/// An answer to store.
pub struct NewAcknowledgement<'a> {
    pub task_id: i64,
    pub unit_id: i64,
    pub accepted: bool,
    pub kind: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub answered_by: Option<i64>,
    pub answered_on: NaiveDate,
}

pub async fn insert(conn: &mut PgConnection, a: &NewAcknowledgement<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO assignment_acknowledgements
             (task_id, unit_id, accepted, kind, reason, answered_by, answered_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        a.task_id,
        a.unit_id,
        a.accepted,
        a.kind,
        a.reason,
        a.answered_by,
        a.answered_on as _,
    )
    .fetch_one(conn)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<AcknowledgementRow>> {
    select_acknowledgements!("WHERE a.id = $1", id)
        .fetch_optional(db)
        .await
}

/// Takes the answer's row until commit; gives its version and whether it is decided.
pub async fn lock(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<(i32, bool, bool)>> {
    let r = sqlx::query!(
        r#"SELECT version, accepted, decided_at IS NOT NULL AS "decided!"
           FROM assignment_acknowledgements WHERE id = $1 FOR UPDATE"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(r.map(|r| (r.version, r.accepted, r.decided)))
}

/// A task's answers, by unit order.
pub async fn for_task(
    db: impl PgExecutor<'_>,
    task_id: i64,
) -> sqlx::Result<Vec<AcknowledgementRow>> {
    select_acknowledgements!("WHERE a.task_id = $1 ORDER BY u.sort_order, u.id", task_id)
        .fetch_all(db)
        .await
}

/// A plan's contests awaiting the office, oldest first.
pub async fn open_contests(
    db: impl PgExecutor<'_>,
    plan_id: i64,
) -> sqlx::Result<Vec<AcknowledgementRow>> {
    select_acknowledgements!(
        "WHERE t.plan_id = $1 AND NOT a.accepted AND a.decided_at IS NULL ORDER BY a.id",
        plan_id
    )
    .fetch_all(db)
    .await
}

/// Records the office's decision at `version`; false when the version is no longer that.
pub async fn decide(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    decision: &str,
    reason: &str,
    by: Option<i64>,
) -> sqlx::Result<bool> {
    let n = sqlx::query!(
        "UPDATE assignment_acknowledgements
            SET decision = $3, decision_reason = $4, decided_by = $5, decided_at = now(),
                version = version + 1
          WHERE id = $1 AND version = $2 AND decided_at IS NULL AND NOT accepted",
        id,
        version,
        decision,
        reason,
        by
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Counts per unit of a plan: assignments acknowledged, contested, answered by `as_of` (the
/// duban clock's day) — for the 台账, the summary and the editions.
pub async fn counts_by_unit(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    as_of: chrono::NaiveDate,
) -> sqlx::Result<Vec<(i64, i64, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT a.unit_id, count(*) FILTER (WHERE a.accepted) AS "acknowledged!",
                  count(*) FILTER (WHERE NOT a.accepted) AS "contested!"
           FROM assignment_acknowledgements a JOIN tasks t ON t.id = a.task_id
           WHERE t.plan_id = $1 AND a.answered_on <= $2 GROUP BY a.unit_id"#,
        plan_id,
        as_of as _,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.unit_id, r.acknowledged, r.contested))
        .collect())
}
