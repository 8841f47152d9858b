//! `/admin/audit`: the audit log, newest first, filtered by action, person and dates.

use crate::db::{self, audit::AuditFilter, audit::AuditRow};
use crate::web::auth::CurrentUser;
use crate::web::forms::FieldErrors;
use crate::web::pager::{PAGE_SIZE, Pager, page_number, query_of};
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

/// The action codes and their names in the interface (the list is in [`crate::rules::audit`]).
pub fn action_label(action: &str) -> &str {
    crate::rules::audit::action_label(action)
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
    pager: Pager,
}

impl AuditPage {
    fn label<'a>(&self, action: &'a str) -> &'a str {
        action_label(action)
    }

    /// The details as `字段：值` lines.
    fn lines(&self, detail: &serde_json::Value) -> Vec<(String, String)> {
        crate::rules::audit::detail_lines(detail)
    }

    /// The target, with periods by their label.
    fn target(&self, target: &str) -> String {
        crate::rules::audit::target_text(target)
    }
}

fn date(raw: &str, field: &'static str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    if raw.is_empty() {
        return None;
    }
    let parsed = crate::rules::input::parse_date(raw);
    if parsed.is_none() {
        errors.add(field, "日期格式应为 2022-07-01");
    }
    parsed
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
    let total = if errors.is_empty() {
        db::audit::count(&pool, &filter).await?
    } else {
        0
    };
    let pager = Pager::new(page_number(q.page.as_deref()), PAGE_SIZE, total);
    let rows = if errors.is_empty() {
        db::audit::list(
            &pool,
            &filter,
            db::Window {
                limit: pager.per_page,
                offset: pager.offset(),
            },
        )
        .await?
    } else {
        Vec::new()
    };
    let query = query_of(&[
        ("action", &action),
        ("login", &login),
        ("from", &from_raw),
        ("to", &to_raw),
    ]);
    let base = if query.is_empty() {
        "/admin/audit".to_string()
    } else {
        format!("/admin/audit?{query}")
    };
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
            pager: pager.link(base, "page"),
        },
    ))
}
