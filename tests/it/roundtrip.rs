//! The Excel round trip: a unit downloads its pre-filled template, fills it offline, uploads
//! it, previews, confirms; bad rows are named by cell and nothing is saved.

use crate::common;
use crate::common::probe;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use common::{Client, create_user};
use duban::rules::auth::Role;
use duban::web::{AppState, WebConfig, create_app};
use sqlx::PgPool;
use std::io::Cursor;

async fn get_bytes(c: &Client, uri: &str) -> (StatusCode, Vec<u8>) {
    use tower::ServiceExt;
    let mut req = Request::get(uri).body(Body::empty()).unwrap();
    if let Some(cookie) = c.cookie() {
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
    }
    let res = c.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    (
        status,
        http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
}

/// Rewrites a downloaded template as a user's spreadsheet program would, with `edits`
/// (`row`, `col`, text; 0-based) applied to the `进展填报` sheet.
fn fill(template: &[u8], edits: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(template.to_vec())).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let sheet = out.add_worksheet();
        sheet.set_name(&name).unwrap();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (
                    r as u32 + range.start().unwrap().0,
                    c as u16 + range.start().unwrap().1 as u16,
                );
                match cell {
                    Data::Empty => {}
                    Data::Float(f) => {
                        sheet.write_number(r, c, *f).unwrap();
                    }
                    Data::Int(i) => {
                        sheet.write_number(r, c, *i as f64).unwrap();
                    }
                    other => {
                        sheet.write_string(r, c, other.to_string()).unwrap();
                    }
                }
            }
        }
        if name == "进展填报" {
            for (r, c, v) in edits {
                sheet.write_string(*r, *c, *v).unwrap();
            }
        }
    }
    out.save_to_buffer().unwrap()
}

async fn upload(c: &Client, bytes: &[u8]) -> common::Response {
    upload_for(c, "2022-Q2", bytes).await
}

