//! The office's changes to a task: units, deadline, cycle, designation, with versions and
//! history. Callers run these inside one transaction. (The plan's defaults are in `db::plans`.)

use crate::db::audit::Actor;
use crate::db::tasks::UnitRole;
use crate::rules::schedule::{Checkpoint, Cycle, DeadlineKind};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

/// A task's editable state, locked for the transaction.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LockedTask {
    pub id: i64,
    pub version: i32,
    pub unnamed_members: bool,
    pub designation_complete: bool,
    pub deadline_kind: Option<DeadlineKind>,
    pub deadline_date: Option<NaiveDate>,
    pub cycle: Option<Cycle>,
    pub plan_year: i32,
    pub directory: String,
}

pub async fn lock_task(
    conn: &mut PgConnection,
    plan_id: i64,
    code: &str,
) -> sqlx::Result<Option<LockedTask>> {
    sqlx::query_as!(
        LockedTask,
        r#"SELECT t.id, t.version, t.unnamed_members, t.designation_complete,
                  t.deadline_kind AS "deadline_kind: DeadlineKind",
                  t.deadline_date AS "deadline_date: NaiveDate",
                  t.cycle AS "cycle: Cycle", p.year AS plan_year, p.issuer AS directory
           FROM tasks t JOIN plans p ON p.id = t.plan_id
           WHERE t.plan_id = $1 AND t.code = $2 FOR UPDATE OF t"#,
        plan_id,
        code,
    )
    .fetch_optional(conn)
    .await
}

