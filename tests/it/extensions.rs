//! 延期申请 end to end: a liaison asks on the page (a bad form kept as typed beside its
//! fields), one open request per task and unit, the office approves with another date or
//! refuses; an approval becomes the task's deadline with the original kept and judged by the
//! lights, a refusal changes nothing; a late request is marked; the API does the same.

use crate::common::{self, Client, Setup, World};
use axum::http::StatusCode;
use chrono::NaiveDate;
use sqlx::PgPool;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 9, 20).unwrap()
}

/// 1.3.1 due 2022-09-30, the world judging on 2022-09-20.
async fn world(pool: PgPool) -> World {
    let w = World::build(pool, Setup::on(day())).await;
    sqlx::query(
        "UPDATE tasks SET deadline_kind = 'date', deadline_date = '2022-09-30'
         WHERE plan_id = $1 AND code = '1.3.1'",
    )
    .bind(w.plan_id)
    .execute(&w.pool)
    .await
    .unwrap();
    w
}

async fn deadline(w: &World) -> (Option<NaiveDate>, i64) {
    let d: Option<NaiveDate> =
        sqlx::query_scalar("SELECT deadline_date FROM tasks WHERE plan_id = $1 AND code = '1.3.1'")
            .bind(w.plan_id)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    let history: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM task_terms_history h JOIN tasks t ON t.id = h.task_id
         WHERE t.plan_id = $1 AND t.code = '1.3.1'",
    )
    .bind(w.plan_id)
    .fetch_one(&w.pool)
    .await
    .unwrap();
    (d, history)
}

