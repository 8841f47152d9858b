//! Tasks (任务) with their responsible units, the filters of the task list, and closing
//! (办结) and reopening.

use super::Window;
use crate::rules::milestones::MilestoneBrief;
use crate::rules::obligations::{PastAssignment, TermsChange};
use crate::rules::schedule::{Checkpoint, Cycle, Deadline, DeadlineKind};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};

/// 牵头 or 按职责分工负责.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type, serde::Serialize, serde::Deserialize)]
#[sqlx(type_name = "unit_role", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum UnitRole {
    Lead,
    Co,
}

/// One task with its place in the plan and its units, names as the document writes them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TaskRow {
    pub id: i64,
    pub plan_id: i64,
    pub code: String,
    pub position: i32,
    pub section_number: i32,
    pub section_title: String,
    pub subsection_number: i32,
    pub subsection_title: String,
    pub number: i32,
    pub text: String,
    pub source_text: String,
    pub responsibility_text: String,
    pub unnamed_members: bool,
    pub source_line: i32,
    pub lead_ids: Vec<i64>,
    pub lead_names: Vec<String>,
    /// The day each lead was assigned (named in the plan: the plan's issue date).
    pub lead_since: Vec<NaiveDate>,
    pub co_ids: Vec<i64>,
    pub co_names: Vec<String>,
    pub co_since: Vec<NaiveDate>,
    /// Units taken off the task, with their time on it (for `?as_of=`).
    pub past_units: Json<Vec<PastAssignment>>,
    /// The task's earlier cycles and deadlines, each with the day it was replaced.
    pub terms_history: Json<Vec<TermsChange>>,
    /// Bumped by every change; forms and the API send it back (optimistic locking).
    pub version: i32,
    pub designation_complete: bool,
    /// The task's own deadline and cycle (`None`: the plan's), and the plan's defaults.
    pub deadline_kind: Option<DeadlineKind>,
    pub deadline_date: Option<NaiveDate>,
    pub checkpoints: Json<Vec<Checkpoint>>,
    pub cycle: Option<Cycle>,
    pub plan_year: i32,
    pub plan_deadline_kind: DeadlineKind,
    pub plan_deadline_date: Option<NaiveDate>,
    pub plan_cycle: Cycle,
    /// 办结: when and why the office closed the task.
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub closing_note: Option<String>,
    /// 签收: the units that have answered their assignment (acknowledged or contested), and
    /// of them those whose 申诉 awaits the office's decision.
    pub answered_ids: Vec<i64>,
    pub contested_ids: Vec<i64>,
    /// 任务分解: its milestones by date.
    pub milestones: Json<Vec<MilestoneBrief>>,
}

impl TaskRow {
    /// The task's units, `(id, short name)`: leads first, each role in its order.
    pub fn units(&self) -> impl Iterator<Item = (i64, &str)> {
        self.lead_ids
            .iter()
            .zip(&self.lead_names)
            .chain(self.co_ids.iter().zip(&self.co_names))
            .map(|(id, n)| (*id, n.as_str()))
    }

    /// The short name of one of the task's units (empty for a unit not on the task).
    pub fn unit_name(&self, unit_id: i64) -> String {
        self.units()
            .find(|(id, _)| *id == unit_id)
            .map(|(_, n)| n.to_string())
            .unwrap_or_default()
    }

    /// The id of the task's unit of this short name.
    pub fn unit_named(&self, name: &str) -> Option<i64> {
        self.units()
            .find(|(_, n)| *n == name.trim())
            .map(|(id, _)| id)
    }

    /// The deadline in force: the task's own, or the plan's default.
    pub fn deadline(&self) -> Deadline {
        deadline_of(
            self.deadline_kind.unwrap_or(self.plan_deadline_kind),
            self.deadline_date.or(self.plan_deadline_date),
            &self.checkpoints.0,
        )
    }

    /// The deadline the task had first: before the earliest change kept in its history (an
    /// extension or the office's schedule form), else the one in force.
    pub fn original_deadline(&self) -> Deadline {
        self.terms_history.0.first().map_or_else(
            || self.deadline(),
            |first| {
                deadline_of(
                    first.deadline_kind.unwrap_or(self.plan_deadline_kind),
                    first.deadline_date.or(self.plan_deadline_date),
                    &first.checkpoints,
                )
            },
        )
    }