/// Locks several tasks, in id order (so that concurrent bulk edits cannot deadlock), each
/// once: the rows are locked as the sorted result is read.
pub async fn lock_tasks(
    conn: &mut PgConnection,
    plan_id: i64,
    codes: &[String],
) -> sqlx::Result<Vec<(String, LockedTask)>> {
    let rows = sqlx::query!(
        r#"SELECT t.code, t.id, t.version, t.unnamed_members, t.designation_complete,
                  t.deadline_kind AS "deadline_kind: DeadlineKind",
                  t.deadline_date AS "deadline_date: NaiveDate",
                  t.cycle AS "cycle: Cycle", p.year AS plan_year, p.issuer AS directory
           FROM tasks t JOIN plans p ON p.id = t.plan_id
           WHERE t.plan_id = $1 AND t.code = ANY($2) ORDER BY t.id FOR UPDATE OF t"#,
        plan_id,
        codes,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let task = LockedTask {
                id: r.id,
                version: r.version,
                unnamed_members: r.unnamed_members,
                designation_complete: r.designation_complete,
                deadline_kind: r.deadline_kind,
                deadline_date: r.deadline_date,
                cycle: r.cycle,
                plan_year: r.plan_year,
                directory: r.directory,
            };
            (r.code, task)
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct AssignedUnit {
    pub unit_id: i64,
    pub short_name: String,
    pub role: UnitRole,
    /// Added by the office rather than named in the document.
    pub designated: bool,
    /// The day it was assigned (`None`: named in the plan, as of the plan's issue).
    pub assigned_on: Option<NaiveDate>,
}

/// A task's units: leads first, each role in its order.
pub async fn units(db: impl PgExecutor<'_>, task_id: i64) -> sqlx::Result<Vec<AssignedUnit>> {
    sqlx::query_as!(
        AssignedUnit,
        r#"SELECT tu.unit_id, u.short_name, tu.role AS "role: UnitRole", tu.designated,
                  tu.assigned_on AS "assigned_on: NaiveDate"
           FROM task_units tu JOIN units u ON u.id = tu.unit_id
           WHERE tu.task_id = $1 ORDER BY tu.role, tu.position"#,
        task_id,
    )
    .fetch_all(db)
    .await
}

/// Replaces a task's units with `units`, positions following the given order within each role.
/// A unit no longer listed keeps a row in `task_unit_history`, taken off on `today`.
pub async fn replace_units(
    conn: &mut PgConnection,
    task_id: i64,
    units: &[AssignedUnit],
    today: NaiveDate,
) -> sqlx::Result<()> {
    let kept: Vec<i64> = units.iter().map(|u| u.unit_id).collect();
    sqlx::query!(
        "INSERT INTO task_unit_history (task_id, unit_id, role, assigned_on, removed_on)
         SELECT tu.task_id, tu.unit_id, tu.role,
                LEAST(COALESCE(tu.assigned_on, p.issued_on, make_date(p.year, 1, 1)), $3), $3
         FROM task_units tu JOIN tasks t ON t.id = tu.task_id JOIN plans p ON p.id = t.plan_id
         WHERE tu.task_id = $1 AND NOT tu.unit_id = ANY($2)",
        task_id,
        &kept,
        today as _,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("DELETE FROM task_units WHERE task_id = $1", task_id)
        .execute(&mut *conn)
        .await?;
    let (mut lead, mut co) = (0, 0);
    let mut positions = Vec::with_capacity(units.len());
    for u in units {
        let counter = if u.role == UnitRole::Lead {
            &mut lead
        } else {
            &mut co
        };
        *counter += 1;
        positions.push(*counter);
    }
    let ids: Vec<i64> = units.iter().map(|u| u.unit_id).collect();
    let roles: Vec<UnitRole> = units.iter().map(|u| u.role).collect();
    let designated: Vec<bool> = units.iter().map(|u| u.designated).collect();
    let since: Vec<Option<NaiveDate>> = units.iter().map(|u| u.assigned_on).collect();
    sqlx::query!(
        "INSERT INTO task_units (task_id, unit_id, role, position, designated, assigned_on)
         SELECT $1, x.id, x.role, x.pos, x.designated, x.since
         FROM unnest($2::bigint[], $3::unit_role[], $4::int[], $5::bool[], $6::date[])
              AS x(id, role, pos, designated, since)",
        task_id,
        &ids,
        &roles as _,
        &positions,
        &designated,
        &since as _,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn checkpoints(db: impl PgExecutor<'_>, task_id: i64) -> sqlx::Result<Vec<Checkpoint>> {
    sqlx::query_as!(
        Checkpoint,
        r#"SELECT due_on AS "date: NaiveDate", title FROM task_checkpoints
           WHERE task_id = $1 ORDER BY due_on, id"#,
        task_id,
    )
    .fetch_all(db)
    .await
}

/// Keeps the task's own cycle and deadline as they stand, replaced on `today` (call before
/// changing either; once a day is enough: the first change of the day holds what stood before).
pub async fn keep_terms(
    conn: &mut PgConnection,
    task_id: i64,
    today: NaiveDate,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO task_terms_history (task_id, replaced_on, cycle, deadline_kind, deadline_date,
                                         checkpoints)
         SELECT t.id, $2, t.cycle, t.deadline_kind, t.deadline_date,
                COALESCE((SELECT jsonb_agg(jsonb_build_object('date', c.due_on, 'title', c.title)
                                           ORDER BY c.due_on, c.id)
                          FROM task_checkpoints c WHERE c.task_id = t.id), '[]')
         FROM tasks t
         WHERE t.id = $1
           AND NOT EXISTS (SELECT 1 FROM task_terms_history h
                           WHERE h.task_id = t.id AND h.replaced_on >= $2)",
        task_id,
        today as _,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Before the plan's default cycle or deadline changes on `today`: every task's history that
/// leaned on the plan's defaults (`NULL`) gets the defaults as they stood (`cycle`, `kind`,
/// `date`), and every task that follows them now keeps them as replaced on `today`; so the new
/// defaults apply from today only, as a task's own change does.
pub async fn keep_plan_terms(
    conn: &mut PgConnection,
    plan_id: i64,
    cycle: Cycle,
    kind: DeadlineKind,
    date: Option<NaiveDate>,
    today: NaiveDate,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO task_terms_history (task_id, replaced_on, cycle, deadline_kind, deadline_date,
                                         checkpoints)
         SELECT t.id, $2, t.cycle, t.deadline_kind, t.deadline_date,
                COALESCE((SELECT jsonb_agg(jsonb_build_object('date', c.due_on, 'title', c.title)
                                           ORDER BY c.due_on, c.id)
                          FROM task_checkpoints c WHERE c.task_id = t.id), '[]')
         FROM tasks t
         WHERE t.plan_id = $1 AND (t.cycle IS NULL OR t.deadline_kind IS NULL)
           AND NOT EXISTS (SELECT 1 FROM task_terms_history h
                           WHERE h.task_id = t.id AND h.replaced_on >= $2)",
        plan_id,
        today as _,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE task_terms_history h
         SET cycle = COALESCE(h.cycle, $2),
             deadline_kind = COALESCE(h.deadline_kind, $3),
             deadline_date = CASE WHEN h.deadline_kind IS NULL THEN $4 ELSE h.deadline_date END
         FROM tasks t
         WHERE t.id = h.task_id AND t.plan_id = $1
           AND (h.cycle IS NULL OR h.deadline_kind IS NULL)",
        plan_id,
        cycle as _,
        kind as _,
        date as _,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Sets the task's own deadline (`None`: back to the plan's default).
pub async fn set_deadline(
    conn: &mut PgConnection,
    task_id: i64,
    kind: Option<DeadlineKind>,
    date: Option<NaiveDate>,
    checkpoints: &[Checkpoint],
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tasks SET deadline_kind = $2, deadline_date = $3 WHERE id = $1",
        task_id,
        kind as _,
        date as _,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("DELETE FROM task_checkpoints WHERE task_id = $1", task_id)
        .execute(&mut *conn)
        .await?;
    let dates: Vec<NaiveDate> = checkpoints.iter().map(|c| c.date).collect();
    let titles: Vec<&str> = checkpoints.iter().map(|c| c.title.as_str()).collect();
    sqlx::query!(
        "INSERT INTO task_checkpoints (task_id, due_on, title)
         SELECT $1, x.d, x.t FROM unnest($2::date[], $3::text[]) AS x(d, t)",
        task_id,
        &dates as _,
        &titles as _,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn set_cycle(
    db: impl PgExecutor<'_>,
    task_id: i64,
    cycle: Option<Cycle>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tasks SET cycle = $2 WHERE id = $1",
        task_id,
        cycle as _,
    )
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn set_designation(
    db: impl PgExecutor<'_>,
    task_id: i64,
    complete: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tasks SET designation_complete = $2 WHERE id = $1",
        task_id,
        complete,
    )
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn bump_version(db: impl PgExecutor<'_>, task_id: i64) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        "UPDATE tasks SET version = version + 1 WHERE id = $1 RETURNING version",
        task_id,
    )
    .fetch_one(db)
    .await
}

pub async fn record_history(
    db: impl PgExecutor<'_>,
    task_id: i64,
    actor: &Actor,
    kind: &str,
    before: serde_json::Value,
    after: serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO task_history (task_id, actor_id, actor_login, kind, before, after)
         VALUES ($1, $2, $3, $4, $5, $6)",
        task_id,
        actor.user_id,
        actor.login.as_deref(),
        kind,
        before,
        after,
    )
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub at: DateTime<Utc>,
    pub actor_login: Option<String>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// A task's changes, newest first.
pub async fn history(db: impl PgExecutor<'_>, task_id: i64) -> sqlx::Result<Vec<HistoryRow>> {
    sqlx::query_as!(
        HistoryRow,
        r#"SELECT h.at AS "at: DateTime<Utc>", h.actor_login, u.display_name AS "actor_name?", h.kind,
                  h.before, h.after
           FROM task_history h LEFT JOIN users u ON u.id = h.actor_id
           WHERE h.task_id = $1 ORDER BY h.at DESC, h.id DESC"#,
        task_id,
    )
    .fetch_all(db)
    .await
}

/// The unit ids of a directory, by short name.
pub async fn directory_units(
    db: impl PgExecutor<'_>,
    directory: &str,
) -> sqlx::Result<Vec<(i64, String)>> {
    let rows = sqlx::query!(
        "SELECT id, short_name FROM units WHERE directory = $1 ORDER BY sort_order, id",
        directory,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.short_name)).collect())
}
