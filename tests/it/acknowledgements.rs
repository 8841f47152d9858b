//! 签收 and 申诉 end to end: a unit contests its assignment on the page (a bad form kept as
//! typed beside its fields), once only; the task turns yellow until the office decides; the
//! office changes the unit's role (a stale page refused) and the task's units follow; another
//! unit acknowledges; assignments past the plan's window show on /reporting; the API answers
//! the same way.

use crate::common::{self, Setup, World};
use axum::http::StatusCode;
use chrono::NaiveDate;
use duban::rules::lights::CONTESTED;
use sqlx::PgPool;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 9, 20).unwrap()
}

async fn last(w: &World) -> i64 {
    sqlx::query_scalar("SELECT max(id) FROM assignment_acknowledgements")
        .fetch_one(&w.pool)
        .await
        .unwrap()
}

async fn role_of(w: &World, code: &str, unit: i64) -> Option<String> {
    sqlx::query_scalar(
        "SELECT tu.role::text FROM task_units tu JOIN tasks t ON t.id = tu.task_id
          WHERE t.plan_id = $1 AND t.code = $2 AND tu.unit_id = $3",
    )
    .bind(w.plan_id)
    .bind(code)
    .bind(unit)
    .fetch_optional(&w.pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_contest_is_decided_and_an_assignment_acknowledged(pool: PgPool) {
    let w = World::build(pool, Setup::on(day())).await;
    // 1.3.1: five units each on its own part (按职责分工负责), 公安部 among them.
    assert_eq!(role_of(&w, "1.3.1", w.unit_a).await.as_deref(), Some("co"));
    let page = "/tasks/1.3.1/acknowledgements";
    let t = w.liaison_a.get("/tasks/1.3.1").await;
    let shown = t.body.split("<dt>签收</dt>").nth(1).unwrap_or("none");
    assert!(
        shown.starts_with("<dd><a") && shown.contains("已签收 0/"),
        "{}",
        &t.body[..t.body.len().min(3000)]
    );
    let a = w.unit_a.to_string();
    // An unknown kind and a blank reason: both beside their fields, as typed.
    let post = "/tasks/1.3.1/acknowledgement";
    let r = w
        .liaison_a
        .post(
            post,
            &[
                ("unit", &a),
                ("answer", "contest"),
                ("kind", "other"),
                ("reason", " "),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("id=\"e-kind\">请选择申诉类别"),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"e-reason\">请填写申诉理由"));
    let r = w
        .liaison_a
        .post(post, &[("unit", &a), ("answer", "")])
        .await;
    assert!(r.body.contains("id=\"e-answer\">请选择签收或申诉"));
    let why = "本部门承担该项工作的主要任务，建议由本部门牵头。";
    let r = w
        .liaison_a
        .post(
            post,
            &[
                ("unit", &a),
                ("answer", "contest"),
                ("kind", "should_be_lead"),
                ("reason", why),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = last(&w).await;
    // Once only.
    let again = w
        .liaison_a
        .post(post, &[("unit", &a), ("answer", "accept")])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("不能再次提交"));
    // Another unit's liaison may not answer for it, nor read the page.
    assert_eq!(w.liaison_b.get(page).await.status, StatusCode::FORBIDDEN);
    // The task is at least yellow, with the reason; the office is told and sees it on /reporting.
    let task = w.office.get("/tasks/1.3.1").await;
    assert!(
        task.body.contains(&format!("{CONTESTED}：公安部")),
        "{}",
        task.body
    );
    assert!(task.body.contains("申诉待处理 1"));
    let reporting = w.office.get("/reporting").await;
    assert!(reporting.body.contains("待处理的申诉（1）"));
    let told: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notice_events WHERE kind = 'assignment_contested'",
    )
    .fetch_one(&w.pool)
    .await
    .unwrap();
    assert_eq!(told, 1);

    // The office: a stale page, then 调整职责 — 公安部 becomes the lead.
    let decide = format!("/acknowledgements/{id}/decision");
    let r = w
        .office
        .post(
            &decide,
            &[
                ("version", "0"),
                ("decision", "change_role"),
                ("reason", "同意调整"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("同意调整"), "what was typed is kept");
    let r = w
        .office
        .post(
            &decide,
            &[("version", "1"), ("decision", "drop"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("id=\"e-decision\">请选择维持原分工") && r.body.contains("请填写处理意见")
    );
    assert_eq!(
        w.liaison_a
            .post(
                &decide,
                &[
                    ("version", "1"),
                    ("decision", "keep"),
                    ("reason", "自己决定")
                ]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = w
        .office
        .post(
            &decide,
            &[
                ("version", "1"),
                ("decision", "change_role"),
                ("reason", "同意调整为牵头单位"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        role_of(&w, "1.3.1", w.unit_a).await.as_deref(),
        Some("lead")
    );
    let shown = w.liaison_a.get(page).await;
    assert!(
        shown.body.contains("办公室决定：调整职责") && shown.body.contains("同意调整为牵头单位")
    );
    assert!(!w.office.get("/tasks/1.3.1").await.body.contains(CONTESTED));
    let decided: i64 =
        sqlx::query_scalar("SELECT count(*) FROM notice_events WHERE kind = 'contest_decided'")
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(decided, 1);
    let history: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM task_history h JOIN tasks t ON t.id = h.task_id WHERE t.code = '1.3.1'",
    )
    .fetch_one(&w.pool)
    .await
    .unwrap_or(0);
    assert!(history >= 1, "the change of role is in the task's history");

    // 海关总署 acknowledges one of its tasks; its other assignments are past the window.
    let (code,): (String,) = sqlx::query_as(
        "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
          WHERE t.plan_id = $1 AND tu.unit_id = $2 ORDER BY t.position LIMIT 1",
    )
    .bind(w.plan_id)
    .bind(w.unit_b)
    .fetch_one(&w.pool)
    .await
    .unwrap();
    let b = w.unit_b.to_string();
    let r = w
        .liaison_b
        .post(
            &format!("/tasks/{code}/acknowledgement"),
            &[("unit", &b), ("answer", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let reporting = w.office.get("/reporting").await;
    let late = reporting
        .body
        .split("逾期未签收")
        .nth(1)
        .unwrap_or_default();
    assert!(!late.contains(&format!(">{code}</a></th><td>海关总署")));
    assert!(
        late.contains("海关总署"),
        "its other tasks are past the window"
    );
    // The 台账's unit sheet counts them.
    let (_, _, book) = crate::exports::bytes(&w.office, "/tasks.xlsx").await;
    let units = crate::task_ledger::rows(&book, "单位汇总");
    let col = |name: &str| units[0].iter().position(|h| h == name).expect(name);
    let line = |unit: &str| units.iter().find(|u| u[0] == unit).expect(unit).clone();
    assert_eq!(line("公安部")[col("申诉")], "1");
    assert_eq!(line("海关总署")[col("已签收")], "1");
    // The window: refused beside its field, as typed; then set.
    let window = format!("/plans/{}/acknowledge-days", w.plan_id);
    let r = w.office.post(&window, &[("acknowledge_days", "0")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("id=\"e-acknowledge_days\">签收期限应为 1 至 90")
    );
    assert!(r.body.contains("value=\"0\""));
    let r = w.office.post(&window, &[("acknowledge_days", "90")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        w.liaison_a
            .post(&window, &[("acknowledge_days", "30")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let audits: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action IN
           ('assignment_contested', 'contest_decided', 'assignment_acknowledged')",
    )
    .fetch_one(&w.pool)
    .await
    .unwrap();
    assert_eq!(audits, 3);
}

/// The API: a liaison's token acknowledges (201) once (409); a contest needs a known kind and a
/// reason (422 naming the field); a leader's token is refused (403).
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_api_acknowledges_and_contests(pool: PgPool) {
    let w = World::build(pool, Setup::on(day())).await;
    let post = |code: &'static str, token: String, body: serde_json::Value| {
        let uri = format!("/api/v1/plans/{}/tasks/{code}/acknowledgement", w.plan_id);
        common::post_json(w.app.clone(), uri, token, body)
    };
    let gab = w.tokens.liaison_a.clone();
    let r = post("1.3.1", gab.clone(), serde_json::json!({ "accept": "yes" })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "accept");
    let r = post(
        "1.3.1",
        gab.clone(),
        serde_json::json!({ "accept": false, "kind": "x", "reason": "r" }),
    )
    .await;
    assert_eq!(r.json()["error"]["field"], "kind");
    let r = post(
        "1.3.1",
        gab.clone(),
        serde_json::json!({ "accept": false, "kind": "wording" }),
    )
    .await;
    assert_eq!(r.json()["error"]["field"], "reason");
    let r = post(
        "1.3.1",
        w.tokens.leader.clone(),
        serde_json::json!({ "accept": true, "unit": "公安部" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        "1.3.1",
        w.tokens.office.clone(),
        serde_json::json!({ "accept": true }),
    )
    .await;
    assert_eq!(r.json()["error"]["field"], "unit");
    let r = post("1.3.1", gab.clone(), serde_json::json!({ "accept": true })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let j = r.json();
    assert_eq!(
        (j["accepted"].as_bool(), j["unit"].as_str()),
        (Some(true), Some("公安部"))
    );
    assert_eq!(j["answered_on"], "2022-09-20");
    let r = post("1.3.1", gab, serde_json::json!({ "accept": true })).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

/// The office's decision on a contest through the API: 调整职责 makes the co-unit a lead (the
/// task's units follow); a stale version is 409, a blank reason or an unknown decision 422, a
/// liaison's token 403.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_api_decides_a_contest(pool: PgPool) {
    let w = World::build(pool, Setup::on(day())).await;
    let post = |uri: String, token: String, body: serde_json::Value| {
        common::post_json(w.app.clone(), uri, token, body)
    };
    let contest = format!("/api/v1/plans/{}/tasks/1.3.1/acknowledgement", w.plan_id);
    let r = post(
        contest,
        w.tokens.liaison_a.clone(),
        serde_json::json!({ "accept": false, "kind": "should_be_lead", "reason": "本部门承担主要任务。" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let j = r.json();
    let (id, version) = (j["id"].as_i64().unwrap(), j["version"].as_i64().unwrap());
    let uri = format!("/api/v1/acknowledgements/{id}/decision");
    let ok = serde_json::json!({ "decision": "change_role", "reason": "同意调整为牵头单位。", "version": version });
    let r = post(uri.clone(), w.tokens.liaison_a.clone(), ok.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        uri.clone(),
        w.tokens.office.clone(),
        serde_json::json!({ "decision": "drop", "reason": "r", "version": version }),
    )
    .await;
    assert_eq!(r.json()["error"]["field"], "decision", "{}", r.body);
    let r = post(
        uri.clone(),
        w.tokens.office.clone(),
        serde_json::json!({ "decision": "keep", "reason": "", "version": version }),
    )
    .await;
    assert_eq!(r.json()["error"]["field"], "reason", "{}", r.body);
    let stale =
        serde_json::json!({ "decision": "keep", "reason": "维持。", "version": version - 1 });
    let r = post(uri.clone(), w.tokens.office.clone(), stale).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = post(uri.clone(), w.tokens.office.clone(), ok.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["decision"], "change_role");
    assert_eq!(
        role_of(&w, "1.3.1", w.unit_a).await.as_deref(),
        Some("lead")
    );
    // Decided once.
    let r = post(uri, w.tokens.office.clone(), ok).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
}
