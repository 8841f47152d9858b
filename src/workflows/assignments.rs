//! 责任分工、办理时限、报送周期: the office turning each item into a firm assignment. Every
//! change checks the version it was made from, runs in one transaction, and is recorded in the
//! task's history.

use crate::db::{
    self,
    assignments::{AssignedUnit, LockedTask},
    audit::Actor,
    tasks::{UnitRole, deadline_of},
};
use crate::rules::obligations;
use crate::rules::schedule::{Checkpoint, Cycle, Deadline, DeadlineKind};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::collections::HashSet;

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// Someone saved in between: nothing was written.
    #[error("该任务已被他人修改（当前版本 {current}），您的修改未保存。请查看最新内容后重新修改。")]
    Stale { current: i32 },
    #[error("{message}")]
    Field {
        field: &'static str,
        message: String,
    },
    /// The change would make these reports overdue at once (“单位：期间”, each with its due
    /// date): nothing was written; sent again with `confirm_overdue` it is saved.
    #[error("此项修改将使以下报告立即逾期：{}。确需修改的，请确认后再保存。", .reports.join("；"))]
    WouldBeOverdue { reports: Vec<String> },
    #[error("找不到该任务")]
    NotFound,
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
}

pub(crate) fn field(field: &'static str, message: impl Into<String>) -> ChangeError {
    ChangeError::Field {
        field,
        message: message.into(),
    }
}

/// One unit's place on a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitAssignment {
    pub unit_id: i64,
    pub role: UnitRole,
}

/// How a task's units change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitsChange {
    /// The whole list, in order, replacing the current one (the API's `leads` and `co`).
    Replace(Vec<UnitAssignment>),
    /// The units named change role, or leave (`None`); `add` join at the end. A unit not
    /// named keeps its role and place: what a form does not send is unchanged, never removed.
    Edit {
        roles: Vec<(i64, Option<UnitRole>)>,
        add: Vec<UnitAssignment>,
    },
}

impl UnitsChange {
    /// The units wanted, from those the task has now.
    fn wanted(&self, current: &[AssignedUnit]) -> Vec<UnitAssignment> {
        let (roles, add) = match self {
            UnitsChange::Replace(all) => return all.clone(),
            UnitsChange::Edit { roles, add } => (roles, add),
        };
        let role_of = |id: i64| roles.iter().find(|(u, _)| *u == id).map(|(_, r)| *r);
        let mut out: Vec<UnitAssignment> = current
            .iter()
            .filter_map(|u| match role_of(u.unit_id) {
                Some(role) => role.map(|role| UnitAssignment {
                    unit_id: u.unit_id,
                    role,
                }),
                None => Some(UnitAssignment {
                    unit_id: u.unit_id,
                    role: u.role,
                }),
            })
            .collect();
        // A role given for a unit the task does not have: it joins in that role.
        for (unit_id, role) in roles {
            if let Some(role) = role
                && !current.iter().any(|u| u.unit_id == *unit_id)
            {
                out.push(UnitAssignment {
                    unit_id: *unit_id,
                    role: *role,
                });
            }
        }
        out.extend(add.iter().copied());
        out
    }
}

/// What to change; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct TaskChange {
    /// The version the change was made from.
    pub version: i32,
    pub units: Option<UnitsChange>,
    /// `Some(None)`: back to the plan's default.
    pub deadline: Option<Option<Deadline>>,
    /// `Some(None)`: back to the plan's cycle.
    pub cycle: Option<Option<Cycle>>,
    pub designation_complete: Option<bool>,
    /// Save even though the change makes reports overdue at once (the office confirmed the
    /// list [`ChangeError::WouldBeOverdue`] gave).
    pub confirm_overdue: bool,
}

/// The deadline a task stores (`None`: the plan's default) in the history's JSON.
fn deadline_json(d: &Option<Deadline>) -> serde_json::Value {
    d.as_ref()
        .map_or(serde_json::Value::Null, Deadline::to_json)
}

pub(crate) fn units_json(units: &[AssignedUnit]) -> serde_json::Value {
    json!(
        units
            .iter()
            .map(|u| json!({ "unit": u.short_name, "role": u.role }))
            .collect::<Vec<_>>()
    )
}

