//! `/summary`: the leaders' one page. Every figure links to the `/tasks` view that explains it;
//! `?as_of=YYYY-MM-DD` shows the page as it stood on that date.

use super::query::PageQuery;
use super::year_over::YearOver;
use crate::rules::lights::Punctuality;
use crate::rules::schedule::{period_label, point_label, prose_date};
use crate::web::auth::CurrentUser;
use crate::web::charts::{
    BarLayout, BarRow, LineChart, LineLayout, Segment, Series, ShareBar, ShareLayout, StackedBars,
};
use crate::web::ids::EditionId;
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use crate::workflows::progress;
use crate::workflows::summary::{self, Summary, SummaryCache};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "summary.html")]
struct SummaryPage {
    layout: Layout,
    s: Summary,
    plan_title: String,
    /// The latest accepted reports the reader may read, as accepted (a liaison's own unit's).
    latest: Vec<crate::db::reports::ReportRow>,
    as_of_param: String,
    /// A liaison sees the unit rows of their own unit only.
    own_unit: Option<i64>,
    today: NaiveDate,
    /// For an edition: its title and id; the live page has none.
    edition: Option<String>,
    edition_id: i64,
    /// The edition's 通报 once numbered; shown with its download to its readers.
    bulletin: Option<crate::db::documents::DocumentRow>,
    /// The reader may download the 通报 (office, leaders) and issue it (office).
    may_read_bulletin: bool,
    may_issue_bulletin: bool,
    share: ShareLayout,
    section_bars: BarLayout,
    trend_chart: LineLayout,
    /// The plan's year is over and the page is not looking back into it.
    year_over: Option<YearOver>,
    /// A leader's own 本月批示 `(written, closed)`, beside everyone's (the live page only).
    own_instructions: Option<(i64, i64)>,
}

fn seg(value: u32, class: &'static str, label: &str) -> Segment {
    Segment {
        value,
        class,
        label: format!("{label} {value}"),
    }
}

/// The charts of a summary; their figures are the tables beside them.
/// A liaison sees only their own unit's rows of the by-unit table and the compliance grid;
/// returns that unit.
fn keep_own_unit(s: &mut Summary, user: &CurrentUser) -> Option<i64> {
    let scope = user.access().scope();
    scope.retain(&mut s.units, |l| l.unit_id);
    scope.retain(&mut s.grid, |g| g.unit_id);
    user.access().own_unit()
}

fn charts(s: &Summary, layout: &Layout) -> (ShareLayout, BarLayout, LineLayout) {
    let t = &s.totals;
    let share = ShareBar {
        title: "全部任务的灯色".into(),
        description: format!(
            "共 {} 项任务：红灯 {}，黄灯 {}，绿灯 {}，已办结 {}",
            t.tasks, t.red, t.yellow, t.green, t.closed
        ),
        segments: vec![
            seg(t.red, "red", "红灯"),
            seg(t.yellow, "yellow", "黄灯"),
            seg(t.green, "green", "绿灯"),
            seg(t.closed, "grey", "已办结"),
        ],
    }
    .layout();
    let bars = StackedBars {
        title: "各部分任务灯色".into(),
        description: "每个部分的红灯、黄灯、绿灯和已办结任务数".into(),
        rows: s
            .sections
            .iter()
            .map(|g| BarRow {
                label: g.label.clone(),
                segments: vec![
                    seg(g.red, "red", "红灯"),
                    seg(g.yellow, "yellow", "黄灯"),
                    seg(g.green, "green", "绿灯"),
                    seg(g.grey, "grey", "已办结"),
                ],
                href: Some(layout.href_with("/tasks", &format!("section={}", g.section))),
            })
            .collect(),
    }
    .layout();
    let trend = LineChart {
        title: "已办结与红灯任务的变化".into(),
        description: "各报送期末的已办结任务数和红灯任务数".into(),
        x_labels: s.trend.iter().map(|p| point_label(&p.label)).collect(),
        series: vec![
            Series {
                name: "已办结".into(),
                class: "grey",
                points: s.trend.iter().map(|p| p.closed).collect(),
            },
            Series {
                name: "红灯".into(),
                class: "red",
                points: s.trend.iter().map(|p| p.red).collect(),
            },
        ],
    }
    .layout();
    (share, bars, trend)
}

impl SummaryPage {
    /// A trend point (a period key or a date) in words.
    fn point(&self, label: &str) -> String {
        point_label(label)
    }

    fn period_label(&self, key: &str) -> String {
        period_label(key)
    }

