//! Static assets, compiled into the binary so that duban serves them from any working
//! directory and never needs another host.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

const STYLE: &str = include_str!("../../static/style.css");
const PRINT: &str = include_str!("../../static/print.css");
const FAVICON: &str = include_str!("../../static/favicon.svg");
const CACHE: &str = "public, max-age=3600";

pub fn router() -> Router<super::AppState> {
    Router::new()
        .route(
            "/static/style.css",
            get(|| asset("text/css; charset=utf-8", STYLE)),
        )
        .route(
            "/static/print.css",
            get(|| asset("text/css; charset=utf-8", PRINT)),
        )
        .route(
            "/static/favicon.svg",
            get(|| asset("image/svg+xml", FAVICON)),
        )
        .route("/favicon.ico", get(|| asset("image/svg+xml", FAVICON)))
}

async fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, CACHE),
        ],
        body,
    )
}
