//! 审计日志: the audit log of sign-ins, user and token changes.

use super::Window;
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
    sqlx::query!(
        "INSERT INTO audit_log (actor_id, actor_login, client_addr, action, target, detail)
         VALUES ($1, $2, $3, $4, $5, $6)",
        actor.user_id,
        actor.login.as_deref(),
        actor.addr.as_deref(),
        action,
        target,
        detail,
    )
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

/// Newest first: a window of the rows `f` selects.
pub async fn list(
    db: impl PgExecutor<'_>,
    f: &AuditFilter,
    window: Window,
) -> sqlx::Result<Vec<AuditRow>> {
    // Every field of the filter is a parameter that, when empty, lets every row through: the
    // statement is the same whatever is filtered on. The conditions are those of `count`.
    sqlx::query_as!(
        AuditRow,
        r#"SELECT id, at AS "at: DateTime<Utc>", actor_login, client_addr, action, target, detail
         FROM audit_log
         WHERE ($1::text IS NULL OR action = $1)
           AND ($2::text IS NULL OR actor_login = $2 OR target = $2)
           AND ($3::date IS NULL OR at >= $3::date)
           AND ($4::date IS NULL OR at < $4::date + 1)
         ORDER BY at DESC, id DESC OFFSET $5 LIMIT $6"#,
        f.action.as_deref(),
        f.login.as_deref(),
        f.from as _,
        f.to as _,
        window.offset,
        window.limit,
    )
    .fetch_all(db)
    .await
}

pub async fn count(db: impl PgExecutor<'_>, f: &AuditFilter) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM audit_log
           WHERE ($1::text IS NULL OR action = $1)
             AND ($2::text IS NULL OR actor_login = $2 OR target = $2)
             AND ($3::date IS NULL OR at >= $3::date)
             AND ($4::date IS NULL OR at < $4::date + 1)"#,
        f.action.as_deref(),
        f.login.as_deref(),
        f.from as _,
        f.to as _,
    )
    .fetch_one(db)
    .await
}

/// The actions recorded so far, for the filter's choices.
pub async fn actions(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!("SELECT DISTINCT action FROM audit_log ORDER BY action")
        .fetch_all(db)
        .await
}
