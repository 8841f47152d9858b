//! A query-string extractor whose rejection is a Chinese 400 page, not axum's plain text.

use crate::web::AppError;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let invalid = || AppError::BadRequest("网址中的查询参数无效。".into());
        if !decodes_to_utf8(parts.uri.query().unwrap_or("")) {
            return Err(invalid());
        }
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| PageQuery(q))
            .map_err(|_| invalid())
    }
}

/// Whether every percent-escape decodes to valid UTF-8 (serde_urlencoded would silently put
/// U+FFFD in place of bad bytes; a malformed address deserves a 400 instead).
fn decodes_to_utf8(query: &str) -> bool {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = query.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => match (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                }
                _ => return false,
            },
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&out).is_ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn checks_percent_escapes() {
        assert!(super::decodes_to_utf8(""));
        assert!(super::decodes_to_utf8("q=%E5%89%91%E7%BD%91&section=1"));
        assert!(!super::decodes_to_utf8("q=%FF%FE"));
        assert!(!super::decodes_to_utf8("q=%E5%89"));
        assert!(!super::decodes_to_utf8("q=%G1"));
        assert!(!super::decodes_to_utf8("q=%"));
    }
}

/// Only the plan selector, for pages with no other parameters.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PlanOnly {
    pub plan: Option<String>,
}
