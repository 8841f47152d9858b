//! 全部提交: the drafts a unit just imported from its workbook, submitted as one step. Each is
//! submitted only as it was imported: one changed since (another save, a submission, a
//! review) is left as it is and named, and the rest go out together in one transaction.

use super::{Caller, ProgressError, ReportEdit, ReportInput, Unsent, save_report_in};
use crate::db::{self, reports::ReportRow};
use sqlx::PgPool;

/// A draft to submit, as the import left it: its id and version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportedDraft {
    pub report_id: i64,
    pub version: i32,
}

/// A draft not submitted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSubmitted {
    pub code: String,
    pub reason: String,
}

/// What [`submit_drafts`] did.
#[derive(Debug, Default)]
pub struct SubmitAll {
    pub submitted: Vec<ReportRow>,
    pub refused: Vec<NotSubmitted>,
}

/// Submits the imported drafts that are still as imported, in one transaction.
pub async fn submit_drafts(
    pool: &PgPool,
    caller: &Caller,
    drafts: &[ImportedDraft],
) -> Result<SubmitAll, ProgressError> {
    let mut tx = pool.begin().await?;
    let mut out = SubmitAll::default();
    for d in drafts {
        let Some(report) = db::reports::lock(&mut tx, d.report_id).await? else {
            continue;
        };
        if !caller.may_write_for(report.unit_id) {
            return Err(ProgressError::Forbidden(
                "您只能为本单位提交进展情况".into(),
            ));
        }
        let refuse = |reason: &str| NotSubmitted {
            code: report.code.clone(),
            reason: reason.to_string(),
        };
        if report.version != d.version || !report.review_state.editable() {
            out.refused
                .push(refuse("导入后已被修改或已提交，未再提交，请打开该报告核对"));
            continue;
        }
        let (status, assessment) = db::reports::choices(&mut *tx, report.id).await?;
        if !(status && assessment) {
            out.refused.push(refuse("尚未选择进展状态或自评"));
            continue;
        }
        let edit = ReportEdit {
            input: ReportInput {
                period: report.period.clone(),
                content: report.content(),
                coordination: Vec::new(),
                submit: true,
            },
            // The requests stay as imported; the texts are the report's own.
            unsent: Unsent {
                coordination: true,
                ..Unsent::default()
            },
        };
        let row = save_report_in(
            &mut tx,
            caller,
            report.plan_id,
            &report.code,
            report.unit_id,
            edit,
            Some(d.version),
        )
        .await?;
        out.submitted.push(row);
    }
    tx.commit().await?;
    Ok(out)
}
