//! `/healthz`, for load balancers and monitoring:
//!
//! - 200 `ok`: the database answers through the pool;
//! - 200 `busy`: every pooled connection is in use (or none came in time), yet the database
//!   answers over a connection of its own. duban is up and answering (some requests “busy”);
//!   taking it out of rotation would only move the load;
//! - 503 `database unavailable`: the database does not answer at all.

use axum::extract::State;
use axum::http::StatusCode;
use sqlx::PgPool;

pub fn routes() -> super::Routes {
    super::Routes::default().get("/healthz", healthz)
}

async fn healthz(State(pool): State<PgPool>) -> (StatusCode, &'static str) {
    if !crate::db::pool_exhausted(&pool) {
        let ping = crate::db::ping(&pool);
        match tokio::time::timeout(crate::db::ACQUIRE_TIMEOUT, ping).await {
            Ok(Ok(_)) => return (StatusCode::OK, "ok\n"),
            // No connection in time: busy or down, asked below.
            Ok(Err(sqlx::Error::PoolTimedOut)) | Err(_) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "health check: database error");
                return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n");
            }
        }
    }
    match crate::db::ping_outside_pool(&pool).await {
        Ok(()) => (StatusCode::OK, "busy\n"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database error");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}
