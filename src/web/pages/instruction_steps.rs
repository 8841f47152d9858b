//! The steps of a 领导批示's round from its pages: the leader writes, the office relays, a unit
//! answers, the office sends an answer back or closes. A refused step shows its page again
//! with the form as typed and the fault beside its field (422), or why it no longer fits (409).

use super::instructions::{self as pages, Returned, WriteForm};
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form, shown_again};
use crate::web::ids::InstructionId;
use crate::web::{AppError, Clock, render};
use crate::workflows::instructions::{
    self as flow, AnswerInput, CloseInput, InstructionError, RelayInput, SendBackInput, WriteInput,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

/// `POST /tasks/{code}/instructions` (leaders).
pub async fn write(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
    Form(f): Form<WriteForm>,
) -> Result<Response, AppError> {
    let today = clock.today();
    let (ctx, task, lines) =
        pages::load_task(&pool, &user, f.plan.as_deref(), &code, today).await?;
    let report_id = match f.report.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                let errors = FieldErrors::single("report", "该报告不属于本任务。");
                let page = pages::task_page(ctx, task, lines, &user, f, errors);
                return Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page));
            }
        },
    };
    let input = WriteInput {
        text: f.text.clone(),
        answer_by: f.answer_by.clone(),
        report_id,
    };
    match flow::write(
        &pool,
        &user.actor(addr),
        user.access(),
        ctx.plan.id,
        &code,
        &input,
        today,
    )
    .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/instructions/{id}?done=written")).into_response()),
        Err(InstructionError::Fields(e)) => {
            let page = pages::task_page(ctx, task, lines, &user, f, FieldErrors::of(e));
            Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// The result of a step on `/instructions/{id}`: to the page with its notice, or the page again
/// with what was typed.
async fn after(
    pool: &PgPool,
    user: &CurrentUser,
    clock: &Clock,
    id: i64,
    result: Result<(), InstructionError>,
    (form, text): (String, String),
    done: &str,
) -> Result<Response, AppError> {
    let (errors, status) = match result {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/instructions/{id}?done={done}")).into_response());
        }
        Err(e) => shown_again(e, "form")?,
    };
    let returned = Returned { form, text, errors };
    let page = pages::page(pool, user, id, clock.today(), returned, None).await?;
    Ok(render::page(status, &page))
}

fn version_of(raw: &str) -> Result<i32, AppError> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::BadRequest("表单无效，请刷新页面后重新操作。".into()))
}

/// `POST /instructions/{id}/relay` (office): `unit` repeated, `version`, `note`.
pub async fn relay(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    InstructionId(id): InstructionId,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let value = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut unit_ids = Vec::new();
    for (_, v) in fields.iter().filter(|(n, _)| n == "unit") {
        unit_ids.push(
            v.trim()
                .parse::<i64>()
                .map_err(|_| AppError::BadRequest("表单无效，请刷新页面后重新选择单位。".into()))?,
        );
    }
    let input = RelayInput {
        version: version_of(&value("version"))?,
        unit_ids,
        note: value("note"),
    };
    let r = flow::relay(&pool, &user.actor(addr), user.access(), id, &input).await;
    after(
        &pool,
        &user,
        &clock,
        id,
        r,
        ("relay".into(), input.note),
        "relayed",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct UnitStepForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    text: String,
}

fn unit_of(raw: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::BadRequest("表单无效，请刷新页面后重新操作。".into()))
}

/// `POST /instructions/{id}/answer` (the unit's liaison, or the office for it).
pub async fn answer(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    InstructionId(id): InstructionId,
    Form(f): Form<UnitStepForm>,
) -> Result<Response, AppError> {
    pages::load_one(&pool, &user, id).await?;
    let input = AnswerInput {
        unit_id: unit_of(&f.unit)?,
        version: version_of(&f.version)?,
        text: f.text.clone(),
    };
    let r = flow::answer(&pool, &user.actor(addr), user.access(), id, &input).await;
    let form = format!("answer:{}", input.unit_id);
    after(&pool, &user, &clock, id, r, (form, f.text), "answered").await
}

/// `POST /instructions/{id}/send-back` (office): `unit`, `version`, `text` (the reason).
pub async fn send_back(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    InstructionId(id): InstructionId,
    Form(f): Form<UnitStepForm>,
) -> Result<Response, AppError> {
    let input = SendBackInput {
        unit_id: unit_of(&f.unit)?,
        version: version_of(&f.version)?,
        reason: f.text.clone(),
    };
    let r = flow::send_back(&pool, &user.actor(addr), user.access(), id, &input).await;
    let form = format!("send_back:{}", input.unit_id);
    after(&pool, &user, &clock, id, r, (form, f.text), "sent_back").await
}

#[derive(Debug, Default, Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    note: String,
}

/// `POST /instructions/{id}/close` (office): 办结 with its note.
pub async fn close(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    InstructionId(id): InstructionId,
    Form(f): Form<CloseForm>,
) -> Result<Response, AppError> {
    let input = CloseInput {
        version: version_of(&f.version)?,
        note: f.note.clone(),
    };
    let r = flow::close(
        &pool,
        &user.actor(addr),
        user.access(),
        id,
        &input,
        clock.today(),
    )
    .await;
    after(
        &pool,
        &user,
        &clock,
        id,
        r,
        ("close".into(), f.note),
        "closed",
    )
    .await
}
