//! `/reporting`: for any reporting period, which unit owes a report on which task.

use super::query::PageQuery;
use crate::db::{self, tasks::TaskFilter};
use crate::rules::reporting::{self, UnitOwes};
use crate::rules::schedule::Period;
use crate::web::auth::CurrentUser;
use crate::web::forms::FieldErrors;
use crate::web::pager::{PAGE_SIZE, Pager, page_number, query_of};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, render};
use crate::workflows::progress;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use sqlx::PgPool;
use std::collections::HashSet;

#[derive(Template)]
#[template(path = "reporting.html")]
struct ReportingPage {
    layout: Layout,
    periods: Vec<Period>,
    selected: Option<Period>,
    owed: Vec<UnitOwes>,
    /// Reports owed in the period, over every unit (the table shows a page of units).
    report_count: usize,
    pager: Pager,
    awaiting: Vec<String>,
    error: Option<String>,
    /// Units whose reports of the period are not in yet (missing or still to come).
    outstanding: Vec<UnitOwes>,
    outstanding_pager: Pager,
    urges: Vec<crate::db::urges::UrgeRow>,
    /// The 催办单 numbers of those urges issued one, `(urge id, number)`.
    notices: Vec<(i64, String)>,
    /// The urge text offered for the period shown.
    default_message: String,
    today: chrono::NaiveDate,
    notice: Option<String>,
    urge: UrgeDraft,
    /// 签收: assignments past the plan's window without an answer, `(task code, unit, last
    /// day)`, and the contests awaiting the office.
    unacknowledged: Vec<(String, String, String)>,
    contests: Vec<crate::db::acknowledgements::AcknowledgementRow>,
    acknowledge_days: i32,
}

/// What the office typed into the urge form, kept when it is refused so the page can show the
/// reason beside the field.
#[derive(Debug, Default)]
pub struct UrgeDraft {
    pub errors: FieldErrors,
    pub message: Option<String>,
    /// The units the office ticked before the form was refused; `None` (the form's first
    /// showing, and after sending) ticks none: urging one unit never means unticking others.
    pub units: Option<HashSet<i64>>,
    /// The 签收期限 as typed, when that form was refused (its fault is in `errors`).
    pub window: Option<String>,
}

impl ReportingPage {
    fn notice_number(&self, urge: &i64) -> Option<&str> {
        self.notices
            .iter()
            .find(|(id, _)| id == urge)
            .map(|(_, n)| n.as_str())
    }

