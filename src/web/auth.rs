//! Who is asking: the signed-in user (pages, by session) or the token holder (API). Guards
//! decide on the server, per route group, before any handler runs.

use super::proxies::TrustedProxies;
use super::{ApiError, AppError, AppState};
use crate::db;
use crate::rules::access::Access;
use crate::rules::auth::{Role, hash_token};
use axum::extract::{ConnectInfo, FromRef, FromRequestParts, OriginalUri, Request, State};
use axum::http::Method;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::net::SocketAddr;
use tower_sessions::Session;

/// The session's record of who signed in.
const SESSION_USER: &str = crate::rules::auth::SESSION_USER_KEY;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SessionUser {
    pub user_id: i64,
    /// Derived from the password hash: a password change ends every other session.
    pub stamp: String,
}

pub fn password_stamp(password_hash: &str) -> String {
    hex::encode(&Sha256::digest(password_hash.as_bytes())[..8])
}

/// The user behind the request, loaded fresh from the database on every request (so that a
/// disabled account or a changed role takes effect at once).
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub must_change_password: bool,
    /// 未读消息: for the header of every page (0 for API callers, whose answers have none).
    pub unread_notices: i64,
}

impl CurrentUser {
    /// What this user may read and do ([`crate::rules::access`]).
    pub fn access(&self) -> Access {
        Access::new(self.role, self.unit_id)
    }

    pub fn role_label(&self) -> &'static str {
        self.role.label()
    }

    /// This user acting from `addr`, for the audit log and histories.
    pub fn actor(&self, addr: String) -> crate::db::audit::Actor {
        crate::db::audit::Actor {
            user_id: Some(self.id),
            login: Some(self.login.clone()),
            addr: Some(addr),
        }
    }

    fn from_row(u: db::users::UserRow) -> Self {
        CurrentUser {
            id: u.id,
            login: u.login,
            display_name: u.display_name,
            role: u.role,
            unit_id: u.unit_id,
            unit_name: u.unit_name,
            must_change_password: u.must_change_password,
            unread_notices: 0,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Put there by a guard; a handler outside every guard is a programming error that
        // must fail closed.
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(AppError::Forbidden)
    }
}

/// The client's address: as the socket sees it, or as a trusted reverse proxy forwarded it
/// ([`super::proxies`]). Used by the sign-in lock and the audit log.
pub fn client_addr(parts: &Parts, trusted: &TrustedProxies) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(
            || "unknown".to_string(),
            |c| trusted.client(c.0.ip(), &parts.headers).to_string(),
        )
}

pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr
where
    AppState: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        Ok(ClientAddr(client_addr(
            parts,
            &state.config().trusted_proxies,
        )))
    }
}

/// Only a local path (`/…`, not `//host` or `/\host`) may be a redirect target.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control() || c == '\\') =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

fn to_login(uri: &axum::http::Uri) -> Response {
    let target = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let next = super::percent_encode(target, b"/");
    Redirect::to(&format!("/login?next={next}")).into_response()
}

/// The signed-in user of this session, if the session is still good.
pub async fn session_user(
    pool: &PgPool,
    session: &Session,
) -> Result<Option<CurrentUser>, AppError> {
    let su = match session.get::<SessionUser>(SESSION_USER).await {
        Ok(Some(su)) => su,
        Ok(None) => return Ok(None),
        // A record we cannot read is no sign-in; a store that cannot be reached is a 503.
        Err(tower_sessions::session::Error::SerdeJson(_)) => return Ok(None),
        Err(e) => return Err(AppError::Unavailable(format!("session store: {e}"))),
    };
    let user = db::users::by_id(pool, su.user_id).await?;
    match user {
        Some(u) if u.active && password_stamp(&u.password_hash) == su.stamp => {
            let unread_notices = db::notices::count(pool, u.id, true).await?;
            Ok(Some(CurrentUser {
                unread_notices,
                ..CurrentUser::from_row(u)
            }))
        }
        _ => {
            // Disabled, deleted or password changed elsewhere: this session is over.
            let _ = session.flush().await;
            Ok(None)
        }
    }
}

