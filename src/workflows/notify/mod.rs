//! 通知: the events that concern someone are written, with their inbox messages and outgoing
//! deliveries, in the transaction of the change that causes them (an outbox): a change that
//! rolls back leaves no message, and a committed one is delivered afterwards by
//! [`worker`], however long the mail server or webhook is away.

pub mod mail;
pub mod pass;
pub mod reminders;
pub mod settings;
pub mod weekly;
pub mod worker;

use crate::db::{
    self,
    notices::{NewEvent, Recipients},
};
use crate::rules::auth::Role;
use crate::rules::notices::{Audience, NoticeKind, next_digest, one_line};
use chrono::Utc;
use sqlx::PgConnection;

/// An event about a task (or, like an urge, about a unit's work in a plan), addressed to
/// `unit_id` or to all the task's units, by its kind.
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: NoticeKind,
    pub plan_id: i64,
    pub task_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub actor_id: Option<i64>,
    /// What happened, after the task's code (e.g. “进展情况被退回”).
    pub what: String,
    /// The message's text; the task is named before it.
    pub body: String,
    /// The page to open, inside duban; the task's page when `None`.
    pub link: Option<String>,
}

/// Writes the notice's event, inbox messages and deliveries on `conn` (inside the caller's
/// transaction).
pub async fn emit(conn: &mut PgConnection, n: Notice) -> sqlx::Result<()> {
    emit_once(conn, n, None).await.map(|_| ())
}

/// [`emit`], once for `dedup_key` (a second emit with the same key writes nothing); gives the
/// event's id, `None` when it was written before.
pub async fn emit_once(
    conn: &mut PgConnection,
    n: Notice,
    dedup_key: Option<&str>,
) -> sqlx::Result<Option<i64>> {
    let task = match n.task_id {
        Some(id) => db::notices::task_ref(&mut *conn, id).await?,
        None => None,
    };
    let (title, body, link) = match &task {
        Some(t) => (
            format!("【督办】任务{}：{}", t.code, n.what),
            format!("任务{}：{}……\n\n{}", t.code, t.text, n.body.trim()),
            n.link
                .unwrap_or_else(|| format!("/tasks/{}?plan={}", t.code, t.plan_id)),
        ),
        None => (
            format!("【督办】{}", n.what),
            n.body.trim().to_string(),
            n.link.unwrap_or_else(|| format!("/my?plan={}", n.plan_id)),
        ),
    };
    let title = one_line(&title);
    let to = match (n.kind.audience(), n.task_id) {
        (Audience::TaskUnits, Some(task_id)) => Recipients {
            units: db::notices::task_unit_ids(&mut *conn, task_id).await?,
            ..Recipients::default()
        },
        (Audience::Office, _) => Recipients {
            roles: vec![Role::Office.as_str().into()],
            office_webhook: true,
            ..Recipients::default()
        },
        (Audience::Leaders, _) => Recipients {
            roles: vec![Role::Leader.as_str().into()],
            ..Recipients::default()
        },
        (Audience::UnitHeads, _) => Recipients {
            heads: n.unit_id.into_iter().collect(),
            ..Recipients::default()
        },
        _ => Recipients {
            units: n.unit_id.into_iter().collect(),
            ..Recipients::default()
        },
    };
    let event = NewEvent {
        kind: n.kind.as_str(),
        plan_id: Some(n.plan_id),
        task_id: n.task_id,
        unit_id: n.unit_id,
        actor_id: n.actor_id,
        title: &title,
        body: &body,
        link: &link,
        dedup_key,
    };
    let id = db::notices::insert_event(&mut *conn, &event).await?;
    if let Some(id) = id {
        let mode = n.kind.default_mode().as_str();
        db::notices::fan_out(conn, id, &to, mode, next_digest(Utc::now())).await?;
    }
    Ok(id)
}
