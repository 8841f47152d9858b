//! 与上年比对: a plan's items matched to those of the same issuer's plan of the year before
//! (`rules::plan::match_plans`), as `duban import` proposes them.

use super::refusal::Refusal;
use crate::db::{self, audit::Actor};
use crate::rules::access::Access;
use crate::rules::plan::{
    MatchItem, MatchLabel, Matching, Plan, items_of, match_plans, similarity, units_overlap,
};
use serde::Serialize;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

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
    let mut conn = pool.acquire().await?;
    propose_in(&mut conn, plan).await
}

/// [`propose`] on the caller's connection (the import's transaction).
pub async fn propose_in(conn: &mut PgConnection, plan: &Plan) -> sqlx::Result<Option<Proposed>> {
    let year = plan.year - 1;
    let Some((plan_id, title)) = db::matching::plan_of_year(&mut *conn, &plan.issuer, year).await?
    else {
        return Ok(None);
    };
    let previous: Vec<MatchItem> = db::matching::items(&mut *conn, plan_id)
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

/// Writes the proposal for the plan just imported as `plan_id` (in the import's transaction).
pub async fn record(conn: &mut PgConnection, plan_id: i64, p: &Proposed) -> sqlx::Result<u64> {
    let rows: Vec<_> = p
        .matching
        .items
        .iter()
        .map(|i| {
            (
                i.code.clone(),
                i.previous.clone(),
                i.label.as_str().to_string(),
                i.similarity,
            )
        })
        .collect();
    db::matching::insert(conn, plan_id, p.plan_id, &rows).await
}

/// The office's review of one task's proposed match, as typed.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput {
    /// `accept` the proposal, `reject` it (the task is new), or `pick` another of last year's.
    pub decision: String,
    /// For `pick`: last year's task, by code.
    pub previous: String,
    pub version: i32,
}

/// Reviews the match of task `code` of plan `plan_id`.
pub async fn review(
    pool: &PgPool,
    actor: &Actor,
    access: Access,
    plan_id: i64,
    code: &str,
    input: &ReviewInput,
) -> Result<(), Refusal> {
    if !access.may_edit_plan() {
        return Err(Refusal::Forbidden);
    }
    let mut tx = pool.begin().await?;
    let task = db::tasks::lock_closing(&mut tx, plan_id, code)
        .await?
        .ok_or(Refusal::NotFound("本工作要点中没有该任务"))?;
    let m = db::matching::lock(&mut tx, task.id)
        .await?
        .ok_or(Refusal::NotFound("该任务没有与上年比对的结果"))?;
    if m.version != input.version {
        return Err(Refusal::Conflict(
            "比对结果已被他人审核，请刷新页面后再操作。".into(),
        ));
    }
    let (previous, label, likeness) = match input.decision.trim() {
        "accept" => (
            m.previous_task_id,
            m.label.clone(),
            m.similarity.map(f64::from),
        ),
        "reject" => (None, MatchLabel::New.as_str().to_string(), None),
        "pick" => {
            let chosen = input.previous.trim();
            if chosen.is_empty() {
                return Err(Refusal::Fields(vec![(
                    "previous",
                    "改选时请填写上年任务的编号".into(),
                )]));
            }
            let settings = db::plans::settings(&mut *tx, plan_id)
                .await?
                .ok_or(Refusal::NotFound("找不到该工作要点"))?;
            let last = db::matching::plan_of_year(&mut *tx, &settings.issuer, settings.year - 1)
                .await?
                .ok_or(Refusal::NotFound("没有上一年度的工作要点"))?;
            let Some((id, text, units)) =
                db::matching::task_with_units(&mut *tx, last.0, chosen).await?
            else {
                return Err(Refusal::Fields(vec![(
                    "previous",
                    format!("上年工作要点中没有编号为“{chosen}”的任务"),
                )]));
            };
            let (_, own_text, own_units) = db::matching::task_with_units(&mut *tx, plan_id, code)
                .await?
                .ok_or(Refusal::NotFound("本工作要点中没有该任务"))?;
            let s = similarity(&text, &own_text);
            let label = if s >= crate::rules::plan::CONTINUED_MIN
                && units_overlap(&units, &own_units) >= 1.0
            {
                MatchLabel::Continued
            } else {
                MatchLabel::Changed
            };
            (Some(id), label.as_str().to_string(), Some(s))
        }
        _ => {
            return Err(Refusal::Fields(vec![(
                "decision",
                "请选择确认、不是延续或改选上年任务".into(),
            )]));
        }
    };
    let taken = previous.is_some()
        && db::matching::for_plan(&mut *tx, plan_id)
            .await?
            .iter()
            .any(|o| o.task_id != task.id && o.previous_task_id == previous);
    if taken {
        return Err(Refusal::Fields(vec![(
            "previous",
            "该上年任务已与本年度另一项任务对应".into(),
        )]));
    }
    let likeness = likeness.map(|s| (s * 100.0).round() / 100.0);
    db::matching::review(&mut tx, task.id, previous, &label, likeness, actor.user_id).await?;
    let before = json!({ "previous": m.previous_code, "year": m.previous_year, "label": m.label });
    let after_code = match previous {
        Some(id) if Some(id) == m.previous_task_id => m.previous_code.clone(),
        Some(_) => Some(input.previous.trim().to_string()),
        None => None,
    };
    let year = m.previous_year.or(db::plans::settings(&mut *tx, plan_id)
        .await?
        .map(|s| s.year - 1));
    let after = json!({ "previous": after_code, "year": year, "label": label });
    db::assignments::record_history(&mut *tx, task.id, actor, "match", before, after.clone())
        .await?;
    db::audit::record(
        &mut *tx,
        actor,
        "task_match_reviewed",
        Some(code),
        json!({ "task": code, "previous": after_code, "label": label }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
