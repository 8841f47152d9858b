//! Pages, API and health over the same router the server runs, on a real database.

use crate::common;
use crate::common::probe;

use axum::http::StatusCode;
use common::{app, get};

use sqlx::PgPool;

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn plan_page_shows_the_plan_and_its_sections(pool: PgPool) {
    common::seed(&pool).await;
    let r = common::office(&pool).await.get("/plan").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").starts_with("text/html"));
    for expected in [
        "2022年全国打击侵犯知识产权和制售假冒伪劣商品工作要点",
        "打假发〔2022〕1号",
        "2022年4月25日",
        "2022年4月26日",
        "一、扎实开展重点难点治理",
        "七、全面落实各项保障措施",
        "href=\"/tasks?section=3\"",
        ">91<",
        "规则和标准",
    ] {
        assert!(r.body.contains(expected), "home lacks {expected}");
    }
    assert!(!r.body.contains("plan-select"), "one plan: no selector");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn home_without_plans_explains_what_to_do(pool: PgPool) {
    let r = common::office(&pool).await.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("尚未导入任何工作要点"));
}

/// The router and a leader's API token.
async fn api(pool: &PgPool) -> (axum::Router, String) {
    let id = common::create_user(pool, "reader", duban::rules::auth::Role::Leader, None).await;
    (app(pool.clone()), common::token_for(pool, id).await)
}