/// Applies `change` to task `code` of the plan on `today` (the day new units are assigned and
/// a new cycle or deadline takes effect); returns the new version.
#[tracing::instrument(skip(pool, actor, change), fields(version = change.version))]
pub async fn change_task(
    pool: &PgPool,
    actor: &Actor,
    plan_id: i64,
    code: &str,
    change: TaskChange,
    today: NaiveDate,
) -> Result<i32, ChangeError> {
    let mut tx = pool.begin().await?;
    let version = change_task_in(&mut tx, actor, plan_id, code, change, today).await?;
    tx.commit().await?;
    Ok(version)
}

/// [`change_task`] in the caller's transaction (an approved extension changes the deadline in
/// the same transaction as its decision); on an error the caller drops the transaction.
pub(crate) async fn change_task_in(
    tx: &mut PgConnection,
    actor: &Actor,
    plan_id: i64,
    code: &str,
    change: TaskChange,
    today: NaiveDate,
) -> Result<i32, ChangeError> {
    let task = db::assignments::lock_task(&mut *tx, plan_id, code)
        .await?
        .ok_or(ChangeError::NotFound)?;
    if task.version != change.version {
        return Err(ChangeError::Stale {
            current: task.version,
        });
    }
    let owed_before = owed_now(&mut *tx, plan_id, code).await?;
    let mut changed = false;
    if let Some(units) = &change.units {
        let current = db::assignments::units(&mut *tx, task.id).await?;
        let wanted = units.wanted(&current);
        changed |= change_units(&mut *tx, actor, &task, &wanted, today).await?;
    }
    if let Some(deadline) = &change.deadline {
        changed |= change_deadline(&mut *tx, actor, &task, deadline, today).await?;
    }
    if let Some(cycle) = change.cycle
        && cycle != task.cycle
    {
        db::assignments::keep_terms(&mut *tx, task.id, today).await?;
        db::assignments::set_cycle(&mut *tx, task.id, cycle).await?;
        db::assignments::record_history(
            &mut *tx,
            task.id,
            actor,
            "cycle",
            json!(task.cycle),
            json!(cycle),
        )
        .await?;
        changed = true;
    }
    if let Some(complete) = change.designation_complete
        && complete != task.designation_complete
    {
        if !task.unnamed_members && !complete {
            return Err(field(
                "designation_complete",
                "该任务的责任单位在文件中已全部列明，无需再明确",
            ));
        }
        db::assignments::set_designation(&mut *tx, task.id, complete).await?;
        db::assignments::record_history(
            &mut *tx,
            task.id,
            actor,
            "designation",
            json!(task.designation_complete),
            json!(complete),
        )
        .await?;
        changed = true;
    }
    if !changed {
        return Ok(task.version);
    }
    if !change.confirm_overdue {
        let after = owed_now(&mut *tx, plan_id, code).await?;
        let overdue = newly_overdue(&owed_before, &after, today);
        if !overdue.is_empty() {
            // Dropping the transaction undoes the change.
            return Err(ChangeError::WouldBeOverdue { reports: overdue });
        }
    }
    let version = db::assignments::bump_version(&mut *tx, task.id).await?;
    Ok(version)
}

/// Each unit of the task with the periods it owes, as the transaction sees the task now.
async fn owed_now(
    conn: &mut PgConnection,
    plan_id: i64,
    code: &str,
) -> sqlx::Result<Vec<(String, Vec<crate::rules::schedule::Period>)>> {
    let Some(settings) = db::plans::settings(&mut *conn, plan_id).await? else {
        return Ok(Vec::new());
    };
    let Some(task) = db::tasks::get_by_code(&mut *conn, plan_id, code).await? else {
        return Ok(Vec::new());
    };
    Ok(task
        .lead_ids
        .iter()
        .zip(&task.lead_names)
        .chain(task.co_ids.iter().zip(&task.co_names))
        .map(|(id, name)| {
            (
                name.clone(),
                obligations::periods_owed_by(&settings, &task, *id),
            )
        })
        .collect())
}

