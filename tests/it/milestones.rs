//! 任务分解 end to end: the office breaks a task into milestones (a bad form refused beside its
//! fields, as typed; a stale page refused), the lead unit adds one, another unit cannot; an
//! overdue milestone turns the task red with its reason; the owner marks it done, the light
//! and the share done follow; each step is in the task's history.

use crate::common::{Setup, World, probe};
use axum::http::StatusCode;
use chrono::NaiveDate;
use sqlx::PgPool;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 7, 5).unwrap()
}

/// A task 公安部 (unit A) leads.
async fn led_task(w: &World) -> String {
    sqlx::query_scalar(
        "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
          WHERE t.plan_id = $1 AND tu.unit_id = $2 AND tu.role = 'lead' ORDER BY t.position LIMIT 1",
    )
    .bind(w.plan_id)
    .bind(w.unit_a)
    .fetch_one(&w.pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_task_broken_into_milestones(pool: PgPool) {
    let w = World::build(pool, Setup::on(day())).await;
    let code = led_task(&w).await;
    let page = format!("/tasks/{code}/milestones");
    let version = || async { probe::task_version(&w.pool, &code).await.to_string() };
    let a = w.unit_a.to_string();

    // A bad form: every fault beside its field, what was typed kept.
    let v = version().await;
    let r = w
        .office
        .post(
            &page,
            &[
                ("unit", "999999"),
                ("output", " "),
                ("due", "2022-13-01"),
                ("weight", "0"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (id, message) in [
        ("e-unit", "请选择本任务的一个责任单位"),
        ("e-output", "请填写预期成果"),
        ("e-due", "完成时间格式应为 YYYY-MM-DD"),
        ("e-weight", "权重应为 1 至 100 的整数"),
    ] {
        assert!(
            r.body.contains(&format!("id=\"{id}\">{message}")),
            "{id}: {}",
            r.body
        );
    }
    assert!(r.body.contains("value=\"2022-13-01\""));
    // A stale page.
    let r = w
        .office
        .post(
            &page,
            &[
                ("unit", &a),
                ("output", "完成调研"),
                ("due", "2022-06-30"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The office adds one already past; the lead unit's liaison one later, weighted 3.
    let r = w
        .office
        .post(
            &page,
            &[
                ("unit", &a),
                ("output", "完成调研"),
                ("due", "2022-06-30"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let v = version().await;
    let r = w
        .liaison_a
        .post(
            &page,
            &[
                ("unit", &a),
                ("output", "形成专项报告"),
                ("due", "2022-11-30"),
                ("weight", "3"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Another unit's liaison can neither plan nor finish them.
    let v = version().await;
    let r = w
        .liaison_b
        .post(
            &page,
            &[
                ("unit", &a),
                ("output", "x"),
                ("due", "2022-08-01"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Past its date and open: the task is red, with the reason.
    let task = w.office.get(&format!("/tasks/{code}")).await.body;
    assert!(
        task.contains("里程碑“完成调研”（2022年6月30日）已过，尚未完成"),
        "{task}"
    );
    assert!(task.contains("按权重计，已完成 0%"));
    let first: i64 = sqlx::query_scalar("SELECT min(id) FROM milestones")
        .fetch_one(&w.pool)
        .await
        .unwrap();
    let milestone_version = || async {
        probe::number(
            &w.pool,
            &format!("SELECT version::bigint FROM milestones WHERE id = {first}"),
        )
        .await
        .to_string()
    };
    let mv = milestone_version().await;
    let step = format!("/milestones/{first}");
    let r = w
        .liaison_b
        .post(&step, &[("action", "done"), ("version", &mv)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .liaison_a
        .post(&step, &[("action", "done"), ("version", "0")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = w
        .liaison_a
        .post(&step, &[("action", "done"), ("version", &mv)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let task = w.office.get(&format!("/tasks/{code}")).await.body;
    assert!(!task.contains("里程碑“完成调研”（2022年6月30日）已过"));
    assert!(task.contains("按权重计，已完成 25%"), "{task}");
    assert!(
        task.contains("里程碑“完成调研”于2022-07-05完成"),
        "the history"
    );
    assert!(task.contains("增加里程碑：公安部，形成专项报告，2022-11-30前完成"));
    // Done twice is refused; the page lists both on the timeline.
    let mv = milestone_version().await;
    let r = w
        .office
        .post(&step, &[("action", "done"), ("version", &mv)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("该里程碑已完成"));
    let shown = w.leader.get(&page).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("已完成（2022年7月5日）") && shown.body.contains("形成专项报告"));
    assert!(
        !shown.body.contains("增加里程碑</h2>"),
        "a leader plans nothing"
    );
    let audit = probe::number(
        &w.pool,
        "SELECT count(*) FROM audit_log WHERE action IN ('milestone_added', 'milestone_done')",
    )
    .await;
    assert_eq!(audit, 3);
}
