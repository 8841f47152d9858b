//! `/tasks/{code}`: one whole item, its place in the plan and its units.

use super::query::{PageQuery, PlanOnly};
use super::views::TaskView;
use crate::db;
use crate::web::auth::CurrentUser;
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
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
}

/// `1.3.6`-shaped codes only; anything else cannot name a task.
fn is_code(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

pub async fn show(
    State(pool): State<PgPool>,
    user: CurrentUser,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<PlanOnly>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "tasks", &user).await?;
    let missing = || AppError::NotFound(format!("本工作要点中没有编号为“{code}”的任务。"));
    if !is_code(&code) {
        return Err(missing());
    }
    let row = db::tasks::get_by_code(&pool, ctx.plan.id, &code)
        .await?
        .ok_or_else(missing)?;
    let (previous, next) = db::tasks::neighbours(&pool, ctx.plan.id, row.position).await?;
    let errata = db::tasks::errata(&pool, row.id).await?;
    let page = TaskPage {
        plan_title: ctx.plan.title,
        task: row.into(),
        errata,
        previous,
        next,
        layout: ctx.layout,
    };
    Ok(render::ok(&page))
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
