//! Progress reports through the pages and the API: a quarter run end to end (submit, return,
//! resubmit, accept, urge, acknowledge, close), every refusal, attachments, lights on a fixed
//! date.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDate;
use common::{Client, Setup, World, create_user, probe};
use duban::rules::auth::Role;
use duban::web::{AppState, WebConfig, create_app};
use sqlx::PgPool;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The app judging lights on `today`.
fn app_on(pool: &PgPool, today: NaiveDate) -> axum::Router {
    create_app(AppState::with_config(
        pool.clone(),
        WebConfig {
            today: Some(today),
            ..WebConfig::default()
        },
    ))
}

fn report_id(location: &str) -> i64 {
    location
        .trim_start_matches("/reports/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .expect("a report address")
}

async fn version(pool: &PgPool, id: i64) -> String {
    probe::report_version(pool, id).await.to_string()
}

async fn audit(pool: &PgPool, action: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn report_fields<'a>(
    unit: &'a str,
    period: &'a str,
    work: &'a str,
    action: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("unit", unit),
        ("period", period),
        ("status", "in_progress"),
        ("self_assessment", "on_track"),
        ("work_done", work),
        ("problems", "人手不足"),
        ("next_steps", "继续推进"),
        ("coordination", "请协调海关提供数据\n请明确牵头分工"),
        ("action", action),
    ]
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_quarter_runs_through_duban(pool: PgPool) {
    let w = World::build(pool, Setup::on(day(2022, 7, 5))).await;
    let gab = w.unit_a.to_string();

    // The liaison sees what is due this period.
    let my = w.liaison_a.get("/my").await;
    assert_eq!(my.status, StatusCode::OK);
    assert!(
        my.body.contains("本期应报")
            && my.body.contains("2022年第二季度")
            && my.body.contains("3.1.1")
    );

    // Draft, then submit.
    let r = w
        .liaison_a
        .post(
            "/tasks/3.1.1/report",
            &report_fields(
                &gab,
                "2022-Q2",
                "开展昆仑2022专项行动，破案1200起。",
                "draft",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = report_id(r.location());
    assert!(w.liaison_a.get(r.location()).await.body.contains("草稿"));
    // Q2 is in focus (due 07-10): the draft is listed under 本期应报, as a draft.
    let my = w.liaison_a.get("/my").await.body;
    assert!(my.contains("本期应报（") && my.contains(&format!("/reports/{id}\">2022年第二季度")));
    let v = version(&w.pool, id).await;
    let mut fields = report_fields(
        &gab,
        "2022-Q2",
        "开展昆仑2022专项行动，破案1200起。",
        "submit",
    );
    fields.push(("version", &v));
    let r = w.liaison_a.post(&format!("/reports/{id}"), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The office sees it in review, and its coordination requests.
    let review = w.office.get("/review").await;
    assert!(review.body.contains(&format!("/reports/{id}\">3.1.1")));
    assert!(review.body.contains("请协调海关提供数据"));

    // Returned without a reason: refused; with one: returned.
    let v = version(&w.pool, id).await;
    let r = w
        .office
        .post(
            &format!("/reports/{id}/review"),
            &[("version", &v), ("decision", "return")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"e-reason\">退回时请写明理由"));
    let r = w
        .office
        .post(
            &format!("/reports/{id}/review"),
            &[
                ("version", &v),
                ("decision", "return"),
                ("reason", "请补充案件数据来源"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // The liaison sees the reason, revises, resubmits.
    let page = w.liaison_a.get(&format!("/reports/{id}")).await;
    assert!(page.body.contains("已退回，理由：请补充案件数据来源"));
    assert!(w.liaison_a.get("/my").await.body.contains("被退回（1）"));
    let v = version(&w.pool, id).await;
    let mut fields = report_fields(
        &gab,
        "2022-Q2",
        "开展昆仑2022专项行动，破案1200起（数据来源：公安部刑侦局）。",
        "submit",
    );
    fields.push(("version", &v));
    assert_eq!(
        w.liaison_a
            .post(&format!("/reports/{id}"), &fields)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // Accepted, with an office assessment that differs from the unit's.
    let v = version(&w.pool, id).await;
    let r = w
        .office
        .post(
            &format!("/reports/{id}/review"),
            &[
                ("version", &v),
                ("decision", "accept"),
                ("office_assessment", "at_risk"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = w.office.get(&format!("/reports/{id}")).await;
    assert!(page.body.contains("已采纳"));
    assert!(
        page.body
            .contains("class=\"disagree\">存在风险（与单位自评不一致）")
    );
    // Every version is kept and shown.
    assert_eq!(
        page.body.matches("（第 ").count(),
        4,
        "submitted, returned, submitted, accepted"
    );
    assert!(page.body.contains("请补充案件数据来源"));

    // The task's light: accepted but at risk → yellow on this date.
    let task = w.office.get("/tasks/3.1.1").await;
    assert!(task.body.contains("light-yellow"), "{}", task.body);

    // Urge a unit with a missing report; it acknowledges; the office sees it.
    let hg = w.unit_b.to_string();
    // Refused first: no unit ticked. The page comes back with the reason beside the unit list,
    // the message as typed and no urge sent.
    let refused = w
        .office
        .post(
            "/urges",
            &[
                ("period", "2022-Q2"),
                ("message", "请于7月10日前报送，务必"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("<p class=\"field-error\" id=\"e-units\">请选择要催办的单位"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(">请于7月10日前报送，务必</textarea>"));
    assert!(!refused.body.contains("checked"), "no unit stays ticked");
    let refused = w
        .office
        .post(
            "/urges",
            &[("period", "2022-Q2"), ("unit", &hg), ("message", "  ")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"e-message\">请填写催办内容"),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains(&format!("value=\"{hg}\" id=\"urge-{hg}\" checked"))
    );
    let none: i64 = probe::count(&w.pool, "urges").await;
    assert_eq!(none, 0);
    let r = w
        .office
        .post(
            "/urges",
            &[
                ("period", "2022-Q2"),
                ("unit", &hg),
                ("message", "请于7月10日前报送"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let my = w.liaison_b.get("/my").await;
    assert!(my.body.contains("1 条未签收") && my.body.contains("请于7月10日前报送"));
    // The badge shows on every page's navigation.
    assert!(
        w.liaison_b
            .get("/tasks")
            .await
            .body
            .contains("title=\"未签收的催办\">1</span>")
    );
    let urge: i64 = sqlx::query_scalar("SELECT id FROM urges")
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(
        w.liaison_b
            .post(&format!("/urges/{urge}/ack"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(!w.liaison_b.get("/my").await.body.contains("未签收"));
    assert!(
        w.office
            .get("/reporting?period=2022-Q2")
            .await
            .body
            .contains("签收")
    );

    // The office closes the task: grey, and no new reports.
    let tv: i32 = probe::task_version(&w.pool, "3.1.1").await;
    let r = w
        .office
        .post(
            "/tasks/3.1.1/close",
            &[
                ("version", &tv.to_string()),
                ("closing_note", "专项行动完成"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let task = w.office.get("/tasks/3.1.1").await;
    assert!(task.body.contains("light-grey") && task.body.contains("专项行动完成"));
    let r = w
        .liaison_a
        .post(
            "/tasks/3.1.1/report",
            &report_fields(&gab, "2022-Q3", "新进展", "draft"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("该任务已办结"));
    // Reopened, recorded.
    let tv: i32 = probe::task_version(&w.pool, "3.1.1").await;
    assert_eq!(
        w.office
            .post("/tasks/3.1.1/reopen", &[("version", &tv.to_string())])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let kinds: Vec<String> = sqlx::query_scalar("SELECT kind FROM task_history ORDER BY id")
        .fetch_all(&w.pool)
        .await
        .unwrap();
    assert_eq!(kinds, ["closure", "closure"]);

    for action in [
        "report_saved",
        "report_submitted",
        "report_returned",
        "report_accepted",
        "urge_sent",
        "urge_acknowledged",
        "task_closed",
        "task_reopened",
    ] {
        assert!(audit(&w.pool, action).await >= 1, "{action} audited");
    }
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn every_refusal(pool: PgPool) {
    let w = World::build(pool, Setup::on(day(2022, 7, 5))).await;
    let gab = w.unit_a.to_string();
    // Another unit, a leader: refused.
    let r = w
        .liaison_b
        .post(
            "/tasks/3.1.1/report",
            &report_fields(&gab, "2022-Q2", "冒名填报", "draft"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .leader
        .post(
            "/tasks/3.1.1/report",
            &report_fields(&gab, "2022-Q2", "领导填报", "draft"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let hg = w.unit_b.to_string();
    let r = w
        .liaison_b
        .post(
            "/tasks/3.1.1/report",
            &report_fields(&hg, "2022-Q2", "非责任单位", "draft"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "海关总署 is not on 3.1.1");
    // Bad content: the message is beside the field and what was typed is kept.
    let mut fields = report_fields(&gab, "2022-Q2", "   ", "draft");
    fields[5] = ("problems", "保留的问题描述");
    let r = w.liaison_a.post("/tasks/3.1.1/report", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"e-work_done\">请填写工作进展及成效"));
    assert!(r.body.contains("保留的问题描述"));
    let long = "字".repeat(5001);
    let r = w
        .liaison_a
        .post(
            "/tasks/3.1.1/report",
            &report_fields(&gab, "2022-Q2", &long, "draft"),
        )
        .await;
    assert!(r.body.contains("工作进展及成效不能超过 5000 字"));
    let r = w
        .liaison_a
        .post(
            "/tasks/3.1.1/report",
            &report_fields(&gab, "2022-Q1", "期次不对", "draft"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let mut bad_status = report_fields(&gab, "2022-Q2", "x", "draft");
    bad_status[2] = ("status", "finished");
    assert!(
        w.liaison_a
            .post("/tasks/3.1.1/report", &bad_status)
            .await
            .body
            .contains("请选择进展状态")
    );

    // A stale form: refused with what was typed kept.
    let r = w
        .liaison_a
        .post(
            "/tasks/3.1.1/report",
            &report_fields(&gab, "2022-Q2", "第一稿", "draft"),
        )
        .await;
    let id = report_id(r.location());
    let old = version(&w.pool, id).await;
    let mut fields = report_fields(&gab, "2022-Q2", "第二稿", "draft");
    fields.push(("version", &old));
    assert_eq!(
        w.liaison_a
            .post(&format!("/reports/{id}"), &fields)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let mut stale = report_fields(&gab, "2022-Q2", "过时的第三稿", "draft");
    stale.push(("version", &old));
    let r = w.liaison_a.post(&format!("/reports/{id}"), &stale).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("内容已被他人修改") && r.body.contains("过时的第三稿"));
    let stored: String = sqlx::query_scalar("SELECT work_done FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(stored, "第二稿");

    // Submitted: no more edits; only the office reviews; a liaison of another unit cannot read.
    let v = version(&w.pool, id).await;
    let mut submit = report_fields(&gab, "2022-Q2", "定稿", "submit");
    submit.push(("version", &v));
    assert_eq!(
        w.liaison_a
            .post(&format!("/reports/{id}"), &submit)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let v = version(&w.pool, id).await;
    let mut again = report_fields(&gab, "2022-Q2", "提交后再改", "draft");
    again.push(("version", &v));
    assert_eq!(
        w.liaison_a
            .post(&format!("/reports/{id}"), &again)
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        w.liaison_a
            .post(
                &format!("/reports/{id}/review"),
                &[("version", &v), ("decision", "accept")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.leader
            .post(
                &format!("/reports/{id}/review"),
                &[("version", &v), ("decision", "accept")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.liaison_b.get(&format!("/reports/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.leader.get(&format!("/reports/{id}")).await.status,
        StatusCode::OK
    );
    // A stale review; an accepted report cannot be reviewed again.
    let r = w
        .office
        .post(
            &format!("/reports/{id}/review"),
            &[("version", "1"), ("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        w.office
            .post(
                &format!("/reports/{id}/review"),
                &[("version", &v), ("decision", "accept")]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let v = version(&w.pool, id).await;
    let r = w
        .office
        .post(
            &format!("/reports/{id}/review"),
            &[
                ("version", &v),
                ("decision", "return"),
                ("reason", "再看看"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("该报告已采纳，不能审核"));
    // Only the urged unit acknowledges; urging needs outstanding reports.
    let r = w
        .office
        .post("/urges", &[("period", "2022-Q2"), ("message", "请报送")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "BOUNDARYx9";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(c: &Client, id: i64, name: &str, bytes: &[u8]) -> common::Response {
    let (ct, body) = multipart(name, bytes);
    c.request(
        Request::post(format!("/reports/{id}/attachments"))
            .header("content-type", ct)
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn attachments_are_checked_by_content_and_only_downloaded(pool: PgPool) {
    let w = World::build(pool, Setup::on(day(2022, 7, 5))).await;
    let gab = w.unit_a.to_string();
    let r = w
        .liaison_a
        .post(
            "/tasks/3.1.1/report",
            &report_fields(&gab, "2022-Q2", "附件测试", "draft"),
        )
        .await;
    let id = report_id(r.location());
    let pdf = b"%PDF-1.4\n<script>alert(1)</script>\n%%EOF";
    assert_eq!(
        upload(&w.liaison_a, id, "../../etc/报告.pdf", pdf)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let r = upload(&w.liaison_a, id, "伪装.pdf", png).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("文件内容与扩展名不符"), "{}", r.body);
    let r = upload(
        &w.liaison_a,
        id,
        "page.pdf",
        b"<html><script>alert(1)</script></html>",
    )
    .await;
    assert!(r.body.contains("不支持的文件类型"));
    let r = upload(&w.liaison_a, id, "big.pdf", &vec![b'%'; 21 * 1024 * 1024]).await;
    assert_eq!(
        r.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "over the size limit"
    );
    // A draft does not exist for another unit's liaison.
    assert_eq!(
        upload(&w.liaison_b, id, "x.pdf", pdf).await.status,
        StatusCode::NOT_FOUND
    );

    let (aid, name): (i64, String) = sqlx::query_as("SELECT id, file_name FROM attachments")
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(name, "报告.pdf", "the path is stripped");
    let r = w.office.get(&format!("/attachments/{aid}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), "application/octet-stream");
    assert!(r.header("content-disposition").starts_with("attachment;"));
    assert!(r.body.starts_with("%PDF-1.4"));
    // Nor does a file of its working copy.
    assert_eq!(
        w.liaison_b.get(&format!("/attachments/{aid}")).await.status,
        StatusCode::NOT_FOUND
    );
    for i in 0..4 {
        assert_eq!(
            upload(&w.liaison_a, id, &format!("{i}.pdf"), pdf)
                .await
                .status,
            StatusCode::SEE_OTHER
        );
    }
    assert!(
        upload(&w.liaison_a, id, "6.pdf", pdf)
            .await
            .body
            .contains("每份报告最多 5 个附件")
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_reviewer_sees_the_change_since_last_period_and_the_lead_sees_its_co_units(
    pool: PgPool,
) {
    let w = World::build(pool, Setup::on(day(2022, 10, 5))).await;
    // 1.3.7: 公安部 and 海关总署? No: 1.3.4 has 海关总署 as co; 1.4.3 has 邮政局 lead, 公安部 and 海关总署 co.
    create_user(&w.pool, "yzj", Role::Liaison, Some("邮政局")).await;
    let yzj = Client::signed_in(&w.app, "yzj").await;
    let gab = w.unit_a.to_string();
    let text = "加强寄递渠道信息互通，通报涉侵权假冒商品名录 35 批次。";
    for (period, work) in [("2022-Q2", text), ("2022-Q3", text)] {
        let r = w
            .liaison_a
            .post(
                "/tasks/1.4.3/report",
                &report_fields(&gab, period, work, "submit"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let q3: i64 = sqlx::query_scalar("SELECT id FROM reports WHERE period = '2022-Q3'")
        .fetch_one(&w.pool)
        .await
        .unwrap();
    let page = w.office.get(&format!("/reports/{q3}")).await;
    assert!(page.body.contains("几乎相同"), "near copy warned");
    assert!(page.body.contains("与上期（2022-Q2）相比的变化"));
    // The lead's form shows the co-unit's report of the period.
    let yz = probe::unit_id(&w.pool, "邮政局").await;
    let form = yzj
        .get(&format!("/tasks/1.4.3/report?unit={yz}&period=2022-Q3"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("配合单位本期报告")
            && form.body.contains("公安部")
            && form.body.contains("35 批次")
    );
    // And it may read it.
    assert_eq!(
        yzj.get(&format!("/reports/{q3}")).await.status,
        StatusCode::OK
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn coordination_requests_are_answered(pool: PgPool) {
    let w = World::build(pool, Setup::on(day(2022, 7, 5))).await;
    let gab = w.unit_a.to_string();
    let r = w
        .liaison_a
        .post(
            "/tasks/3.1.1/report",
            &report_fields(&gab, "2022-Q2", "进展", "submit"),
        )
        .await;
    let id = report_id(r.location());
    let cid: i64 = sqlx::query_scalar("SELECT id FROM coordination_requests ORDER BY id LIMIT 1")
        .fetch_one(&w.pool)
        .await
        .unwrap();
    let r = w
        .office
        .post(&format!("/coordination/{cid}/answer"), &[("answer", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写答复"));
    assert_eq!(
        w.office
            .post(
                &format!("/coordination/{cid}/answer"),
                &[("answer", "已商海关总署按月提供")]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        w.liaison_a
            .post(
                &format!("/coordination/{cid}/answer"),
                &[("answer", "自问自答")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let page = w.liaison_a.get(&format!("/reports/{id}")).await;
    assert!(page.body.contains("办公室答复：已商海关总署按月提供") && page.body.contains("已答复"));
    let review = w.office.get("/review").await;
    assert!(!review.body.contains("请协调海关提供数据") && review.body.contains("请明确牵头分工"));
}

async fn api(
    app: &axum::Router,
    token: &str,
    method: &str,
    uri: &str,
    body: &str,
) -> common::Response {
    common::send(
        app,
        Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_units_system_files_reports_through_the_api(pool: PgPool) {
    let w = World::build(pool, Setup::on(day(2022, 7, 12))).await;
    let plan: i64 = probe::plan_id(&w.pool).await;
    let uid: i64 = probe::user_id(&w.pool, "gab").await;
    let token = common::token_for(&w.pool, uid).await;
    let uri = format!("/api/v1/plans/{plan}/tasks/3.1.1/reports");

    // Past the Q2 due date with nothing filed: red.
    let list = common::get_with_token(&w.app, &format!("/api/v1/plans/{plan}/tasks"), &token)
        .await
        .json();
    let t = list["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "3.1.1")
        .unwrap()
        .clone();
    assert_eq!(
        (t["light"].as_str(), t["status"].as_str()),
        (Some("red"), Some("not_started"))
    );

    let body = r#"{"period": "2022-Q2", "status": "behind", "self_assessment": "at_risk",
                   "work_done": "已部署专项行动", "coordination": ["请协调经费"], "submit": false}"#;
    let r = api(&w.app, &token, "POST", &uri, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let draft = r.json();
    assert_eq!(draft["review_state"], "draft");
    assert_eq!(draft["coordination"][0]["text"], "请协调经费");
    // Without the version read, an existing report is not changed.
    let r = api(&w.app, &token, "POST", &uri, body).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let submit = format!(
        r#"{{"period": "2022-Q2", "status": "behind", "self_assessment": "at_risk", "work_done": "已部署专项行动", "version": {}, "submit": true}}"#,
        draft["version"]
    );
    let r = api(&w.app, &token, "POST", &uri, &submit).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["review_state"], "submitted");

    for (bad, field) in [
        (
            r#"{"period": "2022-Q3", "status": "finished", "self_assessment": "on_track", "work_done": "x"}"#,
            "status",
        ),
        (
            r#"{"period": "2022-Q3", "status": "done", "self_assessment": "fine", "work_done": "x"}"#,
            "self_assessment",
        ),
        (
            r#"{"period": "2022-Q3", "status": "done", "self_assessment": "on_track"}"#,
            "work_done",
        ),
        (
            r#"{"period": "2022-Q3", "status": "done", "self_assessment": "on_track", "work_done": " "}"#,
            "work_done",
        ),
        (
            r#"{"period": "2022-Q9", "status": "done", "self_assessment": "on_track", "work_done": "x"}"#,
            "period",
        ),
        (
            r#"{"period": "2022-Q3", "status": "done", "self_assessment": "on_track", "work_done": "x", "extra": 1}"#,
            "extra",
        ),
        (
            r#"{"period": "2022-Q3", "status": "done", "self_assessment": "on_track", "work_done": "x", "coordination": "一项"}"#,
            "coordination",
        ),
    ] {
        let r = api(&w.app, &token, "POST", &uri, bad).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.body
        );
        assert_eq!(r.json()["error"]["field"], field, "{bad}");
    }
    // Other roles and units.
    let leader: i64 = probe::user_id(&w.pool, "boss").await;
    let leader_token = common::token_for(&w.pool, leader).await;
    let ok = r#"{"period": "2022-Q3", "status": "done", "self_assessment": "on_track", "work_done": "x", "unit": "公安部"}"#;
    assert_eq!(
        api(&w.app, &leader_token, "POST", &uri, ok).await.status,
        StatusCode::FORBIDDEN
    );
    let hg: i64 = probe::user_id(&w.pool, "hgzs").await;
    let hg_token = common::token_for(&w.pool, hg).await;
    assert_eq!(
        api(&w.app, &hg_token, "POST", &uri, ok).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api(&w.app, &hg_token, "GET", &uri, "").await.json()["reports"]
            .as_array()
            .unwrap()
            .len(),
        0,
        "not theirs to read"
    );
    assert_eq!(
        api(&w.app, &token, "GET", &uri, "").await.json()["reports"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Submitted (not yet accepted) with status behind: the task's status follows it.
    let list = common::get_with_token(&w.app, &format!("/api/v1/plans/{plan}/tasks"), &token)
        .await
        .json();
    let t = list["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "3.1.1")
        .unwrap()
        .clone();
    assert_eq!(t["status"], "behind");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn lights_follow_the_date(pool: PgPool) {
    common::seed(&pool).await;
    let office = create_user(&pool, "office", Role::Office, None).await;
    let token = common::token_for(&pool, office).await;
    let plan: i64 = probe::plan_id(&pool).await;
    let light = |today: NaiveDate| {
        let app = app_on(&pool, today);
        let token = token.clone();
        async move {
            let list = common::get_with_token(&app, &format!("/api/v1/plans/{plan}/tasks"), &token)
                .await
                .json();
            list["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["code"] == "3.1.1")
                .unwrap()["light"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    // Q2 due 2022-07-10: green before the window, yellow within 14 days, red after.
    assert_eq!(light(day(2022, 6, 1)).await, "green");
    assert_eq!(light(day(2022, 6, 30)).await, "yellow");
    assert_eq!(light(day(2022, 7, 11)).await, "red");
    // Filters by light on the page.
    create_user(&pool, "boss", Role::Leader, None).await;
    let app = app_on(&pool, day(2022, 6, 1));
    let c = Client::signed_in(&app, "boss").await;
    let r = c.get("/tasks?light=green").await;
    assert_eq!(r.body.matches("<td class=\"code\">").count(), 91);
    assert_eq!(
        c.get("/tasks?light=red")
            .await
            .body
            .matches("<td class=\"code\">")
            .count(),
        0
    );
    assert_eq!(
        c.get("/tasks?light=purple").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.get("/tasks?status=not_started")
            .await
            .body
            .matches("<td class=\"code\">")
            .count(),
        91
    );
}

/// Who is owed a report is the workflow's to decide, not the form's: a crafted form naming a
/// unit that owes nothing for the period urges no one, and beside a unit that does owe, only
/// that one is urged.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn urging_a_unit_that_owes_nothing_urges_no_one(pool: PgPool) {
    let w = World::build(pool, Setup::on(day(2022, 7, 5))).await;
    // A unit of the directory with no task of the plan (as the office adds one on /units).
    let idle: i64 = sqlx::query_scalar(
        "INSERT INTO units (directory, short_name, full_name, sort_order)
         SELECT directory, '国家测试局', '国家测试局', max(sort_order) + 1 FROM units
         GROUP BY directory ORDER BY count(*) DESC LIMIT 1 RETURNING id",
    )
    .fetch_one(&w.pool)
    .await
    .unwrap();
    let idle = idle.to_string();
    let r = w
        .office
        .post(
            "/urges",
            &[
                ("period", "2022-Q2"),
                ("unit", &idle),
                ("message", "请报送"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(probe::count(&w.pool, "urges").await, 0);

    let owing = w.unit_b.to_string();
    let r = w
        .office
        .post(
            "/urges",
            &[
                ("period", "2022-Q2"),
                ("unit", &idle),
                ("unit", &owing),
                ("message", "请报送"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let urged: Vec<i64> = sqlx::query_scalar("SELECT unit_id FROM urges")
        .fetch_all(&w.pool)
        .await
        .unwrap();
    assert_eq!(urged, vec![w.unit_b]);
}
