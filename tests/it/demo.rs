//! `duban demo-data --scale large` at a small fraction: the generator runs through the binary,
//! writes consistent rows, refuses a second run, and every main page renders on what it wrote.

use crate::common;
use crate::common::probe;
use probe::number as scalar;

use axum::http::StatusCode;
use sqlx::PgPool;
use std::process::Command;

fn load(url: &str) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_duban"))
        .current_dir(common::root())
        .env("RUST_LOG", "warn")
        .env("DATABASE_URL", url)
        .args(["demo-data", "--scale", "large", "--fraction", "0.005"])
        .output()
        .expect("duban runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn large_scale_loads_consistent_data_once(pool: PgPool) {
    let url = common::database_url(&pool);
    let revision = "SELECT revision FROM data_revision";
    let before = scalar(&pool, revision).await;
    let (ok, stdout, stderr) = load(&url);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("已生成合成数据"), "{stdout}");
    assert!(stdout.contains("任务 500 项"), "{stdout}");
    // The bulk load bypasses the per-row revision triggers and raises the revision once itself,
    // so summaries kept by running processes are rebuilt.
    assert_eq!(scalar(&pool, revision).await, before + 1);

    assert_eq!(scalar(&pool, "SELECT count(*) FROM plans").await, 2);
    assert_eq!(scalar(&pool, "SELECT count(*) FROM tasks").await, 500);
    assert_eq!(scalar(&pool, "SELECT count(*) FROM users").await, 50);
    // Every unit of every task reports every quarter of its plan's year.
    let slots = scalar(&pool, "SELECT count(*) * 4 FROM task_units").await;
    assert_eq!(scalar(&pool, "SELECT count(*) FROM reports").await, slots);
    assert_eq!(
        scalar(
            &pool,
            "SELECT count(*) FROM reports r JOIN tasks t ON t.id = r.task_id
             JOIN plans p ON p.id = t.plan_id WHERE left(r.period, 4)::int <> p.year"
        )
        .await,
        0
    );
    // A report's version is that of its last event; drafts have none.
    assert_eq!(
        scalar(
            &pool,
            "SELECT count(*) FROM reports r WHERE r.review_state <> 'draft' AND r.version <>
             (SELECT max(e.version) FROM report_events e WHERE e.report_id = r.id)"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT count(*) FROM reports r WHERE r.review_state = 'draft'
             AND EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = r.id)"
        )
        .await,
        0
    );
    // Units of a task belong to its plan's directory.
    assert_eq!(
        scalar(
            &pool,
            "SELECT count(*) FROM task_units tu JOIN tasks t ON t.id = tu.task_id
             JOIN plans p ON p.id = t.plan_id JOIN units u ON u.id = tu.unit_id
             WHERE u.directory <> p.issuer"
        )
        .await,
        0
    );
    // Identity sequences moved past the rows, so the app can go on inserting.
    for table in duban::db::bulk::TABLES {
        let next = scalar(
            &pool,
            &format!("SELECT nextval(pg_get_serial_sequence('{table}', 'id'))"),
        )
        .await;
        let max = scalar(&pool, &format!("SELECT max(id) FROM {table}")).await;
        assert!(next > max, "{table}: next id {next}, max {max}");
    }

    // Never twice, never on real data: nothing changes.
    let (ok, _, stderr) = load(&url);
    assert!(!ok);
    assert!(
        stderr.contains("合成数据只能生成在没有真实报告的数据库中"),
        "{stderr}"
    );
    assert_eq!(scalar(&pool, "SELECT count(*) FROM plans").await, 2);

    // The pages render on it, for the synthetic office account and password.
    let app = common::app(pool.clone());
    let c = common::Client::new(&app);
    c.sign_in(
        "large-office",
        duban::workflows::demo::large::LARGE_PASSWORD,
    )
    .await;
    // A draft of the open quarter, as the benchmark picks one.
    let (plan, code, unit, version): (i64, String, i64, i32) = sqlx::query_as(
        "SELECT t.plan_id, t.code, r.unit_id, r.version FROM reports r JOIN tasks t ON t.id = r.task_id
         WHERE r.period = '2025-Q4' AND r.review_state = 'draft' ORDER BY r.id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    for uri in [
        format!("/tasks?plan={plan}"),
        format!("/tasks?plan={plan}&unit={unit}"),
        format!("/tasks/{code}?plan={plan}"),
        format!("/summary?plan={plan}"),
        format!("/units/{unit}?plan={plan}"),
    ] {
        let page = c.get(&uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert!(page.body.contains("【合成】2025年"), "{uri}");
    }
    let r = c
        .post(
            &format!("/tasks/{code}/report"),
            &[
                ("plan", &plan.to_string()),
                ("unit", &unit.to_string()),
                ("period", "2025-Q4"),
                ("version", &version.to_string()),
                ("status", "in_progress"),
                ("self_assessment", "on_track"),
                ("work_done", "压测草稿"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}
