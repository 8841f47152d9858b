//! 审计日志: the audit log of sign-ins, user and token changes.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;

/// Who acted, and from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub login: Option<String>,
    pub addr: Option<String>,
}

pub async fn record(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    action: &str,
    target: Option<&str>,
    detail: serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (actor_id, actor_login, client_addr, action, target, detail)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(actor.user_id)
    .bind(&actor.login)
    .bind(&actor.addr)
    .bind(action)
    .bind(target)
    .bind(detail)
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_login: Option<String>,
    pub client_addr: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    /// Matches the actor or the target login.
    pub login: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

const AUDIT_WHERE: &str = "\
WHERE ($1::text IS NULL OR action = $1)
  AND ($2::text IS NULL OR actor_login = $2 OR target = $2)
  AND ($3::date IS NULL OR at >= $3::date)
  AND ($4::date IS NULL OR at < $4::date + 1)";

/// Newest first: `limit` rows from `offset` on.
pub async fn list(
    db: impl PgExecutor<'_>,
    f: &AuditFilter,
    offset: i64,
    limit: i64,
) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as(&format!(
        "SELECT id, at, actor_login, client_addr, action, target, detail FROM audit_log
         {AUDIT_WHERE} ORDER BY at DESC, id DESC OFFSET $5 LIMIT $6"
    ))
    .bind(&f.action)
    .bind(&f.login)
    .bind(f.from)
    .bind(f.to)
    .bind(offset)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn count(db: impl PgExecutor<'_>, f: &AuditFilter) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!("SELECT count(*) FROM audit_log {AUDIT_WHERE}"))
        .bind(&f.action)
        .bind(&f.login)
        .bind(f.from)
        .bind(f.to)
        .fetch_one(db)
        .await
}

/// The actions recorded so far, for the filter's choices.
pub async fn actions(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
        .fetch_all(db)
        .await
}
