//! Units (成员单位) and their tasks.

use sqlx::PgExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitRow {
    pub id: i64,
    pub directory: String,
    pub short_name: String,
    pub full_name: String,
    pub lead_count: i64,
    pub co_count: i64,
}

// Counts per unit through the unit's own task links (an index lookup per unit listed), so a
// page of units never reads every task of the plan.
const UNIT_SELECT: &str = "\
SELECT un.id, un.directory, un.short_name, un.full_name,
       COALESCE(c.lead_count, 0) AS lead_count, COALESCE(c.co_count, 0) AS co_count
FROM units un
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE tu.role = 'lead') AS lead_count,
           count(*) FILTER (WHERE tu.role = 'co') AS co_count
    FROM task_units tu JOIN tasks t ON t.id = tu.task_id
    WHERE tu.unit_id = un.id AND t.plan_id = $1
) c ON true";

const IN_DIRECTORY: &str = "un.directory = (SELECT issuer FROM plans WHERE id = $1)";

/// The units of the plan's directory (its issuer's member units), with their task counts in
/// that plan, in directory order: `limit` of them from `offset` on.
pub async fn page_for_plan(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<UnitRow>> {
    sqlx::query_as(&format!(
        "{UNIT_SELECT} WHERE {IN_DIRECTORY}
         ORDER BY un.sort_order, un.id LIMIT $2 OFFSET $3"
    ))
    .bind(plan_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_for_plan(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM units un WHERE {IN_DIRECTORY}"
    ))
    .bind(plan_id)
    .fetch_one(db)
    .await
}

/// How many of the directory's units have tasks in the plan.
pub async fn count_with_tasks(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM units un WHERE {IN_DIRECTORY} AND EXISTS (
             SELECT 1 FROM task_units tu JOIN tasks t ON t.id = tu.task_id
             WHERE tu.unit_id = un.id AND t.plan_id = $1)"
    ))
    .bind(plan_id)
    .fetch_one(db)
    .await
}

/// The plan directory's units, id and name only, for choosing one in a form.
pub async fn choices_for_plan(
    db: impl PgExecutor<'_>,
    plan_id: i64,
) -> sqlx::Result<Vec<super::users::UnitChoice>> {
    sqlx::query_as(&format!(
        "SELECT un.id, un.short_name, un.directory FROM units un WHERE {IN_DIRECTORY}
         ORDER BY un.sort_order, un.id"
    ))
    .bind(plan_id)
    .fetch_all(db)
    .await
}

/// One unit, with its task counts in the given plan.
pub async fn get(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: i64,
) -> sqlx::Result<Option<UnitRow>> {
    sqlx::query_as(&format!("{UNIT_SELECT} WHERE un.id = $2"))
        .bind(plan_id)
        .bind(unit_id)
        .fetch_optional(db)
        .await
}
