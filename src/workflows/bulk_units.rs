//! 批量增加/批量移除: one unit added to, or removed from, many tasks at once — previewed first,
//! applied in one transaction as one recorded change, and undone as one step while none of
//! its tasks has changed since.

use crate::db::{self, audit::Actor, bulk_changes::BulkTask, tasks::UnitRole};
use crate::workflows::assignments::{ChangeError, UnitAssignment, change_units, field, units_json};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgPool;
use std::collections::HashSet;

/// Most tasks one bulk change may touch.
pub const MAX_TASKS: usize = 1000;

/// What a bulk change does to each task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkOp {
    /// 批量增加: the unit joins in this role (a task that has it already is left alone).
    Add(UnitRole),
    /// 批量移除: the unit leaves (a task without it is left alone).
    Remove,
}

impl BulkOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BulkOp::Add(_) => "add",
            BulkOp::Remove => "remove",
        }
    }

    pub fn role(self) -> Option<UnitRole> {
        match self {
            BulkOp::Add(r) => Some(r),
            BulkOp::Remove => None,
        }
    }

    /// 增加/移除
    pub fn verb(self) -> &'static str {
        match self {
            BulkOp::Add(_) => "增加",
            BulkOp::Remove => "移除",
        }
    }
}

/// 牵头/配合
pub fn role_label(role: UnitRole) -> &'static str {
    match role {
        UnitRole::Lead => "牵头",
        UnitRole::Co => "配合",
    }
}

/// What a bulk change would do, task by task, before it is confirmed.
#[derive(Debug, Clone)]
pub struct BulkPreview {
    pub unit_id: i64,
    pub unit_name: String,
    pub op: BulkOp,
    /// The tasks that would change.
    pub change: Vec<BulkTask>,
    /// Left alone: the unit is already there (增加) or is not (移除).
    pub unchanged: Vec<BulkTask>,
    /// 移除 only: the unit is the task's only one, and a task needs a unit.
    pub blocked: Vec<BulkTask>,
}

fn check_codes(codes: &[String]) -> Result<(), ChangeError> {
    if codes.is_empty() {
        return Err(field("tasks", "请至少选择一项任务"));
    }
    if codes.len() > MAX_TASKS {
        return Err(field("tasks", format!("一次最多处理 {MAX_TASKS} 项任务")));
    }
    Ok(())
}

/// The unit's short name, from the plan's directory.
async fn unit_name(pool: &PgPool, plan_id: i64, unit_id: i64) -> Result<String, ChangeError> {
    let plan = db::plans::settings(pool, plan_id)
        .await?
        .ok_or(ChangeError::NotFound)?;
    db::assignments::directory_units(pool, &plan.issuer)
        .await?
        .into_iter()
        .find(|(id, _)| *id == unit_id)
        .map(|(_, name)| name)
        .ok_or_else(|| field("units", "所选单位不在本工作要点的成员单位名录中"))
}

/// Sorts each task into what the change would do to it.
fn sort_tasks(op: BulkOp, tasks: Vec<BulkTask>) -> (Vec<BulkTask>, Vec<BulkTask>, Vec<BulkTask>) {
    let (mut change, mut unchanged, mut blocked) = (Vec::new(), Vec::new(), Vec::new());
    for t in tasks {
        match (op, t.role) {
            (BulkOp::Add(_), None) => change.push(t),
            (BulkOp::Add(_), Some(_)) | (BulkOp::Remove, None) => unchanged.push(t),
            (BulkOp::Remove, Some(_)) if t.units <= 1 && !t.unnamed_members => blocked.push(t),
            (BulkOp::Remove, Some(_)) => change.push(t),
        }
    }
    (change, unchanged, blocked)
}

/// What adding or removing `unit_id` on the tasks `codes` would do; nothing is written.
pub async fn preview(
    pool: &PgPool,
    plan_id: i64,
    codes: &[String],
    unit_id: i64,
    op: BulkOp,
) -> Result<BulkPreview, ChangeError> {
    check_codes(codes)?;
    let tasks = db::bulk_changes::tasks_for(pool, plan_id, codes, unit_id).await?;
    if tasks.len() != codes.iter().collect::<HashSet<_>>().len() {
        return Err(field("tasks", "所选任务中有不属于本工作要点的编号"));
    }
    let unit_name = unit_name(pool, plan_id, unit_id).await?;
    let (change, unchanged, blocked) = sort_tasks(op, tasks);
    Ok(BulkPreview {
        unit_id,
        unit_name,
        op,
        change,
        unchanged,
        blocked,
    })
}

