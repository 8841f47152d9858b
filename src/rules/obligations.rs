//! 应报: which periods a unit owes a report for on a task. Obligations never reach into the
//! past (不溯及既往):
//!
//! - a unit owes the periods that end on or after the day it was assigned to the task, and
//!   before the day it was taken off (a unit removed mid-period owes nothing for that period);
//! - a cycle applies from the day it was set: periods of the old cycle that ended before that
//!   day are owed, and periods of the new one that end on or after it;
//! - within all that, the task's periods run from the plan's issue to its deadline
//!   ([`task_periods`]).
//!
//! And, for `?as_of=`, the task as it stood on a day: the units assigned by then and not yet
//! taken off, the cycle and deadline in force that day ([`task_as_of`]).

use crate::db::plans::PlanSettings;
use crate::db::tasks::TaskRow;
use crate::rules::reporting::task_periods;
use crate::rules::schedule::{Checkpoint, Cycle, Deadline, DeadlineKind, Period};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::types::Json;

/// A task's own cycle and deadline (`None`: the plan's) as they stood until `replaced_on`, the
/// day a change to either took effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsChange {
    pub replaced_on: NaiveDate,
    pub cycle: Option<Cycle>,
    pub deadline_kind: Option<DeadlineKind>,
    pub deadline_date: Option<NaiveDate>,
    #[serde(default)]
    pub checkpoints: Vec<Checkpoint>,
}

/// An assignment that ended: the unit was on the task from `assigned_on` until `removed_on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastAssignment {
    pub unit_id: i64,
    pub unit: String,
    pub lead: bool,
    pub assigned_on: NaiveDate,
    pub removed_on: NaiveDate,
}

/// A unit's time on a task: from the day it was assigned until the day it was taken off
/// (`None`: still on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tenure {
    pub assigned_on: NaiveDate,
    pub removed_on: Option<NaiveDate>,
}

impl Tenure {
    /// Since the beginning, for good: a task's periods whoever reports them.
    pub const ALWAYS: Tenure = Tenure {
        assigned_on: NaiveDate::MIN,
        removed_on: None,
    };
}

/// A cycle in force from a day (`None`: from the start) until the next span's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CycleSpan {
    pub from: Option<NaiveDate>,
    pub cycle: Cycle,
}

/// The cycles a task followed, in order, from its terms history (oldest first or not) and the
/// cycle it has now (`None`: the plan's).
pub fn cycle_spans(history: &[TermsChange], current: Option<Cycle>, plan: Cycle) -> Vec<CycleSpan> {
    let mut changes: Vec<&TermsChange> = history.iter().collect();
    changes.sort_by_key(|c| c.replaced_on);
    let mut spans = Vec::with_capacity(changes.len() + 1);
    let mut from = None;
    for c in changes {
        spans.push(CycleSpan {
            from,
            cycle: c.cycle.unwrap_or(plan),
        });
        from = Some(c.replaced_on);
    }
    spans.push(CycleSpan {
        from,
        cycle: current.unwrap_or(plan),
    });
    spans
}

/// The periods owed under `cycles` by a unit with `tenure`, up to `deadline`, in date order.
pub fn owed_periods(
    plan: &PlanSettings,
    deadline: &Deadline,
    cycles: &[CycleSpan],
    tenure: Tenure,
) -> Vec<Period> {
    let mut out: Vec<Period> = Vec::new();
    for (i, span) in cycles.iter().enumerate() {
        let until = cycles.get(i + 1).and_then(|next| next.from);
        for p in task_periods(plan, deadline, span.cycle) {
            let in_span = span.from.is_none_or(|f| p.end >= f) && until.is_none_or(|u| p.end < u);
            let held = p.end >= tenure.assigned_on && tenure.removed_on.is_none_or(|r| p.end < r);
            if in_span && held && !out.iter().any(|q| q.key == p.key) {
                out.push(p);
            }
        }
    }
    out.sort_by_key(|p| (p.end, p.start));
    out
}

/// Of the periods owed `after` a change, those not owed `before` it whose due date is already
/// past on `today`: what the change would make overdue at once.
pub fn newly_overdue(before: &[Period], after: &[Period], today: NaiveDate) -> Vec<Period> {
    after
        .iter()
        .filter(|p| p.due < today && !before.iter().any(|q| q.key == p.key))
        .cloned()
        .collect()
}

/// The cycles `task` followed.
pub fn task_cycles(task: &TaskRow) -> Vec<CycleSpan> {
    cycle_spans(&task.terms_history.0, task.cycle, task.plan_cycle)
}

