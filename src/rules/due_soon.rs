//! 近期到期: the open tasks with a deadline or a checkpoint (节点) within the next days, for
//! the office's desk. Pure: the tasks are loaded, the day is given.

use crate::rules::schedule::Deadline;
use chrono::{Days, NaiveDate};

/// How far ahead the desk looks for deadlines.
pub const DUE_SOON_DAYS: u64 = 7;

/// One deadline coming up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueSoon {
    pub code: String,
    pub text: String,
    pub date: NaiveDate,
    /// 完成时限, or the checkpoint's title.
    pub what: String,
}

/// A task's deadline as this rule needs it: its code, text, deadline in force and the plan's
/// year (for 年底前).
pub struct TaskDeadline<'a> {
    pub code: &'a str,
    pub text: &'a str,
    pub deadline: Deadline,
    pub year: i32,
}

/// The deadlines and checkpoints of `tasks` (the open ones) from `today` to `days` days after
/// it, soonest first. A task 持续推进 has none; 年底前 counts as 31 December of the plan's year.
pub fn due_within(tasks: Vec<TaskDeadline<'_>>, today: NaiveDate, days: u64) -> Vec<DueSoon> {
    let Some(horizon) = today.checked_add_days(Days::new(days)) else {
        return Vec::new();
    };
    let within = |d: NaiveDate| d >= today && d <= horizon;
    let mut out = Vec::new();
    for t in tasks {
        let dates: Vec<(NaiveDate, String)> = match t.deadline {
            Deadline::Date(d) => vec![(d, "完成时限".into())],
            Deadline::YearEnd => NaiveDate::from_ymd_opt(t.year, 12, 31)
                .map(|d| vec![(d, "完成时限".into())])
                .unwrap_or_default(),
            Deadline::Ongoing => Vec::new(),
            Deadline::Staged(c) => c.into_iter().map(|c| (c.date, c.title)).collect(),
        };
        for (date, what) in dates.into_iter().filter(|(d, _)| within(*d)) {
            out.push(DueSoon {
                code: t.code.to_string(),
                text: t.text.to_string(),
                date,
                what,
            });
        }
    }
    out.sort_by(|a, b| (a.date, &a.code).cmp(&(b.date, &b.code)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::schedule::Checkpoint;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, day).unwrap()
    }

    fn task(code: &'static str, deadline: Deadline) -> TaskDeadline<'static> {
        TaskDeadline {
            code,
            text: "任务",
            deadline,
            year: 2022,
        }
    }

    fn tasks() -> Vec<TaskDeadline<'static>> {
        let cp = |m, day, t: &str| Checkpoint {
            date: d(m, day),
            title: t.into(),
        };
        vec![
            task("1.1.1", Deadline::Date(d(10, 27))),
            task("1.1.2", Deadline::Date(d(10, 28))),
            task("1.1.3", Deadline::Date(d(10, 19))),
            task("1.1.4", Deadline::Ongoing),
            task(
                "1.1.5",
                Deadline::Staged(vec![cp(10, 20, "方案"), cp(11, 30, "验收")]),
            ),
            task("1.1.6", Deadline::YearEnd),
        ]
    }

    #[test]
    fn deadlines_and_checkpoints_from_today_to_seven_days_on() {
        let soon = due_within(tasks(), d(10, 20), DUE_SOON_DAYS);
        let got: Vec<(&str, &str)> = soon
            .iter()
            .map(|s| (s.code.as_str(), s.what.as_str()))
            .collect();
        // 10-20 is day 0 and 10-27 day 7: both in; 10-19 and 10-28 out.
        assert_eq!(got, [("1.1.5", "方案"), ("1.1.1", "完成时限")]);
        let year_end = due_within(tasks(), d(12, 24), DUE_SOON_DAYS);
        assert_eq!(year_end.len(), 1);
        assert_eq!(year_end[0].code, "1.1.6");
        assert!(due_within(tasks(), d(12, 23), DUE_SOON_DAYS).is_empty());
    }
}
