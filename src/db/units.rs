//! Units (成员单位), their directories and their tasks.

use super::Window;
use sqlx::PgExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitRow {
    pub id: i64,
    pub directory: String,
    pub short_name: String,
    pub full_name: String,
    pub lead_count: i64,
    pub co_count: i64,
}

/// `query_as!` of [`UnitRow`]s, with their task counts in plan `$1`, then `$tail`.
// Counts per unit through the unit's own task links (an index lookup per unit listed), so a
// page of units never reads every task of the plan.
macro_rules! select_units {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            UnitRow,
            r#"SELECT un.id, un.directory, un.short_name, un.full_name,
                      COALESCE(c.lead_count, 0) AS "lead_count!",
                      COALESCE(c.co_count, 0) AS "co_count!"
               FROM units un
               LEFT JOIN LATERAL (
                   SELECT count(*) FILTER (WHERE tu.role = 'lead') AS lead_count,
                          count(*) FILTER (WHERE tu.role = 'co') AS co_count
                   FROM task_units tu JOIN tasks t ON t.id = tu.task_id
                   WHERE tu.unit_id = un.id AND t.plan_id = $1
               ) c ON true
            "# + $tail
            $(, $arg)*
        )
    };
}

/// The units of the plan's directory (its issuer's member units), with their task counts in
/// that plan, in directory order: a window of them.
pub async fn page_for_plan(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    window: Window,
) -> sqlx::Result<Vec<UnitRow>> {
    select_units!(
        "WHERE un.directory = (SELECT issuer FROM plans WHERE id = $1)
         ORDER BY un.sort_order, un.id LIMIT $2 OFFSET $3",
        plan_id,
        window.limit,
        window.offset,
    )
    .fetch_all(db)
    .await
}

pub async fn count_for_plan(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM units un
           WHERE un.directory = (SELECT issuer FROM plans WHERE id = $1)"#,
        plan_id,
    )
    .fetch_one(db)
    .await
}

/// How many of the directory's units have tasks in the plan.
pub async fn count_with_tasks(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM units un
           WHERE un.directory = (SELECT issuer FROM plans WHERE id = $1) AND EXISTS (
               SELECT 1 FROM task_units tu JOIN tasks t ON t.id = tu.task_id
               WHERE tu.unit_id = un.id AND t.plan_id = $1)"#,
        plan_id,
    )
    .fetch_one(db)
    .await
}

/// The plan directory's units, id and name only, for choosing one in a form.
pub async fn choices_for_plan(
    db: impl PgExecutor<'_>,
    plan_id: i64,
) -> sqlx::Result<Vec<super::users::UnitChoice>> {
    sqlx::query_as!(
        super::users::UnitChoice,
        "SELECT un.id, un.short_name, un.directory FROM units un
         WHERE un.directory = (SELECT issuer FROM plans WHERE id = $1)
         ORDER BY un.sort_order, un.id",
        plan_id,
    )
    .fetch_all(db)
    .await
}

/// One unit, with its task counts in the given plan.
pub async fn get(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: i64,
) -> sqlx::Result<Option<UnitRow>> {
    select_units!("WHERE un.id = $2", plan_id, unit_id)
        .fetch_optional(db)
        .await
}

/// Adds a unit to a directory, last in its order; `None` when the short name is taken there.
pub async fn insert(
    db: impl PgExecutor<'_>,
    directory: &str,
    short: &str,
    full: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "INSERT INTO units (directory, short_name, full_name, sort_order)
         SELECT $1, $2, $3, COALESCE(max(sort_order), 0) + 1 FROM units WHERE directory = $1
         ON CONFLICT (directory, short_name) DO NOTHING RETURNING id",
        directory,
        short,
        full,
    )
    .fetch_optional(db)
    .await
}

/// The units with at least one active liaison account (联络员): a unit without one cannot
/// report by itself, only through the office.
pub async fn with_liaison(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        r#"SELECT DISTINCT unit_id AS "unit_id!" FROM users
           WHERE role = 'liaison' AND active AND unit_id IS NOT NULL"#
    )
    .fetch_all(db)
    .await
}

/// A unit's channels: its contact address and webhook.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct UnitChannels {
    pub contact_email: Option<String>,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
}

pub async fn channels(db: impl PgExecutor<'_>, unit_id: i64) -> sqlx::Result<Option<UnitChannels>> {
    sqlx::query_as!(
        UnitChannels,
        "SELECT contact_email, webhook_url, webhook_secret FROM units WHERE id = $1",
        unit_id
    )
    .fetch_optional(db)
    .await
}

pub async fn set_channels(
    db: impl PgExecutor<'_>,
    unit_id: i64,
    c: &UnitChannels,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE units SET contact_email = $2, webhook_url = $3, webhook_secret = $4 WHERE id = $1",
        unit_id,
        c.contact_email.as_deref(),
        c.webhook_url.as_deref(),
        c.webhook_secret.as_deref(),
    )
    .execute(db)
    .await
    .map(|_| ())
}
