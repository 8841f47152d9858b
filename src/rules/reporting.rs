//! 报送: which reporting periods each task has, and for a period, which unit owes a report on
//! which task. Pure functions over loaded tasks; what each unit owes is the one rule of
//! [`crate::rules::obligations`] (never a period that ended before it was assigned).

use crate::db::plans::PlanSettings;
use crate::db::reports::ReportRow;
use crate::db::tasks::TaskRow;
use crate::rules::obligations::{periods_of_task, periods_owed_by};
use crate::rules::schedule::{Cycle, Deadline, Period, in_focus, periods_between};
use crate::rules::vocabulary::ReviewState;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The periods a task's `cycle` cuts its time into: from the plan's issue (or 1 January) to its
/// deadline (or the plan's year end when it has none). Whether a unit owes each one is for
/// [`owed_by`] to say.
pub fn task_periods(plan: &PlanSettings, deadline: &Deadline, cycle: Cycle) -> Vec<Period> {
    let year_start = NaiveDate::from_ymd_opt(plan.year, 1, 1);
    let year_end = NaiveDate::from_ymd_opt(plan.year, 12, 31);
    let (Some(start), Some(year_end)) = (plan.issued_on.or(year_start), year_end) else {
        return Vec::new();
    };
    let end = deadline.end(plan.year).unwrap_or(year_end);
    periods_between(cycle, start, end.max(start), plan.due_days.max(0) as u32)
}

/// One report a unit owes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owed {
    pub code: String,
    pub text: String,
    pub lead: bool,
}

/// One unit's reports for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitOwes {
    pub unit_id: i64,
    pub unit: String,
    pub tasks: Vec<Owed>,
}

/// For the period `key`, each unit and the tasks it owes a report on, units in the order they
/// first appear in the plan; tasks still awaiting designation are listed apart.
pub fn owed_in(
    plan: &PlanSettings,
    tasks: &[TaskRow],
    key: &str,
) -> (Option<Period>, Vec<UnitOwes>, Vec<String>) {
    let mut period = None;
    let mut by_unit: BTreeMap<usize, UnitOwes> = BTreeMap::new();
    let mut order: Vec<i64> = Vec::new();
    let mut awaiting = Vec::new();
    for t in tasks {
        let Some(p) = periods_of_task(plan, t).into_iter().find(|p| p.key == key) else {
            continue;
        };
        period.get_or_insert(p);
        if t.awaits_designation() {
            awaiting.push(t.code.clone());
        }
        let units = t.lead_ids.iter().zip(&t.lead_names).map(|u| (u, true));
        let units = units.chain(t.co_ids.iter().zip(&t.co_names).map(|u| (u, false)));
        for ((id, name), lead) in units {
            if !owed_by(plan, t, *id).iter().any(|p| p.key == key) {
                continue;
            }
            let slot = order.iter().position(|u| u == id).unwrap_or_else(|| {
                order.push(*id);
                order.len() - 1
            });
            by_unit
                .entry(slot)
                .or_insert_with(|| UnitOwes {
                    unit_id: *id,
                    unit: name.clone(),
                    tasks: Vec::new(),
                })
                .tasks
                .push(Owed {
                    code: t.code.clone(),
                    text: t.text.clone(),
                    lead,
                });
        }
    }
    (period, by_unit.into_values().collect(), awaiting)
}

/// Every period key in use in the plan (all cycles its tasks follow), in date order.
pub fn plan_periods(plan: &PlanSettings, tasks: &[TaskRow]) -> Vec<Period> {
    let mut all: Vec<Period> = Vec::new();
    for t in tasks {
        for p in periods_of_task(plan, t) {
            if !all.iter().any(|q| q.key == p.key) {
                all.push(p);
            }
        }
    }
    all.sort_by_key(|p| (p.end, p.start));
    all
}

/// For a period: each unit with the tasks whose report is still outstanding (never
/// submitted), given the reports that exist as `(task_id, unit_id, period, submitted)`.
pub fn outstanding(
    plan: &PlanSettings,
    tasks: &[TaskRow],
    key: &str,
    submitted: &std::collections::HashSet<(i64, i64)>,
) -> Vec<UnitOwes> {
    let (_, owed, _) = owed_in(plan, tasks, key);
    let id_of: std::collections::HashMap<&str, i64> =
        tasks.iter().map(|t| (t.code.as_str(), t.id)).collect();
    owed.into_iter()
        .filter_map(|mut u| {
            u.tasks.retain(|t| {
                id_of
                    .get(t.code.as_str())
                    .is_none_or(|task_id| !submitted.contains(&(*task_id, u.unit_id)))
            });
            (!u.tasks.is_empty()).then_some(u)
        })
        .collect()
}

