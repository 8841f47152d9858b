//! 我的任务 by urgency: a liaison's reports sorted into 被退回, 已逾期, 本期应报, 草稿 and 以后,
//! each task once with its periods under it. Pure: the reports owed come from
//! [`crate::rules::reporting::due_for_unit`], the period in focus from
//! [`crate::rules::schedule::focus_of_cycle`].

use crate::db::reports::ReportRow;
use crate::rules::reporting::Due;
use crate::rules::schedule::Period;
use crate::rules::vocabulary::ReviewState;
use chrono::NaiveDate;
use std::collections::HashMap;

/// How soon something wants doing, most urgent first; each report is in one bucket only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Urgency {
    /// 被退回: the office sent it back.
    Returned,
    /// 已逾期: its due date has passed and it is not in.
    Overdue,
    /// 本期应报: the period in focus, not yet due.
    DueNow,
    /// 草稿: begun, not submitted, not yet pressing.
    Draft,
    /// 以后: a later period.
    Later,
}

impl Urgency {
    pub const ALL: [Urgency; 5] = [
        Self::Returned,
        Self::Overdue,
        Self::DueNow,
        Self::Draft,
        Self::Later,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Returned => "被退回",
            Self::Overdue => "已逾期",
            Self::DueNow => "本期应报",
            Self::Draft => "草稿",
            Self::Later => "以后",
        }
    }

    /// The anchor of its section on `/my`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Returned => "returned",
            Self::Overdue => "overdue",
            Self::DueNow => "due",
            Self::Draft => "drafts",
            Self::Later => "later",
        }
    }
}

/// One period of one task to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodItem {
    /// `2022-Q3`, for links and forms.
    pub period: String,
    /// `2022年第三季度`, for reading.
    pub period_label: String,
    pub due: NaiveDate,
    /// The report begun, if any (a draft or a returned one).
    pub report_id: Option<i64>,
    /// The report's state in words, or 未填报.
    pub state: String,
    /// Why the office returned it.
    pub reason: Option<String>,
}

/// A task with the periods of one bucket under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskItems {
    pub code: String,
    pub text: String,
    pub periods: Vec<PeriodItem>,
}

/// One bucket: its tasks in plan order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub urgency: Urgency,
    pub tasks: Vec<TaskItems>,
}

impl Bucket {
    /// How many reports (task and period) the bucket holds.
    pub fn count(&self) -> usize {
        self.tasks.iter().map(|t| t.periods.len()).sum()
    }
}

/// A task's place in the plan and its text, by code.
pub type TaskIndex = HashMap<String, (i32, String)>;

