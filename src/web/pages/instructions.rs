//! 领导批示 pages: a task's instructions with the leader's form (`/tasks/{code}/instructions`),
//! the reader's own list (`/instructions`) and one instruction with its units' answers, its
//! history and the forms of whoever may act on it (`/instructions/{id}`). The steps' handlers
//! are in `instruction_steps`.

use super::query::PageQuery;
use crate::db::{self, instructions::InstructionRow, tasks::TaskRow};
use crate::rules::access::Access;
use crate::rules::instructions::{self as rules, ANSWER_MAX, InstructionState, TEXT_MAX};
use crate::rules::schedule::prose_date;
use crate::web::auth::CurrentUser;
use crate::web::forms::FieldErrors;
use crate::web::pager::{PAGE_SIZE, Pager, page_number};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgPool;

/// One instruction in a list.
pub struct Line {
    pub row: InstructionRow,
    pub state: &'static str,
    pub closed: bool,
    /// 答复期限 passed with answers missing.
    pub overdue: bool,
}

impl Line {
    pub fn of(row: InstructionRow, today: NaiveDate) -> Line {
        let state = InstructionState::parse(&row.state).unwrap_or(InstructionState::New);
        let missing = row.answered < row.unit_ids.len() as i64 || row.unit_ids.is_empty();
        Line {
            overdue: state != InstructionState::Closed
                && rules::answer_overdue(row.answer_by, !missing, today),
            closed: state == InstructionState::Closed,
            state: state.label(),
            row,
        }
    }

    pub fn excerpt(&self) -> String {
        let t: String = self.row.text.chars().take(60).collect();
        if self.row.text.chars().count() > 60 {
            format!("{t}…")
        } else {
            t
        }
    }

    pub fn day(&self, d: &NaiveDate) -> String {
        prose_date(*d)
    }
}

/// The leader's form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct WriteForm {
    pub plan: Option<String>,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub answer_by: String,
    #[serde(default)]
    pub report: String,
}

#[derive(Template)]
#[template(path = "task_instructions.html")]
pub struct TaskInstructionsPage {
    pub layout: Layout,
    pub plan_id: i64,
    pub code: String,
    pub text: String,
    pub lines: Vec<Line>,
    pub may_write: bool,
    pub form: WriteForm,
    pub errors: FieldErrors,
    pub text_max: usize,
}

#[derive(Debug, Default, Deserialize)]
pub struct TaskQuery {
    plan: Option<String>,
    report: Option<String>,
}

/// A task and the instructions on it its reader may read.
pub async fn load_task(
    pool: &PgPool,
    user: &CurrentUser,
    raw_plan: Option<&str>,
    code: &str,
    today: NaiveDate,
) -> Result<(plan_context::PlanContext, TaskRow, Vec<Line>), AppError> {
    let ctx = plan_context::require(pool, raw_plan, "tasks", user).await?;
    let (task, _) = super::task::load(pool, &ctx, code).await?;
    let mut units = task.lead_ids.clone();
    units.extend(&task.co_ids);
    let access = user.access();
    if !access.may_read_document_to(&units) {
        return Err(AppError::Forbidden);
    }
    let lines = readable(
        access,
        db::instructions::for_task(pool, task.id).await?,
        today,
    );
    Ok((ctx, task, lines))
}

pub fn readable(access: Access, rows: Vec<InstructionRow>, today: NaiveDate) -> Vec<Line> {
    rows.into_iter()
        .filter(|r| access.may_read_instruction(&r.unit_ids))
        .map(|r| Line::of(r, today))
        .collect()
}

pub fn task_page(
    ctx: plan_context::PlanContext,
    task: TaskRow,
    lines: Vec<Line>,
    user: &CurrentUser,
    form: WriteForm,
    errors: FieldErrors,
) -> TaskInstructionsPage {
    TaskInstructionsPage {
        plan_id: ctx.plan.id,
        code: task.code,
        text: task.text,
        lines,
        may_write: user.access().may_write_instruction(),
        form,
        errors,
        text_max: TEXT_MAX,
        layout: ctx.layout,
    }
}

