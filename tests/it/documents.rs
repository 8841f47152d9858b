//! 公文: the documents the office issues, opened as a reader opens them (the zip and its XML):
//! the official layout in twips, fonts and sizes, the number, the 通报's figures against its
//! edition's, every quoted sentence against the report it came from, markup kept as text, the
//! 三色 of the 催办单, numbering once and gapless across two `duban serve` processes, and each
//! kind rendered by LibreOffice to PDF and PNG (`target/screenshots/documents/`).

use crate::common::{self, Client, create_user};
use crate::exports::bytes;
use axum::http::StatusCode;
use chrono::NaiveDate;
use duban::db::audit::Actor;
use duban::rules::auth::Role;
use duban::web::{AppState, WebConfig, create_app};
use sqlx::PgPool;
use std::io::Read;

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 10, 20).unwrap()
}

fn app_on(pool: &PgPool, today: NaiveDate) -> axum::Router {
    create_app(AppState::with_config(
        pool.clone(),
        WebConfig {
            today: Some(today),
            ..WebConfig::default()
        },
    ))
}

fn office_actor(id: i64) -> Actor {
    Actor {
        user_id: Some(id),
        login: Some("office".into()),
        addr: None,
    }
}

/// One part of a .docx, as text.
fn part(docx: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a .docx is a zip");
    let mut s = String::new();
    z.by_name(name)
        .unwrap_or_else(|_| panic!("no {name} in the .docx"))
        .read_to_string(&mut s)
        .expect("utf-8 XML");
    s
}

/// Every header part of a .docx, joined.
fn headers(docx: &[u8]) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let names: Vec<String> = (0..z.len())
        .map(|i| z.by_index(i).unwrap().name().unwrap().to_string())
        .filter(|n| n.starts_with("word/header"))
        .collect();
    names.iter().map(|n| part(docx, n)).collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The paragraphs of `document.xml`: each one's XML and its text, as a reader would show it.
fn paragraphs(xml: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<w:p>").or_else(|| rest.find("<w:p ")) {
        let from = &rest[i..];
        let end = from.find("</w:p>").map_or(from.len(), |e| e + 6);
        let p = &from[..end];
        let mut text = String::new();
        let mut r = p;
        while let Some(t) = r.find("<w:t") {
            let after = &r[t..];
            // `<w:t>` or `<w:t xml:space=…>`, not `<w:tbl…>` or `<w:tc…>`.
            let open_end = after.find('>').unwrap();
            let tag = &after[..open_end];
            if tag == "<w:t" || tag.starts_with("<w:t ") {
                let body = &after[open_end + 1..];
                let close = body.find("</w:t>").unwrap_or(body.len());
                text.push_str(&unescape(&body[..close]));
                r = &body[close..];
            } else {
                r = &after[open_end..];
            }
        }
        out.push((p.to_string(), text));
        rest = &from[end..];
    }
    out
}

fn find<'a>(ps: &'a [(String, String)], what: &str) -> &'a (String, String) {
    ps.iter()
        .find(|(_, t)| t.contains(what))
        .unwrap_or_else(|| panic!("no paragraph with “{what}”"))
}

