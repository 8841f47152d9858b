//! Users (用户) and their roles.

use super::Window;
use crate::rules::auth::Role;
use sqlx::{PgConnection, PgExecutor};

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

/// `query_as!` of [`UserRow`]s, with their unit's name and live token count, then `$tail`.
macro_rules! select_users {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            UserRow,
            r#"SELECT u.id, u.login, u.display_name, u.role AS "role: Role", u.unit_id,
                      un.short_name AS "unit_name?", u.active, u.password_hash,
                      u.must_change_password,
                      (SELECT count(*) FROM api_tokens t
                        WHERE t.user_id = u.id AND t.revoked_at IS NULL) AS "active_tokens!"
               FROM users u LEFT JOIN units un ON un.id = u.unit_id
            "# + $tail
            $(, $arg)*
        )
    };
}

pub async fn by_id(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<UserRow>> {
    select_users!("WHERE u.id = $1", id)
        .fetch_optional(db)
        .await
}

pub async fn by_login(db: impl PgExecutor<'_>, login: &str) -> sqlx::Result<Option<UserRow>> {
    select_users!("WHERE u.login = $1", login)
        .fetch_optional(db)
        .await
}

/// Users, active first, by role then login: a window of them.
pub async fn page(db: impl PgExecutor<'_>, window: Window) -> sqlx::Result<Vec<UserRow>> {
    select_users!(
        "ORDER BY u.active DESC, u.role, u.login LIMIT $1 OFFSET $2",
        window.limit,
        window.offset,
    )
    .fetch_all(db)
    .await
}

pub async fn count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM users"#)
        .fetch_one(db)
        .await
}

/// Serialises the first start's creation of the office user across processes (two starting at
/// once must not both create, and print, an admin). Held until the transaction ends.
pub async fn lock_bootstrap(conn: &mut PgConnection) -> sqlx::Result<()> {
    // The lock function returns void, which has no Rust type: select a constant from it.
    sqlx::query!(
        r#"SELECT true AS "locked!" FROM pg_advisory_xact_lock(hashtextextended('duban.bootstrap', 0))"#
    )
    .fetch_one(conn)
    .await
    .map(|_| ())
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
    sqlx::query_scalar!(
        "INSERT INTO users (login, display_name, role, unit_id, password_hash, must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (login) DO NOTHING RETURNING id",
        u.login,
        u.display_name,
        u.role as _,
        u.unit_id,
        u.password_hash,
        u.must_change_password,
    )
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
    sqlx::query!(
        "UPDATE users SET display_name = $2, role = $3, unit_id = $4, updated_at = now()
         WHERE id = $1",
        id,
        display_name,
        role as _,
        unit_id,
    )
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn set_active(db: impl PgExecutor<'_>, id: i64, active: bool) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET active = $2, updated_at = now() WHERE id = $1",
        id,
        active,
    )
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
    sqlx::query!(
        "UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = now()
         WHERE id = $1",
        id,
        password_hash,
        must_change,
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Active office users other than `except`, locking them so that two concurrent changes
/// cannot both remove "the other" last office user.
pub async fn other_active_office_users(db: impl PgExecutor<'_>, except: i64) -> sqlx::Result<i64> {
    let ids = sqlx::query_scalar!(
        "SELECT id FROM users WHERE role = 'office' AND active AND id <> $1 FOR UPDATE",
        except,
    )
    .fetch_all(db)
    .await?;
    Ok(ids.len() as i64)
}

/// Whether any office user was ever created (active or not).
pub async fn any_office_user(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM users WHERE role = 'office') AS "any!""#)
        .fetch_one(db)
        .await
}

/// Units a liaison may be attached to, matched by short or full name.
pub async fn units_named(db: impl PgExecutor<'_>, name: &str) -> sqlx::Result<Vec<(i64, String)>> {
    let rows = sqlx::query!(
        "SELECT id, directory FROM units WHERE short_name = $1 OR full_name = $1 ORDER BY id",
        name.trim(),
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.directory)).collect())
}

pub async fn unit_exists(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM units WHERE id = $1) AS "exists!""#,
        id
    )
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
    sqlx::query_as!(
        UnitChoice,
        "SELECT id, short_name, directory FROM units ORDER BY directory, sort_order, id"
    )
    .fetch_all(db)
    .await
}

/// Sets (or with `None` clears) the user's address for notification mail.
pub async fn set_email(
    db: impl PgExecutor<'_>,
    user_id: i64,
    email: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!("UPDATE users SET email = $2 WHERE id = $1", user_id, email)
        .execute(db)
        .await
        .map(|_| ())
}

/// The user's e-mail address, if any.
pub async fn email(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT email FROM users WHERE id = $1", user_id)
        .fetch_optional(db)
        .await
        .map(Option::flatten)
}
