//! Which plan a page shows: `?plan=ID`, or the newest. Also the page frame's data.

use super::AppError;
use super::auth::CurrentUser;
use crate::db::{
    self,
    plans::{PlanSettings, PlanSummary},
};
use sqlx::PgPool;

/// The plan a page is about, and every plan for the selector.
pub struct PlanContext {
    pub plan: PlanSummary,
    /// The plan's defaults for deadlines and reporting, read with it.
    pub settings: PlanSettings,
    pub layout: Layout,
}

/// What `base.html` needs: navigation and the plan selector.
pub struct Layout {
    pub nav: &'static str,
    /// The signed-in user, for the header (name, sign-out, office links).
    pub user: Option<CurrentUser>,
    /// A liaison's urges not yet acknowledged (the badge on “我的任务”).
    pub unread_urges: i64,
    /// Reports waiting for review in the plan, for one who may review (the count on “审核”).
    pub awaiting_review: i64,
    /// 站内消息 not yet read (the count on “消息”).
    pub unread_notices: i64,
    pub plans: Vec<PlanSummary>,
    pub plan_id: Option<i64>,
    /// Whether links must carry `plan=ID` (not needed for the default, newest plan).
    explicit: bool,
}

impl Layout {
    /// `path` with the plan parameter when one is needed, ready for an `href`.
    pub fn href(&self, path: &str) -> String {
        self.href_with(path, "")
    }

    /// `path?extra&plan=ID`; `extra` is an already-encoded query fragment or empty.
    pub fn href_with(&self, path: &str, extra: &str) -> String {
        let plan = match (self.explicit, self.plan_id) {
            (true, Some(id)) => format!("plan={id}"),
            _ => String::new(),
        };
        let query: Vec<&str> = [extra, plan.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", query.join("&"))
        }
    }

    /// The menu's links, by what the user may do ([`crate::rules::access`]).
    fn may(&self, right: impl Fn(crate::rules::access::Access) -> bool) -> bool {
        self.user.as_ref().is_some_and(|u| right(u.access()))
    }

    pub fn may_review(&self) -> bool {
        self.may(|a| a.may_review())
    }

    pub fn may_urge(&self) -> bool {
        self.may(|a| a.may_urge())
    }

    pub fn may_administer(&self) -> bool {
        self.may(|a| a.may_administer())
    }

    pub fn has_many_plans(&self) -> bool {
        self.plans.len() > 1
    }

    pub fn is_current(&self, id: &i64) -> bool {
        self.plan_id == Some(*id)
    }
}

/// Parses `?plan=`; a malformed value is a 400, an unknown one a 404.
pub fn parse_plan_param(raw: Option<&str>) -> Result<Option<i64>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::BadRequest(format!("工作要点编号“{s}”无效"))),
    }
}

/// The plan asked for (or the newest) with the page frame. `Ok(None)` when no plan exists.
pub async fn load(
    pool: &PgPool,
    raw_plan: Option<&str>,
    nav: &'static str,
    user: &CurrentUser,
) -> Result<Option<PlanContext>, AppError> {
    let wanted = parse_plan_param(raw_plan)?;
    let (plans, all_settings): (Vec<PlanSummary>, Vec<PlanSettings>) =
        db::plans::list_with_settings(pool)
            .await?
            .into_iter()
            .unzip();
    let chosen = match wanted {
        Some(id) => Some(
            plans
                .iter()
                .position(|p| p.id == id)
                .ok_or_else(|| AppError::NotFound(format!("找不到编号为 {id} 的工作要点")))?,
        ),
        None => (!plans.is_empty()).then_some(0),
    };
    let plan = chosen.map(|i| (plans[i].clone(), all_settings[i].clone()));
    let newest = plans.first().map(|p| p.id);
    let unread_urges = match user.unit_id {
        Some(unit) => db::urges::unread(pool, unit).await?,
        None => 0,
    };
    let unread_notices = user.unread_notices;
    let awaiting_review = match &plan {
        Some((p, _)) if user.access().may_review() => {
            db::reports::count_submitted(pool, p.id, None, None).await?
        }
        _ => 0,
    };
    Ok(plan.map(|(plan, settings)| PlanContext {
        settings,
        layout: Layout {
            nav,
            user: Some(user.clone()),
            unread_urges,
            awaiting_review,
            unread_notices,
            plan_id: Some(plan.id),
            explicit: Some(plan.id) != newest,
            plans,
        },
        plan,
    }))
}

/// Like [`load`], for pages that make no sense without a plan.
pub async fn require(
    pool: &PgPool,
    raw_plan: Option<&str>,
    nav: &'static str,
    user: &CurrentUser,
) -> Result<PlanContext, AppError> {
    load(pool, raw_plan, nav, user)
        .await?
        .ok_or_else(|| AppError::NotFound("尚未导入任何工作要点".into()))
}

/// A frame for pages outside any plan (errors, empty database, sign-in, administration).
pub fn bare_layout(nav: &'static str, user: Option<&CurrentUser>) -> Layout {
    Layout {
        nav,
        user: user.cloned(),
        unread_urges: 0,
        awaiting_review: 0,
        unread_notices: user.map_or(0, |u| u.unread_notices),
        plans: Vec::new(),
        plan_id: None,
        explicit: false,
    }
}
