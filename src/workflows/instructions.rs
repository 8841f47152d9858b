//! 领导批示 and its round, each step in one transaction with its history, audit entry and
//! notices: a leader writes; the office relays to units; each unit answers; the office sends an
//! answer back for more, or closes the instruction (办结).

use crate::db::{self, audit::Actor};
use crate::rules::access::Access;
use crate::rules::instructions::{self as rules, ANSWER_MAX, Fault, InstructionState, TEXT_MAX};
use crate::rules::notices::NoticeKind;
use crate::workflows::notify::{self, Notice};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

/// Why a step of an instruction was refused.
pub type InstructionError = super::refusal::Refusal;

/// The instructions a user's view holds: a leader's own, those relayed to a liaison's (or unit
/// head's) unit, all for the office; of plan `plan` and in `state` if given.
pub fn view_of<'a>(
    access: Access,
    user_id: i64,
    plan: Option<i64>,
    state: Option<&'a str>,
) -> db::instructions::ListFilter<'a> {
    use crate::rules::auth::Role;
    let (writer, unit) = match access.role {
        Role::Leader => (Some(user_id), None),
        // A liaison without a unit has nothing relayed to it.
        Role::Liaison | Role::UnitHead => (None, Some(access.unit_id.unwrap_or(-1))),
        Role::Office => (None, None),
    };
    db::instructions::ListFilter {
        plan_id: plan,
        state,
        writer,
        unit,
    }
}

/// A window of the user's view ([`view_of`]), newest first.
pub async fn view(
    pool: &PgPool,
    filter: db::instructions::ListFilter<'_>,
    w: db::Window,
) -> sqlx::Result<Vec<db::instructions::InstructionRow>> {
    db::instructions::list(pool, filter, w).await
}

/// How many instructions the user's view holds.
pub async fn view_count(
    pool: &PgPool,
    filter: db::instructions::ListFilter<'_>,
) -> sqlx::Result<i64> {
    db::instructions::count(pool, filter).await
}

/// The counts the task page shows beside its facts, for the readers of its instructions:
/// `(all, open)`.
pub async fn counts_on_task(
    pool: &PgPool,
    access: Access,
    task_id: i64,
) -> sqlx::Result<(usize, usize)> {
    let rows = db::instructions::for_task(pool, task_id).await?;
    let seen: Vec<_> = rows
        .iter()
        .filter(|r| access.may_read_instruction(&r.unit_ids))
        .collect();
    let open = seen
        .iter()
        .filter(|r| r.state != InstructionState::Closed.as_str())
        .count();
    Ok((seen.len(), open))
}

const STALE: &str = "这件批示已被他人办理，请刷新页面后再操作。";
const CLOSED: &str = "这件批示已办结。";

/// What a leader writes, as typed.
#[derive(Debug, Clone, Default)]
pub struct WriteInput {
    pub text: String,
    /// `YYYY-MM-DD`, or empty for none.
    pub answer_by: String,
    /// The report it is written on, if any (one of the task's).
    pub report_id: Option<i64>,
}