async fn upload_for(c: &Client, period: &str, bytes: &[u8]) -> common::Response {
    let boundary = "RTBOUNDARY";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"period\"\r\n\r\n{period}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    c.request(
        Request::post("/my/upload")
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

async fn liaison(pool: &PgPool) -> Client {
    liaison_on(pool, NaiveDate::from_ymd_opt(2022, 7, 5).unwrap()).await
}

async fn liaison_on(pool: &PgPool, today: NaiveDate) -> Client {
    common::seed(pool).await;
    create_user(pool, "gab", Role::Liaison, Some("公安部")).await;
    let app = create_app(AppState::with_config(
        pool.clone(),
        WebConfig {
            today: Some(today),
            ..WebConfig::default()
        },
    ));
    Client::signed_in(&app, "gab").await
}

fn rows_of(bytes: &[u8]) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    book.worksheet_range("进展填报")
        .unwrap()
        .rows()
        .map(|r| r.to_vec())
        .collect()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_unit_reports_through_the_round_trip(pool: PgPool) {
    let c = liaison(&pool).await;
    let (status, template) = get_bytes(&c, "/my/template.xlsx?period=2022-Q2").await;
    assert_eq!(status, StatusCode::OK);
    let rows = rows_of(&template);
    // Title, note, header, then 公安部's 12 tasks.
    let codes: Vec<String> = rows.iter().skip(3).map(|r| r[0].to_string()).collect();
    assert_eq!(codes.len(), 12, "{codes:?}");
    assert!(codes.contains(&"3.1.1".to_string()));
    let first = codes[0].clone();
    let filled = fill(
        &template,
        &[
            (3, 3, "推进中"),
            (3, 4, "正常推进"),
            (3, 5, "开展专项整治，查处案件 30 起。"),
            (4, 3, "滞后"),
            (4, 4, "存在风险"),
            (4, 5, "受疫情影响进度滞后。"),
            (4, 6, "人员不足"),
        ],
    );
    let r = upload(&c, &filled).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("预览（共 2 项") && r.body.contains("查处案件 30 起"));
    let none: i64 = probe::count(&pool, "reports").await;
    assert_eq!(none, 0, "nothing saved before confirmation");
    let r = c.post("/my/upload/confirm", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let saved: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT t.code, r.status::text, r.review_state::text FROM reports r JOIN tasks t ON t.id = r.task_id ORDER BY t.position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(saved.len(), 2);
    assert_eq!(saved[0], (first, "in_progress".into(), "draft".into()));
    assert_eq!(saved[1].1, "behind");
    // A second confirm has nothing to save.
    assert_eq!(
        c.post("/my/upload/confirm", &[]).await.status,
        StatusCode::BAD_REQUEST
    );
    // The next template brings the drafts back pre-filled.
    let (_, again) = get_bytes(&c, "/my/template.xlsx?period=2022-Q2").await;
    assert!(rows_of(&again)[3][5].to_string().contains("查处案件 30 起"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_bad_file_is_named_by_cell_and_nothing_is_saved(pool: PgPool) {
    let c = liaison(&pool).await;
    let (_, template) = get_bytes(&c, "/my/template.xlsx?period=2022-Q2").await;
    let filled = fill(
        &template,
        &[
            (3, 3, "推进中"),
            (3, 4, "正常推进"),
            (3, 5, "好的一行"),
            (4, 3, "快完成了"),
            (4, 4, "正常推进"),
            (4, 5, "状态写错的一行"),
            (5, 3, "推进中"),
            (5, 4, "正常推进"),
        ],
    );
    let r = upload(&c, &filled).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("本次未保存任何内容"));
    assert!(r.body.contains("<th scope=\"row\">D5</th>"), "{}", r.body);
    assert!(r.body.contains("<th scope=\"row\">F6</th>"));
    assert_eq!(
        c.post("/my/upload/confirm", &[]).await.status,
        StatusCode::BAD_REQUEST
    );
    let r = upload(&c, b"%PDF-1.4 not a workbook").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不是有效的 Excel"));
    let saved: i64 = probe::count(&pool, "reports").await;
    assert_eq!(saved, 0);
}

/// The workbook carries a draft's coordination requests out and back: they stay as they are
/// when the round trip saves it again with the column untouched.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_round_trip_keeps_a_drafts_coordination_requests(pool: PgPool) {
    let c = liaison(&pool).await;
    let (_, template) = get_bytes(&c, "/my/template.xlsx?period=2022-Q2").await;
    let first = rows_of(&template)[3][0].to_string();
    let unit = probe::unit_id(&pool, "公安部").await.to_string();
    let r = c
        .post(
            &format!("/tasks/{first}/report"),
            &[
                ("unit", &unit),
                ("period", "2022-Q2"),
                ("status", "in_progress"),
                ("self_assessment", "on_track"),
                ("work_done", "先存草稿"),
                ("coordination", "请协调甲\n请协调乙"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, template) = get_bytes(&c, "/my/template.xlsx?period=2022-Q2").await;
    let filled = fill(&template, &[(3, 5, "改在表格中填写")]);
    let r = upload(&c, &filled).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        c.post("/my/upload/confirm", &[]).await.status,
        StatusCode::OK
    );
    let (work_done, requests): (String, Vec<String>) = sqlx::query_as(
        "SELECT r.work_done, array(SELECT c.text FROM coordination_requests c
                                    WHERE c.report_id = r.id AND c.state = 'open' ORDER BY c.id)
           FROM reports r JOIN tasks t ON t.id = r.task_id WHERE t.code = $1",
    )
    .bind(&first)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(work_done, "改在表格中填写");
    assert_eq!(
        requests,
        ["请协调甲", "请协调乙"],
        "the round trip emptied them"
    );
}

/// A cell holding a control character (Excel writes U+0001 as `_x0001_`) is named by its cell,
/// like any other bad cell, and nothing is saved.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_control_character_in_a_cell_is_named_by_cell(pool: PgPool) {
    let c = liaison(&pool).await;
    let (_, template) = get_bytes(&c, "/my/template.xlsx?period=2022-Q2").await;
    let filled = fill(
        &template,
        &[
            (3, 3, "推进中"),
            (3, 4, "正常推进"),
            (3, 5, "查处\u{1}案件"),
        ],
    );
    let r = upload(&c, &filled).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("<th scope=\"row\">F4</th>"), "{}", r.body);
    assert!(
        r.body.contains("工作进展及成效中含有不可见的控制字符"),
        "{}",
        r.body
    );
    assert_eq!(probe::count(&pool, "reports").await, 0);
}

/// The period key a template is for (sheet `meta`, A1).
fn period_of(bytes: &[u8]) -> String {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    book.worksheet_range("meta").unwrap().rows().next().unwrap()[0].to_string()
}