    fn date(&self, d: &NaiveDate) -> String {
        prose_date(*d)
    }

    fn cell_class(&self, p: &Option<Punctuality>) -> &'static str {
        p.map_or("none", Punctuality::as_str)
    }

    fn is_missing(&self, p: &Option<Punctuality>) -> bool {
        *p == Some(Punctuality::Missing)
    }

    fn cell_label(&self, p: &Option<Punctuality>) -> &'static str {
        p.map_or("—", Punctuality::label)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SummaryQuery {
    plan: Option<String>,
    as_of: Option<String>,
    sort: Option<String>,
}

pub async fn show(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    State(summaries): State<Arc<SummaryCache>>,
    user: CurrentUser,
    PageQuery(q): PageQuery<SummaryQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "summary", &user).await?;
    let today = clock.today();
    let as_of_param = q.as_of.unwrap_or_default().trim().to_string();
    let as_of = match as_of_param.as_str() {
        "" => today,
        s => crate::rules::input::parse_date(s)
            .filter(|d| *d <= today)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "日期“{s}”无效：应为今天或以前的日期，格式如 2022-07-01。"
                ))
            })?,
    };
    let mut s = summary::load_cached(&pool, &summaries, ctx.plan.id, as_of, today)
        .await?
        .as_ref()
        .clone()
        .ok_or_else(|| AppError::NotFound("找不到该工作要点".into()))?;
    let sort = q.sort.unwrap_or_default();
    match sort.as_str() {
        "red" => s
            .units
            .sort_by_key(|u| std::cmp::Reverse((u.red, u.yellow))),
        "missing" => s
            .units
            .sort_by_key(|u| std::cmp::Reverse((u.missing, u.late))),
        "led" => s.units.sort_by_key(|u| std::cmp::Reverse(u.led)),
        _ => {}
    }
    crate::workflows::red_list::note(&pool, &mut s).await?;
    let own_unit = keep_own_unit(&mut s, &user);
    let (share, section_bars, trend_chart) = charts(&s, &ctx.layout);
    let year_over = YearOver::of(ctx.settings.year, today, &ctx.layout)
        .filter(|_| crate::rules::schedule::year_over(ctx.settings.year, as_of).is_some());
    let own_instructions = if user.access().may_write_instruction() {
        let (from, _) = crate::rules::instructions::month_of(as_of);
        let mine =
            crate::db::instructions::counts(&pool, ctx.plan.id, Some(user.id), from, as_of).await?;
        Some(mine)
    } else {
        None
    };
    Ok(render::ok(&SummaryPage {
        own_instructions,
        share,
        section_bars,
        trend_chart,
        year_over,
        latest: progress::latest_accepted(&pool, user.access(), ctx.plan.id, 10)
            .await?
            .into_iter()
            .map(|v| v.report)
            .collect(),
        plan_title: ctx.plan.title,
        layout: ctx.layout,
        s,
        as_of_param,
        own_unit,
        today,
        edition: None,
        edition_id: 0,
        bulletin: None,
        may_read_bulletin: false,
        may_issue_bulletin: false,
    }))
}

/// `/editions/{id}`: an edition, rendered from its frozen summary with the same page.
pub async fn edition(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    EditionId(id): EditionId,
) -> Result<Response, AppError> {
    let missing = EditionId::missing;
    let row = crate::db::editions::get(&pool, id)
        .await?
        .ok_or_else(missing)?;
    let ctx =
        plan_context::require(&pool, Some(&row.plan_id.to_string()), "editions", &user).await?;
    let mut s = crate::workflows::editions::summary_of(&row)
        .ok_or_else(|| AppError::Internal("edition snapshot unreadable".into()))?;
    let own_unit = keep_own_unit(&mut s, &user);
    let (share, section_bars, trend_chart) = charts(&s, &ctx.layout);
    let bulletin = crate::db::documents::for_subject(&pool, row.plan_id, "bulletin", row.id)
        .await?
        .into_iter()
        .next();
    Ok(render::ok(&SummaryPage {
        share,
        section_bars,
        trend_chart,
        year_over: None,
        own_instructions: None,
        latest: Vec::new(),
        plan_title: ctx.plan.title,
        layout: ctx.layout,
        as_of_param: s.as_of.to_string(),
        s,
        own_unit,
        today: clock.today(),
        edition: Some(format!("督办通报 {}", row.title())),
        edition_id: row.id,
        bulletin,
        may_read_bulletin: user.access().may_read_bulletin(),
        may_issue_bulletin: user.access().may_issue_documents(),
    }))
}
