//! Failed password attempts (sign-in, and the current password on the account page), for
//! throttling per account and per client address.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

/// Serialises the attempts on this account and from this address, until the transaction
/// ends: the account's lock first, then the address's, always in that order, so that two
/// attempts never wait on each other crosswise.
pub async fn lock(conn: &mut PgConnection, login: &str, addr: &str) -> sqlx::Result<()> {
    // The lock function returns void, which has no Rust type: select a constant from it.
    sqlx::query!(
        r#"SELECT true AS "locked!"
           FROM pg_advisory_xact_lock(hashtextextended('duban.sign_in.login:' || $1, 0))"#,
        login,
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        r#"SELECT true AS "locked!"
           FROM pg_advisory_xact_lock(hashtextextended('duban.sign_in.addr:' || $1, 0))"#,
        addr,
    )
    .fetch_one(&mut *conn)
    .await
    .map(|_| ())
}

/// Records a failure (or an attempt in flight, counted as one until it proves right).
pub async fn record_failure(db: impl PgExecutor<'_>, login: &str, addr: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO sign_in_failures (login, client_addr) VALUES ($1, $2) RETURNING id",
        login,
        addr,
    )
    .fetch_one(db)
    .await
}

/// Removes one attempt's own record, when its password proved right; the failures of other
/// attempts stay.
pub async fn forget(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM sign_in_failures WHERE id = $1", id)
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
