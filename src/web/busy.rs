//! Busy or down: a request that could not get a database connection in time is answered 503
//! either way, but the words differ. A pool exhausted by busy requests times out exactly like a
//! pool whose database is away (sqlx retries a refused connection until the acquire timeout),
//! so an answer marked [`DatabaseUnavailable`] is checked against the database itself, over a
//! connection of its own: it answers → 503 “服务繁忙，请稍后再试。” with `Retry-After`; it does
//! not → the outage's 503 “数据库暂时不可用” as before.

use super::error::DatabaseUnavailable;
use super::{ApiError, AppError, AppState};
use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::http::{HeaderValue, Response, header};
use axum::middleware::Next;
use axum::response::IntoResponse;
use sqlx::PgPool;
use std::time::{Duration, Instant};

/// The answer to overload, from the pool, the concurrency limit and the request timeout alike.
pub const BUSY: &str = "服务繁忙，请稍后再试。";

/// How long one look at the database stands for all requests: at most one probe connection a
/// second however many requests time out, and an outage is still told within a second.
const LOOK_STANDS_FOR: Duration = Duration::from_secs(1);

/// The last look at whether the database answers, shared by a process's requests.
#[derive(Default)]
pub struct Reachability {
    last: std::sync::Mutex<Option<(Instant, bool)>>,
    /// One probe at a time; the others wait for its result.
    probing: tokio::sync::Mutex<()>,
}

impl Reachability {
    fn recent(&self) -> Option<bool> {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        last.filter(|(at, _)| at.elapsed() < LOOK_STANDS_FOR)
            .map(|(_, up)| up)
    }

    /// Whether the database answers now, over a connection outside the pool.
    pub async fn database_answers(&self, pool: &PgPool) -> bool {
        if let Some(up) = self.recent() {
            return up;
        }
        let _probe = self.probing.lock().await;
        if let Some(up) = self.recent() {
            return up;
        }
        // Only a refusal or a failure is an outage: a connection merely slow to come (a
        // saturated machine) is not, or overload would be reported as the database away.
        let up = !matches!(
            crate::db::ping_outside_pool(pool).await,
            Err(e) if !matches!(e, sqlx::Error::PoolTimedOut)
        );
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), up));
        up
    }
}

/// Turns an "unavailable" answer into a "busy" one when the database does answer.
pub async fn tell_busy_from_down(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response<Body> {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if res.extensions().get::<DatabaseUnavailable>().is_none() {
        return res;
    }
    let pool = PgPool::from_ref(&state);
    if !state.reachability().database_answers(&pool).await {
        return res;
    }
    tracing::warn!("no database connection in time, but the database answers: busy");
    let error = AppError::Busy(BUSY.into());
    let mut busy = if api {
        ApiError(error).into_response()
    } else {
        error.into_response()
    };
    busy.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    busy
}
