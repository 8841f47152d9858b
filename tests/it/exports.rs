//! The 台账 exports: read back with calamine, filtered like `/tasks`, formula-safe, reachable
//! with a session or an API token.

use crate::common;
use crate::common::probe;
use duban::rules::vocabulary::ReportContent;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use common::{Client, create_user};
use duban::rules::auth::Role;
use duban::web::{AppState, WebConfig, create_app};
use duban::workflows::progress::{self, Assessment, ReportInput, ReportStatus};
use sqlx::PgPool;
use std::io::Cursor;

async fn setup(pool: &PgPool) -> (axum::Router, Client) {
    let plan = common::seed(pool).await[0];
    let office = create_user(pool, "office", Role::Office, None).await;
    let caller = common::office_caller(office);
    let gab: i64 = probe::unit_id(pool, "公安部").await;
    let input = ReportInput {
        period: "2022-Q2".into(),
        content: ReportContent {
            status: ReportStatus::InProgress,
            self_assessment: Assessment::OnTrack,
            work_done: "=HYPERLINK(\"http://evil\",\"点击\")".into(),
            problems: String::new(),
            next_steps: String::new(),
        },
        coordination: vec![],
        submit: true,
    };
    progress::save_report(pool, &caller, plan, "3.1.1", gab, input, None)
        .await
        .unwrap();
    let app = create_app(AppState::with_config(
        pool.clone(),
        WebConfig {
            today: Some(NaiveDate::from_ymd_opt(2022, 7, 5).unwrap()),
            ..WebConfig::default()
        },
    ));
    let c = Client::signed_in(&app, "office").await;
    (app, c)
}

pub(crate) async fn bytes(c: &Client, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let req = axum::http::Request::get(uri)
        .body(axum::body::Body::empty())
        .unwrap();
    let mut req = req;
    if let Some(cookie) = c.cookie() {
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
    }
    use tower::ServiceExt;
    let res = c.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, ct, body)
}

fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a valid xlsx");
    let range = book.worksheet_range(name).expect("the sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_ledger_opens_in_excel_with_every_row(pool: PgPool) {
    let (_app, c) = setup(&pool).await;
    let (status, ct, body) = bytes(&c, "/tasks.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("application/vnd.openxmlformats"));
    let rows = sheet(&body, "台账明细");
    let pairs: i64 = probe::count(&pool, "task_units").await;
    let unassigned: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks t WHERE NOT EXISTS (SELECT 1 FROM task_units tu WHERE tu.task_id = t.id)").fetch_one(&pool).await.unwrap();
    assert_eq!(
        rows.len() as i64,
        1 + pairs + unassigned,
        "a header and one row per task and unit"
    );
    assert_eq!(rows[0][0].to_string(), "部分");
    assert_eq!(rows[1][2].to_string(), "1.1.1");
    let gab = rows
        .iter()
        .find(|r| r[2] == "3.1.1" && r[4] == "公安部")
        .expect("3.1.1 公安部");
    assert_eq!(gab[5].to_string(), "牵头");
    // The formula-like report text is text, neutralised.
    assert!(
        gab[10].to_string().starts_with("'=HYPERLINK"),
        "{}",
        gab[10]
    );
    let units = sheet(&body, "单位汇总");
    assert_eq!(units[0][0].to_string(), "单位");
    let gab_units = units.iter().find(|r| r[0] == "公安部").unwrap();
    assert_eq!(gab_units[1], Data::Float(3.0), "公安部 leads 3 tasks");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn exports_follow_the_filters_and_csv_opens_in_excel(pool: PgPool) {
    let (_app, c) = setup(&pool).await;
    let (_, _, body) = bytes(&c, "/tasks.xlsx?section=3").await;
    let rows = sheet(&body, "台账明细");
    assert!(
        rows.iter()
            .skip(1)
            .all(|r| r[2].to_string().starts_with("3."))
    );
    assert_eq!(rows.len(), 1 + 8, "section 三：8 tasks, one unit each");
    let (status, ct, csv) = bytes(&c, "/tasks.csv?section=3").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
    assert_eq!(&csv[..3], b"\xEF\xBB\xBF", "UTF-8 BOM");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert_eq!(text.lines().count(), 9);
    assert!(text.contains("'=HYPERLINK"));
    assert_eq!(
        bytes(&c, "/tasks.csv?section=abc").await.0,
        StatusCode::BAD_REQUEST
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_scheduled_pull_uses_a_token_and_a_liaison_gets_their_rows(pool: PgPool) {
    let (app, _c) = setup(&pool).await;
    let robot = create_user(&pool, "robot", Role::Leader, None).await;
    let token = common::token_for(&pool, robot).await;
    let r = common::get_with_token(&app, "/tasks.csv", &token).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        common::get_with_token(&app, "/tasks.csv", "dbn_nonsense")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    create_user(&pool, "gab", Role::Liaison, Some("公安部")).await;
    let liaison = Client::signed_in(&app, "gab").await;
    let (_, _, csv) = bytes(&liaison, "/tasks.csv").await;
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(
        text.lines().skip(1).all(|l| l.contains(",公安部,")),
        "only 公安部's rows"
    );
    assert_eq!(text.lines().count(), 1 + 12);
}
