//! 单位负责人签发: where the office switched sign-off on for a unit, a liaison's submission
//! waits for the unit head, who signs it off (then it reaches the office) or returns it to the
//! liaison with a reason. The report itself stays as the liaison left it until then.

use super::error::field;
use super::limits::MAX_REASON_CHARS;
use super::submission::{open_requests, submit_in};
use super::{Caller, ProgressError};
use crate::db::{self, reports::ReportRow};
use crate::rules::notices::NoticeKind;
use crate::workflows::notify;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

/// Whether a submission by `caller` for the unit goes to the unit's head first: a liaison's,
/// where the unit signs off and has an active head (a unit whose only head left is not stuck).
pub(super) async fn needed(
    conn: &mut PgConnection,
    caller: &Caller,
    unit_id: i64,
) -> Result<bool, ProgressError> {
    if !caller.access().needs_sign_off() {
        return Ok(false);
    }
    let on = db::sign_offs::unit_needs(&mut *conn, unit_id).await? == Some(true);
    Ok(on && db::sign_offs::heads(&mut *conn, unit_id).await? > 0)
}

/// Sends the saved report to the unit's head; gives the report as it now is.
pub(super) async fn ask(
    conn: &mut PgConnection,
    caller: &Caller,
    report_id: i64,
) -> Result<ReportRow, ProgressError> {
    let asker = caller
        .actor
        .user_id
        .ok_or_else(|| ProgressError::Forbidden("请先登录".into()))?;
    let version = db::sign_offs::touch_report(&mut *conn, report_id).await?;
    db::sign_offs::ask(&mut *conn, report_id, asker, version).await?;
    let row = db::reports::get(&mut *conn, report_id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("报告不存在".into()))?;
    let label = crate::rules::schedule::period_label(&row.period);
    notify::emit(
        &mut *conn,
        notify::Notice {
            kind: NoticeKind::SignOffAsked,
            plan_id: row.plan_id,
            task_id: Some(row.task_id),
            unit_id: Some(row.unit_id),
            actor_id: caller.actor.user_id,
            what: format!("{label}进展情况待签发"),
            body: format!(
                "{}报送的{label}进展情况待您签发，签发后报送办公室。",
                caller.actor.login.as_deref().unwrap_or("联络员")
            ),
            link: Some(format!("/reports/{report_id}")),
        },
    )
    .await?;
    Ok(row)
}

/// A unit head who submits a report waiting for them signs it off by doing so.
pub(super) async fn close_by_submitting(
    conn: &mut PgConnection,
    caller: &Caller,
    report_id: i64,
) -> Result<(), ProgressError> {
    if let Some(open) = db::sign_offs::open(&mut *conn, report_id).await? {
        db::sign_offs::decide(&mut *conn, open.id, caller.actor.user_id, true, None).await?;
    }
    Ok(())
}

/// The unit head's decision.
#[derive(Debug, Clone)]
pub enum SignOff {
    /// 签发: the report goes to the office as it is.
    Approve,
    /// 退回: back to the liaison, with a reason.
    Return { reason: String },
}

