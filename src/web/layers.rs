//! Middleware: tracing, panic catching, timeouts, body limits and security headers.

use super::{AppError, AppState};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Response, StatusCode, header};
use axum::response::IntoResponse;
use sqlx::PgPool;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::{CsrfLayer, ProtectionError};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

/// The largest body of any route that takes no files (those raise it for themselves).
pub(crate) const BODY_LIMIT: usize = 1024 * 1024;

/// No inline script anywhere, no framing, nothing from another host.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn apply(router: Router, state: &AppState) -> Router {
    router
        .layer(session_layer(state))
        .layer(axum::middleware::from_fn(session_store_down))
        // Outside the session layer: its store's pool timeouts are told apart too.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::busy::tell_busy_from_down,
        ))
        .layer(CsrfLayer::new().with_rejection_response(csrf_rejection))
        // Extractors read this limit; the upload route raises it for itself.
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            state.config().request_timeout,
        ))
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(overloaded))
                .layer(tower::load_shed::LoadShedLayer::new())
                // One semaphore for the whole application: `Router::layer` wraps every route
                // on its own, and a per-route limit would let each route fill up separately.
                .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                    state.config().max_concurrency,
                )),
        )
        .layer(axum::middleware::from_fn(refuse_malformed_address))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::edge::check_host,
        ))
        .layer(axum::middleware::from_fn(localize_rejections))
        .layer(CatchPanicLayer::custom(panic_response))
        // Outermost, so that every answer is covered, refusals and panics included.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::edge::edge_headers,
        ))
        .layer(axum::middleware::from_fn(super::edge::close_unread_body))
        // Failures are logged once, where they happen (`AppError::log`, `panic_response`).
        .layer(TraceLayer::new_for_http().on_failure(()))
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// A panic in a handler is logged and answered with a generic page; the process lives on.
fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "handler panicked");
    let mut res = Response::new(Body::from(super::render::FALLBACK_PAGE));
    *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}

/// Server-side sessions in PostgreSQL: `HttpOnly`, `SameSite=Lax`, `Secure` when configured,
/// ended after a period of inactivity.
fn session_layer(state: &AppState) -> SessionManagerLayer<PostgresStore> {
    use axum::extract::FromRef;
    // The store's default table, tower_sessions.session, is created by our migrations.
    let store = PostgresStore::new(PgPool::from_ref(state));
    let idle = state.config().session_idle;
    SessionManagerLayer::new(store)
        .with_name("duban_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config().secure_cookies)
        // Saved when changed; `require_user` touches it now and then to renew the idle expiry.
        .with_always_save(false)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::seconds(idle.as_secs() as i64),
        ))
}

/// The session layer answers a bare 500 (no body, no content type) when it cannot save the
/// session at the end of a request: its store, the database, is away. That is a 503 like every
/// other database outage, with the usual page or JSON.
async fn session_store_down(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response<Body> {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || res.headers().contains_key(header::CONTENT_TYPE)
    {
        return res;
    }
    let error = AppError::Unavailable("session store: session not saved".into());
    if api {
        super::ApiError(error).into_response()
    } else {
        error.into_response()
    }
}

/// A cross-site state-changing request: refused with a page that says why.
fn csrf_rejection(_: ProtectionError) -> Response<Body> {
    AppError::CrossSite.into_response()
}

/// Too many requests at once: answered at once, so that clients retry rather than pile up.
async fn overloaded(_: tower::BoxError) -> (StatusCode, [(HeaderName, &'static str); 1], String) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "1")],
        format!("{}\n", super::busy::BUSY),
    )
}

/// A path or query whose percent-escapes are not UTF-8, or decode to a control character
/// (`%00`, which PostgreSQL cannot store), names nothing: a 400 for every route, before any
/// handler could read it.
async fn refuse_malformed_address(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response<Body> {
    use super::forms::address_fault;
    let uri = req.uri();
    let message = if let Some(f) = address_fault(uri.path()) {
        f.message(false)
    } else if let Some(f) = address_fault(uri.query().unwrap_or("")) {
        f.message(true)
    } else {
        return next.run(req).await;
    };
    let error = AppError::BadRequest(message.into());
    if uri.path().starts_with("/api/") {
        super::ApiError(error).into_response()
    } else {
        error.into_response()
    }
}

/// axum's own refusals (a malformed path, a body too large, a wrong content type) are plain
/// English text; they are answered like every other error here: a Chinese page, or JSON for
/// the API.
async fn localize_rejections(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response<Body> {
    // The health check's few words are for probes, and say what is wrong: kept as they are.
    if req.uri().path() == "/healthz" {
        return next.run(req).await;
    }
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    // axum's refusals are plain text or have no body at all.
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("text/plain"));
    if !(status.is_client_error() || status == StatusCode::SERVICE_UNAVAILABLE) || !plain {
        return res;
    }
    // A 503 here is the timeout (no body) or the load shedder (a short text).
    let timed_out = axum::body::HttpBody::size_hint(res.body()).exact() == Some(0);
    let message = match status {
        StatusCode::SERVICE_UNAVAILABLE if timed_out => "请求处理超时，请稍后再试。",
        StatusCode::SERVICE_UNAVAILABLE => super::busy::BUSY,
        StatusCode::PAYLOAD_TOO_LARGE => "提交的内容过大。",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "提交的内容格式不对。",
        StatusCode::METHOD_NOT_ALLOWED => "不支持这种请求方式。",
        StatusCode::NOT_FOUND => "您访问的页面不存在。",
        _ => "请求有误：网址或提交的内容无效。",
    };
    let error = if status == StatusCode::NOT_FOUND {
        AppError::NotFound(message.into())
    } else if status == StatusCode::SERVICE_UNAVAILABLE {
        AppError::Busy(message.into())
    } else {
        AppError::BadRequest(message.into())
    };
    let mut out = if api {
        super::ApiError(error).into_response()
    } else {
        error.into_response()
    };
    *out.status_mut() = status;
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = res.headers().get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}
