//! `/tasks/{code}`: one whole item, its place in the plan, its units, deadline, cycle and
//! history; for the office, the forms that change them (each carrying the version it was
//! loaded from).

use super::query::PageQuery;
use super::views::{TaskView, history_line};
use crate::db::{
    self,
    assignments::AssignedUnit,
    plans::PlanSettings,
    tasks::{TaskRow, UnitRole},
};
use crate::rules::access::ReportSight;
use crate::rules::lights::{Light, Punctuality};
use crate::rules::reporting;
use crate::rules::schedule::{
    Cycle, Deadline, DeadlineKind, Period, parse_checkpoints, period_label, prose_date,
};
use crate::web::Clock;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form};
use crate::web::plan_context::{self, Layout, PlanContext};
use crate::web::{AppError, render};
use crate::workflows::assignments::{self, ChangeError, TaskChange, UnitAssignment, UnitsChange};
use crate::workflows::progress::{self, TaskStatus};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgPool;

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    layout: Layout,
    plan_title: String,
    task: TaskView,
    errata: Vec<db::tasks::TaskErratum>,
    previous: Option<String>,
    next: Option<String>,
    version: i32,
    awaits_designation: bool,
    deadline: String,
    cycle: String,
    periods: Vec<Period>,
    history: Vec<HistoryEntry>,
    can_edit: bool,
    /// Units on the task with their roles, and the directory for adding one.
    units: Vec<AssignedUnit>,
    directory: Vec<(i64, String)>,
    /// The schedule form's values.
    form: ScheduleForm,
    errors: FieldErrors,
    notice: Option<String>,
    conflict: Option<String>,
    light: Light,
    /// The reasons, one line each with the units it names.
    reasons: Vec<crate::workflows::red_list::FlagLine>,
    status: TaskStatus,
    closed: Option<(String, String)>,
    report_rows: Vec<PeriodRow>,
    /// 最新进展: the submitted version `rules::reporting::latest_progress` picks of those the
    /// reader may read: (id, unit, period, date submitted, text).
    latest: Option<(i64, String, String, String, String)>,
    /// 关注: the reader follows the task (receives its events).
    following: bool,
    /// 督办单 issued on the task, for their readers (the office, leaders, the task's units).
    supervision: Vec<db::documents::DocumentRow>,
    may_issue_documents: bool,
    /// 延期申请 on the task, `(all, pending)`, for the readers of its page of requests.
    extensions: Option<(usize, usize)>,
    /// 领导批示 on the task the reader may read, `(all, open)`, for the readers of its page.
    instructions: Option<(usize, usize)>,
    /// 签收: `(units answered, units, contests open)`, for the readers of its page.
    acknowledgements: Option<(usize, usize, usize)>,
    may_write_instruction: bool,
    /// 往年情况: the earlier years' items this one continues.
    earlier: Vec<super::task_earlier::Earlier>,
    /// 任务分解: its milestones, and the weighted share done.
    milestones: Vec<super::milestones::Line>,
    milestones_done: Option<u32>,
}

/// One reporting period of the task: each unit's report, or what is owed.
struct PeriodRow {
    label: String,
    due: String,
    cells: Vec<Cell>,
}

struct Cell {
    unit: String,
    unit_id: i64,
    period: String,
    report_id: Option<i64>,
    state: String,
    punctuality: Punctuality,
    /// The unit has no liaison account: a missing report says so.
    no_liaison: bool,
    can_fill: bool,
}

impl Cell {
    /// 报送情况 in words; a report missing from a unit without a liaison account says why.
    fn punctuality_text(&self) -> String {
        match (self.punctuality, self.no_liaison) {
            (Punctuality::Missing, true) => "未报送（该单位尚无联络员账号）".into(),
            (p, _) => p.label().into(),
        }
    }
}