/// A bulk change made: its id (for the undo) and how many tasks it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub change_id: i64,
    pub unit_name: String,
    pub codes: Vec<String>,
}

/// Applies a confirmed bulk change to the tasks `seen` (code and the version the preview
/// showed), in one transaction, recorded as one change. Refused, with nothing written, when
/// a task has changed since the preview (a second submission of the same confirmation, too).
pub async fn apply(
    pool: &PgPool,
    actor: &Actor,
    plan_id: i64,
    seen: &[(String, i32)],
    unit_id: i64,
    op: BulkOp,
    today: NaiveDate,
) -> Result<Applied, ChangeError> {
    let codes: Vec<String> = seen.iter().map(|(c, _)| c.clone()).collect();
    check_codes(&codes)?;
    let unit_name = unit_name(pool, plan_id, unit_id).await?;
    let mut tx = pool.begin().await?;
    let tasks = db::assignments::lock_tasks(&mut tx, plan_id, &codes).await?;
    if tasks.len() != codes.iter().collect::<HashSet<_>>().len() {
        return Err(field("tasks", "所选任务中有不属于本工作要点的编号"));
    }
    let moved: Vec<&str> = tasks
        .iter()
        .filter(|(code, t)| seen.iter().any(|(c, v)| c == code && *v != t.version))
        .map(|(code, _)| code.as_str())
        .collect();
    if !moved.is_empty() {
        return Err(field(
            "tasks",
            format!(
                "任务 {} 在确认前已有改动（或本次调整已经提交过），未作任何修改。请重新勾选并预览。",
                moved.join("、")
            ),
        ));
    }
    let change_id = db::bulk_changes::insert(
        &mut *tx,
        plan_id,
        op.as_str(),
        unit_id,
        op.role(),
        actor.user_id,
    )
    .await?;
    let mut changed = Vec::new();
    for (code, task) in &tasks {
        let current = db::assignments::units(&mut *tx, task.id).await?;
        let has = current.iter().any(|u| u.unit_id == unit_id);
        let mut wanted: Vec<UnitAssignment> = current
            .iter()
            .filter(|u| u.unit_id != unit_id)
            .map(|u| UnitAssignment {
                unit_id: u.unit_id,
                role: u.role,
            })
            .collect();
        match op {
            BulkOp::Add(_) if has => continue,
            BulkOp::Remove if !has => continue,
            BulkOp::Add(role) => wanted.push(UnitAssignment { unit_id, role }),
            BulkOp::Remove => {}
        }
        // Units added are assigned today, so a bulk change never makes reports overdue.
        change_units(&mut tx, actor, task, &wanted, today)
            .await
            .map_err(|e| match e {
                ChangeError::Field { message, .. } => {
                    field("tasks", format!("任务 {code}：{message}"))
                }
                e @ ChangeError::WouldBeOverdue { .. } => field("tasks", e.to_string()),
                e => e,
            })?;
        let version = db::assignments::bump_version(&mut *tx, task.id).await?;
        db::bulk_changes::insert_task(&mut *tx, change_id, task.id, &json!(current), version)
            .await?;
        changed.push(code.clone());
    }
    if changed.is_empty() {
        return Err(field("tasks", "所选任务都不需要改动。"));
    }
    let action = match op {
        BulkOp::Add(_) => "bulk_units_added",
        BulkOp::Remove => "bulk_units_removed",
    };
    db::audit::record(
        &mut *tx,
        actor,
        action,
        Some(&change_id.to_string()),
        json!({ "unit": unit_name, "role": op.role(), "tasks": changed }),
    )
    .await?;
    tx.commit().await?;
    Ok(Applied {
        change_id,
        unit_name,
        codes: changed,
    })
}

/// One unit of a task as kept before a bulk change.
#[derive(Debug, serde::Deserialize)]
struct KeptUnit {
    unit_id: i64,
    role: UnitRole,
    designated: bool,
    /// Kept since obligations date from assignment (absent in changes recorded before).
    #[serde(default)]
    assigned_on: Option<NaiveDate>,
}

