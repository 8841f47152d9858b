//! `/units` and `/units/{id}`: member units and their tasks as lead and as co-responsible.

use super::query::PageQuery;
use super::views::TaskView;
use crate::db::{
    self,
    tasks::{TaskFilter, UnitRole},
    units::UnitRow,
};
use crate::rules::notices;
use crate::rules::schedule::period_label;
use crate::web::Clock;
use crate::web::auth::ClientAddr;
use crate::web::auth::CurrentUser;
use crate::web::forms::{FieldErrors, Form};
use crate::web::ids::UnitId;
use crate::web::pager::{PAGE_SIZE, Pager, page_number};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, render};
use crate::workflows::assignments::{self, ChangeError};
use crate::workflows::progress;
use crate::workflows::unit_record::{self, RecordRow};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    layout: Layout,
    units: Vec<UnitRow>,
    pager: Pager,
    can_edit: bool,
    short_name: String,
    full_name: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "unit.html")]
pub(super) struct UnitPage {
    layout: Layout,
    plan_title: String,
    unit: UnitRow,
    lead_tasks: Vec<TaskView>,
    lead_pager: Pager,
    co_tasks: Vec<TaskView>,
    co_pager: Pager,
    /// 报送记录: per period, the unit's reports on time, late, missing, returned, not yet due.
    record: Vec<RecordRow>,
    /// The unit has no liaison account: it cannot report by itself.
    no_liaison: bool,
    /// 通知渠道, for the office: the form's values (as stored, or as just typed).
    channels: Option<ChannelsForm>,
    /// The webhook has a secret (never shown).
    has_secret: bool,
    errors: FieldErrors,
    saved: bool,
    /// The reader may open the unit's 督办事项一览 (the office, leaders, its own liaisons).
    may_brief: bool,
    /// 单位负责人签发, for the office: whether it is on, and the unit's heads.
    pub(super) sign_off: Option<SignOffSetting>,
}

/// The unit's sign-off switch as the office sees it.
#[derive(Debug, Clone)]
pub(super) struct SignOffSetting {
    pub on: bool,
    /// Active unit head accounts: without one, sign-off cannot be switched on.
    pub heads: i64,
    /// Saved just now.
    pub saved: bool,
}

