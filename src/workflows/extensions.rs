//! 延期申请 and its decision, each in one transaction. An approval moves the task's deadline
//! through the same change as the office's schedule form (its history keeps the deadline before,
//! its version is bumped), so the lights, `/reporting`, the summary, the 台账 and the editions
//! all judge by the date in force.

use crate::db::{self, audit::Actor};
use crate::rules::access::Access;
use crate::rules::extensions::{self, ExtensionState, Fault};
use crate::rules::notices::NoticeKind;
use crate::rules::schedule::{Deadline, prose_date};
use crate::workflows::assignments::{ChangeError, TaskChange, change_task_in};
use crate::workflows::notify::{self, Notice};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgPool;

/// Why a request or a decision was refused.
pub type ExtensionError = super::refusal::Refusal;

/// What a unit asks, as typed.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    pub unit_id: i64,
    pub requested_date: String,
    pub reason: String,
    /// The checkpoint's place (from 0), as typed; empty: the deadline.
    pub checkpoint: Option<String>,
}

fn checkpoint_of(raw: Option<&str>) -> Result<Option<usize>, Fault> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => s.parse::<usize>().map(Some).map_err(|_| {
            (
                "checkpoint",
                "请从列出的节点中选择要延期的节点。".to_string(),
            )
        }),
    }
}

