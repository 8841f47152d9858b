//! 签收 and 申诉, each in one transaction with its audit entry and notice: a unit answers its
//! assignment once — it acknowledges it, or contests it; the office decides a contest, and a
//! change of role or a removal goes through the same change as the task's units form (its
//! history, its version checked), so the obligations and lights follow it.

use crate::db::{self, audit::Actor, tasks::UnitRole};
use crate::rules::access::Access;
use crate::rules::acknowledgements::{self as rules, ContestKind, Decision};
use crate::rules::notices::NoticeKind;
use crate::workflows::assignments::{ChangeError, TaskChange, UnitsChange, change_task_in};
use crate::workflows::notify::{self, Notice};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgPool;

/// Why an answer or a decision was refused.
pub type AcknowledgementError = super::refusal::Refusal;

/// A unit's answer, as typed.
#[derive(Debug, Clone, Default)]
pub struct AnswerInput {
    pub unit_id: i64,
    pub accept: bool,
    /// A contest's kind (`not_our_remit` …) and reason; ignored on an acknowledgement.
    pub kind: String,
    pub reason: String,
}

/// Unit `input.unit_id` acknowledges or contests its assignment to task `code`; gives the id.
pub async fn answer(
    pool: &PgPool,
    actor: &Actor,
    access: Access,
    plan_id: i64,
    code: &str,
    input: &AnswerInput,
    today: NaiveDate,
) -> Result<i64, AcknowledgementError> {
    if !access.may_write_for(input.unit_id) {
        return Err(AcknowledgementError::Forbidden);
    }
    let task = db::tasks::get_by_code(pool, plan_id, code)
        .await?
        .ok_or(AcknowledgementError::NotFound("找不到该任务"))?;
    let role = if task.lead_ids.contains(&input.unit_id) {
        "牵头单位"
    } else if task.co_ids.contains(&input.unit_id) {
        "配合单位"
    } else {
        return Err(AcknowledgementError::Fields(vec![(
            "unit",
            "该单位不是本任务的责任单位。".into(),
        )]));
    };
    let contest = if input.accept {
        None
    } else {
        Some(
            rules::parse_contest(&input.kind, &input.reason)
                .map_err(AcknowledgementError::Fields)?,
        )
    };
    let unit = task.unit_name(input.unit_id);
    let mut tx = pool.begin().await?;
    let inserted = db::acknowledgements::insert(
        &mut tx,
        &db::acknowledgements::NewAcknowledgement {
            task_id: task.id,
            unit_id: input.unit_id,
            accepted: input.accept,
            kind: contest.as_ref().map(|(k, _)| k.as_str()),
            reason: contest.as_ref().map(|(_, r)| r.as_str()),
            answered_by: actor.user_id,
            answered_on: today,
        },
    )
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e))
            if e.constraint() == Some("assignment_acknowledgements_once_idx") =>
        {
            return Err(AcknowledgementError::Conflict(
                "该单位已对本任务的分工签收或申诉，不能再次提交。".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    match &contest {
        None => {
            db::audit::record(
                &mut *tx,
                actor,
                "assignment_acknowledged",
                Some(&id.to_string()),
                json!({ "task": task.code, "unit": unit }),
            )
            .await?;
        }
        Some((kind, reason)) => {
            db::audit::record(
                &mut *tx,
                actor,
                "assignment_contested",
                Some(&id.to_string()),
                json!({ "task": task.code, "unit": unit, "kind": kind.as_str(), "reason": reason }),
            )
            .await?;
            notify::emit(
                &mut tx,
                Notice {
                    kind: NoticeKind::AssignmentContested,
                    plan_id,
                    task_id: Some(task.id),
                    unit_id: Some(input.unit_id),
                    actor_id: actor.user_id,
                    what: format!("{unit}对分工提出申诉"),
                    body: format!("{unit}（{role}）申诉：{}。理由：{reason}", kind.label()),
                    link: Some(format!(
                        "/tasks/{}/acknowledgements?plan={plan_id}",
                        task.code
                    )),
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(id)
}

/// The office's decision, as typed.
#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    pub version: i32,
    /// `keep`, `change_role` or `remove`.
    pub decision: String,
    pub reason: String,
}

/// Decides contest `id` on `today`.
pub async fn decide(
    pool: &PgPool,
    actor: &Actor,
    access: Access,
    id: i64,
    input: &DecisionInput,
    today: NaiveDate,
) -> Result<Decision, AcknowledgementError> {
    if !access.may_edit_plan() {
        return Err(AcknowledgementError::Forbidden);
    }
    let decision = Decision::parse(&input.decision).ok_or((
        "decision",
        "请选择维持原分工、调整职责或移除该单位。".to_string(),
    ));
    let reason = rules::parse_reason("reason", &input.reason, "处理意见");
    let mut faults = Vec::new();
    let decision = decision.map_err(|f| faults.push(f)).ok();
    let reason = reason.map_err(|f| faults.push(f)).ok();
    let (Some(decision), Some(reason)) = (decision, reason) else {
        return Err(AcknowledgementError::Fields(faults));
    };
    let mut tx = pool.begin().await?;
    let (version, accepted, decided) = db::acknowledgements::lock(&mut tx, id)
        .await?
        .ok_or(AcknowledgementError::NotFound("找不到该申诉"))?;
    if accepted || decided {
        return Err(AcknowledgementError::Conflict(
            "该申诉已处理（或该单位已签收），无需再处理。".into(),
        ));
    }
    if version != input.version {
        return Err(AcknowledgementError::Conflict(
            "该申诉已被他人处理，请刷新页面后再操作。".into(),
        ));
    }
    let a = db::acknowledgements::get(&mut *tx, id)
        .await?
        .ok_or(AcknowledgementError::NotFound("找不到该申诉"))?;
    let task = db::tasks::get_by_code(&mut *tx, a.plan_id, &a.task_code)
        .await?
        .ok_or(AcknowledgementError::NotFound("找不到该任务"))?;
    let lead = task.lead_ids.contains(&a.unit_id);
    let role = match decision {
        Decision::Keep => None,
        Decision::ChangeRole => Some(Some(if lead { UnitRole::Co } else { UnitRole::Lead })),
        Decision::Remove => Some(None),
    };
    if let Some(role) = role {
        let change = TaskChange {
            version: task.version,
            units: Some(UnitsChange::Edit {
                roles: vec![(a.unit_id, role)],
                add: Vec::new(),
            }),
            confirm_overdue: true,
            ..TaskChange::default()
        };
        change_task_in(&mut tx, actor, a.plan_id, &a.task_code, change, today)
            .await
            .map_err(|e| match e {
                ChangeError::Db(e) => AcknowledgementError::Db(e),
                ChangeError::Field { field, message } => {
                    AcknowledgementError::Fields(vec![(field, message)])
                }
                other => AcknowledgementError::Conflict(other.to_string()),
            })?;
    }
    if !db::acknowledgements::decide(
        &mut tx,
        id,
        version,
        decision.as_str(),
        &reason,
        actor.user_id,
    )
    .await?
    {
        return Err(AcknowledgementError::Conflict(
            "该申诉已被他人处理，请刷新页面后再操作。".into(),
        ));
    }
    db::audit::record(
        &mut *tx,
        actor,
        "contest_decided",
        Some(&id.to_string()),
        json!({
            "task": a.task_code, "unit": a.unit_name, "decision": decision.as_str(),
            "reason": reason,
        }),
    )
    .await?;
    let kind = a
        .kind
        .as_deref()
        .and_then(ContestKind::parse)
        .map_or("", ContestKind::label);
    notify::emit(
        &mut tx,
        Notice {
            kind: NoticeKind::ContestDecided,
            plan_id: a.plan_id,
            task_id: Some(a.task_id),
            unit_id: Some(a.unit_id),
            actor_id: actor.user_id,
            what: "分工申诉已处理".into(),
            body: format!(
                "办公室对{}的申诉（{kind}）决定：{}。意见：{reason}",
                a.unit_name,
                decision.label()
            ),
            link: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(decision)
}
