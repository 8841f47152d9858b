//! 领导批示: instructions, the units they are relayed to with their answers, and their history.

use super::Window;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

/// An instruction with its task's address, its writer's name and its units' answers counted.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstructionRow {
    pub id: i64,
    pub task_id: i64,
    pub plan_id: i64,
    pub task_code: String,
    pub report_id: Option<i64>,
    pub text: String,
    pub answer_by: Option<NaiveDate>,
    pub state: String,
    pub written_by: Option<i64>,
    pub written_by_name: Option<String>,
    pub written_at: DateTime<Utc>,
    pub written_on: NaiveDate,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_on: Option<NaiveDate>,
    pub version: i32,
    /// The units it is relayed to, and of them those that have answered.
    pub unit_ids: Vec<i64>,
    pub answered: i64,
}

/// `query_as!` of [`InstructionRow`]s, then `$tail`.
macro_rules! select_instructions {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            InstructionRow,
            r#"SELECT i.id, i.task_id, t.plan_id, t.code AS task_code, i.report_id, i.text,
                      i.answer_by AS "answer_by: NaiveDate", i.state, i.written_by,
                      w.display_name AS "written_by_name?",
                      i.written_at AS "written_at: DateTime<Utc>",
                      i.written_on AS "written_on: NaiveDate",
                      i.closed_at AS "closed_at: DateTime<Utc>",
                      i.closed_on AS "closed_on: NaiveDate", i.version,
                      COALESCE((SELECT array_agg(iu.unit_id ORDER BY iu.unit_id)
                                  FROM instruction_units iu WHERE iu.instruction_id = i.id),
                               '{}') AS "unit_ids!",
                      (SELECT count(*) FROM instruction_units iu
                        WHERE iu.instruction_id = i.id AND iu.answered_at IS NOT NULL)
                        AS "answered!"
               FROM instructions i JOIN tasks t ON t.id = i.task_id
               LEFT JOIN users w ON w.id = i.written_by
            "# + $tail
            $(, $arg)*
        )
    };
}

/// One unit's part: its answer, if given.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitAnswer {
    pub unit_id: i64,
    pub unit_name: String,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by_name: Option<String>,
    pub version: i32,
}

/// One step of an instruction's history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub kind: String,
    pub unit_name: Option<String>,
    pub text: Option<String>,
    pub actor_name: Option<String>,
    pub at: DateTime<Utc>,
}

pub async fn insert(
    conn: &mut PgConnection,
    task_id: i64,
    report_id: Option<i64>,
    text: &str,
    answer_by: Option<NaiveDate>,
    written_by: Option<i64>,
    today: NaiveDate,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO instructions (task_id, report_id, text, answer_by, written_by, written_on)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        task_id,
        report_id,
        text,
        answer_by as _,
        written_by,
        today as _,
    )
    .fetch_one(conn)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<InstructionRow>> {
    select_instructions!("WHERE i.id = $1", id)
        .fetch_optional(db)
        .await
}

/// Takes the instruction's row until commit; gives its state and version.
pub async fn lock(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<(String, i32)>> {
    let r = sqlx::query!(
        "SELECT state, version FROM instructions WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(r.map(|r| (r.state, r.version)))
}

/// Instructions newest first: of plan `plan_id` if given, in `state` if given, written by
/// `writer` if given, relayed to `unit` if given.
/// Which instructions a list holds: of plan `plan_id` if given, in `state` if given, written by
/// `writer` if given, relayed to `unit` if given.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListFilter<'a> {
    pub plan_id: Option<i64>,
    pub state: Option<&'a str>,
    pub writer: Option<i64>,
    pub unit: Option<i64>,
}

/// A window of the instructions `f` holds, newest first.
pub async fn list(
    db: impl PgExecutor<'_>,
    f: ListFilter<'_>,
    w: Window,
) -> sqlx::Result<Vec<InstructionRow>> {
    select_instructions!(
        "WHERE ($1::bigint IS NULL OR t.plan_id = $1) AND ($2::text IS NULL OR i.state = $2)
           AND ($3::bigint IS NULL OR i.written_by = $3)
           AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM instruction_units iu
                                               WHERE iu.instruction_id = i.id AND iu.unit_id = $4))
         ORDER BY i.id DESC LIMIT $5 OFFSET $6",
        f.plan_id,
        f.state,
        f.writer,
        f.unit,
        w.limit,
        w.offset,
    )
    .fetch_all(db)
    .await
}

