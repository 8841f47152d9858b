//! 往年情况 on a task's page: the items of earlier years' plans it continues (与上年比对, as
//! proposed at import or as the office reviewed it), each with its reports as the reader may
//! read them and its history.

use super::views::history_line;
use crate::db;
use crate::rules::access::Access;
use crate::rules::plan::MatchLabel;
use crate::rules::schedule::period_label;
use crate::workflows::progress;
use sqlx::PgPool;

/// How many years back the page follows the chain.
const YEARS: usize = 5;

/// One earlier year's item.
pub struct Earlier {
    pub year: i32,
    pub plan_id: i64,
    pub code: String,
    pub text: String,
    /// 延续 or 调整, with the likeness; `reviewed` once the office has.
    pub label: &'static str,
    pub similarity: Option<f32>,
    pub reviewed: bool,
    /// Its submitted reports the reader may read: report id, period, unit, state, text.
    pub reports: Vec<(i64, String, String, &'static str, String)>,
    /// Its history, one line each.
    pub history: Vec<String>,
}

/// The earlier years' items task `task_id` continues, the nearest year first.
pub async fn earlier(pool: &PgPool, access: Access, task_id: i64) -> sqlx::Result<Vec<Earlier>> {
    let mut out = Vec::new();
    let mut current = task_id;
    while out.len() < YEARS {
        let Some(m) = db::matching::for_tasks(pool, &[current]).await?.pop() else {
            break;
        };
        let (Some(id), Some(plan_id), Some(year), Some(code), Some(text)) = (
            m.previous_task_id,
            m.previous_plan_id,
            m.previous_year,
            m.previous_code,
            m.previous_text,
        ) else {
            break;
        };
        let leads = db::tasks::get_by_code(pool, plan_id, &code)
            .await?
            .map(|t| t.lead_ids)
            .unwrap_or_default();
        let reports = progress::task_reports(pool, access, id, &leads)
            .await?
            .into_iter()
            .map(|v| {
                let r = v.report;
                (
                    r.id,
                    period_label(&r.period),
                    r.unit_name,
                    r.review_state.label(),
                    r.work_done,
                )
            })
            .collect();
        let history = db::assignments::history(pool, id)
            .await?
            .into_iter()
            .map(|h| history_line(&h.kind, &h.before, &h.after, year))
            .collect();
        out.push(Earlier {
            year,
            plan_id,
            code,
            text,
            label: match m.label.as_str() {
                "continued" => MatchLabel::Continued.label(),
                _ => MatchLabel::Changed.label(),
            },
            similarity: m.similarity,
            reviewed: m.state == "reviewed",
            reports,
            history,
        });
        current = id;
    }
    Ok(out)
}
