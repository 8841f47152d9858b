//! 不溯及既往: a unit the office adds owes nothing for periods already over, a cycle change
//! creates no overdue reports of the new cycle, a change that would make reports overdue at once
//! asks first, and `?as_of=` replays the assignments and terms of that day.

use crate::common::probe::{self, task_version, unit_id};
use crate::common::world::{Setup, World};
use axum::http::StatusCode;
use chrono::NaiveDate;
use duban::db::{self, tasks::TaskFilter};
use duban::rules::reporting;
use duban::workflows::{progress, summary};
use sqlx::PgPool;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const TODAY: (i32, u32, u32) = (2022, 10, 20);

fn today() -> NaiveDate {
    d(TODAY.0, TODAY.1, TODAY.2)
}

async fn world(pool: PgPool) -> World {
    World::build(pool, Setup::on(today()).with_every_state()).await
}

/// The keys of the periods `unit` owes on task `code`.
async fn owed(w: &World, code: &str, unit: &str) -> Vec<String> {
    let settings = db::plans::settings(&w.pool, w.plan_id)
        .await
        .unwrap()
        .unwrap();
    let task = db::tasks::get_by_code(&w.pool, w.plan_id, code)
        .await
        .unwrap()
        .unwrap();
    let unit = unit_id(&w.pool, unit).await;
    reporting::owed_by(&settings, &task, unit)
        .into_iter()
        .map(|p| p.key)
        .collect()
}

/// The reasons of `unit`'s own light on task `code`, judged today.
async fn reasons(w: &World, code: &str, unit: &str) -> Vec<String> {
    let unit = unit_id(&w.pool, unit).await;
    let (_, tasks, states) =
        progress::plan_states(&w.pool, w.plan_id, &TaskFilter::default(), today())
            .await
            .unwrap()
            .unwrap();
    let task = tasks.iter().find(|t| t.code == code).unwrap();
    states[&task.id]
        .units
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, j)| j.reasons.clone())
        .unwrap_or_default()
}

