//! 通知: events, the inbox (站内消息), the outbox of deliveries, preferences and followers.

use super::Window;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

/// An event as the workflow words it.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub kind: &'a str,
    pub plan_id: Option<i64>,
    pub task_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub title: &'a str,
    pub body: &'a str,
    pub link: &'a str,
    pub dedup_key: Option<&'a str>,
}

/// Writes the event; `None` when an event with its `dedup_key` exists already.
pub async fn insert_event(db: impl PgExecutor<'_>, e: &NewEvent<'_>) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "INSERT INTO notice_events (kind, plan_id, task_id, unit_id, actor_id, title, body, link, dedup_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (dedup_key) DO NOTHING
         RETURNING id",
        e.kind,
        e.plan_id,
        e.task_id,
        e.unit_id,
        e.actor_id,
        e.title,
        e.body,
        e.link,
        e.dedup_key,
    )
    .fetch_optional(db)
    .await
}

/// The units of a task (for events addressed to all of them).
pub async fn task_unit_ids(db: impl PgExecutor<'_>, task_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "SELECT unit_id FROM task_units WHERE task_id = $1 ORDER BY role, position",
        task_id
    )
    .fetch_all(db)
    .await
}

/// Whom an event's messages go to.
#[derive(Debug, Clone, Default)]
pub struct Recipients {
    /// The units whose active liaisons, contact address and webhook receive it.
    pub units: Vec<i64>,
    /// The roles (`office`, `leader`) all of whose active users receive it.
    pub roles: Vec<String>,
    /// The units whose active heads (单位负责人) receive it: no contact address, no webhook.
    pub heads: Vec<i64>,
    /// Whether the office's own webhook receives it.
    pub office_webhook: bool,
}

/// Writes the event's inbox messages and its deliveries: to the recipients and the task's
/// followers (never to the one who acted); e-mail as each recipient chose for the kind
/// (`default_mode` where they did not; a digest part held until `digest_at`); a unit's contact
/// address where none of its liaisons has one; the webhooks.
pub async fn fan_out(
    conn: &mut PgConnection,
    event_id: i64,
    to: &Recipients,
    default_mode: &str,
    digest_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    // The recipients by three indexed lookups (a role's only when one is asked for), their
    // inbox rows, and their e-mail in one statement: a day's reminders write a thousand
    // events in one transaction, and no step may scan what the earlier ones wrote.
    sqlx::query!(
        "WITH e AS (SELECT id, kind, task_id, actor_id FROM notice_events WHERE id = $1),
         r AS (
             SELECT u.id FROM users u
             WHERE u.unit_id = ANY($2) AND u.role = 'liaison' AND u.active
             UNION
             SELECT u.id FROM users u
             WHERE u.unit_id = ANY($6) AND u.role::text = 'unit_head' AND u.active
             UNION
             SELECT u.id FROM users u
             WHERE cardinality($3::text[]) > 0 AND u.role::text = ANY($3) AND u.active
             UNION
             SELECT u.id FROM e JOIN task_followers f ON f.task_id = e.task_id
             JOIN users u ON u.id = f.user_id
             WHERE u.active),
         inbox AS (
             INSERT INTO notifications (event_id, user_id)
             SELECT e.id, r.id FROM e, r
             WHERE r.id IS DISTINCT FROM e.actor_id
             ON CONFLICT DO NOTHING
             RETURNING user_id)
         INSERT INTO deliveries (event_id, channel, user_id, unit_id, address, digest, next_at)
         SELECT e.id, 'email', u.id, u.unit_id, u.email, m.mode = 'digest',
                CASE WHEN m.mode = 'digest' THEN $4 ELSE now() END
         FROM inbox JOIN users u ON u.id = inbox.user_id
         CROSS JOIN e
         LEFT JOIN notice_prefs p ON p.user_id = u.id AND p.kind = e.kind
         CROSS JOIN LATERAL (SELECT coalesce(p.mode, $5) AS mode) m
         WHERE u.email IS NOT NULL AND m.mode <> 'none'",
        event_id,
        &to.units,
        &to.roles,
        digest_at as _,
        default_mode,
        &to.heads,
    )
    .execute(&mut *conn)
    .await?;
    // The units' own channels: the contact address where no liaison has one, and the webhook;
    // and the office's webhook.
    sqlx::query!(
        "INSERT INTO deliveries (event_id, channel, unit_id, address)
         SELECT $1::bigint, 'email', un.id, un.contact_email
         FROM units un
         WHERE un.id = ANY($2) AND un.contact_email IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM users u
                           WHERE u.unit_id = un.id AND u.active AND u.email IS NOT NULL)
         UNION ALL
         SELECT $1::bigint, 'webhook', un.id, un.webhook_url
         FROM units un
         WHERE un.id = ANY($2) AND un.webhook_url IS NOT NULL
         UNION ALL
         SELECT $1::bigint, 'webhook', NULL, o.webhook_url
         FROM office_channels o
         WHERE $3 AND o.webhook_url IS NOT NULL",
        event_id,
        &to.units,
        to.office_webhook,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A message in a user's inbox.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InboxRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// `query_as!` of [`InboxRow`]s: a user's messages with their events, then `$tail`.
macro_rules! select_inbox {
    ($tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            InboxRow,
            r#"SELECT n.id, e.kind, e.title, e.body, e.link,
                      e.created_at AS "created_at: DateTime<Utc>",
                      n.read_at AS "read_at: DateTime<Utc>"
               FROM notifications n JOIN notice_events e ON e.id = n.event_id
            "# + $tail
            $(, $arg)*
        )
    };
}