    /// The reporting cycle in force.
    pub fn effective_cycle(&self) -> Cycle {
        self.cycle.unwrap_or(self.plan_cycle)
    }

    /// Units named loosely in the document are still to be designated (待明确责任单位).
    pub fn awaits_designation(&self) -> bool {
        !self.designation_complete
    }
}

/// Builds a deadline from its stored parts.
pub fn deadline_of(
    kind: DeadlineKind,
    date: Option<NaiveDate>,
    checkpoints: &[Checkpoint],
) -> Deadline {
    match (kind, date) {
        (DeadlineKind::Date, Some(d)) => Deadline::Date(d),
        (DeadlineKind::YearEnd, _) | (DeadlineKind::Date, None) => Deadline::YearEnd,
        (DeadlineKind::Ongoing, _) => Deadline::Ongoing,
        (DeadlineKind::Staged, _) => Deadline::Staged(checkpoints.to_vec()),
    }
}

/// What the task list is narrowed to. Every field is optional; all given ones must hold.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub section: Option<i32>,
    pub unit_id: Option<i64>,
    /// With `unit_id`: only tasks where the unit has this role (`None`: either role).
    pub role: Option<UnitRole>,
    /// Words that must all occur in the task's text (case-insensitive).
    pub words: Vec<String>,
    /// Only tasks whose units the office has still to designate.
    pub awaiting_designation: bool,
}

/// `query_as!` of [`TaskRow`]s: the task with its place in the plan, its units and the plan's
/// defaults, then `$tail` (conditions and order).
macro_rules! select_tasks {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            TaskRow,
            r#"SELECT t.id, t.plan_id, t.code, t.position, s.number AS section_number,
                      s.title AS section_title, ss.number AS subsection_number,
                      ss.title AS subsection_title, t.number, t.text, t.source_text,
                      t.responsibility_text, t.unnamed_members, t.source_line,
                      COALESCE(u.lead_ids, '{}') AS "lead_ids!",
                      COALESCE(u.lead_names, '{}') AS "lead_names!",
                      COALESCE(u.lead_since, '{}') AS "lead_since!: Vec<NaiveDate>",
                      COALESCE(u.co_ids, '{}') AS "co_ids!",
                      COALESCE(u.co_names, '{}') AS "co_names!",
                      COALESCE(u.co_since, '{}') AS "co_since!: Vec<NaiveDate>",
                      COALESCE((SELECT json_agg(json_build_object(
                                    'unit_id', h.unit_id, 'unit', hu.short_name,
                                    'lead', h.role = 'lead', 'assigned_on', h.assigned_on,
                                    'removed_on', h.removed_on) ORDER BY h.removed_on, h.id)
                                FROM task_unit_history h JOIN units hu ON hu.id = h.unit_id
                                WHERE h.task_id = t.id), '[]')
                          AS "past_units!: Json<Vec<PastAssignment>>",
                      COALESCE((SELECT json_agg(json_build_object(
                                    'replaced_on', th.replaced_on, 'cycle', th.cycle,
                                    'deadline_kind', th.deadline_kind,
                                    'deadline_date', th.deadline_date,
                                    'checkpoints', th.checkpoints) ORDER BY th.replaced_on, th.id)
                                FROM task_terms_history th WHERE th.task_id = t.id), '[]')
                          AS "terms_history!: Json<Vec<TermsChange>>",
                      t.version, t.designation_complete,
                      t.deadline_kind AS "deadline_kind: DeadlineKind",
                      t.deadline_date AS "deadline_date: NaiveDate",
                      t.cycle AS "cycle: Cycle",
                      COALESCE((SELECT json_agg(json_build_object('date', c.due_on, 'title', c.title)
                                                ORDER BY c.due_on, c.id)
                                FROM task_checkpoints c WHERE c.task_id = t.id), '[]')
                          AS "checkpoints!: Json<Vec<Checkpoint>>",
                      p.year AS plan_year,
                      p.default_deadline_kind AS "plan_deadline_kind: DeadlineKind",
                      p.default_deadline_date AS "plan_deadline_date: NaiveDate",
                      p.cycle AS "plan_cycle: Cycle",
                      t.closed_at AS "closed_at: chrono::DateTime<chrono::Utc>", t.closing_note,
                      COALESCE((SELECT array_agg(a.unit_id ORDER BY a.unit_id)
                                  FROM assignment_acknowledgements a WHERE a.task_id = t.id),
                               '{}') AS "answered_ids!",
                      COALESCE((SELECT array_agg(a.unit_id ORDER BY a.unit_id)
                                  FROM assignment_acknowledgements a
                                 WHERE a.task_id = t.id AND NOT a.accepted
                                   AND a.decided_at IS NULL), '{}') AS "contested_ids!",
                      COALESCE((SELECT json_agg(json_build_object('id', m.id, 'unit_id', m.unit_id,
                                                'output', m.output, 'due', m.due_on,
                                                'weight', m.weight, 'done_on', m.done_on)
                                                ORDER BY m.due_on, m.id)
                                FROM milestones m WHERE m.task_id = t.id), '[]')
                          AS "milestones!: Json<Vec<MilestoneBrief>>"
               FROM tasks t
               JOIN plans p ON p.id = t.plan_id
               JOIN subsections ss ON ss.id = t.subsection_id
               JOIN sections s ON s.id = ss.section_id
               LEFT JOIN LATERAL (
                   SELECT array_agg(un.id ORDER BY tu.position) FILTER (WHERE tu.role = 'lead') AS lead_ids,
                          array_agg(un.short_name ORDER BY tu.position) FILTER (WHERE tu.role = 'lead') AS lead_names,
                          array_agg(COALESCE(tu.assigned_on, p.issued_on, make_date(p.year, 1, 1)) ORDER BY tu.position) FILTER (WHERE tu.role = 'lead') AS lead_since,
                          array_agg(un.id ORDER BY tu.position) FILTER (WHERE tu.role = 'co') AS co_ids,
                          array_agg(un.short_name ORDER BY tu.position) FILTER (WHERE tu.role = 'co') AS co_names,
                          array_agg(COALESCE(tu.assigned_on, p.issued_on, make_date(p.year, 1, 1)) ORDER BY tu.position) FILTER (WHERE tu.role = 'co') AS co_since
                   FROM task_units tu JOIN units un ON un.id = tu.unit_id
                   WHERE tu.task_id = t.id
               ) u ON true
            "# + $tail
            $(, $arg)*
        )
    };
}