/// Records the unit head's decision on a report waiting for them; `version` is the report's.
/// Approving submits it (to the office, in the unit head's name), in the same transaction.
pub async fn sign_off(
    pool: &PgPool,
    caller: &Caller,
    report_id: i64,
    version: i32,
    decision: SignOff,
) -> Result<ReportRow, ProgressError> {
    let reason = match &decision {
        SignOff::Approve => None,
        SignOff::Return { reason } => Some(checked_reason(reason)?),
    };
    let mut tx = pool.begin().await?;
    // The task before the report, in the order every report write takes them.
    let missing = || ProgressError::NotFound("报告不存在".into());
    let peek = db::reports::get(&mut *tx, report_id)
        .await?
        .ok_or_else(missing)?;
    let closed = db::tasks::lock_closing(&mut tx, peek.plan_id, &peek.code)
        .await?
        .is_some_and(|t| t.closed);
    let report = db::reports::lock(&mut tx, report_id)
        .await?
        .ok_or_else(missing)?;
    if !caller.access().may_sign_off_for(report.unit_id) {
        return Err(ProgressError::Forbidden(
            "只有本单位的单位负责人可以签发".into(),
        ));
    }
    if report.version != version {
        return Err(ProgressError::Stale {
            current: report.version,
        });
    }
    let open = db::sign_offs::open(&mut tx, report_id)
        .await?
        .ok_or_else(|| ProgressError::Conflict("该报告没有待签发的报送".into()))?;
    if closed && reason.is_none() {
        return Err(ProgressError::Conflict(
            "该任务已办结，不再接收进展情况".into(),
        ));
    }
    db::sign_offs::decide(
        &mut tx,
        open.id,
        caller.actor.user_id,
        reason.is_none(),
        reason.as_deref(),
    )
    .await?;
    let where_ = format!("{}/{}/{}", report.code, report.unit_name, report.period);
    let row = match &reason {
        None => {
            let coordination = open_requests(&mut tx, report_id).await?;
            let row = submit_in(&mut tx, caller, report_id, &coordination).await?;
            db::audit::record(
                &mut *tx,
                &caller.actor,
                "report_signed_off",
                Some(&where_),
                json!({ "report_id": row.id, "version": row.version }),
            )
            .await?;
            row
        }
        Some(reason) => {
            db::sign_offs::touch_report(&mut tx, report_id).await?;
            let row = db::reports::get(&mut *tx, report_id)
                .await?
                .ok_or_else(|| ProgressError::NotFound("报告不存在".into()))?;
            let label = crate::rules::schedule::period_label(&row.period);
            notify::emit(
                &mut tx,
                notify::Notice {
                    kind: NoticeKind::SignOffReturned,
                    plan_id: row.plan_id,
                    task_id: Some(row.task_id),
                    unit_id: Some(row.unit_id),
                    actor_id: caller.actor.user_id,
                    what: format!("{label}进展情况被单位负责人退回"),
                    body: format!(
                        "{label}进展情况被单位负责人退回，请修改后重新报送。\n退回理由：{reason}"
                    ),
                    link: Some(format!("/reports/{report_id}")),
                },
            )
            .await?;
            db::audit::record(
                &mut *tx,
                &caller.actor,
                "report_sign_off_returned",
                Some(&where_),
                json!({ "report_id": row.id, "version": row.version, "reason": reason }),
            )
            .await?;
            row
        }
    };
    tx.commit().await?;
    Ok(row)
}

fn checked_reason(reason: &str) -> Result<String, ProgressError> {
    let reason = reason.trim();
    let n = reason.chars().count();
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
    Ok(reason.to_string())
}

/// Switches the unit's sign-off (the office): on only where the unit has an active head, so
/// that no liaison's report waits for nobody.
pub async fn set_unit_sign_off(
    pool: &PgPool,
    caller: &Caller,
    unit_id: i64,
    on: bool,
) -> Result<(), ProgressError> {
    if !caller.access().may_set_sign_off() {
        return Err(ProgressError::Forbidden(
            "只有办公室可以设置单位签发".into(),
        ));
    }
    let mut tx = pool.begin().await?;
    if on && db::sign_offs::heads(&mut *tx, unit_id).await? == 0 {
        return Err(field(
            "sign_off",
            "该单位还没有启用的单位负责人账户，请先为其建立账户",
        ));
    }
    if !db::sign_offs::set_unit(&mut *tx, unit_id, on).await? {
        return Err(ProgressError::NotFound("找不到该单位。".into()));
    }
    db::audit::record(
        &mut *tx,
        &caller.actor,
        "unit_sign_off_changed",
        None,
        json!({ "unit_id": unit_id, "sign_off": on }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
