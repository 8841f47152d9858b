//! 与上年比对: what matching a new plan to last year's reads of the database — the plan of the
//! year before of the same issuer, and its items with their units.

use sqlx::PgExecutor;

/// The issuer's plan of `year`, newest first where there are several: `(id, title)`.
pub async fn plan_of_year(
    db: impl PgExecutor<'_>,
    issuer: &str,
    year: i32,
) -> sqlx::Result<Option<(i64, String)>> {
    let row = sqlx::query!(
        "SELECT id, title FROM plans WHERE issuer = $1 AND year = $2
         ORDER BY issued_on DESC NULLS LAST, id DESC LIMIT 1",
        issuer,
        year,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, r.title)))
}

/// A plan's items in its order: code, text and the names of its units (leads first).
pub async fn items(
    db: impl PgExecutor<'_>,
    plan_id: i64,
) -> sqlx::Result<Vec<(String, String, Vec<String>)>> {
    let rows = sqlx::query!(
        r#"SELECT t.code, t.text,
                  coalesce(array_agg(u.short_name ORDER BY tu.role, tu.position)
                           FILTER (WHERE u.id IS NOT NULL), '{}') AS "units!"
           FROM tasks t
           LEFT JOIN task_units tu ON tu.task_id = t.id
           LEFT JOIN units u ON u.id = tu.unit_id
           WHERE t.plan_id = $1
           GROUP BY t.id ORDER BY t.position"#,
        plan_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.code, r.text, r.units))
        .collect())
}
