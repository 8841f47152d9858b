//! Server-rendered pages. Each page's struct sits beside its handler.

mod account;
mod admin;
mod home;
mod login;
mod query;
mod reporting;
mod task;
mod tasks;
mod units;
mod views;

use super::{AppError, Routes};
use axum::response::{IntoResponse, Response};

/// Reachable without signing in.
pub fn public_routes() -> Routes {
    Routes::default()
        .get("/login", login::form)
        .post("/login", login::submit)
}

/// Any signed-in user (the guard is applied by `web::routes`).
pub fn signed_in_routes() -> Routes {
    Routes::default()
        .get("/", home::show)
        .get("/tasks", tasks::list)
        .get("/tasks/{code}", task::show)
        .get("/units", units::list)
        .get("/units/{id}", units::show)
        .post("/logout", login::logout)
        .get("/account/password", account::form)
        .post("/account/password", account::submit)
}

/// Office staff only.
pub fn office_routes() -> Routes {
    admin::routes()
        .post("/plans/{id}/settings", home::save_settings)
        .post("/units", units::create)
        .get("/reporting", reporting::show)
        .post("/tasks/bulk-units", tasks::bulk_units)
        .post("/tasks/{code}/units", task::save_units)
        .post("/tasks/{code}/schedule", task::save_schedule)
}

/// Any path no route claims.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return super::ApiError(AppError::NotFound("没有这个接口".into())).into_response();
    }
    AppError::NotFound("您访问的页面不存在。".into()).into_response()
}
