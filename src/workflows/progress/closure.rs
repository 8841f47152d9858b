//! 办结: the office closes a task with a note, or reopens it.

use super::error::field;
use super::{Caller, ProgressError};
use crate::db;
use crate::rules::notices::NoticeKind;
use crate::workflows::notify;
use serde_json::json;
use sqlx::PgPool;

/// 办结 (with a note) or reopen a task. `version` is the task's.
pub async fn set_closed(
    pool: &PgPool,
    caller: &Caller,
    plan_id: i64,
    code: &str,
    version: i32,
    note: Option<&str>,
) -> Result<i32, ProgressError> {
    if !caller.access().may_edit_plan() {
        return Err(ProgressError::Forbidden("只有办公室可以办结任务".into()));
    }
    let note = note.map(str::trim);
    if let Some(n) = note {
        if n.is_empty() {
            return Err(field("closing_note", "办结时请填写办结说明"));
        }
        if n.chars().count() > 2000 {
            return Err(field("closing_note", "办结说明不能超过 2000 字"));
        }
        crate::rules::input::check_text("办结说明", n).map_err(|m| field("closing_note", m))?;
    }
    let mut tx = pool.begin().await?;
    // One lock on the task row gives its version and whether it is closed.
    let task = db::tasks::lock_closing(&mut tx, plan_id, code)
        .await?
        .ok_or_else(|| ProgressError::NotFound(format!("本工作要点中没有编号为“{code}”的任务")))?;
    if task.version != version {
        return Err(ProgressError::Stale {
            current: task.version,
        });
    }
    match (task.closed, note) {
        (true, Some(_)) => return Err(ProgressError::Conflict("该任务已办结".into())),
        (false, None) => return Err(ProgressError::Conflict("该任务尚未办结".into())),
        _ => {}
    }
    let new_version = db::tasks::set_closed(&mut tx, task.id, note, caller.actor.user_id).await?;
    let (before, after) = match note {
        Some(n) => (json!(null), json!({ "closed": true, "note": n })),
        None => (json!({ "closed": true }), json!(null)),
    };
    db::assignments::record_history(&mut *tx, task.id, &caller.actor, "closure", before, after)
        .await?;
    let action = if note.is_some() {
        "task_closed"
    } else {
        "task_reopened"
    };
    db::audit::record(
        &mut *tx,
        &caller.actor,
        action,
        Some(code),
        json!({ "plan_id": plan_id, "note": note }),
    )
    .await?;
    let (kind, what, body) = match note {
        Some(n) => (
            NoticeKind::TaskClosed,
            "任务已办结",
            format!("办结说明：{n}"),
        ),
        None => (
            NoticeKind::TaskReopened,
            "任务重新打开",
            "该任务已重新打开，请继续按期报送进展情况。".to_string(),
        ),
    };
    notify::emit(
        &mut tx,
        notify::Notice {
            kind,
            plan_id,
            task_id: Some(task.id),
            unit_id: None,
            actor_id: caller.actor.user_id,
            what: what.into(),
            body,
            link: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(new_version)
}