/// The tenure of unit `unit_id` on `task`: its current assignment, else its latest past one.
pub fn tenure_of(task: &TaskRow, unit_id: i64) -> Option<Tenure> {
    let current = task
        .lead_ids
        .iter()
        .zip(&task.lead_since)
        .chain(task.co_ids.iter().zip(&task.co_since))
        .find(|(id, _)| **id == unit_id)
        .map(|(_, since)| Tenure {
            assigned_on: *since,
            removed_on: None,
        });
    current.or_else(|| {
        task.past_units
            .0
            .iter()
            .filter(|p| p.unit_id == unit_id)
            .max_by_key(|p| p.removed_on)
            .map(|p| Tenure {
                assigned_on: p.assigned_on,
                removed_on: Some(p.removed_on),
            })
    })
}

/// The periods unit `unit_id` owes on `task` (none when it was never on it).
pub fn periods_owed_by(plan: &PlanSettings, task: &TaskRow, unit_id: i64) -> Vec<Period> {
    tenure_of(task, unit_id).map_or_else(Vec::new, |tenure| {
        owed_periods(plan, &task.deadline(), &task_cycles(task), tenure)
    })
}

/// The periods anyone reports on `task`: those its current units owe, or, with no unit yet,
/// the periods of its cycles.
pub fn periods_of_task(plan: &PlanSettings, task: &TaskRow) -> Vec<Period> {
    let cycles = task_cycles(task);
    let deadline = task.deadline();
    let since: Vec<NaiveDate> = task
        .lead_since
        .iter()
        .chain(&task.co_since)
        .copied()
        .collect();
    let tenure = since.iter().min().map_or(Tenure::ALWAYS, |first| Tenure {
        assigned_on: *first,
        removed_on: None,
    });
    owed_periods(plan, &deadline, &cycles, tenure)
}