/// A leader's instruction on task `code`; gives its id.
pub async fn write(
    pool: &PgPool,
    actor: &Actor,
    access: Access,
    plan_id: i64,
    code: &str,
    input: &WriteInput,
    today: NaiveDate,
) -> Result<i64, InstructionError> {
    if !access.may_write_instruction() {
        return Err(InstructionError::Forbidden);
    }
    let task = db::tasks::get_by_code(pool, plan_id, code)
        .await?
        .ok_or(InstructionError::NotFound("找不到该任务"))?;
    let mut faults = Vec::new();
    if let Some(report) = input.report_id
        && db::instructions::report_task(pool, report).await? != Some(task.id)
    {
        faults.push(("report", "该报告不属于本任务。".to_string()));
    }
    let parsed = rules::parse_instruction(&input.text, &input.answer_by, today)
        .map_err(|f| faults.extend(f));
    let (text, answer_by) = match parsed {
        Ok(p) if faults.is_empty() => p,
        _ => return Err(InstructionError::Fields(faults)),
    };
    let mut tx = pool.begin().await?;
    let id = db::instructions::insert(
        &mut tx,
        task.id,
        input.report_id,
        &text,
        answer_by,
        actor.user_id,
        today,
    )
    .await?;
    db::instructions::record(&mut tx, id, "written", None, Some(&text), actor.user_id).await?;
    db::audit::record(
        &mut *tx,
        actor,
        "instruction_written",
        Some(&id.to_string()),
        json!({ "task": task.code, "answer_by": answer_by, "report_id": input.report_id }),
    )
    .await?;
    notify::emit(
        &mut tx,
        Notice {
            kind: NoticeKind::InstructionWritten,
            plan_id,
            task_id: Some(task.id),
            unit_id: None,
            actor_id: actor.user_id,
            what: "领导批示待转办".into(),
            body: format!("领导批示：{text}"),
            link: Some(format!("/instructions/{id}")),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The office's relay, as typed.
#[derive(Debug, Clone, Default)]
pub struct RelayInput {
    pub version: i32,
    pub unit_ids: Vec<i64>,
    /// 转办意见 (optional).
    pub note: String,
}

/// Locks the instruction; refuses a closed one and a stale version (`None`: not checked).
async fn locked(
    conn: &mut PgConnection,
    id: i64,
    version: Option<i32>,
) -> Result<db::instructions::InstructionRow, InstructionError> {
    let (state, current) = db::instructions::lock(conn, id)
        .await?
        .ok_or(InstructionError::NotFound("找不到该批示"))?;
    if state == InstructionState::Closed.as_str() {
        return Err(InstructionError::Conflict(CLOSED.into()));
    }
    if version.is_some_and(|v| v != current) {
        return Err(InstructionError::Conflict(STALE.into()));
    }
    db::instructions::get(&mut *conn, id)
        .await?
        .ok_or(InstructionError::NotFound("找不到该批示"))
}

fn optional_note(field: &'static str, raw: &str, what: &str) -> Result<Option<String>, Fault> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        rules::parse_text(field, raw, what, TEXT_MAX).map(Some)
    }
}

/// Relays instruction `id` to units (those already relayed to are kept).
pub async fn relay(
    pool: &PgPool,
    actor: &Actor,
    access: Access,
    id: i64,
    input: &RelayInput,
) -> Result<(), InstructionError> {
    if !access.may_handle_instructions() {
        return Err(InstructionError::Forbidden);
    }
    let note = optional_note("note", &input.note, "转办意见");
    let mut ids = input.unit_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let units = db::instructions::known_units(pool, &ids).await?;
    let mut faults = Vec::new();
    if ids.is_empty() {
        faults.push(("units", "请至少选择一个承办单位。".to_string()));
    } else if units.len() != ids.len() {
        faults.push((
            "units",
            "所选单位不存在，请刷新页面后重新选择。".to_string(),
        ));
    }
    let note = note.map_err(|f| faults.push(f)).ok().flatten();
    if !faults.is_empty() {
        return Err(InstructionError::Fields(faults));
    }
    let mut tx = pool.begin().await?;
    let row = locked(&mut tx, id, Some(input.version)).await?;
    if !db::instructions::relay(&mut tx, id, input.version, &ids).await? {
        return Err(InstructionError::Conflict(STALE.into()));
    }
    db::instructions::follow_answers(&mut tx, id).await?;
    let new: Vec<&(i64, String)> = units
        .iter()
        .filter(|(u, _)| !row.unit_ids.contains(u))
        .collect();
    for (unit_id, _) in &new {
        db::instructions::record(
            &mut tx,
            id,
            "relayed",
            Some(*unit_id),
            note.as_deref(),
            actor.user_id,
        )
        .await?;
        notify::emit(
            &mut tx,
            Notice {
                kind: NoticeKind::InstructionRelayed,
                plan_id: row.plan_id,
                task_id: Some(row.task_id),
                unit_id: Some(*unit_id),
                actor_id: actor.user_id,
                what: "领导批示待答复".into(),
                body: format!(
                    "领导批示：{}{}{}",
                    row.text,
                    row.answer_by
                        .map(|d| format!("（请于{}前答复）", crate::rules::schedule::prose_date(d)))
                        .unwrap_or_default(),
                    note.as_deref()
                        .map(|n| format!("转办意见：{n}"))
                        .unwrap_or_default()
                ),
                link: Some(format!("/instructions/{id}")),
            },
        )
        .await?;
    }
    let names: Vec<&str> = new.iter().map(|(_, n)| n.as_str()).collect();
    db::audit::record(
        &mut *tx,
        actor,
        "instruction_relayed",
        Some(&id.to_string()),
        json!({ "task": row.task_code, "units": names }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A unit's answer, as typed.
#[derive(Debug, Clone, Default)]
pub struct AnswerInput {
    pub unit_id: i64,
    /// The unit's row's version as the page showed it.
    pub version: i32,
    pub text: String,
}

/// Unit `input.unit_id` answers instruction `id`.
pub async fn answer(
    pool: &PgPool,
    actor: &Actor,
    access: Access,
    id: i64,
    input: &AnswerInput,
) -> Result<(), InstructionError> {
    if !access.may_answer_instruction_for(input.unit_id) {
        return Err(InstructionError::Forbidden);
    }
    let text = rules::parse_text("answer", &input.text, "答复内容", ANSWER_MAX);
    let mut tx = pool.begin().await?;
    let row = locked(&mut tx, id, None).await?;
    let (version, _) = db::instructions::lock_unit(&mut tx, id, input.unit_id)
        .await?
        .ok_or(InstructionError::NotFound("这件批示没有转给该单位办理"))?;
    let text = text?;
    if version != input.version
        || !db::instructions::set_answer(
            &mut tx,
            id,
            input.unit_id,
            version,
            Some(&text),
            actor.user_id,
        )
        .await?
    {
        return Err(InstructionError::Conflict(STALE.into()));
    }
    db::instructions::follow_answers(&mut tx, id).await?;
    db::instructions::record(
        &mut tx,
        id,
        "answered",
        Some(input.unit_id),
        Some(&text),
        actor.user_id,
    )
    .await?;
    let unit = unit_name(pool, input.unit_id).await?;
    db::audit::record(
        &mut *tx,
        actor,
        "instruction_answered",
        Some(&id.to_string()),
        json!({ "task": row.task_code, "unit": unit }),
    )
    .await?;
    notify::emit(
        &mut tx,
        Notice {
            kind: NoticeKind::InstructionAnswered,
            plan_id: row.plan_id,
            task_id: Some(row.task_id),
            unit_id: Some(input.unit_id),
            actor_id: actor.user_id,
            what: format!("{unit}已答复领导批示"),
            body: format!("{unit}答复：{text}"),
            link: Some(format!("/instructions/{id}")),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn unit_name(pool: &PgPool, unit_id: i64) -> sqlx::Result<String> {
    Ok(db::instructions::known_units(pool, &[unit_id])
        .await?
        .into_iter()
        .next()
        .map(|(_, n)| n)
        .unwrap_or_default())
}

/// The office sends a unit's answer back, with its reason.
#[derive(Debug, Clone, Default)]
pub struct SendBackInput {
    pub unit_id: i64,
    /// The unit's row's version as the page showed it.
    pub version: i32,
    pub reason: String,
}

pub async fn send_back(
    pool: &PgPool,
    actor: &Actor,
    access: Access,
    id: i64,
    input: &SendBackInput,
) -> Result<(), InstructionError> {
    if !access.may_handle_instructions() {
        return Err(InstructionError::Forbidden);
    }
    let reason = rules::parse_text("reason", &input.reason, "退回理由", TEXT_MAX);
    let mut tx = pool.begin().await?;
    let row = locked(&mut tx, id, None).await?;
    let (version, answered) = db::instructions::lock_unit(&mut tx, id, input.unit_id)
        .await?
        .ok_or(InstructionError::NotFound("这件批示没有转给该单位办理"))?;
    let reason = reason?;
    if version != input.version {
        return Err(InstructionError::Conflict(STALE.into()));
    }
    if !answered {
        return Err(InstructionError::Conflict(
            "该单位尚未答复，无需退回。".into(),
        ));
    }
    db::instructions::set_answer(&mut tx, id, input.unit_id, version, None, None).await?;
    db::instructions::follow_answers(&mut tx, id).await?;
    db::instructions::record(
        &mut tx,
        id,
        "sent_back",
        Some(input.unit_id),
        Some(&reason),
        actor.user_id,
    )
    .await?;
    let unit = unit_name(pool, input.unit_id).await?;
    db::audit::record(
        &mut *tx,
        actor,
        "instruction_sent_back",
        Some(&id.to_string()),
        json!({ "task": row.task_code, "unit": unit, "reason": reason }),
    )
    .await?;
    notify::emit(
        &mut tx,
        Notice {
            kind: NoticeKind::InstructionSentBack,
            plan_id: row.plan_id,
            task_id: Some(row.task_id),
            unit_id: Some(input.unit_id),
            actor_id: actor.user_id,
            what: "批示答复被退回".into(),
            body: format!("办公室退回了{unit}对领导批示的答复，请补充后重新答复。理由：{reason}"),
            link: Some(format!("/instructions/{id}")),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The office closes the instruction (办结), with its note.
#[derive(Debug, Clone, Default)]
pub struct CloseInput {
    pub version: i32,
    pub note: String,
}

pub async fn close(
    pool: &PgPool,
    actor: &Actor,
    access: Access,
    id: i64,
    input: &CloseInput,
    today: NaiveDate,
) -> Result<(), InstructionError> {
    if !access.may_handle_instructions() {
        return Err(InstructionError::Forbidden);
    }
    let note = rules::parse_text("note", &input.note, "办结意见", TEXT_MAX);
    let mut tx = pool.begin().await?;
    let row = locked(&mut tx, id, Some(input.version)).await?;
    let note = note?;
    if !db::instructions::close(&mut tx, id, input.version, today).await? {
        return Err(InstructionError::Conflict(STALE.into()));
    }
    db::instructions::record(&mut tx, id, "closed", None, Some(&note), actor.user_id).await?;
    db::audit::record(
        &mut *tx,
        actor,
        "instruction_closed",
        Some(&id.to_string()),
        json!({ "task": row.task_code, "note": note }),
    )
    .await?;
    notify::emit(
        &mut tx,
        Notice {
            kind: NoticeKind::InstructionClosed,
            plan_id: row.plan_id,
            task_id: Some(row.task_id),
            unit_id: None,
            actor_id: actor.user_id,
            what: "领导批示已办结".into(),
            body: format!("批示“{}”已办结。办结意见：{note}", row.text),
            link: Some(format!("/instructions/{id}")),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
