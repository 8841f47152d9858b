//! `/tasks`: every task of the plan, filtered by section, unit and role, and words.
//! Filters live in the query string so that a view can be bookmarked and shared.

use super::query::PageQuery;
use super::views::{self, SectionGroup};
use crate::db::{
    self,
    plans::SectionSummary,
    tasks::{TaskFilter, UnitRole},
    users::UnitChoice,
};
use crate::rules::lights::Light;
use crate::web::Clock;
use crate::web::auth::ClientAddr;
use crate::web::auth::CurrentUser;
use crate::web::forms::Form;
use crate::web::pager::{PAGE_SIZE, Pager, page_number};
use crate::web::plan_context::{self, Layout, PlanContext};
use crate::web::{AppError, render};
use crate::workflows::assignments::{self, ChangeError};
use crate::workflows::progress::{self, TaskStatus};
use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::http::Uri;
use axum::response::Response;
use axum::response::{IntoResponse, Redirect};
use sqlx::PgPool;
use std::collections::HashMap;

const MAX_QUERY_CHARS: usize = 100;
const MAX_WORDS: usize = 10;

/// The raw query string; every field is validated into a [`TaskFilter`] with messages.
#[derive(Debug, Default, serde::Deserialize)]
pub struct TasksQuery {
    pub plan: Option<String>,
    pub section: Option<String>,
    pub unit: Option<String>,
    pub role: Option<String>,
    pub q: Option<String>,
    /// `1`: only tasks still awaiting designation of their units.
    pub pending: Option<String>,
    /// `red`, `yellow`, `green` or `grey`.
    pub light: Option<String>,
    /// `not_started`, `in_progress`, `done`, `behind` or `closed`.
    pub status: Option<String>,
    /// The page of the list (the exports take every task).
    pub page: Option<String>,
    /// Counts reported back after a bulk assignment.
    pub added: Option<String>,
    pub skipped: Option<String>,
}

/// Messages shown beside the filter fields.
#[derive(Default)]
pub(super) struct FieldErrors {
    section: Option<String>,
    unit: Option<String>,
    role: Option<String>,
    q: Option<String>,
    light: Option<String>,
    status: Option<String>,
    /// The bulk form's message (not a filter: the list is still shown).
    bulk: Option<String>,
}

impl FieldErrors {
    /// Whether a filter is wrong (the list cannot be shown).
    pub(super) fn any(&self) -> bool {
        self.section.is_some()
            || self.unit.is_some()
            || self.role.is_some()
            || self.q.is_some()
            || self.light.is_some()
            || self.status.is_some()
    }
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    layout: Layout,
    sections: Vec<SectionOption>,
    units: Vec<UnitChoice>,
    /// The form's values as given, to show them back.
    section: String,
    unit: String,
    role: String,
    q: String,
    light: String,
    status: String,
    lights: [Light; 4],
    statuses: [TaskStatus; 5],
    pending: bool,
    errors: FieldErrors,
    filtered: bool,
    /// A liaison sees the tasks of their own unit only.
    own_unit: Option<String>,
    /// The office may add a unit to every task listed.
    can_bulk: bool,
    /// This view's query string, for returning to it after a bulk change.
    back: String,
    notice: Option<String>,
    count: i64,
    groups: Vec<SectionGroup>,
    pager: Pager,
}

struct SectionOption {
    number: String,
    label: String,
}

fn blank(s: &Option<String>) -> String {
    s.as_deref().map(str::trim).unwrap_or_default().to_string()
}

fn validate(
    q: &TasksQuery,
    sections: &[SectionSummary],
    units: &[UnitChoice],
) -> (TaskFilter, FieldErrors) {
    let mut filter = TaskFilter::default();
    let mut errors = FieldErrors::default();
    let section = blank(&q.section);
    if !section.is_empty() {
        match section.parse::<i32>() {
            Ok(n) if sections.iter().any(|s| s.number == n) => filter.section = Some(n),
            _ => errors.section = Some(format!("没有“{section}”这一部分")),
        }
    }
    let unit = blank(&q.unit);
    if !unit.is_empty() {
        match unit.parse::<i64>() {
            Ok(id) if units.iter().any(|u| u.id == id) => filter.unit_id = Some(id),
            _ => errors.unit = Some("请选择列表中的单位".into()),
        }
    }
    match blank(&q.role).as_str() {
        "" | "any" => {}
        "lead" => filter.role = Some(UnitRole::Lead),
        "co" => filter.role = Some(UnitRole::Co),
        _ => errors.role = Some("职责只能是“牵头”“配合”或“不限”".into()),
    }
    let words = blank(&q.q);
    if words.chars().count() > MAX_QUERY_CHARS {
        errors.q = Some(format!("关键词不能超过 {MAX_QUERY_CHARS} 个字"));
    } else {
        filter.words = words.split_whitespace().map(str::to_string).collect();
        if filter.words.len() > MAX_WORDS {
            errors.q = Some(format!("关键词不能超过 {MAX_WORDS} 个"));
            filter.words.clear();
        }
    }
    (filter, errors)
}

