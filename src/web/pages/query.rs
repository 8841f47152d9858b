//! A query-string extractor whose rejection is a Chinese 400 page, not axum's plain text.

use crate::web::AppError;
use crate::web::forms::decodes_to_utf8;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let invalid = || AppError::BadRequest("网址中的查询参数无效。".into());
        if !decodes_to_utf8(parts.uri.query().unwrap_or("").as_bytes()) {
            return Err(invalid());
        }
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| PageQuery(q))
            .map_err(|_| invalid())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn checks_percent_escapes() {
        use super::decodes_to_utf8 as ok;
        assert!(ok(b""));
        assert!(ok(b"q=%E5%89%91%E7%BD%91&section=1"));
        assert!(!ok(b"q=%FF%FE"));
        assert!(!ok(b"q=%E5%89"));
        assert!(!ok(b"q=%G1"));
        assert!(!ok(b"q=%"));
        assert!(!ok(b"q=\xFF"));
    }
}