/// Files a request for `input.unit_id` on task `code`; gives its id.
pub async fn request(
    pool: &PgPool,
    actor: &Actor,
    access: Access,
    plan_id: i64,
    code: &str,
    input: &RequestInput,
    today: NaiveDate,
) -> Result<i64, ExtensionError> {
    let task = db::tasks::get_by_code(pool, plan_id, code)
        .await?
        .ok_or(ExtensionError::NotFound("找不到该任务"))?;
    let responsible =
        task.lead_ids.contains(&input.unit_id) || task.co_ids.contains(&input.unit_id);
    // A liaison whose unit has no part in the task may ask nothing on it.
    if !access.may_request_extension_for(input.unit_id)
        || (!responsible && access.own_unit().is_some())
    {
        return Err(ExtensionError::Forbidden);
    }
    if !responsible {
        return Err(ExtensionError::Fields(vec![(
            "unit",
            "该单位不是本任务的责任单位，不能申请延期。".into(),
        )]));
    }
    if task.closed_at.is_some() {
        return Err(ExtensionError::Conflict(
            "该任务已办结，无需申请延期。".into(),
        ));
    }
    let checkpoint = checkpoint_of(input.checkpoint.as_deref())?;
    let r = extensions::parse_request(
        &input.requested_date,
        &input.reason,
        checkpoint,
        &task.deadline(),
        task.plan_year,
        today,
    )
    .map_err(ExtensionError::Fields)?;
    let mut tx = pool.begin().await?;
    let inserted = db::extensions::insert(
        &mut tx,
        &db::extensions::NewExtension {
            task_id: task.id,
            unit_id: input.unit_id,
            checkpoint: r.checkpoint.map(|c| c as i32),
            due_date: r.due,
            requested_date: r.requested,
            reason: &r.reason,
            late: r.late,
            requested_by: actor.user_id,
        },
    )
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("extension_requests_open_idx") => {
            return Err(ExtensionError::Conflict(
                "该单位对本任务已有一份待审批的延期申请，请等待办公室审批后再申请。".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let unit = task.unit_name(input.unit_id);
    let what = what_moves(&task, r.checkpoint);
    db::audit::record(
        &mut *tx,
        actor,
        "extension_requested",
        Some(&id.to_string()),
        json!({
            "task": task.code, "unit": unit, "due_date": r.due,
            "requested_date": r.requested, "late": r.late,
        }),
    )
    .await?;
    notify::emit(
        &mut tx,
        Notice {
            kind: NoticeKind::ExtensionRequested,
            plan_id,
            task_id: Some(task.id),
            unit_id: Some(input.unit_id),
            actor_id: actor.user_id,
            what: format!("{unit}申请延期"),
            body: format!(
                "{unit}申请将{}。{}理由：{}",
                extensions::describe(&what, r.due, r.requested),
                if r.late { "（逾期申请）" } else { "" },
                r.reason
            ),
            link: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The office's decision, as typed.
#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    /// The request's version as the page showed it.
    pub version: i32,
    pub approve: bool,
    /// Another date than asked (approvals only); empty: the date asked.
    pub date: Option<String>,
    pub reason: String,
}

/// Decides request `id` on `today`: an approval moves the deadline (or the checkpoint) to the
/// date granted, in the same transaction.
pub async fn decide(
    pool: &PgPool,
    actor: &Actor,
    access: Access,
    id: i64,
    input: &DecisionInput,
    today: NaiveDate,
) -> Result<ExtensionState, ExtensionError> {
    if !access.may_decide_extension() {
        return Err(ExtensionError::Forbidden);
    }
    let reason = extensions::parse_reason("reason", &input.reason, "审批意见");
    let mut tx = pool.begin().await?;
    let x = db::extensions::lock(&mut tx, id)
        .await?
        .ok_or(ExtensionError::NotFound("找不到该延期申请"))?;
    if x.state != ExtensionState::Pending.as_str() {
        return Err(ExtensionError::Conflict(
            "该延期申请已审批，不能再次审批。".into(),
        ));
    }
    if x.version != input.version {
        return Err(ExtensionError::Conflict(
            "该延期申请已被他人修改，请刷新后重新审批。".into(),
        ));
    }
    let (plan_id, code) = db::extensions::task_address(&mut *tx, x.task_id)
        .await?
        .ok_or(ExtensionError::NotFound("找不到该任务"))?;
    let task = db::tasks::get_by_code(&mut *tx, plan_id, &code)
        .await?
        .ok_or(ExtensionError::NotFound("找不到该任务"))?;
    let checkpoint = x.checkpoint.map(|c| c as usize);
    let granted = if input.approve {
        // The date in force now: another change may have moved it since the request.
        let due = extensions::date_in_force(&task.deadline(), checkpoint, task.plan_year)?;
        let date = match input.date.as_deref().map(str::trim) {
            None | Some("") => x.requested_date,
            Some(raw) => extensions::parse_later("date", raw, due)?,
        };
        if date <= due {
            return Err(ExtensionError::Fields(vec![(
                "date",
                format!("批准的日期应晚于现在的时限（{}）。", prose_date(due)),
            )]));
        }
        Some(date)
    } else {
        None
    };
    let reason = reason?;
    let state = if input.approve {
        ExtensionState::Approved
    } else {
        ExtensionState::Refused
    };
    if let Some(date) = granted {
        let change = TaskChange {
            version: task.version,
            deadline: Some(Some(extensions::extended(
                &task.deadline(),
                checkpoint,
                date,
            ))),
            confirm_overdue: true,
            ..TaskChange::default()
        };
        change_task_in(&mut tx, actor, plan_id, &code, change, today)
            .await
            .map_err(|e| match e {
                ChangeError::Db(e) => ExtensionError::Db(e),
                ChangeError::Field { field, message } => {
                    ExtensionError::Fields(vec![(field, message)])
                }
                other => ExtensionError::Conflict(other.to_string()),
            })?;
    }
    if !db::extensions::decide(
        &mut tx,
        id,
        x.version,
        state.as_str(),
        granted,
        &reason,
        actor.user_id,
    )
    .await?
    {
        return Err(ExtensionError::Conflict(
            "该延期申请已被他人审批，请刷新后查看。".into(),
        ));
    }
    let what = what_moves(&task, checkpoint);
    db::audit::record(
        &mut *tx,
        actor,
        "extension_decided",
        Some(&id.to_string()),
        json!({
            "task": code, "unit": x.unit_name, "state": state.as_str(),
            "requested_date": x.requested_date, "decided_date": granted,
        }),
    )
    .await?;
    let body = match granted {
        Some(d) => format!(
            "办公室已批准延期：{}。意见：{reason}",
            extensions::describe(&what, x.due_date, d)
        ),
        None => format!(
            "办公室未批准将{}的申请，时限不变。意见：{reason}",
            extensions::describe(&what, x.due_date, x.requested_date)
        ),
    };
    notify::emit(
        &mut tx,
        Notice {
            kind: NoticeKind::ExtensionDecided,
            plan_id,
            task_id: Some(x.task_id),
            unit_id: Some(x.unit_id),
            actor_id: actor.user_id,
            what: format!("延期申请{}", state.label()),
            body,
            link: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(state)
}

/// `任务时限` or `节点“完成部署”`.
fn what_moves(task: &db::tasks::TaskRow, checkpoint: Option<usize>) -> String {
    let deadline = task.deadline();
    match extensions::checkpoint_title(&deadline, checkpoint) {
        Some(title) => format!("节点“{title}”的时限"),
        None if checkpoint.is_some() && matches!(deadline, Deadline::Staged(_)) => {
            "节点时限".into()
        }
        None => "任务时限".into(),
    }
}