pub async fn list(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    OriginalUri(uri): OriginalUri,
    PageQuery(q): PageQuery<TasksQuery>,
) -> Result<Response, AppError> {
    render_list(&pool, clock, &user, &uri, q, None).await
}

/// Which rows [`select`] returns: all of them (the exports) or one page of the list.
#[derive(Debug, Clone, Copy)]
pub(super) enum Rows {
    All,
    Page(i64),
}

/// The tasks a `/tasks` query selects, with their lights, and what is wrong with the query.
/// The page and the exports share it, so every filtered view exports exactly what it shows.
pub(super) struct Selection {
    pub ctx: PlanContext,
    pub sections: Vec<SectionSummary>,
    pub units: Vec<UnitChoice>,
    pub filter: TaskFilter,
    pub errors: FieldErrors,
    pub own_unit: Option<String>,
    pub wanted_light: Option<Light>,
    pub wanted_status: Option<TaskStatus>,
    pub light: String,
    pub status_filter: String,
    pub rows: Vec<db::tasks::TaskRow>,
    pub states: std::collections::HashMap<i64, progress::TaskState>,
    /// With [`Rows::Page`]: where the rows stand in the whole list.
    pub pager: Pager,
}

pub(super) async fn select(
    pool: &PgPool,
    clock: Clock,
    user: &CurrentUser,
    q: &TasksQuery,
    wanted: Rows,
) -> Result<Selection, AppError> {
    let pool = pool.clone();
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "tasks", user).await?;
    let sections = db::plans::sections(&pool, ctx.plan.id).await?;
    let units = db::units::choices_for_plan(&pool, ctx.plan.id).await?;
    let (mut filter, mut errors) = validate(q, &sections, &units);
    filter.awaiting_designation = blank(&q.pending) == "1";
    // A liaison's list is their unit's tasks, whatever the query says.
    let own_unit = match user.access().own_unit() {
        Some(unit) => {
            filter.unit_id = Some(unit);
            errors.unit = None;
            user.unit_name.clone()
        }
        None => None,
    };
    let light = blank(&q.light);
    let wanted_light = match light.as_str() {
        "" => None,
        l => Light::parse(l).or_else(|| {
            errors.light = Some("请选择红灯、黄灯、绿灯或灰灯".into());
            None
        }),
    };
    let status_filter = blank(&q.status);
    let wanted_status = match status_filter.as_str() {
        "" => None,
        s => TaskStatus::parse(s).or_else(|| {
            errors.status = Some("请选择列表中的状态".into());
            None
        }),
    };
    let keep = |t: &db::tasks::TaskRow, states: &HashMap<i64, progress::TaskState>| {
        let s = states.get(&t.id);
        wanted_light.is_none_or(|l| s.is_some_and(|s| s.light == l))
            && wanted_status.is_none_or(|w| s.is_some_and(|s| s.status == w))
    };
    let judged_filter = wanted_light.is_some() || wanted_status.is_some();
    let (rows, states, pager) = match wanted {
        _ if errors.any() => (Vec::new(), HashMap::new(), Pager::new(1, PAGE_SIZE, 0)),
        // Without a light or status filter, the page is cut in SQL and only its tasks'
        // reports are read.
        Rows::Page(page) if !judged_filter => {
            let settings = ctx.settings.clone();
            let total = db::tasks::count(&pool, ctx.plan.id, &filter).await?;
            let pager = Pager::new(page, PAGE_SIZE, total);
            let rows = db::tasks::page(
                &pool,
                ctx.plan.id,
                &filter,
                Some(db::Window {
                    limit: pager.per_page,
                    offset: pager.offset(),
                }),
            )
            .await?;
            let states = progress::task_states(&pool, &settings, &rows, clock.today()).await?;
            (rows, states, pager)
        }
        // Lights and status come from the light rules (Rust), so filtering by them judges
        // every task the other filters select, then pages the result.
        _ => {
            let (_, rows, states) =
                progress::plan_states(&pool, ctx.plan.id, &filter, clock.today())
                    .await?
                    .ok_or_else(|| AppError::NotFound("找不到该工作要点".into()))?;
            let rows: Vec<_> = rows.into_iter().filter(|t| keep(t, &states)).collect();
            match wanted {
                Rows::Page(page) => {
                    let pager = Pager::new(page, PAGE_SIZE, rows.len() as i64);
                    (pager.slice(rows), states, pager)
                }
                Rows::All => {
                    let all = rows.len() as i64;
                    (rows, states, Pager::new(1, all.max(1), all))
                }
            }
        }
    };
    Ok(Selection {
        ctx,
        sections,
        units,
        filter,
        errors,
        own_unit,
        wanted_light,
        wanted_status,
        light,
        status_filter,
        rows,
        states,
        pager,
    })
}

