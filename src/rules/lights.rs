//! 红黄绿灯: the traffic light of each task and of each task-unit pair, computed from the
//! task's deadline, its staged checkpoints and the units' progress reports (进展情况).
//!
//! Every rule lives here, as pure functions over this module's own input types, with "today"
//! passed in so that the rules can be tested against fixed dates:
//!
//! - **grey** (灰灯) when the task is closed (办结); closed wins over everything.
//! - **red** (红灯) when the deadline has passed (today > end); when a checkpoint has passed
//!   (today > date) and is not met; when a period's report is missing past its due date
//!   (due < today and no submitted report); or when the latest accepted report says status
//!   `behind` or assessment `off_track` (the office's assessment when recorded, else the
//!   unit's own).
//! - **yellow** (黄灯) when the deadline, an unmet checkpoint or a report not yet submitted is
//!   due within [`WARNING_DAYS`] days (`0 <= due - today <= 14`); when a report is currently
//!   returned (退回) awaiting revision; or when the latest accepted report's assessment is
//!   `at_risk`.
//! - **green** (绿灯) otherwise.
//!
//! A report counts as submitted when it is in the `submitted` state (first submission or
//! resubmission after a return) or `accepted`; a draft or a report currently returned does
//! not. A checkpoint is met when the pair (for the task light: any of the task's units) has
//! an accepted report for a period ending on or after the checkpoint date, i.e. a period that
//! contains the date or ends after it.
//!
//! The task light is the worst of the task-level deadline rule (checkpoints met by any unit)
//! and each unit's pair light; a task with no units yet is judged by its deadline alone.
//! Reasons are Chinese display text, most severe first.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use std::fmt;

pub use crate::rules::vocabulary::{Assessment, ReportStatus, ReviewState};

/// How many days ahead a deadline or a due report turns the light yellow.
pub const WARNING_DAYS: i64 = 14;

/// A traffic light. The derived order `Green < Yellow < Red < Grey` is the "worst of" order:
/// grey (closed) wins over everything, then red, then yellow.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
#[schema(
    description = "红黄绿灯: `grey` closed, `red` overdue or behind, `yellow` due soon or at risk, `green` on track."
)]
pub enum Light {
    Green,
    Yellow,
    Red,
    Grey,
}

impl Light {
    pub const ALL: [Light; 4] = [Light::Green, Light::Yellow, Light::Red, Light::Grey];

    pub fn as_str(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
            Light::Grey => "grey",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Light::Green => "绿灯",
            Light::Yellow => "黄灯",
            Light::Red => "红灯",
            Light::Grey => "灰灯",
        }
    }

    pub fn parse(s: &str) -> Option<Light> {
        match s.trim() {
            "green" => Some(Light::Green),
            "yellow" => Some(Light::Yellow),
            "red" => Some(Light::Red),
            "grey" | "gray" => Some(Light::Grey),
            _ => None,
        }
    }

    /// 0 for green up to 3 for grey; higher is worse.
    pub fn severity(self) -> u8 {
        match self {
            Light::Green => 0,
            Light::Yellow => 1,
            Light::Red => 2,
            Light::Grey => 3,
        }
    }

    /// The worse of two lights (grey > red > yellow > green).
    pub fn worst(self, other: Light) -> Light {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }
}

impl fmt::Display for Light {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reporting period of a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodInfo {
    /// `2022-Q2`.
    pub key: String,
    /// `2022年第二季度`.
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub due: NaiveDate,
}

/// One progress report of a unit on a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInfo {
    /// The period key, e.g. `2022-Q2`.
    pub period: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub state: ReviewState,
    pub status: ReportStatus,
    pub self_assessment: Assessment,
    pub office_assessment: Option<Assessment>,
    /// ever submitted (first_submitted_at set)
    pub ever_submitted: bool,
    pub accepted_at: Option<DateTime<Utc>>,
}

impl ReportInfo {
    /// The office's assessment when it recorded one, else the unit's own.
    pub fn effective_assessment(&self) -> Assessment {
        self.office_assessment.unwrap_or(self.self_assessment)
    }
}

/// A checkpoint (节点) of a staged deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointInfo {
    pub date: NaiveDate,
    pub title: String,
}

/// What the lights of a task are computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFacts {
    pub closed: bool,
    pub deadline_end: Option<NaiveDate>,
    pub checkpoints: Vec<CheckpointInfo>,
    /// the periods this task reports in (empty when no periodic report)
    pub periods: Vec<PeriodInfo>,
    pub units: Vec<UnitFacts>,
}

/// One unit (lead or co) of a task, with its reports on the task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFacts {
    pub unit_id: i64,
    pub unit: String,
    pub reports: Vec<ReportInfo>,
    /// The periods this unit owes (`rules::obligations`: none that ended before it was
    /// assigned); `None`: all the task's periods.
    pub owes: Option<Vec<PeriodInfo>>,
    /// 申诉: the unit contests its assignment and the office has not decided yet.
    pub contested: bool,
    /// 任务分解: the milestones this unit owns on the task.
    pub milestones: Vec<MilestoneInfo>,
}

/// A milestone (里程碑) of a unit on a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneInfo {
    pub output: String,
    pub due: NaiveDate,
    pub done: bool,
}

/// Why a contested assignment makes the task at least yellow: who does what is in doubt.
pub const CONTESTED: &str = "对分工提出申诉，待办公室决定";

/// A light and its reasons (Chinese display text, most severe first; empty when green).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Judgement {
    pub light: Light,
    pub reasons: Vec<String>,
}

/// The light of one task-unit pair: the task's deadline and checkpoints (met by this unit's
/// accepted reports), this unit's reports per period, and its latest accepted report.
pub fn judge_unit(task: &TaskFacts, unit: &UnitFacts, today: NaiveDate) -> Judgement {
    if task.closed {
        return closed();
    }
    let mut findings = deadline_findings(task, today, |date| checkpoint_met(unit, date));
    findings.extend(report_findings(task, unit, today));
    findings.extend(milestone_findings(unit, today));
    if unit.contested {
        findings.push(Finding {
            light: Light::Yellow,
            text: CONTESTED.into(),
        });
    }
    conclude(findings)
}

