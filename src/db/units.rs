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

const UNIT_SELECT: &str = "\
SELECT un.id, un.directory, un.short_name, un.full_name,
       count(*) FILTER (WHERE tu.role = 'lead' AND t.plan_id = $1) AS lead_count,
       count(*) FILTER (WHERE tu.role = 'co' AND t.plan_id = $1) AS co_count
FROM units un
LEFT JOIN task_units tu ON tu.unit_id = un.id
LEFT JOIN tasks t ON t.id = tu.task_id";

/// The units of the plan's directory (its issuer's member units), with their task counts in
/// that plan, in directory order.
pub async fn list_for_plan(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<Vec<UnitRow>> {
    sqlx::query_as(&format!(
        "{UNIT_SELECT}
         WHERE un.directory = (SELECT issuer FROM plans WHERE id = $1)
         GROUP BY un.id ORDER BY un.sort_order, un.id"
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
    sqlx::query_as(&format!("{UNIT_SELECT} WHERE un.id = $2 GROUP BY un.id"))
        .bind(plan_id)
        .bind(unit_id)
        .fetch_optional(db)
        .await
}
