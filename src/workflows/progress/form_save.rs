//! The report form as one post: its texts, its choices and the files chosen with it are saved
//! (or submitted) together in one transaction, so that attaching a file never loses what was
//! typed, and a file can go with a report's first save.

use super::attachments::store_checked;
use super::error::field;
use super::{Caller, ProgressError, ReportEdit, save_report_in};
use crate::db::{self, reports::ReportRow};
use crate::formats::attachments::{Kind, check_upload};
use sqlx::PgPool;

/// A file chosen in the report form: its name as sent and its content.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Whether the unit chose 进展状态 and 自评. A draft may be saved without them (the report
/// keeps placeholders the form does not show); a submission needs both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choices {
    pub status: bool,
    pub assessment: bool,
}

impl Default for Choices {
    fn default() -> Self {
        Choices {
            status: true,
            assessment: true,
        }
    }
}

/// What the report form sends.
#[derive(Debug, Clone)]
pub struct FormSave {
    pub edit: ReportEdit,
    pub choices: Choices,
    pub files: Vec<NewFile>,
}

/// Saves (or submits) a report with the files chosen beside it, all or nothing. Every file is
/// checked before anything is written; a submission without both choices is refused beside
/// the field that lacks one.
pub async fn save_report_with_files(
    pool: &PgPool,
    caller: &Caller,
    plan_id: i64,
    code: &str,
    unit_id: i64,
    save: FormSave,
    version: Option<i32>,
) -> Result<ReportRow, ProgressError> {
    let FormSave {
        edit,
        choices,
        files,
    } = save;
    let submit = edit.input.submit;
    if submit && !choices.status {
        return Err(field("status", "提交前请选择进展状态"));
    }
    if submit && !choices.assessment {
        return Err(field("self_assessment", "提交前请选择自评"));
    }
    let checked = files
        .iter()
        .map(|f| {
            check_upload(&f.name, &f.bytes)
                .map(|(name, kind)| (name, kind, f.bytes.as_slice()))
                .map_err(|e| field("file", format!("附件“{}”：{e}", f.name)))
        })
        .collect::<Result<Vec<(String, Kind, &[u8])>, _>>()?;
    let mut tx = pool.begin().await?;
    let row = save_report_in(&mut tx, caller, plan_id, code, unit_id, edit, version).await?;
    for (name, kind, bytes) in &checked {
        store_checked(&mut tx, caller, row.id, name, *kind, bytes).await?;
    }
    // Not where the submission went to the unit head: its files go out when the head signs.
    if row.review_state == super::ReviewState::Submitted && submit && !checked.is_empty() {
        // The files came after the report was marked submitted: they go out with it too.
        db::attachments::mark_submitted(&mut tx, row.id).await?;
    }
    db::reports::set_choices(&mut tx, row.id, choices.status, choices.assessment).await?;
    tx.commit().await?;
    Ok(row)
}

/// Submissions so far, for each of a report's events in order: 第 N 版 counts submissions,
/// not saves (a first submission is 第 1 版, whatever drafts came before).
pub fn submission_numbers(actions: &[super::ReportAction]) -> Vec<u32> {
    let mut n = 0;
    actions
        .iter()
        .map(|a| {
            if *a == super::ReportAction::Submitted {
                n += 1;
            }
            n
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::ReportAction;
    use super::submission_numbers;

    #[test]
    fn versions_count_submissions_only() {
        use ReportAction::*;
        assert_eq!(submission_numbers(&[Submitted]), vec![1]);
        assert_eq!(
            submission_numbers(&[Submitted, Returned, Submitted, Accepted]),
            vec![1, 1, 2, 2]
        );
        assert!(submission_numbers(&[]).is_empty());
    }
}