/// The unit's contact address and webhook, as the office types them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChannelsForm {
    plan: Option<String>,
    pub contact_email: Option<String>,
    pub webhook_url: Option<String>,
    /// A new secret; empty keeps the one set.
    pub webhook_secret: Option<String>,
    /// `1` removes the secret.
    pub clear_secret: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct UnitsQuery {
    plan: Option<String>,
    page: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct UnitQuery {
    pub(super) plan: Option<String>,
    /// The pages of the two task lists.
    pub(super) lead_page: Option<String>,
    pub(super) co_page: Option<String>,
    /// After the channels were saved.
    pub(super) saved: Option<String>,
    /// After the sign-off switch was saved.
    pub(super) sign_off_saved: Option<String>,
}

/// A page of the directory's units, with links keeping the plan.
async fn units_page(
    pool: &PgPool,
    layout: &Layout,
    plan_id: i64,
    page: i64,
) -> Result<(Vec<UnitRow>, Pager), AppError> {
    let total = db::units::count_for_plan(pool, plan_id).await?;
    let pager = Pager::new(page, PAGE_SIZE, total).link(layout.href("/units"), "page");
    let units = db::units::page_for_plan(
        pool,
        plan_id,
        db::Window {
            limit: pager.per_page,
            offset: pager.offset(),
        },
    )
    .await?;
    Ok((units, pager))
}

pub async fn list(
    State(pool): State<PgPool>,
    user: CurrentUser,
    PageQuery(q): PageQuery<UnitsQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "units", &user).await?;
    let page = page_number(q.page.as_deref());
    let (units, pager) = units_page(&pool, &ctx.layout, ctx.plan.id, page).await?;
    Ok(render::ok(&UnitsPage {
        layout: ctx.layout,
        units,
        pager,
        can_edit: user.access().may_edit_plan(),
        short_name: String::new(),
        full_name: String::new(),
        errors: FieldErrors::default(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct NewUnitForm {
    plan: Option<String>,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    full_name: String,
}

/// `POST /units`: a unit missing from the plan's directory.
pub async fn create(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Form(f): Form<NewUnitForm>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "units", &user).await?;
    let actor = user.actor(addr);
    match assignments::add_unit(&pool, &actor, ctx.plan.id, &f.short_name, &f.full_name).await {
        Ok(id) => Ok(Redirect::to(&ctx.layout.href(&format!("/units/{id}"))).into_response()),
        Err(ChangeError::Field { field, message }) => {
            let (units, pager) = units_page(&pool, &ctx.layout, ctx.plan.id, 1).await?;
            Ok(render::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &UnitsPage {
                    layout: ctx.layout,
                    units,
                    pager,
                    can_edit: true,
                    short_name: f.short_name,
                    full_name: f.full_name,
                    errors: FieldErrors::single(field, message),
                },
            ))
        }
        Err(
            ChangeError::NotFound | ChangeError::Stale { .. } | ChangeError::WouldBeOverdue { .. },
        ) => Err(AppError::NotFound("找不到该工作要点".into())),
        Err(ChangeError::Db(e)) => Err(e.into()),
    }
}

pub async fn show(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    UnitId(id): UnitId,
    PageQuery(q): PageQuery<UnitQuery>,
) -> Result<Response, AppError> {
    let saved = q.saved.is_some();
    let mut page = page(&pool, clock, &user, id, &q, None, FieldErrors::default()).await?;
    if let Some(s) = &mut page.sign_off {
        s.saved = q.sign_off_saved.is_some();
    }
    Ok(render::ok(&UnitPage { saved, ..page }))
}

/// `POST /units/{id}/channels` (office): the unit's contact address and webhook. A field left
/// out of the form is left as it is; an address that is not one is refused beside its field.
pub async fn save_channels(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    UnitId(id): UnitId,
    Form(f): Form<ChannelsForm>,
) -> Result<Response, AppError> {
    let mut stored = db::units::channels(&pool, id)
        .await?
        .ok_or_else(UnitId::missing)?;
    let mut errors = FieldErrors::default();
    let optional = |raw: &Option<String>, check: fn(&str) -> Result<String, String>| match raw
        .as_deref()
        .map(str::trim)
    {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(v) => check(v).map(|v| Some(Some(v))),
    };
    match optional(&f.contact_email, notices::check_email) {
        Ok(Some(v)) => stored.contact_email = v,
        Ok(None) => {}
        Err(m) => errors.add("contact_email", m),
    }
    match optional(&f.webhook_url, notices::check_webhook_url) {
        Ok(Some(v)) => stored.webhook_url = v,
        Ok(None) => {}
        Err(m) => errors.add("webhook_url", m),
    }
    match f
        .webhook_secret
        .as_deref()
        .map(notices::check_webhook_secret)
    {
        Some(Err(m)) => errors.add("webhook_secret", m),
        Some(Ok(Some(s))) => stored.webhook_secret = Some(s),
        _ => {}
    }
    if f.clear_secret.as_deref() == Some("1") {
        stored.webhook_secret = None;
    }
    let q = UnitQuery {
        plan: f.plan.clone(),
        ..UnitQuery::default()
    };
    if !errors.is_empty() {
        let page = page(&pool, clock, &user, id, &q, Some(f), errors).await?;
        return Ok(render::page(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    db::units::set_channels(&pool, id, &stored).await?;
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "units", &user).await?;
    Ok(Redirect::to(&ctx.layout.href_with(&format!("/units/{id}"), "saved=1")).into_response())
}

/// The unit's page for `user`; `typed` and `errors` when a form of it is shown again.
#[allow(clippy::too_many_arguments)]
pub(super) async fn page(
    pool: &PgPool,
    clock: Clock,
    user: &CurrentUser,
    id: i64,
    q: &UnitQuery,
    typed: Option<ChannelsForm>,
    errors: FieldErrors,
) -> Result<UnitPage, AppError> {
    let pool = pool.clone();
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "units", user).await?;
    let missing = UnitId::missing;
    let unit = db::units::get(&pool, ctx.plan.id, id)
        .await?
        .ok_or_else(missing)?;
    let base = ctx.layout.href(&format!("/units/{id}"));
    // Each list keeps the other's page in its links.
    let (lead_page, co_page) = (
        page_number(q.lead_page.as_deref()),
        page_number(q.co_page.as_deref()),
    );
    let tasks_as = |role| TaskFilter {
        unit_id: Some(id),
        role: Some(role),
        ..TaskFilter::default()
    };
    let lead_pager = Pager::new(lead_page, PAGE_SIZE, unit.lead_count);
    let co_pager = Pager::new(co_page, PAGE_SIZE, unit.co_count);
    let with = |base: &str, k: &str, v: i64| {
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}{k}={v}")
    };
    let lead_tasks = db::tasks::page(
        &pool,
        ctx.plan.id,
        &tasks_as(UnitRole::Lead),
        Some(db::Window {
            limit: lead_pager.per_page,
            offset: lead_pager.offset(),
        }),
    )
    .await?;
    let co_tasks = db::tasks::page(
        &pool,
        ctx.plan.id,
        &tasks_as(UnitRole::Co),
        Some(db::Window {
            limit: co_pager.per_page,
            offset: co_pager.offset(),
        }),
    )
    .await?;
    let today = clock.today();
    // The unit's whole record, over all its tasks (the lists above are pages of them).
    let all = db::tasks::list(
        &pool,
        ctx.plan.id,
        &TaskFilter {
            unit_id: Some(id),
            ..TaskFilter::default()
        },
    )
    .await?;
    let ids: Vec<i64> = all.iter().map(|t| t.id).collect();
    let reports = db::reports::briefs_for_tasks(&pool, &ids).await?;
    let states = progress::judge_all(&ctx.settings, &all, &reports, today);
    let record = unit_record::build(&ctx.settings, &all, &reports, id, today);
    // Each row: the unit's own light on the task (the summary's red and yellow by unit count
    // these), the task's status, the period of its latest report by name.
    let view = |t: db::tasks::TaskRow| -> TaskView {
        let state = states.get(&t.id);
        let mut v = TaskView::from(t);
        if let Some(s) = state {
            v.light = Some(
                s.units
                    .iter()
                    .find(|(u, _)| *u == id)
                    .map_or(s.light, |(_, j)| j.light),
            );
            v.status = Some(s.status);
            v.latest_period = s.latest_period.as_deref().map(period_label);
        }
        v
    };
    let no_liaison = !db::units::with_liaison(&pool).await?.contains(&id);
    let stored = db::units::channels(&pool, id).await?.unwrap_or_default();
    let has_secret = stored.webhook_secret.is_some();
    let sign_off = match user.access().may_set_sign_off() {
        true => Some(SignOffSetting {
            on: db::sign_offs::unit_needs(&pool, id).await?.unwrap_or(false),
            heads: db::sign_offs::heads(&pool, id).await?,
            saved: false,
        }),
        false => None,
    };
    let channels = user.access().may_edit_plan().then(|| {
        typed.unwrap_or(ChannelsForm {
            contact_email: stored.contact_email,
            webhook_url: stored.webhook_url,
            ..ChannelsForm::default()
        })
    });
    Ok(UnitPage {
        may_brief: user.access().may_read_document_to(&[id]),
        sign_off,
        channels,
        has_secret,
        errors,
        saved: false,
        plan_title: ctx.plan.title,
        lead_pager: lead_pager.link(with(&base, "co_page", co_pager.page), "lead_page"),
        co_pager: co_pager.link(with(&base, "lead_page", lead_page), "co_page"),
        unit,
        lead_tasks: lead_tasks.into_iter().map(view).collect(),
        co_tasks: co_tasks.into_iter().map(view).collect(),
        record,
        no_liaison,
        layout: ctx.layout,
    })
}

impl UnitPage {
    fn date(&self, d: &chrono::NaiveDate) -> String {
        crate::rules::schedule::prose_date(*d)
    }
}