/// On 2022-10-20 the third quarter (due 10-10) is overdue and in focus: the template is for it
/// by default, the second quarter can still be chosen, and the reports land in that period.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_overdue_period_is_reported_through_the_round_trip(pool: PgPool) {
    let c = liaison_on(&pool, NaiveDate::from_ymd_opt(2022, 10, 20).unwrap()).await;
    let page = c.get("/my/upload").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("<option value=\"2022-Q3\" selected>2022年第三季度（已逾期）</option>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<option value=\"2022-Q2\">2022年第二季度（已逾期）</option>")
    );
    assert!(
        page.body
            .contains("<option value=\"2022-Q4\">2022年第四季度</option>")
    );
    let (status, template) = get_bytes(&c, "/my/template.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(period_of(&template), "2022-Q3");
    let (_, q2) = get_bytes(&c, "/my/template.xlsx?period=2022-Q2").await;
    assert_eq!(period_of(&q2), "2022-Q2");

    let filled = fill(
        &template,
        &[(3, 3, "推进中"), (3, 4, "正常推进"), (3, 5, "三季度补报")],
    );
    let r = upload_for(&c, "2022-Q3", &filled).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = c.post("/my/upload/confirm", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let period: String = sqlx::query_scalar("SELECT period FROM reports")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(period, "2022-Q3");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn coordination_requests_go_both_ways(pool: PgPool) {
    let c = liaison(&pool).await;
    let (_, template) = get_bytes(&c, "/my/template.xlsx?period=2022-Q2").await;
    assert_eq!(rows_of(&template)[2][8].to_string(), "需协调事项");
    let first = rows_of(&template)[3][0].to_string();
    let filled = fill(
        &template,
        &[
            (3, 3, "推进中"),
            (3, 4, "正常推进"),
            (3, 5, "开展联合执法"),
            (3, 8, "请海关提供通关数据\n请财政部保障经费"),
        ],
    );
    let r = upload(&c, &filled).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("请海关提供通关数据；请财政部保障经费"));
    assert_eq!(
        c.post("/my/upload/confirm", &[]).await.status,
        StatusCode::OK
    );
    let requests: Vec<String> = sqlx::query_scalar(
        "SELECT c.text FROM coordination_requests c JOIN reports r ON r.id = c.report_id
           JOIN tasks t ON t.id = r.task_id WHERE t.code = $1 AND c.state = 'open' ORDER BY c.id",
    )
    .bind(&first)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(requests, ["请海关提供通关数据", "请财政部保障经费"]);
    // And out again in the next template.
    let (_, again) = get_bytes(&c, "/my/template.xlsx?period=2022-Q2").await;
    assert_eq!(
        rows_of(&again)[3][8].to_string(),
        "请海关提供通关数据\n请财政部保障经费"
    );
}

/// The value of the hidden field `drafts` on the import summary.
fn drafts_of(body: &str) -> String {
    let start = body
        .find("name=\"drafts\" value=\"")
        .expect("全部提交 form")
        + 21;
    body[start..start + body[start..].find('"').unwrap()].to_string()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_import_is_summarised_and_submitted_in_one_step(pool: PgPool) {
    let c = liaison(&pool).await;
    let (_, template) = get_bytes(&c, "/my/template.xlsx?period=2022-Q2").await;
    let codes: Vec<String> = rows_of(&template)
        .iter()
        .skip(3)
        .map(|r| r[0].to_string())
        .collect();
    let unit = probe::unit_id(&pool, "公安部").await.to_string();
    // One report exists as a draft before the import: it is updated, the others created.
    let r = c
        .post(
            &format!("/tasks/{}/report", codes[2]),
            &[
                ("unit", unit.as_str()),
                ("period", "2022-Q2"),
                ("status", "in_progress"),
                ("self_assessment", "on_track"),
                ("work_done", "网页上的草稿"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, template) = get_bytes(&c, "/my/template.xlsx?period=2022-Q2").await;
    let filled = fill(
        &template,
        &[
            (3, 3, "推进中"),
            (3, 4, "正常推进"),
            (3, 5, "第一项"),
            (4, 3, "已完成"),
            (4, 4, "正常推进"),
            (4, 5, "第二项"),
            (5, 5, "表格中改写的草稿"),
        ],
    );
    assert_eq!(upload(&c, &filled).await.status, StatusCode::OK);
    let r = c.post("/my/upload/confirm", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains("已导入2022年第二季度的 3 项：新建 2 项，更新 1 项，均为草稿。"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<td>更新</td>") && r.body.contains("<td>新建</td>"));
    assert!(r.body.contains("全部提交"));
    let drafts = drafts_of(&r.body);
    assert_eq!(drafts.split(',').count(), 3);

    // One of them changes after the import: 全部提交 leaves it and submits the others.
    let changed: i64 = sqlx::query_scalar(
        "SELECT r.id FROM reports r JOIN tasks t ON t.id = r.task_id WHERE t.code = $1",
    )
    .bind(&codes[1])
    .fetch_one(&pool)
    .await
    .unwrap();
    let version = probe::report_version(&pool, changed).await.to_string();
    let r = c
        .post(
            &format!("/reports/{changed}"),
            &[
                ("version", version.as_str()),
                ("status", "done"),
                ("self_assessment", "on_track"),
                ("work_done", "导入后又在网页上改过"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = c
        .post("/my/upload/submit", &[("drafts", drafts.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains("已提交2022年第二季度的 2 份报送，等待办公室审核。"),
        "{}",
        r.body
    );
    assert!(r.body.contains(&format!("{}：导入后已被修改", codes[1])));
    let states: Vec<(String, String)> = sqlx::query_as(
        "SELECT t.code, r.review_state::text FROM reports r JOIN tasks t ON t.id = r.task_id
          ORDER BY t.position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        states,
        [
            (codes[0].clone(), "submitted".to_string()),
            (codes[1].clone(), "draft".to_string()),
            (codes[2].clone(), "submitted".to_string()),
        ]
    );
    // Sent again, nothing more goes out.
    let r = c
        .post("/my/upload/submit", &[("drafts", drafts.as_str())])
        .await;
    assert!(r.body.contains("没有提交任何报送。"));
}