struct HistoryEntry {
    at: String,
    who: String,
    line: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct TaskQuery {
    plan: Option<String>,
    saved: Option<String>,
}

/// `1.3.6`-shaped codes only; anything else cannot name a task.
fn is_code(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

pub(super) async fn load(
    pool: &PgPool,
    ctx: &PlanContext,
    code: &str,
) -> Result<(TaskRow, PlanSettings), AppError> {
    let missing = || AppError::NotFound(format!("本工作要点中没有编号为“{code}”的任务。"));
    if !is_code(code) {
        return Err(missing());
    }
    let row = db::tasks::get_by_code(pool, ctx.plan.id, code)
        .await?
        .ok_or_else(missing)?;
    let settings = ctx.settings.clone();
    Ok((row, settings))
}

/// The schedule form as stored (or as just typed).
#[derive(Debug, Default, Deserialize)]
pub struct ScheduleForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    deadline_kind: String,
    #[serde(default)]
    deadline_date: String,
    #[serde(default)]
    checkpoints: String,
    #[serde(default)]
    cycle: String,
}

impl ScheduleForm {
    fn of(t: &TaskRow) -> Self {
        ScheduleForm {
            version: t.version.to_string(),
            deadline_kind: t
                .deadline_kind
                .map_or("default", DeadlineKind::as_str)
                .to_string(),
            deadline_date: t.deadline_date.map(|d| d.to_string()).unwrap_or_default(),
            checkpoints: t
                .checkpoints
                .0
                .iter()
                .map(|c| format!("{} {}", c.date, c.title))
                .collect::<Vec<_>>()
                .join("\n"),
            cycle: t.cycle.map_or("default", Cycle::as_str).to_string(),
        }
    }
}

/// Each period's reports of the task, newest period first: their review states (a report never
/// submitted is, for those who do not write for its unit, 未报送 like a missing one).
#[allow(clippy::too_many_arguments)]
fn report_rows(
    periods: &[Period],
    units: &[AssignedUnit],
    owes: &dyn Fn(i64, &str) -> bool,
    reports: &[db::reports::ReportRow],
    lead_ids: &[i64],
    user: &CurrentUser,
    closed: bool,
    today: NaiveDate,
) -> Vec<PeriodRow> {
    let caller = super::reports::caller(user, String::new());
    let access = user.access();
    periods
        .iter()
        .rev()
        .map(|p| PeriodRow {
            label: p.label.clone(),
            due: prose_date(p.due),
            cells: units
                .iter()
                // A unit assigned after a period ended does not owe it (nor appear under it),
                // unless it reported anyway.
                .filter(|u| {
                    owes(u.unit_id, &p.key)
                        || reports
                            .iter()
                            .any(|r| r.unit_id == u.unit_id && r.period == p.key)
                })
                .map(|u| {
                    let report = reports
                        .iter()
                        .find(|r| r.unit_id == u.unit_id && r.period == p.key)
                        .filter(|r| {
                            let submitted = r.first_submitted_at.is_some();
                            access.report_sight(r.unit_id, lead_ids, submitted)
                                != ReportSight::Absent
                        });
                    let writer = caller.may_write_for(u.unit_id);
                    let brief = report.map(db::reports::ReportBrief::from);
                    let punctuality = progress::status::punctuality_of(p, brief.as_ref(), today);
                    Cell {
                        unit: u.short_name.clone(),
                        unit_id: u.unit_id,
                        period: p.key.clone(),
                        report_id: report.map(|r| r.id),
                        state: report.map_or(
                            if writer { "未填报" } else { "尚无报告" }.to_string(),
                            |r| r.review_state.label().to_string(),
                        ),
                        punctuality,
                        no_liaison: false,
                        can_fill: report.is_none() && !closed && writer,
                    }
                })
                .collect(),
        })
        .filter(|row| !row.cells.is_empty())
        .collect()
}

/// What a re-rendered task page carries besides the stored task: the schedule form as typed,
/// messages beside fields, a notice, a conflict.
#[derive(Default)]
struct Extras {
    form: Option<ScheduleForm>,
    errors: FieldErrors,
    notice: Option<String>,
    conflict: Option<String>,
}

/// Loads the task again and renders its page with `status` and `extras`.
async fn rerender(
    pool: &PgPool,
    clock: Clock,
    ctx: PlanContext,
    user: &CurrentUser,
    code: &str,
    status: StatusCode,
    extras: Extras,
) -> Result<Response, AppError> {
    let (row, settings) = load(pool, &ctx, code).await?;
    let p = page(pool, clock, ctx, user, row, &settings, extras).await?;
    Ok(render::page(status, &p))
}

async fn page(
    pool: &PgPool,
    clock: Clock,
    ctx: PlanContext,
    user: &CurrentUser,
    row: TaskRow,
    settings: &PlanSettings,
    extras: Extras,
) -> Result<TaskPage, AppError> {
    let Extras {
        form,
        errors,
        notice,
        conflict,
    } = extras;
    let (previous, next) = db::tasks::neighbours(pool, ctx.plan.id, row.position).await?;
    let errata = db::tasks::errata(pool, row.id).await?;
    let units = db::assignments::units(pool, row.id).await?;
    let directory = db::assignments::directory_units(pool, &settings.issuer).await?;
    let history = db::assignments::history(pool, row.id)
        .await?
        .into_iter()
        .map(|h| HistoryEntry {
            at: h
                .at
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            who: h.actor_name.or(h.actor_login).unwrap_or_else(|| "—".into()),
            line: history_line(&h.kind, &h.before, &h.after, settings.year),
        })
        .collect();
    let deadline = row.deadline();
    let cycle = row.effective_cycle();
    let today = clock.today();
    let briefs = db::reports::briefs_for_task(pool, row.id).await?;
    let state =
        progress::judge_all(settings, std::slice::from_ref(&row), &briefs, today).remove(&row.id);
    let periods = crate::rules::obligations::periods_of_task(settings, &row);
    let owed: std::collections::HashMap<i64, Vec<String>> = units
        .iter()
        .map(|u| {
            let keys = reporting::owed_by(settings, &row, u.unit_id)
                .into_iter()
                .map(|p| p.key)
                .collect();
            (u.unit_id, keys)
        })
        .collect();
    let owes = |unit: i64, key: &str| owed.get(&unit).is_some_and(|k| k.iter().any(|x| x == key));
    let reports = db::reports::for_task(pool, row.id).await?;
    let closed_flag = row.closed_at.is_some();
    let closed = row.closed_at.map(|at| {
        (
            prose_date(at.with_timezone(&chrono::Local).date_naive()),
            row.closing_note.clone().unwrap_or_default(),
        )
    });
    let with_liaison = crate::workflows::red_list::with_liaison(pool).await?;
    let versions = progress::task_reports(pool, user.access(), row.id, &row.lead_ids).await?;
    let latest = reporting::latest_progress(versions.iter().map(|v| &v.report)).map(|r| {
        (
            r.id,
            r.unit_name.clone(),
            period_label(&r.period),
            r.submitted_at
                .map(|at| prose_date(at.with_timezone(&chrono::Local).date_naive()))
                .unwrap_or_default(),
            r.work_done.clone(),
        )
    });
    let mut rows = report_rows(
        &periods,
        &units,
        &owes,
        &reports,
        &row.lead_ids,
        user,
        closed_flag,
        today,
    );
    for c in rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
        c.no_liaison = !with_liaison.contains(&c.unit_id);
    }
    let following = db::notices::follows(pool, row.id, user.id).await?;
    let addressed: Vec<i64> = units.iter().map(|u| u.unit_id).collect();
    let may_read_addressed = user.access().may_read_document_to(&addressed);
    let supervision = if may_read_addressed {
        db::documents::for_subject(pool, row.plan_id, "supervision", row.id).await?
    } else {
        Vec::new()
    };
    let extensions = if may_read_addressed {
        let rows = db::extensions::for_task(pool, row.id).await?;
        let pending = rows.iter().filter(|r| r.state == "pending").count();
        Some((rows.len(), pending))
    } else {
        None
    };
    let acknowledgements = may_read_addressed.then(|| {
        (
            row.answered_ids.len(),
            row.lead_ids.len() + row.co_ids.len(),
            row.contested_ids.len(),
        )
    });
    let instructions = if may_read_addressed {
        Some(crate::workflows::instructions::counts_on_task(pool, user.access(), row.id).await?)
    } else {
        None
    };
    Ok(TaskPage {
        supervision,
        extensions,
        instructions,
        acknowledgements,
        may_write_instruction: user.access().may_write_instruction(),
        may_issue_documents: user.access().may_issue_documents(),
        following,
        latest,
        report_rows: rows,
        light: state.as_ref().map_or(Light::Green, |s| s.light),
        reasons: crate::workflows::red_list::lines(
            &row,
            state.as_ref().map_or(&[][..], |s| s.reasons.as_slice()),
        )
        .into_iter()
        .map(|mut l| {
            for u in &mut l.units {
                u.no_liaison = !with_liaison.contains(&u.unit_id);
            }
            l
        })
        .collect(),
        status: state.as_ref().map_or(TaskStatus::NotStarted, |s| s.status),
        closed,
        plan_title: ctx.plan.title,
        errata,
        previous,
        next,
        version: row.version,
        awaits_designation: row.awaits_designation(),
        deadline: format!(
            "{}{}",
            deadline.describe(settings.year),
            if row.deadline_kind.is_none() {
                "（随工作要点默认）"
            } else {
                ""
            }
        ),
        cycle: format!(
            "{}{}",
            cycle.label(),
            if row.cycle.is_none() {
                "（随工作要点默认）"
            } else {
                ""
            }
        ),
        periods,
        history,
        earlier: super::task_earlier::earlier(pool, user.access(), row.id).await?,
        milestones: super::milestones::lines_of(
            pool,
            user.access(),
            &row,
            clock.today(),
            settings.year,
        )
        .await?,
        milestones_done: crate::rules::milestones::progress(&row.milestones, clock.today()),
        can_edit: user.access().may_edit_plan(),
        units,
        directory,
        form: form.unwrap_or_else(|| ScheduleForm::of(&row)),
        errors,
        notice,
        conflict,
        task: row.into(),
        layout: ctx.layout,
    })
}

