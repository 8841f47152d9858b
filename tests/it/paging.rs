//! Lists that grow with the data come in pages: second and last pages, filters kept in the
//! links, bad page numbers clamped (never a 500), the API's `page`/`per_page`.

use crate::common;
use crate::common::probe;

use axum::http::StatusCode;
use common::{Client, create_user};
use duban::rules::auth::Role;
use sqlx::PgPool;

/// 150 more tasks whose text says 分页测试, after the seed's 91 (241 in all: three pages).
async fn more_tasks(pool: &PgPool) {
    sqlx::raw_sql(&common::more_tasks_sql(150, "分页测试任务", ""))
        .execute(pool)
        .await
        .expect("tasks");
}

fn rows(body: &str) -> usize {
    body.matches("<td class=\"code\">").count()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn task_list_pages_keep_filters(pool: PgPool) {
    common::seed(&pool).await;
    more_tasks(&pool).await;
    let office = common::office(&pool).await;

    let first = office.get("/tasks").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(rows(&first.body), 100);
    assert!(first.body.contains("全部任务共 <strong>241</strong> 项"));
    assert!(first.body.contains("第 1 / 3 页"), "{}", first.body);
    assert!(first.body.contains("href=\"/tasks?page=2\""));

    let last = office.get("/tasks?page=3").await;
    assert_eq!(rows(&last.body), 41);
    assert!(last.body.contains("第 3 / 3 页"));
    assert!(last.body.contains("rel=\"prev\" href=\"/tasks?page=2\""));
    assert!(!last.body.contains("rel=\"next\""));
    assert!(last.body.contains("分页测试任务150"));

    // A filter narrows the count and stays in every link.
    let q = "/tasks?q=%E5%88%86%E9%A1%B5%E6%B5%8B%E8%AF%95&role=";
    let second = office.get(&format!("{q}&page=2")).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(rows(&second.body), 50);
    assert!(second.body.contains("第 2 / 2 页"));
    assert!(
        second
            .body
            .contains("符合条件的任务共 <strong>150</strong> 项")
    );
    assert!(
        second.body.contains(
            "href=\"/tasks?q=%E5%88%86%E9%A1%B5%E6%B5%8B%E8%AF%95&#38;role=&#38;page=1\""
        ),
        "{}",
        second.body
    );
    assert!(second.body.contains("分页测试任务101"));
    assert!(!second.body.contains("分页测试任务100<"));

    // Bad page numbers: clamped, never an error.
    for (page, shown) in [
        ("0", 1),
        ("-1", 1),
        ("abc", 1),
        ("99999999999", 3),
        ("%20", 1),
    ] {
        let r = office.get(&format!("/tasks?page={page}")).await;
        assert_eq!(r.status, StatusCode::OK, "page={page}");
        assert!(
            r.body.contains(&format!("第 {shown} / 3 页")),
            "page={page}"
        );
    }

    // The exports stay whole.
    let csv = office.get("/tasks.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("分页测试任务150"));
    assert!(csv.body.contains("分页测试任务1,") || csv.body.contains("分页测试任务1\""));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn units_users_and_audit_come_in_pages(pool: PgPool) {
    common::seed(&pool).await;
    sqlx::raw_sql(
        "INSERT INTO units (directory, short_name, full_name, sort_order)
         SELECT (SELECT issuer FROM plans LIMIT 1), '分页单位' || g, '分页单位全称' || g, 1000 + g
         FROM generate_series(1, 150) g;
         INSERT INTO users (login, display_name, role, password_hash)
         SELECT 'pager' || lpad(g::text, 3, '0'), '分页用户' || g, 'leader', 'x'
         FROM generate_series(1, 120) g;
         INSERT INTO audit_log (action, actor_login) SELECT 'sign_in', 'pager001'
         FROM generate_series(1, 130);",
    )
    .execute(&pool)
    .await
    .unwrap();
    let office = common::office(&pool).await;

    let units: i64 = probe::count(&pool, "units").await;
    let second = office.get("/units?page=2").await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(
        second.body.contains(&format!("共 {units} 条")),
        "{}",
        second.body
    );
    assert!(second.body.contains("分页单位150"));
    assert!(!office.get("/units").await.body.contains("分页单位150<"));

    let users = office.get("/admin/users?page=2").await;
    assert_eq!(users.status, StatusCode::OK);
    assert!(users.body.contains("第 2 / 2 页"));
    assert!(users.body.contains("pager120"));
    assert!(!office.get("/admin/users").await.body.contains("pager120"));

    // The audit log's filters stay in its pager's links.
    let audit = office
        .get("/admin/audit?action=sign_in&login=pager001")
        .await;
    assert!(audit.body.contains("第 1 / 2 页"), "{}", audit.body);
    assert!(
        audit
            .body
            .contains("href=\"/admin/audit?action=sign_in&#38;login=pager001&#38;page=2\"")
    );
    let last = office
        .get("/admin/audit?action=sign_in&login=pager001&page=2")
        .await;
    assert_eq!(last.body.matches("<td class=\"detail\">").count(), 30);
    let clamped = office.get("/admin/audit?page=-5").await;
    assert_eq!(clamped.status, StatusCode::OK);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn liaison_lists_come_in_pages(pool: PgPool) {
    common::seed(&pool).await;
    more_tasks(&pool).await;
    sqlx::raw_sql(
        "INSERT INTO task_units (task_id, unit_id, role, position)
         SELECT t.id, (SELECT id FROM units WHERE short_name = '公安部'), 'lead', 1
         FROM tasks t WHERE t.position > 1000",
    )
    .execute(&pool)
    .await
    .unwrap();
    create_user(&pool, "liaison", Role::Liaison, Some("公安部")).await;
    let liaison = Client::signed_in(&common::app(pool.clone()), "liaison").await;
    let my = liaison.get("/my?page=2").await;
    assert_eq!(my.status, StatusCode::OK);
    assert!(my.body.contains("分页测试任务150"), "{}", my.body);
    let unit: i64 = probe::unit_id(&pool, "公安部").await;
    let page = liaison
        .get(&format!("/units/{unit}?lead_page=2&co_page=x"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("分页测试任务150"));
    assert!(
        page.body
            .contains(&format!("href=\"/units/{unit}?co_page=1&#38;lead_page=1\"")),
        "{}",
        page.body
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn api_task_list_pages(pool: PgPool) {
    let plan = common::seed(&pool).await[0];
    more_tasks(&pool).await;
    let id = create_user(&pool, "robot", Role::Office, None).await;
    let token = common::token_for(&pool, id).await;
    let app = common::app(pool.clone());
    let get = |q: &'static str| {
        let (app, token) = (app.clone(), token.clone());
        async move {
            let r = common::get_with_token(&app, &format!("/api/v1/plans/{plan}/tasks{q}"), &token)
                .await;
            assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
            r.json()
        }
    };
    let p = get("?page=3&per_page=10").await;
    assert_eq!(
        (p["page"].as_i64(), p["per_page"].as_i64()),
        (Some(3), Some(10))
    );
    assert_eq!(
        (p["total"].as_i64(), p["pages"].as_i64()),
        (Some(241), Some(25))
    );
    assert_eq!(p["max_per_page"], 500);
    let tasks = p["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 10);
    let twenty_first: String = sqlx::query_scalar(
        "SELECT code FROM tasks WHERE plan_id = $1 ORDER BY position OFFSET 20 LIMIT 1",
    )
    .bind(plan)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(tasks[0]["code"], twenty_first.as_str());
    assert!(tasks[0]["light"].is_string());

    let big = get("?per_page=100000").await;
    assert_eq!(big["per_page"], 500);
    assert_eq!(big["tasks"].as_array().unwrap().len(), 241);
    let bad = get("?page=abc&per_page=-3").await;
    assert_eq!(
        (bad["page"].as_i64(), bad["per_page"].as_i64()),
        (Some(1), Some(1))
    );
    let past = get("?page=9999&per_page=100").await;
    assert_eq!(past["page"], 3);
    assert_eq!(past["tasks"].as_array().unwrap().len(), 41);
}
