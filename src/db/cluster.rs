//! The PostgreSQL cluster itself, as the embedded server sets it up: its databases. These run
//! on a connection to the maintenance database, not to duban's.

use sqlx::PgConnection;

pub async fn database_exists(conn: &mut PgConnection, name: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS "exists!""#,
        name,
    )
    .fetch_one(conn)
    .await
}

/// Creates the database `name`, which must be a plain identifier (no `"`).
pub async fn create_database(conn: &mut PgConnection, name: &str) -> sqlx::Result<()> {
    debug_assert!(!name.contains('"'));
    // Built at run time: CREATE DATABASE takes its name as an identifier, not a parameter.
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(conn)
        .await
        .map(|_| ())
}
