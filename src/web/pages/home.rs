//! `/`: the current plan's title, number and dates, and its sections with task counts.

use super::query::{PageQuery, PlanOnly};
use crate::db::{self, plans::Erratum, plans::PlanSummary, plans::SectionSummary};
use crate::web::auth::CurrentUser;
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, render};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use sqlx::PgPool;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    plan: PlanSummary,
    preamble: String,
    sections: Vec<SectionRow>,
    subsection_total: i64,
    unit_count: usize,
    errata: Vec<Erratum>,
}

struct SectionRow {
    number: i32,
    label: String,
    subsection_count: i64,
    task_count: i64,
}

#[derive(Template)]
#[template(path = "empty.html")]
struct EmptyPage {
    layout: Layout,
}

pub async fn show(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PageQuery(q): PageQuery<PlanOnly>,
) -> Result<Response, AppError> {
    let Some(ctx) = plan_context::load(&pool, q.plan.as_deref(), "home", &user).await? else {
        return Ok(render::ok(&EmptyPage {
            layout: plan_context::bare_layout("home", Some(&user)),
        }));
    };
    let id = ctx.plan.id;
    let sections: Vec<SectionSummary> = db::plans::sections(&pool, id).await?;
    let units = db::units::list_for_plan(&pool, id).await?;
    let page = HomePage {
        preamble: db::plans::preamble(&pool, id).await?,
        errata: db::plans::errata(&pool, id).await?,
        subsection_total: sections.iter().map(|s| s.subsection_count).sum(),
        unit_count: units
            .iter()
            .filter(|u| u.lead_count + u.co_count > 0)
            .count(),
        sections: sections
            .into_iter()
            .map(|s| SectionRow {
                number: s.number,
                label: super::views::section_label(s.number, &s.title),
                subsection_count: s.subsection_count,
                task_count: s.task_count,
            })
            .collect(),
        plan: ctx.plan,
        layout: ctx.layout,
    };
    Ok(render::ok(&page))
}
