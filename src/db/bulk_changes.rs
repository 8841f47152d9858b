//! 批量调整: bulk changes of tasks' units, kept with each task's units before the change so
//! that the change can be undone as one step.

use super::tasks::UnitRole;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

/// A task a bulk change would touch: its code, title and the version it was seen at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkTask {
    pub id: i64,
    pub code: String,
    pub text: String,
    pub version: i32,
    pub unnamed_members: bool,
    /// The unit's role on the task now, if it has the unit.
    pub role: Option<UnitRole>,
    /// How many units the task has.
    pub units: i64,
}

/// The tasks of the plan among `codes`, each with where `unit_id` stands on it, in plan order.
pub async fn tasks_for(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    codes: &[String],
    unit_id: i64,
) -> sqlx::Result<Vec<BulkTask>> {
    sqlx::query_as!(
        BulkTask,
        r#"SELECT t.id, t.code, t.text, t.version, t.unnamed_members,
                  (SELECT tu.role FROM task_units tu WHERE tu.task_id = t.id AND tu.unit_id = $3)
                      AS "role: UnitRole",
                  (SELECT count(*) FROM task_units tu WHERE tu.task_id = t.id) AS "units!"
           FROM tasks t WHERE t.plan_id = $1 AND t.code = ANY($2) ORDER BY t.position"#,
        plan_id,
        codes,
        unit_id,
    )
    .fetch_all(db)
    .await
}

/// A bulk change as recorded.
#[derive(Debug, Clone)]
pub struct BulkChange {
    pub id: i64,
    pub plan_id: i64,
    pub op: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub role: Option<UnitRole>,
    pub made_at: DateTime<Utc>,
    pub undone_at: Option<DateTime<Utc>>,
    pub tasks: i64,
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<BulkChange>> {
    sqlx::query_as!(
        BulkChange,
        r#"SELECT b.id, b.plan_id, b.op, b.unit_id, u.short_name AS unit_name,
                  b.role AS "role: UnitRole", b.made_at AS "made_at: DateTime<Utc>",
                  b.undone_at AS "undone_at: DateTime<Utc>",
                  (SELECT count(*) FROM bulk_change_tasks c WHERE c.change_id = b.id) AS "tasks!"
           FROM bulk_changes b JOIN units u ON u.id = b.unit_id WHERE b.id = $1"#,
        id,
    )
    .fetch_optional(db)
    .await
}

/// Locks the change against a second undo running beside it.
pub async fn lock(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<BulkChange>> {
    sqlx::query!("SELECT id FROM bulk_changes WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(&mut *conn)
        .await?;
    get(conn, id).await
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    op: &str,
    unit_id: i64,
    role: Option<UnitRole>,
    made_by: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO bulk_changes (plan_id, op, unit_id, role, made_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        plan_id,
        op,
        unit_id,
        role as _,
        made_by,
    )
    .fetch_one(db)
    .await
}

pub async fn insert_task(
    db: impl PgExecutor<'_>,
    change_id: i64,
    task_id: i64,
    units_before: &serde_json::Value,
    version_after: i32,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO bulk_change_tasks (change_id, task_id, units_before, version_after)
         VALUES ($1, $2, $3, $4)",
        change_id,
        task_id,
        units_before,
        version_after,
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// One task of a recorded change, with its version now.
#[derive(Debug, Clone)]
pub struct ChangedTask {
    pub task_id: i64,
    pub code: String,
    pub units_before: serde_json::Value,
    pub version_after: i32,
    pub version_now: i32,
}

/// The change's tasks, locked in id order (as every bulk edit locks them).
pub async fn lock_tasks(conn: &mut PgConnection, change_id: i64) -> sqlx::Result<Vec<ChangedTask>> {
    sqlx::query_as!(
        ChangedTask,
        r#"SELECT c.task_id, t.code, c.units_before, c.version_after, t.version AS version_now
           FROM bulk_change_tasks c JOIN tasks t ON t.id = c.task_id
           WHERE c.change_id = $1 ORDER BY t.id FOR UPDATE OF t"#,
        change_id,
    )
    .fetch_all(conn)
    .await
}

pub async fn mark_undone(
    db: impl PgExecutor<'_>,
    change_id: i64,
    by: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE bulk_changes SET undone_at = now(), undone_by = $2 WHERE id = $1",
        change_id,
        by,
    )
    .execute(db)
    .await
    .map(|_| ())
}
