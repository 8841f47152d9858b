//! `/admin/audit`: the audit log, newest first, filtered by action, person and dates.

use crate::db::{self, audit::AuditFilter, audit::AuditRow};
use crate::web::auth::CurrentUser;
use crate::web::forms::FieldErrors;
use crate::web::pages::query::PageQuery;
use crate::web::plan_context::{Layout, bare_layout};
use crate::web::{AppError, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgPool;

const PAGE_SIZE: i64 = 100;

/// The action codes and their names in the interface.
pub fn action_label(action: &str) -> &str {
    match action {
        "sign_in" => "登录",
        "sign_in_failed" => "登录失败",
        "sign_in_throttled" => "登录被限制",
        "sign_out" => "退出",
        "user_created" => "新建用户",
        "user_updated" => "修改用户",
        "user_disabled" => "停用用户",
        "user_enabled" => "启用用户",
        "password_changed" => "修改密码",
        "password_reset" => "设置一次性密码",
        "token_created" => "生成令牌",
        "token_revoked" => "撤销令牌",
        other => other,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    action: Option<String>,
    login: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<AuditRow>,
    actions: Vec<String>,
    action: String,
    login: String,
    from: String,
    to: String,
    errors: FieldErrors,
    page: i64,
    has_next: bool,
    /// The filters as a query string, for the pager's links.
    query: String,
}

impl AuditPage {
    fn label<'a>(&self, action: &'a str) -> &'a str {
        action_label(action)
    }
}

fn date(raw: &str, field: &'static str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    if raw.is_empty() {
        return None;
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| errors.add(field, "日期格式应为 2022-07-01"))
        .ok()
}

fn trimmed(s: &Option<String>) -> String {
    s.as_deref().unwrap_or_default().trim().to_string()
}

pub async fn list(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PageQuery(q): PageQuery<AuditQuery>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let (action, login, from_raw, to_raw) = (
        trimmed(&q.action),
        trimmed(&q.login),
        trimmed(&q.from),
        trimmed(&q.to),
    );
    let filter = AuditFilter {
        action: Some(action.clone()).filter(|s| !s.is_empty()),
        login: Some(login.to_lowercase()).filter(|s| !s.is_empty()),
        from: date(&from_raw, "from", &mut errors),
        to: date(&to_raw, "to", &mut errors),
    };
    let page = trimmed(&q.page)
        .parse::<i64>()
        .unwrap_or(1)
        .clamp(1, 100_000);
    let mut rows = if errors.is_empty() {
        db::audit::list(&pool, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE).await?
    } else {
        Vec::new()
    };
    let has_next = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let query = [
        ("action", &action),
        ("login", &login),
        ("from", &from_raw),
        ("to", &to_raw),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={}", crate::web::percent_encode(v, b"")))
    .collect::<Vec<_>>()
    .join("&");
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(render::page(
        status,
        &AuditPage {
            layout: bare_layout("audit", Some(&user)),
            rows,
            actions: db::audit::actions(&pool).await?,
            action,
            login,
            from: from_raw,
            to: to_raw,
            errors,
            page,
            has_next,
            query,
        },
    ))
}
