//! 催办 and 签收: the office urges units about the reports they owe; the urged unit acknowledges.

use super::error::field;
use super::limits::MAX_URGE_CHARS;
use super::{Caller, ProgressError};
use crate::db::{self, plans::PlanSettings, tasks::TaskFilter, tasks::TaskRow};
use crate::rules::reporting::{self, UnitOwes};
use crate::rules::schedule::Period;
use chrono::NaiveDate;
use serde_json::json;
use sqlx::{PgExecutor, PgPool};
use std::collections::HashSet;

/// The units whose reports for `period` are not in yet (未报、迟报), each with those tasks, in
/// plan order: what the office may urge about.
pub async fn outstanding(
    db: impl PgExecutor<'_>,
    settings: &PlanSettings,
    tasks: &[TaskRow],
    period: &str,
) -> sqlx::Result<Vec<UnitOwes>> {
    let submitted: HashSet<(i64, i64)> = db::reports::submitted_pairs(db, settings.id, period)
        .await?
        .into_iter()
        .collect();
    Ok(reporting::outstanding(settings, tasks, period, &submitted))
}

/// The urge text offered for `period` on `today`: never a date already past — an overdue
/// period's says how many days it is late.
pub fn default_message(period: &Period, today: NaiveDate) -> String {
    let due = period.due.format("%Y年%-m月%-d日");
    let late = (today - period.due).num_days();
    if late > 0 {
        format!(
            "{}进展情况应于{due}前报送，已逾期{late}天，请尽快报送。",
            period.label
        )
    } else {
        format!("请于{due}前报送{}进展情况。", period.label)
    }
}

/// 催办: urges each of the chosen `units` that still owes reports of the period, about those
/// reports. Which units owe what is decided here, in the transaction that writes the urges, so
/// a form naming a unit that owes nothing urges no one; chosen units owing nothing are skipped.
/// Gives the ids of the units urged, in plan order.
pub async fn urge(
    pool: &PgPool,
    caller: &Caller,
    plan_id: i64,
    period: &str,
    units: &HashSet<i64>,
    message: &str,
) -> Result<Vec<i64>, ProgressError> {
    let period = period.trim();
    if !caller.access().may_urge() {
        return Err(ProgressError::Forbidden("只有办公室可以催办".into()));
    }
    let message = message.trim();
    if message.is_empty() {
        return Err(field("message", "请填写催办内容"));
    }
    if message.chars().count() > MAX_URGE_CHARS {
        return Err(field(
            "message",
            format!("催办内容不能超过 {MAX_URGE_CHARS} 字"),
        ));
    }
    crate::rules::input::check_text("催办内容", message).map_err(|m| field("message", m))?;
    if units.is_empty() {
        return Err(field("units", "请选择要催办的单位：尚未勾选任何单位。"));
    }
    let mut tx = pool.begin().await?;
    let settings = db::plans::settings(&mut *tx, plan_id)
        .await?
        .ok_or_else(|| ProgressError::NotFound("找不到该工作要点".into()))?;
    let tasks = db::tasks::list(&mut *tx, plan_id, &TaskFilter::default()).await?;
    let outstanding: Vec<(i64, Vec<String>)> = outstanding(&mut *tx, &settings, &tasks, period)
        .await?
        .into_iter()
        .filter(|u| units.contains(&u.unit_id))
        .map(|u| (u.unit_id, u.tasks.into_iter().map(|t| t.code).collect()))
        .collect();
    if outstanding.is_empty() {
        return Err(field(
            "units",
            "请选择要催办的单位（只能催办有未报、迟报进展情况的单位）",
        ));
    }
    for (unit_id, codes) in &outstanding {
        let id = db::urges::insert(
            &mut tx,
            plan_id,
            *unit_id,
            period,
            codes,
            message,
            caller.actor.user_id,
        )
        .await?;
        db::audit::record(
            &mut *tx,
            &caller.actor,
            "urge_sent",
            Some(period),
            json!({ "urge_id": id, "unit_id": unit_id, "tasks": codes }),
        )
        .await?;
        crate::workflows::notify::emit(
            &mut tx,
            crate::workflows::notify::Notice {
                kind: crate::rules::notices::NoticeKind::Urged,
                plan_id,
                task_id: None,
                unit_id: Some(*unit_id),
                actor_id: caller.actor.user_id,
                what: format!(
                    "{}进展情况催办",
                    crate::rules::schedule::period_label(period)
                ),
                body: format!("{message}\n涉及任务：{}", codes.join("、")),
                link: Some(format!("/my?plan={plan_id}")),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(outstanding.into_iter().map(|(id, _)| id).collect())
}

/// 签收: the liaison of the urged unit acknowledges.
pub async fn acknowledge(
    pool: &PgPool,
    caller: &Caller,
    urge_id: i64,
) -> Result<(), ProgressError> {
    let Some(unit_id) = caller
        .unit_id
        .filter(|u| caller.access().may_acknowledge_urge(*u))
    else {
        return Err(ProgressError::Forbidden(
            "只有被催办单位的联络员可以签收".into(),
        ));
    };
    let mut tx = pool.begin().await?;
    if !db::urges::acknowledge(&mut tx, urge_id, unit_id, caller.actor.user_id).await? {
        return Err(ProgressError::NotFound("没有待签收的该条催办".into()));
    }
    db::audit::record(
        &mut *tx,
        &caller.actor,
        "urge_acknowledged",
        None,
        json!({ "urge_id": urge_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::schedule::Cycle;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_default_urge_never_asks_for_a_date_already_past() {
        let q3 = Period::containing(Cycle::Quarterly, d(2022, 8, 1), 10).unwrap();
        assert_eq!(
            default_message(&q3, d(2022, 10, 20)),
            "2022年第三季度进展情况应于2022年10月10日前报送，已逾期10天，请尽快报送。"
        );
        assert_eq!(
            default_message(&q3, d(2022, 10, 11)),
            "2022年第三季度进展情况应于2022年10月10日前报送，已逾期1天，请尽快报送。"
        );
        assert_eq!(
            default_message(&q3, d(2022, 10, 10)),
            "请于2022年10月10日前报送2022年第三季度进展情况。"
        );
    }
}
