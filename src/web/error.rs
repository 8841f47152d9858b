//! One error type for handlers; pages render it as HTML, the API as JSON.
//! 5xx details are logged once and never shown.

use super::render;
use crate::workflows::accounts::AccountError;
use crate::workflows::progress::ProgressError;
use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 404, with what was not found (shown to the user).
    #[error("{0}")]
    NotFound(String),
    /// 400, with what is wrong with the request (shown to the user).
    #[error("{0}")]
    BadRequest(String),
    /// 401 for the API: no valid credentials (shown to the caller).
    #[error("{0}")]
    Unauthorized(String),
    /// 403: signed in, but this role may not.
    #[error("您的账号无权访问此页面或执行此操作。")]
    Forbidden,
    /// 422: a value that breaks a rule, with the field it belongs to.
    #[error("{field}: {message}")]
    Unprocessable { field: String, message: String },
    /// 409: the change was made from an old version; nothing was written.
    #[error("{message}")]
    Conflict {
        message: String,
        current_version: i32,
    },
    /// 413: a body over the limit.
    #[error("提交的内容过大。")]
    TooLarge,
    /// 403: a state-changing request from another site.
    #[error("请求来自其他网站，已被拒绝。请回到督办页面重新操作。")]
    CrossSite,
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// 503: a backing service (the session store) is away.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// 503 with what to do (shown to the user): overloaded or timed out.
    #[error("{0}")]
    Busy(String),
    /// 500 with a detail for the log only.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CrossSite => StatusCode::FORBIDDEN,
            AppError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Unavailable(_) | AppError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(e) if crate::db::is_unavailable(e) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(e) if is_contended(e) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(e) if is_refused_value(e) => StatusCode::BAD_REQUEST,
            AppError::Db(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> ErrorCode {
        match self.status() {
            StatusCode::NOT_FOUND => ErrorCode::NotFound,
            StatusCode::BAD_REQUEST => ErrorCode::BadRequest,
            StatusCode::UNAUTHORIZED => ErrorCode::Unauthorized,
            StatusCode::FORBIDDEN => ErrorCode::Forbidden,
            StatusCode::UNPROCESSABLE_ENTITY => ErrorCode::Unprocessable,
            StatusCode::CONFLICT => ErrorCode::Conflict,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::TooLarge,
            StatusCode::SERVICE_UNAVAILABLE => ErrorCode::Unavailable,
            _ => ErrorCode::Internal,
        }
    }

    /// What the user may read: the message of a 4xx, a generic sentence for a 5xx.
    fn public_message(&self) -> String {
        // The field's code name is for API callers, not for a page's reader.
        if let AppError::Unprocessable { message, .. } = self {
            return message.clone();
        }
        match self.status() {
            _ if matches!(self, AppError::Busy(_)) => self.to_string(),
            _ if matches!(self, AppError::Db(e) if is_refused_value(e)) => REFUSED_VALUE.into(),
            _ if matches!(self, AppError::Db(e) if is_contended(e)) => CONTENDED.into(),
            StatusCode::SERVICE_UNAVAILABLE => "数据库暂时不可用，请稍后再试。".into(),
            s if s.is_server_error() => "服务器内部错误，请稍后再试。".into(),
            _ => self.to_string(),
        }
    }

    fn log(&self) {
        if let AppError::Db(e) = self
            && is_refused_value(e)
        {
            // The edge should have refused it: seen, but not an outage.
            tracing::warn!(error = %self, "a value the database refused reached it");
            return;
        }
        if self.status().is_server_error() && !matches!(self, AppError::Busy(_)) {
            tracing::error!(error = %self, "request failed");
        }
    }
}

/// What a request is told when PostgreSQL gave its transaction up to let a concurrent one
/// through (a deadlock or a serialization failure): nothing of it was saved, and sending it
/// again succeeds. Still logged as an error: a lock cycle is ours to remove.
const CONTENDED: &str = "系统繁忙：您的操作与他人同时进行，未能保存，请重新提交。";

/// A deadlock (40P01) or a serialization failure (40001): the transaction was rolled back whole.
fn is_contended(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| matches!(c.as_ref(), "40P01" | "40001"))
}

/// What a request is told when PostgreSQL refused one of its values.
const REFUSED_VALUE: &str =
    "提交的内容含有无法保存的字符（如 NUL）或超出范围的日期，请检查后重新提交。";

/// PostgreSQL refusing a value the request carried: U+0000 or bytes it cannot store in text
/// (22021 invalid byte sequence, 22P05 untranslatable character in JSON), a date or time out
/// of its range (22008) or unreadable (22007). The request is at fault, not the server.
fn is_refused_value(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| matches!(c.as_ref(), "22021" | "22P05" | "22008" | "22007"))
}

/// Marks an answer that says the database is unavailable (a pool timeout, a broken or refused
/// connection), so that `web::busy` can first check whether the database really is away: a
/// pool exhausted by busy requests times out alike, and is answered as busy instead.
#[derive(Debug, Clone, Copy)]
pub struct DatabaseUnavailable;

