//! 公文: the series (发文字号), the issued documents kept as issued, and what the drafts read that
//! no other module does (the accepted reports and open requests as of an edition).

use super::Window;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

/// The prefix the office set for a kind's series in a plan; `None`: not set (the default).
pub async fn prefix(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    kind: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "SELECT prefix FROM document_series WHERE plan_id = $1 AND kind = $2",
        plan_id,
        kind,
    )
    .fetch_optional(db)
    .await
}

/// Every series prefix the office set in a plan, `(kind, prefix)`.
pub async fn prefixes(
    db: impl PgExecutor<'_>,
    plan_id: i64,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "SELECT kind, prefix FROM document_series WHERE plan_id = $1 ORDER BY kind",
        plan_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.kind, r.prefix)).collect())
}

pub async fn set_prefix(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    kind: &str,
    prefix: &str,
    by: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO document_series (plan_id, kind, prefix, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (plan_id, kind) DO UPDATE
         SET prefix = EXCLUDED.prefix, updated_by = EXCLUDED.updated_by, updated_at = now()",
        plan_id,
        kind,
        prefix,
        by,
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The next number of a series, taken in the caller's transaction: the counter's row stays
/// locked until it commits, so a concurrent issue waits and takes the one after, and a
/// rollback gives the number back.
pub async fn take_number(
    conn: &mut PgConnection,
    plan_id: i64,
    kind: &str,
    year: i32,
) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        "INSERT INTO document_counters (plan_id, kind, year, last) VALUES ($1, $2, $3, 1)
         ON CONFLICT (plan_id, kind, year) DO UPDATE SET last = document_counters.last + 1
         RETURNING last",
        plan_id,
        kind,
        year,
    )
    .fetch_one(conn)
    .await
}

/// A document to store as issued.
pub struct NewDocument<'a> {
    pub plan_id: i64,
    pub kind: &'a str,
    pub year: i32,
    pub number: i32,
    pub doc_number: &'a str,
    pub subject_id: i64,
    pub title: &'a str,
    pub inputs: &'a serde_json::Value,
    pub body: &'a [u8],
    pub sha256: &'a str,
    pub issued_by: Option<i64>,
}

pub async fn insert(conn: &mut PgConnection, d: &NewDocument<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO documents (plan_id, kind, year, number, doc_number, subject_id, title,
                                inputs, body, sha256, issued_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        d.plan_id,
        d.kind,
        d.year,
        d.number,
        d.doc_number,
        d.subject_id,
        d.title,
        d.inputs,
        d.body,
        d.sha256,
        d.issued_by,
    )
    .fetch_one(conn)
    .await
}

/// An issued document without its bytes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    pub plan_id: i64,
    pub kind: String,
    pub year: i32,
    pub number: i32,
    pub doc_number: String,
    pub subject_id: i64,
    pub title: String,
    pub inputs: serde_json::Value,
    pub sha256: String,
    pub issued_at: DateTime<Utc>,
    pub issued_by_name: Option<String>,
}

/// `query_as!` of [`DocumentRow`]s with the issuer's name, then `$tail`.
macro_rules! select_documents {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            DocumentRow,
            r#"SELECT d.id, d.plan_id, d.kind, d.year, d.number, d.doc_number, d.subject_id,
                      d.title, d.inputs, d.sha256, d.issued_at AS "issued_at: DateTime<Utc>",
                      u.display_name AS "issued_by_name?"
               FROM documents d LEFT JOIN users u ON u.id = d.issued_by
            "# + $tail
            $(, $arg)*
        )
    };
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<DocumentRow>> {
    select_documents!("WHERE d.id = $1", id)
        .fetch_optional(db)
        .await
}

/// The bytes of an issued document.
pub async fn body(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar!("SELECT body FROM documents WHERE id = $1", id)
        .fetch_optional(db)
        .await
}

/// The documents of one kind about one subject (an edition, task, urge or unit) in a plan,
/// newest first (a unit is in several plans).
pub async fn for_subject(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    kind: &str,
    subject_id: i64,
) -> sqlx::Result<Vec<DocumentRow>> {
    select_documents!(
        "WHERE d.plan_id = $1 AND d.kind = $2 AND d.subject_id = $3
         ORDER BY d.issued_at DESC, d.id DESC",
        plan_id,
        kind,
        subject_id,
    )
    .fetch_all(db)
    .await
}

