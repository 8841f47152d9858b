//! The tasks (任务) of every subsection and their units (责任分工): a lead unit and none to
//! three co-units.

use super::org::Members;
use super::plans::Outline;
use super::words::{ACTIONS, OBJECTS, PURPOSES};
use super::{NEWEST_YEAR, PlanShape, Task, Unit};
use crate::db::bulk::Copier;
use crate::workflows::demo::Dice;
use sqlx::PgConnection;

/// Writes the tasks (2.5 units a task on average, some of the past years' tasks closed) and
/// records each in its plan's shape for the reports.
pub(super) async fn write_tasks(
    conn: &mut PgConnection,
    o: &Outline,
    plans: &mut [PlanShape],
    members: &Members,
    office_id: i64,
    dice: &mut Dice,
) -> anyhow::Result<u64> {
    let (units, by_issuer) = (&members.units, &members.by_issuer);
    // One pool of units for each provincial group.
    let issuers = by_issuer.len();
    let mut c = Copier::start(
        conn,
        "tasks (id, plan_id, subsection_id, number, position, code, text, source_text, \
         responsibility_text, unnamed_members, source_line, designation_complete, closed_at, \
         closed_by, closing_note)",
    )
    .await?;
    let (mut task_id, mut sub_id) = (o.first_task, o.first_sub);
    let mut global = 0usize;
    for (p, shape) in o.shapes.iter().enumerate() {
        let issuer = p % issuers;
        let pool_units = &by_issuer[issuer];
        let year = plans[p].year;
        let mut position = 0;
        for (s, section) in shape.iter().enumerate() {
            for (n, &count) in section.iter().enumerate() {
                for t in 0..count {
                    position += 1;
                    let lead = pool_units[dice.roll(pool_units.len() as u64) as usize];
                    let mut assigned = vec![lead];
                    let co = (global % 4).min(pool_units.len() - 1);
                    while assigned.len() < co + 1 {
                        let u = pool_units[dice.roll(pool_units.len() as u64) as usize];
                        if !assigned.contains(&u) {
                            assigned.push(u);
                        }
                    }
                    global += 1;
                    let text = format!(
                        "{}{},{}。",
                        ACTIONS[dice.roll(ACTIONS.len() as u64) as usize],
                        OBJECTS[dice.roll(OBJECTS.len() as u64) as usize],
                        PURPOSES[dice.roll(PURPOSES.len() as u64) as usize]
                    );
                    let names: Vec<&str> =
                        assigned.iter().map(|&u| units[u].short.as_str()).collect();
                    let responsibility = if names.len() == 1 {
                        format!("{}负责", names[0])
                    } else {
                        format!("{}牵头,{}按职责分工负责", names[0], names[1..].join("、"))
                    };
                    let closed = year < NEWEST_YEAR && dice.roll(10) == 0;
                    c.field(task_id)
                        .field(o.first_plan + p as i64)
                        .field(sub_id)
                        .field(t + 1)
                        .field(position)
                        .field(format!("{}.{}.{}", s + 1, n + 1, t + 1))
                        .field(&text)
                        .field(format!("{}. {text}({responsibility})", t + 1))
                        .field(&responsibility)
                        .field(false)
                        .field(10 + position * 2)
                        .field(true)
                        .opt(closed.then(|| format!("{year}-12-28 16:00:00+08")))
                        .opt(closed.then_some(office_id))
                        .opt(closed.then_some("任务已完成"));
                    c.end_row().await?;
                    plans[p].tasks.push(Task {
                        id: task_id,
                        units: assigned,
                    });
                    task_id += 1;
                }
                sub_id += 1;
            }
        }
    }
    Ok(c.finish().await?)
}

/// Writes the units of every task: the lead first (position 1), then the co-units.
pub(super) async fn write_task_units(
    conn: &mut PgConnection,
    plans: &[PlanShape],
    units: &[Unit],
) -> anyhow::Result<u64> {
    let mut c = Copier::start(conn, "task_units (task_id, unit_id, role, position)").await?;
    for task in plans.iter().flat_map(|p| &p.tasks) {
        for (i, &u) in task.units.iter().enumerate() {
            let (role, pos) = if i == 0 { ("lead", 1) } else { ("co", i) };
            c.field(task.id).field(units[u].id).field(role).field(pos);
            c.end_row().await?;
        }
    }
    Ok(c.finish().await?)
}
