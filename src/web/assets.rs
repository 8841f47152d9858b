//! Static assets, compiled into the binary so that duban serves them from any working
//! directory and never needs another host.

use axum::http::header;
use axum::response::IntoResponse;

const STYLE: &str = include_str!("../../static/style.css");
const PRINT: &str = include_str!("../../static/print.css");
const FAVICON: &str = include_str!("../../static/favicon.svg");
const CACHE: &str = "public, max-age=3600";

pub fn routes() -> super::Routes {
    super::Routes::default()
        .get("/static/style.css", || {
            asset("text/css; charset=utf-8", STYLE)
        })
        .get("/static/print.css", || {
            asset("text/css; charset=utf-8", PRINT)
        })
        .get("/static/favicon.svg", || asset("image/svg+xml", FAVICON))
        .get("/favicon.ico", || asset("image/svg+xml", FAVICON))
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
