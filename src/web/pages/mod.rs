//! Server-rendered pages. Each page's struct sits beside its handler.

mod home;
mod query;
mod task;
mod tasks;
mod units;
mod views;

use super::AppError;
use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn router() -> Router<super::AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/tasks", get(tasks::list))
        .route("/tasks/{code}", get(task::show))
        .route("/units", get(units::list))
        .route("/units/{id}", get(units::show))
}

/// Any path no route claims.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return super::ApiError(AppError::NotFound("没有这个接口".into())).into_response();
    }
    AppError::NotFound("您访问的页面不存在。".into()).into_response()
}