/// `GET /tasks/{code}/instructions` (`?report=ID` writes on that report).
pub async fn on_task(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<TaskQuery>,
) -> Result<Response, AppError> {
    let (ctx, task, lines) =
        load_task(&pool, &user, q.plan.as_deref(), &code, clock.today()).await?;
    let form = WriteForm {
        report: q.report.unwrap_or_default(),
        ..WriteForm::default()
    };
    let page = task_page(ctx, task, lines, &user, form, FieldErrors::default());
    Ok(render::ok(&page))
}

#[derive(Template)]
#[template(path = "instructions.html")]
struct ListPage {
    layout: Layout,
    lines: Vec<Line>,
    pager: Pager,
    /// The state shown, `""` for all.
    state: String,
    states: Vec<(&'static str, &'static str)>,
    /// Whose view: 我的批示, 转给本单位的批示, 全部批示.
    heading: &'static str,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    plan: Option<String>,
    state: Option<String>,
    page: Option<String>,
}

/// `GET /instructions?state=`.
pub async fn list(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, AppError> {
    use crate::rules::auth::Role;
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "instructions", &user).await?;
    let state = q
        .state
        .as_deref()
        .and_then(InstructionState::parse)
        .map(InstructionState::as_str);
    let filter =
        crate::workflows::instructions::view_of(user.access(), user.id, Some(ctx.plan.id), state);
    let total = crate::workflows::instructions::view_count(&pool, filter).await?;
    let pager = Pager::new(page_number(q.page.as_deref()), PAGE_SIZE, total);
    let window = crate::db::Window {
        limit: pager.per_page,
        offset: pager.offset(),
    };
    let rows = crate::workflows::instructions::view(&pool, filter, window).await?;
    let base = match state {
        Some(s) => ctx.layout.href_with("/instructions", &format!("state={s}")),
        None => ctx.layout.href("/instructions"),
    };
    let pager = pager.link(base, "page");
    let page = ListPage {
        pager,
        lines: readable(user.access(), rows, clock.today()),
        state: state.unwrap_or_default().to_string(),
        states: InstructionState::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        heading: match user.role {
            Role::Leader => "我的批示",
            Role::Liaison | Role::UnitHead => "转给本单位办理的批示",
            Role::Office => "全部领导批示",
        },
        layout: ctx.layout,
    };
    Ok(render::ok(&page))
}

/// A unit's part as the page shows it.
pub struct UnitView {
    pub unit: db::instructions::UnitAnswer,
    /// The reader may read the answer (the unit's own, a lead unit's co-units, the office's,
    /// the leaders').
    pub readable: bool,
    /// The reader may answer for this unit now.
    pub may_answer: bool,
    /// The answer form as typed and its faults, or the send-back form's.
    pub text: String,
    pub errors: FieldErrors,
}

pub struct EventView {
    pub at: String,
    pub who: String,
    pub text: String,
}

/// What a refused step brings back to the page: the form as typed and its faults.
#[derive(Debug, Default, Clone)]
pub struct Returned {
    /// `relay`, `close`, `answer:UNIT` or `send_back:UNIT`.
    pub form: String,
    pub text: String,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "instruction.html")]
pub struct InstructionPage {
    pub layout: Layout,
    pub ins: Line,
    pub task_text: String,
    pub written_by: String,
    pub units: Vec<UnitView>,
    pub events: Vec<EventView>,
    /// The office's forms: the task's units first (checked before a first relay), then the
    /// rest of the directory; `(id, name, checked, relayed already)`.
    pub may_handle: bool,
    pub relay_units: Vec<(i64, String, bool, bool)>,
    pub returned: Returned,
    pub notice: Option<String>,
    pub text_max: usize,
    pub answer_max: usize,
}

impl InstructionPage {
    fn returned_for(&self, form: &str) -> Option<&Returned> {
        (self.returned.form == form).then_some(&self.returned)
    }

    pub fn text_of(&self, form: &str) -> String {
        self.returned_for(form)
            .map(|r| r.text.clone())
            .unwrap_or_default()
    }