/// The light of a task: the worst of its deadline rule (checkpoints met by any unit) and each
/// unit's pair light. Unit reasons are prefixed with the unit name (`公安部：…`); those that
/// repeat a task-level reason (e.g. the deadline) are not listed again.
pub fn judge_task(task: &TaskFacts, today: NaiveDate) -> Judgement {
    if task.closed {
        return closed();
    }
    let mut findings = deadline_findings(task, today, |date| {
        task.units.iter().any(|u| checkpoint_met(u, date))
    });
    let task_level: Vec<String> = findings.iter().map(|f| f.text.clone()).collect();
    for unit in &task.units {
        let mut unit_findings = deadline_findings(task, today, |date| checkpoint_met(unit, date));
        unit_findings.extend(report_findings(task, unit, today));
        unit_findings.extend(milestone_findings(unit, today));
        if unit.contested {
            unit_findings.push(Finding {
                light: Light::Yellow,
                text: CONTESTED.into(),
            });
        }
        for f in unit_findings {
            if task_level.contains(&f.text) {
                continue;
            }
            findings.push(Finding {
                light: f.light,
                text: format!("{}：{}", unit.unit, f.text),
            });
        }
    }
    conclude(findings)
}

/// The units of a task with a report never submitted past its due date (未报送), in the
/// task's order; a returned report is not counted here.
pub fn units_missing_reports(task: &TaskFacts, today: NaiveDate) -> Vec<i64> {
    if task.closed {
        return Vec::new();
    }
    task.units
        .iter()
        .filter(|u| {
            task.periods.iter().any(|p| {
                p.due < today
                    && !u
                        .reports
                        .iter()
                        .any(|r| r.period == p.key && r.state.counts_as_submitted())
                    && !u
                        .reports
                        .iter()
                        .any(|r| r.period == p.key && r.state == ReviewState::Returned)
            })
        })
        .map(|u| u.unit_id)
        .collect()
}

/// The task's light were its missing reports (未报送 past due) not counted: tells a task red
/// only because reports are missing from one that is red for its work. The light rule itself
/// is [`judge_task`].
pub fn light_apart_from_missing_reports(task: &TaskFacts, today: NaiveDate) -> Light {
    if task.closed {
        return Light::Grey;
    }
    let mut findings = deadline_findings(task, today, |date| {
        task.units.iter().any(|u| checkpoint_met(u, date))
    });
    for unit in &task.units {
        findings.extend(deadline_findings(task, today, |date| {
            checkpoint_met(unit, date)
        }));
        findings.extend(report_findings_counting(task, unit, today, false));
        findings.extend(milestone_findings(unit, today));
    }
    conclude(findings).light
}

/// Which state a unit's report for a period is in, for compliance grids: missing before due is "pending".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Punctuality {
    /// Not submitted, not yet due (due today counts as not yet due).
    Pending,
    /// First submitted on or before the due date.
    OnTime,
    /// First submitted after the due date.
    Late,
    /// Never submitted, and the due date has passed.
    Missing,
    /// Currently returned to the unit, awaiting revision.
    Returned,
}

impl Punctuality {
    pub const ALL: [Punctuality; 5] = [
        Punctuality::Pending,
        Punctuality::OnTime,
        Punctuality::Late,
        Punctuality::Missing,
        Punctuality::Returned,
    ];

    pub fn parse(s: &str) -> Option<Punctuality> {
        Self::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Punctuality::Pending => "pending",
            Punctuality::OnTime => "on_time",
            Punctuality::Late => "late",
            Punctuality::Missing => "missing",
            Punctuality::Returned => "returned",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Punctuality::Pending => "待报送",
            Punctuality::OnTime => "按时报送",
            Punctuality::Late => "逾期报送",
            Punctuality::Missing => "未报送",
            Punctuality::Returned => "已退回",
        }
    }
}