fn task_rows(body: &str) -> usize {
    body.matches("<td class=\"code\">").count()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn tasks_lists_every_task_with_its_units(pool: PgPool) {
    common::seed(&pool).await;
    let r = common::office(&pool).await.get("/tasks").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(task_rows(&r.body), 91);
    assert!(r.body.contains("全部任务共 <strong>91</strong> 项"));
    assert!(r.body.contains("(一)开展互联网领域治理"));
    assert!(r.body.contains("待明确责任单位"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn tasks_filters_by_section_unit_role_and_words(pool: PgPool) {
    common::seed(&pool).await;
    let app = common::office(&pool).await;
    let unit: i64 = probe::unit_id(&pool, "公安部").await;
    let cases = [
        ("/tasks?section=3".to_string(), 8),
        (format!("/tasks?unit={unit}"), 12),
        (format!("/tasks?unit={unit}&role=lead"), 3),
        (format!("/tasks?unit={unit}&role=co"), 9),
        (format!("/tasks?unit={unit}&role=any&section=1"), 6),
        ("/tasks?q=%E5%89%91%E7%BD%91".to_string(), 1), // 剑网
        (
            "/tasks?q=%E8%BD%AF%E4%BB%B6+%E6%AD%A3%E7%89%88".to_string(),
            3,
        ), // 软件 正版: 2.6.1-3
        ("/tasks?q=50%25".to_string(), 0),              // a literal %, not a wildcard
        ("/tasks?section=&unit=&role=&q=".to_string(), 91),
    ];
    for (uri, expected) in cases {
        let r = app.get(&uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert_eq!(task_rows(&r.body), expected, "{uri}");
    }
    // The form shows the filters back, so that the view can be refined and shared.
    let r = app.get(&format!("/tasks?unit={unit}&role=lead")).await;
    assert!(r.body.contains(&format!(
        "<option value=\"{unit}\" selected>公安部</option>"
    )));
    assert!(r.body.contains("<option value=\"lead\" selected>"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_empty_result_says_so(pool: PgPool) {
    common::seed(&pool).await;
    let r = common::office(&pool)
        .await
        .get("/tasks?q=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E8%AF%8D")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("没有符合条件的任务"));
    assert_eq!(task_rows(&r.body), 0);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn bad_filters_get_a_message_beside_the_field(pool: PgPool) {
    common::seed(&pool).await;
    let app = common::office(&pool).await;
    for (uri, field, message) in [
        ("/tasks?section=abc", "e-section", "没有“abc”这一部分"),
        ("/tasks?section=9", "e-section", "没有“9”这一部分"),
        ("/tasks?unit=999999", "e-unit", "请选择列表中的单位"),
        ("/tasks?role=boss", "e-role", "职责只能是"),
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(
            r.body.contains(&format!("id=\"{field}\">{message}")),
            "{uri}: {}",
            r.body
        );
        assert!(r.body.contains("aria-invalid=\"true\""), "{uri}");
    }
    let long = "字".repeat(101);
    let r = app.get(&format!("/tasks?q={}", urlencode(&long))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("关键词不能超过 100 个字"));
    // Invalid UTF-8 in the query string is a 400 page, not a crash.
    let r = app.get("/tasks?q=%FF%FE").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("查询参数无效"));
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn task_page_shows_the_whole_item(pool: PgPool) {
    common::seed(&pool).await;
    let r = common::office(&pool).await.get("/tasks/1.3.6").await;
    assert_eq!(r.status, StatusCode::OK);
    for expected in [
        "一、扎实开展重点难点治理",
        "(三)开展重点产品治理",
        "依法打击生产销售假冒伪劣铅蓄电池违法行为",
        ">市场监管总局</a>",
        ">生态环境部</a>",
        "尚有未具名的责任单位",
        "市场监管总局牵头,生态环境部等领导小组有关成员单位按职责分工负责",
        "href=\"/tasks/1.3.5\"",
        "href=\"/tasks/1.3.7\"",
    ] {
        assert!(r.body.contains(expected), "task page lacks {expected}");
    }
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn task_page_shows_errata(pool: PgPool) {
    common::seed(&pool).await;
    let r = common::office(&pool).await.get("/tasks/6.2.1").await;
    assert!(r.body.contains("规则和标准"));
    assert!(r.body.contains("原文“规则 and 标准”应为“规则和标准”"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn unknown_tasks_and_pages_are_404_pages(pool: PgPool) {
    common::seed(&pool).await;
    let app = common::office(&pool).await;
    for uri in [
        "/tasks/9.9.9",
        "/tasks/abc",
        "/tasks/1.1",
        "/units/999999",
        "/units/abc",
        "/nowhere",
        "/?plan=424242",
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(r.header("content-type").starts_with("text/html"), "{uri}");
        assert!(r.body.contains("<h1>页面不存在</h1>"), "{uri}");
    }
    let r = app.get("/?plan=x").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn units_list_and_unit_page(pool: PgPool) {
    common::seed(&pool).await;
    let app = common::office(&pool).await;
    let r = app.get("/units").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.matches("<th scope=\"row\">").count(), 27);
    assert!(r.body.contains("国家知识产权局"));
    let unit: i64 = probe::unit_id(&pool, "药监局").await;
    let r = app.get(&format!("/units/{unit}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("国家药品监督管理局"));
    // 药监局 leads 1.1.3, 1.3.2, 2.1.3 and is co-responsible in 1.1.4, 1.3.1, 1.3.4, 5.1.2, 5.2.1, 7.2.1.
    assert!(r.body.contains("牵头的任务（3）"));
    assert!(r.body.contains("配合的任务（6）"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn api_lists_plans(pool: PgPool) {
    let id = common::seed(&pool).await[0];
    let (app, token) = api(&pool).await;
    let r = common::get_with_token(&app, "/api/v1/plans", &token).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").starts_with("application/json"));
    assert_eq!(
        r.json(),
        serde_json::json!([{
            "id": id,
            "year": 2022,
            "doc_number": "打假发〔2022〕1号",
            "title": "2022年全国打击侵犯知识产权和制售假冒伪劣商品工作要点",
            "issued_on": "2022-04-25",
            "task_count": 91
        }])
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn api_lists_tasks_in_plan_order(pool: PgPool) {
    let id = common::seed(&pool).await[0];
    let (app, token) = api(&pool).await;
    let r = common::get_with_token(&app, &format!("/api/v1/plans/{id}/tasks"), &token).await;
    assert_eq!(r.status, StatusCode::OK);
    let tasks = r.json();
    assert_eq!(
        (
            &tasks["page"],
            &tasks["per_page"],
            &tasks["total"],
            &tasks["pages"]
        ),
        (&1.into(), &100.into(), &91.into(), &1.into())
    );
    let tasks = tasks["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 91);
    assert_eq!(tasks[0]["code"], "1.1.1");
    assert_eq!(tasks[90]["code"], "7.3.1");
    assert_eq!(
        tasks[3],
        serde_json::json!({
            "code": "1.1.4",
            "section": {"number": 1, "title": "扎实开展重点难点治理"},
            "subsection": {"number": 1, "title": "开展互联网领域治理"},
            "number": 4,
            "text": "集中清理网上涉侵权假冒违法违规信息,对传播涉侵权假冒信息的网站平台、账号依法依规处置处罚。指导网站平台及时公开相关违法违规信息内容处置情况,压实平台主体责任。",
            "leads": ["中央网信办"],
            "co": ["中央宣传部", "市场监管总局", "药监局", "知识产权局"],
            "unnamed_members": false,
            "version": 1,
            "deadline": {"kind": "ongoing"},
            "cycle": "quarterly",
            "designation_complete": true,
            "light": "red",
            "status": "not_started",
            "deadline_original": {"kind": "ongoing"},
            "extensions": [],
            "previous": null
        })
    );
    // The API's table is the reviewed golden table.
    let mut table = String::new();
    for t in tasks {
        let names = |k: &str| {
            t[k].as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect::<Vec<_>>()
                .join("、")
        };
        table.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            t["code"].as_str().unwrap(),
            names("leads"),
            names("co"),
            if t["unnamed_members"].as_bool().unwrap() {
                "等"
            } else {
                ""
            },
            t["text"]
                .as_str()
                .unwrap()
                .replace("规则和标准", "规则 and 标准"),
        ));
    }
    assert_eq!(table, include_str!("../fixtures/2022-tasks.tsv"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn api_errors_are_json(pool: PgPool) {
    common::seed(&pool).await;
    let (app, token) = api(&pool).await;
    for uri in [
        "/api/v1/plans/424242/tasks",
        "/api/v1/plans/abc/tasks",
        "/api/v1/nothing",
    ] {
        let r = common::get_with_token(&app, uri, &token).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(r.json()["error"]["code"], "not_found", "{uri}");
        assert!(r.json()["error"]["message"].as_str().unwrap().len() > 3);
    }
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn healthz_is_200_when_the_database_answers(pool: PgPool) {
    let r = common::office(&pool).await.get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn healthz_and_pages_are_503_when_the_database_is_away() {
    // A pool towards a port where nothing listens.
    let pool = duban::db::pool_options()
        .acquire_timeout(std::time::Duration::from_millis(300))
        .connect_lazy("postgres://nobody@127.0.0.1:9/none")
        .unwrap();
    let app = app(pool);
    assert_eq!(
        get(&app, "/healthz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // A browser with a session cookie: its session cannot be read.
    let browser = common::Client::new(&app);
    browser.set_cookie(Some("duban_session=AAAAAAAAAAAAAAAAAAAAAA".into()));
    let r = browser.get("/tasks").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.body.contains("数据库暂时不可用"));
    assert!(!r.body.contains("127.0.0.1"), "internal detail leaked");
    let r = common::get_with_token(&app, "/api/v1/plans", "dbn_0000").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json()["error"]["code"], "unavailable");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn several_plans_get_a_selector_and_the_newest_is_shown(pool: PgPool) {
    common::seed(&pool).await;
    let older = include_str!("../../seeds/2022-work-points.md")
        .replace("2022年", "2021年")
        .replace("〔2022〕", "〔2021〕");
    let duban::workflows::importer::Outcome::Imported {
        plan_id: old_id, ..
    } = common::import_text(&pool, "2021.md", &older).await.unwrap()
    else {
        panic!("imported");
    };
    let app = common::office(&pool).await;
    let r = app.get("/plan").await;
    assert!(r.body.contains("plan-select"));
    assert!(r.body.contains("<h1>2022年全国"));
    let r = app.get(&format!("/plan?plan={old_id}")).await;
    assert!(r.body.contains("<h1>2021年全国"));
    // Links keep the chosen plan.
    assert!(r.body.contains(&format!("href=\"/tasks?plan={old_id}\"")));
    let r = app.get(&format!("/tasks/1.1.1?plan={old_id}")).await;
    assert!(
        r.body
            .contains(">2021年全国打击侵犯知识产权和制售假冒伪劣商品工作要点</a>")
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn responses_carry_security_headers_and_assets_are_served(pool: PgPool) {
    let app = common::office(&pool).await;
    let r = app.get("/").await;
    let csp = r.header("content-security-policy");
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert_eq!(r.header("referrer-policy"), "same-origin");
    let css = app.get("/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").starts_with("text/css"));
    // Every asset comes from duban itself: no page names another host.
    assert!(!r.body.contains("http://") && !r.body.contains("https://"));
    assert!(!css.body.contains("url(http"));
}

/// Text from the database is escaped, never interpreted as markup.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn document_text_is_escaped(pool: PgPool) {
    let doc = "2022年测试工作要点\n\n一、甲\n\n(一)乙\n\n1. <script>alert(1)</script>整治。(公安部负责)\n";
    common::import_text(&pool, "x.md", doc).await.unwrap();
    let r = common::office(&pool).await.get("/tasks/1.1.1").await;
    assert!(!r.body.contains("<script>alert"));
    assert!(r.body.contains("&#60;script&#62;alert(1)"), "{}", r.body);
}

/// Beyond the concurrency limit, requests are refused at once with 503, not queued.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn overload_is_refused_at_once(pool: PgPool) {
    let app = duban::web::create_app(duban::web::AppState::with_config(
        pool,
        duban::web::WebConfig {
            max_concurrency: 0,
            ..duban::web::WebConfig::default()
        },
    ));
    let started = std::time::Instant::now();
    let r = get(&app, "/healthz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.header("retry-after"), "1");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

/// axum's own refusals come out in Chinese like every other error, as a page or as JSON.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn malformed_requests_get_a_chinese_answer(pool: PgPool) {
    common::seed(&pool).await;
    let (app, token) = api(&pool).await;
    let office = common::office(&pool).await;
    let r = office.get("/tasks/%FF%FE").await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(
        r.header("content-type").starts_with("text/html") && r.body.contains("请求有误"),
        "{}",
        r.body
    );
    let r = common::get_with_token(&app, "/api/v1/plans/%FF/tasks", &token).await;
    assert!(r.status.is_client_error());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("请求有误")
    );
    let big = "x".repeat(2 * 1024 * 1024);
    let r = office.post("/login", &[("login", big.as_str())]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("提交的内容过大"));
    let r = common::send(
        &app,
        axum::http::Request::patch("/api/v1/plans")
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("不支持")
    );
}