/// The reports (“单位：期间（应于…前）”) owed `after` and not `before` that are already overdue.
fn newly_overdue(
    before: &[(String, Vec<crate::rules::schedule::Period>)],
    after: &[(String, Vec<crate::rules::schedule::Period>)],
    today: NaiveDate,
) -> Vec<String> {
    let mut out = Vec::new();
    for (unit, periods) in after {
        let had = before
            .iter()
            .find(|(u, _)| u == unit)
            .map_or(&[][..], |(_, p)| p.as_slice());
        for p in obligations::newly_overdue(had, periods, today) {
            out.push(format!(
                "{unit}：{}（应于{}前）",
                p.label,
                p.due.format("%Y年%-m月%-d日")
            ));
        }
    }
    out
}

pub(crate) async fn change_units(
    conn: &mut PgConnection,
    actor: &Actor,
    task: &LockedTask,
    wanted: &[UnitAssignment],
    today: NaiveDate,
) -> Result<bool, ChangeError> {
    let directory = db::assignments::directory_units(&mut *conn, &task.directory).await?;
    let mut seen = HashSet::new();
    for w in wanted {
        if !seen.insert(w.unit_id) {
            return Err(field(
                "units",
                "同一单位不能重复列出（一个单位只能是牵头或配合之一）",
            ));
        }
        if !directory.iter().any(|(id, _)| *id == w.unit_id) {
            return Err(field("units", "所选单位不在本工作要点的成员单位名录中"));
        }
    }
    if wanted.is_empty() && !task.unnamed_members {
        return Err(field("units", "任务至少要有一个责任单位"));
    }
    let before = db::assignments::units(&mut *conn, task.id).await?;
    // Leads first, each role in the order given: the order the task shows them in.
    let mut after: Vec<AssignedUnit> = Vec::with_capacity(wanted.len());
    for role in [UnitRole::Lead, UnitRole::Co] {
        for w in wanted.iter().filter(|w| w.role == role) {
            let name = directory
                .iter()
                .find(|(id, _)| *id == w.unit_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            let had = before.iter().find(|b| b.unit_id == w.unit_id);
            after.push(AssignedUnit {
                unit_id: w.unit_id,
                short_name: name,
                role,
                designated: had.is_none_or(|b| b.designated),
                // A unit that stays keeps its day; one that joins is assigned today.
                assigned_on: had.map_or(Some(today), |b| b.assigned_on),
            });
        }
    }
    if after == before {
        return Ok(false);
    }
    db::assignments::replace_units(&mut *conn, task.id, &after, today).await?;
    // A unit that joins hears of it; one that only changes role or order does not.
    let joined: Vec<&AssignedUnit> = after
        .iter()
        .filter(|a| !before.iter().any(|b| b.unit_id == a.unit_id))
        .collect();
    let plan_id = match joined.is_empty() {
        true => 0,
        false => db::notices::task_ref(&mut *conn, task.id)
            .await?
            .map_or(0, |t| t.plan_id),
    };
    for joined in joined {
        let role = match joined.role {
            UnitRole::Lead => "牵头单位",
            UnitRole::Co => "配合单位",
        };
        crate::workflows::notify::emit(
            &mut *conn,
            crate::workflows::notify::Notice {
                kind: crate::rules::notices::NoticeKind::Assigned,
                plan_id,
                task_id: Some(task.id),
                unit_id: Some(joined.unit_id),
                actor_id: actor.user_id,
                what: format!("{}被确定为{role}", joined.short_name),
                body: format!(
                    "{}被确定为该任务的{role}，请按期报送进展情况。",
                    joined.short_name
                ),
                link: None,
            },
        )
        .await?;
    }
    db::assignments::record_history(
        &mut *conn,
        task.id,
        actor,
        "units",
        units_json(&before),
        units_json(&after),
    )
    .await?;
    Ok(true)
}

async fn change_deadline(
    conn: &mut PgConnection,
    actor: &Actor,
    task: &LockedTask,
    wanted: &Option<Deadline>,
    today: NaiveDate,
) -> Result<bool, ChangeError> {
    if let Some(d) = wanted {
        d.validate(task.plan_year).map_err(|(f, m)| field(f, m))?;
    }
    let checkpoints = db::assignments::checkpoints(&mut *conn, task.id).await?;
    let before = task
        .deadline_kind
        .map(|k| deadline_of(k, task.deadline_date, &checkpoints));
    if &before == wanted {
        return Ok(false);
    }
    let (kind, date, points): (Option<DeadlineKind>, _, &[Checkpoint]) = match wanted {
        None => (None, None, &[]),
        Some(Deadline::Date(d)) => (Some(DeadlineKind::Date), Some(*d), &[]),
        Some(Deadline::Staged(c)) => (Some(DeadlineKind::Staged), None, c),
        Some(other) => (Some(other.kind()), None, &[]),
    };
    db::assignments::keep_terms(&mut *conn, task.id, today).await?;
    db::assignments::set_deadline(&mut *conn, task.id, kind, date, points).await?;
    db::assignments::record_history(
        &mut *conn,
        task.id,
        actor,
        "deadline",
        deadline_json(&before),
        deadline_json(wanted),
    )
    .await?;
    Ok(true)
}

/// What a bulk assignment did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkOutcome {
    pub added: Vec<String>,
    /// Tasks that already had the unit (in any role): left as they were.
    pub skipped: Vec<String>,
}

