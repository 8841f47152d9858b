//! The plan as it stood on a past date, rebuilt from the report events and the task history:
//! for the summary's "as of" view and its trend.

use super::{Assessment, ReportStatus, ReviewState};
use crate::db::reports::{HistoricEvent, ReportBrief};
use crate::db::tasks::TaskRow;
use crate::rules::obligations::task_as_of;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The reports as they were at `at`: each report's latest event up to then decides its state
/// and content; reports with no event yet (drafts) are left out.
pub fn briefs_at(events: &[HistoricEvent], at: DateTime<Utc>) -> Vec<ReportBrief> {
    let mut by_report: HashMap<i64, ReportBrief> = HashMap::new();
    for e in events.iter().filter(|e| e.at <= at) {
        let status = e
            .status
            .as_deref()
            .and_then(ReportStatus::parse)
            .unwrap_or(ReportStatus::InProgress);
        let self_assessment = e
            .self_assessment
            .as_deref()
            .and_then(Assessment::parse)
            .unwrap_or(Assessment::OnTrack);
        let office_assessment = e.office_assessment.as_deref().and_then(Assessment::parse);
        let state = e.action.resulting_state();
        let entry = by_report.entry(e.report_id).or_insert_with(|| ReportBrief {
            task_id: e.task_id,
            unit_id: e.unit_id,
            period: e.period.clone(),
            period_start: e.period_start,
            period_end: e.period_end,
            review_state: state,
            status,
            self_assessment,
            office_assessment,
            first_submitted_at: Some(e.at),
            accepted_at: None,
            submitted_at: Some(e.at),
        });
        entry.review_state = state;
        entry.status = status;
        entry.self_assessment = self_assessment;
        entry.office_assessment = office_assessment;
        if state == ReviewState::Submitted {
            entry.submitted_at = Some(e.at);
        }
        entry.accepted_at = (state == ReviewState::Accepted).then_some(e.at);
    }
    by_report.into_values().collect()
}

/// Tasks as they were at `at`: closed or not, from the closure history; their units, cycle and
/// deadline as they stood that day ([`task_as_of`]).
pub fn tasks_at(
    tasks: &[TaskRow],
    closures: &[(i64, DateTime<Utc>, bool)],
    at: DateTime<Utc>,
) -> Vec<TaskRow> {
    let mut closed: HashMap<i64, Option<DateTime<Utc>>> = HashMap::new();
    for (task, when, is_closed) in closures.iter().filter(|c| c.1 <= at) {
        closed.insert(*task, is_closed.then_some(*when));
    }
    let day = at.with_timezone(&chrono::Local).date_naive();
    tasks
        .iter()
        .map(|t| {
            let mut t = task_as_of(t, day);
            t.closed_at = closed.get(&t.id).copied().flatten();
            // A milestone done after the day was open on it.
            for m in t.milestones.iter_mut() {
                if m.done_on.is_some_and(|d| d > day) {
                    m.done_on = None;
                }
            }
            t
        })
        .collect()
}
