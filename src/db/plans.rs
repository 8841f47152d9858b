//! Plans (工作要点): their summaries, sections and errata, and their defaults for deadlines and
//! reporting (the plan settings).

use crate::rules::schedule::{Cycle, DeadlineKind};
use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};

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

/// Every plan, newest first.
pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<PlanSummary>> {
    sqlx::query_as!(
        PlanSummary,
        r#"SELECT p.id, p.issuer, p.year, p.doc_number, p.title, p.issued_on AS "issued_on: NaiveDate",
                p.printed_on AS "printed_on: NaiveDate",
                p.task_count
         FROM plans p ORDER BY p.year DESC, p.issued_on DESC NULLS LAST, p.id DESC"#
    )
    .fetch_all(db)
    .await
}

/// Every plan with its settings, newest first: the page frame's one read of the plans.
pub async fn list_with_settings(
    db: impl PgExecutor<'_>,
) -> sqlx::Result<Vec<(PlanSummary, PlanSettings)>> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.issuer, p.year, p.doc_number, p.title,
                  p.issued_on AS "issued_on: NaiveDate", p.printed_on AS "printed_on: NaiveDate",
                  p.task_count, p.default_deadline_kind AS "default_deadline_kind: DeadlineKind",
                  p.default_deadline_date AS "default_deadline_date: NaiveDate",
                  p.cycle AS "cycle: Cycle", p.due_days, p.version
           FROM plans p ORDER BY p.year DESC, p.issued_on DESC NULLS LAST, p.id DESC"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let settings = PlanSettings {
                id: r.id,
                year: r.year,
                issuer: r.issuer.clone(),
                issued_on: r.issued_on,
                default_deadline_kind: r.default_deadline_kind,
                default_deadline_date: r.default_deadline_date,
                cycle: r.cycle,
                due_days: r.due_days,
                version: r.version,
            };
            let summary = PlanSummary {
                id: r.id,
                issuer: r.issuer,
                year: r.year,
                doc_number: r.doc_number,
                title: r.title,
                issued_on: r.issued_on,
                printed_on: r.printed_on,
                task_count: r.task_count,
            };
            (summary, settings)
        })
        .collect())
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<PlanSummary>> {
    sqlx::query_as!(
        PlanSummary,
        r#"SELECT p.id, p.issuer, p.year, p.doc_number, p.title, p.issued_on AS "issued_on: NaiveDate",
                p.printed_on AS "printed_on: NaiveDate",
                p.task_count
         FROM plans p WHERE p.id = $1"#,
        id,
    )
    .fetch_optional(db)
    .await
}

/// The plan shown when none is asked for: the newest.
pub async fn newest(db: impl PgExecutor<'_>) -> sqlx::Result<Option<PlanSummary>> {
    sqlx::query_as!(
        PlanSummary,
        r#"SELECT p.id, p.issuer, p.year, p.doc_number, p.title, p.issued_on AS "issued_on: NaiveDate",
                p.printed_on AS "printed_on: NaiveDate",
                p.task_count
         FROM plans p ORDER BY p.year DESC, p.issued_on DESC NULLS LAST, p.id DESC LIMIT 1"#
    )
    .fetch_optional(db)
    .await
}

pub async fn preamble(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<String> {
    sqlx::query_scalar!("SELECT preamble FROM plans WHERE id = $1", plan_id)
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
    sqlx::query_as!(
        SectionSummary,
        r#"SELECT s.number, s.title,
                  (SELECT count(*) FROM subsections ss WHERE ss.section_id = s.id)
                      AS "subsection_count!",
                  (SELECT count(*) FROM tasks t JOIN subsections ss ON ss.id = t.subsection_id
                    WHERE ss.section_id = s.id) AS "task_count!"
           FROM sections s WHERE s.plan_id = $1 ORDER BY s.number"#,
        plan_id,
    )
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
    sqlx::query_as!(
        Erratum,
        r#"SELECT t.code, e.wrong, e."right", e.note FROM errata e
           JOIN tasks t ON t.id = e.task_id WHERE t.plan_id = $1 ORDER BY t.position, e.id"#,
        plan_id,
    )
    .fetch_all(db)
    .await
}

/// A plan's defaults for deadlines and reporting.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanSettings {
    pub id: i64,
    pub year: i32,
    pub issuer: String,
    pub issued_on: Option<NaiveDate>,
    pub default_deadline_kind: DeadlineKind,
    pub default_deadline_date: Option<NaiveDate>,
    pub cycle: Cycle,
    pub due_days: i32,
    pub version: i32,
}

pub async fn settings(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<Option<PlanSettings>> {
    sqlx::query_as!(
        PlanSettings,
        r#"SELECT id, year, issuer, issued_on AS "issued_on: NaiveDate",
                  default_deadline_kind AS "default_deadline_kind: DeadlineKind",
                  default_deadline_date AS "default_deadline_date: NaiveDate", cycle AS "cycle: Cycle", due_days, version
           FROM plans WHERE id = $1"#,
        plan_id,
    )
    .fetch_optional(db)
    .await
}

pub async fn lock_settings(
    conn: &mut PgConnection,
    plan_id: i64,
) -> sqlx::Result<Option<PlanSettings>> {
    sqlx::query_as!(
        PlanSettings,
        r#"SELECT id, year, issuer, issued_on AS "issued_on: NaiveDate",
                  default_deadline_kind AS "default_deadline_kind: DeadlineKind",
                  default_deadline_date AS "default_deadline_date: NaiveDate", cycle AS "cycle: Cycle", due_days, version
           FROM plans WHERE id = $1 FOR UPDATE"#,
        plan_id,
    )
    .fetch_optional(conn)
    .await
}

/// Sets the plan's defaults; returns its new version.
pub async fn update_settings(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    kind: DeadlineKind,
    date: Option<NaiveDate>,
    cycle: Cycle,
    due_days: i32,
) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        "UPDATE plans SET default_deadline_kind = $2, default_deadline_date = $3, cycle = $4,
                          due_days = $5, version = version + 1
         WHERE id = $1 RETURNING version",
        plan_id,
        kind as _,
        date as _,
        cycle as _,
        due_days,
    )
    .fetch_one(db)
    .await
}

/// 签收期限: the days a unit has from its assignment to acknowledge or contest it.
pub async fn acknowledge_days(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<i32> {
    Ok(
        sqlx::query_scalar!("SELECT acknowledge_days FROM plans WHERE id = $1", plan_id)
            .fetch_optional(db)
            .await?
            .unwrap_or(crate::rules::acknowledgements::DEFAULT_DAYS),
    )
}

/// Sets the plan's 签收期限.
pub async fn set_acknowledge_days(
    conn: &mut PgConnection,
    plan_id: i64,
    days: i32,
) -> sqlx::Result<bool> {
    let n = sqlx::query!(
        "UPDATE plans SET acknowledge_days = $2 WHERE id = $1",
        plan_id,
        days
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}