/// Adds one unit, in one role, to every task named, assigned as of `today`; all or nothing.
pub async fn add_unit_to_tasks(
    pool: &PgPool,
    actor: &Actor,
    plan_id: i64,
    codes: &[String],
    unit_id: i64,
    role: UnitRole,
    today: NaiveDate,
) -> Result<BulkOutcome, ChangeError> {
    if codes.is_empty() {
        return Err(field("tasks", "请至少选择一项任务"));
    }
    if codes.len() > 1000 {
        return Err(field("tasks", "一次最多处理 1000 项任务"));
    }
    let mut tx = pool.begin().await?;
    let tasks = db::assignments::lock_tasks(&mut tx, plan_id, codes).await?;
    if tasks.len() != codes.iter().collect::<HashSet<_>>().len() {
        return Err(field("tasks", "所选任务中有不属于本工作要点的编号"));
    }
    let mut outcome = BulkOutcome::default();
    for (code, task) in &tasks {
        let current = db::assignments::units(&mut *tx, task.id).await?;
        if current.iter().any(|u| u.unit_id == unit_id) {
            outcome.skipped.push(code.clone());
            continue;
        }
        let mut wanted: Vec<UnitAssignment> = current
            .iter()
            .map(|u| UnitAssignment {
                unit_id: u.unit_id,
                role: u.role,
            })
            .collect();
        wanted.push(UnitAssignment { unit_id, role });
        change_units(&mut tx, actor, task, &wanted, today).await?;
        db::assignments::bump_version(&mut *tx, task.id).await?;
        outcome.added.push(code.clone());
    }
    tx.commit().await?;
    outcome.added.sort_by_key(|c| code_key(c));
    outcome.skipped.sort_by_key(|c| code_key(c));
    Ok(outcome)
}