/// How many instructions `f` holds.
pub async fn count(db: impl PgExecutor<'_>, f: ListFilter<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM instructions i JOIN tasks t ON t.id = i.task_id
           WHERE ($1::bigint IS NULL OR t.plan_id = $1) AND ($2::text IS NULL OR i.state = $2)
             AND ($3::bigint IS NULL OR i.written_by = $3)
             AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM instruction_units iu
                                                 WHERE iu.instruction_id = i.id AND iu.unit_id = $4))"#,
        f.plan_id,
        f.state,
        f.writer,
        f.unit,
    )
    .fetch_one(db)
    .await
}

/// A task's instructions, newest first.
pub async fn for_task(db: impl PgExecutor<'_>, task_id: i64) -> sqlx::Result<Vec<InstructionRow>> {
    select_instructions!("WHERE i.task_id = $1 ORDER BY i.id DESC", task_id)
        .fetch_all(db)
        .await
}

/// What a unit owes: instructions relayed to it, not closed, its answer not (or no longer)
/// given; oldest first.
pub async fn owed_by_unit(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    unit_id: i64,
) -> sqlx::Result<Vec<InstructionRow>> {
    select_instructions!(
        "WHERE t.plan_id = $1 AND i.state <> 'closed'
           AND EXISTS (SELECT 1 FROM instruction_units iu
                        WHERE iu.instruction_id = i.id AND iu.unit_id = $2
                          AND iu.answered_at IS NULL)
         ORDER BY i.answer_by NULLS LAST, i.id",
        plan_id,
        unit_id,
    )
    .fetch_all(db)
    .await
}

