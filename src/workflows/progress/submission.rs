//! 报送: a saved report submitted to the office — by its writer, or by the unit head's
//! sign-off — and the open coordination requests that go out with it.

use super::{Caller, CoordinationState, ProgressError, ReportAction};
use crate::db::{self, reports::ReportRow};
use crate::rules::vocabulary::ReportSnapshot;
use sqlx::PgConnection;

/// The report as its event records it, so the history shows what was submitted or reviewed.
pub(super) fn snapshot(r: &ReportRow, coordination: &[String]) -> serde_json::Value {
    ReportSnapshot {
        content: r.content(),
        office_assessment: r.office_assessment,
        coordination: coordination.to_vec(),
        version: r.version,
    }
    .to_json()
}

/// Submits the saved report to the office: marks it, its files and its coordination requests
/// submitted, records the submission with the report as it is, and tells the office.
pub(super) async fn submit_in(
    tx: &mut PgConnection,
    caller: &Caller,
    id: i64,
    coordination: &[String],
) -> Result<ReportRow, ProgressError> {
    db::reports::mark_submitted(&mut *tx, id).await?;
    db::attachments::mark_submitted(&mut *tx, id).await?;
    db::coordination::mark_submitted(&mut *tx, id).await?;
    let row = db::reports::get(&mut *tx, id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("报告不存在".into()))?;
    let actor_id = caller.actor.user_id;
    db::reports::insert_event(
        &mut *tx,
        id,
        actor_id,
        caller.actor.login.as_deref(),
        ReportAction::Submitted,
        row.version,
        None,
        snapshot(&row, coordination),
    )
    .await?;
    let label = crate::rules::schedule::period_label(&row.period);
    crate::workflows::notify::emit(
        &mut *tx,
        crate::workflows::notify::Notice {
            kind: crate::rules::notices::NoticeKind::ReportSubmitted,
            plan_id: row.plan_id,
            task_id: Some(row.task_id),
            unit_id: Some(row.unit_id),
            actor_id,
            what: format!("{}报送了{label}进展情况", row.unit_name),
            body: format!("{}报送了{label}进展情况，请审核。", row.unit_name),
            link: Some(format!("/reports/{id}")),
        },
    )
    .await?;
    Ok(row)
}

/// The texts of a report's open coordination requests, in their order.
pub(super) async fn open_requests(
    conn: &mut sqlx::PgConnection,
    report_id: i64,
) -> sqlx::Result<Vec<String>> {
    Ok(db::coordination::for_report(conn, report_id)
        .await?
        .into_iter()
        .filter(|c| c.state == CoordinationState::Open && !c.withdrawn)
        .map(|c| c.text)
        .collect())
}
