//! 领导批示 of the ledger: the instructions on the tasks selected that the reader may read,
//! each unit's answer where the reader may read it (the reports' rule: its own unit's, a lead
//! unit its co-units', the office and leaders every one).

use super::Selected;
use crate::db;
use crate::formats::export::InstructionLedgerRow;
use crate::rules::access::Access;
use crate::rules::instructions::InstructionState;
use crate::rules::schedule::prose_date;
use sqlx::PgPool;
use std::collections::HashMap;

pub async fn rows(
    pool: &PgPool,
    sel: &Selected<'_>,
    access: Access,
) -> sqlx::Result<Vec<InstructionLedgerRow>> {
    let tasks: HashMap<i64, &db::tasks::TaskRow> = sel.tasks.iter().map(|t| (t.id, t)).collect();
    // The 台账 holds every instruction of the plan.
    let all = db::instructions::list(
        pool,
        db::instructions::ListFilter {
            plan_id: Some(sel.settings.id),
            ..Default::default()
        },
        db::Window::first(i64::MAX),
    )
    .await?;
    let seen: Vec<_> = all
        .into_iter()
        .filter(|i| tasks.contains_key(&i.task_id) && access.may_read_instruction(&i.unit_ids))
        .collect();
    let ids: Vec<i64> = seen.iter().map(|i| i.id).collect();
    let mut units: HashMap<i64, Vec<db::instructions::UnitAnswer>> = HashMap::new();
    for (id, u) in db::instructions::units_of(pool, &ids).await? {
        units.entry(id).or_default().push(u);
    }
    Ok(seen
        .into_iter()
        .map(|i| {
            let task = tasks[&i.task_id];
            let scope = access.task_report_scope(&task.lead_ids);
            let parts = units.remove(&i.id).unwrap_or_default();
            let answers = parts
                .iter()
                .map(|u| match (&u.answer, scope.includes(u.unit_id)) {
                    (Some(a), true) => format!("{}：{a}", u.unit_name),
                    (Some(_), false) => format!("{}：已答复", u.unit_name),
                    (None, _) => format!("{}：待答复", u.unit_name),
                })
                .collect::<Vec<_>>()
                .join("\n");
            InstructionLedgerRow {
                code: i.task_code.clone(),
                text: i.text.clone(),
                leader: i.written_by_name.clone().unwrap_or_default(),
                written_on: prose_date(i.written_on),
                answer_by: i.answer_by.map(prose_date).unwrap_or_default(),
                units: parts
                    .iter()
                    .map(|u| u.unit_name.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
                state: InstructionState::parse(&i.state)
                    .map(InstructionState::label)
                    .unwrap_or_default()
                    .to_string(),
                answers,
                closed_on: i.closed_on.map(prose_date).unwrap_or_default(),
            }
        })
        .collect())
}
