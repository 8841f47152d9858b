//! 领导批示 end to end: a leader writes on a task (a bad form kept as typed beside its fields),
//! the office relays it to the task's units, each answers from `/my`, the office sends one
//! answer back and the unit answers again, the office closes it; each unit reads only what is
//! its own, the leader sees it counted on `/summary`; the API writes (leaders only) and lists
//! the caller's view.

use crate::common::{self, Setup, World};
use axum::http::StatusCode;
use chrono::NaiveDate;
use sqlx::PgPool;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 9, 20).unwrap()
}

/// A task 公安部 (unit A) leads, with 海关总署 (unit B) added as a co-unit where it is not one.
async fn shared_task(w: &World) -> String {
    let (id, code): (i64, String) = sqlx::query_as(
        "SELECT t.id, t.code FROM tasks t
           JOIN task_units a ON a.task_id = t.id AND a.unit_id = $2 AND a.role = 'lead'
          WHERE t.plan_id = $1 ORDER BY t.id LIMIT 1",
    )
    .bind(w.plan_id)
    .bind(w.unit_a)
    .fetch_one(&w.pool)
    .await
    .expect("a task led by unit A");
    sqlx::query(
        "INSERT INTO task_units (task_id, unit_id, role, position)
         SELECT $1, $2, 'co', COALESCE(max(position), 0) + 1 FROM task_units
          WHERE task_id = $1 AND role = 'co'
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(w.unit_b)
    .execute(&w.pool)
    .await
    .unwrap();
    code
}

async fn last(w: &World) -> i64 {
    sqlx::query_scalar("SELECT max(id) FROM instructions")
        .fetch_one(&w.pool)
        .await
        .unwrap()
}

async fn unit_version(w: &World, id: i64, unit: i64) -> String {
    let v: i32 = sqlx::query_scalar(
        "SELECT version FROM instruction_units WHERE instruction_id = $1 AND unit_id = $2",
    )
    .bind(id)
    .bind(unit)
    .fetch_one(&w.pool)
    .await
    .unwrap();
    v.to_string()
}

async fn state(w: &World, id: i64) -> (String, i32) {
    sqlx::query_as("SELECT state, version FROM instructions WHERE id = $1")
        .bind(id)
        .fetch_one(&w.pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_round_from_the_leader_to_the_units_and_back(pool: PgPool) {
    let w = World::build(pool, Setup::on(day())).await;
    let code = shared_task(&w).await;
    let page = format!("/tasks/{code}/instructions");
    // Only a leader has the form.
    assert!(w.leader.get(&page).await.body.contains("提交批示"));
    assert!(!w.office.get(&page).await.body.contains("提交批示"));
    // A blank text and a date already past: beside their fields, as typed.
    let r = w
        .leader
        .post(&page, &[("text", "  "), ("answer_by", "2022-09-01")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("id=\"e-text\">请填写批示内容"),
        "{}",
        r.body
    );
    assert!(r.body.contains("答复期限不能早于今天（2022年9月20日）"));
    assert!(r.body.contains("value=\"2022-09-01\""));
    let said = "请抓紧推进，9月底前报告进展和存在的困难。";
    let r = w
        .leader
        .post(&page, &[("text", said), ("answer_by", "2022-09-30")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = last(&w).await;
    assert_eq!(r.location(), format!("/instructions/{id}?done=written"));
    let one = format!("/instructions/{id}");
    // The office and leaders see it; no unit yet, until it is relayed.
    assert_eq!(w.liaison_a.get(&one).await.status, StatusCode::FORBIDDEN);
    let shown = w.office.get(&one).await;
    assert!(shown.body.contains(said) && shown.body.contains("待转办"));
    // The relay form checks the task's units by default.
    let checked =
        |body: &str, unit: i64| body.contains(&format!("name=\"unit\" value=\"{unit}\" checked"));
    assert!(checked(&shown.body, w.unit_a) && checked(&shown.body, w.unit_b));
    // Relaying from a stale page is refused, the note kept.
    let (a, b) = (w.unit_a.to_string(), w.unit_b.to_string());
    let r = w
        .office
        .post(
            &format!("{one}/relay"),
            &[("version", "9"), ("unit", &a), ("note", "请两单位分别答复")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("请两单位分别答复"));
    let r = w
        .office
        .post(
            &format!("{one}/relay"),
            &[
                ("version", "1"),
                ("unit", &a),
                ("unit", &b),
                ("note", "请两单位分别答复"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(state(&w, id).await.0, "relayed");

    // Unit A sees it as a to-do, answers; it cannot answer for unit B.
    let my = w.liaison_a.get("/my").await;
    assert!(my.body.contains("待答复的领导批示") && my.body.contains("请抓紧推进"));
    let answer = format!("{one}/answer");
    let r = w
        .liaison_a
        .post(&answer, &[("unit", &b), ("version", "1"), ("text", "代答")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .liaison_a
        .post(&answer, &[("unit", &a), ("version", "1"), ("text", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"e-answer\">请填写答复内容"));
    let first = "已部署专项行动，立案侦办案件12起。";
    let r = w
        .liaison_a
        .post(&answer, &[("unit", &a), ("version", "1"), ("text", first)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Unit B, a co-unit, reads that A answered but not what.
    let seen_by_b = w.liaison_b.get(&one).await;
    assert!(seen_by_b.status == StatusCode::OK && !seen_by_b.body.contains(first));
    assert!(w.office.get(&one).await.body.contains(first));
    assert!(w.leader.get(&one).await.body.contains(first));

    // The office sends A's answer back; A answers again.
    let v = unit_version(&w, id, w.unit_a).await;
    let r = w
        .office
        .post(
            &format!("{one}/send-back"),
            &[("unit", &a), ("version", &v), ("text", "请补充下一步措施")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        w.liaison_a
            .get("/my")
            .await
            .body
            .contains("待答复的领导批示")
    );
    let v = unit_version(&w, id, w.unit_a).await;
    let second = "已部署专项行动，立案侦办案件12起；下一步将于10月开展集中收网。";
    let r = w
        .liaison_a
        .post(&answer, &[("unit", &a), ("version", &v), ("text", second)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = w
        .liaison_b
        .post(
            &answer,
            &[("unit", &b), ("version", "1"), ("text", "已加强口岸查验。")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(state(&w, id).await.0, "answered");

    // Only the office closes it; a stale page keeps the note typed.
    let close = format!("{one}/close");
    let r = w
        .liaison_a
        .post(&close, &[("version", "2"), ("note", "自行办结")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .leader
        .post(&close, &[("version", "2"), ("note", "自行办结")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .office
        .post(&close, &[("version", "1"), ("note", "答复充分，予以办结")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("答复充分，予以办结"));
    let version = state(&w, id).await.1.to_string();
    let r = w
        .office
        .post(
            &close,
            &[("version", &version), ("note", "答复充分，予以办结")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(state(&w, id).await.0, "closed");
    assert!(
        !w.liaison_a
            .get("/my")
            .await
            .body
            .contains("待答复的领导批示")
    );

    // The history keeps every step; the leader sees it counted.
    let page = w.leader.get(&one).await;
    for step in [
        "作出批示",
        "转办（公安部）",
        "答复（公安部）",
        "退回补充（公安部）：请补充下一步措施",
        "办结：答复充分",
    ] {
        assert!(page.body.contains(step), "{step}");
    }
    let summary = w.leader.get("/summary").await;
    assert!(
        summary
            .body
            .contains("2022年9月批示 1 件，已办结 1 件；其中您的批示 1 件，已办结 1 件"),
        "{}",
        summary.body
    );
    assert!(w.leader.get("/instructions").await.body.contains("已办结"));
    let task = w.office.get(&format!("/tasks/{code}")).await;
    assert!(task.body.contains("领导批示") && task.body.contains(">1 件</a>"));
    // The 台账 lists it, each answer to those who may read it.
    let sheet = |c: &'static str| {
        let client = match c {
            "office" => &w.office,
            _ => &w.liaison_b,
        };
        async move {
            let (_, _, book) = crate::exports::bytes(client, "/tasks.xlsx").await;
            crate::task_ledger::rows(&book, "领导批示")
        }
    };
    let office_rows = sheet("office").await;
    let row = office_rows.iter().find(|r| r[0] == code).expect("its row");
    assert_eq!((row[1].as_str(), row[6].as_str()), (said, "已办结"));
    assert!(row[7].contains(&format!("公安部：{second}")), "{row:?}");
    assert_eq!(row[8], "2022年9月20日");
    let b_rows = sheet("b").await;
    let row = b_rows
        .iter()
        .find(|r| r[0] == code)
        .expect("its row for unit B");
    assert!(row[7].contains("公安部：已答复") && row[7].contains("海关总署：已加强口岸查验。"));
    assert!(!row[7].contains(second));
    let audits: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT action FROM audit_log WHERE action LIKE 'instruction_%' ORDER BY 1",
    )
    .fetch_all(&w.pool)
    .await
    .unwrap();
    assert_eq!(
        audits,
        [
            "instruction_answered",
            "instruction_closed",
            "instruction_relayed",
            "instruction_sent_back",
            "instruction_written"
        ]
    );
    let notices: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, count(*) FROM notice_events WHERE kind LIKE 'instruction_%'
          GROUP BY kind ORDER BY kind",
    )
    .fetch_all(&w.pool)
    .await
    .unwrap();
    let count = |k: &str| notices.iter().find(|(n, _)| n == k).map_or(0, |(_, c)| *c);
    assert_eq!(count("instruction_written"), 1);
    assert_eq!(count("instruction_relayed"), 2, "one per unit");
    assert_eq!(count("instruction_answered"), 3);
    assert_eq!(count("instruction_sent_back"), 1);
    assert_eq!(count("instruction_closed"), 1);
}

/// The API: a leader's token writes (201), anyone else's is refused (403), a bad body names
/// its field (422); the list is the caller's view, filtered by state.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_api_writes_and_lists(pool: PgPool) {
    let w = World::build(pool, Setup::on(day())).await;
    let code = shared_task(&w).await;
    let post = |token: String, body: serde_json::Value| {
        let uri = format!("/api/v1/plans/{}/tasks/{code}/instructions", w.plan_id);
        common::post_json(w.app.clone(), uri, token, body)
    };
    let body = serde_json::json!({ "text": "请研究提出意见。", "answer_by": "2022-10-15" });
    for token in [&w.tokens.office, &w.tokens.liaison_a] {
        assert_eq!(
            post(token.clone(), body.clone()).await.status,
            StatusCode::FORBIDDEN
        );
    }
    let r = post(w.tokens.leader.clone(), serde_json::json!({ "text": "" })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "text");
    let r = post(
        w.tokens.leader.clone(),
        serde_json::json!({ "text": "好", "answer_by": "2022-13-01" }),
    )
    .await;
    assert_eq!(r.json()["error"]["field"], "answer_by");
    let r = post(
        w.tokens.leader.clone(),
        serde_json::json!({ "text": "好", "tone": 1 }),
    )
    .await;
    assert_eq!(r.json()["error"]["field"], "tone");
    let r = post(w.tokens.leader.clone(), body.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let j = r.json();
    assert_eq!(j["state"], "new");
    assert_eq!(j["task"], code.as_str());
    assert_eq!(j["answer_by"], "2022-10-15");
    assert_eq!(j["written_on"], "2022-09-20");
    assert_eq!(j["units"], serde_json::json!([]));

    let list = |token: String, query: &'static str| {
        let app = w.app.clone();
        async move {
            common::get_with_token(&app, &format!("/api/v1/instructions{query}"), &token).await
        }
    };
    let mine = list(w.tokens.leader.clone(), "?state=new").await.json();
    assert_eq!(mine["instructions"].as_array().unwrap().len(), 1);
    let none = list(w.tokens.leader.clone(), "?state=closed").await.json();
    assert_eq!(none["instructions"], serde_json::json!([]));
    let office = list(w.tokens.office.clone(), "").await.json();
    assert_eq!(office["instructions"].as_array().unwrap().len(), 1);
    // Not relayed: not the unit's.
    let unit = list(w.tokens.liaison_a.clone(), "").await.json();
    assert_eq!(unit["instructions"], serde_json::json!([]));
    // A state or plan naming none: nothing in it.
    for query in ["?state=open", "?plan=x", "?plan=999"] {
        let r = list(w.tokens.office.clone(), query).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["instructions"], serde_json::json!([]), "{query}");
    }
}

/// The whole round through the API: the leader writes, the office relays it to the task's
/// units, each answers, the office sends one answer back, the unit answers again, the office
/// closes it; stale versions are 409, other callers 403, bad bodies name their field.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_api_runs_the_round(pool: PgPool) {
    let w = World::build(pool, Setup::on(day())).await;
    let code = shared_task(&w).await;
    let post = |uri: String, token: String, body: serde_json::Value| {
        common::post_json(w.app.clone(), uri, token, body)
    };
    let (leader, office, a, b) = (
        w.tokens.leader.clone(),
        w.tokens.office.clone(),
        w.tokens.liaison_a.clone(),
        w.tokens.liaison_b.clone(),
    );
    let write = format!("/api/v1/plans/{}/tasks/{code}/instructions", w.plan_id);
    let r = post(
        write,
        leader.clone(),
        serde_json::json!({ "text": "请抓紧推进。" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let step = |s: &str| format!("/api/v1/instructions/{id}/{s}");

    // Relay: the office's alone; a stale version 409; by default to the task's units.
    let r = post(
        step("relay"),
        a.clone(),
        serde_json::json!({ "version": 1 }),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        step("relay"),
        office.clone(),
        serde_json::json!({ "version": 0 }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = post(
        step("relay"),
        office.clone(),
        serde_json::json!({ "version": 1, "units": ["无此单位"] }),
    )
    .await;
    assert_eq!(r.json()["error"]["field"], "units[0]");
    let r = post(
        step("relay"),
        office.clone(),
        serde_json::json!({ "version": 1, "note": "请各单位于10月15日前答复" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["state"], "relayed");
    let units = j["units"].as_array().unwrap();
    assert!(
        units.iter().any(|u| u["unit"] == "公安部")
            && units.iter().any(|u| u["unit"] == "海关总署")
    );
    let version_of = |j: &serde_json::Value, unit: &str| {
        j["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == unit)
            .unwrap()["version"]
            .as_i64()
            .unwrap()
    };

    // Each unit answers its own part (a blank answer refused), never another's.
    let v = version_of(&j, "公安部");
    let r = post(
        step("answer"),
        a.clone(),
        serde_json::json!({ "text": " ", "version": v }),
    )
    .await;
    assert_eq!(r.json()["error"]["field"], "answer", "{}", r.body);
    let r = post(
        step("answer"),
        a.clone(),
        serde_json::json!({ "text": "已部署。", "version": v, "unit": "海关总署" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = post(
        step("answer"),
        a.clone(),
        serde_json::json!({ "text": "已部署。", "version": v }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let vb = version_of(&j, "海关总署");
    let r = post(
        step("answer"),
        b.clone(),
        serde_json::json!({ "text": "已配合。", "version": vb }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["state"], "answered");

    // The office sends 海关总署's answer back; it answers again.
    let vb = version_of(&j, "海关总署");
    let r = post(
        step("send-back"),
        office.clone(),
        serde_json::json!({ "unit": "海关总署", "reason": "请补充数据。", "version": vb - 1 }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = post(
        step("send-back"),
        office.clone(),
        serde_json::json!({ "unit": "海关总署", "reason": "请补充数据。", "version": vb }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["state"], "relayed");
    let vb = version_of(&j, "海关总署");
    let r = post(
        step("answer"),
        b.clone(),
        serde_json::json!({ "text": "已配合，查扣 12 批次。", "version": vb }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let version = r.json()["version"].as_i64().unwrap();

    // 办结: the office's; the note is required; then the leader sees it closed.
    let r = post(
        step("close"),
        leader.clone(),
        serde_json::json!({ "note": "好", "version": version }),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        step("close"),
        office.clone(),
        serde_json::json!({ "version": version }),
    )
    .await;
    assert_eq!(r.json()["error"]["field"], "note", "{}", r.body);
    let r = post(
        step("close"),
        office.clone(),
        serde_json::json!({ "note": "各单位已落实。", "version": version }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["state"], "closed");
    let mine = common::get_with_token(&w.app, "/api/v1/instructions?state=closed", &leader).await;
    assert_eq!(mine.json()["instructions"].as_array().unwrap().len(), 1);
    // Closed: nothing more.
    let r = post(
        step("close"),
        office,
        serde_json::json!({ "note": "再次", "version": version + 1 }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // Nowhere for another id.
    let r = post(
        "/api/v1/instructions/999999/answer".into(),
        a,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// On a report: the leader's link from a submitted report carries it to the form, and the
/// instruction names it.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_instruction_on_a_report(pool: PgPool) {
    let w = World::build(pool, Setup::on(day()).with_reports()).await;
    let report = w.reports().submitted;
    let page = w.leader.get(&format!("/reports/{report}")).await;
    let link = format!(
        "/tasks/1.3.1/instructions?plan={}&amp;report={report}#write",
        w.plan_id
    );
    assert!(page.body.contains(&link), "{}", page.body);
    assert!(
        !w.office
            .get(&format!("/reports/{report}"))
            .await
            .body
            .contains("对此报告作出批示")
    );
    let form = w
        .leader
        .get(&format!("/tasks/1.3.1/instructions?report={report}"))
        .await;
    assert!(
        form.body
            .contains(&format!("name=\"report\" value=\"{report}\""))
    );
    let r = w
        .leader
        .post(
            "/tasks/1.3.1/instructions",
            &[
                ("text", "报告中的数字请核实。"),
                ("report", &report.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = last(&w).await;
    let on: Option<i64> = sqlx::query_scalar("SELECT report_id FROM instructions WHERE id = $1")
        .bind(id)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(on, Some(report));
    assert!(
        w.office
            .get(&format!("/instructions/{id}"))
            .await
            .body
            .contains(&format!("href=\"/reports/{report}\""))
    );
}