/// `LIKE` patterns of the filter's words.
fn patterns(filter: &TaskFilter) -> Vec<String> {
    filter
        .words
        .iter()
        .map(|w| format!("%{}%", super::like_escape(w)))
        .collect()
}

/// The tasks of a plan in plan order, narrowed by `filter`.
pub async fn list(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    filter: &TaskFilter,
) -> sqlx::Result<Vec<TaskRow>> {
    page(db, plan_id, filter, None).await
}

/// A window of the tasks (`None`: all) in plan order, narrowed by `filter`.
pub async fn page(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    filter: &TaskFilter,
    window: Option<Window>,
) -> sqlx::Result<Vec<TaskRow>> {
    // Every field of the filter is a parameter that, when empty, lets every task through: the
    // statement is the same whatever is filtered on. The conditions are those of `count`.
    select_tasks!(
        "WHERE t.plan_id = $1
           AND ($2::int IS NULL OR s.number = $2)
           AND ($3::bigint IS NULL OR EXISTS (
                SELECT 1 FROM task_units x
                WHERE x.task_id = t.id AND x.unit_id = $3 AND ($4::unit_role IS NULL OR x.role = $4)))
           AND t.text ILIKE ALL ($5::text[])
           AND (NOT $6 OR NOT t.designation_complete)
         ORDER BY t.position LIMIT $7 OFFSET $8",
        plan_id,
        filter.section,
        filter.unit_id,
        filter.role as _,
        &patterns(filter),
        filter.awaiting_designation,
        window.map(|w| w.limit),
        window.map_or(0, |w| w.offset),
    )
    .fetch_all(db)
    .await
}

