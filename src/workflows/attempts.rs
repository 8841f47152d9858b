//! Password attempts, throttled per account and per client address: sign-in and the current
//! password on `/account/password` alike.
//!
//! An attempt is recorded as a failure *before* its password is verified, under two advisory
//! locks (the account's, then the address's) held only for the check and the record. So
//! attempts sent at once are counted while still in flight: once the limit of attempts lie in
//! the window, the next is refused without being evaluated, however many arrive together.
//! An attempt whose password proves right removes only its own record; the failures other
//! attempts recorded stay, and keep the lock.

use crate::db;
use crate::db::sign_in::Checked;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// This many failures (attempts in flight included) within the window lock the account until
/// the window has passed.
pub const LOGIN_FAILURE_LIMIT: i64 = 5;
/// Per client address: higher, as one office may sit behind one address.
pub const ADDR_FAILURE_LIMIT: i64 = 20;
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;

/// Check-and-record sections at once in this process. Each holds a pool connection while it
/// waits for its lock; a burst of attempts queues here instead of taking every connection of
/// the pool (which would answer other requests, and the attempts themselves, 503).
const CHECKS_AT_ONCE: usize = 4;

/// The account or the address is locked until `until`.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("登录失败次数过多，请于 {} 后再试（约 {minutes} 分钟）。", .until.with_timezone(&chrono::Local).format("%H:%M"))]
pub struct Throttled {
    pub until: DateTime<Utc>,
    pub minutes: i64,
}

/// An attempt let through: recorded as a failure until [`Attempt::succeeded`] removes it.
#[derive(Debug)]
#[must_use = "an attempt stays a failure unless it is forgiven"]
pub struct Attempt {
    id: i64,
}

impl Attempt {
    /// The password proved right: this attempt's record goes, the others' stay.
    pub async fn succeeded(self, db: impl sqlx::PgExecutor<'_>) -> sqlx::Result<()> {
        db::sign_in::forget(db, self.id).await
    }
}

/// Lets an attempt on `login` from `addr` through, recording it, or refuses it when the
/// account or the address is locked.
pub async fn begin(
    pool: &PgPool,
    login: &str,
    addr: &str,
) -> Result<Result<Attempt, Throttled>, sqlx::Error> {
    static CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CHECKS_AT_ONCE);
    // The semaphore is never closed; were it, checking without it is still correct.
    let _slot = CHECKS.acquire().await.ok();
    let mut tx = pool.begin().await?;
    db::sign_in::lock(&mut tx, login, addr).await?;
    let checked = db::sign_in::check_and_record(
        &mut *tx,
        login,
        addr,
        LOGIN_FAILURE_LIMIT,
        ADDR_FAILURE_LIMIT,
        FAILURE_WINDOW_SECS,
    )
    .await?;
    let outcome = match checked {
        Checked::Locked(until) => Err(Throttled {
            until,
            minutes: ((until - Utc::now()).num_seconds() + 59).max(60) / 60,
        }),
        Checked::Recorded(id) => Ok(Attempt { id }),
    };
    tx.commit().await?;
    Ok(outcome)
}
