//! `/healthz`: 200 when the database answers, 503 when it does not.

use axum::extract::State;
use axum::http::StatusCode;
use sqlx::PgPool;

pub fn routes() -> super::Routes {
    super::Routes::default().get("/healthz", healthz)
}

async fn healthz(State(pool): State<PgPool>) -> (StatusCode, &'static str) {
    let ping = crate::db::ping(&pool);
    match tokio::time::timeout(crate::db::ACQUIRE_TIMEOUT, ping).await {
        Ok(Ok(_)) => (StatusCode::OK, "ok\n"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database error");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database timeout\n"),
    }
}
