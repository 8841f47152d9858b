//! 督办汇总: the leaders' one-page summary — headline figures, progress by section, subsection
//! and unit, reporting compliance, red and yellow lists, and the trend — computed for any
//! date from the history.

use crate::db::{
    self, plans::PlanSettings, reports::ReportBrief, tasks::TaskFilter, tasks::TaskRow,
};
use crate::rules::lights::{Light, Punctuality};
use crate::rules::reporting;
use crate::rules::schedule::{Cycle, Period, focus_of_cycle, in_focus, periods_between};
use crate::rules::vocabulary::{ReportStatus, ReviewState};
use crate::workflows::progress::{TaskState, history, judge_all, status::punctuality_of};
use chrono::{NaiveDate, TimeZone};
use serde::Serialize;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    pub tasks: u32,
    pub closed: u32,
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
    /// Reports owed for the current period, and of those not yet submitted.
    pub due: u32,
    pub missing: u32,
    /// 已完成（待办结）: open tasks whose lead units' latest accepted reports all say 已完成
    /// (`None`: an edition issued before it was counted).
    pub completed: Option<u32>,
}

impl Totals {
    /// The headline figures, labelled as the summary, an edition and its workbook show them.
    pub fn figures(&self) -> [(&'static str, u32); 7] {
        [
            ("任务总数", self.tasks),
            ("已办结", self.closed),
            ("正常推进", self.green),
            ("存在风险", self.yellow),
            ("逾期/滞后", self.red),
            ("本期应报", self.due),
            ("本期未报", self.missing),
        ]
    }
}

/// Lights counted over a group of tasks (a section, a subsection).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Group {
    pub section: i32,
    pub subsection: Option<i32>,
    pub label: String,
    pub total: u32,
    pub red: u32,
    pub yellow: u32,
    pub green: u32,
    pub grey: u32,
}