/// `task` as it stood on `day`: the units assigned on or before it and not yet taken off (a
/// unit taken off later is back on, its removal not yet known), and the cycle and deadline in
/// force that day with only the history known by then.
pub fn task_as_of(task: &TaskRow, day: NaiveDate) -> TaskRow {
    let mut t = task.clone();
    let mut history = task.terms_history.0.clone();
    history.sort_by_key(|c| c.replaced_on);
    let (known, later): (Vec<TermsChange>, Vec<TermsChange>) =
        history.into_iter().partition(|c| c.replaced_on <= day);
    if let Some(then) = later.first() {
        t.cycle = then.cycle;
        t.deadline_kind = then.deadline_kind;
        t.deadline_date = then.deadline_date;
        t.checkpoints = Json(then.checkpoints.clone());
    }
    t.terms_history = Json(known);
    let keep = |ids: &[i64], names: &[String], since: &[NaiveDate]| {
        let mut out = (Vec::new(), Vec::new(), Vec::new());
        for ((id, name), s) in ids.iter().zip(names).zip(since) {
            if *s <= day {
                out.0.push(*id);
                out.1.push(name.clone());
                out.2.push(*s);
            }
        }
        out
    };
    (t.lead_ids, t.lead_names, t.lead_since) =
        keep(&task.lead_ids, &task.lead_names, &task.lead_since);
    (t.co_ids, t.co_names, t.co_since) = keep(&task.co_ids, &task.co_names, &task.co_since);
    let mut past = Vec::new();
    for p in &task.past_units.0 {
        if p.removed_on <= day {
            past.push(p.clone());
        } else if p.assigned_on <= day
            && !t.lead_ids.contains(&p.unit_id)
            && !t.co_ids.contains(&p.unit_id)
        {
            let (ids, names, since) = if p.lead {
                (&mut t.lead_ids, &mut t.lead_names, &mut t.lead_since)
            } else {
                (&mut t.co_ids, &mut t.co_names, &mut t.co_since)
            };
            ids.push(p.unit_id);
            names.push(p.unit.clone());
            since.push(p.assigned_on);
        }
    }
    t.past_units = Json(past);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::rules::fixtures::{d, plan};

    fn keys(ps: &[Period]) -> Vec<String> {
        ps.iter().map(|p| p.key.clone()).collect()
    }

    fn quarterly() -> Vec<CycleSpan> {
        vec![CycleSpan {
            from: None,
            cycle: Cycle::Quarterly,
        }]
    }

    fn owed(tenure: Tenure, cycles: &[CycleSpan]) -> Vec<String> {
        keys(&owed_periods(&plan(), &Deadline::Ongoing, cycles, tenure))
    }

    fn since(day: NaiveDate) -> Tenure {
        Tenure {
            assigned_on: day,
            removed_on: None,
        }
    }

    #[test]
    fn named_in_the_plan_owes_every_period_from_the_issue() {
        assert_eq!(
            owed(since(d(2022, 4, 25)), &quarterly()),
            ["2022-Q2", "2022-Q3", "2022-Q4"]
        );
        assert_eq!(
            owed(Tenure::ALWAYS, &quarterly()),
            ["2022-Q2", "2022-Q3", "2022-Q4"]
        );
    }

    #[test]
    fn assigned_the_day_a_period_ends_owes_it_the_day_after_does_not() {
        assert_eq!(
            owed(since(d(2022, 9, 30)), &quarterly()),
            ["2022-Q3", "2022-Q4"]
        );
        assert_eq!(owed(since(d(2022, 10, 1)), &quarterly()), ["2022-Q4"]);
        // Assigned in October (after Q3 ended, before it was due): Q2 and Q3 are not owed.
        assert_eq!(owed(since(d(2022, 10, 20)), &quarterly()), ["2022-Q4"]);
    }

    #[test]
    fn removed_mid_period_owes_nothing_for_it() {
        let removed = |day| Tenure {
            assigned_on: d(2022, 4, 25),
            removed_on: Some(day),
        };
        assert_eq!(owed(removed(d(2022, 8, 15)), &quarterly()), ["2022-Q2"]);
        // Taken off the day the period ends: that period is not owed; the day after, it is.
        assert_eq!(owed(removed(d(2022, 9, 30)), &quarterly()), ["2022-Q2"]);
        assert_eq!(
            owed(removed(d(2022, 10, 1)), &quarterly()),
            ["2022-Q2", "2022-Q3"]
        );
        // Assigned and taken off within one period: nothing.
        let brief = Tenure {
            assigned_on: d(2022, 7, 5),
            removed_on: Some(d(2022, 8, 1)),
        };
        assert!(owed(brief, &quarterly()).is_empty());
    }

    #[test]
    fn a_cycle_switched_mid_quarter_applies_from_that_day() {
        let switched = vec![
            CycleSpan {
                from: None,
                cycle: Cycle::Quarterly,
            },
            CycleSpan {
                from: Some(d(2022, 10, 20)),
                cycle: Cycle::Monthly,
            },
        ];
        // No monthly report before October; Q4 of the old cycle ends after the switch.
        assert_eq!(
            owed(since(d(2022, 4, 25)), &switched),
            ["2022-Q2", "2022-Q3", "2022-10", "2022-11", "2022-12"]
        );
        // Switched the day a quarter ends: the new cycle's period ending that day is owed,
        // the old one's is not.
        let on_end = vec![
            CycleSpan {
                from: None,
                cycle: Cycle::Quarterly,
            },
            CycleSpan {
                from: Some(d(2022, 9, 30)),
                cycle: Cycle::Monthly,
            },
        ];
        assert_eq!(
            owed(since(d(2022, 4, 25)), &on_end),
            ["2022-Q2", "2022-09", "2022-10", "2022-11", "2022-12"]
        );
        // Switched to no periodic report: nothing after the switch.
        let stopped = vec![
            CycleSpan {
                from: None,
                cycle: Cycle::Quarterly,
            },
            CycleSpan {
                from: Some(d(2022, 8, 1)),
                cycle: Cycle::None,
            },
        ];
        assert_eq!(owed(since(d(2022, 4, 25)), &stopped), ["2022-Q2"]);
    }

    #[test]
    fn the_spans_follow_the_history() {
        let change = |day, cycle| TermsChange {
            replaced_on: day,
            cycle,
            deadline_kind: None,
            deadline_date: None,
            checkpoints: vec![],
        };
        // Monthly (the task's own) until 08-01, then the plan's quarterly until 10-20, then
        // half-yearly.
        let history = [
            change(d(2022, 10, 20), None),
            change(d(2022, 8, 1), Some(Cycle::Monthly)),
        ];
        let spans = cycle_spans(&history, Some(Cycle::HalfYearly), Cycle::Quarterly);
        assert_eq!(
            spans,
            [
                CycleSpan {
                    from: None,
                    cycle: Cycle::Monthly
                },
                CycleSpan {
                    from: Some(d(2022, 8, 1)),
                    cycle: Cycle::Quarterly
                },
                CycleSpan {
                    from: Some(d(2022, 10, 20)),
                    cycle: Cycle::HalfYearly
                },
            ]
        );
        assert_eq!(
            owed(since(d(2022, 4, 25)), &spans),
            [
                "2022-04", "2022-05", "2022-06", "2022-07", "2022-Q3", "2022-H2"
            ]
        );
        assert_eq!(cycle_spans(&[], None, Cycle::Quarterly), quarterly());
    }

    #[test]
    fn a_deadline_ends_the_periods() {
        let p = owed_periods(
            &plan(),
            &Deadline::Date(d(2022, 8, 31)),
            &quarterly(),
            since(d(2022, 9, 1)),
        );
        assert_eq!(keys(&p), ["2022-Q3"]);
    }

    #[test]
    fn what_a_change_would_make_overdue_at_once() {
        let before = owed_periods(
            &plan(),
            &Deadline::Date(d(2022, 6, 30)),
            &quarterly(),
            Tenure::ALWAYS,
        );
        let after = owed_periods(&plan(), &Deadline::Ongoing, &quarterly(), Tenure::ALWAYS);
        assert_eq!(
            keys(&newly_overdue(&before, &after, d(2022, 10, 20))),
            ["2022-Q3"]
        );
        // On the due date itself it is not overdue yet.
        assert!(newly_overdue(&before, &after, d(2022, 10, 10)).is_empty());
        assert!(newly_overdue(&after, &after, d(2022, 10, 20)).is_empty());
    }

    fn task() -> TaskRow {
        TaskRow {
            id: 1,
            plan_id: 1,
            code: "1.1.3".into(),
            position: 3,
            section_number: 1,
            section_title: String::new(),
            subsection_number: 1,
            subsection_title: String::new(),
            number: 3,
            text: "任务".into(),
            source_text: String::new(),
            responsibility_text: String::new(),
            unnamed_members: false,
            source_line: 1,
            lead_ids: vec![1],
            lead_names: vec!["甲".into()],
            lead_since: vec![d(2022, 4, 25)],
            co_ids: vec![2],
            co_names: vec!["乙".into()],
            co_since: vec![d(2022, 10, 20)],
            past_units: Json(vec![PastAssignment {
                unit_id: 3,
                unit: "丙".into(),
                lead: false,
                assigned_on: d(2022, 4, 25),
                removed_on: d(2022, 8, 1),
            }]),
            terms_history: Json(vec![TermsChange {
                replaced_on: d(2022, 10, 20),
                cycle: None,
                deadline_kind: Some(DeadlineKind::Date),
                deadline_date: Some(d(2022, 8, 31)),
                checkpoints: vec![],
            }]),
            version: 1,
            designation_complete: true,
            deadline_kind: None,
            deadline_date: None,
            checkpoints: Json(vec![]),
            cycle: Some(Cycle::Monthly),
            plan_year: 2022,
            plan_deadline_kind: DeadlineKind::Ongoing,
            plan_deadline_date: None,
            plan_cycle: Cycle::Quarterly,
            closed_at: None,
            closing_note: None,
            answered_ids: Vec::new(),
            contested_ids: Vec::new(),
            milestones: sqlx::types::Json(Vec::new()),
        }
    }

    #[test]
    fn each_unit_owes_from_its_own_assignment() {
        let t = task();
        assert_eq!(
            keys(&periods_owed_by(&plan(), &t, 1)),
            ["2022-Q2", "2022-Q3", "2022-10", "2022-11", "2022-12"]
        );
        assert_eq!(
            keys(&periods_owed_by(&plan(), &t, 2)),
            ["2022-10", "2022-11", "2022-12"]
        );
        assert_eq!(keys(&periods_owed_by(&plan(), &t, 3)), ["2022-Q2"]);
        assert!(periods_owed_by(&plan(), &t, 9).is_empty());
        assert_eq!(
            keys(&periods_of_task(&plan(), &t)),
            ["2022-Q2", "2022-Q3", "2022-10", "2022-11", "2022-12"]
        );
    }

    #[test]
    fn as_of_replays_units_cycle_and_deadline() {
        let t = task();
        let july = task_as_of(&t, d(2022, 7, 15));
        // 乙 was not yet assigned; 丙 not yet taken off.
        assert_eq!(july.lead_ids, [1]);
        assert_eq!(july.co_ids, [3]);
        assert!(july.past_units.0.is_empty());
        // The deadline and cycle that stood then: quarterly, by 08-31.
        assert_eq!(july.effective_cycle(), Cycle::Quarterly);
        assert_eq!(july.deadline(), Deadline::Date(d(2022, 8, 31)));
        assert!(july.terms_history.0.is_empty());
        assert_eq!(
            keys(&periods_owed_by(&plan(), &july, 3)),
            ["2022-Q2", "2022-Q3"]
        );
        // On the day of the change the new terms stand.
        let changed = task_as_of(&t, d(2022, 10, 20));
        assert_eq!(changed.co_ids, [2]);
        assert_eq!(changed.effective_cycle(), Cycle::Monthly);
        assert_eq!(changed.past_units.0.len(), 1);
        let before = task_as_of(&t, d(2022, 10, 19));
        assert!(before.co_ids.is_empty());
        assert_eq!(before.effective_cycle(), Cycle::Quarterly);
    }

    #[test]
    fn as_of_before_the_plan_was_issued_there_is_nothing() {
        let early = task_as_of(&task(), d(2022, 4, 24));
        assert!(early.lead_ids.is_empty() && early.co_ids.is_empty());
        assert!(periods_owed_by(&plan(), &early, 1).is_empty());
    }
}
