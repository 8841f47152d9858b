//! 与上年比对: a plan's items matched to those of the same issuer's plan of the year before
//! (`rules::plan::match_plans`), as `duban import` proposes them.

use crate::db;
use crate::rules::plan::{MatchItem, Matching, Plan, items_of, match_plans};
use serde::Serialize;
use sqlx::PgPool;

/// Last year's plan and the proposal for each item.
#[derive(Debug, Clone, Serialize)]
pub struct Proposed {
    /// Last year's plan.
    pub plan_id: i64,
    pub title: String,
    pub year: i32,
    #[serde(flatten)]
    pub matching: Matching,
}

/// The proposal for `plan` against the issuer's plan of the year before; `None` where the
/// database has none.
pub async fn propose(pool: &PgPool, plan: &Plan) -> sqlx::Result<Option<Proposed>> {
    let year = plan.year - 1;
    let Some((plan_id, title)) = db::matching::plan_of_year(pool, &plan.issuer, year).await? else {
        return Ok(None);
    };
    let previous: Vec<MatchItem> = db::matching::items(pool, plan_id)
        .await?
        .into_iter()
        .map(|(code, text, units)| MatchItem { code, text, units })
        .collect();
    Ok(Some(Proposed {
        plan_id,
        title,
        year,
        matching: match_plans(&previous, &items_of(plan)),
    }))
}
