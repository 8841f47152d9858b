//! Office tools: designating units, deadlines of every kind, reporting cycles, bulk
//! assignment, history and stale edits, through the pages and the API, on a real database.

use crate::common;
use crate::common::probe;
use probe::{task_version as version, unit_id};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Client, create_user};
use duban::rules::auth::Role;
use sqlx::PgPool;

/// `(unit, role, designated)` of a task, leads first.
async fn units_of(pool: &PgPool, code: &str) -> Vec<(String, String, bool)> {
    sqlx::query_as(
        "SELECT u.short_name, tu.role::text, tu.designated FROM task_units tu
         JOIN units u ON u.id = tu.unit_id JOIN tasks t ON t.id = tu.task_id
         WHERE t.code = $1 ORDER BY tu.role, tu.position",
    )
    .bind(code)
    .fetch_all(pool)
    .await
    .unwrap()
}

fn task_codes(body: &str) -> Vec<String> {
    body.split("<td class=\"code\"><a href=\"/tasks/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_office_designates_units_and_a_liaison_sees_the_task_at_once(pool: PgPool) {
    common::seed(&pool).await;
    let office = common::office(&pool).await;
    create_user(&pool, "gxb", Role::Liaison, Some("工业和信息化部")).await;
    let liaison = Client::signed_in(&office.app, "gxb").await;
    assert!(!task_codes(&liaison.get("/tasks").await.body).contains(&"1.3.5".to_string()));

    let page = office.get("/tasks/1.3.5").await;
    assert!(page.body.contains("待明确责任单位"));
    let lead = unit_id(&pool, "市场监管总局").await.to_string();
    let gxb = unit_id(&pool, "工业和信息化部").await.to_string();
    let v = version(&pool, "1.3.5").await.to_string();
    let r = office
        .post(
            "/tasks/1.3.5/units",
            &[
                ("version", &v),
                (&format!("role_{lead}"), "lead"),
                ("add_unit", &gxb),
                ("add_role", "co"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/tasks/1.3.5?saved=1");
    assert_eq!(
        units_of(&pool, "1.3.5").await,
        [
            ("市场监管总局".into(), "lead".into(), false),
            ("工业和信息化部".into(), "co".into(), true)
        ]
    );
    // Still awaiting designation until the office says it is complete.
    assert!(
        office
            .get("/tasks/1.3.5")
            .await
            .body
            .contains("badge pending")
    );
    assert!(task_codes(&liaison.get("/tasks").await.body).contains(&"1.3.5".to_string()));

    let v = version(&pool, "1.3.5").await.to_string();
    let r = office
        .post(
            "/tasks/1.3.5/units",
            &[
                ("version", &v),
                (&format!("role_{lead}"), "lead"),
                (&format!("role_{gxb}"), "co"),
                ("designation_field", "1"),
                ("designation_complete", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = office.get(r.location()).await;
    assert!(!page.body.contains("badge pending"));
    assert!(page.body.contains("已保存"));
    // The history says who did what.
    assert!(
        page.body
            .contains("office 姓名</strong> 标记为已明确全部责任单位"),
        "{}",
        page.body
    );
    assert!(page.body.contains(
        "责任单位由“牵头：市场监管总局；配合：无”改为“牵头：市场监管总局；配合：工业和信息化部”"
    ));
    assert_eq!(version(&pool, "1.3.5").await, 3);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_stale_form_is_refused_with_the_current_values(pool: PgPool) {
    common::seed(&pool).await;
    let office = common::office(&pool).await;
    create_user(&pool, "office2", Role::Office, None).await;
    let other = Client::signed_in(&office.app, "office2").await;
    let loaded = version(&pool, "2.1.1").await.to_string();
    // Someone else saves first.
    let r = other
        .post(
            "/tasks/2.1.1/schedule",
            &[
                ("version", &loaded),
                ("deadline_kind", "year_end"),
                ("cycle", "monthly"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The first form, loaded before, is refused and shows what is stored now.
    let r = office
        .post(
            "/tasks/2.1.1/schedule",
            &[
                ("version", &loaded),
                ("deadline_kind", "ongoing"),
                ("cycle", "none"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("该任务已被他人修改"), "{}", r.body);
    assert!(r.body.contains("每月报送") && r.body.contains("2022年底前"));
    assert!(r.body.contains(&format!(
        "name=\"version\" value=\"{}\"",
        version(&pool, "2.1.1").await
    )));
    let (kind, cycle): (String, String) =
        sqlx::query_as("SELECT deadline_kind::text, cycle::text FROM tasks WHERE code = '2.1.1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (kind.as_str(), cycle.as_str()),
        ("year_end", "monthly"),
        "nothing overwritten"
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn deadlines_of_every_kind_and_cycles(pool: PgPool) {
    common::seed(&pool).await;
    let office = common::office(&pool).await;
    let save = |fields: Vec<(&'static str, String)>| {
        let office = &office;
        let pool = &pool;
        async move {
            let v = version(pool, "1.1.1").await.to_string();
            let mut all: Vec<(&str, &str)> = vec![("version", &v)];
            all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            office.post("/tasks/1.1.1/schedule", &all).await
        }
    };
    let r = save(vec![
        ("deadline_kind", "date".into()),
        ("deadline_date", "2022-10-31".into()),
        ("cycle", "monthly".into()),
    ])
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = office.get("/tasks/1.1.1").await.body;
    assert!(page.contains("2022年10月31日前") && page.contains("每月报送"));
    // A cycle applies from the day it is set (here the real date, after 2022): the plan's
    // periods already over stay quarterly, none becomes an overdue month; the deadline still
    // ends them.
    assert!(
        page.contains("2022年第二季度（7月10日前报送）")
            && page.contains("2022年第四季度（1月10日前报送）")
    );
    assert!(
        !page.contains("2022年4月(") && !page.contains("2022年10月("),
        "no retroactive monthly report"
    );

    let r = save(vec![
        ("deadline_kind", "staged".into()),
        (
            "checkpoints",
            "2022-11-30 全面总结\n2022-06-30 完成部署".into(),
        ),
        ("cycle", "default".into()),
    ])
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let checkpoints: Vec<(chrono::NaiveDate, String)> =
        sqlx::query_as("SELECT due_on, title FROM task_checkpoints ORDER BY due_on")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(checkpoints.len(), 2);
    assert_eq!(checkpoints[0].1, "完成部署");
    assert!(
        office
            .get("/tasks/1.1.1")
            .await
            .body
            .contains("分阶段（2 个节点）")
    );

    for (fields, message) in [
        (
            vec![
                ("deadline_kind", "date".into()),
                ("deadline_date", "".into()),
            ],
            "请填写完成日期",
        ),
        (
            vec![
                ("deadline_kind", "date".into()),
                ("deadline_date", "2035-01-01".into()),
            ],
            "日期应在 2021 年至 2027 年之间",
        ),
        (
            vec![
                ("deadline_kind", "staged".into()),
                ("checkpoints", "明年 总结".into()),
            ],
            "第 1 行：应以日期开头",
        ),
        (
            vec![
                ("deadline_kind", "staged".into()),
                ("checkpoints", "".into()),
            ],
            "分阶段推进至少需要一个节点",
        ),
        (vec![("deadline_kind", "someday".into())], "请选择时限类型"),
    ] {
        let r = save(fields.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(r.body.contains(message), "{fields:?}: {message}");
    }
    // Back to the plan's defaults.
    let r = save(vec![
        ("deadline_kind", "default".into()),
        ("cycle", "none".into()),
    ])
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = office.get("/tasks/1.1.1").await.body;
    assert!(page.contains("持续推进（随工作要点默认）") && page.contains("不定期报送"));
    let history: i64 = probe::count(&pool, "task_history").await;
    assert_eq!(history, 6, "three saves, each changing deadline and cycle");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn plan_settings_set_the_defaults(pool: PgPool) {
    let plan = common::seed(&pool).await[0];
    let office = common::office(&pool).await;
    let r = office
        .post(
            &format!("/plans/{plan}/settings"),
            &[
                ("version", "1"),
                ("deadline_kind", "year_end"),
                ("cycle", "half_yearly"),
                ("due_days", "15"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let home = office.get("/plan").await.body;
    assert!(home.contains("2022年底前") && home.contains("每半年报送，周期结束后 15 天内"));
    let task = office.get("/tasks/3.1.1").await.body;
    // The new cycle applies from the day it is set (the real date, after 2022): 2022's periods
    // stay quarterly, due on the new day; none turns into a half year already over.
    assert!(task.contains("2022年第二季度（7月15日前报送）"), "{task}");
    assert!(!task.contains("2022年上半年("));
    // The form from before is stale now.
    let r = office
        .post(
            &format!("/plans/{plan}/settings"),
            &[
                ("version", "1"),
                ("deadline_kind", "ongoing"),
                ("cycle", "monthly"),
                ("due_days", "5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = office
        .post(
            &format!("/plans/{plan}/settings"),
            &[
                ("version", "2"),
                ("deadline_kind", "ongoing"),
                ("cycle", "monthly"),
                ("due_days", "120"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("id=\"e-due_days\">报送期限应为周期结束后 0 至 90 天")
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn bulk_assignment_adds_a_unit_to_every_listed_task(pool: PgPool) {
    common::seed(&pool).await;
    let office = common::office(&pool).await;
    let list = office.get("/tasks?section=3").await;
    let codes = task_codes(&list.body);
    assert_eq!(codes.len(), 8);
    let gab = unit_id(&pool, "公安部").await.to_string();
    let mut fields: Vec<(&str, &str)> = vec![("back", "section=3"), ("unit", &gab), ("role", "co")];
    fields.extend(codes.iter().map(|c| ("task", c.as_str())));
    let preview = office.post("/tasks/bulk-units", &fields).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    // Confirmed: the six tasks the preview listed, at the versions it showed.
    let mut confirm: Vec<(String, String)> = vec![
        ("back".into(), "section=3".into()),
        ("unit".into(), gab.clone()),
        ("role".into(), "co".into()),
        ("op".into(), "add".into()),
    ];
    for code in &codes {
        if preview
            .body
            .contains(&format!("<td class=\"code\">{code}</td>"))
        {
            confirm.push(("task".into(), code.clone()));
            confirm.push((
                "version".into(),
                common::probe::task_version(&pool, code).await.to_string(),
            ));
        }
    }
    let confirm: Vec<(&str, &str)> = confirm
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = office.post("/tasks/bulk-units/confirm", &confirm).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().starts_with("/tasks?section=3&bulk="));
    let page = office.get(r.location()).await;
    assert!(
        page.body
            .contains("已为 6 项任务增加单位“公安部”（配合）。")
    );
    let in_section: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM task_units tu JOIN tasks t ON t.id = tu.task_id JOIN units u ON u.id = tu.unit_id
         WHERE u.short_name = '公安部' AND t.code LIKE '3.%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(in_section, 8);
    assert_eq!(
        units_of(&pool, "3.2.1").await[1],
        ("公安部".into(), "co".into(), true)
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_bulk_assignment_with_a_bad_task_changes_nothing(pool: PgPool) {
    common::seed(&pool).await;
    let office = common::office(&pool).await;
    let gab = unit_id(&pool, "公安部").await.to_string();
    let r = office
        .post(
            "/tasks/bulk-units",
            &[
                ("back", ""),
                ("unit", &gab),
                ("task", "3.2.1"),
                ("task", "9.9.9"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("id=\"e-bulk\">所选任务中有不属于本工作要点的编号")
    );
    assert_eq!(units_of(&pool, "3.2.1").await.len(), 1);
    let r = office
        .post("/tasks/bulk-units", &[("back", ""), ("task", "3.2.1")])
        .await;
    assert!(r.body.contains("id=\"e-bulk\">请选择要增加的单位"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_office_adds_a_missing_unit(pool: PgPool) {
    common::seed(&pool).await;
    let office = common::office(&pool).await;
    let r = office
        .post(
            "/units",
            &[("short_name", "体育总局"), ("full_name", "国家体育总局")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(office.get(r.location()).await.body.contains("国家体育总局"));
    let r = office
        .post(
            "/units",
            &[("short_name", "公安部"), ("full_name", "公安部")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("id=\"e-short_name\">单位“公安部”已在名录中")
    );
    let r = office
        .post("/units", &[("short_name", "甲、乙"), ("full_name", "x")])
        .await;
    assert!(r.body.contains("简称中不能有顿号"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_liaison_sees_exactly_the_tasks_of_their_unit(pool: PgPool) {
    common::seed(&pool).await;
    create_user(&pool, "yjj", Role::Liaison, Some("药监局")).await;
    let c = Client::signed_in(&common::app(pool.clone()), "yjj").await;
    let other = unit_id(&pool, "公安部").await;
    for (uri, expected) in [
        (
            "/tasks".to_string(),
            vec![
                "1.1.3", "1.1.4", "1.3.1", "1.3.2", "1.3.4", "2.1.3", "5.1.2", "5.2.1", "7.2.1",
            ],
        ),
        (
            "/tasks?role=lead".to_string(),
            vec!["1.1.3", "1.3.2", "2.1.3"],
        ),
        (
            format!("/tasks?unit={other}"),
            vec![
                "1.1.3", "1.1.4", "1.3.1", "1.3.2", "1.3.4", "2.1.3", "5.1.2", "5.2.1", "7.2.1",
            ],
        ),
    ] {
        let r = c.get(&uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert_eq!(task_codes(&r.body), expected, "{uri}");
        assert!(r.body.contains("仅显示本单位（药监局）"));
        assert!(
            !r.body.contains("id=\"bulk\""),
            "no office tools for a liaison"
        );
    }
    let r = c.get("/tasks/1.1.3").await;
    assert!(!r.body.contains("units-form") && !r.body.contains("schedule-form"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn reporting_shows_which_unit_owes_what(pool: PgPool) {
    common::seed(&pool).await;
    let office = common::office(&pool).await;
    let r = office.get("/reporting?period=2022-Q3").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("2022年第三季度") && r.body.contains("2022-10-10"));
    // Every task reports quarterly by default: 91 tasks' named units, 27 units.
    let pairs: i64 = probe::count(&pool, "task_units").await;
    assert!(
        r.body.contains(&format!("共 {pairs} 份进展情况")),
        "{}",
        r.body
    );
    assert!(r.body.contains("27 个单位"));
    let r = office.get("/reporting?period=2022-Q1").await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "the plan was issued in April"
    );
    assert!(r.body.contains("没有“2022-Q1”这一报送期次"));
}

async fn patch(app: &axum::Router, token: &str, uri: &str, body: &str) -> common::Response {
    common::send(
        app,
        Request::patch(uri)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_api_reads_and_patches_assignments(pool: PgPool) {
    let plan = common::seed(&pool).await[0];
    let office_id = create_user(&pool, "robot", Role::Office, None).await;
    let token = common::token_for(&pool, office_id).await;
    let app = common::app(pool.clone());
    let uri = format!("/api/v1/plans/{plan}/tasks/1.3.6");

    let list = common::get_with_token(&app, &format!("/api/v1/plans/{plan}/tasks"), &token)
        .await
        .json();
    let t = list["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "1.3.6")
        .unwrap()
        .clone();
    assert_eq!(t["version"], 1);
    assert_eq!(t["deadline"], serde_json::json!({"kind": "ongoing"}));
    assert_eq!(t["cycle"], "quarterly");
    assert_eq!(t["designation_complete"], false);
    let done = list["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "1.1.1")
        .unwrap();
    assert_eq!(done["designation_complete"], true);

    let r = patch(
        &app,
        &token,
        &uri,
        r#"{"version": 1, "co": ["生态环境部", "工业和信息化部"], "designation_complete": true,
            "deadline": {"kind": "staged", "checkpoints": [{"date": "2022-09-30", "title": "完成检查"}]},
            "cycle": "monthly"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let t = r.json();
    assert_eq!(t["version"], 2);
    assert_eq!(t["leads"], serde_json::json!(["市场监管总局"]));
    assert_eq!(t["co"], serde_json::json!(["生态环境部", "工业和信息化部"]));
    assert_eq!(t["designation_complete"], true);
    assert_eq!(t["cycle"], "monthly");
    assert_eq!(
        t["deadline"],
        serde_json::json!({"kind": "staged", "checkpoints": [{"date": "2022-09-30", "title": "完成检查"}]})
    );
    let kinds: Vec<String> = sqlx::query_scalar("SELECT kind FROM task_history ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(kinds, ["units", "deadline", "cycle", "designation"]);
    let who: String = sqlx::query_scalar("SELECT DISTINCT actor_login FROM task_history")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(who, "robot");

    // Stale: the version read before.
    let r = patch(&app, &token, &uri, r#"{"version": 1, "cycle": "none"}"#).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["current_version"], 2);

    for (body, field) in [
        (r#"{"cycle": "none"}"#, "version"),
        (r#"{"version": 2, "cycle": "weekly"}"#, "cycle"),
        (
            r#"{"version": 2, "deadline": {"kind": "date", "date": "31/10/2022"}}"#,
            "deadline.date",
        ),
        (
            r#"{"version": 2, "deadline": {"kind": "date", "date": "2040-01-01"}}"#,
            "deadline.date",
        ),
        (
            r#"{"version": 2, "deadline": {"kind": "soon"}}"#,
            "deadline.kind",
        ),
        (
            r#"{"version": 2, "deadline": {"kind": "staged", "checkpoints": [{"date": "2022-09-30"}]}}"#,
            "deadline.checkpoints[0].title",
        ),
        (r#"{"version": 2, "leads": ["不存在的部"]}"#, "leads[0]"),
        (
            r#"{"version": 2, "leads": ["公安部"], "co": ["公安部"]}"#,
            "units",
        ),
        (
            r#"{"version": 2, "designation_complete": "yes"}"#,
            "designation_complete",
        ),
        (r#"{"version": 2, "colour": "red"}"#, "colour"),
    ] {
        let r = patch(&app, &token, &uri, body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.body
        );
        assert_eq!(r.json()["error"]["field"], field, "{body}");
    }
    let r = patch(&app, &token, &uri, "{not json").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        version(&pool, "1.3.6").await,
        2,
        "no refused request changed anything"
    );

    // Other roles may read but not patch.
    let leader = create_user(&pool, "boss", Role::Leader, None).await;
    let leader_token = common::token_for(&pool, leader).await;
    let r = patch(
        &app,
        &leader_token,
        &uri,
        r#"{"version": 2, "cycle": "none"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "forbidden");
    let r = patch(
        &app,
        &token,
        &format!("/api/v1/plans/{plan}/tasks/9.9.9"),
        r#"{"version": 1}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// Done when: every unnamed-member task of the 2022 plan designated through the API.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_whole_2022_plan_can_be_designated(pool: PgPool) {
    let plan = common::seed(&pool).await[0];
    let office_id = create_user(&pool, "robot", Role::Office, None).await;
    let token = common::token_for(&pool, office_id).await;
    let app = common::app(pool.clone());
    let list = common::get_with_token(&app, &format!("/api/v1/plans/{plan}/tasks"), &token)
        .await
        .json();
    let pending: Vec<_> = list["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["designation_complete"] == false)
        .cloned()
        .collect();
    // The golden table's tasks marked 等 (unnamed member units).
    assert_eq!(pending.len(), 32);
    for t in &pending {
        let mut co: Vec<serde_json::Value> = t["co"].as_array().unwrap().clone();
        if !t["leads"].as_array().unwrap().contains(&"公安部".into())
            && !co.contains(&"公安部".into())
        {
            co.push("公安部".into());
        }
        let body =
            serde_json::json!({ "version": t["version"], "co": co, "designation_complete": true });
        let r = patch(
            &app,
            &token,
            &format!("/api/v1/plans/{plan}/tasks/{}", t["code"].as_str().unwrap()),
            &body.to_string(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", t["code"], r.body);
    }
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks WHERE NOT designation_complete")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    let office = common::office(&pool).await;
    assert!(office.get("/plan").await.body.contains("pending=1\">0 项"));
}
