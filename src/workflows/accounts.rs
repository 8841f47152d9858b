//! Account workflows shared by the CLI and the web pages: each validates its input, writes in
//! one transaction and records itself in the audit log.

use super::attempts;
use crate::db::{self, audit::Actor, users::NewUser};
use crate::rules::auth::{self, ApiToken, Login, Role};
use crate::rules::notices;
use serde_json::json;
use sqlx::PgPool;

pub use super::attempts::{
    ADDR_FAILURE_LIMIT, FAILURE_WINDOW_SECS, LOGIN_FAILURE_LIMIT, Throttled,
};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Bad input, with the form field it belongs to.
    #[error("{message}")]
    Field {
        field: &'static str,
        message: String,
    },
    #[error("找不到该用户")]
    NotFound,
    /// Refused for a reason of the rules (e.g. the last office user).
    #[error("{0}")]
    Refused(String),
    #[error("密码处理失败")]
    Hash,
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
}

fn field(field: &'static str, message: impl Into<String>) -> AccountError {
    AccountError::Field {
        field,
        message: message.into(),
    }
}

/// [`auth::validate_password`] off the async worker threads: zxcvbn spends up to tens of
/// milliseconds on a long password.
async fn validate_new_password(
    login: &str,
    display_name: &str,
    password: &str,
    field_name: &'static str,
) -> Result<(), AccountError> {
    let (login, name, password) = (
        login.to_owned(),
        display_name.to_owned(),
        password.to_owned(),
    );
    tokio::task::spawn_blocking(move || auth::validate_password(&login, &name, &password))
        .await
        .map_err(|_| AccountError::Hash)?
        .map_err(|e| field(field_name, e.to_string()))
}

fn hash(password: &str) -> Result<String, AccountError> {
    auth::hash_password(password).map_err(|_| AccountError::Hash)
}

/// The unit a liaison belongs to, as given on a form (id) or on the command line (name).
#[derive(Debug, Clone)]
pub enum UnitRef {
    None,
    Id(i64),
    Name(String),
}

pub struct NewUserInput {
    pub login: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub unit: UnitRef,
    pub password: String,
    /// A one-time password: the user must choose another at first sign-in.
    pub must_change_password: bool,
    /// Where notification mail goes; none when `None` or empty.
    pub email: Option<String>,
}

async fn resolve_unit(
    pool: &PgPool,
    role: Role,
    unit: &UnitRef,
) -> Result<Option<i64>, AccountError> {
    match (role, unit) {
        (r, UnitRef::None) if r.of_a_unit() => {
            Err(field("unit", format!("{}必须指定所属单位", r.label())))
        }
        (r, UnitRef::Id(id)) if r.of_a_unit() => {
            if db::users::unit_exists(pool, *id).await? {
                Ok(Some(*id))
            } else {
                Err(field("unit", "所选单位不存在"))
            }
        }
        (r, UnitRef::Name(name)) if r.of_a_unit() => {
            let found = db::users::units_named(pool, name).await?;
            match found.as_slice() {
                [(id, _)] => Ok(Some(*id)),
                [] => Err(field("unit", format!("没有名为“{name}”的单位"))),
                _ => Err(field(
                    "unit",
                    format!("名为“{name}”的单位不止一个，请使用全称"),
                )),
            }
        }
        (_, UnitRef::None) => Ok(None),
        (_, _) => Err(field("unit", "只有联络员和单位负责人属于某个单位")),
    }
}