/// Sorts what a unit owes (`due`) and the reports it has (`reports`) into the five buckets
/// (all five, empty ones included, most urgent first). `focus` is the key of the period in
/// focus. A returned report is 被退回 whatever its period; a draft of an overdue or in-focus
/// period is counted there, other drafts are 草稿.
pub fn group(
    due: &[Due],
    reports: &[ReportRow],
    focus: Option<&str>,
    tasks: &TaskIndex,
) -> Vec<Bucket> {
    let report_of = |code: &str, period: &str| {
        reports
            .iter()
            .find(|r| r.code == code && r.period == period)
    };
    let mut placed: Vec<(Urgency, String, PeriodItem)> = Vec::new();
    for d in due {
        let report = report_of(&d.code, &d.period);
        let urgency = match report.map(|r| r.review_state) {
            Some(ReviewState::Returned) => Urgency::Returned,
            _ if d.overdue => Urgency::Overdue,
            _ if Some(d.period.as_str()) == focus => Urgency::DueNow,
            Some(ReviewState::Draft) => Urgency::Draft,
            _ => Urgency::Later,
        };
        placed.push((
            urgency,
            d.code.clone(),
            PeriodItem {
                period: d.period.clone(),
                period_label: d.period_label.clone(),
                due: d.due,
                report_id: d.report_id,
                state: d.state.clone(),
                reason: report.and_then(|r| r.return_reason.clone()),
            },
        ));
    }
    // Returned reports and drafts the due list does not hold (a closed task's, say).
    for r in reports {
        let urgency = match r.review_state {
            ReviewState::Returned => Urgency::Returned,
            ReviewState::Draft => Urgency::Draft,
            _ => continue,
        };
        if due.iter().any(|d| d.code == r.code && d.period == r.period) {
            continue;
        }
        placed.push((
            urgency,
            r.code.clone(),
            PeriodItem {
                period: r.period.clone(),
                period_label: Period::parse(&r.period, 0)
                    .map_or_else(|| r.period.clone(), |(_, p)| p.label),
                due: r.due_on,
                report_id: Some(r.id),
                state: r.review_state.label().to_string(),
                reason: r.return_reason.clone(),
            },
        ));
    }
    let place = |code: &str| tasks.get(code).map_or(i32::MAX, |(p, _)| *p);
    placed
        .sort_by(|a, b| (a.0, place(&a.1), &a.1, a.2.due).cmp(&(b.0, place(&b.1), &b.1, b.2.due)));
    Urgency::ALL
        .into_iter()
        .map(|urgency| {
            let mut bucket = Bucket {
                urgency,
                tasks: Vec::new(),
            };
            for (_, code, item) in placed.iter().filter(|p| p.0 == urgency) {
                match bucket.tasks.last_mut() {
                    Some(t) if t.code == *code => t.periods.push(item.clone()),
                    _ => bucket.tasks.push(TaskItems {
                        code: code.clone(),
                        text: tasks.get(code).map(|(_, t)| t.clone()).unwrap_or_default(),
                        periods: vec![item.clone()],
                    }),
                }
            }
            bucket
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::vocabulary::{Assessment, ReportStatus};

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, day).unwrap()
    }

    fn due(code: &str, period: &str, due_on: NaiveDate, overdue: bool) -> Due {
        Due {
            code: code.into(),
            text: String::new(),
            period: period.into(),
            period_label: format!("label {period}"),
            due: due_on,
            overdue,
            report_id: None,
            state: "未填报".into(),
        }
    }

    fn report(id: i64, code: &str, period: &str, state: ReviewState) -> ReportRow {
        ReportRow {
            id,
            task_id: id,
            unit_id: 1,
            unit_name: "单位".into(),
            code: code.into(),
            plan_id: 1,
            period: period.into(),
            period_start: d(7, 1),
            period_end: d(9, 30),
            due_on: d(10, 10),
            version: 1,
            review_state: state,
            status: ReportStatus::InProgress,
            self_assessment: Assessment::OnTrack,
            office_assessment: None,
            work_done: String::new(),
            problems: String::new(),
            next_steps: String::new(),
            return_reason: (state == ReviewState::Returned).then(|| "请补充".into()),
            first_submitted_at: None,
            submitted_at: None,
            reviewed_at: None,
            accepted_at: None,
            updated_at: chrono::Utc::now(),
        }
    }

    fn index() -> TaskIndex {
        [("1.2.1", 1), ("1.10.1", 2), ("3.1.1", 3)]
            .into_iter()
            .map(|(c, p)| (c.to_string(), (p, format!("任务{c}"))))
            .collect()
    }

    fn codes(b: &Bucket) -> Vec<(&str, Vec<&str>)> {
        b.tasks
            .iter()
            .map(|t| {
                (
                    t.code.as_str(),
                    t.periods.iter().map(|p| p.period.as_str()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn each_report_lands_in_one_bucket_most_urgent_first() {
        let owed = [
            due("1.10.1", "2022-Q2", d(7, 10), true),
            due("1.2.1", "2022-Q2", d(7, 10), true),
            due("1.2.1", "2022-Q3", d(10, 10), true),
            due("3.1.1", "2022-Q3", d(10, 10), true),
            due("1.2.1", "2022-Q4", d(12, 31), false),
        ];
        let reports = [
            report(1, "3.1.1", "2022-Q3", ReviewState::Returned),
            report(2, "1.10.1", "2022-Q4", ReviewState::Draft),
        ];
        let b = group(&owed, &reports, Some("2022-Q3"), &index());
        assert_eq!(b.len(), 5);
        assert_eq!(codes(&b[0]), [("3.1.1", vec!["2022-Q3"])]);
        assert_eq!(b[0].tasks[0].periods[0].reason.as_deref(), Some("请补充"));
        // Plan order (1.2.1 before 1.10.1), each task once with its periods under it.
        assert_eq!(
            codes(&b[1]),
            [
                ("1.2.1", vec!["2022-Q2", "2022-Q3"]),
                ("1.10.1", vec!["2022-Q2"])
            ]
        );
        assert_eq!(b[1].count(), 3);
        assert!(b[2].tasks.is_empty(), "the period in focus is past due");
        assert_eq!(codes(&b[3]), [("1.10.1", vec!["2022-Q4"])]);
        assert_eq!(codes(&b[4]), [("1.2.1", vec!["2022-Q4"])]);
        assert_eq!(b[4].tasks[0].text, "任务1.2.1");
    }

    #[test]
    fn the_period_about_to_be_due_is_due_now_and_a_draft_there_too() {
        let owed = [
            due("1.2.1", "2022-Q3", d(10, 10), false),
            due("3.1.1", "2022-Q3", d(10, 10), false),
        ];
        let reports = [report(5, "3.1.1", "2022-Q3", ReviewState::Draft)];
        let b = group(&owed, &reports, Some("2022-Q3"), &index());
        assert_eq!(
            codes(&b[2]),
            [("1.2.1", vec!["2022-Q3"]), ("3.1.1", vec!["2022-Q3"])]
        );
        assert!(b[3].tasks.is_empty() && b[4].tasks.is_empty());
    }
}
