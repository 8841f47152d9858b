//! Files attached to reports (附件), stored in the database with their SHA-256.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentMeta {
    pub id: i64,
    pub report_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i32,
    pub uploaded_at: DateTime<Utc>,
    /// It went out with a submission, so the report's submitted version holds it.
    pub went_out: bool,
    /// Removed from the working copy after it went out; the submitted version still holds it
    /// until the next submission.
    pub withdrawn: bool,
}

/// A report's attachments, without their data, in upload order: those of the working copy and
/// those of the submitted version (see [`AttachmentMeta`]).
pub async fn for_report(
    db: impl PgExecutor<'_>,
    report_id: i64,
) -> sqlx::Result<Vec<AttachmentMeta>> {
    sqlx::query_as!(
        AttachmentMeta,
        r#"SELECT id, report_id, file_name, content_type, size,
                  uploaded_at AS "uploaded_at: DateTime<Utc>",
                  submitted_at IS NOT NULL AS "went_out!", withdrawn_at IS NOT NULL AS "withdrawn!"
           FROM attachments
         WHERE report_id = $1 ORDER BY id"#,
        report_id,
    )
    .fetch_all(db)
    .await
}

pub async fn meta(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<AttachmentMeta>> {
    sqlx::query_as!(
        AttachmentMeta,
        r#"SELECT id, report_id, file_name, content_type, size,
                  uploaded_at AS "uploaded_at: DateTime<Utc>",
                  submitted_at IS NOT NULL AS "went_out!", withdrawn_at IS NOT NULL AS "withdrawn!"
           FROM attachments
         WHERE id = $1"#,
        id,
    )
    .fetch_optional(db)
    .await
}

pub async fn data(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar!("SELECT data FROM attachments WHERE id = $1", id)
        .fetch_optional(db)
        .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut PgConnection,
    report_id: i64,
    file_name: &str,
    content_type: &str,
    data: &[u8],
    sha256: &str,
    uploaded_by: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO attachments (report_id, file_name, content_type, size, sha256, data, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        report_id,
        file_name,
        content_type,
        data.len() as i32,
        sha256,
        data,
        uploaded_by,
    )
    .fetch_one(conn)
    .await
}

/// Removes a file that went out with a submission from the working copy only.
pub async fn withdraw(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE attachments SET withdrawn_at = now() WHERE id = $1",
        id
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// At a submission: the working copy's files go out with it, and the files withdrawn from it
/// leave the report.
pub async fn mark_submitted(conn: &mut PgConnection, report_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM attachments WHERE report_id = $1 AND withdrawn_at IS NOT NULL",
        report_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE attachments SET submitted_at = now() WHERE report_id = $1 AND submitted_at IS NULL",
        report_id
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn delete(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM attachments WHERE id = $1", id)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn count_for_report(conn: &mut PgConnection, report_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM attachments
           WHERE report_id = $1 AND withdrawn_at IS NULL"#,
        report_id,
    )
    .fetch_one(conn)
    .await
}