/// The units an instruction is relayed to, with their answers, by unit order.
pub async fn units(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Vec<UnitAnswer>> {
    sqlx::query_as!(
        UnitAnswer,
        r#"SELECT iu.unit_id, u.short_name AS unit_name, iu.answer,
                  iu.answered_at AS "answered_at: DateTime<Utc>",
                  a.display_name AS "answered_by_name?", iu.version
           FROM instruction_units iu JOIN units u ON u.id = iu.unit_id
           LEFT JOIN users a ON a.id = iu.answered_by
           WHERE iu.instruction_id = $1 ORDER BY u.sort_order, u.id"#,
        id
    )
    .fetch_all(db)
    .await
}

/// Relays the instruction to `unit_ids` (those it already has kept), bumping its version;
/// false when the version is no longer `version`.
pub async fn relay(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    unit_ids: &[i64],
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE instructions SET state = 'relayed', version = version + 1
         WHERE id = $1 AND version = $2 AND state <> 'closed'",
        id,
        version
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if done {
        sqlx::query!(
            "INSERT INTO instruction_units (instruction_id, unit_id)
             SELECT $1, u FROM unnest($2::bigint[]) AS u ON CONFLICT DO NOTHING",
            id,
            unit_ids
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(done)
}

/// Takes one unit's row of the instruction until commit; gives its version and whether it
/// has answered.
pub async fn lock_unit(
    conn: &mut PgConnection,
    id: i64,
    unit_id: i64,
) -> sqlx::Result<Option<(i32, bool)>> {
    let r = sqlx::query!(
        "SELECT version, answered_at IS NOT NULL AS \"answered!\" FROM instruction_units
         WHERE instruction_id = $1 AND unit_id = $2 FOR UPDATE",
        id,
        unit_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(r.map(|r| (r.version, r.answered)))
}

/// Stores (`Some`) or clears (`None`, sent back) a unit's answer at `version`; false when the
/// version is no longer that.
pub async fn set_answer(
    conn: &mut PgConnection,
    id: i64,
    unit_id: i64,
    version: i32,
    answer: Option<&str>,
    user: Option<i64>,
) -> sqlx::Result<bool> {
    let n = sqlx::query!(
        "UPDATE instruction_units
            SET answer = $4::text,
                answered_by = CASE WHEN $4::text IS NULL THEN NULL ELSE $5::bigint END,
                answered_at = CASE WHEN $4::text IS NULL THEN NULL ELSE now() END,
                version = version + 1
         WHERE instruction_id = $1 AND unit_id = $2 AND version = $3",
        id,
        unit_id,
        version,
        answer,
        user,
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Sets an open instruction's state from its units' answers (all given: 待办结).
pub async fn follow_answers(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE instructions i SET state = CASE
             WHEN EXISTS (SELECT 1 FROM instruction_units iu
                           WHERE iu.instruction_id = i.id AND iu.answered_at IS NULL)
             THEN 'relayed' ELSE 'answered' END
         WHERE i.id = $1 AND i.state IN ('relayed', 'answered')",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Closes the instruction (办结) at `version`; false when the version is no longer that.
pub async fn close(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    today: NaiveDate,
) -> sqlx::Result<bool> {
    let n = sqlx::query!(
        "UPDATE instructions
            SET state = 'closed', closed_at = now(), closed_on = $3, version = version + 1
         WHERE id = $1 AND version = $2 AND state <> 'closed'",
        id,
        version,
        today as _,
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Writes one step of the history.
pub async fn record(
    conn: &mut PgConnection,
    id: i64,
    kind: &str,
    unit_id: Option<i64>,
    text: Option<&str>,
    actor: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO instruction_events (instruction_id, kind, unit_id, text, actor_id)
         VALUES ($1, $2, $3, $4, $5)",
        id,
        kind,
        unit_id,
        text,
        actor
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The history, in order.
pub async fn events(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as!(
        EventRow,
        r#"SELECT e.kind, u.short_name AS "unit_name?", e.text,
                  a.display_name AS "actor_name?", e.at AS "at: DateTime<Utc>"
           FROM instruction_events e
           LEFT JOIN units u ON u.id = e.unit_id
           LEFT JOIN users a ON a.id = e.actor_id
           WHERE e.instruction_id = $1 ORDER BY e.id"#,
        id
    )
    .fetch_all(db)
    .await
}

/// 本月批示: of a plan's instructions written from `from` to `to` (the office's days; by
/// `writer` if given), how many, and how many of them closed by `to`.
pub async fn counts(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    writer: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<(i64, i64)> {
    let r = sqlx::query!(
        r#"SELECT count(*) AS "written!",
                  count(*) FILTER (WHERE i.closed_on <= $4) AS "closed!"
           FROM instructions i JOIN tasks t ON t.id = i.task_id
           WHERE t.plan_id = $1 AND ($2::bigint IS NULL OR i.written_by = $2)
             AND i.written_on BETWEEN $3 AND $4"#,
        plan_id,
        writer,
        from as _,
        to as _,
    )
    .fetch_one(db)
    .await?;
    Ok((r.written, r.closed))
}

/// Of `ids`, the units that exist, with their short names, in directory order.
pub async fn known_units(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<Vec<(i64, String)>> {
    let rows = sqlx::query!(
        "SELECT id, short_name FROM units WHERE id = ANY($1) ORDER BY sort_order, id",
        ids
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.short_name)).collect())
}

/// The task a report belongs to.
pub async fn report_task(db: impl PgExecutor<'_>, report_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("SELECT task_id FROM reports WHERE id = $1", report_id)
        .fetch_optional(db)
        .await
}

/// The units of many instructions, with their answers: `(instruction id, the unit's part)`.
pub async fn units_of(
    db: impl PgExecutor<'_>,
    ids: &[i64],
) -> sqlx::Result<Vec<(i64, UnitAnswer)>> {
    let rows = sqlx::query!(
        r#"SELECT iu.instruction_id, iu.unit_id, u.short_name AS unit_name, iu.answer,
                  iu.answered_at AS "answered_at: DateTime<Utc>",
                  a.display_name AS "answered_by_name?", iu.version
           FROM instruction_units iu JOIN units u ON u.id = iu.unit_id
           LEFT JOIN users a ON a.id = iu.answered_by
           WHERE iu.instruction_id = ANY($1) ORDER BY iu.instruction_id, u.sort_order, u.id"#,
        ids
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.instruction_id,
                UnitAnswer {
                    unit_id: r.unit_id,
                    unit_name: r.unit_name,
                    answer: r.answer,
                    answered_at: r.answered_at,
                    answered_by_name: r.answered_by_name,
                    version: r.version,
                },
            )
        })
        .collect())
}

/// The lead units (牵头单位) of the instructions' tasks: `(instruction id, unit id)`.
pub async fn leads_of(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<Vec<(i64, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT i.id, tu.unit_id FROM instructions i
           JOIN task_units tu ON tu.task_id = i.task_id AND tu.role = 'lead'
           WHERE i.id = ANY($1)"#,
        ids
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.unit_id)).collect())
}