impl Group {
    fn add(&mut self, light: Light) {
        self.total += 1;
        match light {
            Light::Red => self.red += 1,
            Light::Yellow => self.yellow += 1,
            Light::Green => self.green += 1,
            Light::Grey => self.grey += 1,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct UnitLine {
    pub unit_id: i64,
    pub unit: String,
    /// The unit has no liaison account (set by [`Summary::note_liaisons`]).
    pub no_liaison: bool,
    pub led: u32,
    pub co: u32,
    /// This period's reports.
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    pub returned: u32,
    pub pending: u32,
    /// Tasks where this unit's own light is red or yellow.
    pub red: u32,
    pub yellow: u32,
    /// 延期申请 the unit made by the day, and of them approved (`None`: an edition issued
    /// before they were counted).
    pub extensions: Option<(u32, u32)>,
    /// 签收 and 申诉 of its assignments by the day (`None`: an edition issued before they
    /// were counted).
    pub acknowledgements: Option<(u32, u32)>,
    /// Its reports signed off by its head and returned by it, by the day (`None`: as above).
    pub sign_offs: Option<(u32, u32)>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GridRow {
    pub unit_id: i64,
    pub unit: String,
    /// The unit has no liaison account (set by [`Summary::note_liaisons`]).
    pub no_liaison: bool,
    /// One cell per period: the worst of the unit's reports that period, if it owed any.
    pub cells: Vec<Option<Punctuality>>,
    /// On-time share of the reports already due, in percent.
    pub rate: Option<u32>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Flagged {
    pub code: String,
    pub text: String,
    pub light: Light,
    pub reasons: Vec<String>,
    /// The reasons one line each, the units a reason names gathered on its line.
    pub lines: Vec<FlagLine>,
    /// The units whose reports on the task are missing past due (未报送).
    pub missing_units: Vec<i64>,
    /// The task's light were those missing reports not counted.
    pub light_apart_from_missing: Light,
}

pub use crate::workflows::red_list::{FlagLine, FlagUnit, LiaisonNote};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TrendPoint {
    pub label: String,
    pub closed: u32,
    pub red: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub as_of: NaiveDate,
    /// The plan's issue date when `as_of` is before it: nothing was owed yet.
    pub before_issue: Option<NaiveDate>,
    pub period: Option<Period>,
    pub totals: Totals,
    pub sections: Vec<Group>,
    pub subsections: Vec<Group>,
    pub units: Vec<UnitLine>,
    pub grid_periods: Vec<Period>,
    pub grid: Vec<GridRow>,
    pub flagged: Vec<Flagged>,
    pub trend: Vec<TrendPoint>,
    /// How much of the red and the missing comes from units without a liaison account (set by
    /// [`Summary::note_liaisons`]; `None` until then).
    pub liaisons: Option<LiaisonNote>,
    /// 本月批示: the leaders' instructions written in the month of `as_of`, and of them those
    /// closed by then (`None` for an edition issued before they were counted).
    pub instructions: Option<(u32, u32)>,
}

/// 本期: the plan-cycle period in focus on `as_of` — the latest one whose due date has passed,
/// or from [`crate::rules::schedule::FOCUS_LEAD_DAYS`] days before a due date the one about to
/// be due ([`focus_of_cycle`]). On 2022-10-20 with quarters due ten days after they end, that is
/// 2022年第三季度, not the open fourth quarter.
pub fn current_period(settings: &PlanSettings, as_of: NaiveDate) -> Option<Period> {
    focus_of_cycle(
        settings.cycle,
        settings.year,
        settings.due_days.max(0) as u32,
        as_of,
    )
}

/// The day the plan took effect (its issue, else 1 January of its year): before it, nothing
/// is owed and the summary has nothing to show.
pub fn plan_start(settings: &PlanSettings) -> Option<NaiveDate> {
    settings
        .issued_on
        .or_else(|| NaiveDate::from_ymd_opt(settings.year, 1, 1))
}

fn severity(p: Punctuality) -> u8 {
    match p {
        Punctuality::OnTime => 0,
        Punctuality::Pending => 1,
        Punctuality::Late => 2,
        Punctuality::Returned => 3,
        Punctuality::Missing => 4,
    }
}

/// Builds the summary from loaded rows (pure).
pub fn build(
    settings: &PlanSettings,
    tasks: &[TaskRow],
    states: &HashMap<i64, TaskState>,
    reports: &[ReportBrief],
    as_of: NaiveDate,
) -> Summary {
    // The plan cycle's period in focus when the tasks (as they stood) report it; else, e.g. as
    // of a day before the plan's cycle changed, the one in focus among the periods they report.
    let owed_periods = reporting::plan_periods(settings, tasks);
    let period = current_period(settings, as_of)
        .filter(|c| owed_periods.iter().any(|p| p.key == c.key))
        .or_else(|| in_focus(&owed_periods, as_of).cloned());
    let mut totals = Totals {
        completed: Some(0),
        ..Totals::default()
    };
    let mut sections: Vec<Group> = Vec::new();
    let mut subsections: Vec<Group> = Vec::new();
    let mut units: Vec<UnitLine> = Vec::new();
    let mut flagged = Vec::new();
    // Indexed once: a large plan has thousands of reports and each (task, unit, period) asks.
    let by_key: HashMap<(i64, i64, &str), &ReportBrief> = reports
        .iter()
        .map(|r| ((r.task_id, r.unit_id, r.period.as_str()), r))
        .collect();
    let report_of = |task: i64, unit: i64, key: &str| by_key.get(&(task, unit, key)).copied();
    let mut reports_of: HashMap<i64, Vec<&ReportBrief>> = HashMap::new();
    for r in reports {
        reports_of.entry(r.task_id).or_default().push(r);
    }
    let mut unit_index: HashMap<i64, usize> = HashMap::new();
    let mut grid_keys: Vec<Period> = Vec::new();
    let mut grid_cells: HashMap<(i64, String), Punctuality> = HashMap::new();
    // Per unit: reports already due, and of those on time (for the punctuality rate).
    let mut judged: HashMap<i64, (u32, u32)> = HashMap::new();

    for t in tasks {
        let Some(state) = states.get(&t.id) else {
            continue;
        };
        totals.tasks += 1;
        if state.light != Light::Grey && lead_reports_done(t, reports_of.get(&t.id)) {
            *totals.completed.get_or_insert(0) += 1;
        }
        match state.light {
            Light::Grey => totals.closed += 1,
            Light::Green => totals.green += 1,
            Light::Yellow => totals.yellow += 1,
            Light::Red => totals.red += 1,
        }
        let section_label = format!(
            "{}、{}",
            crate::rules::plan::to_chinese_numeral(t.section_number.max(0) as u32),
            t.section_title
        );
        if sections
            .last()
            .is_none_or(|s| s.section != t.section_number)
        {
            sections.push(Group {
                section: t.section_number,
                label: section_label,
                ..Group::default()
            });
        }
        if let Some(s) = sections.last_mut() {
            s.add(state.light);
        }
        if subsections.last().is_none_or(|s| {
            s.section != t.section_number || s.subsection != Some(t.subsection_number)
        }) {
            subsections.push(Group {
                section: t.section_number,
                subsection: Some(t.subsection_number),
                label: format!(
                    "({}){}",
                    crate::rules::plan::to_chinese_numeral(t.subsection_number.max(0) as u32),
                    t.subsection_title
                ),
                ..Group::default()
            });
        }
        if let Some(s) = subsections.last_mut() {
            s.add(state.light);
        }
        if matches!(state.light, Light::Red | Light::Yellow) {
            flagged.push(crate::workflows::red_list::flagged(
                settings,
                t,
                state,
                reports_of.get(&t.id).map(Vec::as_slice).unwrap_or(&[]),
                as_of,
            ));
        }
        let unit_refs = t
            .lead_ids
            .iter()
            .zip(&t.lead_names)
            .map(|u| (u, true))
            .chain(t.co_ids.iter().zip(&t.co_names).map(|u| (u, false)));
        for ((unit_id, name), lead) in unit_refs {
            let idx = *unit_index.entry(*unit_id).or_insert_with(|| {
                units.push(UnitLine {
                    unit_id: *unit_id,
                    unit: name.clone(),
                    ..UnitLine::default()
                });
                units.len() - 1
            });
            let line = &mut units[idx];
            if lead {
                line.led += 1;
            } else {
                line.co += 1;
            }
            match state
                .units
                .iter()
                .find(|(u, _)| u == unit_id)
                .map(|(_, j)| j.light)
            {
                Some(Light::Red) => line.red += 1,
                Some(Light::Yellow) => line.yellow += 1,
                _ => {}
            }
            let owed = reporting::owed_by(settings, t, *unit_id);
            for p in owed.iter().filter(|p| p.start <= as_of) {
                let punct = punctuality_of(p, report_of(t.id, *unit_id, &p.key), as_of);
                if period.as_ref().is_some_and(|c| c.key == p.key) && t.closed_at.is_none() {
                    totals.due += 1;
                    match punct {
                        Punctuality::OnTime => line.on_time += 1,
                        Punctuality::Late => line.late += 1,
                        Punctuality::Missing => line.missing += 1,
                        Punctuality::Returned => line.returned += 1,
                        Punctuality::Pending => line.pending += 1,
                    }
                    if matches!(
                        punct,
                        Punctuality::Missing | Punctuality::Pending | Punctuality::Returned
                    ) {
                        totals.missing += 1;
                    }
                }
                if punct != Punctuality::Pending {
                    let e = judged.entry(*unit_id).or_default();
                    e.0 += 1;
                    e.1 += u32::from(punct == Punctuality::OnTime);
                }
                if !grid_keys.iter().any(|k| k.key == p.key) {
                    grid_keys.push(p.clone());
                }
                let cell = grid_cells.entry((*unit_id, p.key.clone())).or_insert(punct);
                if severity(punct) > severity(*cell) {
                    *cell = punct;
                }
            }
        }
    }
    flagged.sort_by_key(|f| (std::cmp::Reverse(f.light.severity()), code_key(&f.code)));
    grid_keys.sort_by_key(|p| (p.end, p.start));
    let grid = units
        .iter()
        .map(|u| {
            let cells: Vec<Option<Punctuality>> = grid_keys
                .iter()
                .map(|p| grid_cells.get(&(u.unit_id, p.key.clone())).copied())
                .collect();
            let (due, on_time) = judged.get(&u.unit_id).copied().unwrap_or_default();
            GridRow {
                unit_id: u.unit_id,
                unit: u.unit.clone(),
                no_liaison: false,
                rate: (due > 0).then(|| on_time * 100 / due),
                cells,
            }
        })
        .collect();
    Summary {
        as_of,
        before_issue: plan_start(settings).filter(|start| as_of < *start),
        period,
        totals,
        sections,
        subsections,
        units,
        grid_periods: grid_keys,
        grid,
        flagged,
        trend: Vec::new(),
        liaisons: None,
        instructions: None,
    }
}

/// Whether every lead unit of the task has an accepted report and the latest of them says
/// 已完成.
fn lead_reports_done(t: &TaskRow, reports: Option<&Vec<&ReportBrief>>) -> bool {
    let reports = reports.map(Vec::as_slice).unwrap_or(&[]);
    !t.lead_ids.is_empty()
        && t.lead_ids.iter().all(|lead| {
            reports
                .iter()
                .filter(|r| r.unit_id == *lead && r.review_state == ReviewState::Accepted)
                .max_by_key(|r| (r.period_end, r.accepted_at))
                .is_some_and(|r| r.status == ReportStatus::Done)
        })
}

fn code_key(code: &str) -> Vec<u32> {
    code.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// The end of a day, in the server's time zone, as an instant.
fn end_of(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    let t = day.and_hms_opt(23, 59, 59).unwrap_or_default();
    chrono::Local
        .from_local_datetime(&t)
        .earliest()
        .map_or_else(
            || chrono::Utc.from_utc_datetime(&t),
            |d| d.with_timezone(&chrono::Utc),
        )
}

/// The summaries this process keeps, by plan, the date shown and the date the lights are
/// judged on (`None`: no such plan).
pub type SummaryCache =
    crate::db::revision_cache::RevisionCache<(i64, NaiveDate, NaiveDate), Option<Summary>>;

/// [`load`], served from `cache` while nothing it is built from has changed: rebuilding it reads
/// the plan's whole report history, and leaders land on this page.
pub async fn load_cached(
    pool: &PgPool,
    cache: &SummaryCache,
    plan_id: i64,
    as_of: NaiveDate,
    today: NaiveDate,
) -> sqlx::Result<Arc<Option<Summary>>> {
    let revision = db::revision::current(pool).await?;
    cache
        .get_or_build(revision, (plan_id, as_of, today), || {
            load(pool, plan_id, as_of, today)
        })
        .await
}

/// Loads and builds the summary of a plan as it stood on `as_of` (today, or a past date rebuilt
/// from the history), with the trend of closed and red tasks at each period's end.
pub async fn load(
    pool: &PgPool,
    plan_id: i64,
    as_of: NaiveDate,
    today: NaiveDate,
) -> sqlx::Result<Option<Summary>> {
    let Some(settings) = db::plans::settings(pool, plan_id).await? else {
        return Ok(None);
    };
    let all_tasks = db::tasks::list(pool, plan_id, &TaskFilter::default()).await?;
    let events = db::reports::events_until(pool, plan_id, end_of(as_of.max(today))).await?;
    let closures = db::tasks::closures(pool, plan_id).await?;
    let at = |day: NaiveDate| {
        let tasks = history::tasks_at(&all_tasks, &closures, end_of(day));
        let reports = history::briefs_at(&events, end_of(day));
        (tasks, reports)
    };
    let (tasks, reports) = if as_of >= today {
        (
            all_tasks.clone(),
            db::reports::briefs_for_plan(pool, plan_id).await?,
        )
    } else {
        at(as_of)
    };
    let states = judge_all(&settings, &tasks, &reports, as_of);
    let mut summary = build(&settings, &tasks, &states, &reports, as_of);
    // The trend: at the end of each reporting period of the plan so far, and on the day itself.
    let start = plan_start(&settings).unwrap_or(as_of);
    let cycle = if settings.cycle == Cycle::None {
        Cycle::Quarterly
    } else {
        settings.cycle
    };
    let mut points: Vec<(String, NaiveDate)> = periods_between(cycle, start, as_of, 0)
        .into_iter()
        .filter(|p| p.end < as_of)
        .map(|p| (p.key, p.end))
        .collect();
    points.push((as_of.to_string(), as_of));
    for (label, day) in points {
        let (tasks, reports) = at(day);
        let states = judge_all(&settings, &tasks, &reports, day);
        summary.trend.push(TrendPoint {
            label,
            closed: states.values().filter(|s| s.light == Light::Grey).count() as u32,
            red: states.values().filter(|s| s.light == Light::Red).count() as u32,
        });
    }
    // As of today: everything asked so far (the clock may be set back, as in the demo); before
    // it: what had been asked and decided by the end of that day.
    let until = if as_of >= today {
        chrono::DateTime::<chrono::Utc>::MAX_UTC
    } else {
        end_of(as_of)
    };
    let counts = db::extensions::counts_by_unit(pool, plan_id, until).await?;
    for u in &mut summary.units {
        let (asked, approved) = counts
            .iter()
            .find(|(id, ..)| *id == u.unit_id)
            .map_or((0, 0), |(_, a, ok, _)| (*a as u32, *ok as u32));
        u.extensions = Some((asked, approved));
    }
    let answers = db::acknowledgements::counts_by_unit(pool, plan_id, as_of).await?;
    let signed = db::sign_offs::counts_by_unit(pool, plan_id, until).await?;
    for u in &mut summary.units {
        let pair = |rows: &[(i64, i64, i64)]| {
            rows.iter()
                .find(|(id, ..)| *id == u.unit_id)
                .map_or((0, 0), |(_, a, b)| (*a as u32, *b as u32))
        };
        u.acknowledgements = Some(pair(&answers));
        u.sign_offs = Some(pair(&signed));
    }
    let (from, to) = crate::rules::instructions::month_of(as_of);
    let (written, closed) =
        db::instructions::counts(pool, plan_id, None, from, as_of.min(to)).await?;
    summary.instructions = Some((written as u32, closed as u32));
    Ok(Some(summary))
}
