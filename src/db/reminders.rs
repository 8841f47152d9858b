//! 报送提醒: the reminders written (once per unit, task, period, kind and day), the days they
//! were computed, and the office's own channel.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};

/// Lets one process compute the day's reminders while another skips them (released at the
/// end of the transaction).
pub async fn try_lock(conn: &mut PgConnection) -> sqlx::Result<bool> {
    // A constant of duban's own: "duban-reminders".
    sqlx::query_scalar!(r#"SELECT pg_try_advisory_xact_lock(7386521001) AS "locked!""#)
        .fetch_one(conn)
        .await
}

/// Whether the reminders of `day` were computed already.
pub async fn ran_on(db: impl PgExecutor<'_>, day: NaiveDate) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM reminder_runs WHERE day = $1) AS "e!""#,
        day as _
    )
    .fetch_one(db)
    .await
}

pub async fn record_run(
    db: impl PgExecutor<'_>,
    day: NaiveDate,
    reminders: i64,
    messages: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO reminder_runs (day, reminders, messages) VALUES ($1, $2, $3)
         ON CONFLICT (day) DO NOTHING",
        day as _,
        reminders as i32,
        messages as i32,
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The reports of a plan that count as submitted: `(task, unit, period)`, sent at least once
/// and not returned.
pub async fn submitted(
    db: impl PgExecutor<'_>,
    plan_id: i64,
) -> sqlx::Result<Vec<(i64, i64, String)>> {
    let rows = sqlx::query!(
        "SELECT r.task_id, r.unit_id, r.period FROM reports r JOIN tasks t ON t.id = r.task_id
         WHERE t.plan_id = $1 AND r.first_submitted_at IS NOT NULL
           AND r.review_state <> 'returned'",
        plan_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.task_id, r.unit_id, r.period))
        .collect())
}

/// A reminder's key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub unit_id: i64,
    pub task_id: i64,
    pub period: String,
    pub kind: String,
    pub day: NaiveDate,
}

/// Of `keys`, those written before.
pub async fn existing(conn: &mut PgConnection, keys: &[Key]) -> sqlx::Result<Vec<Key>> {
    let units: Vec<i64> = keys.iter().map(|k| k.unit_id).collect();
    let tasks: Vec<i64> = keys.iter().map(|k| k.task_id).collect();
    let periods: Vec<String> = keys.iter().map(|k| k.period.clone()).collect();
    let kinds: Vec<String> = keys.iter().map(|k| k.kind.clone()).collect();
    let days: Vec<NaiveDate> = keys.iter().map(|k| k.day).collect();
    let rows = sqlx::query!(
        r#"SELECT k.unit_id AS "unit_id!", k.task_id AS "task_id!", k.period AS "period!",
                  k.kind AS "kind!", k.day AS "day!: NaiveDate"
           FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::date[])
                AS k(unit_id, task_id, period, kind, day)
           WHERE EXISTS (SELECT 1 FROM reminders r
                         WHERE r.unit_id = k.unit_id AND r.task_id = k.task_id
                           AND r.period = k.period AND r.kind = k.kind AND r.day = k.day)"#,
        &units,
        &tasks,
        &periods,
        &kinds,
        &days as _,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Key {
            unit_id: r.unit_id,
            task_id: r.task_id,
            period: r.period,
            kind: r.kind,
            day: r.day,
        })
        .collect())
}

/// Writes reminders, each with the message (event) that carried it.
pub async fn insert(conn: &mut PgConnection, carried: &[(&Key, i64)]) -> sqlx::Result<()> {
    let units: Vec<i64> = carried.iter().map(|(k, _)| k.unit_id).collect();
    let tasks: Vec<i64> = carried.iter().map(|(k, _)| k.task_id).collect();
    let periods: Vec<String> = carried.iter().map(|(k, _)| k.period.clone()).collect();
    let kinds: Vec<String> = carried.iter().map(|(k, _)| k.kind.clone()).collect();
    let days: Vec<NaiveDate> = carried.iter().map(|(k, _)| k.day).collect();
    let events: Vec<i64> = carried.iter().map(|(_, e)| *e).collect();
    sqlx::query!(
        "INSERT INTO reminders (unit_id, task_id, period, kind, day, event_id)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::date[],
                              $6::bigint[])
         ON CONFLICT DO NOTHING",
        &units,
        &tasks,
        &periods,
        &kinds,
        &days as _,
        &events,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// 办公室的通知渠道: the office's webhook URL, and whether a secret is set (never the secret).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfficeChannel {
    pub webhook_url: Option<String>,
    pub has_secret: bool,
}

pub async fn office_channel(db: impl PgExecutor<'_>) -> sqlx::Result<OfficeChannel> {
    let row = sqlx::query!(
        r#"SELECT webhook_url, coalesce(webhook_secret, '') <> '' AS "has_secret!"
           FROM office_channels"#
    )
    .fetch_optional(db)
    .await?;
    Ok(row
        .map(|r| OfficeChannel {
            webhook_url: r.webhook_url,
            has_secret: r.has_secret,
        })
        .unwrap_or_default())
}

/// Sets the office's webhook; `None` leaves a value as it is, `Some("")` clears it.
pub async fn set_office_channel(
    db: impl PgExecutor<'_>,
    url: Option<&str>,
    secret: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO office_channels (only_row, webhook_url, webhook_secret)
         VALUES (true, nullif($1, ''), nullif($2, ''))
         ON CONFLICT (only_row) DO UPDATE SET
           webhook_url = CASE WHEN $1::text IS NULL THEN office_channels.webhook_url
                              ELSE nullif($1, '') END,
           webhook_secret = CASE WHEN $2::text IS NULL THEN office_channels.webhook_secret
                                 ELSE nullif($2, '') END",
        url,
        secret,
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Reports of a plan returned and not yet sent again (退回待重报).
pub async fn count_returned(db: impl PgExecutor<'_>, plan_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM reports r JOIN tasks t ON t.id = r.task_id
           WHERE t.plan_id = $1 AND r.review_state = 'returned'"#,
        plan_id
    )
    .fetch_one(db)
    .await
}