    pub fn errors_of(&self, form: &str) -> FieldErrors {
        self.returned_for(form)
            .map(|r| r.errors.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// Loads instruction `id` for `user`, refusing a reader it is not relayed to.
pub async fn load_one(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
) -> Result<(plan_context::PlanContext, InstructionRow), AppError> {
    let row = db::instructions::get(pool, id)
        .await?
        .ok_or_else(crate::web::ids::InstructionId::missing)?;
    if !user.access().may_read_instruction(&row.unit_ids) {
        return Err(AppError::Forbidden);
    }
    let plan = row.plan_id.to_string();
    let ctx = plan_context::require(pool, Some(&plan), "instructions", user).await?;
    Ok((ctx, row))
}

pub async fn page(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
    today: NaiveDate,
    returned: Returned,
    notice: Option<String>,
) -> Result<InstructionPage, AppError> {
    let (ctx, row) = load_one(pool, user, id).await?;
    let access = user.access();
    let task = db::tasks::get_by_code(pool, row.plan_id, &row.task_code)
        .await?
        .ok_or_else(crate::web::ids::InstructionId::missing)?;
    let scope = access.task_report_scope(&task.lead_ids);
    let line = Line::of(row, today);
    let open = !line.closed;
    let units: Vec<UnitView> = db::instructions::units(pool, id)
        .await?
        .into_iter()
        .map(|u| {
            let key = format!("answer:{}", u.unit_id);
            let (text, errors) = if returned.form == key {
                (returned.text.clone(), returned.errors.clone())
            } else {
                (String::new(), FieldErrors::default())
            };
            UnitView {
                readable: scope.includes(u.unit_id),
                may_answer: open
                    && u.answered_at.is_none()
                    && access.may_answer_instruction_for(u.unit_id),
                unit: u,
                text,
                errors,
            }
        })
        .collect();
    let events = db::instructions::events(pool, id)
        .await?
        .into_iter()
        .filter(|e| {
            // A unit's answer and the office's reason for sending it back are the unit's.
            !matches!(e.kind.as_str(), "answered" | "sent_back")
                || units
                    .iter()
                    .any(|u| u.readable && Some(&u.unit.unit_name) == e.unit_name.as_ref())
        })
        .map(|e| EventView {
            at: e
                .at
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            who: e.actor_name.unwrap_or_default(),
            text: format!(
                "{}{}{}",
                rules::event_label(&e.kind),
                e.unit_name.map(|u| format!("（{u}）")).unwrap_or_default(),
                e.text.map(|t| format!("：{t}")).unwrap_or_default()
            ),
        })
        .collect();
    let may_handle = access.may_handle_instructions();
    let mut relay_units = Vec::new();
    if may_handle && open {
        let first = line.row.unit_ids.is_empty();
        let mut task_units: Vec<(i64, String)> = task
            .lead_ids
            .iter()
            .zip(&task.lead_names)
            .chain(task.co_ids.iter().zip(&task.co_names))
            .map(|(i, n)| (*i, n.clone()))
            .collect();
        for u in db::units::choices_for_plan(pool, line.row.plan_id).await? {
            if !task_units.iter().any(|(t, _)| *t == u.id) {
                task_units.push((u.id, u.short_name));
            }
        }
        let on_task = task.lead_ids.len() + task.co_ids.len();
        relay_units = task_units
            .into_iter()
            .enumerate()
            .map(|(k, (i, n))| {
                let relayed = line.row.unit_ids.contains(&i);
                (i, n, relayed || (first && k < on_task), relayed)
            })
            .collect();
    }
    Ok(InstructionPage {
        task_text: task.text,
        written_by: line.row.written_by_name.clone().unwrap_or_default(),
        ins: line,
        units,
        events,
        may_handle,
        relay_units,
        returned,
        notice,
        text_max: TEXT_MAX,
        answer_max: ANSWER_MAX,
        layout: ctx.layout,
    })
}

/// `GET /instructions/{id}`.
pub async fn show(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    crate::web::ids::InstructionId(id): crate::web::ids::InstructionId,
    PageQuery(q): PageQuery<ShowQuery>,
) -> Result<Response, AppError> {
    let notice = match q.done.as_deref() {
        Some("written") => Some("批示已送办公室转办。"),
        Some("relayed") => Some("已转办，承办单位将收到通知。"),
        Some("answered") => Some("答复已报办公室。"),
        Some("sent_back") => Some("已退回该单位补充答复。"),
        Some("closed") => Some("批示已办结。"),
        _ => None,
    }
    .map(str::to_string);
    let page = page(&pool, &user, id, clock.today(), Returned::default(), notice).await?;
    Ok(render::ok(&page))
}
