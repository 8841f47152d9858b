//! The HTTP application: pages, JSON API, health and assets, built by [`create_app`] apart
//! from binding, so tests drive the same router the server runs.

mod api;
mod assets;
pub mod auth;
mod busy;
pub mod charts;
mod edge;
mod error;
mod forms;
mod health;
pub(crate) mod ids;
mod layers;
pub mod pager;
mod pages;
mod plan_context;
pub mod proxies;
mod render;
pub mod routes;

pub use error::{ApiError, AppError};

use axum::Router;
use axum::extract::FromRef;
use axum::middleware::{from_fn, from_fn_with_state};
use routes::{RouteInfo, Routes};
use sqlx::PgPool;
use std::sync::Arc;

/// Shared state: one `Arc`, with sub-states handed to handlers through `FromRef`.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    pool: PgPool,
    config: WebConfig,
    summaries: Arc<crate::workflows::summary::SummaryCache>,
    reachability: busy::Reachability,
}

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// `Secure` on the session cookie (`DUBAN_SECURE_COOKIES=1`, behind HTTPS).
    pub secure_cookies: bool,
    /// A session unused this long is over.
    pub session_idle: std::time::Duration,
    /// The date the lights are judged on (`DUBAN_TODAY`); `None`: the real date.
    pub today: Option<chrono::NaiveDate>,
    /// Requests handled at once; beyond it duban answers 503 at once instead of queueing.
    pub max_concurrency: usize,
    /// A request not answered within this is answered 503.
    pub request_timeout: std::time::Duration,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`DUBAN_TRUSTED_PROXIES`).
    pub trusted_proxies: proxies::TrustedProxies,
    /// The only `Host` (`host` or `host:port`, lower case) served, from `DUBAN_PUBLIC_URL`;
    /// `None`: any.
    pub public_host: Option<String>,
}

/// "Today" as the lights see it: the real date, or the one configured for demos and tests.
#[derive(Debug, Clone, Copy)]
pub struct Clock(pub Option<chrono::NaiveDate>);

impl Clock {
    pub fn today(self) -> chrono::NaiveDate {
        self.0.unwrap_or_else(|| chrono::Local::now().date_naive())
    }
}

impl FromRef<AppState> for Clock {
    fn from_ref(state: &AppState) -> Clock {
        Clock(state.0.config.today)
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            session_idle: std::time::Duration::from_secs(8 * 3600),
            today: None,
            max_concurrency: 512,
            request_timeout: std::time::Duration::from_secs(30),
            trusted_proxies: proxies::TrustedProxies::default(),
            public_host: None,
        }
    }
}

impl AppState {
    pub fn new(pool: PgPool) -> Self {
        Self::with_config(pool, WebConfig::default())
    }

    pub fn with_config(pool: PgPool, config: WebConfig) -> Self {
        AppState(Arc::new(Inner {
            pool,
            config,
            summaries: Arc::new(crate::workflows::summary::SummaryCache::new(SUMMARIES_KEPT)),
            reachability: busy::Reachability::default(),
        }))
    }

    pub fn config(&self) -> &WebConfig {
        &self.0.config
    }

    fn reachability(&self) -> &busy::Reachability {
        &self.0.reachability
    }
}

/// Summaries kept per process: every plan's today, and some past dates asked for.
const SUMMARIES_KEPT: usize = 64;

impl FromRef<AppState> for Arc<crate::workflows::summary::SummaryCache> {
    fn from_ref(state: &AppState) -> Self {
        state.0.summaries.clone()
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> PgPool {
        state.0.pool.clone()
    }
}

/// Every route, grouped by who may reach it; each group's guard runs before its handlers.
fn routes(state: &AppState) -> Routes {
    let office = pages::office_routes().guard(|r| r.route_layer(from_fn(auth::require_office)));
    let signed_in = pages::signed_in_routes()
        .merge(office)
        .guard(|r| r.route_layer(from_fn_with_state(state.clone(), auth::require_user)));
    let exports = pages::export_routes().guard(|r| {
        r.route_layer(from_fn_with_state(
            state.clone(),
            auth::require_user_or_token,
        ))
    });
    let api_office =
        api::office_routes().guard(|r| r.route_layer(from_fn(auth::require_office_api)));
    let api = api::routes()
        .merge(api_office)
        .guard(|r| r.route_layer(from_fn_with_state(state.clone(), auth::require_token)));
    Routes::default()
        .merge(pages::public_routes())
        .merge(signed_in)
        .merge(exports)
        .nest("/api/v1", api::public_routes().merge(api))
        .merge(health::routes())
        .merge(assets::routes())
}

/// Percent-encodes everything but the unreserved characters and those in `keep`.
pub(crate) fn percent_encode(s: &str, keep: &[u8]) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Every (method, path) the application serves, for the authorization matrix test.
pub fn route_list(state: &AppState) -> Vec<RouteInfo> {
    routes(state).into_parts().1
}

/// The whole application with its middleware.
pub fn create_app(state: AppState) -> Router {
    let (router, _) = routes(&state).into_parts();
    let router = router.fallback(pages::not_found).with_state(state.clone());
    layers::apply(router, &state)
}
