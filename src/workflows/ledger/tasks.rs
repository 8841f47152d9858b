//! 工作台账's rows: one per task, its progress the lead's latest accepted or submitted report
//! (`rules::reporting::latest_progress`; never a returned or unsubmitted text).

use super::Selected;
use crate::db::{self, reports::ReportRow, tasks::TaskRow};
use crate::formats::export::TaskLedgerRow;
use crate::rules::access::{Access, Scope};
use crate::rules::reporting::latest_progress;
use crate::rules::schedule::{period_label, prose_date};
use crate::workflows::progress;
use sqlx::PgPool;

/// The rows of the tasks the reader may see (every task for the office and leaders; a
/// liaison's unit's tasks), numbered from 1 in plan order.
pub(super) async fn rows(
    pool: &PgPool,
    sel: &Selected<'_>,
    access: Access,
) -> sqlx::Result<Vec<TaskLedgerRow>> {
    let scope = access.scope();
    // The reports shown, per task, then their coordination requests in one query.
    let mut shown: Vec<(&TaskRow, Vec<ReportRow>)> = Vec::new();
    for t in sel.tasks {
        let visible = match scope {
            Scope::All => true,
            _ => t
                .lead_ids
                .iter()
                .chain(&t.co_ids)
                .any(|u| scope.includes(*u)),
        };
        if !visible {
            continue;
        }
        let versions = progress::task_reports(pool, access, t.id, &t.lead_ids).await?;
        // The lead's latest progress, one per lead (most tasks have one).
        let picked: Vec<ReportRow> = t
            .lead_ids
            .iter()
            .filter_map(|lead| {
                latest_progress(
                    versions
                        .iter()
                        .map(|v| &v.report)
                        .filter(|r| r.unit_id == *lead),
                )
            })
            .cloned()
            .collect();
        shown.push((t, picked));
    }
    let ids: Vec<i64> = shown
        .iter()
        .flat_map(|(_, picked)| picked.iter().map(|r| r.id))
        .collect();
    let coordination = db::coordination::of_reports(pool, &ids).await?;
    let mut out = Vec::new();
    for (t, picked) in shown {
        let state = sel.states.get(&t.id);
        let several = picked.len() > 1;
        let each = |part: &dyn Fn(&ReportRow) -> String| -> String {
            picked
                .iter()
                .map(|r| (r, part(r)))
                .filter(|(_, text)| !text.trim().is_empty())
                .map(|(r, text)| {
                    if several {
                        format!("【{}】{text}", r.unit_name)
                    } else {
                        text
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let number = u32::try_from(out.len() + 1).unwrap_or(u32::MAX);
        out.push(TaskLedgerRow {
            number,
            code: t.code.clone(),
            text: t.text.clone(),
            leads: t.lead_names.join("、"),
            cos: t.co_names.join("、"),
            deadline: deadline(t, sel.settings.year),
            cycle: t.effective_cycle().label().to_string(),
            status: state.map_or("", |s| s.status.label()).to_string(),
            light: state.map_or("", |s| s.light.label()).to_string(),
            progress: each(&|r| {
                let when = r
                    .submitted_at
                    .map(|at| {
                        format!(
                            "，{}报送",
                            prose_date(at.with_timezone(&chrono::Local).date_naive())
                        )
                    })
                    .unwrap_or_default();
                format!(
                    "{}\n（{}{when}）",
                    r.work_done.trim(),
                    period_label(&r.period)
                )
            }),
            problems: each(&|r| r.problems.trim().to_string()),
            next_steps: each(&|r| r.next_steps.trim().to_string()),
            coordination: each(&|r| {
                coordination
                    .iter()
                    .filter(|c| c.report_id == r.id && c.went_out)
                    .map(|c| c.text.trim().to_string())
                    .collect::<Vec<_>>()
                    .join("；")
            }),
            review: if picked.is_empty() {
                "暂无已报送进展".to_string()
            } else {
                each(&|r| r.review_state.label().to_string())
            },
            note: note(t),
        });
    }
    Ok(out)
}

/// 办理时限 in force, and the original (the terms before their first change) where it differs.
fn deadline(t: &TaskRow, year: i32) -> String {
    let now = t.deadline().describe(year);
    let first = t.terms_history.0.iter().min_by_key(|c| c.replaced_on);
    let Some(first) = first else {
        return now;
    };
    let original = db::tasks::deadline_of(
        first.deadline_kind.unwrap_or(t.plan_deadline_kind),
        first.deadline_date.or(t.plan_deadline_date),
        &first.checkpoints,
    )
    .describe(year);
    if original == now {
        now
    } else {
        format!("{now}（原定：{original}）")
    }
}

/// 备注: 办结 with its note, and units still to be designated.
fn note(t: &TaskRow) -> String {
    let mut parts = Vec::new();
    if let Some(at) = t.closed_at {
        let day = prose_date(at.with_timezone(&chrono::Local).date_naive());
        match t.closing_note.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => parts.push(format!("{day}办结：{n}")),
            _ => parts.push(format!("{day}办结")),
        }
    }
    if t.awaits_designation() {
        parts.push("待明确责任单位".to_string());
    }
    parts.join("；")
}
