//! 报送记录: one unit's reporting record over its tasks — for each period, how many of its
//! reports came on time, late, are missing, returned or not yet due — for the unit's page.

use crate::db::{plans::PlanSettings, reports::ReportBrief, tasks::TaskRow};
use crate::rules::lights::Punctuality;
use crate::rules::reporting;
use crate::rules::schedule::Period;
use crate::workflows::progress::status::punctuality_of;
use chrono::NaiveDate;
use std::collections::HashMap;

/// One period of the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    pub period: Period,
    /// Reports the unit owes in the period.
    pub owed: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    pub returned: u32,
    pub pending: u32,
}

/// The record of `unit_id` over `tasks` (its tasks) from `reports` (theirs), judged on
/// `today`; periods not yet begun are left out, and of a closed task only the periods already
/// judged. Latest period first.
pub fn build(
    settings: &PlanSettings,
    tasks: &[TaskRow],
    reports: &[ReportBrief],
    unit_id: i64,
    today: NaiveDate,
) -> Vec<RecordRow> {
    let by_key: HashMap<(i64, &str), &ReportBrief> = reports
        .iter()
        .filter(|r| r.unit_id == unit_id)
        .map(|r| ((r.task_id, r.period.as_str()), r))
        .collect();
    let mut rows: Vec<RecordRow> = Vec::new();
    for t in tasks {
        // Only the periods the unit owes: none before it was assigned.
        for p in reporting::owed_by(settings, t, unit_id)
            .into_iter()
            .filter(|p| p.start <= today)
        {
            let punct = punctuality_of(&p, by_key.get(&(t.id, p.key.as_str())).copied(), today);
            if t.closed_at.is_some() && punct == Punctuality::Pending {
                continue;
            }
            let i = match rows.iter().position(|r| r.period.key == p.key) {
                Some(i) => i,
                None => {
                    rows.push(RecordRow {
                        period: p,
                        owed: 0,
                        on_time: 0,
                        late: 0,
                        missing: 0,
                        returned: 0,
                        pending: 0,
                    });
                    rows.len() - 1
                }
            };
            let row = &mut rows[i];
            row.owed += 1;
            match punct {
                Punctuality::OnTime => row.on_time += 1,
                Punctuality::Late => row.late += 1,
                Punctuality::Missing => row.missing += 1,
                Punctuality::Returned => row.returned += 1,
                Punctuality::Pending => row.pending += 1,
            }
        }
    }
    rows.sort_by_key(|r| std::cmp::Reverse((r.period.end, r.period.start)));
    rows
}
