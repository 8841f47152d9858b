//! API tokens: only their SHA-256 is stored.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub prefix: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    user_id: i64,
    hash: &str,
    prefix: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO api_tokens (user_id, token_hash, prefix) VALUES ($1, $2, $3) RETURNING id",
        user_id,
        hash,
        prefix,
    )
    .fetch_one(db)
    .await
}

pub async fn for_user(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Vec<TokenRow>> {
    sqlx::query_as!(
        TokenRow,
        r#"SELECT id, user_id, prefix, created_at AS "created_at: DateTime<Utc>",
                last_used_at AS "last_used_at: DateTime<Utc>",
                revoked_at AS "revoked_at: DateTime<Utc>"
         FROM api_tokens
         WHERE user_id = $1 ORDER BY revoked_at IS NOT NULL, created_at DESC"#,
        user_id,
    )
    .fetch_all(db)
    .await
}

/// Revokes one of the user's tokens; false when there is no such live token.
pub async fn revoke(db: impl PgExecutor<'_>, user_id: i64, token_id: i64) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now()
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        token_id,
        user_id,
    )
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The user holding a live token with this hash, marking the token used.
pub async fn authenticate(db: impl PgExecutor<'_>, hash: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "UPDATE api_tokens SET last_used_at = now()
         WHERE token_hash = $1 AND revoked_at IS NULL RETURNING user_id",
        hash,
    )
    .fetch_optional(db)
    .await
}

/// Revokes every live token of the user (when the account is disabled); how many.
pub async fn revoke_all(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<u64> {
    let r = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
        user_id,
    )
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}
