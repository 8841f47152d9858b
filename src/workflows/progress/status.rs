//! Lights and status of tasks, computed from the loaded rows by the rules in [`crate::rules::lights`].

use super::{ReportStatus, ReviewState};
use crate::db::{plans::PlanSettings, reports::ReportBrief, tasks::TaskRow};
use crate::rules::lights::{
    self, CheckpointInfo, Judgement, Light, PeriodInfo, ReportInfo, TaskFacts, UnitFacts,
};
use crate::rules::reporting;
use chrono::NaiveDate;
use std::collections::HashMap;

/// A task's state in one word: closed, or the status of its latest submitted report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    NotStarted,
    InProgress,
    Done,
    Behind,
    Closed,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 5] = [
        Self::NotStarted,
        Self::InProgress,
        Self::Done,
        Self::Behind,
        Self::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::Behind => "behind",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "未启动",
            Self::InProgress => "推进中",
            Self::Done => "已完成",
            Self::Behind => "滞后",
            Self::Closed => "已办结",
        }
    }

    fn of(s: ReportStatus) -> Self {
        match s {
            ReportStatus::NotStarted => Self::NotStarted,
            ReportStatus::InProgress => Self::InProgress,
            ReportStatus::Done => Self::Done,
            ReportStatus::Behind => Self::Behind,
        }
    }
}

/// A task's light with its reasons, each unit's, and its status.
#[derive(Debug, Clone)]
pub struct TaskState {
    pub light: Light,
    pub reasons: Vec<String>,
    pub status: TaskStatus,
    /// The period of the latest report submitted on the task.
    pub latest_period: Option<String>,
    pub units: Vec<(i64, Judgement)>,
}
/// A report as the light rules see it.
pub fn report_info(r: &ReportBrief) -> ReportInfo {
    ReportInfo {
        period: r.period.clone(),
        period_start: r.period_start,
        period_end: r.period_end,
        state: r.review_state,
        status: r.status,
        self_assessment: r.self_assessment,
        office_assessment: r.office_assessment,
        ever_submitted: r.first_submitted_at.is_some(),
        accepted_at: r.accepted_at,
    }
}

/// A period as the light rules see it.
pub fn period_info(p: &crate::rules::schedule::Period) -> PeriodInfo {
    PeriodInfo {
        key: p.key.clone(),
        label: p.label.clone(),
        start: p.start,
        end: p.end,
        due: p.due,
    }
}

/// How punctual a unit's report for a period is (`None`: no report yet), judged on `today`.
pub fn punctuality_of(
    p: &crate::rules::schedule::Period,
    report: Option<&ReportBrief>,
    today: NaiveDate,
) -> lights::Punctuality {
    let first = report
        .and_then(|r| r.first_submitted_at)
        .map(|t| t.with_timezone(&chrono::Local).date_naive());
    lights::punctuality(
        &period_info(p),
        report.map(report_info).as_ref(),
        first,
        today,
    )
}

/// The facts the light rules judge, for one task.
pub fn facts(settings: &PlanSettings, task: &TaskRow, reports: &[&ReportBrief]) -> TaskFacts {
    let deadline = task.deadline();
    let periods = crate::rules::obligations::periods_of_task(settings, task)
        .iter()
        .map(period_info)
        .collect();
    let units = task
        .lead_ids
        .iter()
        .zip(&task.lead_names)
        .chain(task.co_ids.iter().zip(&task.co_names))
        .map(|(id, name)| UnitFacts {
            contested: task.contested_ids.contains(id),
            milestones: task
                .milestones
                .iter()
                .filter(|m| m.unit_id == *id)
                .map(|m| lights::MilestoneInfo {
                    output: m.output.clone(),
                    due: m.due,
                    done: m.done_on.is_some(),
                })
                .collect(),
            unit_id: *id,
            unit: name.clone(),
            reports: reports
                .iter()
                .filter(|r| r.unit_id == *id)
                .map(|r| report_info(r))
                .collect(),
            owes: Some(
                reporting::owed_by(settings, task, *id)
                    .iter()
                    .map(period_info)
                    .collect(),
            ),
        })
        .collect();
    TaskFacts {
        closed: task.closed_at.is_some(),
        deadline_end: deadline.end(settings.year),
        checkpoints: task
            .checkpoints
            .0
            .iter()
            .map(|c| CheckpointInfo {
                date: c.date,
                title: c.title.clone(),
            })
            .collect(),
        periods,
        units,
    }
}

/// The task's status and the period of its latest submitted report.
fn task_status(task: &TaskRow, reports: &[&ReportBrief]) -> (TaskStatus, Option<String>) {
    let latest = reports
        .iter()
        .filter(|r| r.first_submitted_at.is_some() && r.review_state != ReviewState::Returned)
        // Latest period first; within it, a lead's (consolidated) report first.
        .max_by_key(|r| {
            (
                r.period_end,
                task.lead_ids.contains(&r.unit_id),
                r.submitted_at,
            )
        });
    let status = match (task.closed_at, latest) {
        (Some(_), _) => TaskStatus::Closed,
        (None, Some(r)) => TaskStatus::of(r.status),
        (None, None) => TaskStatus::NotStarted,
    };
    (status, latest.map(|r| r.period.clone()))
}

/// Judges every task given, from the plan's reports (loaded once).
pub fn judge_all(
    settings: &PlanSettings,
    tasks: &[TaskRow],
    reports: &[ReportBrief],
    today: NaiveDate,
) -> HashMap<i64, TaskState> {
    let mut by_task: HashMap<i64, Vec<&ReportBrief>> = HashMap::new();
    for r in reports {
        by_task.entry(r.task_id).or_default().push(r);
    }
    tasks
        .iter()
        .map(|t| {
            let mine = by_task.get(&t.id).map(Vec::as_slice).unwrap_or(&[]);
            let f = facts(settings, t, mine);
            let task = lights::judge_task(&f, today);
            let units = f
                .units
                .iter()
                .map(|u| (u.unit_id, lights::judge_unit(&f, u, today)))
                .collect();
            let (status, latest_period) = task_status(t, mine);
            (
                t.id,
                TaskState {
                    light: task.light,
                    reasons: task.reasons,
                    status,
                    latest_period,
                    units,
                },
            )
        })
        .collect()
}

/// Loads a plan's settings, its tasks (narrowed by `filter`) and every task's state.
pub async fn plan_states(
    pool: &sqlx::PgPool,
    plan_id: i64,
    filter: &crate::db::tasks::TaskFilter,
    today: NaiveDate,
) -> sqlx::Result<Option<(PlanSettings, Vec<TaskRow>, HashMap<i64, TaskState>)>> {
    let Some(settings) = crate::db::plans::settings(pool, plan_id).await? else {
        return Ok(None);
    };
    let tasks = crate::db::tasks::list(pool, plan_id, filter).await?;
    let reports = crate::db::reports::briefs_for_plan(pool, plan_id).await?;
    let states = judge_all(&settings, &tasks, &reports, today);
    Ok(Some((settings, tasks, states)))
}

/// Judges the given tasks (a page of them) from their own reports only.
pub async fn task_states(
    pool: &sqlx::PgPool,
    settings: &PlanSettings,
    tasks: &[TaskRow],
    today: NaiveDate,
) -> sqlx::Result<HashMap<i64, TaskState>> {
    let ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
    let reports = crate::db::reports::briefs_for_tasks(pool, &ids).await?;
    Ok(judge_all(settings, tasks, &reports, today))
}
