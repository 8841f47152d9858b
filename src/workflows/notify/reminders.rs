//! 报送提醒: once a day, each unit that still owes reports is told, one message per kind of
//! reminder listing the reports (7 and 3 days before the due date, on the day, and every day
//! overdue), and the office and leaders get their weekly digest ([`super::weekly`]). Which
//! reports are owed is [`crate::rules::reminders`]' to say, over the same rules as
//! `/reporting`; each reminder is written once (its key in `reminders`), so a second run, or a
//! second process, sends nothing twice.

use super::{Notice, emit_once};
use crate::db::{self, reminders::Key, tasks::TaskFilter};
use crate::rules::reminders::{AFTER_YEAR_END, Reminder, due_on, still_open, wording};
use chrono::NaiveDate;
use sqlx::{PgConnection, PgPool};
use std::collections::{BTreeMap, HashSet};

/// What a day's run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Run {
    /// False: the day had been done already, or another process was doing it.
    pub ran: bool,
    /// Reminders written (one per unit, task, period and kind).
    pub reminders: usize,
    /// Messages (events) written: one per unit and kind of reminder, and the digests.
    pub messages: usize,
}

/// Computes and queues the reminders of `today`, once: all in one transaction, so that a day is
/// either done or not at all.
pub async fn run_for_day(pool: &PgPool, today: NaiveDate) -> sqlx::Result<Run> {
    let mut tx = pool.begin().await?;
    let run = compute(&mut tx, today).await?;
    tx.commit().await?;
    Ok(run)
}

/// What [`run_for_day`] would write, written nowhere (`notify run-once --dry-run`).
pub async fn preview(pool: &PgPool, today: NaiveDate) -> sqlx::Result<Run> {
    let mut tx = pool.begin().await?;
    let run = compute(&mut tx, today).await?;
    tx.rollback().await?;
    Ok(run)
}

async fn compute(tx: &mut PgConnection, today: NaiveDate) -> sqlx::Result<Run> {
    if !db::reminders::try_lock(&mut *tx).await? || db::reminders::ran_on(&mut *tx, today).await? {
        return Ok(Run::default());
    }
    let mut run = Run {
        ran: true,
        ..Run::default()
    };
    for (plan, settings) in db::plans::list_with_settings(&mut *tx).await? {
        let year_end = NaiveDate::from_ymd_opt(settings.year, 12, 31).unwrap_or(today);
        // A plan whose year (and the month after it) is over has nothing left to remind.
        if !still_open(
            settings.year,
            year_end + chrono::Duration::days(AFTER_YEAR_END),
            today,
        ) {
            continue;
        }
        let tasks = db::tasks::list(&mut *tx, plan.id, &TaskFilter::default()).await?;
        let submitted: HashSet<(i64, i64, String)> = db::reminders::submitted(&mut *tx, plan.id)
            .await?
            .into_iter()
            .collect();
        let due = due_on(&settings, &tasks, &submitted, today);
        let (reminders, messages) = queue(&mut *tx, plan.id, &due, today).await?;
        run.reminders += reminders;
        run.messages += messages;
        run.messages += super::weekly::queue(&mut *tx, &settings, &tasks, today).await?;
    }
    db::reminders::record_run(&mut *tx, today, run.reminders as i64, run.messages as i64).await?;
    Ok(run)
}

/// Writes the reminders of `due` not written before, and one message per unit and kind for
/// them. Gives how many reminders and messages were written.
async fn queue(
    conn: &mut PgConnection,
    plan_id: i64,
    due: &[Reminder],
    today: NaiveDate,
) -> sqlx::Result<(usize, usize)> {
    if due.is_empty() {
        return Ok((0, 0));
    }
    let key = |r: &Reminder| Key {
        unit_id: r.unit_id,
        task_id: r.task_id,
        period: r.period.clone(),
        kind: r.milestone.kind.as_str().to_string(),
        day: r.milestone.day,
    };
    let keys: Vec<Key> = due.iter().map(key).collect();
    // Written before (an earlier run caught this milestone up): not again. Only one process
    // computes a day (the caller holds the lock), so what is not there now is this run's.
    let old: HashSet<Key> = db::reminders::existing(&mut *conn, &keys)
        .await?
        .into_iter()
        .collect();
    // One message per unit and kind, its reports in plan order.
    let mut groups: BTreeMap<(i64, &str), Vec<(&Reminder, Key)>> = BTreeMap::new();
    for r in due {
        let k = key(r);
        if !old.contains(&k) {
            groups
                .entry((r.unit_id, r.milestone.kind.as_str()))
                .or_default()
                .push((r, k));
        }
    }
    let messages = groups.len();
    let mut carried: Vec<(&Key, i64)> = Vec::with_capacity(keys.len() - old.len());
    for ((unit_id, _), items) in &groups {
        let unit_id = *unit_id;
        let kind = items[0].0.milestone.kind;
        let reminders: Vec<&Reminder> = items.iter().map(|(r, _)| *r).collect();
        let (what, body) = wording(kind, &reminders, today);
        let notice = Notice {
            kind,
            plan_id,
            task_id: None,
            unit_id: Some(unit_id),
            actor_id: None,
            what,
            body,
            link: Some(format!("/my?plan={plan_id}")),
        };
        if let Some(event) = emit_once(&mut *conn, notice, None).await? {
            carried.extend(items.iter().map(|(_, k)| (k, event)));
        }
    }
    db::reminders::insert(&mut *conn, &carried).await?;
    Ok((carried.len(), messages))
}
