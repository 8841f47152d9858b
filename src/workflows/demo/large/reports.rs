//! The reports (进展情况) of every unit of every task for every quarter, and their review
//! events (审核记录), written in two passes over the same slots.

use super::org::Accounts;
use super::synth::{Outcome, at, synth};
use super::words::NEXT;
use super::{DUE_DAYS, NEWEST_YEAR, PlanShape, Unit, YEARS};
use crate::db::bulk::Copier;
use crate::rules::schedule::Period;
use crate::rules::vocabulary::{ReportAction, ReportContent, ReportSnapshot};
use chrono::NaiveDate;
use sqlx::PgConnection;

/// How many reports the plans call for: every unit of every task, every quarter.
pub(super) fn count(plans: &[PlanShape]) -> usize {
    plans
        .iter()
        .flat_map(|p| &p.tasks)
        .map(|t| t.units.len() * 4)
        .sum()
}

/// The four quarters of every plan year, oldest year first.
pub(super) fn periods() -> Vec<Vec<Period>> {
    (NEWEST_YEAR - YEARS + 1..=NEWEST_YEAR)
        .map(|y| {
            (1..=4)
                .filter_map(|q| Period::parse(&format!("{y}-Q{q}"), DUE_DAYS).map(|(_, p)| p))
                .collect()
        })
        .collect()
}

/// Writes the reports, ids from `first_report` in slot order.
pub(super) async fn write_reports(
    conn: &mut PgConnection,
    first_report: i64,
    plans: &[PlanShape],
    periods: &[Vec<Period>],
    units: &[Unit],
    accounts: Accounts,
) -> anyhow::Result<u64> {
    let office_id = accounts.office_id();
    let mut c = Copier::start(
        conn,
        "reports (id, task_id, unit_id, period, period_start, period_end, due_on, version, \
         review_state, status, self_assessment, office_assessment, work_done, problems, \
         next_steps, return_reason, first_submitted_at, submitted_at, reviewed_at, reviewed_by, \
         accepted_at, created_by, updated_by, created_at, updated_at)",
    )
    .await?;
    for (i, (task, u, period, open)) in slots(plans, periods).enumerate() {
        let s = synth(i as u64, period, open);
        let o = s.outcome;
        let (liaison, _) = accounts.liaison_of(u);
        let submitted = o != Outcome::Draft;
        let reviewed = matches!(
            o,
            Outcome::Returned | Outcome::Accepted | Outcome::Reaccepted
        );
        let accepted = matches!(o, Outcome::Accepted | Outcome::Reaccepted);
        let h = i as u64;
        let updated = if reviewed {
            s.reviewed
        } else if submitted {
            s.submitted
        } else {
            s.created
        };
        c.field(first_report + i as i64)
            .field(task)
            .field(units[u].id)
            .field(&period.key)
            .field(period.start)
            .field(period.end)
            .field(period.due)
            .field(o.version())
            .field(o.state())
            .field(s.status)
            .field(s.assessment)
            .opt(accepted.then_some(s.assessment))
            .field(&s.work_done)
            .field(s.problems)
            .field(NEXT)
            .opt((o == Outcome::Returned).then_some("请补充量化数据。"))
            .opt(submitted.then(|| at(s.first_submitted, h)))
            .opt(submitted.then(|| at(s.submitted, h)))
            .opt(reviewed.then(|| at(s.reviewed, h + 1)))
            .opt(reviewed.then_some(office_id))
            .opt(accepted.then(|| at(s.reviewed, h + 1)))
            .field(liaison)
            .field(liaison)
            .field(at(s.created, h))
            .field(at(updated, h + 1));
        c.end_row().await?;
    }
    Ok(c.finish().await?)
}

/// Writes the review events of the same reports, each with the snapshot of its version.
pub(super) async fn write_report_events(
    conn: &mut PgConnection,
    first_report: i64,
    plans: &[PlanShape],
    periods: &[Vec<Period>],
    accounts: Accounts,
) -> anyhow::Result<u64> {
    let office_id = accounts.office_id();
    let mut c = Copier::start(
        conn,
        "report_events (report_id, at, actor_id, actor_login, action, version, reason, snapshot)",
    )
    .await?;
    for (i, (_, u, period, open)) in slots(plans, periods).enumerate() {
        let s = synth(i as u64, period, open);
        let (liaison, liaison_login) = accounts.liaison_of(u);
        let h = i as u64;
        let snapshot = |version: i32, office: bool| {
            ReportSnapshot {
                content: ReportContent {
                    status: s.status,
                    self_assessment: s.assessment,
                    work_done: s.work_done.clone(),
                    problems: s.problems.to_string(),
                    next_steps: NEXT.to_string(),
                },
                office_assessment: office.then_some(s.assessment),
                coordination: Vec::new(),
                version,
            }
            .to_json()
            .to_string()
        };
        use ReportAction::{Accepted, Returned, Submitted};
        let events: Vec<(ReportAction, i32, NaiveDate, bool)> = match s.outcome {
            Outcome::Draft => vec![],
            Outcome::Submitted => vec![(Submitted, 2, s.first_submitted, false)],
            Outcome::Returned => vec![
                (Submitted, 2, s.first_submitted, false),
                (Returned, 3, s.reviewed, false),
            ],
            Outcome::Accepted => vec![
                (Submitted, 2, s.first_submitted, false),
                (Accepted, 3, s.reviewed, true),
            ],
            Outcome::Reaccepted => vec![
                (Submitted, 2, s.first_submitted, false),
                (Returned, 3, s.returned, false),
                (Submitted, 5, s.submitted, false),
                (Accepted, 6, s.reviewed, true),
            ],
        };
        for (action, version, on, office) in events {
            let by_office = action != Submitted;
            c.field(first_report + i as i64)
                .field(at(on, h + u64::from(by_office)))
                .field(if by_office { office_id } else { liaison })
                .field(if by_office {
                    "large-office"
                } else {
                    liaison_login.as_str()
                })
                .field(action)
                .field(version)
                .opt((action == Returned).then_some("请补充量化数据。"))
                .field(snapshot(version, office));
            c.end_row().await?;
        }
    }
    Ok(c.finish().await?)
}

/// Every (task, unit index, period, still open) a report is written for, in id order.
fn slots<'a>(
    plans: &'a [PlanShape],
    periods: &'a [Vec<Period>],
) -> impl Iterator<Item = (i64, usize, &'a Period, bool)> + 'a {
    plans.iter().flat_map(move |plan| {
        let ps = &periods[(plan.year - (NEWEST_YEAR - YEARS + 1)) as usize];
        plan.tasks.iter().flat_map(move |t| {
            t.units.iter().flat_map(move |&u| {
                ps.iter()
                    .enumerate()
                    .map(move |(q, p)| (t.id, u, p, plan.year == NEWEST_YEAR && q == 3))
            })
        })
    })
}
