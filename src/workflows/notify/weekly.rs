//! 每周汇总: on Mondays, the office is told who is late for 本期, how many reports wait for
//! review or for a resubmission, and how many coordination requests are open; the leaders
//! are told the red items with their reasons. Once a week per plan (a dedup key).

use super::{Notice, emit_once};
use crate::db::{self, plans::PlanSettings, tasks::TaskRow};
use crate::rules::lights::Light;
use crate::rules::notices::NoticeKind;
use crate::rules::reminders::still_open;
use crate::rules::schedule::focus_of_cycle;
use crate::workflows::progress::{self, status::judge_all};
use chrono::{Datelike, NaiveDate, Weekday};
use sqlx::PgConnection;

/// Lines a digest lists before it says how many more there are.
const MAX_LINES: usize = 30;

/// Queues the week's digests of a plan when `today` is a Monday of its year (or the month
/// after); gives how many were written.
pub async fn queue(
    conn: &mut PgConnection,
    settings: &PlanSettings,
    tasks: &[TaskRow],
    today: NaiveDate,
) -> sqlx::Result<usize> {
    let year_end = NaiveDate::from_ymd_opt(settings.year, 12, 31).unwrap_or(today);
    if today.weekday() != Weekday::Mon || !still_open(settings.year, year_end, today) {
        return Ok(0);
    }
    let week = today.iso_week();
    let key = |who: &str| {
        format!(
            "weekly:{who}:{}:{}-W{:02}",
            settings.id,
            week.year(),
            week.week()
        )
    };
    let mut written = 0;
    let office = office_digest(&mut *conn, settings, tasks, today).await?;
    if emit_once(&mut *conn, office, Some(&key("office")))
        .await?
        .is_some()
    {
        written += 1;
    }
    let leader = leader_digest(&mut *conn, settings, tasks, today).await?;
    if emit_once(&mut *conn, leader, Some(&key("leader")))
        .await?
        .is_some()
    {
        written += 1;
    }
    Ok(written)
}

fn capped(mut lines: Vec<String>, more: &str) -> String {
    let n = lines.len();
    if n > MAX_LINES {
        lines.truncate(MAX_LINES);
        lines.push(format!("……另有{}{more}", n - MAX_LINES));
    }
    lines.join("\n")
}

async fn office_digest(
    conn: &mut PgConnection,
    settings: &PlanSettings,
    tasks: &[TaskRow],
    today: NaiveDate,
) -> sqlx::Result<Notice> {
    let focus = focus_of_cycle(
        settings.cycle,
        settings.year,
        settings.due_days.max(0) as u32,
        today,
    );
    let late = match &focus {
        Some(p) if p.due < today => {
            progress::outstanding(&mut *conn, settings, tasks, &p.key).await?
        }
        _ => Vec::new(),
    };
    let waiting = db::reports::count_submitted(&mut *conn, settings.id, None, None).await?;
    let returned = db::reminders::count_returned(&mut *conn, settings.id).await?;
    let open = db::coordination::count_open_in_plan(&mut *conn, settings.id).await?;
    let mut body = Vec::new();
    match &focus {
        Some(p) if !late.is_empty() => {
            body.push(format!(
                "{}进展情况逾期未报：{}个单位{}项。",
                p.label,
                late.len(),
                late.iter().map(|u| u.tasks.len()).sum::<usize>()
            ));
            let lines = late
                .iter()
                .map(|u| format!("{}：{}项", u.unit, u.tasks.len()))
                .collect();
            body.push(capped(lines, "个单位"));
        }
        Some(p) if p.due < today => body.push(format!("{}进展情况均已报送。", p.label)),
        _ => {}
    }
    body.push(format!(
        "待审核{waiting}份；退回待重报{returned}份；需协调事项待答复{open}项。"
    ));
    let what = match &focus {
        Some(p) if !late.is_empty() => {
            format!("本周督办情况：{}逾期未报{}个单位", p.label, late.len())
        }
        _ => "本周督办情况".to_string(),
    };
    Ok(Notice {
        kind: NoticeKind::WeeklyOffice,
        plan_id: settings.id,
        task_id: None,
        unit_id: None,
        actor_id: None,
        what,
        body: body.join("\n"),
        link: Some(format!("/?plan={}", settings.id)),
    })
}

async fn leader_digest(
    conn: &mut PgConnection,
    settings: &PlanSettings,
    tasks: &[TaskRow],
    today: NaiveDate,
) -> sqlx::Result<Notice> {
    let reports = db::reports::briefs_for_plan(&mut *conn, settings.id).await?;
    let states = judge_all(settings, tasks, &reports, today);
    let red: Vec<String> = tasks
        .iter()
        .filter_map(|t| {
            let s = states.get(&t.id)?;
            (s.light == Light::Red).then(|| format!("任务{}：{}", t.code, s.reasons.join("；")))
        })
        .collect();
    let what = format!("本周红灯事项{}项", red.len());
    let body = if red.is_empty() {
        "本周没有红灯事项。".to_string()
    } else {
        capped(red, "项，见督办汇总")
    };
    Ok(Notice {
        kind: NoticeKind::WeeklyLeader,
        plan_id: settings.id,
        task_id: None,
        unit_id: None,
        actor_id: None,
        what,
        body,
        link: Some(format!("/summary?plan={}", settings.id)),
    })
}
