//! Rows of the rounds between office, units and leaders, written straight to the database for
//! the suites that need one to act on (the matrix, the hostile tables, the faults).

use sqlx::PgPool;

/// A 申诉 (任务表述需调整) of `unit_id` on task `code`, answered on `on`, at version 1.
pub async fn contest(pool: &PgPool, plan_id: i64, code: &str, unit_id: i64, on: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO assignment_acknowledgements (task_id, unit_id, accepted, kind, reason,
                                                  answered_on)
         SELECT id, $3, false, 'wording', '任务表述需调整', $4::date FROM tasks
          WHERE plan_id = $1 AND code = $2 RETURNING id",
    )
    .bind(plan_id)
    .bind(code)
    .bind(unit_id)
    .bind(on)
    .fetch_one(pool)
    .await
    .expect("a contest")
}
