//! JSON API, version 1 (read-only for now).

mod plans;

use axum::Router;
use axum::routing::get;

pub fn router() -> Router<super::AppState> {
    Router::new()
        .route("/plans", get(plans::list))
        .route("/plans/{id}/tasks", get(plans::tasks))
}
