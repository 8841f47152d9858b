//! `/review`, 审核: the office's queue of submitted reports, oldest first, each with its task's
//! title, the unit, the period by name, the days it has waited and whether it came in late;
//! below, the coordination requests awaiting an answer. After 采纳 or 退回 the office is taken
//! to the next report in the queue ([`after_decision`]), or back here when all are done.

use super::query::PageQuery;
use crate::db::{self, reports::ReportRow};
use crate::rules::schedule::Period;
use crate::web::auth::CurrentUser;
use crate::web::pager::{PAGE_SIZE, Pager, page_number, query_of};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use crate::workflows::progress::ReviewState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgPool;
use std::collections::HashMap;

/// One report of the queue, as the office reads it.
pub struct QueueRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub unit_name: String,
    /// `2022年第三季度`.
    pub period_label: String,
    pub submitted: String,
    /// Whole days since it was submitted (0 on the day).
    pub waiting_days: i64,
    /// First submitted after its due date.
    pub late: bool,
    pub status: &'static str,
    pub self_assessment: &'static str,
}

/// The label of a period key, the key itself where it is not one.
pub fn period_label(key: &str) -> String {
    Period::parse(key, 0).map_or_else(|| key.to_string(), |(_, p)| p.label)
}

/// Days a report submitted on `submitted` has waited on `today`; never negative (a clock set
/// back, as the demo's is, before the real submission).
pub fn waiting_days(submitted: NaiveDate, today: NaiveDate) -> i64 {
    (today - submitted).num_days().max(0)
}

fn local_day(t: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    t.with_timezone(&chrono::Local).date_naive()
}

/// The queue's rows for `reports`, titles looked up in `titles` (code → text).
pub fn rows(
    reports: Vec<ReportRow>,
    titles: &HashMap<String, String>,
    today: NaiveDate,
) -> Vec<QueueRow> {
    reports
        .into_iter()
        .map(|r| {
            let submitted = r.submitted_at.map(local_day);
            let first = r.first_submitted_at.map(local_day).or(submitted);
            QueueRow {
                id: r.id,
                title: titles.get(&r.code).cloned().unwrap_or_default(),
                period_label: period_label(&r.period),
                submitted: r.submitted_at.map_or_else(String::new, |t| {
                    t.with_timezone(&chrono::Local)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                }),
                waiting_days: submitted.map_or(0, |s| waiting_days(s, today)),
                late: first.is_some_and(|f| f > r.due_on),
                status: r.status.label(),
                self_assessment: r.self_assessment.label(),
                code: r.code,
                unit_name: r.unit_name,
            }
        })
        .collect()
}

/// Code → task text of a plan's tasks.
pub async fn titles(pool: &PgPool, plan_id: i64) -> Result<HashMap<String, String>, AppError> {
    Ok(
        db::tasks::list(pool, plan_id, &db::tasks::TaskFilter::default())
            .await?
            .into_iter()
            .map(|t| (t.code, t.text))
            .collect(),
    )
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    layout: Layout,
    reports: Vec<QueueRow>,
    pager: Pager,
    coordination: Vec<db::coordination::OpenCoordination>,
    coordination_pager: Pager,
    units: Vec<db::users::UnitChoice>,
    sections: Vec<(i32, String)>,
    unit: String,
    section: String,
    notice: Option<String>,
}

