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

/// Removes one attempt's own record, when its password proved right; the failures of other
/// attempts stay.
pub async fn forget(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM sign_in_failures WHERE id = $1", id)
        .execute(db)
        .await
        .map(|_| ())
}

/// What [`check_and_record`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Locked until then; nothing recorded.
    Locked(DateTime<Utc>),
    /// Not locked: the attempt is recorded as a failure under this id.
    Recorded(i64),
}

/// Whether this account or address is locked now, and if not, records the attempt as a
/// failure, in one statement (the caller holds [`lock`], so nothing comes between). Locked
/// while at least `limit` failures lie within `window`; the lock ends when the `limit`-th
/// latest failure leaves it.
pub async fn check_and_record(
    db: impl PgExecutor<'_>,
    login: &str,
    addr: &str,
    login_limit: i64,
    addr_limit: i64,
    window_secs: i64,
) -> sqlx::Result<Checked> {
    let row = sqlx::query!(
        r#"WITH w AS (
            SELECT login, client_addr, at FROM sign_in_failures
            WHERE at > now() - make_interval(secs => $5) AND (login = $1 OR client_addr = $2)
         ),
         by_login AS (
            SELECT at FROM w WHERE login = $1 ORDER BY at DESC OFFSET $3::bigint - 1 LIMIT 1
         ),
         by_addr AS (
            SELECT at FROM w WHERE client_addr = $2 ORDER BY at DESC OFFSET $4::bigint - 1 LIMIT 1
         ),
         locked AS (
            SELECT max(at) + make_interval(secs => $5) AS until
            FROM (SELECT at FROM by_login UNION ALL SELECT at FROM by_addr) nth
         ),
         recorded AS (
            INSERT INTO sign_in_failures (login, client_addr)
            SELECT $1, $2 FROM locked WHERE until IS NULL
            RETURNING id
         )
         SELECT (SELECT until FROM locked) AS "until: DateTime<Utc>",
                (SELECT id FROM recorded) AS "id""#,
        login,
        addr,
        login_limit,
        addr_limit,
        window_secs as f64,
    )
    .fetch_one(db)
    .await?;
    match (row.until, row.id) {
        (Some(until), _) => Ok(Checked::Locked(until)),
        (None, Some(id)) => Ok(Checked::Recorded(id)),
        // The insert runs exactly when no lock was found.
        (None, None) => Err(sqlx::Error::RowNotFound),
    }
}
