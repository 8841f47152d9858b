//! The HTTP application: pages, JSON API, health and assets, built by [`create_app`] apart
//! from binding, so tests drive the same router the server runs.

mod api;
mod assets;
mod error;
mod health;
mod layers;
mod pages;
mod plan_context;
mod render;

pub use error::{ApiError, AppError};

use axum::Router;
use axum::extract::FromRef;
use sqlx::PgPool;
use std::sync::Arc;

/// Shared state: one `Arc`, with sub-states handed to handlers through `FromRef`.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    pool: PgPool,
}

impl AppState {
    pub fn new(pool: PgPool) -> Self {
        AppState(Arc::new(Inner { pool }))
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> PgPool {
        state.0.pool.clone()
    }
}

/// The whole application with its middleware.
pub fn create_app(state: AppState) -> Router {
    let routes = Router::new()
        .merge(pages::router())
        .nest("/api/v1", api::router())
        .merge(health::router())
        .merge(assets::router())
        .fallback(pages::not_found)
        .with_state(state);
    layers::apply(routes)
}
