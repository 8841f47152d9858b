//! `/plan` (工作要点): the current plan's title, number and dates, its sections with task counts, and for
//! the office the plan's defaults (deadline, reporting cycle, due days).

use super::query::PageQuery;
use crate::db::{
    self,
    plans::PlanSettings,
    plans::{Erratum, PlanSummary, SectionSummary},
    tasks::{TaskFilter, deadline_of},
};
use crate::rules::schedule::{Cycle, Deadline};
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::{FieldErrors, Form};
use crate::web::plan_context::{self, Layout, PlanContext};
use crate::web::{AppError, render};
use crate::workflows::assignments::{self, ChangeError, PlanSettingsChange};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgPool;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    plan: PlanSummary,
    preamble: String,
    sections: Vec<SectionRow>,
    subsection_total: i64,
    unit_count: i64,
    errata: Vec<Erratum>,
    pending: i64,
    deadline: String,
    cycle: String,
    due_days: i32,
    can_edit: bool,
    form: SettingsForm,
    errors: FieldErrors,
    notice: Option<String>,
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

#[derive(Debug, Default, Deserialize)]
pub struct HomeQuery {
    plan: Option<String>,
    saved: Option<String>,
}

/// The plan-settings form, as stored or as typed.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    deadline_kind: String,
    #[serde(default)]
    deadline_date: String,
    #[serde(default)]
    cycle: String,
    #[serde(default)]
    due_days: String,
}

impl SettingsForm {
    fn of(s: &PlanSettings) -> Self {
        SettingsForm {
            version: s.version.to_string(),
            deadline_kind: s.default_deadline_kind.as_str().to_string(),
            deadline_date: s
                .default_deadline_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            cycle: s.cycle.as_str().to_string(),
            due_days: s.due_days.to_string(),
        }
    }
}

async fn page(
    pool: &PgPool,
    ctx: PlanContext,
    user: &CurrentUser,
    form: Option<SettingsForm>,
    errors: FieldErrors,
    notice: Option<String>,
) -> Result<HomePage, AppError> {
    let id = ctx.plan.id;
    let sections: Vec<SectionSummary> = db::plans::sections(pool, id).await?;
    let unit_count = db::units::count_with_tasks(pool, id).await?;
    let settings = ctx.settings.clone();
    let pending = db::tasks::count(
        pool,
        id,
        &TaskFilter {
            awaiting_designation: true,
            ..TaskFilter::default()
        },
    )
    .await?;
    Ok(HomePage {
        preamble: db::plans::preamble(pool, id).await?,
        errata: db::plans::errata(pool, id).await?,
        subsection_total: sections.iter().map(|s| s.subsection_count).sum(),
        unit_count,
        sections: sections
            .into_iter()
            .map(|s| SectionRow {
                number: s.number,
                label: super::views::section_label(s.number, &s.title),
                subsection_count: s.subsection_count,
                task_count: s.task_count,
            })
            .collect(),
        pending,
        deadline: deadline_of(
            settings.default_deadline_kind,
            settings.default_deadline_date,
            &[],
        )
        .describe(settings.year),
        cycle: settings.cycle.label().to_string(),
        due_days: settings.due_days,
        can_edit: user.access().may_edit_plan(),
        form: form.unwrap_or_else(|| SettingsForm::of(&settings)),
        errors,
        notice,
        plan: ctx.plan,
        layout: ctx.layout,
    })
}

pub async fn show(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PageQuery(q): PageQuery<HomeQuery>,
) -> Result<Response, AppError> {
    let Some(ctx) = plan_context::load(&pool, q.plan.as_deref(), "home", &user).await? else {
        return Ok(render::ok(&EmptyPage {
            layout: plan_context::bare_layout("home", Some(&user)),
        }));
    };
    let notice = q.saved.map(|_| "已保存。".to_string());
    Ok(render::ok(
        &page(&pool, ctx, &user, None, FieldErrors::default(), notice).await?,
    ))
}

fn read(f: &SettingsForm) -> Result<(i32, Deadline, Cycle, i32), (&'static str, String)> {
    let version = f
        .version
        .trim()
        .parse()
        .map_err(|_| ("form", "表单缺少版本号，请刷新页面后重试".to_string()))?;
    let deadline = match f.deadline_kind.as_str() {
        "ongoing" => Deadline::Ongoing,
        "year_end" => Deadline::YearEnd,
        "date" => Deadline::Date(
            NaiveDate::parse_from_str(f.deadline_date.trim(), "%Y-%m-%d").map_err(|_| {
                (
                    "default_deadline",
                    "请填写完成日期，格式如 2022-12-31".to_string(),
                )
            })?,
        ),
        _ => return Err(("default_deadline", "请选择默认时限".into())),
    };
    let cycle = Cycle::parse(&f.cycle).ok_or(("cycle", "请选择报送周期".to_string()))?;
    let due_days = f
        .due_days
        .trim()
        .parse()
        .map_err(|_| ("due_days", "请填写 0 至 90 之间的天数".to_string()))?;
    Ok((version, deadline, cycle, due_days))
}

/// `POST /plans/{id}/settings`.
pub async fn save_settings(
    State(pool): State<PgPool>,
    State(clock): State<crate::web::Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(id): Path<String>,
    Form(f): Form<SettingsForm>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, Some(&id), "home", &user).await?;
    let result = match read(&f) {
        Ok((version, default_deadline, cycle, due_days)) => {
            let actor = user.actor(addr);
            let change = PlanSettingsChange {
                version,
                default_deadline,
                cycle,
                due_days,
            };
            assignments::change_plan_settings(&pool, &actor, ctx.plan.id, change, clock.today())
                .await
        }
        Err((field, message)) => Err(ChangeError::Field { field, message }),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&ctx.layout.href_with("/plan", "saved=1")).into_response()),
        Err(ChangeError::Stale { current }) => {
            let conflict = ChangeError::Stale { current }
                .to_string()
                .replace("该任务", "工作要点设置");
            let p = page(
                &pool,
                ctx,
                &user,
                None,
                FieldErrors::single("form", conflict),
                None,
            )
            .await?;
            Ok(render::page(StatusCode::CONFLICT, &p))
        }
        Err(ChangeError::Field { field, message }) => {
            let p = page(
                &pool,
                ctx,
                &user,
                Some(f),
                FieldErrors::single(field, message),
                None,
            )
            .await?;
            Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(ChangeError::NotFound | ChangeError::WouldBeOverdue { .. }) => {
            Err(AppError::NotFound("找不到该工作要点".into()))
        }
        Err(ChangeError::Db(e)) => Err(e.into()),
    }
}
