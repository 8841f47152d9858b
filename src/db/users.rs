//! Users (用户) and their roles.

use crate::rules::auth::Role;
use sqlx::PgExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub active: bool,
    pub password_hash: String,
    pub must_change_password: bool,
    pub active_tokens: i64,
}

const USER_SELECT: &str = "\
SELECT u.id, u.login, u.display_name, u.role, u.unit_id, un.short_name AS unit_name, u.active,
       u.password_hash, u.must_change_password,
       (SELECT count(*) FROM api_tokens t WHERE t.user_id = u.id AND t.revoked_at IS NULL)
           AS active_tokens
FROM users u LEFT JOIN units un ON un.id = u.unit_id";

pub async fn by_id(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!("{USER_SELECT} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn by_login(db: impl PgExecutor<'_>, login: &str) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!("{USER_SELECT} WHERE u.login = $1"))
        .bind(login)
        .fetch_optional(db)
        .await
}

/// Users, active first, by role then login: `limit` of them from `offset` on.
pub async fn page(db: impl PgExecutor<'_>, limit: i64, offset: i64) -> sqlx::Result<Vec<UserRow>> {
    sqlx::query_as(&format!(
        "{USER_SELECT} ORDER BY u.active DESC, u.role, u.login LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(db)
        .await
}

pub struct NewUser<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub unit_id: Option<i64>,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

/// Inserts a user; `Ok(None)` when the login is taken.
pub async fn insert(db: impl PgExecutor<'_>, u: &NewUser<'_>) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO users (login, display_name, role, unit_id, password_hash, must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (login) DO NOTHING RETURNING id",
    )
    .bind(u.login)
    .bind(u.display_name)
    .bind(u.role)
    .bind(u.unit_id)
    .bind(u.password_hash)
    .bind(u.must_change_password)
    .fetch_optional(db)
    .await
}

pub async fn update_profile(
    db: impl PgExecutor<'_>,
    id: i64,
    display_name: &str,
    role: Role,
    unit_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET display_name = $2, role = $3, unit_id = $4, updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(display_name)
    .bind(role)
    .bind(unit_id)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn set_active(db: impl PgExecutor<'_>, id: i64, active: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET active = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(active)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_password(
    db: impl PgExecutor<'_>,
    id: i64,
    password_hash: &str,
    must_change: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(password_hash)
    .bind(must_change)
    .execute(db)
    .await
    .map(|_| ())
}

/// Active office users other than `except`, locking them so that two concurrent changes
/// cannot both remove "the other" last office user.
pub async fn other_active_office_users(db: impl PgExecutor<'_>, except: i64) -> sqlx::Result<i64> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE role = 'office' AND active AND id <> $1 FOR UPDATE",
    )
    .bind(except)
    .fetch_all(db)
    .await?;
    Ok(ids.len() as i64)
}

/// Whether any office user was ever created (active or not).
pub async fn any_office_user(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'office')")
        .fetch_one(db)
        .await
}

/// Units a liaison may be attached to, matched by short or full name.
pub async fn units_named(db: impl PgExecutor<'_>, name: &str) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT id, directory FROM units WHERE short_name = $1 OR full_name = $1 ORDER BY id",
    )
    .bind(name.trim())
    .fetch_all(db)
    .await
}

pub async fn unit_exists(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM units WHERE id = $1)")
        .bind(id)
        .fetch_one(db)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitChoice {
    pub id: i64,
    pub short_name: String,
    pub directory: String,
}

/// Every unit, for the liaison's unit selector.
pub async fn unit_choices(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<UnitChoice>> {
    sqlx::query_as("SELECT id, short_name, directory FROM units ORDER BY directory, sort_order, id")
        .fetch_all(db)
        .await
}
