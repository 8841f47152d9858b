//! `/inbox`, 站内消息: the signed-in user's notifications, newest first, each linking to its
//! page, with mark-as-read.

use super::query::PageQuery;
use crate::db::{self, notices::InboxRow};
use crate::rules::notices::label_of;
use crate::web::auth::CurrentUser;
use crate::web::pager::{PAGE_SIZE, Pager, page_number};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    layout: Layout,
    messages: Vec<InboxRow>,
    pager: Pager,
    unread_only: bool,
    unread: i64,
}

impl InboxPage {
    fn kind_label<'a>(&self, kind: &'a str) -> &'a str {
        label_of(kind)
    }

    fn when(&self, m: &InboxRow) -> String {
        let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8");
        m.created_at
            .with_timezone(&beijing)
            .format("%Y年%-m月%-d日 %H:%M")
            .to_string()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    plan: Option<String>,
    unread: Option<String>,
    page: Option<String>,
}

pub async fn show(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PageQuery(q): PageQuery<InboxQuery>,
) -> Result<Response, AppError> {
    // The plan's frame counts the unread messages already; the bare one does not.
    let (layout, unread) =
        match plan_context::load(&pool, q.plan.as_deref(), "inbox", &user).await? {
            Some(ctx) => {
                let unread = ctx.layout.unread_notices;
                (ctx.layout, unread)
            }
            None => (
                plan_context::bare_layout("inbox", Some(&user)),
                db::notices::count(&pool, user.id, true).await?,
            ),
        };
    let unread_only = matches!(q.unread.as_deref(), Some("1" | "true"));
    let total = db::notices::count(&pool, user.id, unread_only).await?;
    let pager = Pager::new(page_number(q.page.as_deref()), PAGE_SIZE, total);
    let messages = db::notices::inbox(
        &pool,
        user.id,
        unread_only,
        db::Window {
            limit: pager.per_page,
            offset: pager.offset(),
        },
    )
    .await?;
    let base = if unread_only {
        "/inbox?unread=1".to_string()
    } else {
        "/inbox".to_string()
    };
    let page = InboxPage {
        unread,
        messages,
        pager: pager.link(base, "page"),
        unread_only,
        layout,
    };
    Ok(render::ok(&page))
}

/// `POST /inbox/{id}/read`: marks one message read, back to the inbox.
pub async fn read(
    State(pool): State<PgPool>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::NotFound("没有这条消息。".into()))?;
    if !db::notices::mark_read(&pool, user.id, id).await? {
        return Err(AppError::NotFound("没有这条消息。".into()));
    }
    Ok(Redirect::to("/inbox").into_response())
}

/// `POST /inbox/read-all`: marks every message read.
pub async fn read_all(State(pool): State<PgPool>, user: CurrentUser) -> Result<Response, AppError> {
    db::notices::mark_all_read(&pool, user.id).await?;
    Ok(Redirect::to("/inbox").into_response())
}