fn version_of(body: &str, id: i64) -> String {
    body.split(&format!("/extensions/{id}/decision"))
        .nth(1)
        .and_then(|s| s.split("name=\"version\" value=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

async fn last_request(w: &World) -> i64 {
    sqlx::query_scalar("SELECT max(id) FROM extension_requests")
        .fetch_one(&w.pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_unit_asks_and_the_office_grants_another_date(pool: PgPool) {
    let w = world(pool).await;
    let page = "/tasks/1.3.1/extensions";
    // A blank reason and a date not after the deadline: both beside their fields, kept.
    let r = w
        .liaison_a
        .post(page, &[("requested_date", "2022-09-30"), ("reason", "  ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("id=\"e-requested_date\">延期后的日期应晚于现在的时限（2022年9月30日）")
    );
    assert!(r.body.contains("id=\"e-reason\">请填写申请理由"));
    assert!(
        r.body.contains("value=\"2022-09-30\""),
        "the date typed is kept"
    );
    let r = w
        .liaison_a
        .post(
            page,
            &[
                ("requested_date", "2022-11-30"),
                ("reason", "需会同地方部署，申请延期两个月"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = last_request(&w).await;
    // One open request per task and unit: the form is gone, and a second post is refused.
    let shown = w.liaison_a.get(page).await;
    assert!(shown.body.contains("待审批") && !shown.body.contains("提交延期申请"));
    let again = w
        .liaison_a
        .post(
            page,
            &[("requested_date", "2022-12-31"), ("reason", "再次申请")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("已有一份待审批的延期申请"));
    // Another unit's liaison reads nothing of it; the office is told.
    assert_eq!(w.liaison_b.get(page).await.status, StatusCode::FORBIDDEN);
    let told: i64 =
        sqlx::query_scalar("SELECT count(*) FROM notice_events WHERE kind = 'extension_requested'")
            .fetch_one(&w.pool)
            .await
            .unwrap_or(0);
    assert_eq!(told, 1);

    // The office grants 2022-10-31 instead; a blank reason first is refused, kept.
    let office_page = w.office.get(page).await;
    let version = version_of(&office_page.body, id);
    assert_eq!(version, "1");
    let decision = format!("/extensions/{id}/decision");
    let r = w
        .office
        .post(
            &decision,
            &[
                ("version", "1"),
                ("decision", "approve"),
                ("date", "2022-10-31"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写审批意见") && r.body.contains("value=\"2022-10-31\""));
    assert_eq!(deadline(&w).await.0, NaiveDate::from_ymd_opt(2022, 9, 30));
    let r = w
        .office
        .post(
            &decision,
            &[
                ("version", "1"),
                ("decision", "approve"),
                ("date", "2022-10-31"),
                ("reason", "同意延期一个月"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (d, history) = deadline(&w).await;
    assert_eq!(
        d,
        NaiveDate::from_ymd_opt(2022, 10, 31),
        "the task's deadline moved"
    );
    assert_eq!(history, 1, "the deadline before is kept");
    // A decision again, from the same page, is refused.
    let stale = w
        .office
        .post(
            &decision,
            &[
                ("version", "1"),
                ("decision", "refuse"),
                ("reason", "改变主意"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    // The task page and its JSON: the date in force, the original, the request.
    let task = w.liaison_a.get("/tasks/1.3.1").await;
    assert!(task.body.contains("2022年10月31日前") && task.body.contains("延期申请（1）"));
    let r = common::get_with_token(
        &w.app,
        &format!("/api/v1/plans/{}/tasks?per_page=500", w.plan_id),
        &w.tokens.leader,
    )
    .await;
    let j = r.json();
    let t = j["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "1.3.1")
        .unwrap()
        .clone();
    assert_eq!(t["deadline"]["date"], "2022-10-31");
    assert_eq!(t["deadline_original"]["date"], "2022-09-30");
    assert_eq!(t["extensions"][0]["state"], "approved");
    assert_eq!(t["extensions"][0]["decided_date"], "2022-10-31");
    assert_eq!(t["extensions"][0]["requested_date"], "2022-11-30");
    // The summary counts it against the unit: one asked, one approved.
    let summary = w.office.get("/summary").await;
    let row = summary
        .body
        .split("<tr>")
        .find(|r| r.contains(">公安部</a>"))
        .unwrap_or_default();
    assert!(row.contains("<td class=\"num\">1（1）</td>"), "{row}");
    // So does the 台账's unit sheet: 申请延期 1, 批准延期 1.
    let (_, _, book) = crate::exports::bytes(&w.office, "/tasks.xlsx").await;
    let units = crate::task_ledger::rows(&book, "单位汇总");
    let head = &units[0];
    let gab = units.iter().find(|u| u[0] == "公安部").expect("公安部");
    let col = |name: &str| head.iter().position(|h| h == name).expect(name);
    assert_eq!(
        (gab[col("申请延期")].as_str(), gab[col("批准延期")].as_str()),
        ("1", "1")
    );
    // The unit hears of the decision.
    let heard: i64 =
        sqlx::query_scalar("SELECT count(*) FROM notice_events WHERE kind = 'extension_decided'")
            .fetch_one(&w.pool)
            .await
            .unwrap_or(0);
    assert_eq!(heard, 1);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_refusal_keeps_the_deadline_and_a_late_request_is_marked(pool: PgPool) {
    let w = world(pool).await;
    // Judged on 2022-10-05, after the deadline: the request is 逾期申请.
    let late_app = duban::web::create_app(duban::web::AppState::with_config(
        w.pool.clone(),
        duban::web::WebConfig {
            today: NaiveDate::from_ymd_opt(2022, 10, 5),
            ..Default::default()
        },
    ));
    let liaison = Client::signed_in(&late_app, common::world::LIAISON_A).await;
    let r = liaison
        .post(
            "/tasks/1.3.1/extensions",
            &[("requested_date", "2022-11-15"), ("reason", "材料未齐")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = last_request(&w).await;
    let late: bool = sqlx::query_scalar("SELECT late FROM extension_requests WHERE id = $1")
        .bind(id)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert!(late);
    let office = Client::signed_in(&late_app, common::world::OFFICE).await;
    assert!(
        office
            .get("/tasks/1.3.1/extensions")
            .await
            .body
            .contains("逾期申请")
    );
    let r = office
        .post(
            &format!("/extensions/{id}/decision"),
            &[
                ("version", "1"),
                ("decision", "refuse"),
                ("reason", "时限已过，请尽快完成"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        deadline(&w).await,
        (NaiveDate::from_ymd_opt(2022, 9, 30), 0)
    );
    // A liaison decides nothing.
    let r = liaison
        .post(
            &format!("/extensions/{id}/decision"),
            &[
                ("version", "2"),
                ("decision", "approve"),
                ("reason", "自己批准"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// The API: a liaison's token asks (201), bad bodies get the field (422), the office's token
/// decides (200), a leader's is refused (403), a stale version is 409.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_api_asks_and_decides(pool: PgPool) {
    let w = world(pool).await;
    let post = |uri: String, token: String, body: serde_json::Value| {
        common::post_json(w.app.clone(), uri, token, body)
    };
    let uri = format!("/api/v1/plans/{}/tasks/1.3.1/extensions", w.plan_id);
    let r = post(
        uri.clone(),
        w.tokens.liaison_a.clone(),
        serde_json::json!({ "requested_date": "2022-09-01", "reason": "x" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "requested_date");
    let r = post(
        uri.clone(),
        w.tokens.liaison_a.clone(),
        serde_json::json!({ "requested_date": "2022-12-15", "reason": "接口申请" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let j = r.json();
    assert_eq!(j["state"], "pending");
    assert_eq!(j["due_date"], "2022-09-30");
    let id = j["id"].as_i64().unwrap();
    let decision = format!("/api/v1/extensions/{id}/decision");
    let r = post(
        decision.clone(),
        w.tokens.leader.clone(),
        serde_json::json!({ "approve": true, "reason": "同意" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        decision.clone(),
        w.tokens.office.clone(),
        serde_json::json!({ "approve": true, "reason": "同意", "version": 7 }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = post(
        decision.clone(),
        w.tokens.office.clone(),
        serde_json::json!({ "approve": "yes", "reason": "同意" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "approve");
    let r = post(
        decision,
        w.tokens.office.clone(),
        serde_json::json!({ "approve": true, "reason": "同意" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["state"], "approved");
    assert_eq!(deadline(&w).await.0, NaiveDate::from_ymd_opt(2022, 12, 15));
}