/// The user's messages, newest first; only unread ones when `unread_only`.
pub async fn inbox(
    db: impl PgExecutor<'_>,
    user_id: i64,
    unread_only: bool,
    w: Window,
) -> sqlx::Result<Vec<InboxRow>> {
    select_inbox!(
        "WHERE n.user_id = $1 AND (NOT $2 OR n.read_at IS NULL)
         ORDER BY n.id DESC
         LIMIT $3 OFFSET $4",
        user_id,
        unread_only,
        w.limit,
        w.offset,
    )
    .fetch_all(db)
    .await
}

/// One of the user's messages.
pub async fn message(
    db: impl PgExecutor<'_>,
    user_id: i64,
    id: i64,
) -> sqlx::Result<Option<InboxRow>> {
    select_inbox!("WHERE n.user_id = $1 AND n.id = $2", user_id, id)
        .fetch_optional(db)
        .await
}

pub async fn count(db: impl PgExecutor<'_>, user_id: i64, unread_only: bool) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM notifications
           WHERE user_id = $1 AND (NOT $2 OR read_at IS NULL)"#,
        user_id,
        unread_only,
    )
    .fetch_one(db)
    .await
}

/// Marks one of the user's messages read; false when the user has no such message.
pub async fn mark_read(db: impl PgExecutor<'_>, user_id: i64, id: i64) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE notifications SET read_at = coalesce(read_at, now())
         WHERE id = $1 AND user_id = $2",
        id,
        user_id
    )
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Marks all the user's messages read; gives how many were unread.
pub async fn mark_all_read(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<u64> {
    let r = sqlx::query!(
        "UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL",
        user_id
    )
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}

/// A delivery claimed by a worker, with what it carries.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub channel: String,
    pub address: String,
    pub digest: bool,
    pub attempts: i32,
    pub user_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub event_id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    /// The unit's webhook secret, for signing a webhook's body.
    pub secret: Option<String>,
}

/// Claims up to `limit` due deliveries for `lease_secs`: rows another process holds are
/// skipped, and a row is due again when its lease runs out unconfirmed.
pub async fn claim(
    db: impl PgExecutor<'_>,
    limit: i64,
    lease_secs: f64,
) -> sqlx::Result<Vec<Claimed>> {
    sqlx::query_as!(
        Claimed,
        r#"WITH due AS (
               SELECT id FROM deliveries
               WHERE state IN ('pending', 'sending') AND next_at <= now()
               ORDER BY next_at, id
               LIMIT $1
               FOR UPDATE SKIP LOCKED)
           UPDATE deliveries d
           SET state = 'sending', attempts = d.attempts + 1,
               next_at = now() + make_interval(secs => $2)
           FROM due, notice_events e
           WHERE d.id = due.id AND e.id = d.event_id
           RETURNING d.id, d.channel, d.address, d.digest, d.attempts, d.user_id, d.unit_id,
                     e.id AS event_id, e.kind, e.title, e.body, e.link,
                     e.created_at AS "created_at: DateTime<Utc>",
                     CASE WHEN d.channel <> 'webhook' THEN NULL
                          WHEN d.unit_id IS NULL THEN (SELECT o.webhook_secret FROM office_channels o)
                          ELSE (SELECT un.webhook_secret FROM units un WHERE un.id = d.unit_id)
                     END AS "secret?""#,
        limit,
        lease_secs,
    )
    .fetch_all(db)
    .await
}

