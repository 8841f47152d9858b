//! Failed sign-ins, for throttling per account and per client address.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

pub async fn record_failure(db: impl PgExecutor<'_>, login: &str, addr: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sign_in_failures (login, client_addr) VALUES ($1, $2)",
        login,
        addr,
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// A successful sign-in forgives the account's earlier failures (not the address's).
pub async fn clear_login(db: impl PgExecutor<'_>, login: &str) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM sign_in_failures WHERE login = $1", login)
        .execute(db)
        .await
        .map(|_| ())
}

/// When the lock on this account or address ends, if it is locked now: locked while at least
/// `limit` failures lie within `window`; it ends when the `limit`-th latest failure leaves it.
pub async fn locked_until(
    db: impl PgExecutor<'_>,
    login: &str,
    addr: &str,
    login_limit: i64,
    addr_limit: i64,
    window_secs: i64,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        r#"WITH w AS (
            SELECT login, client_addr, at FROM sign_in_failures
            WHERE at > now() - make_interval(secs => $5) AND (login = $1 OR client_addr = $2)
         ),
         by_login AS (
            SELECT at FROM w WHERE login = $1 ORDER BY at DESC OFFSET $3::bigint - 1 LIMIT 1
         ),
         by_addr AS (
            SELECT at FROM w WHERE client_addr = $2 ORDER BY at DESC OFFSET $4::bigint - 1 LIMIT 1
         )
         SELECT max(at) + make_interval(secs => $5) AS "until: DateTime<Utc>"
         FROM (SELECT at FROM by_login UNION ALL SELECT at FROM by_addr) nth"#,
        login,
        addr,
        login_limit,
        addr_limit,
        window_secs as f64,
    )
    .fetch_one(db)
    .await
}