impl ReviewPage {
    fn period_label(&self, key: &str) -> String {
        period_label(key)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ReviewQuery {
    plan: Option<String>,
    unit: Option<String>,
    section: Option<String>,
    /// The pages of the reports and of the coordination requests.
    page: Option<String>,
    cpage: Option<String>,
    /// The report just decided, named in the notice.
    reviewed: Option<String>,
}

pub async fn review(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    PageQuery(q): PageQuery<ReviewQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "review", &user).await?;
    let unit = q.unit.unwrap_or_default().trim().to_string();
    let section = q.section.unwrap_or_default().trim().to_string();
    let unit_id = (!unit.is_empty())
        .then(|| unit.parse::<i64>())
        .transpose()
        .map_err(|_| AppError::BadRequest("单位编号无效。".into()))?;
    let section_no = (!section.is_empty())
        .then(|| section.parse::<i32>())
        .transpose()
        .map_err(|_| AppError::BadRequest("部分编号无效。".into()))?;
    let plan = ctx.plan.id;
    let pager = Pager::new(
        page_number(q.page.as_deref()),
        PAGE_SIZE,
        db::reports::count_submitted(&pool, plan, unit_id, section_no).await?,
    );
    let coordination_pager = Pager::new(
        page_number(q.cpage.as_deref()),
        PAGE_SIZE,
        db::coordination::count_open_in_plan(&pool, plan).await?,
    );
    let reports = db::reports::submitted(
        &pool,
        plan,
        unit_id,
        section_no,
        db::Window {
            limit: pager.per_page,
            offset: pager.offset(),
        },
    )
    .await?;
    let coordination = db::coordination::open_in_plan(
        &pool,
        plan,
        db::Window {
            limit: coordination_pager.per_page,
            offset: coordination_pager.offset(),
        },
    )
    .await?;
    let notice = match q.reviewed.as_deref().map(str::parse::<i64>) {
        Some(Ok(id)) => decided(&pool, &user, id).await?.map(|d| {
            if pager.total == 0 {
                format!("{d}待审核的进展情况已全部审核完毕。")
            } else {
                d
            }
        }),
        _ => None,
    };
    let filters = query_of(&[("unit", &unit), ("section", &section)]);
    let with = |extra: String| {
        let q = [filters.as_str(), extra.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        ctx.layout.href_with("/review", &q)
    };
    let page = ReviewPage {
        pager: pager
            .clone()
            .link(with(format!("cpage={}", coordination_pager.page)), "page"),
        coordination_pager: coordination_pager
            .clone()
            .link(with(format!("page={}", pager.page)), "cpage"),
        reports: rows(reports, &titles(&pool, plan).await?, clock.today()),
        coordination,
        units: db::units::choices_for_plan(&pool, plan).await?,
        sections: db::plans::sections(&pool, plan)
            .await?
            .into_iter()
            .map(|s| (s.number, super::views::section_label(s.number, &s.title)))
            .collect(),
        unit,
        section,
        notice,
        layout: ctx.layout,
    };
    Ok(render::ok(&page))
}

/// What was just decided about report `id`, in words (`已采纳：1.3.1（公安部，2022年第二季度）。`),
/// for one who may review; `None` where it is not decided or not theirs to know.
pub async fn decided(
    pool: &PgPool,
    user: &CurrentUser,
    id: i64,
) -> Result<Option<String>, AppError> {
    if !user.access().may_review() {
        return Ok(None);
    }
    let Some(r) = db::reports::get(pool, id).await? else {
        return Ok(None);
    };
    let verb = match r.review_state {
        ReviewState::Accepted => "已采纳",
        ReviewState::Returned => "已退回",
        _ => return Ok(None),
    };
    Ok(Some(format!(
        "{verb}：{}（{}，{}）。",
        r.code,
        r.unit_name,
        period_label(&r.period)
    )))
}

/// Where the office goes after deciding on report `id` of plan `plan_id`: the oldest report
/// still waiting, or the empty queue; either names what was decided.
pub async fn after_decision(pool: &PgPool, plan_id: i64, id: i64) -> Result<Response, AppError> {
    let next = db::reports::submitted(
        pool,
        plan_id,
        None,
        None,
        db::Window {
            limit: 1,
            offset: 0,
        },
    )
    .await?;
    let to = match next.first() {
        Some(n) => format!("/reports/{}?reviewed={id}#review", n.id),
        None => format!("/review?plan={plan_id}&reviewed={id}"),
    };
    Ok(Redirect::to(&to).into_response())
}
