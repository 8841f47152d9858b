//! What the load writes to: every (task, responsible unit) of the 2022 plan with its periods.

use sqlx::PgPool;

#[derive(Debug, Clone)]
pub struct Target {
    pub code: String,
    pub unit_id: i64,
    pub unit: String,
    /// Period keys, first to last (`2022-Q1` …).
    pub periods: Vec<String>,
}

/// The plan's id and its (task, unit) pairs, in task order.
pub async fn targets(pool: &PgPool) -> (i64, Vec<Target>) {
    let plan_id: i64 = sqlx::query_scalar("SELECT id FROM plans ORDER BY id LIMIT 1")
        .fetch_one(pool)
        .await
        .expect("plan");
    let settings = duban::db::plans::settings(pool, plan_id)
        .await
        .expect("settings")
        .expect("plan settings");
    let pairs: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT t.code, u.id, u.short_name FROM task_units tu
           JOIN tasks t ON t.id = tu.task_id JOIN units u ON u.id = tu.unit_id
          WHERE t.plan_id = $1 ORDER BY t.id, tu.role, tu.position",
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await
    .expect("pairs");
    let mut out = Vec::new();
    for (code, unit_id, unit) in pairs {
        let task = duban::db::tasks::get_by_code(pool, plan_id, &code)
            .await
            .expect("task")
            .expect("task row");
        let periods = duban::rules::reporting::task_periods(
            &settings,
            &task.deadline(),
            task.effective_cycle(),
        )
        .into_iter()
        .map(|p| p.key)
        .collect();
        out.push(Target {
            code,
            unit_id,
            unit,
            periods,
        });
    }
    (plan_id, out)
}
