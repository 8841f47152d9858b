//! PostgreSQL access. All SQL of duban lives under this module; functions take
//! `impl PgExecutor<'_>` so that they run on the pool or inside a transaction alike.

pub mod assignments;
pub mod audit;
pub mod bulk;
pub mod editions;
pub mod import;
pub mod plans;
pub mod reports;
pub mod sign_in;
pub mod tasks;
pub mod tokens;
pub mod units;
pub mod users;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::time::Duration;

/// The schema migrations, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// A pool that fails fast when the database is away, so requests answer 503 instead of hanging.
pub fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(2))
}

pub async fn connect(options: PgConnectOptions) -> Result<PgPool, sqlx::Error> {
    pool_options().connect_with(oltp(options)).await
}

/// Session settings for many small queries at once on a few cores: no JIT compilation (it
/// cost more than whole page queries on the large data) and no parallel workers (they take
/// the cores that other requests are waiting for).
pub fn oltp(options: PgConnectOptions) -> PgConnectOptions {
    options.options([("jit", "off"), ("max_parallel_workers_per_gather", "0")])
}

/// True when the error means the database cannot be reached (rather than a bad query).
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    matches!(
        e,
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
    )
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