/// A report a liaison owes or is working on (本期应报): a row of `/my`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub code: String,
    pub text: String,
    pub period: String,
    pub period_label: String,
    pub due: NaiveDate,
    pub overdue: bool,
    /// The report already begun (a draft, or returned), if any.
    pub report_id: Option<i64>,
    /// The report's review state in words, or 未填报.
    pub state: String,
}

/// The periods unit `unit_id` owes on task `task` (the one rule of obligations).
pub fn owed_by(plan: &PlanSettings, task: &TaskRow, unit_id: i64) -> Vec<Period> {
    periods_owed_by(plan, task, unit_id)
}

/// The unit `tasks` and `reports` are about: that of the reports, else the one unit every task
/// has (`None`: cannot tell).
fn unit_of(tasks: &[TaskRow], reports: &[ReportRow]) -> Option<i64> {
    if let Some(r) = reports.first() {
        return Some(r.unit_id);
    }
    let first = tasks.first()?;
    let mut common = first.lead_ids.iter().chain(&first.co_ids).filter(|u| {
        tasks
            .iter()
            .all(|t| t.lead_ids.contains(u) || t.co_ids.contains(u))
    });
    let unit = common.next().copied();
    common.next().is_none().then_some(unit).flatten()
}

/// What a unit has to report on `today`, over its open tasks and the reports it has: every
/// overdue period not yet submitted, and each task's next period coming due; soonest first.
/// A returned report counts as not submitted, since it has to be sent again. The unit is that
/// of `reports`, else the one every task has: prefer [`due_for`], which is told.
pub fn due_for_unit(
    plan: &PlanSettings,
    tasks: &[TaskRow],
    reports: &[ReportRow],
    today: NaiveDate,
) -> Vec<Due> {
    due_for(plan, unit_of(tasks, reports), tasks, reports, today)
}

/// [`due_for_unit`] for unit `unit_id` (`None`: every period anyone owes on each task). Only
/// the periods the unit owes count, so that nothing before its assignment is ever due; the
/// period in focus ([`in_focus`]) is always among them when owed and not submitted (it is
/// either overdue or the next coming due).
pub fn due_for(
    plan: &PlanSettings,
    unit_id: Option<i64>,
    tasks: &[TaskRow],
    reports: &[ReportRow],
    today: NaiveDate,
) -> Vec<Due> {
    let mut due = Vec::new();
    for t in tasks.iter().filter(|t| t.closed_at.is_none()) {
        let periods = match unit_id {
            Some(u) => owed_by(plan, t, u),
            None => periods_of_task(plan, t),
        };
        let focus = in_focus(&periods, today).map(|p| p.key.clone());
        let next_key = periods
            .iter()
            .find(|p| p.due >= today)
            .map(|p| p.key.clone());
        for p in &periods {
            let report = reports.iter().find(|r| {
                r.task_id == t.id && r.period == p.key && unit_id.is_none_or(|u| r.unit_id == u)
            });
            let submitted = report.is_some_and(|r| {
                r.first_submitted_at.is_some() && r.review_state != ReviewState::Returned
            });
            let overdue = p.due < today;
            let wanted =
                overdue || Some(&p.key) == next_key.as_ref() || Some(&p.key) == focus.as_ref();
            if submitted || !wanted {
                continue;
            }
            due.push(Due {
                code: t.code.clone(),
                text: t.text.clone(),
                period: p.key.clone(),
                period_label: p.label.clone(),
                due: p.due,
                overdue,
                report_id: report.map(|r| r.id),
                state: report.map_or("未填报".into(), |r| r.review_state.label().into()),
            });
        }
    }
    due.sort_by_key(|d| (d.due, d.code.clone()));
    due
}

