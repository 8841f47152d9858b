//! Reads of the database that many tests make, each a small function instead of the same SQL
//! written out again.

use sqlx::PgPool;

/// The one `bigint` that `sql` selects.
pub async fn number(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// How many rows `table` has.
pub async fn count(pool: &PgPool, table: &str) -> i64 {
    number(pool, &format!("SELECT count(*) FROM {table}")).await
}

/// The id of the unit with this short name.
pub async fn unit_id(pool: &PgPool, short_name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM units WHERE short_name = $1")
        .bind(short_name)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("unit {short_name}: {e}"))
}

/// The id of the user with this login.
pub async fn user_id(pool: &PgPool, login: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
        .bind(login)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("user {login}: {e}"))
}

/// The version a task has now (its forms carry it).
pub async fn task_version(pool: &PgPool, code: &str) -> i32 {
    sqlx::query_scalar("SELECT version FROM tasks WHERE code = $1")
        .bind(code)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("task {code}: {e}"))
}

/// The version a report has now (its forms carry it).
pub async fn report_version(pool: &PgPool, id: i64) -> i32 {
    sqlx::query_scalar("SELECT version FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("report {id}: {e}"))
}

/// The id of the one plan (the seeded 2022 plan).
pub async fn plan_id(pool: &PgPool) -> i64 {
    number(pool, "SELECT id FROM plans").await
}
