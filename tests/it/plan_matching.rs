//! 与上年比对 end to end: next year's plan imported beside the 2022 plan is matched item by
//! item and kept for review; the office accepts, rejects and picks another (a stale page, an
//! unknown code and a code already taken refused beside the field); the task JSON names the
//! item it continues; its page shows last year's reports and history.

use crate::common::{self, Client, create_user, probe};
use axum::http::StatusCode;
use duban::rules::auth::Role;
use duban::web::{AppState, WebConfig, create_app};
use duban::workflows::importer;
use sqlx::PgPool;

/// The 2022 plan's text for 2023: the year moved on, 1.1.3 reworded, 1.1.4 replaced by a new
/// item.
fn next_year() -> String {
    let seed = std::fs::read_to_string(common::root().join("seeds/2022-work-points.md")).unwrap();
    let old_four = seed
        .lines()
        .find(|l| l.starts_with("4. 集中清理网上涉侵权假冒违法违规信息"))
        .expect("1.1.4 in the seed")
        .to_string();
    seed.replace("2022", "2023")
        .replace(
            "开展网售药品违法违规行为专项整治,净化药品网络销售市场。",
            "深入开展网售药品违法违规行为专项整治,巩固整治成效,持续净化药品网络销售市场。",
        )
        .replace(
            &old_four,
            "4. 开展数据知识产权保护试点,探索建立数据知识产权登记制度。(知识产权局负责)",
        )
}

async fn version(pool: &PgPool, plan: i64, code: &str) -> String {
    probe::number(
        pool,
        &format!(
            "SELECT m.version::bigint FROM task_matches m JOIN tasks t ON t.id = m.task_id
              WHERE t.plan_id = {plan} AND t.code = '{code}'"
        ),
    )
    .await
    .to_string()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn next_years_plan_is_matched_and_reviewed(pool: PgPool) {
    let first = common::seed(&pool).await[0];
    create_user(&pool, "office", Role::Office, None).await;
    create_user(&pool, "boss", Role::Leader, None).await;
    let gab = create_user(&pool, "gab", Role::Liaison, Some("公安部")).await;
    // A 2022 report of 1.1.1, submitted by 公安部.
    let gab_unit = probe::unit_id(&pool, "公安部").await;
    duban::workflows::progress::save_report(
        &pool,
        &common::office_caller(gab),
        first,
        "1.1.1",
        gab_unit,
        common::sample_report(true),
        None,
    )
    .await
    .expect("a 2022 report");

    let dir = tempfile::tempdir().unwrap();
    let path = common::write_temp(dir.path(), "2023.md", &next_year());
    let errata =
        std::fs::read_to_string(common::root().join("seeds/2022-work-points.errata.toml")).unwrap();
    common::write_temp(dir.path(), "2023.errata.toml", &errata);
    let prepared = importer::prepare(&importer::read_document(&path).unwrap()).unwrap();
    let units = importer::read_units(&common::root().join("seeds/units.toml")).unwrap();
    let plan = match importer::import(&pool, &prepared, &units).await.unwrap() {
        importer::Outcome::Imported { plan_id, .. } => plan_id,
        other => panic!("{other:?}"),
    };
    // One row per item, as proposed.
    let rows = probe::number(&pool, "SELECT count(*) FROM task_matches").await;
    assert_eq!(rows, 91);
    let label = |code: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT m.label FROM task_matches m JOIN tasks t ON t.id = m.task_id
                  WHERE t.plan_id = $1 AND t.code = $2",
            )
            .bind(plan)
            .bind(code)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(label("1.1.1").await, "continued");
    assert_eq!(label("1.1.3").await, "changed");
    assert_eq!(label("1.1.4").await, "new");

    let app = create_app(AppState::with_config(pool.clone(), WebConfig::default()));
    let office = Client::signed_in(&app, "office").await;
    let leader = Client::signed_in(&app, "boss").await;
    let page = format!("/plans/{plan}/matches");
    assert_eq!(leader.get(&page).await.status, StatusCode::FORBIDDEN);
    let shown = office.get(&page).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown.body.contains("延续 89 项") && shown.body.contains("新增 1 项"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("上年未延续的任务（1 项）"));

    // Accept 1.1.3; reject 1.2.1 (new); pick last year's 1.1.4 for 1.1.4.
    let review = |code: &str| format!("/plans/{plan}/matches/{code}");
    let v = version(&pool, plan, "1.1.3").await;
    let r = office
        .post(&review("1.1.3"), &[("decision", "accept"), ("version", &v)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = office
        .post(&review("1.1.3"), &[("decision", "accept"), ("version", &v)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a stale page");
    let v = version(&pool, plan, "1.2.1").await;
    let r = office
        .post(&review("1.2.1"), &[("decision", "reject"), ("version", &v)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(label("1.2.1").await, "new");
    let v = version(&pool, plan, "1.1.4").await;
    for (previous, message) in [
        ("", "改选时请填写上年任务的编号"),
        ("9.9.9", "上年工作要点中没有编号为“9.9.9”的任务"),
        ("1.1.1", "该上年任务已与本年度另一项任务对应"),
    ] {
        let r = office
            .post(
                &review("1.1.4"),
                &[
                    ("decision", "pick"),
                    ("previous", previous),
                    ("version", &v),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{previous}");
        assert!(
            r.body.contains(&format!("id=\"e-previous\">{message}")),
            "{}",
            r.body
        );
        assert!(
            r.body.contains(&format!("value=\"{previous}\"")),
            "typed kept"
        );
    }
    let r = office
        .post(
            &review("1.1.4"),
            &[("decision", "pick"), ("previous", "1.1.4"), ("version", &v)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(label("1.1.4").await, "changed");
    let audit = probe::number(
        &pool,
        "SELECT count(*) FROM audit_log WHERE action = 'task_match_reviewed'",
    )
    .await;
    assert_eq!(audit, 3);

    // The task JSON names last year's item; a new one has none.
    let token = common::token_for(&pool, probe::user_id(&pool, "office").await).await;
    let tasks = common::get_with_token(
        &app,
        &format!("/api/v1/plans/{plan}/tasks?per_page=500"),
        &token,
    )
    .await
    .json();
    let task = |code: &str| {
        tasks["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(task("1.1.1")["previous"]["plan_id"], first);
    assert_eq!(task("1.1.1")["previous"]["code"], "1.1.1");
    assert_eq!(task("1.1.1")["previous"]["match"], "continued");
    assert_eq!(task("1.1.4")["previous"]["match"], "changed");
    assert_eq!(task("1.2.1")["previous"], serde_json::Value::Null);

    // 1.1.1's page shows last year's report; 1.1.4's history its review.
    let t = office.get(&format!("/tasks/1.1.1?plan={plan}")).await.body;
    let earlier = t
        .split("往年情况")
        .nth(1)
        .expect("the earlier years' section");
    assert!(
        earlier.contains("2022年工作要点") && earlier.contains("2022年第二季度 · 公安部"),
        "{earlier}"
    );
    assert!(earlier.contains("开展专项行动"));
    let t = office.get(&format!("/tasks/1.1.4?plan={plan}")).await.body;
    assert!(
        t.contains("与上年比对：确认为2022年工作要点 1.1.4 的调整"),
        "{t}"
    );
}