pub async fn show(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<TaskQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "tasks", &user).await?;
    let notice = q.saved.map(|_| "已保存。".to_string());
    let extras = Extras {
        notice,
        ..Extras::default()
    };
    rerender(&pool, clock, ctx, &user, &code, StatusCode::OK, extras).await
}

fn parse_version(raw: &str) -> Result<i32, AppError> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::BadRequest("表单缺少版本号，请刷新页面后重试。".into()))
}

/// After a change: back to the task, or the page again with what went wrong.
async fn outcome(
    pool: &PgPool,
    clock: Clock,
    ctx: PlanContext,
    user: &CurrentUser,
    code: &str,
    result: Result<i32, ChangeError>,
    typed: Option<ScheduleForm>,
) -> Result<Response, AppError> {
    match result {
        Ok(_) => {
            let target = ctx.layout.href_with(&format!("/tasks/{code}"), "saved=1");
            Ok(Redirect::to(&target).into_response())
        }
        Err(e @ ChangeError::Stale { .. }) => {
            // Show what is stored now; nothing of the stale form was written.
            let extras = Extras {
                conflict: Some(e.to_string()),
                ..Extras::default()
            };
            rerender(pool, clock, ctx, user, code, StatusCode::CONFLICT, extras).await
        }
        Err(ChangeError::Field { field, message }) => {
            let field = field.split('.').next().unwrap_or(field);
            let field: &'static str = match field {
                "deadline" => "deadline",
                "units" => "units",
                "designation_complete" => "units",
                _ => "form",
            };
            let extras = Extras {
                form: typed,
                errors: FieldErrors::single(field, message),
                ..Extras::default()
            };
            rerender(
                pool,
                clock,
                ctx,
                user,
                code,
                StatusCode::UNPROCESSABLE_ENTITY,
                extras,
            )
            .await
        }
        Err(e @ ChangeError::WouldBeOverdue { .. }) => {
            // Nothing was saved: the form again, as typed, asking to confirm.
            let field = if typed.is_some() {
                "confirm_overdue"
            } else {
                "units"
            };
            let extras = Extras {
                form: typed,
                errors: FieldErrors::single(field, e.to_string()),
                ..Extras::default()
            };
            rerender(pool, clock, ctx, user, code, StatusCode::CONFLICT, extras).await
        }
        Err(ChangeError::NotFound) => Err(AppError::NotFound(format!(
            "本工作要点中没有编号为“{code}”的任务。"
        ))),
        Err(ChangeError::Db(e)) => Err(e.into()),
    }
}