/// A bulk change undone.
#[derive(Debug, Clone)]
pub struct Undone {
    pub unit_name: String,
    pub op: BulkOp,
    pub tasks: usize,
}

/// 撤销: puts every task of the change back exactly as it was before it, in one transaction,
/// recorded as one change. Refused when the change was undone already or a task has changed
/// since (its version moved on).
pub async fn undo(
    pool: &PgPool,
    actor: &Actor,
    plan_id: i64,
    change_id: i64,
    today: NaiveDate,
) -> Result<Undone, ChangeError> {
    let mut tx = pool.begin().await?;
    let change = db::bulk_changes::lock(&mut tx, change_id)
        .await?
        .filter(|c| c.plan_id == plan_id)
        .ok_or(ChangeError::NotFound)?;
    if change.undone_at.is_some() {
        return Err(field("undo", "这次批量调整已经撤销过了。"));
    }
    let op = match change.role {
        Some(role) if change.op == "add" => BulkOp::Add(role),
        _ => BulkOp::Remove,
    };
    let tasks = db::bulk_changes::lock_tasks(&mut tx, change_id).await?;
    let moved: Vec<&str> = tasks
        .iter()
        .filter(|t| t.version_now != t.version_after)
        .map(|t| t.code.as_str())
        .collect();
    if !moved.is_empty() {
        return Err(field(
            "undo",
            format!(
                "任务 {} 在这次批量调整之后又有改动，不能整体撤销，请到任务页逐项调整。",
                moved.join("、")
            ),
        ));
    }
    for t in &tasks {
        let kept: Vec<KeptUnit> = serde_json::from_value(t.units_before.clone())
            .map_err(|e| ChangeError::Db(sqlx::Error::Decode(e.into())))?;
        let restored: Vec<db::assignments::AssignedUnit> = kept
            .into_iter()
            .map(|k| db::assignments::AssignedUnit {
                unit_id: k.unit_id,
                short_name: String::new(),
                role: k.role,
                designated: k.designated,
                assigned_on: k.assigned_on,
            })
            .collect();
        let before = db::assignments::units(&mut *tx, t.task_id).await?;
        db::assignments::replace_units(&mut tx, t.task_id, &restored, today).await?;
        let after = db::assignments::units(&mut *tx, t.task_id).await?;
        db::assignments::record_history(
            &mut *tx,
            t.task_id,
            actor,
            "units",
            units_json(&before),
            units_json(&after),
        )
        .await?;
        db::assignments::bump_version(&mut *tx, t.task_id).await?;
    }
    db::bulk_changes::mark_undone(&mut *tx, change_id, actor.user_id).await?;
    let codes: Vec<&str> = tasks.iter().map(|t| t.code.as_str()).collect();
    db::audit::record(
        &mut *tx,
        actor,
        "bulk_units_undone",
        Some(&change_id.to_string()),
        json!({ "unit": change.unit_name, "op": op.as_str(), "tasks": codes }),
    )
    .await?;
    tx.commit().await?;
    Ok(Undone {
        unit_name: change.unit_name,
        op,
        tasks: tasks.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(code: &str, role: Option<UnitRole>, units: i64) -> BulkTask {
        BulkTask {
            id: 0,
            code: code.into(),
            text: String::new(),
            version: 1,
            unnamed_members: false,
            role,
            units,
        }
    }

    #[test]
    fn each_task_is_sorted_by_what_the_change_would_do() {
        let tasks = || {
            vec![
                task("1", None, 1),
                task("2", Some(UnitRole::Co), 2),
                task("3", Some(UnitRole::Lead), 1),
            ]
        };
        let codes = |v: &[BulkTask]| v.iter().map(|t| t.code.clone()).collect::<Vec<_>>();
        let (c, u, b) = sort_tasks(BulkOp::Add(UnitRole::Co), tasks());
        assert_eq!(
            (codes(&c), codes(&u), codes(&b)),
            (vec!["1".into()], vec!["2".into(), "3".into()], vec![])
        );
        let (c, u, b) = sort_tasks(BulkOp::Remove, tasks());
        assert_eq!(
            (codes(&c), codes(&u), codes(&b)),
            (vec!["2".into()], vec!["1".into()], vec!["3".into()])
        );
    }
}
