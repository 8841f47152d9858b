//! 单位负责人签发 as the report's page shows it: waiting, returned, signed off, the head's
//! form, the 签发记录.

use crate::db::{self, reports::ReportRow, sign_offs::SignOffRow};
use crate::web::AppError;
use crate::web::auth::CurrentUser;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// One line of the report's 签发记录.
pub struct SignOffLine {
    pub at: String,
    pub who: String,
    pub what: &'static str,
    pub reason: Option<String>,
}

/// The report's sign-off as the page shows it.
#[derive(Default)]
pub struct SignOffView {
    /// Waiting for the unit head since then, sent by whom (for the unit and the office).
    pub waiting: Option<(String, String)>,
    /// The head's return not yet answered by a new submission: by whom, why.
    pub returned: Option<(String, String)>,
    /// The submission shown went out signed off by the head: by whom, when (for every
    /// reader of it, the office's review included).
    pub signed: Option<(String, String)>,
    /// The reader may decide (the unit's head, while the report waits).
    pub can_decide: bool,
    /// Every request and decision, newest first (for those who see the working copy).
    pub history: Vec<SignOffLine>,
}

fn when(t: &DateTime<Utc>) -> String {
    t.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// What `user` is shown of the report's sign-off; `working_copy` whether they see the unit's
/// own copy (the unit and the office), who alone see what is still inside the unit.
pub async fn view(
    pool: &PgPool,
    user: &CurrentUser,
    report: &ReportRow,
    working_copy: bool,
) -> Result<SignOffView, AppError> {
    let rows = db::sign_offs::for_report(pool, report.id).await?;
    let mut v = SignOffView {
        // One submission, one transaction: signed off exactly when it was submitted.
        signed: rows
            .iter()
            .find(|s| s.approved == Some(true) && s.decided_at == report.submitted_at)
            .and_then(|s| Some((s.decided_by_name.clone()?, when(&s.decided_at?)))),
        ..SignOffView::default()
    };
    if !working_copy {
        return Ok(v);
    }
    match rows.first() {
        Some(s) if s.decided_at.is_none() => {
            v.waiting = Some((s.asked_by_name.clone(), when(&s.asked_at)));
            v.can_decide = user.access().may_sign_off_for(report.unit_id);
        }
        Some(SignOffRow {
            approved: Some(false),
            decided_by_name: Some(by),
            reason: Some(r),
            ..
        }) => v.returned = Some((by.clone(), r.clone())),
        _ => {}
    }
    for s in &rows {
        if let (Some(at), Some(by), Some(approved)) = (s.decided_at, &s.decided_by_name, s.approved)
        {
            v.history.push(SignOffLine {
                at: when(&at),
                who: by.clone(),
                what: if approved {
                    "签发"
                } else {
                    "退回联络员"
                },
                reason: s.reason.clone(),
            });
        }
        v.history.push(SignOffLine {
            at: when(&s.asked_at),
            who: s.asked_by_name.clone(),
            what: "送单位负责人签发",
            reason: None,
        });
    }
    Ok(v)
}