/// `POST /tasks/{code}/units`: each current unit's role (`role_ID` = lead, co or remove), one
/// unit to add, and whether designation is complete (the checkbox counts only beside its
/// hidden `designation_field`). A unit the form does not name keeps its role.
pub async fn save_units(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim());
    let ctx = plan_context::require(&pool, get("plan"), "tasks", &user).await?;
    let version = parse_version(get("version").unwrap_or(""))?;
    let role = |v: &str| match v {
        "lead" => Ok(Some(UnitRole::Lead)),
        "co" => Ok(Some(UnitRole::Co)),
        "remove" => Ok(None),
        _ => Err(AppError::BadRequest("职责只能是牵头、配合或移除。".into())),
    };
    let mut roles = Vec::new();
    for (name, value) in &fields {
        if let Some(id) = name.strip_prefix("role_") {
            let unit_id: i64 = id
                .parse()
                .map_err(|_| AppError::BadRequest("单位编号无效。".into()))?;
            roles.push((unit_id, role(value.trim())?));
        }
    }
    let mut add = Vec::new();
    if let Some(unit) = get("add_unit").filter(|v| !v.is_empty()) {
        let unit_id: i64 = unit
            .parse()
            .map_err(|_| AppError::BadRequest("单位编号无效。".into()))?;
        let role = role(get("add_role").unwrap_or("co"))?.unwrap_or(UnitRole::Co);
        add.push(UnitAssignment { unit_id, role });
    }
    let designation_complete =
        get("designation_field").map(|_| get("designation_complete").is_some());
    let change = TaskChange {
        version,
        units: Some(UnitsChange::Edit { roles, add }),
        designation_complete,
        ..TaskChange::default()
    };
    let result = assignments::change_task(
        &pool,
        &user.actor(addr),
        ctx.plan.id,
        &code,
        change,
        clock.today(),
    )
    .await;
    outcome(&pool, clock, ctx, &user, &code, result, None).await
}

