//! Plans (工作要点) and their sections.

use chrono::NaiveDate;
use sqlx::PgExecutor;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PlanSummary {
    pub id: i64,
    pub issuer: String,
    pub year: i32,
    pub doc_number: Option<String>,
    pub title: String,
    pub issued_on: Option<NaiveDate>,
    pub printed_on: Option<NaiveDate>,
    pub task_count: i64,
}

const PLAN_COLUMNS: &str = "p.id, p.issuer, p.year, p.doc_number, p.title, p.issued_on, \
     p.printed_on, p.task_count";

/// Every plan, newest first.
pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<PlanSummary>> {
    sqlx::query_as(&format!(
        "SELECT {PLAN_COLUMNS} FROM plans p \
         ORDER BY p.year DESC, p.issued_on DESC NULLS LAST, p.id DESC"
    ))
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<PlanSummary>> {
    sqlx::query_as(&format!(
        "SELECT {PLAN_COLUMNS} FROM plans p WHERE p.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The plan shown when none is asked for: the newest.
pub async fn newest(db: impl PgExecutor<'_>) -> sqlx::Result<Option<PlanSummary>> {
    sqlx::query_as(&format!(
        "SELECT {PLAN_COLUMNS} FROM plans p \
         ORDER BY p.year DESC, p.issued_on DESC NULLS LAST, p.id DESC LIMIT 1"
    ))
    .fetch_optional(db)
    .await
}

pub async fn preamble(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT preamble FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_optional(db)
        .await
        .map(Option::unwrap_or_default)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SectionSummary {
    pub number: i32,
    pub title: String,
    pub subsection_count: i64,
    pub task_count: i64,
}

/// A plan's sections in order, with their subsection and task counts.
pub async fn sections(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<Vec<SectionSummary>> {
    sqlx::query_as(
        "SELECT s.number, s.title, \
                (SELECT count(*) FROM subsections ss WHERE ss.section_id = s.id) AS subsection_count, \
                (SELECT count(*) FROM tasks t JOIN subsections ss ON ss.id = t.subsection_id \
                  WHERE ss.section_id = s.id) AS task_count \
         FROM sections s WHERE s.plan_id = $1 ORDER BY s.number",
    )
    .bind(plan_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Erratum {
    pub code: String,
    pub wrong: String,
    pub right: String,
    pub note: String,
}

/// 勘误 applied to a plan's tasks at import.
pub async fn errata(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<Vec<Erratum>> {
    sqlx::query_as(
        "SELECT t.code, e.wrong, e.\"right\", e.note FROM errata e \
         JOIN tasks t ON t.id = e.task_id WHERE t.plan_id = $1 ORDER BY t.position, e.id",
    )
    .bind(plan_id)
    .fetch_all(db)
    .await
}
