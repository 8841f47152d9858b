//! 单位负责人签发 end to end: the office switches sign-off on for a unit (refused while the unit
//! has no head); a liaison's submission then waits for the head, locked for the liaison and
//! unseen by the office; the head returns it (a blank reason refused beside the field), the
//! liaison submits again, the head signs it off (a stale page refused) and the office reviews
//! it with the sign-off shown; the API files and signs off the same way; a head of another
//! unit can do nothing.

use crate::common::{self, Client, Setup, World, create_user, probe};
use axum::http::StatusCode;
use chrono::NaiveDate;
use duban::rules::auth::Role;
use sqlx::PgPool;

const HEAD_A: &str = "gab-head";
const HEAD_B: &str = "hgzs-head";

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 7, 5).unwrap()
}

fn fields<'a>(unit: &'a str, work: &'a str, version: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("unit", unit),
        ("period", "2022-Q2"),
        ("version", version),
        ("status", "in_progress"),
        ("self_assessment", "on_track"),
        ("work_done", work),
        ("action", "submit"),
    ]
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    probe::number(pool, sql).await
}

async fn world(pool: PgPool) -> (World, Client, Client) {
    let w = World::build(pool, Setup::on(day())).await;
    create_user(&w.pool, HEAD_A, Role::UnitHead, Some(common::world::UNIT_A)).await;
    create_user(&w.pool, HEAD_B, Role::UnitHead, Some(common::world::UNIT_B)).await;
    let head_a = Client::signed_in(&w.app, HEAD_A).await;
    let head_b = Client::signed_in(&w.app, HEAD_B).await;
    (w, head_a, head_b)
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_report_goes_through_the_unit_head(pool: PgPool) {
    let (w, head_a, head_b) = world(pool).await;
    let a = w.unit_a.to_string();
    // Without a head, sign-off cannot be switched on: said beside the choice, as chosen.
    let lone = create_user(&w.pool, "lone", Role::Liaison, Some("药监局")).await;
    let lone_unit = probe::number(
        &w.pool,
        &format!("SELECT unit_id FROM users WHERE id = {lone}"),
    )
    .await;
    let r = w
        .office
        .post(
            &format!("/units/{lone_unit}/sign-off"),
            &[("sign_off", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body
            .contains("id=\"e-sign_off\">该单位还没有启用的单位负责人账户")
    );
    assert!(r.body.contains("value=\"1\" checked"));
    // Only the office switches it.
    let switch = format!("/units/{}/sign-off", w.unit_a);
    assert_eq!(
        head_a.post(&switch, &[("sign_off", "1")]).await.status,
        StatusCode::FORBIDDEN
    );
    let r = w.office.post(&switch, &[("sign_off", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let unit_page = w.office.get(&format!("/units/{}", w.unit_a)).await.body;
    assert!(unit_page.contains("已保存签发设置") || unit_page.contains("value=\"1\" checked"));

    // The liaison submits: the report waits for the head, still a draft for everyone else.
    let work = "开展昆仑2022专项行动，破案1200起。";
    let r = w
        .liaison_a
        .post("/tasks/3.1.1/report", &fields(&a, work, ""))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().contains("saved=signing"), "{}", r.location());
    let page = w.liaison_a.get(r.location()).await.body;
    assert!(page.contains("先送本单位负责人签发"), "{page}");
    assert!(page.contains("正待本单位负责人签发"));
    let id: i64 = r.location()[9..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let state =
        format!("SELECT count(*) FROM reports WHERE id = {id} AND review_state = 'submitted'");
    assert_eq!(count(&w.pool, &state).await, 0);
    assert!(
        !w.office
            .get("/review")
            .await
            .body
            .contains(&format!("/reports/{id}"))
    );
    // The head is told, and finds it on /my.
    let told = "SELECT count(*) FROM notifications n JOIN notice_events e ON e.id = n.event_id
                JOIN users u ON u.id = n.user_id
                WHERE e.kind = 'sign_off_asked' AND u.login = 'gab-head'";
    assert_eq!(count(&w.pool, told).await, 1);
    let my = head_a.get("/my").await.body;
    assert!(
        my.contains("待您签发的报告") && my.contains(&format!("/reports/{id}#sign-off")),
        "{my}"
    );
    // Locked for the liaison (and for the office) until decided.
    let v = probe::report_version(&w.pool, id).await.to_string();
    let edit = fields(&a, "改一改。", &v);
    let r = w.liaison_a.post(&format!("/reports/{id}"), &edit).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("签发或退回之前不能修改"));
    // A head of another unit, the liaison and the office cannot decide.
    let decide = format!("/reports/{id}/sign-off");
    let approve = [("version", v.as_str()), ("decision", "approve")];
    assert_eq!(
        head_b.post(&decide, &approve).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.liaison_a.post(&decide, &approve).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.office.post(&decide, &approve).await.status,
        StatusCode::FORBIDDEN
    );

    // The head returns it: a blank reason is refused beside the field.
    let r = head_a
        .post(
            &decide,
            &[("version", &v), ("decision", "return"), ("reason", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("id=\"e-reason\">退回时请写明理由"),
        "{}",
        r.body
    );
    let why = "请补充破案数据的统计口径。";
    let r = head_a
        .post(
            &decide,
            &[("version", &v), ("decision", "return"), ("reason", why)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = w.liaison_a.get(&format!("/reports/{id}")).await.body;
    assert!(page.contains(&format!("已退回，理由：{why}")), "{page}");
    let returned = "SELECT count(*) FROM notifications n JOIN notice_events e ON e.id = n.event_id
                    JOIN users u ON u.id = n.user_id
                    WHERE e.kind = 'sign_off_returned' AND u.login = 'gab'";
    assert_eq!(count(&w.pool, returned).await, 1);

    // Submitted again; the head's stale page is refused, the fresh one signs it off.
    let v = probe::report_version(&w.pool, id).await.to_string();
    let fixed = "开展昆仑2022专项行动，破案1200起（按立案数统计）。";
    let r = w
        .liaison_a
        .post(&format!("/reports/{id}"), &fields(&a, fixed, &v))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stale = [("version", v.as_str()), ("decision", "approve")];
    let r = head_a.post(&decide, &stale).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let v = probe::report_version(&w.pool, id).await.to_string();
    let r = head_a
        .post(&decide, &[("version", v.as_str()), ("decision", "approve")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(count(&w.pool, &state).await, 1);
    // The office reviews it, the sign-off beside the facts; the history names each step.
    let review = w.office.get(&format!("/reports/{id}")).await.body;
    assert!(
        review.contains("<dt>单位负责人签发</dt><dd>gab-head"),
        "{review}"
    );
    assert!(review.contains("id=\"review\""));
    let history = review.split("签发记录").nth(1).unwrap_or("");
    for step in ["签发", "退回联络员：请补充", "送单位负责人签发"] {
        assert!(history.contains(step), "{step}: {history}");
    }
    for action in [
        "report_sign_off_asked",
        "report_sign_off_returned",
        "report_signed_off",
    ] {
        let n = count(
            &w.pool,
            &format!("SELECT count(*) FROM audit_log WHERE action = '{action}'"),
        )
        .await;
        assert!(n >= 1, "{action}");
    }
    // The submission's event is the head's; its text the one signed off.
    let by: String = sqlx::query_scalar(
        "SELECT actor_login FROM report_events WHERE report_id = $1 AND action = 'submitted'",
    )
    .bind(id)
    .fetch_one(&w.pool)
    .await
    .unwrap();
    assert_eq!(by, HEAD_A);

    // The 台账's unit sheet counts the head's decisions.
    let (_, _, book) = crate::exports::bytes(&w.office, "/tasks.xlsx").await;
    let units = crate::task_ledger::rows(&book, "单位汇总");
    let col = |name: &str| units[0].iter().position(|h| h == name).expect(name);
    let line = units.iter().find(|u| u[0] == "公安部").expect("公安部");
    assert_eq!(line[col("经负责人签发")], "1");
    assert_eq!(line[col("负责人退回")], "1");
    // So does an edition, frozen as issued.
    let issued = common::issue_edition(&w.office).await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.body);
    let edition = probe::number(&w.pool, "SELECT max(id) FROM editions").await;
    let (status, _, book) =
        crate::exports::bytes(&w.office, &format!("/editions/{edition}/xlsx")).await;
    assert_eq!(status, StatusCode::OK);
    let units = crate::task_ledger::rows(&book, "单位");
    let col = |name: &str| units[0].iter().position(|h| h == name).expect(name);
    let line = units.iter().find(|u| u[0] == "公安部").expect("公安部");
    assert_eq!(
        (
            line[col("经负责人签发")].as_str(),
            line[col("负责人退回")].as_str()
        ),
        ("1", "1")
    );
    // The head writes and submits the unit's own report: straight to the office.
    let r = head_a
        .post(
            "/tasks/1.3.1/report",
            &fields(&a, "单位负责人直接报送。", ""),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().contains("saved=submitted"), "{}", r.location());
    // Switched off again, a liaison's submission goes straight to the office.
    let r = w.office.post(&switch, &[("sign_off", "0")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = w
        .liaison_a
        .post("/tasks/1.2.2/report", &fields(&a, "开展专项整治。", ""))
        .await;
    assert!(r.location().contains("saved=submitted"), "{}", r.location());
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_api_files_for_the_head_and_the_head_signs_off(pool: PgPool) {
    let (w, _, _) = world(pool).await;
    let head_id = probe::number(&w.pool, "SELECT id FROM users WHERE login = 'gab-head'").await;
    let other_head = probe::number(&w.pool, "SELECT id FROM users WHERE login = 'hgzs-head'").await;
    let head = common::token_for(&w.pool, head_id).await;
    let other = common::token_for(&w.pool, other_head).await;
    duban::db::sign_offs::set_unit(&w.pool, w.unit_a, true)
        .await
        .unwrap();
    let post = |uri: String, token: String, body: serde_json::Value| {
        common::post_json(w.app.clone(), uri, token, body)
    };
    let file = format!("/api/v1/plans/{}/tasks/3.1.1/reports", w.plan_id);
    let r = post(
        file,
        w.tokens.liaison_a.clone(),
        serde_json::json!({"period": "2022-Q2", "status": "in_progress",
            "self_assessment": "on_track", "work_done": "开展专项行动。", "submit": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let filed = r.json();
    assert_eq!(filed["awaiting_sign_off"], true);
    assert_eq!(filed["review_state"], "draft");
    let id = filed["id"].as_i64().unwrap();
    let version = filed["version"].as_i64().unwrap();
    let uri = format!("/api/v1/reports/{id}/sign-off");
    // Refusals: another unit's head (the report does not exist for it), the liaison, a
    // return without a reason, a stale version, an unknown field.
    let ok = serde_json::json!({"approve": true, "version": version});
    assert_eq!(
        post(uri.clone(), other, ok.clone()).await.status,
        StatusCode::NOT_FOUND
    );
    let r = post(uri.clone(), w.tokens.liaison_a.clone(), ok.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = post(
        uri.clone(),
        head.clone(),
        serde_json::json!({"approve": false, "version": version}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "reason");
    let r = post(
        uri.clone(),
        head.clone(),
        serde_json::json!({"approve": true, "version": version - 1}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = post(
        uri.clone(),
        head.clone(),
        serde_json::json!({"approve": true, "version": version, "x": 1}),
    )
    .await;
    assert_eq!(r.json()["error"]["field"], "x");
    let r = post(uri.clone(), head.clone(), ok.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["review_state"], "submitted");
    // Nothing left to sign off.
    let r = post(
        uri,
        head,
        serde_json::json!({"approve": true, "version": r.json()["version"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
}
