//! `POST /api/v1/plans/{id}/editions` (office token): issues the plan's next 督办通报 edition,
//! for offices that script their period's end — the same check as the page's 确认发布 (an
//! edition saying what the last one said is not issued).

use super::addresses::PlanAddress;
use super::doc::WriteRefusals;
use super::plans::known_plan;
use crate::db;
use crate::rules::bulletin;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::{ApiError, AppError, Clock};
use crate::workflows::editions::{self, IssueError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use sqlx::PgPool;

/// An edition just issued.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EditionJson {
    id: i64,
    /// 第N期: its number in the plan's year.
    number: i32,
    /// The title of its 通报, `关于…落实情况的通报（第N期）`.
    title: String,
    /// The day its figures are as of, `YYYY-MM-DD`.
    as_of: chrono::NaiveDate,
    /// Where the 通报 draft is downloaded (`GET`, office and leaders).
    bulletin: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/plans/{id}/editions",
    operation_id = "issue_edition",
    tag = "plans",
    params(PlanAddress),
    responses(
        (status = 201, description = "The edition issued", body = EditionJson),
        WriteRefusals,
    )
)]
pub async fn issue(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(address): Path<PlanAddress>,
) -> Result<(StatusCode, Json<EditionJson>), ApiError> {
    let plan_id = known_plan(&pool, &address.id).await?;
    let actor = user.actor(addr);
    let today = clock.today();
    // Issued beside the latest edition as it stands: a script has no preview to have seen.
    let seen = db::editions::latest(&pool, plan_id)
        .await?
        .map(|(id, _, _)| id);
    let id = match editions::issue_confirmed(&pool, &actor, plan_id, today, seen).await {
        Ok(id) => id,
        Err(e @ (IssueError::Identical(_) | IssueError::Superseded)) => {
            return Err(ApiError(AppError::Conflict {
                message: e.to_string(),
                current_version: 0,
            }));
        }
        Err(IssueError::NotFound) => {
            return Err(ApiError(AppError::NotFound("没有这个工作要点".into())));
        }
        Err(IssueError::Db(e)) => return Err(e.into()),
    };
    let row = db::editions::get(&pool, id)
        .await?
        .ok_or_else(|| ApiError(AppError::Internal("edition vanished".into())))?;
    let plan_title = db::plans::get(&pool, plan_id)
        .await?
        .map(|p| p.title)
        .unwrap_or_default();
    Ok((
        StatusCode::CREATED,
        Json(EditionJson {
            id,
            number: row.number,
            title: bulletin::title(&plan_title, row.number),
            as_of: row.as_of,
            bulletin: format!("/editions/{id}/bulletin.docx"),
        }),
    ))
}
