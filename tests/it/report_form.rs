//! The report form without lost work: texts and files in one post, sizes people can read,
//! feedback that says what happened, versions counted by submission, no preset choices, and
//! the previous period's text offered as a start.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDate;
use common::{Client, Setup, World, probe};
use sqlx::PgPool;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
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

/// A PDF of exactly `n` bytes.
fn pdf(n: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n".to_vec();
    let tail = b"\n%%EOF";
    b.resize(n - tail.len(), b'%');
    b.extend_from_slice(tail);
    assert_eq!(b.len(), n);
    b
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// Posts the report form as the browser sends it: `multipart/form-data`, texts and files.
async fn post_form(
    c: &Client,
    uri: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> common::Response {
    let boundary = "FORMxBOUNDARY7";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    c.request(
        Request::post(uri)
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

fn fields<'a>(
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
        ("action", action),
    ]
}

async fn attachments(pool: &PgPool, report: i64) -> i64 {
    probe::number(
        pool,
        &format!("SELECT count(*) FROM attachments WHERE report_id = {report}"),
    )
    .await
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_file_goes_with_the_first_save_and_the_text_is_kept(pool: PgPool) {
    let w = World::build(pool, Setup::on(day(2022, 7, 5))).await;
    let gab = w.unit_a.to_string();
    // A file chosen before the report was ever saved: both are stored by the one post.
    let file = pdf(594);
    let r = post_form(
        &w.liaison_a,
        "/tasks/3.1.1/report",
        &fields(&gab, "2022-Q2", "第一稿：开展专项行动", "draft"),
        &[("情况说明.pdf", &file)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().ends_with("?saved=draft&files=1"));
    let id = report_id(r.location());
    assert_eq!(attachments(&w.pool, id).await, 1);
    let page = w.liaison_a.get(r.location()).await;
    assert!(
        page.body.contains("已保存草稿。已添加附件 1 个。"),
        "{}",
        page.body
    );
    assert!(page.body.contains("第一稿：开展专项行动"));
    assert!(page.body.contains("情况说明.pdf"));
    assert!(page.body.contains("594 字节"), "sizes in bytes below 1 KB");
    assert!(!page.body.contains("0 KB"));
    // The form posts multipart, with its file input inside it.
    assert!(
        page.body
            .contains("enctype=\"multipart/form-data\" class=\"stack report-form\"")
    );

    // Text edited and a file added in the same post: both kept.
    let version = probe::report_version(&w.pool, id).await.to_string();
    let mut f = fields(&gab, "2022-Q2", "第二稿：专项行动已覆盖全部省份", "draft");
    f.push(("version", &version));
    let big = pdf(1536);
    let r = post_form(
        &w.liaison_a,
        &format!("/reports/{id}"),
        &f,
        &[("图表.png", PNG), ("附表.pdf", &big)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(attachments(&w.pool, id).await, 3);
    let page = w.liaison_a.get(r.location()).await;
    assert!(page.body.contains("第二稿：专项行动已覆盖全部省份"));
    assert!(page.body.contains("已添加附件 2 个"));
    assert!(page.body.contains("1.5 KB"));

    // A bad file: nothing saved, the text typed stays in the form, the message is beside
    // the file input.
    let version = probe::report_version(&w.pool, id).await.to_string();
    let mut f = fields(&gab, "2022-Q2", "第三稿：不应丢失的文字", "draft");
    f.push(("version", &version));
    let r = post_form(
        &w.liaison_a,
        &format!("/reports/{id}"),
        &f,
        &[("伪装.pdf", PNG)],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("第三稿：不应丢失的文字"));
    assert!(r.body.contains("id=\"e-file\""), "{}", r.body);
    assert_eq!(attachments(&w.pool, id).await, 3);
    let stored: String = sqlx::query_scalar("SELECT work_done FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(stored, "第二稿：专项行动已覆盖全部省份");

    // The old upload route still takes a file on its own.
    let r = post_form(
        &w.liaison_a,
        &format!("/reports/{id}/attachments"),
        &[],
        &[("补充.pdf", &file)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(attachments(&w.pool, id).await, 4);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn submitting_says_so_and_the_first_submission_is_version_one(pool: PgPool) {
    let w = World::build(pool, Setup::on(day(2022, 7, 5))).await;
    let gab = w.unit_a.to_string();
    let r = w
        .liaison_a
        .post(
            "/tasks/3.1.1/report",
            &fields(&gab, "2022-Q2", "草稿一", "draft"),
        )
        .await;
    assert!(r.location().ends_with("?saved=draft"));
    let id = report_id(r.location());
    let page = w.liaison_a.get(r.location()).await;
    assert!(page.body.contains("已保存草稿。"));
    assert!(page.body.contains("尚未提交"));
    for (text, action) in [("草稿二", "draft"), ("定稿", "submit")] {
        let version = probe::report_version(&w.pool, id).await.to_string();
        let mut f = fields(&gab, "2022-Q2", text, action);
        f.push(("version", &version));
        let r = post_form(&w.liaison_a, &format!("/reports/{id}"), &f, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        if action == "submit" {
            assert!(r.location().ends_with("?saved=submitted"));
            let page = w.liaison_a.get(r.location()).await;
            assert!(
                page.body
                    .contains("已提交2022年第二季度的报送，等待办公室审核。"),
                "{}",
                page.body
            );
            assert!(page.body.contains("第 1 版"));
            assert!(!page.body.contains("第 3 版") && !page.body.contains("第 4 版"));
        }
    }
    // The office's reader sees it as the first version too.
    let page = w.office.get(&format!("/reports/{id}")).await;
    assert!(page.body.contains("第 1 版"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn nothing_is_chosen_for_the_unit(pool: PgPool) {
    let w = World::build(pool, Setup::on(day(2022, 7, 5))).await;
    let gab = w.unit_a.to_string();
    let page = w
        .liaison_a
        .get(&format!("/tasks/3.1.1/report?unit={gab}&period=2022-Q2"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.body
            .matches("<option value=\"\" selected>请选择</option>")
            .count(),
        2,
        "{}",
        page.body
    );
    assert!(!page.body.contains("\" selected>推进中"));
    assert!(!page.body.contains("\" selected>正常推进"));

    // Submitting without a choice: said beside the field, what was typed kept.
    let no_choice = [
        ("unit", gab.as_str()),
        ("period", "2022-Q2"),
        ("status", ""),
        ("self_assessment", ""),
        ("work_done", "尚未选择状态的文字"),
        ("action", "submit"),
    ];
    let r = post_form(&w.liaison_a, "/tasks/3.1.1/report", &no_choice, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("<p class=\"field-error\" id=\"e-status\">提交前请选择进展状态</p>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("尚未选择状态的文字"));
    let mut only_status = no_choice;
    only_status[2].1 = "done";
    let r = post_form(&w.liaison_a, "/tasks/3.1.1/report", &only_status, &[]).await;
    assert!(r.body.contains("id=\"e-self_assessment\">提交前请选择自评"));
    assert!(r.body.contains("value=\"done\" selected"));

    // A draft may leave both open; the form shows them open again.
    let mut draft = no_choice;
    draft[5].1 = "draft";
    let r = post_form(&w.liaison_a, "/tasks/3.1.1/report", &draft, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = w.liaison_a.get(r.location()).await;
    assert_eq!(
        page.body
            .matches("<option value=\"\" selected>请选择</option>")
            .count(),
        2
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_previous_periods_text_is_offered_not_copied(pool: PgPool) {
    let w = World::build(pool, Setup::on(day(2022, 10, 5))).await;
    let gab = w.unit_a.to_string();
    let r = w
        .liaison_a
        .post(
            "/tasks/3.1.1/report",
            &fields(&gab, "2022-Q2", "二季度：完成排查整治", "submit"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let form = format!("/tasks/3.1.1/report?unit={gab}&period=2022-Q3");
    let page = w.liaison_a.get(&form).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("以上期内容为基础"), "{}", page.body);
    assert!(page.body.contains("上期（2022年第二季度）"));
    // Offered, never silently copied: the text area starts empty.
    assert!(page.body.contains("required></textarea>"), "{}", page.body);
    let based = w.liaison_a.get(&format!("{form}&base=previous")).await;
    assert!(
        based.body.contains(">二季度：完成排查整治</textarea>"),
        "{}",
        based.body
    );
    assert!(based.body.contains("已带入上期报送的内容"));
}

/// A draft saved without choices, then written by the unit's system through the API with
/// both: the form shows the API's choices, not “请选择”.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_choice_made_through_the_api_is_shown(pool: PgPool) {
    let w = World::build(pool, Setup::on(day(2022, 7, 5))).await;
    let gab = w.unit_a.to_string();
    let draft = [
        ("unit", gab.as_str()),
        ("period", "2022-Q2"),
        ("status", ""),
        ("self_assessment", ""),
        ("work_done", "未选择"),
        ("action", "draft"),
    ];
    let r = w.liaison_a.post("/tasks/3.1.1/report", &draft).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = report_id(r.location());
    let version = probe::report_version(&w.pool, id).await;
    let body = format!(
        r#"{{"period": "2022-Q2", "status": "behind", "self_assessment": "at_risk", "work_done": "系统写入", "version": {version}, "submit": false}}"#
    );
    let r = common::send(
        &w.app,
        Request::post(format!("/api/v1/plans/{}/tasks/3.1.1/reports", w.plan_id))
            .header("authorization", format!("Bearer {}", w.tokens.liaison_a))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = w.liaison_a.get(&format!("/reports/{id}")).await;
    assert!(
        page.body.contains("value=\"behind\" selected"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"at_risk\" selected"));
}