/// The punctuality of a unit's report for `period`. `first_submitted_on` is the day the report
/// was first submitted; a report that was ever submitted but whose day is not given is taken
/// as on time. A currently returned report is `Returned` whatever its dates.
pub fn punctuality(
    period: &PeriodInfo,
    report: Option<&ReportInfo>,
    first_submitted_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Punctuality {
    if report.is_some_and(|r| r.state == ReviewState::Returned) {
        return Punctuality::Returned;
    }
    match first_submitted_on {
        Some(day) if day <= period.due => Punctuality::OnTime,
        Some(_) => Punctuality::Late,
        None if report.is_some_and(|r| r.ever_submitted || r.state.counts_as_submitted()) => {
            Punctuality::OnTime
        }
        None if period.due < today => Punctuality::Missing,
        None => Punctuality::Pending,
    }
}

/// One red or yellow finding, before ordering.
struct Finding {
    light: Light,
    text: String,
}

impl Finding {
    fn red(text: String) -> Finding {
        Finding {
            light: Light::Red,
            text,
        }
    }

    fn yellow(text: String) -> Finding {
        Finding {
            light: Light::Yellow,
            text,
        }
    }
}

fn closed() -> Judgement {
    Judgement {
        light: Light::Grey,
        reasons: vec!["任务已办结".to_string()],
    }
}

/// The worst finding's light (green when none) and the reasons, most severe first, in the
/// order found within one severity, without repeats.
fn conclude(mut findings: Vec<Finding>) -> Judgement {
    let light = findings
        .iter()
        .fold(Light::Green, |light, f| light.worst(f.light));
    findings.sort_by_key(|f| std::cmp::Reverse(f.light.severity()));
    let mut reasons: Vec<String> = Vec::with_capacity(findings.len());
    for f in findings {
        if !reasons.contains(&f.text) {
            reasons.push(f.text);
        }
    }
    Judgement { light, reasons }
}

/// `2022年7月10日`.
fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `（还有 3 天）`, or `（今天）`.
fn days_left(days: i64) -> String {
    if days == 0 {
        "（今天）".to_string()
    } else {
        format!("（还有 {days} 天）")
    }
}

/// Whether `due` is within the warning window: `0 <= due - today <= 14`.
fn due_soon(due: NaiveDate, today: NaiveDate) -> Option<i64> {
    let days = (due - today).num_days();
    (0..=WARNING_DAYS).contains(&days).then_some(days)
}

/// A checkpoint is met by an accepted report for a period that contains its date or ends
/// after it.
fn checkpoint_met(unit: &UnitFacts, date: NaiveDate) -> bool {
    unit.reports
        .iter()
        .any(|r| r.state == ReviewState::Accepted && r.period_end >= date)
}

/// The deadline rule: the end date, then each checkpoint by date. `met` says whether a
/// checkpoint date is met. The task is known not to be closed.
fn deadline_findings(
    task: &TaskFacts,
    today: NaiveDate,
    met: impl Fn(NaiveDate) -> bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(end) = task.deadline_end {
        if today > end {
            findings.push(Finding::red(format!(
                "已逾期：办理时限 {}已过",
                cn_date(end)
            )));
        } else if let Some(days) = due_soon(end, today) {
            findings.push(Finding::yellow(format!(
                "办理时限 {}即将到期{}",
                cn_date(end),
                days_left(days)
            )));
        }
    }
    let mut checkpoints: Vec<&CheckpointInfo> = task.checkpoints.iter().collect();
    checkpoints.sort_by_key(|c| c.date);
    for c in checkpoints {
        let name = if c.title.trim().is_empty() {
            format!("节点（{}）", cn_date(c.date))
        } else {
            format!("节点“{}”（{}）", c.title.trim(), cn_date(c.date))
        };
        if today > c.date {
            if !met(c.date) {
                findings.push(Finding::red(format!("{name}已过")));
            }
        } else if let Some(days) = due_soon(c.date, today)
            && !met(c.date)
        {
            findings.push(Finding::yellow(format!(
                "{name}即将到期{}",
                days_left(days)
            )));
        }
    }
    findings
}

/// The milestone rule, as the checkpoint rule: an open milestone past its date is red, one due
/// within the warning window yellow.
fn milestone_findings(unit: &UnitFacts, today: NaiveDate) -> Vec<Finding> {
    let mut open: Vec<&MilestoneInfo> = unit.milestones.iter().filter(|m| !m.done).collect();
    open.sort_by_key(|m| m.due);
    let mut findings = Vec::new();
    for m in open {
        let name = format!("里程碑“{}”（{}）", m.output.trim(), cn_date(m.due));
        if today > m.due {
            findings.push(Finding::red(format!("{name}已过，尚未完成")));
        } else if let Some(days) = due_soon(m.due, today) {
            findings.push(Finding::yellow(format!(
                "{name}即将到期{}",
                days_left(days)
            )));
        }
    }
    findings
}

/// The report rules for one unit: each period's report (missing past due, or due soon), each
/// currently returned report, and the latest accepted report's status and assessment.
fn report_findings(task: &TaskFacts, unit: &UnitFacts, today: NaiveDate) -> Vec<Finding> {
    report_findings_counting(task, unit, today, true)
}

/// [`report_findings`]; with `count_missing` false, reports never submitted past their due
/// date are left out (to tell how much of a light comes from them alone).
fn report_findings_counting(
    task: &TaskFacts,
    unit: &UnitFacts,
    today: NaiveDate,
    count_missing: bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let returned = |key: &str| {
        unit.reports
            .iter()
            .any(|r| r.period == key && r.state == ReviewState::Returned)
    };
    for p in unit.owes.as_ref().unwrap_or(&task.periods) {
        let submitted = unit
            .reports
            .iter()
            .any(|r| r.period == p.key && r.state.counts_as_submitted());
        if submitted {
            continue;
        }
        // One state per unit and period: a returned report is “被退回，待修改”, never also
        // “未报送”; past its due date it is still red, as a report not submitted.
        if returned(&p.key) {
            findings.push(if p.due < today {
                Finding::red(format!(
                    "{}进展情况被退回，待修改（应于 {}前报送）",
                    p.label,
                    cn_date(p.due)
                ))
            } else {
                Finding::yellow(format!("{}进展情况被退回，待修改", p.label))
            });
        } else if p.due < today {
            if count_missing {
                findings.push(Finding::red(format!(
                    "{}进展情况未报送（应于 {}前）",
                    p.label,
                    cn_date(p.due)
                )));
            }
        } else if let Some(days) = due_soon(p.due, today) {
            findings.push(Finding::yellow(format!(
                "{}进展情况将于 {}到期{}",
                p.label,
                cn_date(p.due),
                days_left(days)
            )));
        }
    }
    // A returned report of a period the task no longer lists is still flagged, once.
    for r in unit.reports.iter().filter(|r| {
        r.state == ReviewState::Returned && !task.periods.iter().any(|p| p.key == r.period)
    }) {
        findings.push(Finding::yellow(format!(
            "{}进展情况被退回，待修改",
            crate::rules::schedule::period_label(&r.period)
        )));
    }
    let latest = unit
        .reports
        .iter()
        .filter(|r| r.state == ReviewState::Accepted)
        .max_by_key(|r| (r.period_end, r.accepted_at));
    if let Some(r) = latest {
        if r.status == ReportStatus::Behind {
            findings.push(Finding::red(format!(
                "最新采纳的报告为“{}”",
                ReportStatus::Behind.label()
            )));
        }
        let (assessment, by) = match r.office_assessment {
            Some(a) => (a, "办公室评估"),
            None => (r.self_assessment, "自评"),
        };
        match assessment {
            Assessment::OffTrack => findings.push(Finding::red(format!(
                "最新采纳的报告{by}为“{}”",
                assessment.label()
            ))),
            Assessment::AtRisk => findings.push(Finding::yellow(format!(
                "最新采纳的报告{by}为“{}”",
                assessment.label()
            ))),
            Assessment::OnTrack => {}
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn q(n: u32) -> PeriodInfo {
        let (start, end, due) = match n {
            1 => (d(2022, 1, 1), d(2022, 3, 31), d(2022, 4, 10)),
            2 => (d(2022, 4, 1), d(2022, 6, 30), d(2022, 7, 10)),
            3 => (d(2022, 7, 1), d(2022, 9, 30), d(2022, 10, 10)),
            _ => (d(2022, 10, 1), d(2022, 12, 31), d(2023, 1, 10)),
        };
        let names = ["一", "二", "三", "四"];
        PeriodInfo {
            key: format!("2022-Q{n}"),
            label: format!("2022年第{}季度", names[(n - 1) as usize]),
            start,
            end,
            due,
        }
    }

    fn report(n: u32, state: ReviewState) -> ReportInfo {
        let p = q(n);
        ReportInfo {
            period: p.key,
            period_start: p.start,
            period_end: p.end,
            state,
            status: ReportStatus::InProgress,
            self_assessment: Assessment::OnTrack,
            office_assessment: None,
            ever_submitted: state != ReviewState::Draft,
            accepted_at: (state == ReviewState::Accepted)
                .then(|| Utc.with_ymd_and_hms(2022, 7, 20, 9, 0, 0).unwrap()),
        }
    }

    fn accepted(
        n: u32,
        status: ReportStatus,
        own: Assessment,
        office: Option<Assessment>,
    ) -> ReportInfo {
        ReportInfo {
            status,
            self_assessment: own,
            office_assessment: office,
            ..report(n, ReviewState::Accepted)
        }
    }

    fn unit(id: i64, name: &str, reports: Vec<ReportInfo>) -> UnitFacts {
        UnitFacts {
            milestones: Vec::new(),
            owes: None,
            contested: false,
            unit_id: id,
            unit: name.to_string(),
            reports,
        }
    }

    #[test]
    fn a_contested_assignment_is_at_least_yellow() {
        let today = NaiveDate::from_ymd_opt(2022, 3, 1).unwrap();
        let mut t = task(None, Vec::new());
        t.units = vec![
            unit(1, "公安部", Vec::new()),
            unit(2, "海关总署", Vec::new()),
        ];
        assert_eq!(judge_task(&t, today).light, Light::Green);
        t.units[1].contested = true;
        let j = judge_task(&t, today);
        assert_eq!(j.light, Light::Yellow);
        assert_eq!(j.reasons, vec![format!("海关总署：{CONTESTED}")]);
        // Never lighter than a red it has anyway; a closed task is grey.
        t.closed = true;
        assert_eq!(judge_task(&t, today).light, Light::Grey);
    }

    fn task(deadline_end: Option<NaiveDate>, periods: Vec<PeriodInfo>) -> TaskFacts {
        TaskFacts {
            closed: false,
            deadline_end,
            checkpoints: Vec::new(),
            periods,
            units: Vec::new(),
        }
    }

    fn checkpoint(date: NaiveDate, title: &str) -> CheckpointInfo {
        CheckpointInfo {
            date,
            title: title.to_string(),
        }
    }

    /// Judges the task's only unit.
    fn judge_only(t: &TaskFacts, today: NaiveDate) -> Judgement {
        judge_unit(t, &t.units[0], today)
    }

    // ---- Light ----

    #[test]
    fn light_names_round_trip() {
        for l in Light::ALL {
            assert_eq!(Light::parse(l.as_str()), Some(l));
            assert_eq!(l.to_string(), l.as_str());
        }
        assert_eq!(Light::parse("gray"), Some(Light::Grey));
        assert_eq!(Light::parse("purple"), None);
        assert_eq!(Light::Green.label(), "绿灯");
        assert_eq!(Light::Yellow.label(), "黄灯");
        assert_eq!(Light::Red.label(), "红灯");
        assert_eq!(Light::Grey.label(), "灰灯");
        assert_eq!(serde_json::to_string(&Light::Yellow).unwrap(), "\"yellow\"");
    }

    #[test]
    fn worst_orders_grey_red_yellow_green() {
        assert_eq!(Light::Green.worst(Light::Yellow), Light::Yellow);
        assert_eq!(Light::Red.worst(Light::Yellow), Light::Red);
        assert_eq!(Light::Yellow.worst(Light::Red), Light::Red);
        assert_eq!(Light::Red.worst(Light::Grey), Light::Grey);
        assert_eq!(Light::Green.worst(Light::Green), Light::Green);
        let mut all = Light::ALL;
        all.reverse();
        all.sort();
        assert_eq!(all, Light::ALL);
        assert!(
            Light::ALL
                .windows(2)
                .all(|w| w[0].severity() < w[1].severity())
        );
    }

    // ---- closed ----

    #[test]
    fn closed_is_grey_even_when_overdue() {
        let mut t = task(Some(d(2022, 3, 31)), vec![q(1), q(2)]);
        t.checkpoints.push(checkpoint(d(2022, 2, 1), "完成调研"));
        t.units.push(unit(
            1,
            "公安部",
            vec![accepted(
                1,
                ReportStatus::Behind,
                Assessment::OffTrack,
                None,
            )],
        ));
        t.closed = true;
        let today = d(2022, 12, 1);
        let unit_j = judge_only(&t, today);
        assert_eq!(unit_j.light, Light::Grey);
        assert_eq!(unit_j.reasons, vec!["任务已办结"]);
        assert_eq!(judge_task(&t, today).light, Light::Grey);
        t.units.clear();
        assert_eq!(judge_task(&t, today).light, Light::Grey);
    }

    // ---- deadline ----

    #[test]
    fn deadline_passed_is_red() {
        let t = task(Some(d(2022, 10, 31)), vec![]);
        let j = judge_task(&t, d(2022, 11, 1));
        assert_eq!(j.light, Light::Red);
        assert_eq!(j.reasons, vec!["已逾期：办理时限 2022年10月31日已过"]);
    }

    #[test]
    fn deadline_today_is_yellow_not_red() {
        let t = task(Some(d(2022, 10, 31)), vec![]);
        let j = judge_task(&t, d(2022, 10, 31));
        assert_eq!(j.light, Light::Yellow);
        assert_eq!(j.reasons, vec!["办理时限 2022年10月31日即将到期（今天）"]);
    }

    #[test]
    fn deadline_in_14_days_is_yellow_in_15_green() {
        let t = task(Some(d(2022, 10, 31)), vec![]);
        let j = judge_task(&t, d(2022, 10, 17));
        assert_eq!(j.light, Light::Yellow);
        assert_eq!(
            j.reasons,
            vec!["办理时限 2022年10月31日即将到期（还有 14 天）"]
        );
        let j = judge_task(&t, d(2022, 10, 16));
        assert_eq!(j.light, Light::Green);
        assert!(j.reasons.is_empty());
    }

    #[test]
    fn deadline_applies_to_the_pair_light_too() {
        let mut t = task(Some(d(2022, 10, 31)), vec![]);
        t.units.push(unit(1, "公安部", vec![]));
        let j = judge_only(&t, d(2022, 11, 1));
        assert_eq!(j.light, Light::Red);
        assert_eq!(j.reasons, vec!["已逾期：办理时限 2022年10月31日已过"]);
        // The task lists the deadline once, not again under the unit.
        let j = judge_task(&t, d(2022, 11, 1));
        assert_eq!(j.reasons, vec!["已逾期：办理时限 2022年10月31日已过"]);
    }

    // ---- reports ----

    #[test]
    fn missing_report_past_due_is_red() {
        let mut t = task(None, vec![q(1), q(2), q(3)]);
        t.units
            .push(unit(1, "公安部", vec![report(1, ReviewState::Submitted)]));
        let j = judge_only(&t, d(2022, 7, 11));
        assert_eq!(j.light, Light::Red);
        assert_eq!(
            j.reasons,
            vec!["2022年第二季度进展情况未报送（应于 2022年7月10日前）"]
        );
    }

    #[test]
    fn report_due_today_is_yellow_not_red() {
        let mut t = task(None, vec![q(2)]);
        t.units.push(unit(1, "公安部", vec![]));
        let j = judge_only(&t, d(2022, 7, 10));
        assert_eq!(j.light, Light::Yellow);
        assert_eq!(
            j.reasons,
            vec!["2022年第二季度进展情况将于 2022年7月10日到期（今天）"]
        );
    }

    #[test]
    fn report_due_in_10_days_unsubmitted_is_yellow() {
        let mut t = task(None, vec![q(3)]);
        t.units.push(unit(1, "公安部", vec![]));
        let j = judge_only(&t, d(2022, 9, 30));
        assert_eq!(j.light, Light::Yellow);
        assert_eq!(
            j.reasons,
            vec!["2022年第三季度进展情况将于 2022年10月10日到期（还有 10 天）"]
        );
        // 15 days ahead: not yet.
        assert_eq!(judge_only(&t, d(2022, 9, 25)).light, Light::Green);
        // 14 days ahead: yellow.
        assert_eq!(judge_only(&t, d(2022, 9, 26)).light, Light::Yellow);
    }

    #[test]
    fn submitted_before_due_is_green() {
        let mut t = task(None, vec![q(3)]);
        t.units
            .push(unit(1, "公安部", vec![report(3, ReviewState::Submitted)]));
        let j = judge_only(&t, d(2022, 10, 5));
        assert_eq!(j.light, Light::Green);
        assert!(j.reasons.is_empty());
        // Still green after the due date.
        assert_eq!(judge_only(&t, d(2022, 10, 20)).light, Light::Green);
    }

    #[test]
    fn accepted_counts_as_submitted() {
        let mut t = task(None, vec![q(1), q(2)]);
        t.units.push(unit(
            1,
            "公安部",
            vec![
                report(1, ReviewState::Accepted),
                report(2, ReviewState::Accepted),
            ],
        ));
        assert_eq!(judge_only(&t, d(2022, 8, 1)).light, Light::Green);
    }

    #[test]
    fn draft_only_past_due_is_red() {
        let mut t = task(None, vec![q(2)]);
        t.units
            .push(unit(1, "公安部", vec![report(2, ReviewState::Draft)]));
        let j = judge_only(&t, d(2022, 7, 11));
        assert_eq!(j.light, Light::Red);
        assert_eq!(
            j.reasons,
            vec!["2022年第二季度进展情况未报送（应于 2022年7月10日前）"]
        );
    }

    #[test]
    fn returned_is_yellow_before_due() {
        let mut t = task(None, vec![q(3)]);
        t.units
            .push(unit(1, "公安部", vec![report(3, ReviewState::Returned)]));
        // 20 days before due: only the return is flagged.
        let j = judge_only(&t, d(2022, 9, 20));
        assert_eq!(j.light, Light::Yellow);
        assert_eq!(j.reasons, vec!["2022年第三季度进展情况被退回，待修改"]);
    }

    #[test]
    fn returned_past_due_is_red() {
        let mut t = task(None, vec![q(2)]);
        t.units
            .push(unit(1, "公安部", vec![report(2, ReviewState::Returned)]));
        let j = judge_only(&t, d(2022, 7, 20));
        assert_eq!(j.light, Light::Red);
        assert_eq!(
            j.reasons,
            vec!["2022年第二季度进展情况被退回，待修改（应于 2022年7月10日前报送）"]
        );
    }

    #[test]
    fn resubmitted_after_return_counts_as_submitted() {
        let mut t = task(None, vec![q(2)]);
        // Returned, then resubmitted: the state is submitted again.
        t.units
            .push(unit(1, "公安部", vec![report(2, ReviewState::Submitted)]));
        assert_eq!(judge_only(&t, d(2022, 7, 20)).light, Light::Green);
    }

    #[test]
    fn reports_of_other_periods_do_not_count() {
        let mut t = task(None, vec![q(1), q(2)]);
        t.units
            .push(unit(1, "公安部", vec![report(2, ReviewState::Submitted)]));
        let j = judge_only(&t, d(2022, 7, 20));
        assert_eq!(j.light, Light::Red);
        assert_eq!(
            j.reasons,
            vec!["2022年第一季度进展情况未报送（应于 2022年4月10日前）"]
        );
    }

    // ---- latest accepted report ----

    #[test]
    fn latest_accepted_behind_is_red() {
        let mut t = task(None, vec![q(1)]);
        t.units.push(unit(
            1,
            "公安部",
            vec![accepted(1, ReportStatus::Behind, Assessment::OnTrack, None)],
        ));
        let j = judge_only(&t, d(2022, 5, 1));
        assert_eq!(j.light, Light::Red);
        assert_eq!(j.reasons, vec!["最新采纳的报告为“滞后”"]);
    }

    #[test]
    fn only_the_latest_accepted_report_counts() {
        let mut t = task(None, vec![q(1), q(2)]);
        // An older "behind" report superseded by a later on-track one: green.
        t.units.push(unit(
            1,
            "公安部",
            vec![
                accepted(2, ReportStatus::InProgress, Assessment::OnTrack, None),
                accepted(1, ReportStatus::Behind, Assessment::OffTrack, None),
            ],
        ));
        assert_eq!(judge_only(&t, d(2022, 8, 1)).light, Light::Green);
        // A later submitted-but-unaccepted report does not supersede the accepted one.
        let mut t = task(None, vec![q(1), q(2)]);
        t.units.push(unit(
            1,
            "公安部",
            vec![
                accepted(1, ReportStatus::Behind, Assessment::OnTrack, None),
                report(2, ReviewState::Submitted),
            ],
        ));
        assert_eq!(judge_only(&t, d(2022, 8, 1)).light, Light::Red);
    }

    #[test]
    fn same_period_end_ties_go_to_the_later_acceptance() {
        let later = Utc.with_ymd_and_hms(2022, 7, 25, 9, 0, 0).unwrap();
        let earlier = Utc.with_ymd_and_hms(2022, 7, 21, 9, 0, 0).unwrap();
        let behind = ReportInfo {
            accepted_at: Some(earlier),
            ..accepted(2, ReportStatus::Behind, Assessment::OnTrack, None)
        };
        let fine = ReportInfo {
            accepted_at: Some(later),
            ..accepted(2, ReportStatus::InProgress, Assessment::OnTrack, None)
        };
        let mut t = task(None, vec![q(2)]);
        t.units
            .push(unit(1, "公安部", vec![fine.clone(), behind.clone()]));
        assert_eq!(judge_only(&t, d(2022, 8, 1)).light, Light::Green);
        let swapped = vec![
            ReportInfo {
                accepted_at: Some(later),
                ..behind
            },
            ReportInfo {
                accepted_at: Some(earlier),
                ..fine
            },
        ];
        t.units[0].reports = swapped;
        assert_eq!(judge_only(&t, d(2022, 8, 1)).light, Light::Red);
    }

    #[test]
    fn office_off_track_overrides_self_on_track() {
        let mut t = task(None, vec![q(1)]);
        t.units.push(unit(
            1,
            "公安部",
            vec![accepted(
                1,
                ReportStatus::InProgress,
                Assessment::OnTrack,
                Some(Assessment::OffTrack),
            )],
        ));
        let j = judge_only(&t, d(2022, 5, 1));
        assert_eq!(j.light, Light::Red);
        assert_eq!(j.reasons, vec!["最新采纳的报告办公室评估为“严重滞后”"]);
    }

    #[test]
    fn office_on_track_overrides_self_off_track() {
        let mut t = task(None, vec![q(1)]);
        t.units.push(unit(
            1,
            "公安部",
            vec![accepted(
                1,
                ReportStatus::InProgress,
                Assessment::OffTrack,
                Some(Assessment::OnTrack),
            )],
        ));
        let j = judge_only(&t, d(2022, 5, 1));
        assert_eq!(j.light, Light::Green);
        assert!(j.reasons.is_empty());
    }

    #[test]
    fn self_off_track_without_office_is_red() {
        let mut t = task(None, vec![q(1)]);
        t.units.push(unit(
            1,
            "公安部",
            vec![accepted(
                1,
                ReportStatus::InProgress,
                Assessment::OffTrack,
                None,
            )],
        ));
        let j = judge_only(&t, d(2022, 5, 1));
        assert_eq!(j.light, Light::Red);
        assert_eq!(j.reasons, vec!["最新采纳的报告自评为“严重滞后”"]);
    }

    #[test]
    fn at_risk_is_yellow() {
        let mut t = task(None, vec![q(1)]);
        t.units.push(unit(
            1,
            "公安部",
            vec![accepted(
                1,
                ReportStatus::InProgress,
                Assessment::AtRisk,
                None,
            )],
        ));
        let j = judge_only(&t, d(2022, 5, 1));
        assert_eq!(j.light, Light::Yellow);
        assert_eq!(j.reasons, vec!["最新采纳的报告自评为“存在风险”"]);
        // The office's at_risk overrides the unit's on_track.
        t.units[0].reports = vec![accepted(
            1,
            ReportStatus::InProgress,
            Assessment::OnTrack,
            Some(Assessment::AtRisk),
        )];
        let j = judge_only(&t, d(2022, 5, 1));
        assert_eq!(j.light, Light::Yellow);
        assert_eq!(j.reasons, vec!["最新采纳的报告办公室评估为“存在风险”"]);
        // The office's on_track clears the unit's at_risk.
        t.units[0].reports = vec![accepted(
            1,
            ReportStatus::InProgress,
            Assessment::AtRisk,
            Some(Assessment::OnTrack),
        )];
        assert_eq!(judge_only(&t, d(2022, 5, 1)).light, Light::Green);
    }

    // ---- milestones ----

    #[test]
    fn an_open_milestone_past_its_date_is_red_and_one_due_soon_yellow() {
        let mut t = task(None, vec![]);
        let mut u = unit(1, "公安部", vec![]);
        u.milestones.push(MilestoneInfo {
            output: "完成调研".into(),
            due: d(2022, 6, 30),
            done: false,
        });
        t.units.push(u.clone());
        let j = judge_task(&t, d(2022, 7, 5));
        assert_eq!(j.light, Light::Red);
        assert!(
            j.reasons
                .iter()
                .any(|r| r == "公安部：里程碑“完成调研”（2022年6月30日）已过，尚未完成"),
            "{j:?}"
        );
        assert_eq!(judge_unit(&t, &u, d(2022, 6, 25)).light, Light::Yellow);
        // Done: nothing to say.
        t.units[0].milestones[0].done = true;
        assert_eq!(judge_task(&t, d(2022, 7, 5)).light, Light::Green);
    }

    // ---- checkpoints ----

    #[test]
    fn checkpoint_passed_unmet_is_red() {
        let mut t = task(Some(d(2022, 12, 31)), vec![]);
        t.checkpoints.push(checkpoint(d(2022, 6, 30), "完成调研"));
        t.units.push(unit(1, "公安部", vec![]));
        let j = judge_only(&t, d(2022, 7, 1));
        assert_eq!(j.light, Light::Red);
        assert_eq!(j.reasons, vec!["节点“完成调研”（2022年6月30日）已过"]);
        // On the day itself: yellow, not red.
        let j = judge_only(&t, d(2022, 6, 30));
        assert_eq!(j.light, Light::Yellow);
        assert_eq!(
            j.reasons,
            vec!["节点“完成调研”（2022年6月30日）即将到期（今天）"]
        );
        // 15 days ahead: green.
        assert_eq!(judge_only(&t, d(2022, 6, 15)).light, Light::Green);
        assert_eq!(judge_only(&t, d(2022, 6, 16)).light, Light::Yellow);
    }

    #[test]
    fn checkpoint_met_by_accepted_report_covering_it_is_green() {
        let mut t = task(Some(d(2022, 12, 31)), vec![]);
        t.checkpoints.push(checkpoint(d(2022, 5, 15), "完成调研"));
        // Q2 (April–June) contains 15 May.
        t.units
            .push(unit(1, "公安部", vec![report(2, ReviewState::Accepted)]));
        let j = judge_only(&t, d(2022, 7, 20));
        assert_eq!(j.light, Light::Green);
        assert!(j.reasons.is_empty());
        // A period ending on the checkpoint day covers it too.
        t.checkpoints = vec![checkpoint(d(2022, 6, 30), "完成调研")];
        assert_eq!(judge_only(&t, d(2022, 7, 20)).light, Light::Green);
    }

    #[test]
    fn checkpoint_met_by_report_ending_after_it() {
        let mut t = task(Some(d(2022, 12, 31)), vec![]);
        t.checkpoints.push(checkpoint(d(2022, 3, 15), "完成调研"));
        t.units
            .push(unit(1, "公安部", vec![report(2, ReviewState::Accepted)]));
        assert_eq!(judge_only(&t, d(2022, 7, 20)).light, Light::Green);
    }

    #[test]
    fn checkpoint_not_met_by_earlier_or_unaccepted_reports() {
        let mut t = task(Some(d(2022, 12, 31)), vec![]);
        t.checkpoints.push(checkpoint(d(2022, 5, 15), "完成调研"));
        t.units.push(unit(
            1,
            "公安部",
            vec![
                report(1, ReviewState::Accepted),
                report(2, ReviewState::Submitted),
            ],
        ));
        assert_eq!(judge_only(&t, d(2022, 7, 20)).light, Light::Red);
        // Met but upcoming checkpoints are not flagged either.
        t.checkpoints = vec![checkpoint(d(2022, 3, 20), "完成调研")];
        assert_eq!(judge_only(&t, d(2022, 3, 15)).light, Light::Green);
    }

    #[test]
    fn task_checkpoint_met_by_any_unit() {
        let mut t = task(Some(d(2022, 12, 31)), vec![]);
        t.checkpoints.push(checkpoint(d(2022, 5, 15), "完成调研"));
        t.units
            .push(unit(1, "公安部", vec![report(2, ReviewState::Accepted)]));
        t.units.push(unit(2, "海关总署", vec![]));
        let today = d(2022, 7, 20);
        // The pair light of the unit that has not reported stays red, so the task does too,
        // but the checkpoint is listed under that unit rather than as the task's own.
        assert_eq!(judge_unit(&t, &t.units[0], today).light, Light::Green);
        assert_eq!(judge_unit(&t, &t.units[1], today).light, Light::Red);
        let j = judge_task(&t, today);
        assert_eq!(j.light, Light::Red);
        assert_eq!(
            j.reasons,
            vec!["海关总署：节点“完成调研”（2022年5月15日）已过"]
        );
    }

    #[test]
    fn task_without_units_judges_checkpoints_by_deadline_alone() {
        let mut t = task(Some(d(2022, 12, 31)), vec![q(1), q(2)]);
        t.checkpoints.push(checkpoint(d(2022, 6, 30), ""));
        let j = judge_task(&t, d(2022, 7, 20));
        assert_eq!(j.light, Light::Red);
        assert_eq!(j.reasons, vec!["节点（2022年6月30日）已过"]);
    }

    // ---- task light ----

    #[test]
    fn task_light_is_worst_of_units() {
        let mut t = task(Some(d(2022, 12, 31)), vec![q(2), q(3)]);
        t.units.push(unit(
            1,
            "国家发展改革委",
            vec![
                report(2, ReviewState::Accepted),
                report(3, ReviewState::Submitted),
            ],
        ));
        t.units
            .push(unit(2, "海关总署", vec![report(2, ReviewState::Accepted)]));
        t.units
            .push(unit(3, "公安部", vec![report(3, ReviewState::Submitted)]));
        let today = d(2022, 10, 1);
        let lights: Vec<Light> = t
            .units
            .iter()
            .map(|u| judge_unit(&t, u, today).light)
            .collect();
        assert_eq!(lights, vec![Light::Green, Light::Yellow, Light::Red]);
        let j = judge_task(&t, today);
        assert_eq!(j.light, Light::Red);
        assert_eq!(
            j.reasons,
            vec![
                "公安部：2022年第二季度进展情况未报送（应于 2022年7月10日前）",
                "海关总署：2022年第三季度进展情况将于 2022年10月10日到期（还有 9 天）",
            ]
        );
        // Without the red unit, the task is yellow.
        t.units.pop();
        assert_eq!(judge_task(&t, today).light, Light::Yellow);
        // Without the yellow one, green.
        t.units.pop();
        let j = judge_task(&t, today);
        assert_eq!(j.light, Light::Green);
        assert!(j.reasons.is_empty());
    }

    #[test]
    fn task_without_units_or_deadline_is_green() {
        let t = task(None, vec![]);
        let j = judge_task(&t, d(2022, 7, 20));
        assert_eq!(j.light, Light::Green);
        assert!(j.reasons.is_empty());
        // Periods are owed by units; a task awaiting designation is judged by its deadline.
        let t = task(None, vec![q(1), q(2)]);
        assert_eq!(judge_task(&t, d(2022, 7, 20)).light, Light::Green);
        let t = task(Some(d(2022, 6, 30)), vec![q(1), q(2)]);
        assert_eq!(judge_task(&t, d(2022, 7, 20)).light, Light::Red);
    }

    #[test]
    fn reasons_are_ordered_most_severe_first() {
        let mut t = task(Some(d(2022, 10, 20)), vec![q(2), q(3)]);
        t.checkpoints.push(checkpoint(d(2022, 9, 1), "出台方案"));
        t.units.push(unit(
            1,
            "公安部",
            vec![
                accepted(1, ReportStatus::InProgress, Assessment::AtRisk, None),
                report(2, ReviewState::Returned),
            ],
        ));
        let today = d(2022, 10, 8);
        let expected = vec![
            "节点“出台方案”（2022年9月1日）已过",
            "2022年第二季度进展情况被退回，待修改（应于 2022年7月10日前报送）",
            "办理时限 2022年10月20日即将到期（还有 12 天）",
            "2022年第三季度进展情况将于 2022年10月10日到期（还有 2 天）",
            "最新采纳的报告自评为“存在风险”",
        ];
        let j = judge_only(&t, today);
        assert_eq!(j.light, Light::Red);
        assert_eq!(j.reasons, expected);
        let j = judge_task(&t, today);
        assert_eq!(j.light, Light::Red);
        assert_eq!(
            j.reasons,
            vec![
                "节点“出台方案”（2022年9月1日）已过",
                "公安部：2022年第二季度进展情况被退回，待修改（应于 2022年7月10日前报送）",
                "办理时限 2022年10月20日即将到期（还有 12 天）",
                "公安部：2022年第三季度进展情况将于 2022年10月10日到期（还有 2 天）",
                "公安部：最新采纳的报告自评为“存在风险”",
            ]
        );
    }

    #[test]
    fn behind_and_off_track_both_listed() {
        let mut t = task(None, vec![q(1)]);
        t.units.push(unit(
            1,
            "公安部",
            vec![accepted(
                1,
                ReportStatus::Behind,
                Assessment::OnTrack,
                Some(Assessment::OffTrack),
            )],
        ));
        let j = judge_only(&t, d(2022, 5, 1));
        assert_eq!(j.light, Light::Red);
        assert_eq!(
            j.reasons,
            vec![
                "最新采纳的报告为“滞后”",
                "最新采纳的报告办公室评估为“严重滞后”"
            ]
        );
    }

    #[test]
    fn empty_inputs_do_not_panic() {
        let t = task(None, vec![]);
        let u = unit(0, "", vec![]);
        let today = d(2022, 1, 1);
        assert_eq!(
            judge_unit(&t, &u, today),
            Judgement {
                light: Light::Green,
                reasons: vec![]
            }
        );
        assert_eq!(judge_task(&t, today).light, Light::Green);
        // A report for a period the task does not list is still read without panicking.
        let u = unit(
            0,
            "",
            vec![ReportInfo {
                period: String::new(),
                accepted_at: None,
                ..report(1, ReviewState::Returned)
            }],
        );
        let j = judge_unit(&t, &u, today);
        assert_eq!(j.light, Light::Yellow);
        assert_eq!(j.reasons, vec!["进展情况被退回，待修改"]);
        let _ = serde_json::to_string(&j).unwrap();
    }

    #[test]
    fn same_unit_twice_lists_reasons_once() {
        let mut t = task(None, vec![q(2)]);
        t.units.push(unit(1, "公安部", vec![]));
        t.units.push(unit(1, "公安部", vec![]));
        let j = judge_task(&t, d(2022, 7, 20));
        assert_eq!(
            j.reasons,
            vec!["公安部：2022年第二季度进展情况未报送（应于 2022年7月10日前）"]
        );
    }

    #[test]
    fn a_returned_report_due_soon_is_one_state() {
        let mut t = task(None, vec![q(3)]);
        t.units
            .push(unit(1, "公安部", vec![report(3, ReviewState::Returned)]));
        // 5 days before due: returned, not also “将于…到期”.
        let j = judge_only(&t, d(2022, 10, 5));
        assert_eq!(j.light, Light::Yellow);
        assert_eq!(j.reasons, vec!["2022年第三季度进展情况被退回，待修改"]);
    }

    #[test]
    fn missing_reports_apart() {
        let mut t = task(None, vec![q(2), q(3)]);
        t.units.push(unit(1, "公安部", vec![]));
        t.units
            .push(unit(2, "商务部", vec![report(2, ReviewState::Returned)]));
        t.units.push(unit(
            3,
            "海关总署",
            vec![
                report(2, ReviewState::Submitted),
                report(3, ReviewState::Submitted),
            ],
        ));
        let today = d(2022, 10, 20);
        // Only 公安部 never submitted; 商务部's Q2 is returned, its Q3 missing.
        assert_eq!(units_missing_reports(&t, today), vec![1, 2]);
        assert_eq!(judge_task(&t, today).light, Light::Red);
        // 商务部's returned Q2 past due stays red without the missing ones.
        assert_eq!(light_apart_from_missing_reports(&t, today), Light::Red);
        t.units.remove(1);
        assert_eq!(light_apart_from_missing_reports(&t, today), Light::Green);
        assert_eq!(units_missing_reports(&t, d(2022, 7, 10)), Vec::<i64>::new());
        t.closed = true;
        assert!(units_missing_reports(&t, today).is_empty());
        assert_eq!(light_apart_from_missing_reports(&t, today), Light::Grey);
    }

    // ---- punctuality ----

    #[test]
    fn punctuality_pending_before_and_on_due() {
        let p = q(2);
        assert_eq!(
            punctuality(&p, None, None, d(2022, 7, 1)),
            Punctuality::Pending
        );
        assert_eq!(
            punctuality(&p, None, None, d(2022, 7, 10)),
            Punctuality::Pending
        );
        let draft = report(2, ReviewState::Draft);
        assert_eq!(
            punctuality(&p, Some(&draft), None, d(2022, 7, 5)),
            Punctuality::Pending
        );
    }

    #[test]
    fn punctuality_missing_after_due() {
        let p = q(2);
        assert_eq!(
            punctuality(&p, None, None, d(2022, 7, 11)),
            Punctuality::Missing
        );
        let draft = report(2, ReviewState::Draft);
        assert_eq!(
            punctuality(&p, Some(&draft), None, d(2022, 7, 11)),
            Punctuality::Missing
        );
    }

    #[test]
    fn punctuality_on_time_and_late() {
        let p = q(2);
        let r = report(2, ReviewState::Submitted);
        let today = d(2022, 8, 1);
        assert_eq!(
            punctuality(&p, Some(&r), Some(d(2022, 7, 10)), today),
            Punctuality::OnTime
        );
        assert_eq!(
            punctuality(&p, Some(&r), Some(d(2022, 7, 11)), today),
            Punctuality::Late
        );
        let a = report(2, ReviewState::Accepted);
        assert_eq!(
            punctuality(&p, Some(&a), Some(d(2022, 7, 2)), today),
            Punctuality::OnTime
        );
        // Submitted before the due date, looked at before the due date.
        assert_eq!(
            punctuality(&p, Some(&r), Some(d(2022, 7, 2)), d(2022, 7, 3)),
            Punctuality::OnTime
        );
        // Ever submitted, day unknown: taken as on time.
        assert_eq!(punctuality(&p, Some(&r), None, today), Punctuality::OnTime);
    }

    #[test]
    fn punctuality_returned_wins() {
        let p = q(2);
        let r = report(2, ReviewState::Returned);
        assert_eq!(
            punctuality(&p, Some(&r), Some(d(2022, 7, 2)), d(2022, 7, 5)),
            Punctuality::Returned
        );
        assert_eq!(
            punctuality(&p, Some(&r), Some(d(2022, 7, 20)), d(2022, 8, 1)),
            Punctuality::Returned
        );
    }

    #[test]
    fn punctuality_names() {
        assert_eq!(Punctuality::OnTime.as_str(), "on_time");
        assert_eq!(Punctuality::Missing.label(), "未报送");
        assert_eq!(
            serde_json::to_string(&Punctuality::OnTime).unwrap(),
            "\"on_time\""
        );
    }
}