pub async fn create_user(
    pool: &PgPool,
    actor: &Actor,
    input: NewUserInput,
) -> Result<i64, AccountError> {
    let login = Login::parse(&input.login).map_err(|m| field("login", m))?;
    let display_name = match &input.display_name {
        Some(n) => auth::parse_display_name(n).map_err(|m| field("display_name", m))?,
        None => login.as_str().to_string(),
    };
    validate_new_password(login.as_str(), &display_name, &input.password, "password").await?;
    let email = match input.email.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(e) => Some(notices::check_email(e).map_err(|m| field("email", m))?),
    };
    let unit_id = resolve_unit(pool, input.role, &input.unit).await?;
    let password_hash = hash(&input.password)?;
    let mut tx = pool.begin().await?;
    let id = db::users::insert(
        &mut *tx,
        &NewUser {
            login: login.as_str(),
            display_name: &display_name,
            role: input.role,
            unit_id,
            password_hash: &password_hash,
            must_change_password: input.must_change_password,
        },
    )
    .await?
    .ok_or_else(|| field("login", format!("登录名“{}”已被使用", login.as_str())))?;
    if let Some(e) = &email {
        db::users::set_email(&mut *tx, id, Some(e)).await?;
    }
    db::audit::record(
        &mut *tx,
        actor,
        "user_created",
        Some(login.as_str()),
        json!({ "role": input.role, "unit_id": unit_id, "display_name": display_name, "email": email }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a user's name, role and unit. The last active office user keeps the office role.
pub async fn update_user(
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    display_name: &str,
    role: Role,
    unit: UnitRef,
) -> Result<(), AccountError> {
    let display_name =
        auth::parse_display_name(display_name).map_err(|m| field("display_name", m))?;
    let unit_id = resolve_unit(pool, role, &unit).await?;
    let mut tx = pool.begin().await?;
    let before = db::users::by_id(&mut *tx, id)
        .await?
        .ok_or(AccountError::NotFound)?;
    if before.role == Role::Office
        && role != Role::Office
        && before.active
        && db::users::other_active_office_users(&mut *tx, id).await? == 0
    {
        return Err(field(
            "role",
            "这是最后一个有效的办公室账号，不能改为其他角色",
        ));
    }
    db::users::update_profile(&mut *tx, id, &display_name, role, unit_id).await?;
    db::audit::record(
        &mut *tx,
        actor,
        "user_updated",
        Some(&before.login),
        json!({
            "before": { "display_name": before.display_name, "role": before.role, "unit_id": before.unit_id },
            "after": { "display_name": display_name, "role": role, "unit_id": unit_id },
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Enables or disables a user, in one transaction with the end of the user's sessions and
/// (when disabling) tokens. Nobody disables themselves; the last office user stays.
pub async fn set_active(
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    active: bool,
) -> Result<(), AccountError> {
    let mut tx = pool.begin().await?;
    let user = db::users::by_id(&mut *tx, id)
        .await?
        .ok_or(AccountError::NotFound)?;
    if !active {
        if actor.user_id == Some(id) {
            return Err(AccountError::Refused("不能停用自己的账号".into()));
        }
        if user.role == Role::Office
            && db::users::other_active_office_users(&mut *tx, id).await? == 0
        {
            return Err(AccountError::Refused(
                "这是最后一个有效的办公室账号，不能停用".into(),
            ));
        }
    }
    if user.active == active {
        return Ok(());
    }
    db::users::set_active(&mut *tx, id, active).await?;
    // Disabling ends the account's sessions and revokes its tokens, so that enabling it again
    // brings none of them back. Enabling ends sessions once more: a request in flight at the
    // moment of disabling may have saved its session after the first deletion.
    let sessions_ended = db::sessions::delete_for_user(&mut tx, id).await?;
    let tokens_revoked = if active {
        0
    } else {
        db::tokens::revoke_all(&mut *tx, id).await?
    };
    let action = if active {
        "user_enabled"
    } else {
        "user_disabled"
    };
    db::audit::record(
        &mut *tx,
        actor,
        action,
        Some(&user.login),
        json!({ "sessions_ended": sessions_ended, "tokens_revoked": tokens_revoked }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a password chosen by an operator (CLI) or by the user (after checking the current one).
pub async fn set_password(
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    new_password: &str,
) -> Result<(), AccountError> {
    let user = db::users::by_id(pool, id)
        .await?
        .ok_or(AccountError::NotFound)?;
    validate_new_password(
        &user.login,
        &user.display_name,
        new_password,
        "new_password",
    )
    .await?;
    let password_hash = hash(new_password)?;
    let mut tx = pool.begin().await?;
    db::users::set_password(&mut *tx, id, &password_hash, false).await?;
    db::audit::record(
        &mut *tx,
        actor,
        "password_changed",
        Some(&user.login),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Why a user's change of their own password was refused.
#[derive(Debug, thiserror::Error)]
pub enum OwnPasswordError {
    #[error(transparent)]
    Account(#[from] AccountError),
    /// Too many wrong current passwords on this account or from this address: the same lock
    /// as sign-in's, which the same failures count towards.
    #[error(transparent)]
    Throttled(Throttled),
}

impl From<sqlx::Error> for OwnPasswordError {
    fn from(e: sqlx::Error) -> Self {
        OwnPasswordError::Account(e.into())
    }
}

/// A user changing their own password: the current one must be right, and checking it is
/// throttled as sign-in is (else a stolen session could guess the password without limit).
pub async fn change_own_password(
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    current: &str,
    new_password: &str,
    confirm: &str,
) -> Result<(), OwnPasswordError> {
    let user = db::users::by_id(pool, id)
        .await?
        .ok_or(AccountError::NotFound)?;
    let addr = actor.addr.as_deref().unwrap_or("unknown");
    let attempt = match attempts::begin(pool, &user.login, addr).await? {
        Ok(attempt) => attempt,
        Err(throttled) => {
            db::audit::record(
                pool,
                actor,
                "password_check_throttled",
                Some(&user.login),
                json!({}),
            )
            .await?;
            return Err(OwnPasswordError::Throttled(throttled));
        }
    };
    if !auth::verify_password_off_thread(current, &user.password_hash).await {
        db::audit::record(
            pool,
            actor,
            "password_check_failed",
            Some(&user.login),
            json!({}),
        )
        .await?;
        return Err(field("current_password", "当前密码不正确").into());
    }
    attempt.succeeded(pool).await?;
    if new_password != confirm {
        return Err(field("confirm_password", "两次输入的新密码不一致").into());
    }
    if new_password == current {
        return Err(field("new_password", "新密码不能与当前密码相同").into());
    }
    Ok(set_password(pool, actor, id, new_password).await?)
}

/// Gives a user a random one-time password they must change at next sign-in; returns it to
/// be shown once to the office.
pub async fn reset_password(pool: &PgPool, actor: &Actor, id: i64) -> Result<String, AccountError> {
    let user = db::users::by_id(pool, id)
        .await?
        .ok_or(AccountError::NotFound)?;
    let password = auth::new_one_time_password_for(&user.login, &user.display_name);
    let password_hash = hash(&password)?;
    let mut tx = pool.begin().await?;
    db::users::set_password(&mut *tx, id, &password_hash, true).await?;
    db::audit::record(
        &mut *tx,
        actor,
        "password_reset",
        Some(&user.login),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(password)
}

pub async fn create_token(
    pool: &PgPool,
    actor: &Actor,
    user_id: i64,
) -> Result<ApiToken, AccountError> {
    let user = db::users::by_id(pool, user_id)
        .await?
        .ok_or(AccountError::NotFound)?;
    let token = ApiToken::generate();
    let mut tx = pool.begin().await?;
    let token_id = db::tokens::insert(&mut *tx, user_id, &token.hash, &token.prefix).await?;
    db::audit::record(
        &mut *tx,
        actor,
        "token_created",
        Some(&user.login),
        json!({ "token_id": token_id, "prefix": token.prefix }),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn revoke_token(
    pool: &PgPool,
    actor: &Actor,
    user_id: i64,
    token_id: i64,
) -> Result<(), AccountError> {
    let user = db::users::by_id(pool, user_id)
        .await?
        .ok_or(AccountError::NotFound)?;
    let mut tx = pool.begin().await?;
    if !db::tokens::revoke(&mut *tx, user_id, token_id).await? {
        return Err(AccountError::Refused("该令牌不存在或已撤销".into()));
    }
    db::audit::record(
        &mut *tx,
        actor,
        "token_revoked",
        Some(&user.login),
        json!({ "token_id": token_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A user who has just proved who they are.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user_id: i64,
    pub role: Role,
    pub must_change_password: bool,
    pub password_hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong login, wrong password or disabled account: one answer for all three.
    #[error("登录名或密码错误")]
    Invalid,
    #[error(transparent)]
    Throttled(Throttled),
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
}

/// Checks a login and password, throttled per account and per client address
/// ([`super::attempts`]), and records the outcome in the audit log.
pub async fn sign_in(
    pool: &PgPool,
    login: &str,
    password: &str,
    addr: &str,
) -> Result<SignedIn, SignInError> {
    let login = login.trim().to_lowercase();
    let actor = Actor {
        user_id: None,
        login: Some(login.clone()),
        addr: Some(addr.to_string()),
    };
    let attempt = match attempts::begin(pool, &login, addr).await? {
        Ok(attempt) => attempt,
        Err(throttled) => {
            db::audit::record(pool, &actor, "sign_in_throttled", Some(&login), json!({})).await?;
            return Err(SignInError::Throttled(throttled));
        }
    };
    let user = db::users::by_login(pool, &login).await?;
    // Verify against a real hash even for unknown logins, so timing does not tell them apart.
    let stored = user
        .as_ref()
        .map_or(DUMMY_HASH.as_str(), |u| u.password_hash.as_str());
    let password_ok = auth::verify_password_off_thread(password, stored).await;
    match user {
        Some(u) if password_ok && u.active => {
            let mut tx = pool.begin().await?;
            attempt.succeeded(&mut *tx).await?;
            let actor = Actor {
                user_id: Some(u.id),
                ..actor
            };
            db::audit::record(&mut *tx, &actor, "sign_in", Some(&login), json!({})).await?;
            tx.commit().await?;
            Ok(SignedIn {
                user_id: u.id,
                role: u.role,
                must_change_password: u.must_change_password,
                password_hash: u.password_hash,
            })
        }
        u => {
            // The attempt stays recorded as the failure it was.
            let reason = match u {
                None => "unknown_login",
                Some(u) if !u.active => "disabled",
                Some(_) => "wrong_password",
            };
            db::audit::record(
                pool,
                &actor,
                "sign_in_failed",
                Some(&login),
                json!({ "reason": reason }),
            )
            .await?;
            Err(SignInError::Invalid)
        }
    }
}

/// An Argon2id hash of a random string, used to spend the same time on unknown logins.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    auth::hash_password(&auth::new_one_time_password()).unwrap_or_default()
});

/// The office account made on the first start.
const BOOTSTRAP_LOGIN: &str = "admin";
const BOOTSTRAP_NAME: &str = "系统管理员";

/// First start: when no office user was ever created, create `admin` with a random password
/// that must be changed at first sign-in, and return that password (to be printed once).
pub async fn bootstrap_admin(pool: &PgPool) -> Result<Option<String>, AccountError> {
    let mut tx = pool.begin().await?;
    // Two processes starting at once must not both create (and print) an admin.
    db::users::lock_bootstrap(&mut tx).await?;
    if db::users::any_office_user(&mut *tx).await? {
        return Ok(None);
    }
    let password = auth::new_one_time_password_for(BOOTSTRAP_LOGIN, BOOTSTRAP_NAME);
    let password_hash = hash(&password)?;
    let inserted = db::users::insert(
        &mut *tx,
        &NewUser {
            login: BOOTSTRAP_LOGIN,
            display_name: BOOTSTRAP_NAME,
            role: Role::Office,
            unit_id: None,
            password_hash: &password_hash,
            must_change_password: true,
        },
    )
    .await?;
    if inserted.is_none() {
        return Ok(None);
    }
    db::audit::record(
        &mut *tx,
        &Actor {
            login: Some("duban".into()),
            ..Actor::default()
        },
        "user_created",
        Some(BOOTSTRAP_LOGIN),
        json!({ "role": "office", "bootstrap": true }),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(password))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_dummy_hash_is_a_valid_argon2id_hash() {
        assert!(super::DUMMY_HASH.starts_with("$argon2id$"));
        assert!(!crate::rules::auth::verify_password(
            "anything",
            &super::DUMMY_HASH
        ));
    }
}
