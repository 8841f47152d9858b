//! 督办通报: issuing a numbered edition freezes the summary and its red and yellow lists as they
//! stand; editions are kept unchanged and can be compared.

use crate::db::{self, audit::Actor};
use crate::summary::{self, Summary};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgPool;

/// Issues the next edition of the plan (office only, checked by the route); returns its id.
pub async fn issue(
    pool: &PgPool,
    actor: &Actor,
    plan_id: i64,
    today: NaiveDate,
) -> Result<i64, sqlx::Error> {
    let s = summary::load(pool, plan_id, today, today)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let snapshot = serde_json::to_value(&s).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let year = db::assignments::plan_settings(pool, plan_id).await?.map_or(
        today.format("%Y").to_string().parse().unwrap_or(2022),
        |p| p.year,
    );
    let mut tx = pool.begin().await?;
    let id = db::editions::insert(&mut tx, plan_id, year, today, &snapshot, actor.user_id).await?;
    db::audit::record(
        &mut *tx,
        actor,
        "edition_issued",
        Some(&id.to_string()),
        json!({ "plan_id": plan_id, "as_of": today }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The frozen summary of an edition.
pub fn summary_of(row: &db::editions::EditionRow) -> Option<Summary> {
    serde_json::from_value(row.snapshot.clone()).ok()
}

/// One figure of two editions side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compared {
    pub label: &'static str,
    pub a: i64,
    pub b: i64,
}

impl Compared {
    pub fn delta(&self) -> i64 {
        self.b - self.a
    }
}

/// The headline figures of two editions, side by side.
pub fn compare(a: &Summary, b: &Summary) -> Vec<Compared> {
    let t = |s: &Summary| {
        [
            ("任务总数", s.totals.tasks),
            ("已办结", s.totals.closed),
            ("正常推进", s.totals.green),
            ("存在风险", s.totals.yellow),
            ("逾期/滞后", s.totals.red),
            ("本期应报", s.totals.due),
            ("本期未报", s.totals.missing),
        ]
    };
    t(a).iter()
        .zip(t(b).iter())
        .map(|((label, x), (_, y))| Compared {
            label,
            a: i64::from(*x),
            b: i64::from(*y),
        })
        .collect()
}
