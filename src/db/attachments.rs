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
}

/// A report's attachments, without their data, in upload order.
pub async fn for_report(
    db: impl PgExecutor<'_>,
    report_id: i64,
) -> sqlx::Result<Vec<AttachmentMeta>> {
    sqlx::query_as!(
        AttachmentMeta,
        r#"SELECT id, report_id, file_name, content_type, size,
                  uploaded_at AS "uploaded_at: DateTime<Utc>" FROM attachments
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
                  uploaded_at AS "uploaded_at: DateTime<Utc>" FROM attachments
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

pub async fn delete(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM attachments WHERE id = $1", id)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn count_for_report(conn: &mut PgConnection, report_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM attachments WHERE report_id = $1"#,
        report_id,
    )
    .fetch_one(conn)
    .await
}
