//! Writing a parsed plan. The caller runs these inside one transaction.

use crate::rules::plan::{AppliedErratum, Plan, UnitDirectory};
use sqlx::PgConnection;
use std::collections::HashMap;

/// Serialises imports across processes (two `duban serve` starting at once).
pub async fn lock(conn: &mut PgConnection) -> sqlx::Result<()> {
    // The lock function returns void, which has no Rust type: select a constant from it.
    sqlx::query!(
        r#"SELECT true AS "locked!" FROM pg_advisory_xact_lock(hashtextextended('duban.import', 0))"#
    )
    .fetch_one(conn)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExistingPlan {
    pub id: i64,
    pub source_sha256: String,
}

/// The plan with the same identity (issuer and title, or issuer and number), if any.
pub async fn find_existing(
    conn: &mut PgConnection,
    plan: &Plan,
) -> sqlx::Result<Option<ExistingPlan>> {
    sqlx::query_as!(
        ExistingPlan,
        "SELECT id, source_sha256 FROM plans
         WHERE issuer = $1 AND (title = $2 OR doc_number = $3)
         ORDER BY id LIMIT 1",
        plan.issuer,
        plan.title,
        plan.doc_number.as_deref(),
    )
    .fetch_optional(conn)
    .await
}

/// Adds the directory's units that are missing; returns how many were added.
pub async fn sync_directory(conn: &mut PgConnection, dir: &UnitDirectory) -> sqlx::Result<u64> {
    let shorts: Vec<&str> = dir.units.iter().map(|(s, _)| s.as_str()).collect();
    let fulls: Vec<&str> = dir.units.iter().map(|(_, f)| f.as_str()).collect();
    let r = sqlx::query!(
        "INSERT INTO units (directory, short_name, full_name, sort_order)
         SELECT $1, u.short_name, u.full_name, u.ord::int
         FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(short_name, full_name, ord)
         ON CONFLICT (directory, short_name) DO NOTHING",
        dir.issuer,
        &shorts as _,
        &fulls as _,
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected())
}

/// What one import wrote.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Written {
    pub plan_id: i64,
    pub units_created: Vec<String>,
}

/// Inserts the plan, its sections, subsections, tasks and responsibilities. Units the
/// directory does not know yet are created under the plan's issuer.
pub async fn insert_plan(
    conn: &mut PgConnection,
    plan: &Plan,
    errata: &[AppliedErratum],
    source_name: &str,
    source_sha256: &str,
) -> sqlx::Result<Written> {
    let plan_id: i64 = sqlx::query_scalar!(
        "INSERT INTO plans (issuer, doc_number, title, year, issued_on, printed_on, preamble,
                            source_name, source_sha256)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        plan.issuer,
        plan.doc_number.as_deref(),
        plan.title,
        plan.year,
        plan.issued_on as _,
        plan.printed_on as _,
        plan.preamble,
        source_name,
        source_sha256,
    )
    .fetch_one(&mut *conn)
    .await?;

    let units_created = ensure_units(conn, &plan.issuer, &plan.unit_names()).await?;
    let unit_ids = unit_ids(conn, &plan.issuer).await?;

    let mut position = 0;
    let mut task_ids: HashMap<&str, i64> = HashMap::new();
    for section in &plan.sections {
        let section_id: i64 = sqlx::query_scalar!(
            "INSERT INTO sections (plan_id, number, title) VALUES ($1, $2, $3) RETURNING id",
            plan_id,
            section.number as i32,
            section.title,
        )
        .fetch_one(&mut *conn)
        .await?;
        for sub in &section.subsections {
            let subsection_id: i64 = sqlx::query_scalar!(
                "INSERT INTO subsections (plan_id, section_id, number, title)
                 VALUES ($1, $2, $3, $4) RETURNING id",
                plan_id,
                section_id,
                sub.number as i32,
                sub.title,
            )
            .fetch_one(&mut *conn)
            .await?;
            for task in &sub.tasks {
                position += 1;
                let task_id: i64 = sqlx::query_scalar!(
                    "INSERT INTO tasks (plan_id, subsection_id, number, position, code, text,
                                        source_text, responsibility_text, unnamed_members, source_line,
                                        designation_complete)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NOT $9) RETURNING id",
                    plan_id,
                    subsection_id,
                    task.number as i32,
                    position,
                    task.code,
                    task.text,
                    task.source_text,
                    task.responsibility_text,
                    task.unnamed_members,
                    i32::try_from(task.line).unwrap_or(i32::MAX),
                )
                .fetch_one(&mut *conn)
                .await?;
                task_ids.insert(task.code.as_str(), task_id);
                insert_responsibilities(conn, task_id, &task.leads, &task.co, &unit_ids).await?;
            }
        }
    }

    for e in errata {
        if let Some(task_id) = task_ids.get(e.task.as_str()) {
            sqlx::query!(
                r#"INSERT INTO errata (task_id, wrong, "right", note) VALUES ($1, $2, $3, $4)"#,
                task_id,
                e.wrong,
                e.right,
                e.note,
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(Written {
        plan_id,
        units_created,
    })
}

async fn insert_responsibilities(
    conn: &mut PgConnection,
    task_id: i64,
    leads: &[String],
    co: &[String],
    unit_ids: &HashMap<String, i64>,
) -> sqlx::Result<()> {
    let mut ids = Vec::new();
    let mut roles = Vec::new();
    let mut positions = Vec::new();
    for (role, names) in [("lead", leads), ("co", co)] {
        for (i, name) in names.iter().enumerate() {
            let id = unit_ids.get(name).copied().ok_or_else(|| {
                sqlx::Error::Protocol(format!("unit {name} missing after creation"))
            })?;
            ids.push(id);
            roles.push(role);
            positions.push(i as i32 + 1);
        }
    }
    sqlx::query!(
        "INSERT INTO task_units (task_id, unit_id, role, position)
         SELECT $1, u.id, u.role::unit_role, u.pos FROM unnest($2::bigint[], $3::text[], $4::int[])
         AS u(id, role, pos)",
        task_id,
        &ids,
        &roles as _,
        &positions,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Creates the named units the issuer's directory lacks (full name = short name until the
/// office completes it). Returns the names created, in order.
async fn ensure_units(
    conn: &mut PgConnection,
    issuer: &str,
    names: &[&str],
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "INSERT INTO units (directory, short_name, full_name, sort_order)
         SELECT $1, n.name, n.name,
                (SELECT COALESCE(max(sort_order), 0) FROM units WHERE directory = $1) + n.ord::int
         FROM unnest($2::text[]) WITH ORDINALITY AS n(name, ord)
         ON CONFLICT (directory, short_name) DO NOTHING
         RETURNING short_name",
        issuer,
        names as _,
    )
    .fetch_all(conn)
    .await
}

async fn unit_ids(conn: &mut PgConnection, issuer: &str) -> sqlx::Result<HashMap<String, i64>> {
    let rows = sqlx::query!(
        "SELECT short_name, id FROM units WHERE directory = $1",
        issuer
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.short_name, r.id)).collect())
}
