//! `/my`, 我的任务: a liaison's desk. Urges to sign for, then what to report by urgency
//! (被退回, 已逾期, 本期应报, 草稿, 以后; [`crate::rules::urgency`]), each task once with its
//! periods under it; the unit's whole task list is `/tasks`.

use super::query::PageQuery;
use crate::db::{self, tasks::TaskFilter};
use crate::rules::reporting;
use crate::rules::schedule::{Period, focus_of_cycle};
use crate::rules::urgency::{self, Bucket, TaskIndex, Urgency};
use crate::web::auth::CurrentUser;
use crate::web::pager::{PAGE_SIZE, Pager, page_number};
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;

#[derive(Template)]
#[template(path = "my.html")]
struct MyPage {
    layout: Layout,
    unit_name: String,
    /// The period in focus (本期), by its label.
    focus: Option<Period>,
    buckets: Vec<Bucket>,
    task_count: usize,
    urges: Vec<db::urges::UrgeRow>,
    urge_pager: Pager,
    unread: i64,
    /// 领导批示 relayed to the unit and awaiting its answer.
    instructions: Vec<super::instructions::Line>,
    /// The unit's reports waiting for its head's sign-off (签发).
    sign_offs: Vec<db::sign_offs::Waiting>,
    /// The reader is the unit's head, who signs them off.
    signs_off: bool,
}

impl MyPage {
    fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        t.with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    fn period(&self, key: &str) -> String {
        crate::rules::schedule::period_label(key)
    }

    /// The buckets open at first sight: the pressing ones; 以后 stays folded.
    fn open(&self, b: &Bucket) -> bool {
        b.urgency != Urgency::Later
    }

    /// `2022年第三季度` for the key `2022-Q3` (an unknown key as it is).
    fn period_label(&self, key: &str) -> String {
        Period::parse(key, 0).map_or_else(|| key.to_string(), |(_, p)| p.label)
    }

    fn nothing_to_do(&self) -> bool {
        self.buckets
            .iter()
            .all(|b| b.urgency == Urgency::Later || b.tasks.is_empty())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct MyQuery {
    plan: Option<String>,
    /// The page of the urges.
    urge_page: Option<String>,
}

pub async fn my(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    PageQuery(q): PageQuery<MyQuery>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "my", &user).await?;
    // “我的任务” is a liaison's page; the others have their own starting points.
    let Some(unit_id) = user.unit_id else {
        let home = if user.access().may_review() {
            "/"
        } else {
            "/plan"
        };
        return Ok(Redirect::to(&ctx.layout.href(home)).into_response());
    };
    let today = clock.today();
    let settings = ctx.settings.clone();
    let filter = TaskFilter {
        unit_id: Some(unit_id),
        ..TaskFilter::default()
    };
    let tasks = db::tasks::list(&pool, ctx.plan.id, &filter).await?;
    let reports = db::reports::for_unit(&pool, ctx.plan.id, unit_id).await?;
    let due = reporting::due_for(&settings, Some(unit_id), &tasks, &reports, today);
    let focus = focus_of_cycle(
        settings.cycle,
        settings.year,
        settings.due_days.max(0) as u32,
        today,
    );
    let index: TaskIndex = tasks
        .iter()
        .map(|t| (t.code.clone(), (t.position, t.text.clone())))
        .collect();
    let buckets = urgency::group(
        &due,
        &reports,
        focus.as_ref().map(|p| p.key.as_str()),
        &index,
    );
    let urge_pager = Pager::new(
        page_number(q.urge_page.as_deref()),
        PAGE_SIZE,
        db::urges::count_for_unit(&pool, ctx.plan.id, unit_id).await?,
    );
    let urges = db::urges::for_unit(
        &pool,
        ctx.plan.id,
        unit_id,
        db::Window {
            limit: urge_pager.per_page,
            offset: urge_pager.offset(),
        },
    )
    .await?;
    let instructions = db::instructions::owed_by_unit(&pool, ctx.plan.id, unit_id)
        .await?
        .into_iter()
        .map(|r| super::instructions::Line::of(r, today))
        .collect();
    let sign_offs = db::sign_offs::waiting(&pool, ctx.plan.id, unit_id).await?;
    let page = MyPage {
        instructions,
        sign_offs,
        signs_off: user.access().may_sign_off_for(unit_id),
        unit_name: user.unit_name.clone().unwrap_or_default(),
        unread: ctx.layout.unread_urges,
        focus,
        buckets,
        task_count: tasks.len(),
        urges,
        urge_pager: urge_pager.link(ctx.layout.href("/my"), "urge_page"),
        layout: ctx.layout,
    };
    Ok(render::ok(&page))
}