/// How many tasks of the plan `filter` selects.
pub async fn count(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    filter: &TaskFilter,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM tasks t
           JOIN subsections ss ON ss.id = t.subsection_id
           JOIN sections s ON s.id = ss.section_id
           WHERE t.plan_id = $1
             AND ($2::int IS NULL OR s.number = $2)
             AND ($3::bigint IS NULL OR EXISTS (
                  SELECT 1 FROM task_units x
                  WHERE x.task_id = t.id AND x.unit_id = $3 AND ($4::unit_role IS NULL OR x.role = $4)))
             AND t.text ILIKE ALL ($5::text[])
             AND (NOT $6 OR NOT t.designation_complete)"#,
        plan_id,
        filter.section,
        filter.unit_id,
        filter.role as _,
        &patterns(filter),
        filter.awaiting_designation,
    )
    .fetch_one(db)
    .await
}

pub async fn get_by_code(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    code: &str,
) -> sqlx::Result<Option<TaskRow>> {
    select_tasks!("WHERE t.plan_id = $1 AND t.code = $2", plan_id, code)
        .fetch_optional(db)
        .await
}

/// A task's version, by code (the demo data closes tasks through the workflow, which asks it).
pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<TaskRow>> {
    select_tasks!("WHERE t.id = $1", id)
        .fetch_optional(db)
        .await
}

pub async fn version_by_code(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    code: &str,
) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        "SELECT version FROM tasks WHERE plan_id = $1 AND code = $2",
        plan_id,
        code,
    )
    .fetch_one(db)
    .await
}

/// The codes of the tasks just before and after `position` in the plan.
pub async fn neighbours(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    position: i32,
) -> sqlx::Result<(Option<String>, Option<String>)> {
    let r = sqlx::query!(
        r#"SELECT (SELECT code FROM tasks WHERE plan_id = $1 AND position = $2 - 1) AS "before?",
                  (SELECT code FROM tasks WHERE plan_id = $1 AND position = $2 + 1) AS "after?""#,
        plan_id,
        position,
    )
    .fetch_one(db)
    .await?;
    Ok((r.before, r.after))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TaskErratum {
    pub wrong: String,
    pub right: String,
    pub note: String,
}

/// 勘误 applied to one task's text.
pub async fn errata(db: impl PgExecutor<'_>, task_id: i64) -> sqlx::Result<Vec<TaskErratum>> {
    sqlx::query_as!(
        TaskErratum,
        r#"SELECT wrong, "right", note FROM errata WHERE task_id = $1 ORDER BY id"#,
        task_id,
    )
    .fetch_all(db)
    .await
}

/// A task's closing state (办结), locked for the transaction that reports on, closes or
/// reopens it.
#[derive(Debug, Clone, Copy)]
pub struct ClosingState {
    pub id: i64,
    pub version: i32,
    pub closed: bool,
}

pub async fn lock_closing(
    conn: &mut PgConnection,
    plan_id: i64,
    code: &str,
) -> sqlx::Result<Option<ClosingState>> {
    sqlx::query_as!(
        ClosingState,
        r#"SELECT id, version, closed_at IS NOT NULL AS "closed!" FROM tasks
           WHERE plan_id = $1 AND code = $2 FOR UPDATE"#,
        plan_id,
        code,
    )
    .fetch_optional(conn)
    .await
}

/// Closes (办结, with a note) or reopens (`None`) a task; returns its new version.
pub async fn set_closed(
    conn: &mut PgConnection,
    task_id: i64,
    note: Option<&str>,
    actor_id: Option<i64>,
) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        "UPDATE tasks SET closed_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END,
                closing_note = $2, closed_by = CASE WHEN $2::text IS NULL THEN NULL ELSE $3::bigint END,
                version = version + 1
         WHERE id = $1 RETURNING version",
        task_id,
        note,
        actor_id,
    )
    .fetch_one(conn)
    .await
}

/// Closing and reopening of a plan's tasks, oldest first: `(task_id, at, closed)`.
pub async fn closures(
    db: impl PgExecutor<'_>,
    plan_id: i64,
) -> sqlx::Result<Vec<(i64, DateTime<Utc>, bool)>> {
    let rows = sqlx::query!(
        r#"SELECT h.task_id, h.at AS "at: DateTime<Utc>", h.after <> 'null'::jsonb AS "closed!"
           FROM task_history h JOIN tasks t ON t.id = h.task_id
           WHERE t.plan_id = $1 AND h.kind = 'closure' ORDER BY h.at, h.id"#,
        plan_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.task_id, r.at, r.closed))
        .collect())
}
