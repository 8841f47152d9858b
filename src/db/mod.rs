//! PostgreSQL access, one module per aggregate. All SQL of duban lives under this module
//! (nothing outside it calls `sqlx::query*`); functions take `impl PgExecutor<'_>` so that they
//! run on the pool or inside a transaction alike.
//!
//! Static statements use sqlx's compile-time checked macros (`query!`, `query_as!`,
//! `query_scalar!`): they are checked against the migrated schema, or against the offline data
//! in `.sqlx/` where DATABASE_URL is unset or `SQLX_OFFLINE=true` (regenerate it with
//! `cargo sqlx prepare -- --all-targets` after changing a query). Runtime-built statements are
//! left only where the SQL text itself varies, each with a comment saying why.

pub mod acknowledgements;
pub mod assignments;
pub mod attachments;
pub mod audit;
pub mod bulk;
pub mod bulk_changes;
pub mod cluster;
pub mod coordination;
pub mod documents;
pub mod editions;
pub mod extensions;
pub mod import;
pub mod instructions;
pub mod matching;
pub mod milestones;
pub mod notices;
pub mod plans;
pub mod reminders;
pub mod reports;
pub mod revision;
pub mod revision_cache;
pub mod sessions;
pub mod sign_in;
pub mod sign_offs;
pub mod tasks;
pub mod tokens;
pub mod units;
pub mod urges;
pub mod users;
mod window;

pub use window::Window;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::time::Duration;

/// The schema migrations, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// How long a request waits for a connection before it is answered 503: short enough that a
/// request fails within 2 s when the database is away, with room for the rest of its work on
/// a busy machine; long against the milliseconds a query holds a connection.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

/// Connections a process keeps by default (`DUBAN_DB_POOL_SIZE`): a few per core of a small
/// database server, and room for several duban processes under PostgreSQL's default limit of
/// 100 connections.
pub const DEFAULT_POOL_SIZE: u32 = 16;

/// A pool that fails fast when the database is away, so requests answer 503 instead of hanging.
pub fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(DEFAULT_POOL_SIZE)
        .acquire_timeout(ACQUIRE_TIMEOUT)
}

pub async fn connect(options: PgConnectOptions, size: u32) -> Result<PgPool, sqlx::Error> {
    pool_options()
        .max_connections(size)
        .connect_with(oltp(options))
        .await
}

/// Session settings for many small queries at once on a few cores: no JIT compilation (it
/// cost more than whole page queries on the large data) and no parallel workers (they take
/// the cores that other requests are waiting for).
pub fn oltp(options: PgConnectOptions) -> PgConnectOptions {
    options.options([("jit", "off"), ("max_parallel_workers_per_gather", "0")])
}

/// Whether the database answers at all (the health check).
pub async fn ping(db: impl sqlx::PgExecutor<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT 1 AS one")
        .fetch_one(db)
        .await
        .map(|_| ())
}

/// Whether the database answers, over a connection of its own outside the pool (which may be
/// exhausted by busy requests, or hold only broken connections): the honest answer to "is the
/// database up?" when the pool cannot give one.
pub async fn ping_outside_pool(pool: &PgPool) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let options = pool.connect_options();
    let attempt = async {
        let mut conn = sqlx::PgConnection::connect_with(&options).await?;
        let result = ping(&mut conn).await;
        let _ = conn.close().await;
        result
    };
    match tokio::time::timeout(ACQUIRE_TIMEOUT, attempt).await {
        Ok(result) => result,
        // No answer in time: told apart from a refusal by the callers.
        Err(_) => Err(sqlx::Error::PoolTimedOut),
    }
}

/// True when the error means the database cannot be reached (rather than a bad query): no
/// connection to be had, a connection that broke, or a server that is shutting down or starting
/// (SQLSTATE class 08, and 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE` pattern.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