/// Starts a signed-in session under a new id (no session fixation).
pub async fn begin_session(
    session: &Session,
    user_id: i64,
    password_hash: &str,
) -> Result<(), AppError> {
    session.cycle_id().await?;
    session
        .insert(
            SESSION_USER,
            SessionUser {
                user_id,
                stamp: password_stamp(password_hash),
            },
        )
        .await
        .map_err(AppError::from)
}

/// Paths a user who must change their password may still reach.
const PASSWORD_CHANGE_PATHS: &[&str] = &["/account/password", "/logout"];

/// Guard for every page: a signed-in, active user, or a redirect to `/login`.
pub async fn require_user(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let pool = PgPool::from_ref(&state);
    let uri = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri().clone(), |o| o.0.clone());
    match session_user(&pool, &session).await {
        Ok(Some(user)) => {
            // Renewed on reads only: a write's answer must not hang on saving the session
            // after its transaction committed (every form post redirects to a page that renews).
            let read = matches!(*req.method(), Method::GET | Method::HEAD);
            if read && let Err(e) = touch(&session, state.config().session_idle).await {
                return e.into_response();
            }
            if user.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&uri.path()) {
                return Redirect::to("/account/password").into_response();
            }
            req.extensions_mut().insert(user);
            next.run(req).await
        }
        Ok(None) => to_login(&uri),
        Err(e) => e.into_response(),
    }
}

/// Renews the session's idle expiry by changing it now and then (not on every request: that
/// would be a database write per page view). Renewed once a sixtieth of the idle time has passed
/// (every 8 minutes for 8 hours), so a session ends within that margin of its idle limit.
async fn touch(session: &Session, idle: std::time::Duration) -> Result<(), AppError> {
    const SEEN: &str = "seen";
    let now = chrono::Utc::now().timestamp();
    let every = (idle.as_secs() / 60).max(1) as i64;
    let last: Option<i64> = session.get(SEEN).await.unwrap_or(None);
    if last.is_none_or(|t| now - t >= every) {
        session.insert(SEEN, now).await?;
    }
    Ok(())
}

/// Guard for the office's pages (user management, audit log).
pub async fn require_office(req: Request, next: Next) -> Response {
    match req.extensions().get::<CurrentUser>() {
        Some(u) if u.access().may_run_the_office() => next.run(req).await,
        _ => AppError::Forbidden.into_response(),
    }
}

/// Guard for the exports: an API token when one is presented, else a signed-in session.
pub async fn require_user_or_token(
    state: State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    if req
        .headers()
        .contains_key(axum::http::header::AUTHORIZATION)
    {
        require_token(state, req, next).await
    } else {
        require_user(state, session, req, next).await
    }
}

/// Guard for the API's office-only routes (after [`require_token`]): 403 JSON otherwise.
pub async fn require_office_api(req: Request, next: Next) -> Response {
    match req.extensions().get::<CurrentUser>() {
        Some(u) if u.access().may_run_the_office() => next.run(req).await,
        _ => ApiError(AppError::Forbidden).into_response(),
    }
}

/// Guard for the JSON API: `Authorization: Bearer TOKEN` of an active user, else 401.
pub async fn require_token(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let pool = PgPool::from_ref(&state);
    let token = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return unauthorized("缺少 API 令牌（Authorization: Bearer …）");
    };
    let user = match db::tokens::authenticate(&pool, &hash_token(token)).await {
        Ok(Some(user_id)) => db::users::by_id(&pool, user_id).await,
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    match user {
        Ok(Some(u)) if u.active => {
            req.extensions_mut().insert(CurrentUser::from_row(u));
            next.run(req).await
        }
        Ok(_) => unauthorized("API 令牌无效、已撤销或其用户已停用"),
        Err(e) => ApiError(AppError::Db(e)).into_response(),
    }
}

fn unauthorized(message: &str) -> Response {
    let mut res = ApiError(AppError::Unauthorized(message.to_string())).into_response();
    res.headers_mut().insert(
        axum::http::header::WWW_AUTHENTICATE,
        axum::http::HeaderValue::from_static("Bearer"),
    );
    res
}