    fn ticked(&self, unit: &i64) -> bool {
        self.urge.units.as_ref().is_some_and(|u| u.contains(unit))
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportingQuery {
    plan: Option<String>,
    period: Option<String>,
    urged: Option<String>,
    /// The pages of the units owing reports and of those yet to report. The lists come
    /// from the schedule rules (Rust), so they are computed whole and paged here.
    page: Option<String>,
    upage: Option<String>,
}

impl ReportingQuery {
    /// The first page of a period, as the urge form names it.
    /// The plan's page on its default period.
    pub fn plan(plan: String) -> Self {
        ReportingQuery {
            plan: Some(plan),
            ..Default::default()
        }
    }

    pub fn period(plan: Option<String>, period: String) -> Self {
        ReportingQuery {
            plan,
            period: Some(period),
            ..Default::default()
        }
    }
}

/// `urged=12,34` (the units just urged): the notice naming them.
fn urged_notice(urged: Option<&str>, owed: &[UnitOwes]) -> Option<String> {
    let names: Vec<&str> = urged?
        .split(',')
        .filter_map(|id| id.trim().parse::<i64>().ok())
        .filter_map(|id| owed.iter().find(|u| u.unit_id == id))
        .map(|u| u.unit.as_str())
        .collect();
    (!names.is_empty()).then(|| {
        format!(
            "已向 {} 个单位发出催办：{}。",
            names.len(),
            names.join("、")
        )
    })
}

pub async fn show(
    State(pool): State<PgPool>,
    State(clock): State<crate::web::Clock>,
    user: CurrentUser,
    PageQuery(q): PageQuery<ReportingQuery>,
) -> Result<Response, AppError> {
    page(&pool, clock.today(), &user, q, UrgeDraft::default()).await
}

/// The page for `q`; with a refused urge, answered 422 with its reasons beside the fields.
pub async fn page(
    pool: &PgPool,
    today: chrono::NaiveDate,
    user: &CurrentUser,
    q: ReportingQuery,
    urge: UrgeDraft,
) -> Result<Response, AppError> {
    let pool = pool.clone();
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "reporting", user).await?;
    let settings = ctx.settings.clone();
    let tasks = db::tasks::list(&pool, ctx.plan.id, &TaskFilter::default()).await?;
    let periods = reporting::plan_periods(&settings, &tasks);
    let acknowledge_days = db::plans::acknowledge_days(&pool, ctx.plan.id).await?;
    let unacknowledged = unacknowledged(&tasks, acknowledge_days, today);
    let contests = db::acknowledgements::open_contests(&pool, ctx.plan.id).await?;
    // By default 本期, the period in focus: the one just due (or about to be).
    let wanted = q
        .period
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .or_else(|| {
            // The plan cycle's, as on the summary, when the plan has it; else among all.
            crate::workflows::summary::current_period(&settings, today)
                .filter(|c| periods.iter().any(|p| p.key == c.key))
                .or_else(|| crate::rules::schedule::in_focus(&periods, today).cloned())
                .map(|p| p.key)
        });
    let (selected, owed, awaiting, error) = match wanted {
        Some(key) => {
            let (period, owed, awaiting) = reporting::owed_in(&settings, &tasks, &key);
            let error = period
                .is_none()
                .then(|| format!("本工作要点没有“{key}”这一报送期次"));
            (period, owed, awaiting, error)
        }
        None => (None, Vec::new(), Vec::new(), None),
    };
    let (outstanding, urges) = match &selected {
        Some(p) => (
            progress::outstanding(&pool, &settings, &tasks, &p.key).await?,
            db::urges::for_period(&pool, ctx.plan.id, &p.key).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let urge_ids: Vec<i64> = urges.iter().map(|g| g.id).collect();
    let notices = db::documents::for_subjects(&pool, "urge", &urge_ids)
        .await?
        .into_iter()
        .map(|d| (d.subject_id, d.doc_number))
        .collect();
    let notice = urged_notice(q.urged.as_deref(), &owed);
    let report_count = owed.iter().map(|u| u.tasks.len()).sum();
    let pager = Pager::new(page_number(q.page.as_deref()), PAGE_SIZE, owed.len() as i64);
    let outstanding_pager = Pager::new(
        page_number(q.upage.as_deref()),
        PAGE_SIZE,
        outstanding.len() as i64,
    );
    let period = selected.as_ref().map(|p| p.key.as_str()).unwrap_or("");
    let link = |other: &str, page: i64| {
        let q = [query_of(&[("period", period)]), format!("{other}={page}")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        ctx.layout.href_with("/reporting", &q)
    };
    let (owed, outstanding) = (pager.slice(owed), outstanding_pager.slice(outstanding));
    let (p, up) = (pager.page, outstanding_pager.page);
    let pager = pager.link(link("upage", up), "page");
    let outstanding_pager = outstanding_pager.link(link("page", p), "upage");
    let default_message = selected
        .as_ref()
        .map(|p| progress::default_message(p, today))
        .unwrap_or_default();
    let status = if !urge.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if error.is_some() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    Ok(render::page(
        status,
        &ReportingPage {
            layout: ctx.layout,
            periods,
            selected,
            owed,
            report_count,
            pager,
            outstanding_pager,
            awaiting,
            error,
            outstanding,
            urges,
            notices,
            default_message,
            today,
            notice,
            urge,
            unacknowledged,
            contests,
            acknowledge_days,
        },
    ))
}

/// The open tasks' assignments past the window with no answer, in plan order.
fn unacknowledged(
    tasks: &[db::tasks::TaskRow],
    days: i32,
    today: chrono::NaiveDate,
) -> Vec<(String, String, String)> {
    use crate::rules::acknowledgements::{due, overdue};
    let mut out = Vec::new();
    for t in tasks.iter().filter(|t| t.closed_at.is_none()) {
        let units = t
            .lead_ids
            .iter()
            .zip(&t.lead_names)
            .zip(&t.lead_since)
            .chain(t.co_ids.iter().zip(&t.co_names).zip(&t.co_since));
        for ((id, name), since) in units {
            if !t.answered_ids.contains(id) && overdue(*since, days, today) {
                out.push((
                    t.code.clone(),
                    name.clone(),
                    crate::rules::schedule::prose_date(due(*since, days)),
                ));
            }
        }
    }
    out
}