/// `1.10.2` sorts after `1.9.1`.
fn code_key(code: &str) -> Vec<u32> {
    code.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// The plan's defaults: deadline (ongoing, year end or a date), cycle and due days.
pub struct PlanSettingsChange {
    pub version: i32,
    pub default_deadline: Deadline,
    pub cycle: Cycle,
    pub due_days: i32,
}

/// Changes the plan's defaults on `today`: a new default cycle or deadline applies from today
/// (the tasks that follow them keep the old ones in their history), never to periods already
/// over.
pub async fn change_plan_settings(
    pool: &PgPool,
    actor: &Actor,
    plan_id: i64,
    change: PlanSettingsChange,
    today: NaiveDate,
) -> Result<i32, ChangeError> {
    let mut tx = pool.begin().await?;
    let plan = db::plans::lock_settings(&mut tx, plan_id)
        .await?
        .ok_or(ChangeError::NotFound)?;
    if plan.version != change.version {
        return Err(ChangeError::Stale {
            current: plan.version,
        });
    }
    let (kind, date) = match &change.default_deadline {
        Deadline::Date(d) => (DeadlineKind::Date, Some(*d)),
        Deadline::YearEnd => (DeadlineKind::YearEnd, None),
        Deadline::Ongoing => (DeadlineKind::Ongoing, None),
        Deadline::Staged(_) => {
            return Err(field("default_deadline", "工作要点的默认时限不能是分阶段"));
        }
    };
    change
        .default_deadline
        .validate(plan.year)
        .map_err(|(_, m)| field("default_deadline", m))?;
    if change.cycle == Cycle::None {
        return Err(field(
            "cycle",
            "工作要点须有报送周期（单项任务可设为不定期）",
        ));
    }
    if !(0..=90).contains(&change.due_days) {
        return Err(field("due_days", "报送期限应为周期结束后 0 至 90 天"));
    }
    if change.cycle != plan.cycle
        || kind != plan.default_deadline_kind
        || date != plan.default_deadline_date
    {
        db::assignments::keep_plan_terms(
            &mut tx,
            plan_id,
            plan.cycle,
            plan.default_deadline_kind,
            plan.default_deadline_date,
            today,
        )
        .await?;
    }
    let version =
        db::plans::update_settings(&mut *tx, plan_id, kind, date, change.cycle, change.due_days)
            .await?;
    db::audit::record(
        &mut *tx,
        actor,
        "plan_settings_changed",
        Some(&plan_id.to_string()),
        json!({
            "before": { "deadline": deadline_of(plan.default_deadline_kind, plan.default_deadline_date, &[]).to_json(),
                        "cycle": plan.cycle, "due_days": plan.due_days },
            "after": { "deadline": change.default_deadline.to_json(), "cycle": change.cycle, "due_days": change.due_days },
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// Adds a unit missing from the plan's directory (short and full name).
pub async fn add_unit(
    pool: &PgPool,
    actor: &Actor,
    plan_id: i64,
    short: &str,
    full: &str,
) -> Result<i64, ChangeError> {
    let short = short.trim();
    let full = full.trim();
    if short.is_empty() || short.chars().count() > 40 {
        return Err(field("short_name", "简称应为 1 至 40 个字"));
    }
    if short.contains(['、', ',', '，', '(', ')', '（', '）']) {
        return Err(field("short_name", "简称中不能有顿号、逗号或括号"));
    }
    if full.is_empty() || full.chars().count() > 100 {
        return Err(field("full_name", "全称应为 1 至 100 个字"));
    }
    // A name is one line: no control character at all, line breaks included.
    use crate::rules::input::{control_message, has_any_control};
    if has_any_control(short) {
        return Err(field("short_name", control_message("简称")));
    }
    if has_any_control(full) {
        return Err(field("full_name", control_message("全称")));
    }
    let mut tx = pool.begin().await?;
    let plan = db::plans::settings(&mut *tx, plan_id)
        .await?
        .ok_or(ChangeError::NotFound)?;
    let id = db::units::insert(&mut *tx, &plan.issuer, short, full)
        .await?
        .ok_or_else(|| field("short_name", format!("单位“{short}”已在名录中")))?;
    db::audit::record(
        &mut *tx,
        actor,
        "unit_created",
        Some(short),
        json!({ "full_name": full, "directory": plan.issuer }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(unit_id: i64, role: UnitRole) -> AssignedUnit {
        AssignedUnit {
            unit_id,
            short_name: String::new(),
            role,
            designated: true,
            assigned_on: None,
        }
    }

    fn a(unit_id: i64, role: UnitRole) -> UnitAssignment {
        UnitAssignment { unit_id, role }
    }

    #[test]
    fn an_edit_leaves_the_units_it_does_not_name() {
        use UnitRole::{Co, Lead};
        let current = [unit(1, Lead), unit(2, Co), unit(3, Co)];
        let add_only = UnitsChange::Edit {
            roles: vec![],
            add: vec![a(9, Co)],
        };
        assert_eq!(
            add_only.wanted(&current),
            [a(1, Lead), a(2, Co), a(3, Co), a(9, Co)]
        );
        let some = UnitsChange::Edit {
            roles: vec![(2, None), (3, Some(Lead)), (7, Some(Co))],
            add: vec![],
        };
        assert_eq!(some.wanted(&current), [a(1, Lead), a(3, Lead), a(7, Co)]);
        let all = UnitsChange::Replace(vec![a(5, Lead)]);
        assert_eq!(all.wanted(&current), [a(5, Lead)]);
    }
}
