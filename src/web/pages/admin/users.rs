//! `/admin/users`: the units of the plan's directory with no liaison account (each with a link
//! that opens the new-user form for it), create users, change role or unit, disable and enable, give a one-time
//! password, see and revoke API tokens.

use crate::db::{self, tokens::TokenRow, users::UnitChoice, users::UserRow};
use crate::rules::auth::Role;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form};
use crate::web::ids::UserId;
use crate::web::pager::{PAGE_SIZE, Pager, page_number};
use crate::web::pages::query::PageQuery;
use crate::web::plan_context::{Layout, bare_layout};
use crate::web::{AppError, render};
use crate::workflows::accounts::{self, AccountError, NewUserInput, UnitRef};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

/// The values of the new-user form, shown back after an error.
#[derive(Debug, Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    /// 电子邮箱, for notification mail; may be left empty.
    #[serde(default)]
    email: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    pager: Pager,
    units: Vec<UnitChoice>,
    roles: [Role; 4],
    form: NewUserForm,
    errors: FieldErrors,
    /// 无联络员的单位: the newest plan's directory units no active liaison serves.
    without_liaison: Vec<UnitChoice>,
}

/// Shown once after a password or token was made: the secret is never stored in clear.
#[derive(Template)]
#[template(path = "admin_secret.html")]
struct SecretPage {
    layout: Layout,
    heading: String,
    explanation: String,
    secret: String,
    back: String,
}

async fn users_page(
    pool: &PgPool,
    user: &CurrentUser,
    form: NewUserForm,
    errors: FieldErrors,
    page: i64,
) -> Result<UsersPage, AppError> {
    let pager = Pager::new(page, PAGE_SIZE, db::users::count(pool).await?);
    let without_liaison = match db::plans::list_with_settings(pool).await?.first() {
        Some((plan, _)) => crate::workflows::liaisons::units_without_liaison(pool, plan.id).await?,
        None => Vec::new(),
    };
    Ok(UsersPage {
        without_liaison,
        layout: bare_layout("users", Some(user)),
        users: db::users::page(
            pool,
            db::Window {
                limit: pager.per_page,
                offset: pager.offset(),
            },
        )
        .await?,
        pager: pager.link("/admin/users".into(), "page"),
        units: db::users::unit_choices(pool).await?,
        roles: Role::ALL,
        form,
        errors,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct UsersQuery {
    page: Option<String>,
    /// A unit to open the form for, as a liaison of it.
    unit: Option<String>,
}

pub async fn list(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PageQuery(q): PageQuery<UsersQuery>,
) -> Result<Response, AppError> {
    let page = page_number(q.page.as_deref());
    let form = match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(unit) => NewUserForm {
            role: Role::Liaison.as_str().to_string(),
            unit: unit.to_string(),
            ..NewUserForm::default()
        },
        None => NewUserForm::default(),
    };
    Ok(render::ok(
        &users_page(&pool, &user, form, FieldErrors::default(), page).await?,
    ))
}

fn unit_ref(raw: &str) -> Result<UnitRef, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(UnitRef::None);
    }
    raw.parse()
        .map(UnitRef::Id)
        .map_err(|_| "请选择列表中的单位")
}

fn role_of(raw: &str) -> Result<Role, &'static str> {
    Role::parse(raw).ok_or("请选择角色")
}

