//! 审核: the office accepts (采纳) or returns (退回) a submitted report.

use super::error::field;
use super::limits::MAX_REASON_CHARS;
use super::submission::snapshot;
use super::{Assessment, Caller, ProgressError, ReportAction, ReviewState};
use crate::db::{self, reports::ReportRow};
use crate::rules::notices::NoticeKind;
use crate::workflows::notify;
use serde_json::json;
use sqlx::PgPool;

/// The office's decision on a submitted report.
#[derive(Debug, Clone)]
pub enum Decision {
    /// 采纳, with the office's own assessment if given.
    Accept {
        office_assessment: Option<Assessment>,
    },
    /// 退回, with a required reason.
    Return {
        reason: String,
        office_assessment: Option<Assessment>,
    },
}

/// Records the office's decision on a submitted report; `version` is the report's.
pub async fn review(
    pool: &PgPool,
    caller: &Caller,
    report_id: i64,
    version: i32,
    decision: Decision,
) -> Result<ReportRow, ProgressError> {
    if !caller.access().may_review() {
        return Err(ProgressError::Forbidden(
            "只有办公室可以审核进展情况".into(),
        ));
    }
    if let Decision::Return { reason, .. } = &decision {
        let n = reason.trim().chars().count();
        if n == 0 {
            return Err(field("reason", "退回时请写明理由"));
        }
        if n > MAX_REASON_CHARS {
            return Err(field(
                "reason",
                format!("退回理由不能超过 {MAX_REASON_CHARS} 字"),
            ));
        }
        crate::rules::input::check_text("退回理由", reason).map_err(|m| field("reason", m))?;
    }
    let mut tx = pool.begin().await?;
    let report = db::reports::lock(&mut tx, report_id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("报告不存在".into()))?;
    if report.version != version {
        return Err(ProgressError::Stale {
            current: report.version,
        });
    }
    if report.review_state != ReviewState::Submitted {
        return Err(ProgressError::Conflict(format!(
            "该报告{}，不能审核",
            report.review_state.label()
        )));
    }
    let (action, reason, assessment) = match &decision {
        Decision::Accept { office_assessment } => {
            (ReportAction::Accepted, None, *office_assessment)
        }
        Decision::Return {
            reason,
            office_assessment,
        } => (
            ReportAction::Returned,
            Some(reason.trim()),
            *office_assessment,
        ),
    };
    db::reports::mark_reviewed(
        &mut tx,
        report_id,
        action.resulting_state(),
        reason,
        assessment,
        caller.actor.user_id,
    )
    .await?;
    let row = db::reports::get(&mut *tx, report_id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("报告不存在".into()))?;
    let coordination: Vec<String> = db::coordination::for_report(&mut *tx, report_id)
        .await?
        .into_iter()
        .map(|c| c.text)
        .collect();
    db::reports::insert_event(
        &mut tx,
        report_id,
        caller.actor.user_id,
        caller.actor.login.as_deref(),
        action,
        row.version,
        reason,
        snapshot(&row, &coordination),
    )
    .await?;
    db::audit::record(
        &mut *tx,
        &caller.actor,
        &format!("report_{}", action.as_str()),
        Some(&format!("{}/{}/{}", row.code, row.unit_name, row.period)),
        json!({ "report_id": report_id, "reason": reason, "office_assessment": assessment }),
    )
    .await?;
    let label = crate::rules::schedule::period_label(&row.period);
    let (kind, what, body) = match reason {
        Some(r) => (
            NoticeKind::ReportReturned,
            format!("{label}进展情况被退回"),
            format!("{label}进展情况被退回，请修改后重新报送。\n退回理由：{r}"),
        ),
        None => (
            NoticeKind::ReportAccepted,
            format!("{label}进展情况已采纳"),
            format!("{label}进展情况已审核采纳。"),
        ),
    };
    notify::emit(
        &mut tx,
        notify::Notice {
            kind,
            plan_id: row.plan_id,
            task_id: Some(row.task_id),
            unit_id: Some(row.unit_id),
            actor_id: caller.actor.user_id,
            what,
            body,
            link: Some(format!("/reports/{report_id}")),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}
