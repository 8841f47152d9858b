//! Form handling: an extractor whose rejection is a Chinese 400 page, and the messages shown
//! beside each field.

use super::AppError;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// `application/x-www-form-urlencoded` body; malformed bodies get a 400 page.
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let req = Request::from_parts(parts.clone(), body);
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::TooLarge
                } else {
                    AppError::BadRequest("提交的表单内容无效,请返回重新填写。".into())
                }
            })?;
        // serde_urlencoded would put U+FFFD in place of bad bytes and store it; refuse instead.
        if !decodes_to_utf8(&bytes) {
            return Err(AppError::BadRequest(
                "提交的内容含有无效的字符(不是 UTF-8 文字),请返回重新填写。".into(),
            ));
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(v)| Form(v))
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::TooLarge
                } else {
                    AppError::BadRequest("提交的表单内容无效,请返回重新填写。".into())
                }
            })
    }
}

/// Whether `raw` (a query string or a form body) is UTF-8 once its percent-escapes are decoded.
pub fn decodes_to_utf8(raw: &[u8]) -> bool {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'%' => match (
                raw.get(i + 1).and_then(|b| hex(*b)),
                raw.get(i + 2).and_then(|b| hex(*b)),
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

/// Messages keyed by field name; a template asks `errors.get("login")`.
#[derive(Debug, Default)]
pub struct FieldErrors(HashMap<&'static str, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn single(field: &'static str, message: impl Into<String>) -> Self {
        let mut e = FieldErrors::default();
        e.add(field, message);
        e
    }
}
