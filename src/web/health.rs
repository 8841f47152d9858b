//! `/healthz`, for load balancers and monitoring:
//!
//! - 200 `ok`: the database answers through the pool;
//! - 200 `busy`: no pooled connection within 250 ms (all in use), yet the database answers
//!   over a connection of its own: duban is up and answering, some requests with “服务繁忙”;
//!   taking it out of rotation would only move the load;
//! - 503 `database unavailable`: the database refuses or fails; 503 `database timeout`: it
//!   does not answer within a second.

use axum::extract::State;
use axum::http::StatusCode;
use sqlx::PgPool;
use std::time::Duration;

/// How long the health check waits for a pooled connection before it asks over its own.
const POOL_WAIT: Duration = Duration::from_millis(250);

pub fn routes() -> super::Routes {
    super::Routes::default().get("/healthz", healthz)
}

async fn healthz(State(pool): State<PgPool>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(POOL_WAIT, pool.acquire()).await {
        Ok(Ok(mut conn)) => {
            let ping = crate::db::ping(&mut *conn);
            match tokio::time::timeout(crate::db::ACQUIRE_TIMEOUT, ping).await {
                Ok(Ok(())) => (StatusCode::OK, "ok\n"),
                Ok(Err(e)) => down(&e),
                Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database timeout\n"),
            }
        }
        Ok(Err(e)) if !matches!(e, sqlx::Error::PoolTimedOut) => down(&e),
        // No pooled connection in time: busy, or the database away; asked over our own.
        _ => match crate::db::ping_outside_pool(&pool).await {
            Ok(()) => (StatusCode::OK, "busy\n"),
            Err(sqlx::Error::PoolTimedOut) => {
                (StatusCode::SERVICE_UNAVAILABLE, "database timeout\n")
            }
            Err(e) => down(&e),
        },
    }
}

fn down(e: &sqlx::Error) -> (StatusCode, &'static str) {
    tracing::warn!(error = %e, "health check: database error");
    (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
}
