//! 单位督办一览: one unit's tasks as lead and co-responsible, each with the unit's own light,
//! the task's status, the period of the unit's latest accepted report and what it owes next;
//! its punctuality this year; the office's comments.

use super::{Content, Prepared};
use crate::db::{self, tasks::TaskFilter};
use crate::formats::docx::{BriefRow, UnitBrief};
use crate::rules::documents::DocKind;
use crate::rules::lights::Punctuality;
use crate::rules::reporting;
use crate::rules::schedule::{period_label, prose_date};
use crate::rules::vocabulary::ReviewState;
use crate::workflows::progress::{self, status::punctuality_of};
use crate::workflows::unit_record;
use chrono::NaiveDate;
use serde_json::json;

/// Characters of a task's text the brief shows: enough to know it, one page for the unit.
const TEXT_SHOWN: usize = 60;

/// The longest 办公室意见 (a paragraph: the brief is one page).
pub const COMMENTS_MAX: usize = 500;

/// What the office enters on a brief.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BriefRequest {
    /// 办公室意见 (empty: none).
    pub comments: String,
}

impl BriefRequest {
    pub fn parse(comments: &str) -> Result<Self, Vec<super::slips::FieldFault>> {
        let comments = comments.trim().to_string();
        if comments.chars().count() > COMMENTS_MAX {
            return Err(vec![(
                "comments",
                format!("办公室意见不能超过{COMMENTS_MAX}字，一览只占一页。"),
            )]);
        }
        Ok(BriefRequest { comments })
    }
}

/// The brief of unit `unit_id` in plan `plan_id` on `today`; `None` without the plan or unit.
pub async fn unit_brief(
    pool: &sqlx::PgPool,
    plan_id: i64,
    unit_id: i64,
    req: &BriefRequest,
    today: NaiveDate,
) -> sqlx::Result<Option<Prepared>> {
    let (Some(settings), Some(unit)) = (
        db::plans::settings(pool, plan_id).await?,
        db::units::get(pool, plan_id, unit_id).await?,
    ) else {
        return Ok(None);
    };
    let tasks = db::tasks::list(
        pool,
        plan_id,
        &TaskFilter {
            unit_id: Some(unit_id),
            ..TaskFilter::default()
        },
    )
    .await?;
    let ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
    let reports = db::reports::briefs_for_tasks(pool, &ids).await?;
    let states = progress::judge_all(&settings, &tasks, &reports, today);
    let mine: Vec<&db::reports::ReportBrief> =
        reports.iter().filter(|r| r.unit_id == unit_id).collect();
    let mut rows: Vec<BriefRow> = Vec::new();
    for t in &tasks {
        let lead = t.lead_ids.contains(&unit_id);
        let state = states.get(&t.id);
        let light = state.map(|s| {
            s.units
                .iter()
                .find(|(u, _)| *u == unit_id)
                .map_or(s.light, |(_, j)| j.light)
        });
        let latest = mine
            .iter()
            .filter(|r| r.task_id == t.id && r.review_state == ReviewState::Accepted)
            .max_by_key(|r| (r.period_end, r.accepted_at))
            .map_or("暂无".to_string(), |r| period_label(&r.period));
        let owed = reporting::owed_by(&settings, t, unit_id);
        let report_of = |key: &str| {
            mine.iter()
                .copied()
                .find(|r| r.task_id == t.id && r.period == key)
        };
        // The oldest report past due and not in (or sent back), else the next coming due.
        let overdue = owed.iter().find(|p| {
            matches!(
                punctuality_of(p, report_of(&p.key), today),
                Punctuality::Missing | Punctuality::Returned
            )
        });
        let next = if t.closed_at.is_some() {
            "无（已办结）".to_string()
        } else if let Some(p) = overdue {
            format!("{}，已逾期（应于{}前）", p.label, prose_date(p.due))
        } else if let Some(p) = owed.iter().find(|p| {
            p.due >= today && report_of(&p.key).is_none_or(|r| r.first_submitted_at.is_none())
        }) {
            format!("{}，{}前", p.label, prose_date(p.due))
        } else {
            "无".to_string()
        };
        rows.push(BriefRow {
            code: t.code.clone(),
            text: crate::rules::bulletin::short(&t.text, TEXT_SHOWN),
            role: if lead { "牵头" } else { "配合" }.to_string(),
            light: light.map_or("—", |l| l.label()).to_string(),
            light_key: light.map_or("", |l| l.as_str()).to_string(),
            status: state.map_or("—", |s| s.status.label()).to_string(),
            latest,
            next,
        });
    }
    let record = unit_record::build(&settings, &tasks, &reports, unit_id, today);
    let sum = |f: fn(&unit_record::RecordRow) -> u32| record.iter().map(f).sum::<u32>();
    let (on_time, late, missing, returned) = (
        sum(|r| r.on_time),
        sum(|r| r.late),
        sum(|r| r.missing),
        sum(|r| r.returned),
    );
    let judged = on_time + late + missing + returned;
    let punctuality = match (on_time * 100).checked_div(judged) {
        None => "本年度尚无到期的进展情况报送。".to_string(),
        Some(rate) => format!(
            "本年度已到期进展情况{judged}份：按时报送{on_time}份，逾期报送{late}份，未报送{missing}份，被退回待重报{returned}份，按时报送率{rate}%。"
        ),
    };
    let lead_count = rows.iter().filter(|r| r.role == "牵头").count();
    let brief = UnitBrief {
        unit: unit.short_name.clone(),
        as_of: prose_date(today),
        tasks: format!("牵头{}项，配合{}项", lead_count, rows.len() - lead_count),
        rows,
        punctuality,
        comments: req.comments.clone(),
    };
    Ok(Some(Prepared {
        plan_id,
        kind: DocKind::Brief,
        subject_id: unit_id,
        inputs: json!({ "unit": unit_id, "as_of": today, "comments": req.comments }),
        content: Content::Brief(brief),
    }))
}
