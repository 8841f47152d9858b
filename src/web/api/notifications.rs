//! `GET /api/v1/notifications` (the caller's inbox) and `POST /api/v1/notifications/{id}/read`.

use super::doc::{ReadRefusals, WriteRefusals};
use super::{PageInfo, Paging};
use crate::db;
use crate::web::auth::CurrentUser;
use crate::web::{ApiError, AppError};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

/// 站内消息: one notification in the caller's inbox.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NotificationJson {
    id: i64,
    /// The kind of event, e.g. `urged`, `report_returned`, `assigned`.
    kind: String,
    /// One line, Chinese.
    title: String,
    body: String,
    /// The page it concerns, a path inside duban.
    link: String,
    created_at: chrono::DateTime<chrono::Utc>,
    /// When the caller marked it read; null while unread.
    read_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A page of the caller's notifications, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NotificationPage {
    notifications: Vec<NotificationJson>,
    #[serde(flatten)]
    page: PageInfo,
}

/// `?unread=`: `true` (or `1`) for unread ones only.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxFilter {
    /// `true` or `1`: only unread notifications; anything else: all.
    #[param(value_type = Option<String>, example = "true", pattern = r"^[^\x00-\x1F\x7F]*$")]
    unread: Option<String>,
}

/// `/notifications/{id}`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct NotificationAddress {
    /// The notification's id.
    #[param(value_type = i64, example = 1)]
    id: String,
}

/// The caller's inbox.
#[utoipa::path(
    get,
    path = "/api/v1/notifications",
    operation_id = "list_notifications",
    tag = "notifications",
    params(InboxFilter, Paging),
    responses(
        (status = 200, description = "The page of notifications", body = NotificationPage),
        ReadRefusals,
    )
)]
pub async fn list(
    State(pool): State<PgPool>,
    user: CurrentUser,
    Query(filter): Query<InboxFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<NotificationPage>, ApiError> {
    let unread = matches!(filter.unread.as_deref().map(str::trim), Some("true" | "1"));
    let pager = paging.pager(db::notices::count(&pool, user.id, unread).await?);
    let rows = db::notices::inbox(
        &pool,
        user.id,
        unread,
        db::Window {
            limit: pager.per_page,
            offset: pager.offset(),
        },
    )
    .await?;
    Ok(Json(NotificationPage {
        notifications: rows.into_iter().map(json_of).collect(),
        page: PageInfo::of(&pager),
    }))
}

/// Marks one of the caller's notifications read (again is no error).
#[utoipa::path(
    post,
    path = "/api/v1/notifications/{id}/read",
    operation_id = "read_notification",
    tag = "notifications",
    params(NotificationAddress),
    responses(
        (status = 200, description = "The notification, now read", body = NotificationJson),
        WriteRefusals,
    )
)]
pub async fn read(
    State(pool): State<PgPool>,
    user: CurrentUser,
    Path(address): Path<NotificationAddress>,
) -> Result<Json<NotificationJson>, ApiError> {
    let missing = || ApiError(AppError::NotFound("没有这条消息".into()));
    let id: i64 = address.id.trim().parse().map_err(|_| missing())?;
    if !db::notices::mark_read(&pool, user.id, id).await? {
        return Err(missing());
    }
    let r = db::notices::message(&pool, user.id, id)
        .await?
        .ok_or_else(missing)?;
    Ok(Json(json_of(r)))
}

fn json_of(r: db::notices::InboxRow) -> NotificationJson {
    NotificationJson {
        id: r.id,
        kind: r.kind,
        title: r.title,
        body: r.body,
        link: r.link,
        created_at: r.created_at,
        read_at: r.read_at,
    }
}
