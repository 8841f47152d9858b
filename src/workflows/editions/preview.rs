//! 发布通报 in two steps: a preview of the edition to be issued, then its confirmation. Issuing
//! is refused when the content would be that of the last edition (the snapshot without its
//! date), and when another edition was issued since the preview (a second submission of the
//! same confirmation among them).

use crate::db::{self, audit::Actor};
use crate::workflows::summary::Summary;
use chrono::NaiveDate;
use serde_json::Value;
use sqlx::PgPool;

/// What the preview shows.
pub struct Preview {
    pub summary: Summary,
    /// The last edition issued (`id`, title), which the confirmation names as seen.
    pub last: Option<(i64, String)>,
    /// The content is that of the last edition: nothing to issue.
    pub identical: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("本期通报内容与上一期（{0}）完全相同，未发布新一期。")]
    Identical(String),
    #[error("自预览以来已有新的一期通报发布（可能是重复提交），未重复发布。请重新预览。")]
    Superseded,
    #[error("找不到该工作要点")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A snapshot's content: everything but the day it was taken.
fn content(snapshot: &Value) -> Value {
    let mut v = snapshot.clone();
    if let Some(map) = v.as_object_mut() {
        map.remove("as_of");
    }
    v
}

/// Whether two snapshots say the same thing, whatever their dates.
pub fn same_content(a: &Value, b: &Value) -> bool {
    content(a) == content(b)
}

/// The edition that would be issued now, beside the last one.
pub async fn preview(pool: &PgPool, plan_id: i64, today: NaiveDate) -> Result<Preview, IssueError> {
    let (s, snapshot) = super::frozen(pool, plan_id, today)
        .await?
        .ok_or(IssueError::NotFound)?;
    let last = db::editions::latest(pool, plan_id).await?;
    Ok(Preview {
        identical: last
            .as_ref()
            .is_some_and(|(_, _, old)| same_content(old, &snapshot)),
        last: last.map(|(id, title, _)| (id, title)),
        summary: s,
    })
}

/// Issues the edition previewed when `seen_last` was the last one; returns its id.
pub async fn issue_confirmed(
    pool: &PgPool,
    actor: &Actor,
    plan_id: i64,
    today: NaiveDate,
    seen_last: Option<i64>,
) -> Result<i64, IssueError> {
    let (_, snapshot) = super::frozen(pool, plan_id, today)
        .await?
        .ok_or(IssueError::NotFound)?;
    let year = db::plans::settings(pool, plan_id)
        .await?
        .ok_or(IssueError::NotFound)?
        .year;
    let mut tx = pool.begin().await?;
    db::editions::lock_numbering(&mut tx, plan_id).await?;
    let last = db::editions::latest(&mut *tx, plan_id).await?;
    if last.as_ref().map(|(id, _, _)| *id) != seen_last {
        return Err(IssueError::Superseded);
    }
    if let Some((_, title, old)) = &last
        && same_content(old, &snapshot)
    {
        return Err(IssueError::Identical(title.clone()));
    }
    let id = super::insert_recorded(&mut tx, actor, plan_id, year, today, &snapshot).await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn content_is_compared_without_the_date() {
        let a = json!({ "as_of": "2022-07-05", "totals": { "red": 3 } });
        let b = json!({ "as_of": "2022-07-06", "totals": { "red": 3 } });
        let c = json!({ "as_of": "2022-07-05", "totals": { "red": 4 } });
        assert!(same_content(&a, &b));
        assert!(!same_content(&a, &c));
    }
}
