//! 报送提醒: which reminders a day calls for. A report still owed (by the one rule of
//! [`crate::rules::obligations`], as `/reporting` and the lights judge it) is reminded 7 and 3
//! days before its due date, on the day, and every day once overdue. Pure: the day is passed in.

use crate::db::plans::PlanSettings;
use crate::db::tasks::TaskRow;
use crate::rules::notices::NoticeKind;
use crate::rules::reporting::owed_by;
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::HashSet;

/// A reminder's kind and the day it stands for (its key with unit, task and period).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Milestone {
    pub kind: NoticeKind,
    pub day: NaiveDate,
}

/// The reminder a report due on `due` calls for on `today`, if any. A milestone missed (no pass
/// ran that day, or the unit was assigned since) is caught up until the next one: the 7-day
/// reminder from 7 to 4 days before, the 3-day one from 3 days to 1 day before.
pub fn milestone(due: NaiveDate, today: NaiveDate) -> Option<Milestone> {
    let left = (due - today).num_days();
    let (kind, day) = match left {
        4..=7 => (NoticeKind::DueInSevenDays, due - Duration::days(7)),
        1..=3 => (NoticeKind::DueInThreeDays, due - Duration::days(3)),
        0 => (NoticeKind::DueToday, due),
        l if l < 0 => (NoticeKind::Overdue, today),
        _ => return None,
    };
    Some(Milestone { kind, day })
}

/// Days a period's overdue reminders go on after the plan's year is over: the year's last
/// reports fall due in January; after that, what is still missing is the office's to pursue.
pub const AFTER_YEAR_END: i64 = 31;

/// Whether a period of a plan of `year`, due on `due`, is still reminded on `today`.
pub fn still_open(year: i32, due: NaiveDate, today: NaiveDate) -> bool {
    today.year() <= year || (today - due).num_days() <= AFTER_YEAR_END
}

/// The hour (local time) from which a day's reminders go out: not in the night.
pub const HOUR: u32 = 8;

/// The day whose reminders are due at `now` (local time): today from [`HOUR`] on; with a fixed
/// day (`DUBAN_TODAY`), that day at any hour.
pub fn day_to_remind(now: chrono::NaiveDateTime, fixed: Option<NaiveDate>) -> Option<NaiveDate> {
    use chrono::Timelike;
    match fixed {
        Some(day) => Some(day),
        None => (now.hour() >= HOUR).then(|| now.date()),
    }
}

/// A report to remind a unit of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub unit_id: i64,
    pub task_id: i64,
    pub code: String,
    pub period: String,
    pub period_label: String,
    pub due: NaiveDate,
    pub milestone: Milestone,
}

/// Every reminder `today` calls for in a plan: for each open task, each unit on it and each
/// period it owes, not yet submitted (`submitted` holds `(task, unit, period)`; a returned
/// report is not submitted). In task order, then unit (lead first), then period.
pub fn due_on(
    plan: &PlanSettings,
    tasks: &[TaskRow],
    submitted: &HashSet<(i64, i64, String)>,
    today: NaiveDate,
) -> Vec<Reminder> {
    let mut out = Vec::new();
    for t in tasks.iter().filter(|t| t.closed_at.is_none()) {
        for &unit_id in t.lead_ids.iter().chain(&t.co_ids) {
            for p in owed_by(plan, t, unit_id) {
                if !still_open(plan.year, p.due, today) {
                    continue;
                }
                let Some(m) = milestone(p.due, today) else {
                    continue;
                };
                if submitted.contains(&(t.id, unit_id, p.key.clone())) {
                    continue;
                }
                out.push(Reminder {
                    unit_id,
                    task_id: t.id,
                    code: t.code.clone(),
                    period: p.key,
                    period_label: p.label,
                    due: p.due,
                    milestone: m,
                });
            }
        }
    }
    out
}

