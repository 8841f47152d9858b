//! The HTTP edge: what every answer carries whoever handled it (caching, HSTS), the `Host`
//! check, and closing a connection whose request body was left unread.

use super::{ApiError, AppError, AppState};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Response, header};
use axum::middleware::Next;
use axum::response::IntoResponse;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

/// Every answer depends on who asks (pages, API, exports, attachments, even the login page,
/// which sets a cookie): no shared cache may keep one. Static assets say otherwise themselves.
const PRIVATE: &str = "private, no-store";
/// What a private answer varies by, for any cache that keeps one despite `no-store`.
const VARY: &str = "Cookie, Authorization";
/// HTTPS only, for a year; not for subdomains (an intranet host's neighbours are not ours).
const HSTS: &str = "max-age=31536000";

/// `Cache-Control: private, no-store` (and `Vary`) where the handler set no caching of its
/// own; `Strict-Transport-Security` when duban is reached over HTTPS (`DUBAN_SECURE_COOKIES`).
pub async fn edge_headers(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response<Body> {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
        headers.append(header::VARY, HeaderValue::from_static(VARY));
    }
    if state.config().secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    res
}

/// With `DUBAN_PUBLIC_URL` set, a request naming another host is refused (400): links and
/// redirects built from a forged `Host` must not lead users elsewhere, and a DNS-rebinding page
/// must not reach duban. `/healthz` answers any host, for probes that address the machine.
pub async fn check_host(State(state): State<AppState>, req: Request, next: Next) -> Response<Body> {
    let Some(expected) = state.config().public_host.as_deref() else {
        return next.run(req).await;
    };
    let path = req.uri().path();
    if path == "/healthz" || host_matches(&req, expected) {
        return next.run(req).await;
    }
    let error = AppError::BadRequest("请求有误：所访问的主机名不是督办系统的地址。".into());
    if path.starts_with("/api/") {
        ApiError(error).into_response()
    } else {
        error.into_response()
    }
}

/// The request's host (the `Host` header, or the authority of an absolute URI) is `expected`;
/// a port that is the scheme's default may be named or not.
fn host_matches(req: &Request, expected: &str) -> bool {
    let given = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    let Some(given) = given else {
        return false;
    };
    let given = given.trim().to_ascii_lowercase();
    if given == expected {
        return true;
    }
    let default_port = [":80", ":443"].iter().find_map(|p| given.strip_suffix(p));
    !expected.contains(':') && default_port == Some(expected)
}

/// A request refused before its body was read (too large, unauthenticated, cross-site, a wrong
/// content type…) leaves that body on the connection; the answer says `Connection: close`, so
/// that the client opens a new connection instead of sending its next request behind bytes the
/// server will not read.
pub async fn close_unread_body(req: Request, next: Next) -> Response<Body> {
    let headers = req.headers();
    let has_body = headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0");
    if !has_body {
        return next.run(req).await;
    }
    let read = Arc::new(AtomicBool::new(false));
    let req = req.map(|body| {
        Body::new(Watched {
            inner: body,
            read: read.clone(),
        })
    });
    let mut res = next.run(req).await;
    if !read.load(Ordering::Acquire) {
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    res
}

/// A request body that notes when it has been read to its end.
struct Watched {
    inner: Body,
    read: Arc<AtomicBool>,
}

impl http_body::Body for Watched {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.read.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
