//! `/admin/notifications`: the delivery log (投递记录) of e-mail and webhooks, newest first,
//! filtered by state, with 重新发送 for failed deliveries.

use crate::db::{self, notices::LogRow};
use crate::rules::notices::label_of;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::pager::{PAGE_SIZE, Pager, page_number};
use crate::web::pages::query::PageQuery;
use crate::web::plan_context::{Layout, bare_layout};
use crate::web::{AppError, render};
use askama::Template;
use axum::extract::{Path, State};
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
}

#[derive(Template)]
#[template(path = "admin_notifications.html")]
struct LogPage {
    layout: Layout,
    rows: Vec<LogRow>,
    state: String,
    states: &'static [(&'static str, &'static str)],
    pager: Pager,
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
    // An unknown state shows everything rather than nothing.
    let state = q
        .state
        .as_deref()
        .filter(|s| STATES.iter().any(|(k, _)| k == s));
    let total = db::notices::log_count(&pool, state).await?;
    let pager = Pager::new(page_number(q.page.as_deref()), PAGE_SIZE, total);
    let rows = db::notices::log(
        &pool,
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
    Ok(render::ok(&LogPage {
        layout: bare_layout("notifications", Some(&user)),
        rows,
        state: state.unwrap_or("").into(),
        states: &STATES,
        pager: pager.link(base, "page"),
    }))
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