/// How a group of one unit's reminders of one kind is worded: the message's headline, after
/// 【督办】, and its lines, one per report.
pub fn wording(kind: NoticeKind, items: &[&Reminder], today: NaiveDate) -> (String, String) {
    let n = items.len();
    let day = |d: NaiveDate| d.format("%Y年%-m月%-d日").to_string();
    let what = match (kind, items.first()) {
        (NoticeKind::Overdue, _) => format!("逾期未报提醒：{n}项进展情况已逾期，请尽快报送"),
        (NoticeKind::DueToday, Some(r)) => {
            format!("报送提醒：{n}项进展情况今日（{}）截止报送", day(r.due))
        }
        (_, Some(r)) => format!(
            "报送提醒：{n}项进展情况将于{}截止报送（还有{}天）",
            day(r.due),
            (r.due - today).num_days()
        ),
        (_, None) => "报送提醒".to_string(),
    };
    let lines: Vec<String> = items
        .iter()
        .map(|r| {
            let late = (today - r.due).num_days();
            if late > 0 {
                format!(
                    "任务{}：{}进展情况，应于{}前报送，已逾期{late}天",
                    r.code,
                    r.period_label,
                    day(r.due)
                )
            } else {
                format!(
                    "任务{}：{}进展情况，应于{}前报送",
                    r.code,
                    r.period_label,
                    day(r.due)
                )
            }
        })
        .collect();
    let body = format!("尚未报送：\n{}", lines.join("\n"));
    (what, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, day).unwrap()
    }

    #[test]
    fn the_milestones_of_a_due_date() {
        let due = d(10, 10);
        let at = |m, day| milestone(due, d(m, day)).map(|m| (m.kind, m.day));
        assert_eq!(at(10, 2), None);
        assert_eq!(at(10, 3), Some((NoticeKind::DueInSevenDays, d(10, 3))));
        // Caught up until the next milestone, under the same key.
        assert_eq!(at(10, 6), Some((NoticeKind::DueInSevenDays, d(10, 3))));
        assert_eq!(at(10, 7), Some((NoticeKind::DueInThreeDays, d(10, 7))));
        assert_eq!(at(10, 9), Some((NoticeKind::DueInThreeDays, d(10, 7))));
        assert_eq!(at(10, 10), Some((NoticeKind::DueToday, d(10, 10))));
        // Every day overdue is a reminder of its own.
        assert_eq!(at(10, 11), Some((NoticeKind::Overdue, d(10, 11))));
        assert_eq!(at(10, 12), Some((NoticeKind::Overdue, d(10, 12))));
    }

    #[test]
    fn reminders_go_out_from_eight() {
        let at = |h| d(10, 3).and_hms_opt(h, 0, 0).unwrap();
        assert_eq!(day_to_remind(at(7), None), None);
        assert_eq!(day_to_remind(at(8), None), Some(d(10, 3)));
        assert_eq!(day_to_remind(at(2), Some(d(10, 5))), Some(d(10, 5)));
    }

    #[test]
    fn reminders_stop_a_month_after_the_year() {
        let q4_due = NaiveDate::from_ymd_opt(2023, 1, 10).unwrap();
        let on = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert!(still_open(2022, d(4, 10), d(12, 31)));
        assert!(!still_open(2022, d(4, 10), on(2023, 1, 2)));
        assert!(still_open(2022, q4_due, on(2023, 2, 10)));
        assert!(!still_open(2022, q4_due, on(2023, 2, 11)));
    }

    #[test]
    fn the_wording_names_each_report() {
        let r = Reminder {
            unit_id: 1,
            task_id: 2,
            code: "1.1.3".into(),
            period: "2022-Q3".into(),
            period_label: "2022年第三季度".into(),
            due: d(10, 10),
            milestone: Milestone {
                kind: NoticeKind::Overdue,
                day: d(10, 13),
            },
        };
        let (what, body) = wording(NoticeKind::Overdue, &[&r], d(10, 13));
        assert_eq!(what, "逾期未报提醒：1项进展情况已逾期，请尽快报送");
        assert!(
            body.contains("任务1.1.3：2022年第三季度进展情况，应于2022年10月10日前报送，已逾期3天")
        );
        let (what, _) = wording(NoticeKind::DueInSevenDays, &[&r], d(10, 3));
        assert_eq!(
            what,
            "报送提醒：1项进展情况将于2022年10月10日截止报送（还有7天）"
        );
        let (what, _) = wording(NoticeKind::DueToday, &[&r], d(10, 10));
        assert_eq!(what, "报送提醒：1项进展情况今日（2022年10月10日）截止报送");
    }
}
