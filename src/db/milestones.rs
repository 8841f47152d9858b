//! 任务分解: a task's milestones.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};

/// A milestone with its unit's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MilestoneRow {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub output: String,
    pub due_on: NaiveDate,
    pub weight: i32,
    pub done_on: Option<NaiveDate>,
    pub version: i32,
}

/// `query_as!` of [`MilestoneRow`]s, then `$tail`.
macro_rules! select_milestones {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            MilestoneRow,
            r#"SELECT m.id, m.task_id, m.unit_id, u.short_name AS unit_name, m.output,
                      m.due_on AS "due_on: NaiveDate", m.weight,
                      m.done_on AS "done_on: NaiveDate", m.version
               FROM milestones m JOIN units u ON u.id = m.unit_id
            "# + $tail
            $(, $arg)*
        )
    };
}

/// A task's milestones by date.
pub async fn for_task(db: impl PgExecutor<'_>, task_id: i64) -> sqlx::Result<Vec<MilestoneRow>> {
    select_milestones!("WHERE m.task_id = $1 ORDER BY m.due_on, m.id", task_id)
        .fetch_all(db)
        .await
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<MilestoneRow>> {
    select_milestones!("WHERE m.id = $1", id)
        .fetch_optional(db)
        .await
}

pub async fn lock(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<MilestoneRow>> {
    select_milestones!("WHERE m.id = $1 FOR UPDATE OF m", id)
        .fetch_optional(conn)
        .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut PgConnection,
    task_id: i64,
    unit_id: i64,
    output: &str,
    due_on: NaiveDate,
    weight: i32,
    created_by: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO milestones (task_id, unit_id, output, due_on, weight, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        task_id,
        unit_id,
        output,
        due_on as _,
        weight,
        created_by,
    )
    .fetch_one(conn)
    .await
}

/// Done on `day` by `by`, or (`day` none) open again.
pub async fn set_done(
    conn: &mut PgConnection,
    id: i64,
    day: Option<NaiveDate>,
    by: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE milestones SET done_on = $2, done_by = CASE WHEN $2::date IS NULL THEN NULL ELSE $3::bigint END,
                version = version + 1
         WHERE id = $1",
        id,
        day as _,
        by,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn delete(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM milestones WHERE id = $1", id)
        .execute(conn)
        .await
        .map(|_| ())
}
