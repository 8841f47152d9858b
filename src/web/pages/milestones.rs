//! `/tasks/{code}/milestones`: 任务分解 — a task's milestones on a timeline with their owners,
//! outputs and dates, the share done; the form to add one (the office, a lead unit), and each
//! milestone's 完成 / 重新打开 / 删除 for those who may.

use super::query::PageQuery;
use crate::db::{self, milestones::MilestoneRow, tasks::TaskRow};
use crate::rules::milestones::{OUTPUT_MAX, WEIGHT_MAX, progress};
use crate::rules::schedule::prose_date;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form, shown_again};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use crate::workflows::milestones::{self as flow, AddInput, Step};
use crate::workflows::refusal::Refusal;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgPool;

/// One milestone as the page shows it.
pub struct Line {
    pub row: MilestoneRow,
    pub due: String,
    /// 已完成 (with the day), 已逾期, 进行中.
    pub state: String,
    pub overdue: bool,
    /// Its place on the timeline, 0 to 100 (the year's span).
    pub at: u32,
    pub may_finish: bool,
}

#[derive(Template)]
#[template(path = "milestones.html")]
struct MilestonesPage {
    layout: Layout,
    plan_id: i64,
    code: String,
    text: String,
    version: i32,
    lines: Vec<Line>,
    /// The weighted share done, in percent; `None` with no milestones.
    done: Option<u32>,
    may_plan: bool,
    may_remove: bool,
    /// The task's units, for the form.
    units: Vec<(i64, String)>,
    form: AddForm,
    errors: FieldErrors,
    notice: Option<String>,
    output_max: usize,
    weight_max: i32,
    year: i32,
}

/// The add form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    plan: Option<String>,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    output: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    weight: String,
    #[serde(default)]
    version: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct MilestonesQuery {
    plan: Option<String>,
    done: Option<String>,
}

fn line(row: MilestoneRow, today: NaiveDate, year: i32, may_finish: bool) -> Line {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let span = 365.0;
    let at = ((row.due_on - start).num_days() as f64 / span * 100.0).clamp(0.0, 100.0) as u32;
    let overdue = row.done_on.is_none() && row.due_on < today;
    let state = match row.done_on {
        Some(d) => format!("已完成（{}）", prose_date(d)),
        None if overdue => "已逾期".into(),
        None => "进行中".into(),
    };
    Line {
        due: prose_date(row.due_on),
        state,
        overdue,
        at,
        may_finish,
        row,
    }
}

#[allow(clippy::too_many_arguments)]
async fn load(
    pool: &PgPool,
    clock: Clock,
    user: &CurrentUser,
    plan: Option<&str>,
    code: &str,
    form: AddForm,
    errors: FieldErrors,
    notice: Option<String>,
) -> Result<MilestonesPage, AppError> {
    let ctx = plan_context::require(pool, plan, "tasks", user).await?;
    let task: TaskRow = db::tasks::get_by_code(pool, ctx.plan.id, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("本工作要点中没有编号为“{code}”的任务")))?;
    let access = user.access();
    let today = clock.today();
    let year = ctx.settings.year;
    let lines = lines_of(pool, access, &task, today, year).await?;
    let may_plan = access.may_plan_milestones(&task.lead_ids) && task.closed_at.is_none();
    Ok(MilestonesPage {
        plan_id: ctx.plan.id,
        done: progress(&task.milestones, today),
        may_remove: may_plan,
        units: task.units().map(|(id, n)| (id, n.to_string())).collect(),
        version: task.version,
        code: task.code.clone(),
        text: task.text.clone(),
        lines,
        may_plan,
        form,
        errors,
        notice,
        output_max: OUTPUT_MAX,
        weight_max: WEIGHT_MAX,
        year,
        layout: ctx.layout,
    })
}

/// The task's milestones as the page (and the task's page) shows them to `access`.
pub async fn lines_of(
    pool: &PgPool,
    access: crate::rules::access::Access,
    task: &TaskRow,
    today: NaiveDate,
    year: i32,
) -> sqlx::Result<Vec<Line>> {
    Ok(db::milestones::for_task(pool, task.id)
        .await?
        .into_iter()
        .map(|r| {
            let may = access.may_finish_milestone(r.unit_id, &task.lead_ids);
            line(r, today, year, may)
        })
        .collect())
}

/// `GET /tasks/{code}/milestones`.
pub async fn show(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<MilestonesQuery>,
) -> Result<Response, AppError> {
    let notice = match q.done.as_deref() {
        Some("added") => Some("已增加里程碑。".to_string()),
        Some("done") => Some("已标记为完成。".to_string()),
        Some("reopen") => Some("已重新打开。".to_string()),
        Some("remove") => Some("已删除该里程碑。".to_string()),
        _ => None,
    };
    let form = AddForm::default();
    let page = load(
        &pool,
        clock,
        &user,
        q.plan.as_deref(),
        &code,
        form,
        FieldErrors::default(),
        notice,
    )
    .await?;
    Ok(render::ok(&page))
}

/// `POST /tasks/{code}/milestones`: a new milestone.
pub async fn add(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
    Form(f): Form<AddForm>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "tasks", &user).await?;
    let Ok(version) = f.version.trim().parse::<i32>() else {
        return Err(AppError::BadRequest(
            "表单无效，请刷新页面后重新操作。".into(),
        ));
    };
    let input = AddInput {
        unit_id: f.unit.trim().parse().ok(),
        output: f.output.clone(),
        due: f.due.clone(),
        weight: f.weight.clone(),
        version,
    };
    let result = flow::add(
        &pool,
        &user.actor(addr),
        user.access(),
        ctx.plan.id,
        &code,
        &input,
    )
    .await;
    let (errors, status) = match result {
        Ok(_) => {
            let to = format!("/tasks/{code}/milestones?plan={}&done=added", ctx.plan.id);
            return Ok(Redirect::to(&to).into_response());
        }
        Err(e) => shown_again(e, "form")?,
    };
    let plan = ctx.plan.id.to_string();
    let page = load(&pool, clock, &user, Some(&plan), &code, f, errors, None).await?;
    Ok(render::page(status, &page))
}

#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    version: String,
}

/// `POST /milestones/{id}`: 完成, 重新打开 or 删除.
pub async fn step(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    crate::web::ids::MilestoneId(id): crate::web::ids::MilestoneId,
    Form(f): Form<StepForm>,
) -> Result<Response, AppError> {
    let m = db::milestones::get(&pool, id)
        .await?
        .ok_or_else(crate::web::ids::MilestoneId::missing)?;
    let task = db::tasks::get(&pool, m.task_id)
        .await?
        .ok_or_else(crate::web::ids::MilestoneId::missing)?;
    let (Some(step), Ok(version)) = (Step::parse(&f.action), f.version.trim().parse::<i32>())
    else {
        return Err(AppError::BadRequest(
            "表单无效，请刷新页面后重新操作。".into(),
        ));
    };
    let result = flow::step(
        &pool,
        &user.actor(addr),
        user.access(),
        id,
        step,
        version,
        clock.today(),
    )
    .await;
    match result {
        Ok(_) => {
            let to = format!(
                "/tasks/{}/milestones?plan={}&done={}",
                task.code,
                task.plan_id,
                f.action.trim()
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(Refusal::Conflict(m)) => {
            let plan = task.plan_id.to_string();
            let errors = FieldErrors::single("form", m);
            let page = load(
                &pool,
                clock,
                &user,
                Some(&plan),
                &task.code,
                AddForm::default(),
                errors,
                None,
            )
            .await?;
            Ok(render::page(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}
