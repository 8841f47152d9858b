//! A query-string extractor whose rejection is a Chinese 400 page, not axum's plain text.

use crate::web::AppError;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| PageQuery(q))
            .map_err(|_| AppError::BadRequest("网址中的查询参数无效。".into()))
    }
}

/// Only the plan selector, for pages with no other parameters.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PlanOnly {
    pub plan: Option<String>,
}
