//! Rendering templates into responses without ever panicking on a render error.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Renders `page` with `status`; a render failure is logged and answered with a plain 500.
/// The page of a 500 when not even the error page can be rendered (a panic, a template that
/// fails): plain, with nothing from the failure.
pub(crate) const FALLBACK_PAGE: &str = "<!doctype html><meta charset=utf-8><title>服务器错误</title><p>服务器内部错误，请稍后再试。</p>";

pub fn page(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template render failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Html(FALLBACK_PAGE)).into_response()
        }
    }
}

pub fn ok(p: &impl Template) -> Response {
    page(StatusCode::OK, p)
}

/// The content type of an Excel workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file to save, never shown inline: attachments, exports, templates.
pub fn download(body: Vec<u8>, content_type: &'static str, file: &str) -> Response {
    use axum::http::header;
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                crate::formats::attachments::content_disposition(file),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response()
}