/// 最新进展: the report a task page shows as the task's latest progress, of the submitted
/// versions given: the latest accepted one (by period, then acceptance), else the latest one
/// awaiting review (by period, then submission). A returned submission is never the latest
/// progress: the office sent it back.
pub fn latest_progress<'a>(
    versions: impl IntoIterator<Item = &'a ReportRow>,
) -> Option<&'a ReportRow> {
    let versions: Vec<&ReportRow> = versions.into_iter().collect();
    let latest = |state: ReviewState| {
        versions
            .iter()
            .copied()
            .filter(|r| r.review_state == state)
            .max_by_key(|r| (r.period_end, r.accepted_at, r.submitted_at, r.id))
    };
    latest(ReviewState::Accepted).or_else(|| latest(ReviewState::Submitted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::schedule::Checkpoint;

    use crate::rules::fixtures::{d, plan};

    fn keys(ps: &[Period]) -> Vec<&str> {
        ps.iter().map(|p| p.key.as_str()).collect()
    }

    #[test]
    fn periods_run_from_issue_to_deadline() {
        let p = plan();
        assert_eq!(
            keys(&task_periods(&p, &Deadline::Ongoing, Cycle::Quarterly)),
            ["2022-Q2", "2022-Q3", "2022-Q4"]
        );
        assert_eq!(
            keys(&task_periods(
                &p,
                &Deadline::Date(d(2022, 8, 31)),
                Cycle::Quarterly
            )),
            ["2022-Q2", "2022-Q3"]
        );
        assert_eq!(
            keys(&task_periods(&p, &Deadline::YearEnd, Cycle::HalfYearly)),
            ["2022-H1", "2022-H2"]
        );
        let staged = Deadline::Staged(vec![Checkpoint {
            date: d(2022, 6, 30),
            title: "a".into(),
        }]);
        assert_eq!(
            keys(&task_periods(&p, &staged, Cycle::Monthly)),
            ["2022-04", "2022-05", "2022-06"]
        );
        assert!(task_periods(&p, &Deadline::Ongoing, Cycle::None).is_empty());
        // A deadline before the plan was issued still reports the period it falls in.
        assert_eq!(
            keys(&task_periods(
                &p,
                &Deadline::Date(d(2022, 3, 1)),
                Cycle::Quarterly
            )),
            ["2022-Q2"]
        );
    }

    #[test]
    fn due_dates_follow_the_plan() {
        let p = plan();
        let q2 = &task_periods(&p, &Deadline::Ongoing, Cycle::Quarterly)[0];
        assert_eq!(q2.due, d(2022, 7, 10));
    }

    fn version(id: i64, state: ReviewState, period_end: NaiveDate) -> ReportRow {
        use crate::rules::vocabulary::{Assessment, ReportStatus};
        let at = period_end.and_hms_opt(12, 0, 0).map(|t| t.and_utc());
        ReportRow {
            id,
            task_id: 1,
            unit_id: id,
            unit_name: format!("单位{id}"),
            code: "1.1.1".into(),
            plan_id: 1,
            period: String::new(),
            period_start: period_end,
            period_end,
            due_on: period_end,
            version: 2,
            review_state: state,
            status: ReportStatus::InProgress,
            self_assessment: Assessment::OnTrack,
            office_assessment: None,
            work_done: format!("进展{id}"),
            problems: String::new(),
            next_steps: String::new(),
            return_reason: None,
            first_submitted_at: at,
            submitted_at: at,
            reviewed_at: None,
            accepted_at: (state == ReviewState::Accepted).then_some(at).flatten(),
            updated_at: at.unwrap_or_default(),
        }
    }

    #[test]
    fn the_latest_progress_is_accepted_else_awaiting_review_never_returned() {
        let (q2, q3) = (d(2022, 6, 30), d(2022, 9, 30));
        let accepted = version(1, ReviewState::Accepted, q2);
        let awaiting = version(2, ReviewState::Submitted, q3);
        let returned = version(3, ReviewState::Returned, q3);
        let newer_accepted = version(4, ReviewState::Accepted, q3);
        let id = |v: Option<&ReportRow>| v.map(|r| r.id);
        // An accepted report wins over a later one awaiting review.
        assert_eq!(
            id(latest_progress([&accepted, &awaiting, &returned])),
            Some(1)
        );
        assert_eq!(id(latest_progress([&accepted, &newer_accepted])), Some(4));
        assert_eq!(id(latest_progress([&awaiting, &returned])), Some(2));
        assert_eq!(id(latest_progress([&returned])), None);
        assert_eq!(id(latest_progress([])), None);
    }
}
