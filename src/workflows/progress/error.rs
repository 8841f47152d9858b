//! Why a workflow refused: the errors every transition returns.

#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error("{0}")]
    Forbidden(String),
    #[error("{message}")]
    Field {
        field: &'static str,
        message: String,
    },
    /// The thing is not in a state that allows this (closed task, submitted report…).
    #[error("{0}")]
    Conflict(String),
    #[error("内容已被他人修改（当前版本 {current}），您的修改未保存。请查看最新内容后重试。")]
    Stale { current: i32 },
    #[error("{0}")]
    NotFound(String),
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
}

/// A refusal that names the form field it is about.
pub(super) fn field(field: &'static str, message: impl Into<String>) -> ProgressError {
    ProgressError::Field {
        field,
        message: message.into(),
    }
}
