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

/// Writes the proposal for plan `plan_id` against plan `previous_plan_id`: one row per task,
/// `(code, previous code, label, similarity)`.
pub async fn insert(
    conn: &mut sqlx::PgConnection,
    plan_id: i64,
    previous_plan_id: i64,
    rows: &[(String, Option<String>, String, Option<f64>)],
) -> sqlx::Result<u64> {
    let codes: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let previous: Vec<Option<&str>> = rows.iter().map(|r| r.1.as_deref()).collect();
    let labels: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    let similarity: Vec<Option<f32>> = rows.iter().map(|r| r.3.map(|s| s as f32)).collect();
    sqlx::query!(
        r#"INSERT INTO task_matches (task_id, previous_task_id, label, similarity)
           SELECT t.id, p.id, m.label, m.similarity
           FROM unnest($3::text[], $4::text[], $5::text[], $6::real[])
                AS m(code, previous, label, similarity)
           JOIN tasks t ON t.plan_id = $1 AND t.code = m.code
           LEFT JOIN tasks p ON p.plan_id = $2 AND p.code = m.previous"#,
        plan_id,
        previous_plan_id,
        &codes as &[&str],
        &previous as &[Option<&str>],
        &labels as &[&str],
        &similarity as &[Option<f32>],
    )
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
}

/// One task's match, as the review page and the task show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MatchRow {
    pub task_id: i64,
    pub code: String,
    pub text: String,
    pub previous_task_id: Option<i64>,
    pub previous_plan_id: Option<i64>,
    pub previous_year: Option<i32>,
    pub previous_code: Option<String>,
    pub previous_text: Option<String>,
    pub label: String,
    pub similarity: Option<f32>,
    pub state: String,
    pub version: i32,
}

/// `query_as!` of [`MatchRow`]s, then `$tail`.
macro_rules! select_matches {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            MatchRow,
            r#"SELECT t.id AS task_id, t.code, t.text, m.previous_task_id,
                      p.plan_id AS "previous_plan_id?", pl.year AS "previous_year?",
                      p.code AS "previous_code?", p.text AS "previous_text?",
                      m.label, m.similarity, m.state, m.version
               FROM task_matches m JOIN tasks t ON t.id = m.task_id
               LEFT JOIN tasks p ON p.id = m.previous_task_id
               LEFT JOIN plans pl ON pl.id = p.plan_id
            "# + $tail
            $(, $arg)*
        )
    };
}

/// The plan's matches in its order.
pub async fn for_plan(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<Vec<MatchRow>> {
    select_matches!("WHERE t.plan_id = $1 ORDER BY t.position", plan_id)
        .fetch_all(db)
        .await
}

/// The matches of these tasks.
pub async fn for_tasks(db: impl PgExecutor<'_>, task_ids: &[i64]) -> sqlx::Result<Vec<MatchRow>> {
    select_matches!("WHERE m.task_id = ANY($1)", task_ids)
        .fetch_all(db)
        .await
}

/// The task's match, locked.
pub async fn lock(conn: &mut sqlx::PgConnection, task_id: i64) -> sqlx::Result<Option<MatchRow>> {
    select_matches!("WHERE m.task_id = $1 FOR UPDATE OF m", task_id)
        .fetch_optional(conn)
        .await
}

/// The office's review: the task continues `previous_task_id` (none: it is new).
pub async fn review(
    conn: &mut sqlx::PgConnection,
    task_id: i64,
    previous_task_id: Option<i64>,
    label: &str,
    similarity: Option<f64>,
    reviewer: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE task_matches SET previous_task_id = $2, label = $3, similarity = $4,
                state = 'reviewed', reviewed_by = $5, reviewed_at = now(), version = version + 1
         WHERE task_id = $1",
        task_id,
        previous_task_id,
        label,
        similarity.map(|s| s as f32),
        reviewer,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// A task of a plan by code, with its text and the names of its units (leads first).
pub async fn task_with_units(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    code: &str,
) -> sqlx::Result<Option<(i64, String, Vec<String>)>> {
    let row = sqlx::query!(
        r#"SELECT t.id, t.text,
                  coalesce(array_agg(u.short_name ORDER BY tu.role, tu.position)
                           FILTER (WHERE u.id IS NOT NULL), '{}') AS "units!"
           FROM tasks t
           LEFT JOIN task_units tu ON tu.task_id = t.id
           LEFT JOIN units u ON u.id = tu.unit_id
           WHERE t.plan_id = $1 AND t.code = $2
           GROUP BY t.id"#,
        plan_id,
        code,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, r.text, r.units)))
}

/// Last year's items (`last_plan_id`) no item of plan `plan_id` continues: code and text.
pub async fn dropped(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    last_plan_id: i64,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "SELECT p.code, p.text FROM tasks p
         WHERE p.plan_id = $2
           AND NOT EXISTS (SELECT 1 FROM task_matches m JOIN tasks t ON t.id = m.task_id
                           WHERE t.plan_id = $1 AND m.previous_task_id = p.id)
         ORDER BY p.position",
        plan_id,
        last_plan_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.code, r.text)).collect())
}