async fn add_co(w: &World, code: &str, unit: &str) {
    let v = task_version(&w.pool, code).await.to_string();
    let id = unit_id(&w.pool, unit).await.to_string();
    let r = w
        .office
        .post(
            &format!("/tasks/{code}/units"),
            &[("version", &v), ("add_unit", &id), ("add_role", "co")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn schedule(w: &World, code: &str, fields: &[(&str, &str)]) -> crate::common::Response {
    let v = task_version(&w.pool, code).await.to_string();
    let mut all = vec![("version", v.as_str())];
    all.extend_from_slice(fields);
    w.office
        .post(&format!("/tasks/{code}/schedule"), &all)
        .await
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_unit_added_in_october_owes_nothing_for_q2_and_q3(pool: PgPool) {
    let w = world(pool).await;
    let before = summary::load(&w.pool, w.plan_id, today(), today())
        .await
        .unwrap()
        .unwrap();
    // 本期 on 2022-10-20 is the third quarter, just due, not the open fourth.
    assert_eq!(before.period.as_ref().unwrap().key, "2022-Q3");
    add_co(&w, "1.1.3", "市场监管总局").await;
    assert_eq!(owed(&w, "1.1.3", "市场监管总局").await, ["2022-Q4"]);
    assert_eq!(
        owed(&w, "1.1.3", "药监局").await,
        ["2022-Q2", "2022-Q3", "2022-Q4"]
    );
    let why = reasons(&w, "1.1.3", "市场监管总局").await;
    assert!(
        !why.iter().any(|r| r.contains("未报送")),
        "a unit assigned today is not late: {why:?}"
    );
    assert!(
        reasons(&w, "1.1.3", "药监局")
            .await
            .iter()
            .any(|r| r.contains("2022年第三季度进展情况未报送"))
    );
    // 本期应报 is what it was: the new unit owes nothing for the third quarter.
    let after = summary::load(&w.pool, w.plan_id, today(), today())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.totals.due, before.totals.due);
    assert_eq!(after.totals.missing, before.totals.missing);
    // The task page lists it under the fourth quarter only.
    let page = w.office.get("/tasks/1.1.3").await.body;
    let table = page
        .split("<th scope=\"col\">期次</th>")
        .nth(1)
        .unwrap_or("");
    let q3 = table.split("2022年第三季度").nth(1).unwrap_or("");
    let q3 = q3.split("2022年第二季度").next().unwrap_or("");
    assert!(!q3.contains("市场监管总局"), "{q3}");
    let q4 = table.split("2022年第四季度").nth(1).unwrap_or("");
    let q4 = q4.split("2022年第三季度").next().unwrap_or("");
    assert!(q4.contains("市场监管总局"), "{table}");
    // /reporting opens on 本期, and the urge it offers does not ask for a date already past.
    let reporting = w.office.get("/reporting").await.body;
    assert!(
        reporting
            .contains("2022年第三季度进展情况应于2022年10月10日前报送，已逾期10天，请尽快报送。")
    );
    // /my's list for the unit: nothing due on 1.1.3 but the fourth quarter.
    let settings = db::plans::settings(&w.pool, w.plan_id)
        .await
        .unwrap()
        .unwrap();
    let scjg = unit_id(&w.pool, "市场监管总局").await;
    let filter = TaskFilter {
        unit_id: Some(scjg),
        ..TaskFilter::default()
    };
    let tasks = db::tasks::list(&w.pool, w.plan_id, &filter).await.unwrap();
    let reports = db::reports::for_unit(&w.pool, w.plan_id, scjg)
        .await
        .unwrap();
    let due: Vec<String> = reporting::due_for(&settings, Some(scjg), &tasks, &reports, today())
        .into_iter()
        .filter(|d| d.code == "1.1.3")
        .map(|d| d.period)
        .collect();
    assert_eq!(due, ["2022-Q4"]);
    // The change is kept: the assignment's day.
    let since = probe::number(
        &w.pool,
        "SELECT (tu.assigned_on - DATE '2022-01-01')::bigint FROM task_units tu
         JOIN tasks t ON t.id = tu.task_id JOIN units u ON u.id = tu.unit_id
         WHERE t.code = '1.1.3' AND u.short_name = '市场监管总局'",
    )
    .await;
    assert_eq!(since, (today() - d(2022, 1, 1)).num_days());
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn switching_to_monthly_creates_no_overdue_months_before_october(pool: PgPool) {
    let w = world(pool).await;
    let r = schedule(&w, "1.1.3", &[("cycle", "monthly")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        owed(&w, "1.1.3", "药监局").await,
        ["2022-Q2", "2022-Q3", "2022-10", "2022-11", "2022-12"]
    );
    let why = reasons(&w, "1.1.3", "药监局").await;
    assert!(
        !why.iter().any(|r| r.contains("月进展情况未报送")),
        "no monthly report is overdue: {why:?}"
    );
    // The third quarter, owed under the old cycle, can still be filed.
    let unit = unit_id(&w.pool, "药监局").await;
    let form = w
        .office
        .get(&format!("/tasks/1.1.3/report?unit={unit}&period=2022-Q3"))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_change_that_makes_reports_overdue_at_once_asks_first(pool: PgPool) {
    let w = world(pool).await;
    // A deadline at the end of June: the third quarter is no longer owed.
    let r = schedule(
        &w,
        "1.1.3",
        &[("deadline_kind", "date"), ("deadline_date", "2022-06-30")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(owed(&w, "1.1.3", "药监局").await, ["2022-Q2"]);
    // Extending it makes the third quarter owed, and overdue since 10-10: asked first.
    let version = task_version(&w.pool, "1.1.3").await;
    let r = schedule(&w, "1.1.3", &[("deadline_kind", "ongoing")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body
            .contains("药监局：2022年第三季度（应于2022年10月10日前）"),
        "{}",
        r.body
    );
    assert!(r.body.contains("name=\"confirm_overdue\""));
    assert_eq!(
        task_version(&w.pool, "1.1.3").await,
        version,
        "nothing saved"
    );
    let r = schedule(
        &w,
        "1.1.3",
        &[("deadline_kind", "ongoing"), ("confirm_overdue", "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        owed(&w, "1.1.3", "药监局").await,
        ["2022-Q2", "2022-Q3", "2022-Q4"]
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn as_of_replays_the_assignments_and_terms_of_that_day(pool: PgPool) {
    let w = world(pool).await;
    let july = d(2022, 7, 15);
    let line = |s: &summary::Summary, unit: i64| {
        s.units
            .iter()
            .find(|u| u.unit_id == unit)
            .map(|u| (u.led, u.co))
    };
    let scjg = unit_id(&w.pool, "市场监管总局").await;
    let before = summary::load(&w.pool, w.plan_id, july, today())
        .await
        .unwrap()
        .unwrap();
    add_co(&w, "1.1.3", "市场监管总局").await;
    let r = schedule(&w, "1.1.3", &[("cycle", "monthly")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let replay = summary::load(&w.pool, w.plan_id, july, today())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(line(&replay, scjg), line(&before, scjg));
    assert_eq!(replay.totals, before.totals);
    assert_eq!(replay.grid_periods, before.grid_periods);
    assert!(replay.grid_periods.iter().all(|p| !p.key.contains("-0")));
    // Today the new unit is counted.
    let now = summary::load(&w.pool, w.plan_id, today(), today())
        .await
        .unwrap()
        .unwrap();
    let (led, co) = line(&now, scjg).unwrap();
    let (led0, co0) = line(&before, scjg).unwrap();
    assert_eq!((led, co), (led0, co0 + 1));

    // Before the plan was issued (2022-04-25) there is nothing yet, and the page says so.
    let early = summary::load(&w.pool, w.plan_id, d(2022, 4, 24), today())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(early.before_issue, Some(d(2022, 4, 25)));
    let page = w.leader.get("/summary?as_of=2022-04-24").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("本工作要点尚未印发"), "{}", page.body);
    assert!(!page.body.contains("正常推进</span>"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_plans_new_cycle_applies_from_the_day_it_is_set(pool: PgPool) {
    let w = world(pool).await;
    let july = d(2022, 7, 15);
    let before = summary::load(&w.pool, w.plan_id, july, today())
        .await
        .unwrap()
        .unwrap();
    let version = probe::number(
        &w.pool,
        &format!("SELECT version::bigint FROM plans WHERE id = {}", w.plan_id),
    )
    .await
    .to_string();
    let r = w
        .office
        .post(
            &format!("/plans/{}/settings", w.plan_id),
            &[
                ("version", &version),
                ("deadline_kind", "ongoing"),
                ("cycle", "monthly"),
                ("due_days", "10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        owed(&w, "1.1.3", "药监局").await,
        ["2022-Q2", "2022-Q3", "2022-10", "2022-11", "2022-12"]
    );
    let why = reasons(&w, "1.1.3", "药监局").await;
    assert!(
        !why.iter().any(|r| r.contains("月进展情况未报送")),
        "{why:?}"
    );
    // As of July the plan was quarterly.
    let replay = summary::load(&w.pool, w.plan_id, july, today())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(replay.grid_periods, before.grid_periods);
    assert_eq!(replay.totals, before.totals);
}