/// Due deliveries, without claiming them (for `notify run-once --dry-run`).
pub async fn peek(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<Claimed>> {
    sqlx::query_as!(
        Claimed,
        r#"SELECT d.id, d.channel, d.address, d.digest, d.attempts, d.user_id, d.unit_id,
                  e.id AS event_id, e.kind, e.title, e.body, e.link,
                  e.created_at AS "created_at: DateTime<Utc>",
                  NULL::text AS "secret?"
           FROM deliveries d JOIN notice_events e ON e.id = d.event_id
           WHERE d.state IN ('pending', 'sending') AND d.next_at <= now()
           ORDER BY d.next_at, d.id
           LIMIT $1"#,
        limit,
    )
    .fetch_all(db)
    .await
}

/// Confirms the deliveries sent (only while still claimed: a resend button's reset wins).
pub async fn mark_sent(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE deliveries SET state = 'sent', sent_at = now(), last_error = NULL
         WHERE id = ANY($1) AND state = 'sending'",
        ids
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Records a failed attempt: due again after `retry_secs`, or failed for good when `None`.
pub async fn mark_attempt_failed(
    db: impl PgExecutor<'_>,
    ids: &[i64],
    error: &str,
    retry_secs: Option<f64>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE deliveries
         SET state = CASE WHEN $3::float8 IS NULL THEN 'failed' ELSE 'pending' END,
             next_at = now() + make_interval(secs => coalesce($3, 0)),
             last_error = left($2, 500)
         WHERE id = ANY($1) AND state = 'sending'",
        ids,
        error,
        retry_secs,
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// 重新发送: a failed delivery is due again, its attempts counted afresh.
pub async fn resend(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE deliveries SET state = 'pending', attempts = 0, next_at = now()
         WHERE id = $1 AND state = 'failed'",
        id
    )
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A line of the delivery log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LogRow {
    pub id: i64,
    pub channel: String,
    pub address: String,
    pub recipient: Option<String>,
    pub kind: String,
    pub title: String,
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The delivery log, newest first; only rows in `state` when given.
pub async fn log(
    db: impl PgExecutor<'_>,
    state: Option<&str>,
    w: Window,
) -> sqlx::Result<Vec<LogRow>> {
    sqlx::query_as!(
        LogRow,
        r#"SELECT d.id, d.channel, d.address,
                  coalesce(u.display_name, un.short_name, '办公室') AS "recipient?",
                  e.kind, e.title, d.state, d.attempts, d.last_error,
                  d.created_at AS "created_at: DateTime<Utc>",
                  d.sent_at AS "sent_at: DateTime<Utc>"
           FROM deliveries d JOIN notice_events e ON e.id = d.event_id
           LEFT JOIN users u ON u.id = d.user_id
           LEFT JOIN units un ON un.id = d.unit_id
           WHERE ($1::text IS NULL OR d.state = $1)
           ORDER BY d.id DESC
           LIMIT $2 OFFSET $3"#,
        state,
        w.limit,
        w.offset,
    )
    .fetch_all(db)
    .await
}

pub async fn log_count(db: impl PgExecutor<'_>, state: Option<&str>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM deliveries WHERE ($1::text IS NULL OR state = $1)"#,
        state
    )
    .fetch_one(db)
    .await
}

/// 关注: whether the user follows the task.
pub async fn follows(db: impl PgExecutor<'_>, task_id: i64, user_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM task_followers WHERE task_id = $1 AND user_id = $2) AS "e!""#,
        task_id,
        user_id
    )
    .fetch_one(db)
    .await
}

pub async fn set_following(
    db: impl PgExecutor<'_>,
    task_id: i64,
    user_id: i64,
    follow: bool,
) -> sqlx::Result<()> {
    if follow {
        sqlx::query!(
            "INSERT INTO task_followers (task_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            task_id,
            user_id
        )
        .execute(db)
        .await?;
    } else {
        sqlx::query!(
            "DELETE FROM task_followers WHERE task_id = $1 AND user_id = $2",
            task_id,
            user_id
        )
        .execute(db)
        .await?;
    }
    Ok(())
}

/// What a message names a task by: its plan, code and the start of its text.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TaskRef {
    pub plan_id: i64,
    pub code: String,
    pub text: String,
}

pub async fn task_ref(db: impl PgExecutor<'_>, task_id: i64) -> sqlx::Result<Option<TaskRef>> {
    sqlx::query_as!(
        TaskRef,
        "SELECT t.plan_id, t.code, left(t.text, 40) AS \"text!\" FROM tasks t WHERE t.id = $1",
        task_id
    )
    .fetch_optional(db)
    .await
}

/// 通知方式: the modes a user chose, as `(kind, mode)`.
pub async fn prefs(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "SELECT kind, mode FROM notice_prefs WHERE user_id = $1",
        user_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.kind, r.mode)).collect())
}

/// Sets the user's modes for the kinds given (others are left as they are).
pub async fn set_prefs(
    db: impl PgExecutor<'_>,
    user_id: i64,
    modes: &[(&str, &str)],
) -> sqlx::Result<()> {
    let kinds: Vec<String> = modes.iter().map(|(k, _)| k.to_string()).collect();
    let chosen: Vec<String> = modes.iter().map(|(_, m)| m.to_string()).collect();
    sqlx::query!(
        "INSERT INTO notice_prefs (user_id, kind, mode)
         SELECT $1, k, m FROM unnest($2::text[], $3::text[]) AS c(k, m)
         ON CONFLICT (user_id, kind) DO UPDATE SET mode = excluded.mode",
        user_id,
        &kinds,
        &chosen,
    )
    .execute(db)
    .await
    .map(|_| ())
}