/// The documents of one kind about any of `subjects`, newest first (a list page's column).
pub async fn for_subjects(
    db: impl PgExecutor<'_>,
    kind: &str,
    subjects: &[i64],
) -> sqlx::Result<Vec<DocumentRow>> {
    select_documents!(
        "WHERE d.kind = $1 AND d.subject_id = ANY($2) ORDER BY d.issued_at DESC, d.id DESC",
        kind,
        subjects,
    )
    .fetch_all(db)
    .await
}

/// 发文登记: a plan's issued documents, newest first, a window of them.
pub async fn register(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    window: Window,
) -> sqlx::Result<Vec<DocumentRow>> {
    select_documents!(
        "WHERE d.plan_id = $1 ORDER BY d.issued_at DESC, d.id DESC LIMIT $2 OFFSET $3",
        plan_id,
        window.limit,
        window.offset,
    )
    .fetch_all(db)
    .await
}

pub async fn count(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM documents WHERE plan_id = $1"#,
        plan_id
    )
    .fetch_one(db)
    .await
}

/// A report as the office accepted it: the content kept with its acceptance.
#[derive(Debug, Clone)]
pub struct AcceptedReport {
    pub report_id: i64,
    pub task_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub period: String,
    pub period_end: NaiveDate,
    /// 第几版: the submission that was accepted.
    pub version: i32,
    pub accepted_at: DateTime<Utc>,
    pub snapshot: serde_json::Value,
}

/// For each task and unit of a plan, the latest report accepted by `until` (an edition's
/// issue), as it was accepted: the latest period's, then the latest acceptance.
pub async fn accepted_until(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<AcceptedReport>> {
    let rows = sqlx::query!(
        r#"SELECT DISTINCT ON (r.task_id, r.unit_id) r.id, r.task_id, r.unit_id,
                  u.short_name AS unit_name, r.period, r.period_end AS "period_end: NaiveDate",
                  e.version, e.at AS "at: DateTime<Utc>", e.snapshot
           FROM report_events e JOIN reports r ON r.id = e.report_id
           JOIN tasks t ON t.id = r.task_id JOIN units u ON u.id = r.unit_id
           WHERE t.plan_id = $1 AND e.action = 'accepted' AND e.at <= $2
           ORDER BY r.task_id, r.unit_id, r.period_end DESC, e.at DESC, e.id DESC"#,
        plan_id,
        until as _,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AcceptedReport {
            report_id: r.id,
            task_id: r.task_id,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            period: r.period,
            period_end: r.period_end,
            version: r.version,
            accepted_at: r.at,
            snapshot: r.snapshot,
        })
        .collect())
}

/// A coordination request still open at a moment: `(task code, unit, text)`.
pub async fn open_requests_at(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    at: DateTime<Utc>,
) -> sqlx::Result<Vec<(String, String, String)>> {
    let rows = sqlx::query!(
        r#"SELECT t.code, u.short_name AS unit_name, c.text
           FROM coordination_requests c JOIN reports r ON r.id = c.report_id
           JOIN tasks t ON t.id = r.task_id JOIN units u ON u.id = r.unit_id
           WHERE t.plan_id = $1 AND c.submitted_at IS NOT NULL AND c.submitted_at <= $2
             AND (c.withdrawn_at IS NULL OR c.withdrawn_at > $2)
             AND (c.answered_at IS NULL OR c.answered_at > $2)
           ORDER BY t.position, u.short_name, c.id"#,
        plan_id,
        at as _,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.code, r.unit_name, r.text))
        .collect())
}

/// How many times `unit_id` was urged in the plan's `period` about each of `codes`, counting
/// urges up to and including `urge_id`: the most for any one code (the 催办单's colour).
pub async fn times_urged(db: impl PgExecutor<'_>, urge_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT COALESCE(max(n), 0) AS "n!" FROM (
             SELECT count(*) AS n FROM urges g, urges me, unnest(me.task_codes) AS c(code)
             WHERE me.id = $1 AND g.plan_id = me.plan_id AND g.unit_id = me.unit_id
               AND g.period = me.period AND g.id <= me.id AND c.code = ANY(g.task_codes)
             GROUP BY c.code) per_code"#,
        urge_id,
    )
    .fetch_one(db)
    .await
}
