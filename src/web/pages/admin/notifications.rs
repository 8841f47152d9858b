//! `/admin/notifications`: the delivery log (投递记录) of e-mail and webhooks, newest first,
//! filtered by state, with 重新发送 for failed deliveries.

use crate::db::{self, notices::LogRow};
use crate::rules::notices::{check_webhook_secret, check_webhook_url, label_of};
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form};
use crate::web::pager::{PAGE_SIZE, Pager, page_number};
use crate::web::pages::query::PageQuery;
use crate::web::plan_context::{Layout, bare_layout};
use crate::web::{AppError, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgPool;

/// The states a delivery is in, with their names.
const STATES: [(&str, &str); 4] = [
    ("pending", "待投递"),
    ("sending", "投递中"),
    ("sent", "已投递"),
    ("failed", "失败"),
];

#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    state: Option<String>,
    page: Option<String>,
    saved: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_notifications.html")]
struct LogPage {
    layout: Layout,
    rows: Vec<LogRow>,
    state: String,
    states: &'static [(&'static str, &'static str)],
    pager: Pager,
    /// The office's webhook URL as stored or as typed, and whether a secret is set.
    office_url: String,
    office_has_secret: bool,
    saved: bool,
    errors: FieldErrors,
}

impl LogPage {
    fn kind_label<'a>(&self, kind: &'a str) -> &'a str {
        label_of(kind)
    }

    fn state_label<'a>(&self, state: &'a str) -> &'a str {
        STATES
            .iter()
            .find(|(k, _)| *k == state)
            .map_or(state, |(_, l)| l)
    }

    fn is_state(&self, k: &str) -> bool {
        self.state == k
    }

    fn channel_label(&self, channel: &str) -> &'static str {
        if channel == "webhook" {
            "Webhook"
        } else {
            "邮件"
        }
    }

    fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8");
        t.with_timezone(&beijing)
            .format("%Y年%-m月%-d日 %H:%M")
            .to_string()
    }
}

pub async fn list(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PageQuery(q): PageQuery<LogQuery>,
) -> Result<Response, AppError> {
    let page = page(&pool, &user, &q, None, FieldErrors::default()).await?;
    Ok(render::ok(&page))
}

async fn page(
    pool: &PgPool,
    user: &CurrentUser,
    q: &LogQuery,
    typed_url: Option<String>,
    errors: FieldErrors,
) -> Result<LogPage, AppError> {
    // An unknown state shows everything rather than nothing.
    let state = q
        .state
        .as_deref()
        .filter(|s| STATES.iter().any(|(k, _)| k == s));
    let total = db::notices::log_count(pool, state).await?;
    let pager = Pager::new(page_number(q.page.as_deref()), PAGE_SIZE, total);
    let rows = db::notices::log(
        pool,
        state,
        db::Window {
            limit: pager.per_page,
            offset: pager.offset(),
        },
    )
    .await?;
    let base = match state {
        Some(s) => format!("/admin/notifications?state={s}"),
        None => "/admin/notifications".into(),
    };
    let office = db::reminders::office_channel(pool).await?;
    Ok(LogPage {
        layout: bare_layout("notifications", Some(user)),
        rows,
        state: state.unwrap_or("").into(),
        states: &STATES,
        pager: pager.link(base, "page"),
        office_url: typed_url.unwrap_or_else(|| office.webhook_url.unwrap_or_default()),
        office_has_secret: office.has_secret,
        saved: q.saved.is_some(),
        errors,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct OfficeChannelForm {
    webhook_url: Option<String>,
    webhook_secret: Option<String>,
    clear_secret: Option<String>,
}

/// `POST /admin/notifications/office-channel`: the office's own webhook (an IM group robot)
/// and its signing secret. An omitted field is left as it is; an empty URL removes it.
pub async fn save_office_channel(
    State(pool): State<PgPool>,
    user: CurrentUser,
    Form(f): Form<OfficeChannelForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let url = match f.webhook_url.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(String::new()),
        Some(raw) => match check_webhook_url(raw) {
            Ok(v) => Some(v),
            Err(m) => {
                errors.add("webhook_url", m);
                None
            }
        },
    };
    let secret = match f.webhook_secret.as_deref().map(check_webhook_secret) {
        Some(Err(m)) => {
            errors.add("webhook_secret", m);
            None
        }
        Some(Ok(Some(s))) => Some(s),
        _ if f.clear_secret.as_deref() == Some("1") => Some(String::new()),
        _ => None,
    };
    if !errors.is_empty() {
        let page = page(&pool, &user, &LogQuery::default(), f.webhook_url, errors).await?;
        return Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    db::reminders::set_office_channel(&pool, url.as_deref(), secret.as_deref()).await?;
    Ok(Redirect::to("/admin/notifications?saved=1#office").into_response())
}

/// `POST /admin/notifications/{id}/resend`: a failed delivery is due again.
pub async fn resend(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let missing = || AppError::NotFound("没有这条失败的投递记录。".into());
    let id: i64 = id.parse().map_err(|_| missing())?;
    let mut tx = pool.begin().await?;
    if !db::notices::resend(&mut *tx, id).await? {
        return Err(missing());
    }
    db::audit::record(
        &mut *tx,
        &user.actor(addr),
        "notification_resent",
        None,
        json!({ "delivery_id": id }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/notifications?state=pending").into_response())
}