impl AppError {
    fn says_database_unavailable(&self) -> bool {
        self.status() == StatusCode::SERVICE_UNAVAILABLE && !matches!(self, AppError::Busy(_))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: super::plan_context::Layout,
    status: u16,
    heading: &'static str,
    message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let heading = match status {
            StatusCode::NOT_FOUND => "页面不存在",
            StatusCode::BAD_REQUEST => "请求有误",
            StatusCode::UNAUTHORIZED => "请先登录",
            StatusCode::FORBIDDEN => "无权访问",
            StatusCode::CONFLICT => "内容已被他人修改",
            StatusCode::PAYLOAD_TOO_LARGE => "内容过大",
            StatusCode::UNPROCESSABLE_ENTITY => "内容有误",
            StatusCode::SERVICE_UNAVAILABLE => "服务暂时不可用",
            _ => "服务器错误",
        };
        let mut res = render::page(
            status,
            &ErrorPage {
                layout: super::plan_context::bare_layout("", None),
                status: status.as_u16(),
                heading,
                message: self.public_message(),
            },
        );
        if self.says_database_unavailable() {
            res.extensions_mut().insert(DatabaseUnavailable);
        }
        res
    }
}

/// The API's rendering of [`AppError`]: `{"error": {"code": …, "message": …}}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError(e.into())
    }
}

/// The API names the field of a refused body (422), where a page shows it beside the field.
impl From<ProgressError> for ApiError {
    fn from(e: ProgressError) -> Self {
        match e {
            ProgressError::Field { field, message } => ApiError(AppError::Unprocessable {
                field: field.into(),
                message,
            }),
            e => ApiError(e.into()),
        }
    }
}

/// The rounds' refusals in the API: a field fault is 422 naming the field.
impl From<crate::workflows::refusal::Refusal> for ApiError {
    fn from(e: crate::workflows::refusal::Refusal) -> Self {
        ApiError(e.into())
    }
}

/// Workflow refusals on pages; field errors are shown on the form before it comes to this.
impl From<ProgressError> for AppError {
    fn from(e: ProgressError) -> Self {
        match e {
            ProgressError::Forbidden(_) => AppError::Forbidden,
            ProgressError::NotFound(m) => AppError::NotFound(m),
            ProgressError::Conflict(m) => AppError::Conflict {
                message: m,
                current_version: 0,
            },
            ProgressError::Stale { current } => AppError::Conflict {
                message: ProgressError::Stale { current }.to_string(),
                current_version: current,
            },
            ProgressError::Field { message, .. } => AppError::BadRequest(message),
            ProgressError::Db(e) => AppError::Db(e),
        }
    }
}

/// The rounds' refusals (延期申请, 领导批示, 签收与申诉); a page shows field faults beside
/// their fields before it comes to this.
impl From<crate::workflows::refusal::Refusal> for AppError {
    fn from(e: crate::workflows::refusal::Refusal) -> Self {
        use crate::workflows::refusal::Refusal;
        match e {
            Refusal::NotFound(m) => AppError::NotFound(m.into()),
            Refusal::Forbidden => AppError::Forbidden,
            Refusal::Fields(f) => {
                let (field, message) = f.into_iter().next().unwrap_or(("form", String::new()));
                AppError::Unprocessable {
                    field: field.into(),
                    message,
                }
            }
            Refusal::Conflict(message) => AppError::Conflict {
                message,
                current_version: 0,
            },
            Refusal::Db(e) => e.into(),
        }
    }
}

/// Account refusals that are not about a form field.
impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::NotFound => AppError::NotFound("找不到该用户。".into()),
            AccountError::Refused(m) | AccountError::Field { message: m, .. } => {
                AppError::BadRequest(m)
            }
            AccountError::Hash => AppError::Internal("password hashing failed".into()),
            AccountError::Db(e) => AppError::Db(e),
        }
    }
}

/// A session that cannot be loaded or stored: the store (the database) is away, so 503.
impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        match e {
            tower_sessions::session::Error::Store(_) => {
                AppError::Unavailable(format!("session store: {e}"))
            }
            tower_sessions::session::Error::SerdeJson(_) => {
                AppError::Internal(format!("session: {e}"))
            }
        }
    }
}

/// The API's error answer, `{"error": {…}}`, as served and as the OpenAPI description names it.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// What went wrong, in Chinese, for a person to read; a generic sentence for a 5xx.
    pub message: String,
    /// 422: the field of the body whose value was refused (`work_done`, `deadline.date`,
    /// `leads[1]`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// 409: the version the object now has; read it again before changing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i32>,
}

/// The error's kind, one per status (405 and 415 answer `bad_request`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    TooLarge,
    Unprocessable,
    Unavailable,
    Internal,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let mut error = ErrorDetail {
            code: self.0.code(),
            message: self.0.public_message(),
            field: None,
            current_version: None,
        };
        match &self.0 {
            AppError::Unprocessable { field, .. } => error.field = Some(field.clone()),
            AppError::Conflict {
                current_version, ..
            } => error.current_version = Some(*current_version),
            _ => {}
        }
        let mut res = (self.0.status(), Json(ErrorBody { error })).into_response();
        if self.0.says_database_unavailable() {
            res.extensions_mut().insert(DatabaseUnavailable);
        }
        res
    }
}
