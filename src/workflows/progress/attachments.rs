//! 附件: adding and deleting the files attached to a report while it may still be edited.
//! Both change the working copy only: a file added goes out with the next submission, and a
//! file that already went out stays in the submitted version others read until then.

use super::error::field;
use super::{Caller, ProgressError};
use crate::db;
use crate::formats::attachments::Kind;
use crate::rules::access::ReportSight;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

/// Adds an attachment to a report its caller may still edit; checks type by content.
pub async fn add_attachment(
    pool: &PgPool,
    caller: &Caller,
    report_id: i64,
    raw_name: &str,
    bytes: &[u8],
) -> Result<i64, ProgressError> {
    let (name, kind) = crate::formats::attachments::check_upload(raw_name, bytes)
        .map_err(|e| field("file", e.to_string()))?;
    let mut tx = pool.begin().await?;
    let report = db::reports::lock(&mut tx, report_id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("报告不存在".into()))?;
    if !caller.may_write_for(report.unit_id) {
        return Err(ProgressError::Forbidden(
            "您只能为本单位的报告添加附件".into(),
        ));
    }
    if !report.review_state.editable() {
        return Err(ProgressError::Conflict(format!(
            "该报告{}，不能再添加附件",
            report.review_state.label()
        )));
    }
    let id = store_checked(&mut tx, caller, report_id, &name, kind, bytes).await?;
    tx.commit().await?;
    Ok(id)
}

/// Stores a checked file on a report whose caller may edit it (checked by the caller of this
/// function), within the room left on the report, and records it.
pub(super) async fn store_checked(
    conn: &mut PgConnection,
    caller: &Caller,
    report_id: i64,
    name: &str,
    kind: Kind,
    bytes: &[u8],
) -> Result<i64, ProgressError> {
    if db::attachments::count_for_report(&mut *conn, report_id).await?
        >= crate::formats::attachments::MAX_FILES_PER_REPORT as i64
    {
        return Err(field(
            "file",
            crate::formats::attachments::AttachmentError::TooMany.to_string(),
        ));
    }
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(bytes));
    let id = db::attachments::insert(
        &mut *conn,
        report_id,
        name,
        kind.mime(),
        bytes,
        &sha,
        caller.actor.user_id,
    )
    .await?;
    db::audit::record(
        &mut *conn,
        &caller.actor,
        "attachment_added",
        Some(name),
        json!({ "report_id": report_id, "attachment_id": id, "size": bytes.len() }),
    )
    .await?;
    Ok(id)
}

/// Deletes an attachment from a report its caller may still edit; gives the report's id.
pub async fn delete_attachment(
    pool: &PgPool,
    caller: &Caller,
    attachment_id: i64,
) -> Result<i64, ProgressError> {
    let meta = db::attachments::meta(pool, attachment_id)
        .await?
        .filter(|m| !m.withdrawn)
        .ok_or_else(|| ProgressError::NotFound("附件不存在".into()))?;
    let mut tx = pool.begin().await?;
    let report = db::reports::lock(&mut tx, meta.report_id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("报告不存在".into()))?;
    if !caller.may_write_for(report.unit_id) {
        // A file of the working copy does not exist for those who do not write for the unit.
        let sight = caller
            .access()
            .report_sight(report.unit_id, &[], meta.went_out);
        return Err(if sight == ReportSight::Absent {
            ProgressError::NotFound("附件不存在".into())
        } else {
            ProgressError::Forbidden("您只能删除本单位报告的附件".into())
        });
    }
    if !report.review_state.editable() {
        return Err(ProgressError::Conflict(format!(
            "该报告{}，不能再删除附件",
            report.review_state.label()
        )));
    }
    if meta.went_out {
        db::attachments::withdraw(&mut tx, attachment_id).await?;
    } else {
        db::attachments::delete(&mut tx, attachment_id).await?;
    }
    db::audit::record(
        &mut *tx,
        &caller.actor,
        "attachment_deleted",
        Some(&meta.file_name),
        json!({ "report_id": meta.report_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(meta.report_id)
}
