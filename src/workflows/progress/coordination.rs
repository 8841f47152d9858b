//! 需协调事项: the office answers (or closes) a unit's coordination request.

use super::error::field;
use super::{Caller, CoordinationState, ProgressError};
use crate::db;
use crate::rules::notices::NoticeKind;
use crate::workflows::notify;
use serde_json::json;
use sqlx::PgPool;

/// The office answers (or closes) a coordination request.
pub async fn answer_coordination(
    pool: &PgPool,
    caller: &Caller,
    id: i64,
    answer: &str,
    close: bool,
) -> Result<i64, ProgressError> {
    if !caller.access().may_answer() {
        return Err(ProgressError::Forbidden(
            "只有办公室可以答复需协调事项".into(),
        ));
    }
    let answer = answer.trim();
    if answer.is_empty() {
        return Err(field("answer", "请填写答复"));
    }
    if answer.chars().count() > 2000 {
        return Err(field("answer", "答复不能超过 2000 字"));
    }
    crate::rules::input::check_text("答复", answer).map_err(|m| field("answer", m))?;
    let mut tx = pool.begin().await?;
    let c = db::coordination::lock(&mut tx, id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("没有该需协调事项".into()))?;
    if c.state == CoordinationState::Closed {
        return Err(ProgressError::Conflict("该事项已关闭".into()));
    }
    let state = if close {
        CoordinationState::Closed
    } else {
        CoordinationState::Answered
    };
    db::coordination::answer(&mut tx, id, answer, state, caller.actor.user_id).await?;
    db::audit::record(
        &mut *tx,
        &caller.actor,
        "coordination_answered",
        None,
        json!({ "id": id, "state": state }),
    )
    .await?;
    if let Some(report) = db::reports::get(&mut *tx, c.report_id).await? {
        notify::emit(
            &mut tx,
            notify::Notice {
                kind: NoticeKind::CoordinationAnswered,
                plan_id: report.plan_id,
                task_id: Some(report.task_id),
                unit_id: Some(report.unit_id),
                actor_id: caller.actor.user_id,
                what: "需协调事项已答复".into(),
                body: format!("事项：{}\n答复：{answer}", c.text),
                link: Some(format!("/reports/{}", c.report_id)),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(c.report_id)
}
