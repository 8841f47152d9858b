//! `/tasks`: every task of the plan, filtered by section, unit and role, and words.
//! Filters live in the query string so that a view can be bookmarked and shared.

use super::query::PageQuery;
use super::views::{self, SectionGroup};
use crate::db::{
    self,
    plans::SectionSummary,
    tasks::{TaskFilter, UnitRole},
    units::UnitRow,
};
use crate::web::auth::CurrentUser;
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sqlx::PgPool;

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
}

/// Messages shown beside the filter fields.
#[derive(Default)]
struct FieldErrors {
    section: Option<String>,
    unit: Option<String>,
    role: Option<String>,
    q: Option<String>,
}

impl FieldErrors {
    fn any(&self) -> bool {
        self.section.is_some() || self.unit.is_some() || self.role.is_some() || self.q.is_some()
    }
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    layout: Layout,
    sections: Vec<SectionOption>,
    units: Vec<UnitRow>,
    /// The form's values as given, to show them back.
    section: String,
    unit: String,
    role: String,
    q: String,
    errors: FieldErrors,
    filtered: bool,
    count: usize,
    groups: Vec<SectionGroup>,
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
    units: &[UnitRow],
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
    user: CurrentUser,
    PageQuery(q): PageQuery<TasksQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "tasks", &user).await?;
    let sections = db::plans::sections(&pool, ctx.plan.id).await?;
    let units = db::units::list_for_plan(&pool, ctx.plan.id).await?;
    let (filter, errors) = validate(&q, &sections, &units);
    let rows = if errors.any() {
        Vec::new()
    } else {
        db::tasks::list(&pool, ctx.plan.id, &filter).await?
    };
    let status = if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = TasksPage {
        filtered: filter.section.is_some() || filter.unit_id.is_some() || !filter.words.is_empty(),
        count: rows.len(),
        groups: views::group(rows),
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