/// The schedule form as sent: a part it leaves out (no `deadline_kind`, no `cycle`) is
/// unchanged, never reset to the plan's default.
#[derive(Debug, Deserialize)]
pub struct ScheduleSubmit {
    plan: Option<String>,
    #[serde(default)]
    version: String,
    deadline_kind: Option<String>,
    deadline_date: Option<String>,
    checkpoints: Option<String>,
    cycle: Option<String>,
    /// Sent from the confirmation that lists the reports the change makes overdue at once.
    confirm_overdue: Option<String>,
}

impl ScheduleSubmit {
    /// What was typed, to show again.
    fn typed(&self) -> ScheduleForm {
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        ScheduleForm {
            version: self.version.clone(),
            deadline_kind: text(&self.deadline_kind),
            deadline_date: text(&self.deadline_date),
            checkpoints: text(&self.checkpoints),
            cycle: text(&self.cycle),
        }
    }
}

/// A deadline and cycle read from the form (inner `None`: the plan's default; outer `None`:
/// not sent, unchanged).
type Schedule = (Option<Option<Deadline>>, Option<Option<Cycle>>);

/// Reads the schedule form into a deadline and cycle; messages name the field.
fn read_schedule(s: &ScheduleSubmit) -> Result<Schedule, (&'static str, String)> {
    let f = s.typed();
    let deadline = match s.deadline_kind.as_deref() {
        None => None,
        Some(_) => Some(read_deadline(&f)?),
    };
    let cycle = match s.cycle.as_deref() {
        None => None,
        Some("default" | "") => Some(None),
        Some(other) => Some(Some(
            Cycle::parse(other).ok_or(("cycle", "请选择报送周期".to_string()))?,
        )),
    };
    Ok((deadline, cycle))
}

/// The deadline the form chose (`None`: the plan's default).
fn read_deadline(f: &ScheduleForm) -> Result<Option<Deadline>, (&'static str, String)> {
    Ok(match f.deadline_kind.as_str() {
        "default" | "" => None,
        "date" => {
            let d = NaiveDate::parse_from_str(f.deadline_date.trim(), "%Y-%m-%d")
                .map_err(|_| ("deadline", "请填写完成日期，格式如 2022-10-31".to_string()))?;
            Some(Deadline::Date(d))
        }
        "year_end" => Some(Deadline::YearEnd),
        "ongoing" => Some(Deadline::Ongoing),
        "staged" => Some(Deadline::Staged(
            parse_checkpoints(&f.checkpoints).map_err(|m| ("deadline", m))?,
        )),
        _ => return Err(("deadline", "请选择时限类型".into())),
    })
}

