//! `/plans/{id}/matches` (office): 与上年比对 — each item of the plan with last year's item
//! duban proposes it continues (延续, 调整) or none (新增), last year's items left over (未延续);
//! the office accepts a proposal, rejects it (the item is new) or picks another of last year's.

use crate::db::{self, matching::MatchRow};
use crate::rules::plan::MatchLabel;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form, shown_again};
use crate::web::ids::PlanId;
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, render};
use crate::workflows::plan_matching::{self, ReviewInput};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

#[derive(Template)]
#[template(path = "plan_matches.html")]
struct MatchesPage {
    layout: Layout,
    plan_id: i64,
    plan_title: String,
    rows: Vec<MatchRow>,
    /// Last year's items no item of this plan continues: code and text.
    dropped: Vec<(String, String)>,
    counts: [(&'static str, usize); 4],
    /// The row a refused review belongs to, with what was typed.
    failed: Option<(String, ReviewForm)>,
    errors: FieldErrors,
    saved: Option<String>,
}

impl MatchesPage {
    fn label(&self, r: &MatchRow) -> &'static str {
        match r.label.as_str() {
            "continued" => MatchLabel::Continued.label(),
            "changed" => MatchLabel::Changed.label(),
            _ => MatchLabel::New.label(),
        }
    }

    /// The refused form's value of `field` on row `code`, else empty.
    fn typed(&self, code: &str, field: &str) -> String {
        match &self.failed {
            Some((c, f)) if c == code => match field {
                "previous" => f.previous.clone(),
                _ => f.decision.clone(),
            },
            _ => String::new(),
        }
    }

    fn failed_here(&self, code: &str) -> bool {
        self.failed.as_ref().is_some_and(|(c, _)| c == code)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    previous: String,
    #[serde(default)]
    version: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct MatchesQuery {
    saved: Option<String>,
}

async fn page(
    pool: &PgPool,
    user: &CurrentUser,
    plan: i64,
    failed: Option<(String, ReviewForm)>,
    errors: FieldErrors,
    saved: Option<String>,
) -> Result<MatchesPage, AppError> {
    let ctx = plan_context::require(pool, Some(&plan.to_string()), "home", user).await?;
    let rows = db::matching::for_plan(pool, ctx.plan.id).await?;
    let last =
        db::matching::plan_of_year(pool, &ctx.settings.issuer, ctx.settings.year - 1).await?;
    let dropped = match &last {
        Some((last_id, _)) => db::matching::dropped(pool, ctx.plan.id, *last_id).await?,
        None => Vec::new(),
    };
    let count = |l: &str| rows.iter().filter(|r| r.label == l).count();
    let counts = [
        (MatchLabel::Continued.label(), count("continued")),
        (MatchLabel::Changed.label(), count("changed")),
        (MatchLabel::New.label(), count("new")),
        (MatchLabel::Dropped.label(), dropped.len()),
    ];
    Ok(MatchesPage {
        plan_id: ctx.plan.id,
        plan_title: ctx.plan.title,
        rows,
        dropped,
        counts,
        failed,
        errors,
        saved,
        layout: ctx.layout,
    })
}

/// `GET /plans/{id}/matches`.
pub async fn show(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PlanId(id): PlanId,
    super::query::PageQuery(q): super::query::PageQuery<MatchesQuery>,
) -> Result<Response, AppError> {
    let saved = q.saved.filter(|s| s.chars().count() <= 40);
    let p = page(&pool, &user, id, None, FieldErrors::default(), saved).await?;
    Ok(render::ok(&p))
}

/// `POST /plans/{id}/matches/{code}`: the office's review of one item's match.
pub async fn review(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path((id, code)): Path<(String, String)>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, AppError> {
    // An id that is not a number names no plan, as one that names none.
    let id: i64 = id.trim().parse().map_err(|_| PlanId::missing())?;
    let ctx = plan_context::require(&pool, Some(&id.to_string()), "home", &user).await?;
    let Ok(version) = f.version.trim().parse::<i32>() else {
        return Err(AppError::BadRequest(
            "表单无效，请刷新页面后重新操作。".into(),
        ));
    };
    let input = ReviewInput {
        decision: f.decision.clone(),
        previous: f.previous.clone(),
        version,
    };
    let result = plan_matching::review(
        &pool,
        &user.actor(addr),
        user.access(),
        ctx.plan.id,
        &code,
        &input,
    )
    .await;
    let (errors, status) = match result {
        Ok(()) => {
            let to = format!("/plans/{}/matches?saved={code}#m-{code}", ctx.plan.id);
            return Ok(Redirect::to(&to).into_response());
        }
        Err(e) => shown_again(e, "decision")?,
    };
    let p = page(&pool, &user, id, Some((code, f)), errors, None).await?;
    Ok(render::page(status, &p))
}
