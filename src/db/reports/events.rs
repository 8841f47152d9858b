//! A report's events (报告记录): every save, submission and review, with a snapshot of the
//! report as it then was.

use crate::rules::vocabulary::ReportAction;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

#[allow(clippy::too_many_arguments)]
pub async fn insert_event(
    conn: &mut PgConnection,
    report_id: i64,
    actor_id: Option<i64>,
    actor_login: Option<&str>,
    action: ReportAction,
    version: i32,
    reason: Option<&str>,
    snapshot: serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO report_events (report_id, actor_id, actor_login, action, version, reason, snapshot)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        report_id,
        actor_id,
        actor_login,
        action.as_str(),
        version,
        reason,
        snapshot,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub at: DateTime<Utc>,
    pub actor_login: Option<String>,
    pub actor_name: Option<String>,
    pub action: ReportAction,
    pub version: i32,
    pub reason: Option<String>,
    pub snapshot: serde_json::Value,
}

pub async fn events(db: impl PgExecutor<'_>, report_id: i64) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as!(
        EventRow,
        r#"SELECT e.at AS "at: DateTime<Utc>", e.actor_login, u.display_name AS "actor_name?",
                  e.action AS "action: ReportAction", e.version,
                  e.reason, e.snapshot
           FROM report_events e LEFT JOIN users u ON u.id = e.actor_id
           WHERE e.report_id = $1 ORDER BY e.at DESC, e.id DESC"#,
        report_id,
    )
    .fetch_all(db)
    .await
}

/// The demo data's past: dates all of a report's events back to `when` (a timestamp literal).
pub async fn backdate_events(
    db: impl PgExecutor<'_>,
    report_id: i64,
    when: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE report_events SET at = $2::timestamptz WHERE report_id = $1",
        report_id,
        when as _,
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// A report event with what the report was at that moment, for reconstructing the past.
/// Only the snapshot's fields the lights need are selected: the texts stay in the database.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoricEvent {
    pub task_id: i64,
    pub unit_id: i64,
    pub report_id: i64,
    pub period: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub action: ReportAction,
    pub at: DateTime<Utc>,
    /// 进展状态 in the snapshot
    pub status: Option<String>,
    /// 自评 in the snapshot
    pub self_assessment: Option<String>,
    /// 办公室评价 in the snapshot
    pub office_assessment: Option<String>,
}

/// Every report event of a plan up to `until` (inclusive), oldest first.
pub async fn events_until(
    db: impl PgExecutor<'_>,
    plan_id: i64,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<HistoricEvent>> {
    sqlx::query_as!(
        HistoricEvent,
        r#"SELECT r.task_id, r.unit_id, r.id AS report_id, r.period,
                  r.period_start AS "period_start: NaiveDate",
                  r.period_end AS "period_end: NaiveDate",
                  e.action AS "action: ReportAction", e.at AS "at: DateTime<Utc>",
                  e.snapshot->>'status' AS status,
                  e.snapshot->>'self_assessment' AS self_assessment,
                  e.snapshot->>'office_assessment' AS office_assessment
           FROM report_events e JOIN reports r ON r.id = e.report_id
           JOIN tasks t ON t.id = r.task_id
           WHERE t.plan_id = $1 AND e.at <= $2 ORDER BY e.at, e.id"#,
        plan_id,
        until as _,
    )
    .fetch_all(db)
    .await
}