pub async fn create(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Form(f): Form<NewUserForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let role = role_of(&f.role).map_err(|m| errors.add("role", m)).ok();
    let unit = unit_ref(&f.unit).map_err(|m| errors.add("unit", m)).ok();
    if let (Some(role), Some(unit)) = (role, unit) {
        // Drawn for this login, so that the random letters never spell it (the policy's rule).
        let password = crate::rules::auth::new_one_time_password_for(
            &f.login.trim().to_lowercase(),
            &f.display_name,
        );
        let input = NewUserInput {
            login: f.login.clone(),
            display_name: Some(f.display_name.clone()),
            role,
            unit,
            password: password.clone(),
            must_change_password: true,
            email: Some(f.email.clone()),
        };
        match accounts::create_user(&pool, &user.actor(addr), input).await {
            Ok(id) => {
                return Ok(render::ok(&SecretPage {
                    layout: bare_layout("users", Some(&user)),
                    heading: format!("已创建用户 {}", f.login.trim().to_lowercase()),
                    explanation: "这是该用户的一次性初始密码，只显示这一次。请通过安全渠道告知本人；首次登录时必须修改。".into(),
                    secret: password,
                    back: format!("/admin/users/{id}"),
                }));
            }
            Err(AccountError::Field { field, message }) => errors.add(field, message),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(render::page(
        StatusCode::UNPROCESSABLE_ENTITY,
        &users_page(&pool, &user, f, errors, 1).await?,
    ))
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    layout: Layout,
    subject: UserRow,
    tokens: Vec<TokenRow>,
    units: Vec<UnitChoice>,
    roles: [Role; 4],
    /// The edit form's values (the stored ones, or those just submitted).
    display_name: String,
    role: String,
    unit: String,
    errors: FieldErrors,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    saved: Option<String>,
}

async fn subject(pool: &PgPool, id: i64) -> Result<UserRow, AppError> {
    db::users::by_id(pool, id)
        .await?
        .ok_or_else(UserId::missing)
}

async fn user_page(
    pool: &PgPool,
    user: &CurrentUser,
    subject: UserRow,
    form: Option<EditForm>,
    errors: FieldErrors,
    notice: Option<String>,
) -> Result<UserPage, AppError> {
    let (display_name, role, unit) = match form {
        Some(f) => (f.display_name, f.role, f.unit),
        None => (
            subject.display_name.clone(),
            subject.role.as_str().to_string(),
            subject.unit_id.map(|u| u.to_string()).unwrap_or_default(),
        ),
    };
    Ok(UserPage {
        layout: bare_layout("users", Some(user)),
        tokens: db::tokens::for_user(pool, subject.id).await?,
        units: db::users::unit_choices(pool).await?,
        roles: Role::ALL,
        subject,
        display_name,
        role,
        unit,
        errors,
        notice,
    })
}

pub async fn show(
    State(pool): State<PgPool>,
    user: CurrentUser,
    UserId(id): UserId,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, AppError> {
    let subject = subject(&pool, id).await?;
    let notice = q.saved.map(|_| "已保存。".to_string());
    Ok(render::ok(
        &user_page(&pool, &user, subject, None, FieldErrors::default(), notice).await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
}

pub async fn update(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    UserId(id): UserId,
    Form(f): Form<EditForm>,
) -> Result<Response, AppError> {
    let subject = subject(&pool, id).await?;
    let mut errors = FieldErrors::default();
    let role = role_of(&f.role).map_err(|m| errors.add("role", m)).ok();
    let unit = unit_ref(&f.unit).map_err(|m| errors.add("unit", m)).ok();
    if let (Some(role), Some(unit)) = (role, unit) {
        match accounts::update_user(
            &pool,
            &user.actor(addr),
            subject.id,
            &f.display_name,
            role,
            unit,
        )
        .await
        {
            Ok(()) => {
                return Ok(
                    Redirect::to(&format!("/admin/users/{}?saved=1", subject.id)).into_response(),
                );
            }
            Err(AccountError::Field { field, message }) => errors.add(field, message),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(render::page(
        StatusCode::UNPROCESSABLE_ENTITY,
        &user_page(&pool, &user, subject, Some(f), errors, None).await?,
    ))
}

#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    active: String,
}

pub async fn set_active(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    UserId(id): UserId,
    Form(f): Form<ActiveForm>,
) -> Result<Response, AppError> {
    let subject = subject(&pool, id).await?;
    let active = match f.active.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(AppError::BadRequest("请选择启用或停用。".into())),
    };
    match accounts::set_active(&pool, &user.actor(addr), subject.id, active).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{}?saved=1", subject.id)).into_response()),
        Err(AccountError::Refused(m)) => Ok(render::page(
            StatusCode::CONFLICT,
            &user_page(
                &pool,
                &user,
                subject,
                None,
                FieldErrors::single("active", m),
                None,
            )
            .await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn reset_password(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    UserId(id): UserId,
) -> Result<Response, AppError> {
    let subject = subject(&pool, id).await?;
    let password = accounts::reset_password(&pool, &user.actor(addr), subject.id).await?;
    Ok(render::ok(&SecretPage {
        layout: bare_layout("users", Some(&user)),
        heading: format!("已为 {} 设置一次性密码", subject.login),
        explanation: "该密码只显示这一次。请通过安全渠道告知本人；其下次登录时必须修改密码。"
            .into(),
        secret: password,
        back: format!("/admin/users/{}", subject.id),
    }))
}

pub async fn create_token(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    UserId(id): UserId,
) -> Result<Response, AppError> {
    let subject = subject(&pool, id).await?;
    let token = accounts::create_token(&pool, &user.actor(addr), subject.id).await?;
    Ok(render::ok(&SecretPage {
        layout: bare_layout("users", Some(&user)),
        heading: format!("已为 {} 生成 API 令牌", subject.login),
        explanation:
            "令牌只显示这一次，系统只保存其摘要。调用接口时放在请求头 Authorization: Bearer 之后。"
                .into(),
        secret: token.secret,
        back: format!("/admin/users/{}", subject.id),
    }))
}

pub async fn revoke_token(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path((id, token_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| UserId::missing())?;
    let subject = subject(&pool, id).await?;
    let token_id: i64 = token_id
        .parse()
        .map_err(|_| AppError::NotFound("找不到该令牌。".into()))?;
    accounts::revoke_token(&pool, &user.actor(addr), subject.id, token_id).await?;
    Ok(Redirect::to(&format!("/admin/users/{}?saved=1", subject.id)).into_response())
}