async fn render_list(
    pool: &PgPool,
    clock: Clock,
    user: &CurrentUser,
    uri: &Uri,
    q: TasksQuery,
    bulk_error: Option<String>,
) -> Result<Response, AppError> {
    let Selection {
        ctx,
        sections,
        units,
        filter,
        mut errors,
        own_unit,
        wanted_light,
        wanted_status,
        light,
        status_filter,
        rows,
        states,
        pager,
    } = select(
        pool,
        clock,
        user,
        &q,
        Rows::Page(page_number(q.page.as_deref())),
    )
    .await?;
    let notice = match (q.added.as_deref(), q.skipped.as_deref()) {
        (Some(a), Some(s)) if a.parse::<u32>().is_ok() && s.parse::<u32>().is_ok() => Some(
            format!("已为 {a} 项任务增加单位;{s} 项原已有该单位,未作改动。"),
        ),
        _ => None,
    };
    errors.bulk = bulk_error;
    let status = if errors.any() {
        StatusCode::BAD_REQUEST
    } else if errors.bulk.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = TasksPage {
        filtered: filter.section.is_some()
            || filter.unit_id.is_some()
            || !filter.words.is_empty()
            || filter.awaiting_designation
            || wanted_light.is_some()
            || wanted_status.is_some(),
        pending: filter.awaiting_designation,
        can_bulk: user.access().may_edit_plan(),
        count: pager.total,
        pager: pager.link(list_base(uri), "page"),
        back: back_query(uri),
        notice,
        own_unit,
        groups: views::group(rows, &states),
        light,
        status: status_filter,
        lights: Light::ALL,
        statuses: TaskStatus::ALL,
        sections: sections
            .iter()
            .map(|s| SectionOption {
                number: s.number.to_string(),
                label: views::section_label(s.number, &s.title),
            })
            .collect(),
        units,
        section: blank(&q.section),
        unit: blank(&q.unit),
        role: blank(&q.role),
        q: blank(&q.q),
        errors,
        layout: ctx.layout,
    };
    Ok(render::page(status, &page))
}

/// The filters of a `/tasks` address, without the bulk report, for coming back to it.
fn back_query(uri: &Uri) -> String {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("added=") && !kv.starts_with("skipped="))
        .collect::<Vec<_>>()
        .join("&")
}

/// The list's address with its filters and without its page, for the pager's links.
fn list_base(uri: &Uri) -> String {
    let back = back_query(uri);
    let query: Vec<&str> = back
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("page="))
        .collect();
    if query.is_empty() {
        "/tasks".into()
    } else {
        format!("/tasks?{}", query.join("&"))
    }
}

/// `POST /tasks/bulk-units`: one unit, in one role, added to every task ticked in the list.
pub async fn bulk_units(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    };
    // The list the form was on: its filters come back in `back`.
    let back = format!("/tasks?{}", get("back"));
    let back_uri: Uri = back
        .parse()
        .map_err(|_| AppError::BadRequest("返回地址无效。".into()))?;
    let Query(q) = Query::<TasksQuery>::try_from_uri(&back_uri)
        .map_err(|_| AppError::BadRequest("返回地址无效。".into()))?;
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "tasks", &user).await?;
    let codes: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "task")
        .map(|(_, v)| v.trim().to_string())
        .collect();
    let role = match get("role") {
        "lead" => UnitRole::Lead,
        "co" | "" => UnitRole::Co,
        _ => {
            let message = "职责只能是“牵头”或“配合”".to_string();
            return render_list(&pool, clock, &user, &back_uri, q, Some(message)).await;
        }
    };
    let Ok(unit_id) = get("unit").parse::<i64>() else {
        return render_list(
            &pool,
            clock,
            &user,
            &back_uri,
            q,
            Some("请选择要增加的单位".into()),
        )
        .await;
    };
    let actor = user.actor(addr);
    match assignments::add_unit_to_tasks(
        &pool,
        &actor,
        ctx.plan.id,
        &codes,
        unit_id,
        role,
        clock.today(),
    )
    .await
    {
        Ok(outcome) => {
            let sep = if get("back").is_empty() { "" } else { "&" };
            Ok(Redirect::to(&format!(
                "{back}{sep}added={}&skipped={}",
                outcome.added.len(),
                outcome.skipped.len()
            ))
            .into_response())
        }
        Err(ChangeError::Field { message, .. }) => {
            render_list(&pool, clock, &user, &back_uri, q, Some(message)).await
        }
        Err(
            ChangeError::Stale { .. } | ChangeError::NotFound | ChangeError::WouldBeOverdue { .. },
        ) => {
            render_list(
                &pool,
                clock,
                &user,
                &back_uri,
                q,
                Some("部分任务已不存在,请刷新后重试".into()),
            )
            .await
        }
        Err(ChangeError::Db(e)) => Err(e.into()),
    }
}
