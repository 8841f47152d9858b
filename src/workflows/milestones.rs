//! 任务分解: the office or a lead unit breaks a task into milestones, each owned by one of the
//! task's units; the owner (or whoever plans them) marks one done. Each step is one
//! transaction, version-checked, in the task's history and the audit log; the lights read the
//! milestones with the task (`rules::lights`).

use super::refusal::{Fault, Refusal};
use crate::db::{self, audit::Actor};
use crate::rules::access::Access;
use crate::rules::milestones as rules;
use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgPool;

const STALE: &str = "任务已被他人修改，请刷新页面后再操作。";

/// A milestone as typed.
#[derive(Debug, Clone, Default)]
pub struct AddInput {
    pub unit_id: Option<i64>,
    pub output: String,
    pub due: String,
    pub weight: String,
    /// The task's version as the page showed it.
    pub version: i32,
}

/// Adds a milestone to task `code`; gives its id.
pub async fn add(
    pool: &PgPool,
    actor: &Actor,
    access: Access,
    plan_id: i64,
    code: &str,
    input: &AddInput,
) -> Result<i64, Refusal> {
    let task = db::tasks::get_by_code(pool, plan_id, code)
        .await?
        .ok_or(Refusal::NotFound("本工作要点中没有该任务"))?;
    if !access.may_plan_milestones(&task.lead_ids) {
        return Err(Refusal::Forbidden);
    }
    let mut faults: Vec<Fault> = Vec::new();
    let unit = match input.unit_id {
        Some(u) if task.lead_ids.contains(&u) || task.co_ids.contains(&u) => Some(u),
        _ => {
            faults.push(("unit", "请选择本任务的一个责任单位".into()));
            None
        }
    };
    let output = rules::parse_output(&input.output)
        .map_err(|f| faults.push(f))
        .ok();
    let due = rules::parse_due(&input.due, task.plan_year)
        .map_err(|f| faults.push(f))
        .ok();
    let weight = rules::parse_weight(&input.weight)
        .map_err(|f| faults.push(f))
        .ok();
    let (Some(unit), Some(output), Some(due), Some(weight)) = (unit, output, due, weight) else {
        return Err(Refusal::Fields(faults));
    };
    let mut tx = pool.begin().await?;
    let locked = db::tasks::lock_closing(&mut tx, plan_id, code)
        .await?
        .ok_or(Refusal::NotFound("本工作要点中没有该任务"))?;
    if locked.closed {
        return Err(Refusal::Conflict("该任务已办结，不能再分解".into()));
    }
    if locked.version != input.version {
        return Err(Refusal::Conflict(STALE.into()));
    }
    let id =
        db::milestones::insert(&mut tx, task.id, unit, &output, due, weight, actor.user_id).await?;
    db::assignments::bump_version(&mut *tx, task.id).await?;
    let name = task.unit_name(unit);
    let what = json!({ "output": output, "unit": name, "due": due, "weight": weight });
    db::assignments::record_history(
        &mut *tx,
        task.id,
        actor,
        "milestone",
        serde_json::Value::Null,
        what.clone(),
    )
    .await?;
    db::audit::record(&mut *tx, actor, "milestone_added", Some(code), what).await?;
    tx.commit().await?;
    Ok(id)
}

/// What is done to a milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// 完成, on the day.
    Done,
    /// 重新打开.
    Reopen,
    /// 删除.
    Remove,
}

impl Step {
    pub fn parse(s: &str) -> Option<Step> {
        match s.trim() {
            "done" => Some(Step::Done),
            "reopen" => Some(Step::Reopen),
            "remove" => Some(Step::Remove),
            _ => None,
        }
    }
}

/// Marks milestone `id` done on `today`, opens it again, or removes it; `version` is its own.
pub async fn step(
    pool: &PgPool,
    actor: &Actor,
    access: Access,
    id: i64,
    step: Step,
    version: i32,
    today: NaiveDate,
) -> Result<db::milestones::MilestoneRow, Refusal> {
    let peek = db::milestones::get(pool, id)
        .await?
        .ok_or(Refusal::NotFound("找不到该里程碑"))?;
    let task = db::tasks::get(pool, peek.task_id)
        .await?
        .ok_or(Refusal::NotFound("找不到该里程碑"))?;
    let allowed = match step {
        Step::Remove => access.may_plan_milestones(&task.lead_ids),
        Step::Done | Step::Reopen => access.may_finish_milestone(peek.unit_id, &task.lead_ids),
    };
    if !allowed {
        return Err(Refusal::Forbidden);
    }
    let mut tx = pool.begin().await?;
    // The task before the milestone, in the order every write of the task takes them.
    let locked = db::tasks::lock_closing(&mut tx, task.plan_id, &task.code)
        .await?
        .ok_or(Refusal::NotFound("找不到该里程碑"))?;
    let m = db::milestones::lock(&mut tx, id)
        .await?
        .ok_or(Refusal::NotFound("找不到该里程碑"))?;
    if m.version != version {
        return Err(Refusal::Conflict(
            "该里程碑已被他人修改，请刷新页面后再操作。".into(),
        ));
    }
    if locked.closed {
        return Err(Refusal::Conflict("该任务已办结，不能再修改其分解".into()));
    }
    let action = match step {
        Step::Done => "milestone_done",
        Step::Reopen => "milestone_reopened",
        Step::Remove => "milestone_removed",
    };
    let (before, after) = match step {
        Step::Done if m.done_on.is_some() => {
            return Err(Refusal::Conflict("该里程碑已完成".into()));
        }
        Step::Reopen if m.done_on.is_none() => {
            return Err(Refusal::Conflict("该里程碑尚未完成".into()));
        }
        Step::Done => {
            db::milestones::set_done(&mut tx, id, Some(today), actor.user_id).await?;
            (json!({ "output": m.output }), json!({ "done_on": today }))
        }
        Step::Reopen => {
            db::milestones::set_done(&mut tx, id, None, None).await?;
            (
                json!({ "output": m.output, "done_on": m.done_on }),
                json!({ "done_on": null }),
            )
        }
        Step::Remove => {
            db::milestones::delete(&mut tx, id).await?;
            (
                json!({ "output": m.output, "unit": m.unit_name, "due": m.due_on }),
                serde_json::Value::Null,
            )
        }
    };
    db::assignments::bump_version(&mut *tx, task.id).await?;
    db::assignments::record_history(
        &mut *tx,
        task.id,
        actor,
        "milestone",
        before.clone(),
        after.clone(),
    )
    .await?;
    db::audit::record(
        &mut *tx,
        actor,
        action,
        Some(&task.code),
        json!({ "milestone": id, "before": before, "after": after }),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}