/// `POST /tasks/{code}/schedule`: deadline and reporting cycle.
pub async fn save_schedule(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
    Form(s): Form<ScheduleSubmit>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, s.plan.as_deref(), "tasks", &user).await?;
    let version = parse_version(&s.version)?;
    let (deadline, cycle) = match read_schedule(&s) {
        Ok(v) => v,
        Err((field, message)) => {
            return rerender(
                &pool,
                clock,
                ctx,
                &user,
                &code,
                StatusCode::UNPROCESSABLE_ENTITY,
                Extras {
                    form: Some(s.typed()),
                    errors: FieldErrors::single(field, message),
                    ..Extras::default()
                },
            )
            .await;
        }
    };
    let change = TaskChange {
        version,
        deadline,
        cycle,
        confirm_overdue: s.confirm_overdue.is_some(),
        ..TaskChange::default()
    };
    let result = assignments::change_task(
        &pool,
        &user.actor(addr),
        ctx.plan.id,
        &code,
        change,
        clock.today(),
    )
    .await;
    outcome(&pool, clock, ctx, &user, &code, result, Some(s.typed())).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn recognises_codes() {
        assert!(super::is_code("1.3.6"));
        assert!(super::is_code("12.10.100"));
        for bad in ["", "1.3", "1.3.6.1", "a.b.c", "1..6", "1.3.６", "99999.1.1"] {
            assert!(!super::is_code(bad), "{bad}");
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ClosureForm {
    plan: Option<String>,
    #[serde(default)]
    version: String,
    #[serde(default)]
    closing_note: String,
}

/// `POST /tasks/{code}/close` (办结, with a note) and `POST /tasks/{code}/reopen`.
async fn closure(
    pool: PgPool,
    clock: Clock,
    user: CurrentUser,
    addr: String,
    code: String,
    f: ClosureForm,
    close: bool,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "tasks", &user).await?;
    let version = parse_version(&f.version)?;
    let note = close.then_some(f.closing_note.as_str());
    let caller = super::reports::caller(&user, addr);
    match progress::set_closed(&pool, &caller, ctx.plan.id, &code, version, note).await {
        Ok(_) => Ok(
            Redirect::to(&ctx.layout.href_with(&format!("/tasks/{code}"), "saved=1"))
                .into_response(),
        ),
        Err(progress::ProgressError::Field { message, .. }) => {
            rerender(
                &pool,
                clock,
                ctx,
                &user,
                &code,
                StatusCode::UNPROCESSABLE_ENTITY,
                Extras {
                    errors: FieldErrors::single("closing_note", message),
                    ..Extras::default()
                },
            )
            .await
        }
        Err(e @ (progress::ProgressError::Stale { .. } | progress::ProgressError::Conflict(_))) => {
            rerender(
                &pool,
                clock,
                ctx,
                &user,
                &code,
                StatusCode::CONFLICT,
                Extras {
                    conflict: Some(e.to_string()),
                    ..Extras::default()
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn close(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
    Form(f): Form<ClosureForm>,
) -> Result<Response, AppError> {
    closure(pool, clock, user, addr, code, f, true).await
}

pub async fn reopen(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
    Form(f): Form<ClosureForm>,
) -> Result<Response, AppError> {
    closure(pool, clock, user, addr, code, f, false).await
}

#[derive(Debug, Deserialize)]
pub struct FollowForm {
    plan: Option<String>,
    /// `1` to follow, anything else to stop.
    #[serde(default)]
    follow: String,
}

/// `POST /tasks/{code}/follow`: 关注 or 取消关注 the task; any signed-in reader of it may.
pub async fn follow(
    State(pool): State<PgPool>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(f): Form<FollowForm>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "tasks", &user).await?;
    let (row, _) = load(&pool, &ctx, &code).await?;
    db::notices::set_following(&pool, row.id, user.id, f.follow == "1").await?;
    Ok(Redirect::to(&ctx.layout.href(&format!("/tasks/{code}"))).into_response())
}