/// The number after `label` in `text` (`共有任务89项` → 89).
fn number_after(text: &str, label: &str) -> u64 {
    let at = text
        .find(label)
        .unwrap_or_else(|| panic!("“{label}” not in: {text}"));
    let digits: String = text[at + label.len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after “{label}” in: {text}"))
}

/// The GB/T 9704 page: A4, margins 37/26/35/28 mm, 22 lines of 28 characters.
fn assert_official_page(xml: &str) {
    assert!(
        xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#),
        "A4 in twips"
    );
    for (side, twips) in [
        ("top", 2098),
        ("right", 1475),
        ("bottom", 1984),
        ("left", 1587),
    ] {
        assert!(
            xml.contains(&format!(r#"w:{side}="{twips}""#)),
            "the {side} margin is {twips} twips"
        );
    }
    assert!(xml.contains(r#"w:linePitch="579""#), "22 lines a page");
}

/// The demo data with edition 1 issued on [`day`] by a new office user `office`:
/// `(plan, edition)`.
async fn demo_edition(pool: &PgPool) -> (i64, i64) {
    let plan = demo_plan(pool).await;
    let office = create_user(pool, "office", Role::Office, None).await;
    let edition = duban::workflows::editions::issue(pool, &office_actor(office), plan, day())
        .await
        .unwrap();
    (plan, edition)
}

/// A new urge to `unit` about `codes` (`{1.3.1}`) for 2022-Q3.
async fn urge_of(pool: &PgPool, plan: i64, unit: i64, codes: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO urges (plan_id, unit_id, period, task_codes, message)
         VALUES ($1, $2, '2022-Q3', $3::text[], '请尽快报送') RETURNING id",
    )
    .bind(plan)
    .bind(unit)
    .bind(codes)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn demo_plan(pool: &PgPool) -> i64 {
    duban::workflows::demo::generate(pool, &common::seeds())
        .await
        .expect("demo data");
    sqlx::query_scalar("SELECT id FROM plans WHERE year = 2022")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_bulletin_states_its_editions_figures_in_the_official_layout(pool: PgPool) {
    let (plan, edition) = demo_edition(&pool).await;
    let app = app_on(&pool, day());
    let c = Client::signed_in(&app, "office").await;
    let (status, ct, body) = bytes(&c, &format!("/editions/{edition}/bulletin.docx")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ct, DOCX);
    let xml = part(&body, "word/document.xml");
    assert_official_page(&xml);
    let ps = paragraphs(&xml);

    // Title: 方正小标宋简体 size 2 (22 pt = 44 half-points).
    let (title, _) = find(&ps, "落实情况的通报（第1期）");
    assert!(title.contains("方正小标宋简体") && title.contains(r#"<w:sz w:val="44""#));
    // Headings: 一、 in 黑体, （一） in 楷体_GB2312; the body in 仿宋_GB2312 size 3 (16 pt).
    let (h1, _) = find(&ps, "一、各项任务进展情况");
    assert!(h1.contains("黑体"), "{h1}");
    let (h2, _) = ps
        .iter()
        .find(|(_, t)| t.starts_with("（一）"))
        .expect("a second-level heading");
    assert!(h2.contains("楷体_GB2312"), "{h2}");
    let (opening_xml, opening) = find(&ps, "现将有关情况通报如下");
    assert!(opening_xml.contains("仿宋_GB2312") && opening_xml.contains(r#"<w:sz w:val="32""#));
    // The mark in red, and 草稿 in the header: the draft is no issued document.
    let (mark, _) = find(&ps, "全国打击侵权假冒工作领导小组办公室");
    assert!(mark.contains(r#"<w:color w:val="FF0000""#), "{mark}");
    assert!(headers(&body).contains("草稿"));
    // Page numbers in the footers, 宋体 size 4, and the fonts with their fallbacks.
    let footers: String = ["word/footer1.xml", "word/footer2.xml"]
        .iter()
        .map(|n| part(&body, n))
        .collect();
    assert!(footers.contains("PAGE") && footers.contains("—") && footers.contains("宋体"));
    let fonts = part(&body, "word/fontTable.xml");
    assert!(fonts.contains(r#"w:name="仿宋_GB2312""#) && fonts.contains("FangSong"));

    // Every figure of the opening paragraph is the edition's.
    let snap: serde_json::Value = sqlx::query_scalar("SELECT snapshot FROM editions WHERE id = $1")
        .bind(edition)
        .fetch_one(&pool)
        .await
        .unwrap();
    let t = &snap["totals"];
    let units = snap["units"].as_array().unwrap();
    let sum = |k: &str| units.iter().map(|u| u[k].as_u64().unwrap()).sum::<u64>();
    for (label, want) in [
        ("共有任务", t["tasks"].as_u64().unwrap()),
        ("已办结", t["closed"].as_u64().unwrap()),
        ("已完成待办结", t["completed"].as_u64().unwrap()),
        ("正常推进", t["green"].as_u64().unwrap()),
        ("存在风险", t["yellow"].as_u64().unwrap()),
        ("逾期或滞后", t["red"].as_u64().unwrap()),
        ("前报送进展情况", t["due"].as_u64().unwrap()),
        ("按时报送", sum("on_time")),
        ("逾期报送", sum("late")),
        ("尚未报送或未获采纳", t["missing"].as_u64().unwrap()),
    ] {
        assert_eq!(number_after(opening, label), want, "{label} in: {opening}");
    }
    assert!(t["tasks"].as_u64().unwrap() > 50 && t["due"].as_u64().unwrap() > 0);

    // Every sourced sentence is in the text, and comes from the report its row names.
    let table_start = xml
        .rfind("引用内容来源核对表")
        .expect("the sources appendix");
    let table = &xml[table_start..];
    let table = &table[..table.find("</w:tbl>").expect("the table ends")];
    let rows: Vec<Vec<String>> = table
        .split("<w:tr>")
        .skip(2)
        .map(|row| {
            row.split("<w:tc>")
                .skip(1)
                .map(|cell| paragraphs(cell).into_iter().map(|(_, t)| t).collect())
                .collect()
        })
        .collect();
    assert!(rows.len() >= 5, "sources: {}", rows.len());
    let body_text: String = paragraphs(&xml[..table_start])
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    for row in &rows {
        let [n, code, unit, version, sentence] = &row[..] else {
            panic!("a sources row of five cells: {row:?}")
        };
        assert!(
            body_text.contains(&format!("{sentence}[{n}]")),
            "“{sentence}” [{n}] not in the text"
        );
        let (label, v) = version
            .rsplit_once('第')
            .and_then(|(p, v)| Some((p, v.trim_end_matches('版').parse::<i32>().ok()?)))
            .unwrap_or_else(|| panic!("a period and version: {version}"));
        let accepted: Vec<(String, String)> = sqlx::query_as(
            "SELECT r.period, e.snapshot->>'work_done' FROM report_events e
             JOIN reports r ON r.id = e.report_id JOIN tasks t ON t.id = r.task_id
             JOIN units u ON u.id = r.unit_id
             WHERE t.plan_id = $1 AND t.code = $2 AND u.short_name = $3
               AND e.action = 'accepted' AND e.version = $4",
        )
        .bind(plan)
        .bind(code)
        .bind(unit)
        .bind(v)
        .fetch_all(&pool)
        .await
        .unwrap();
        let text = accepted
            .into_iter()
            .find(|(period, _)| duban::rules::schedule::period_label(period) == label)
            .map(|(_, t)| t)
            .unwrap_or_else(|| panic!("no accepted report {code} {unit} {version}"));
        let core = sentence.trim_end_matches(['。', '！', '？', '；']);
        assert!(text.contains(core), "“{core}” not in {code} {unit}: {text}");
    }

    // Leaders read it; a liaison does not.
    create_user(&pool, "leader", Role::Leader, None).await;
    let l = Client::signed_in(&app, "leader").await;
    assert_eq!(
        bytes(&l, &format!("/editions/{edition}/bulletin.docx"))
            .await
            .0,
        StatusCode::OK
    );
    create_user(&pool, "liaison", Role::Liaison, Some("公安部")).await;
    let u = Client::signed_in(&app, "liaison").await;
    assert_eq!(
        bytes(&u, &format!("/editions/{edition}/bulletin.docx"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_plan_without_accepted_reports_drafts_a_short_bulletin(pool: PgPool) {
    let plan = common::seed(&pool).await[0];
    let office = create_user(&pool, "office", Role::Office, None).await;
    let edition = duban::workflows::editions::issue(&pool, &office_actor(office), plan, day())
        .await
        .unwrap();
    let app = app_on(&pool, day());
    let c = Client::signed_in(&app, "office").await;
    let (status, _, body) = bytes(&c, &format!("/editions/{edition}/bulletin.docx")).await;
    assert_eq!(status, StatusCode::OK);
    let xml = part(&body, "word/document.xml");
    let ps = paragraphs(&xml);
    assert!(ps.iter().any(|(_, t)| t.contains("尚无已采纳的进展情况")));
    assert!(
        !xml.contains("引用内容来源核对表"),
        "no appendix of sources when nothing is quoted"
    );
    let placeholders = ps
        .iter()
        .filter(|(_, t)| t.contains("本部分任务截至本期尚无已采纳的进展情况"))
        .count();
    assert!(
        placeholders >= 5,
        "every section says it has nothing yet: {placeholders}"
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn issuing_numbers_a_document_once_and_keeps_its_bytes(pool: PgPool) {
    let (plan, edition) = demo_edition(&pool).await;
    let app = app_on(&pool, day());
    let c = Client::signed_in(&app, "office").await;
    let r = c.post(&format!("/editions/{edition}/bulletin"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = c.post(&format!("/editions/{edition}/bulletin"), &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("已印发"), "{}", again.body);
    let page = c.get(&format!("/editions/{edition}")).await;
    assert!(
        page.body.contains("打假办通〔2022〕1号"),
        "the number on the edition page"
    );

    let (id, sha): (i64, String) =
        sqlx::query_as("SELECT id, sha256 FROM documents WHERE kind = 'bulletin'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let (_, _, first) = bytes(&c, &format!("/documents/{id}/docx")).await;
    let (_, _, second) = bytes(&c, &format!("/documents/{id}/docx")).await;
    let (_, _, via_edition) = bytes(&c, &format!("/editions/{edition}/bulletin.docx")).await;
    assert_eq!(first, second, "a re-download gives the same bytes");
    assert_eq!(first, via_edition);
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(&first)), sha);
    let xml = part(&first, "word/document.xml");
    assert!(
        paragraphs(&xml)
            .iter()
            .any(|(_, t)| t.contains("打假办通〔2022〕1号"))
    );
    assert!(!headers(&first).contains("草稿"), "issued: no 草稿");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'document_issued' AND target = $1",
    )
    .bind(id.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // The office's own prefix for 督办单; three issued in turn are 1, 2 and 3, and the task
    // page shows them.
    let r = c
        .post(
            "/admin/documents/series",
            &[("plan", &plan.to_string()), ("supervision", "打假办督")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for _ in 0..3 {
        let r = c
            .post(
                "/tasks/1.1.1/supervision",
                &[
                    ("requirements", "请于月底前报送方案。"),
                    ("reply_by", "2022-10-31"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let task = c.get("/tasks/1.1.1").await;
    for n in 1..=3 {
        assert!(
            task.body.contains(&format!("打假办督〔2022〕{n}号")),
            "督办单 {n} on the task page"
        );
    }
    // A reply date before today is refused beside its field, with what was typed kept.
    let r = c
        .post(
            "/tasks/1.1.1/supervision",
            &[("requirements", "保留这段文字"), ("reply_by", "2022-01-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("回复时限不能早于今天") && r.body.contains("保留这段文字"));
    let issued: i64 =
        sqlx::query_scalar("SELECT count(*) FROM documents WHERE kind = 'supervision'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(issued, 3, "the refused one took no number");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn markup_in_a_task_text_stays_text(pool: PgPool) {
    let plan = common::seed(&pool).await[0];
    let long_word = "侵".repeat(400) + &"x".repeat(400);
    let hostile = format!(
        r#"<w:p><w:r><w:t>注入</w:t></w:r></w:p>]]> "引号" 'single' & &amp; {long_word} {{{{ x }}}}"#
    );
    sqlx::query("UPDATE tasks SET text = $1 WHERE plan_id = $2 AND code = '1.1.1'")
        .bind(&hostile)
        .bind(plan)
        .execute(&pool)
        .await
        .unwrap();
    create_user(&pool, "office", Role::Office, None).await;
    let app = app_on(&pool, day());
    let c = Client::signed_in(&app, "office").await;
    let (status, ct, body) = bytes(&c, "/tasks/1.1.1/supervision.docx").await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, DOCX));
    let xml = part(&body, "word/document.xml");
    assert!(
        !xml.contains("<w:t>注入</w:t>"),
        "the markup became structure"
    );
    let ps = paragraphs(&xml);
    assert!(
        ps.iter().any(|(_, t)| t == &hostile),
        "the text comes back exactly as typed"
    );
    assert_official_page(&xml);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_urge_slip_takes_the_colour_of_how_often_the_unit_was_urged(pool: PgPool) {
    let plan = common::seed(&pool).await[0];
    create_user(&pool, "office", Role::Office, None).await;
    let unit: i64 = sqlx::query_scalar("SELECT id FROM units WHERE short_name = '公安部'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let app = app_on(&pool, day());
    let c = Client::signed_in(&app, "office").await;
    for (i, (colour, label)) in [
        ("1F4E9E", "蓝色督办"),
        ("C98A00", "黄色督办"),
        ("C00000", "红色督办"),
        ("C00000", "红色督办"),
    ]
    .iter()
    .enumerate()
    {
        let id: i64 = urge_of(&pool, plan, unit, "{1.3.1}").await;
        let r = c
            .post(
                &format!("/urges/{id}/notice"),
                &[("reply_by", "2022-10-25")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let (status, _, body) = bytes(&c, &format!("/urges/{id}/notice.docx")).await;
        assert_eq!(status, StatusCode::OK);
        let xml = part(&body, "word/document.xml");
        let ps = paragraphs(&xml);
        let (mark, _) = find(&ps, "全国打击侵权假冒工作领导小组办公室");
        assert!(
            mark.contains(&format!(r#"<w:color w:val="{colour}""#)),
            "urge {} is {colour}",
            i + 1
        );
        assert!(
            ps.iter().any(|(_, t)| t.contains(label)),
            "urge {} says {label}",
            i + 1
        );
        assert!(
            ps.iter()
                .any(|(_, t)| t.contains(&format!("本期第{}次", i + 1)))
        );
        assert!(
            ps.iter()
                .any(|(_, t)| t.contains(&format!("打假办催〔2022〕{}号", i + 1)))
        );
        // Its 催办单 is numbered once.
        let again = c.post(&format!("/urges/{id}/notice"), &[]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
    }
}

/// Twenty 催办单 issued at once, ten through each of two `duban serve` processes on one
/// database: twenty distinct numbers, 1 to 20 without a gap.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn twenty_urge_slips_at_once_on_two_processes_get_twenty_consecutive_numbers(pool: PgPool) {
    use crate::faults::http::{Http, Session, Tally};
    use crate::faults::process::Duban;
    let plan = common::seed(&pool).await[0];
    create_user(&pool, "office", Role::Office, None).await;
    let unit: i64 = sqlx::query_scalar("SELECT id FROM units WHERE short_name = '公安部'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut urges = Vec::new();
    for _ in 0..20 {
        let id: i64 = urge_of(&pool, plan, unit, "{1.3.1}").await;
        urges.push(id);
    }
    let url = common::database_url(&pool);
    let (a, b) = tokio::join!(Duban::start(&url), Duban::start(&url));
    let http = Http::new();
    let tally = std::sync::Arc::new(Tally::default());
    let sa = Session::new(&http, std::slice::from_ref(&a.base), &tally);
    let sb = Session::new(&http, std::slice::from_ref(&b.base), &tally);
    sa.sign_in("office").await;
    sb.sign_in("office").await;
    let sends = urges.iter().enumerate().map(|(i, id)| {
        let s = if i % 2 == 0 { &sa } else { &sb };
        async move { s.post(&format!("/urges/{id}/notice"), &[]).await }
    });
    let replies = futures_util::future::join_all(sends).await;
    for r in &replies {
        let a = r.as_ref().expect("an answer");
        assert_eq!(a.status, 303, "{}", a.body);
    }
    let numbers: Vec<i32> =
        sqlx::query_scalar("SELECT number FROM documents WHERE kind = 'urge' ORDER BY number")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(numbers, (1..=20).collect::<Vec<_>>());
    let distinct: i64 =
        sqlx::query_scalar("SELECT count(DISTINCT doc_number) FROM documents WHERE kind = 'urge'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(distinct, 20);
    println!("20 催办单 at once on two processes: numbers 1–20, none twice, none missing");
}

/// Each kind as LibreOffice lays it out: PDF, then PNG pages under
/// `target/screenshots/documents/`; the page count is sane and the first page is not blank.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn each_kind_renders_in_libreoffice(pool: PgPool) {
    let (plan, edition) = demo_edition(&pool).await;
    let unit: i64 = sqlx::query_scalar("SELECT id FROM units WHERE short_name = '公安部'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut urge = 0i64;
    for _ in 0..3 {
        urge = urge_of(&pool, plan, unit, "{1.3.1,1.3.6}").await;
    }
    // A typical unit: the median by its tasks in the plan.
    let typical: i64 = sqlx::query_scalar(
        "SELECT unit_id FROM (SELECT tu.unit_id, count(*) AS n FROM task_units tu
           JOIN tasks t ON t.id = tu.task_id WHERE t.plan_id = $1 GROUP BY tu.unit_id) c
         ORDER BY n, unit_id OFFSET (SELECT count(DISTINCT unit_id) / 2 FROM task_units) LIMIT 1",
    )
    .bind(plan)
    .fetch_one(&pool)
    .await
    .unwrap();
    let app = app_on(&pool, day());
    let c = Client::signed_in(&app, "office").await;
    let kinds = [
        (
            "bulletin",
            format!("/editions/{edition}/bulletin.docx"),
            2..=60,
        ),
        (
            "supervision",
            "/tasks/1.3.6/supervision.docx?requirements=请按期完成&reply_by=2022-10-31".to_string(),
            1..=3,
        ),
        ("urge-red", format!("/urges/{urge}/notice.docx"), 1..=3),
        ("brief", format!("/units/{typical}/brief.docx"), 1..=1),
        ("brief-largest", format!("/units/{unit}/brief.docx"), 1..=4),
    ];
    let out = common::root().join("target/screenshots/documents");
    std::fs::create_dir_all(&out).unwrap();
    for (name, uri, pages) in kinds {
        let (status, _, body) = bytes(&c, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let (count, first_ink) = render(&body, &out, name);
        println!("{name}: {count} pages in LibreOffice, first page {first_ink:.1}% ink");
        assert!(pages.contains(&count), "{name}: {count} pages");
        assert!(first_ink > 0.5, "{name}: the first page is blank");
    }
}

/// Renders a .docx to PDF with LibreOffice (a profile of its own) and its pages to PNG with
/// pdftoppm; the page count and the share of dark pixels on page one.
fn render(docx: &[u8], out: &std::path::Path, name: &str) -> (usize, f64) {
    let (dir, pdf) = common::office::to_pdf(&format!("{name}.docx"), docx);
    // Kept beside the pictures, to open in Word or LibreOffice.
    std::fs::write(out.join(format!("{name}.docx")), docx).unwrap();
    std::fs::copy(&pdf, out.join(format!("{name}.pdf"))).unwrap();
    for old in std::fs::read_dir(out).unwrap().flatten() {
        if old
            .file_name()
            .to_string_lossy()
            .starts_with(&format!("{name}-"))
        {
            let _ = std::fs::remove_file(old.path());
        }
    }
    let png = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60"])
        .arg(&pdf)
        .arg(out.join(name))
        .status()
        .expect("pdftoppm (poppler-utils; scripts/test installs it)");
    assert!(png.success());
    let pages = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with(&format!("{name}-")) && n.ends_with(".png")
        })
        .count();
    // Page one in grey (PGM: a header, then a byte a pixel) for its ink.
    let pgm = std::process::Command::new("pdftoppm")
        .args(["-gray", "-r", "30", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(dir.path().join("first"))
        .status()
        .unwrap();
    assert!(pgm.success());
    let grey = std::fs::read(dir.path().join("first.pgm")).unwrap();
    let mut fields = 0;
    let mut at = 0;
    // P5 <w> <h> <max> then one whitespace byte.
    while fields < 4 {
        while grey[at].is_ascii_whitespace() {
            at += 1;
        }
        while !grey[at].is_ascii_whitespace() {
            at += 1;
        }
        fields += 1;
    }
    let pixels = &grey[at + 1..];
    let dark = pixels.iter().filter(|&&p| p < 160).count();
    (pages, dark as f64 * 100.0 / pixels.len().max(1) as f64)
}

/// `POST /api/v1/plans/{id}/editions` (office token): 201 with `{id, number, title}`; the same
/// content again is 409, nothing issued; a leader's token is refused.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_office_script_issues_an_edition_through_the_api(pool: PgPool) {
    let plan = common::seed(&pool).await[0];
    let office = create_user(&pool, "office", Role::Office, None).await;
    let leader = create_user(&pool, "leader", Role::Leader, None).await;
    let (office_token, leader_token) = (
        common::token_for(&pool, office).await,
        common::token_for(&pool, leader).await,
    );
    let app = app_on(&pool, day());
    let post = |token: String| {
        let app = app.clone();
        async move {
            common::send(
                &app,
                axum::http::Request::post(format!("/api/v1/plans/{plan}/editions"))
                    .header("authorization", format!("Bearer {token}"))
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
        }
    };
    let r = post(office_token.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let j = r.json();
    assert_eq!(j["number"], 1);
    assert!(
        j["title"]
            .as_str()
            .unwrap()
            .ends_with("落实情况的通报（第1期）"),
        "{j}"
    );
    let id = j["id"].as_i64().unwrap();
    assert_eq!(j["bulletin"], format!("/editions/{id}/bulletin.docx"));
    let again = post(office_token).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(
        again.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("完全相同")
    );
    assert_eq!(post(leader_token).await.status, StatusCode::FORBIDDEN);
    let editions: i64 = sqlx::query_scalar("SELECT count(*) FROM editions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(editions, 1);
    // The 通报 of the edition, by the same token.
    let r = common::get_with_token(
        &app,
        &format!("/editions/{id}/bulletin.docx"),
        &common::token_for(&pool, office).await,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
}
