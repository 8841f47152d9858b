//! 工作台账, the first sheet of `/tasks.xlsx`: every column checked against the database for
//! a world with reports in every review state, and its print checked through LibreOffice.

use crate::common::world::{Setup, World};
use crate::exports::bytes;
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use duban::db;
use duban::formats::export::{self, Ledger, TaskLedgerRow};
use duban::workflows::progress;
use std::collections::HashMap;
use std::io::{Cursor, Read};

const SHEET: &str = "工作台账";

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 10, 20).unwrap()
}

pub(crate) fn rows(body: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(body.to_vec())).expect("a valid xlsx");
    let range = book.worksheet_range(name).expect("the sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The lead's report the ledger must show, read straight from the tables: the latest accepted
/// one, else the latest awaiting review; its submitted text, period and review state.
async fn expected_progress(w: &World) -> HashMap<String, (String, String, String, String, String)> {
    let rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT DISTINCT ON (r.task_id) t.code, r.review_state::text,
                COALESCE(s.snapshot->>'work_done', ''), COALESCE(s.snapshot->>'problems', ''),
                COALESCE(s.snapshot->>'next_steps', ''), r.id
         FROM reports r JOIN tasks t ON t.id = r.task_id
         JOIN task_units tu ON tu.task_id = r.task_id AND tu.unit_id = r.unit_id AND tu.role = 'lead'
         JOIN LATERAL (SELECT e.snapshot FROM report_events e
                       WHERE e.report_id = r.id AND e.action = 'submitted'
                       ORDER BY e.at DESC, e.id DESC LIMIT 1) s ON true
         WHERE t.plan_id = $1 AND r.review_state IN ('accepted', 'submitted')
         ORDER BY r.task_id, (r.review_state = 'accepted') DESC, r.period_end DESC",
    )
    .bind(w.plan_id)
    .fetch_all(&w.pool)
    .await
    .unwrap();
    let mut out = HashMap::new();
    for (code, state, work, problems, next, id) in rows {
        let coordination: Vec<String> = sqlx::query_scalar(
            "SELECT text FROM coordination_requests
             WHERE report_id = $1 AND submitted_at IS NOT NULL ORDER BY id",
        )
        .bind(id)
        .fetch_all(&w.pool)
        .await
        .unwrap();
        let review = match state.as_str() {
            "accepted" => "已采纳",
            _ => "已提交待审核",
        };
        out.insert(
            code,
            (
                work,
                problems,
                next,
                coordination.join("；"),
                review.to_string(),
            ),
        );
    }
    out
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn every_column_of_the_task_ledger_matches_the_database(pool: sqlx::PgPool) {
    let w = World::build(pool, Setup::on(day()).with_every_state()).await;
    // A lead's report awaiting review, on a task of 公安部's without one.
    let awaiting: String = sqlx::query_scalar(
        "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
         WHERE t.plan_id = $1 AND tu.unit_id = $2 AND tu.role = 'lead'
           AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.task_id = t.id)
         ORDER BY t.position LIMIT 1",
    )
    .bind(w.plan_id)
    .bind(w.unit_a)
    .fetch_one(&w.pool)
    .await
    .unwrap();
    progress::save_report(
        &w.pool,
        &crate::common::office_caller(w.ids.office),
        w.plan_id,
        &awaiting,
        w.unit_a,
        crate::common::sample_report(true),
        None,
    )
    .await
    .unwrap();
    let (status, _, body) = bytes(&w.office, "/tasks.xlsx").await;
    assert_eq!(status, axum::http::StatusCode::OK);
    let sheet = rows(&body, SHEET);

    let (title, doc): (String, Option<String>) =
        sqlx::query_as("SELECT title, doc_number FROM plans WHERE id = $1")
            .bind(w.plan_id)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(sheet[0][0], title, "the title row");
    assert!(
        sheet[1][0].ends_with("截至2022年10月20日"),
        "{}",
        sheet[1][0]
    );
    if let Some(doc) = doc.filter(|d| !d.is_empty()) {
        assert!(sheet[1][0].starts_with(&doc), "{}", sheet[1][0]);
    }
    assert_eq!(
        sheet[2],
        duban::formats::export::TASK_HEADERS
            .map(String::from)
            .to_vec()
    );

    let settings = db::plans::settings(&w.pool, w.plan_id)
        .await
        .unwrap()
        .unwrap();
    let tasks = db::tasks::list(&w.pool, w.plan_id, &Default::default())
        .await
        .unwrap();
    let briefs = db::reports::briefs_for_plan(&w.pool, w.plan_id)
        .await
        .unwrap();
    let states = progress::judge_all(&settings, &tasks, &briefs, day());
    let data = &sheet[3..];
    assert_eq!(data.len(), tasks.len(), "one row per task");

    // Straight from the tables: code, text and units in plan order.
    let db_tasks: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT t.code, t.text,
                COALESCE(string_agg(u.short_name, '、' ORDER BY tu.position)
                         FILTER (WHERE tu.role = 'lead'), ''),
                COALESCE(string_agg(u.short_name, '、' ORDER BY tu.position)
                         FILTER (WHERE tu.role = 'co'), '')
         FROM tasks t LEFT JOIN task_units tu ON tu.task_id = t.id
         LEFT JOIN units u ON u.id = tu.unit_id
         WHERE t.plan_id = $1 GROUP BY t.id ORDER BY t.position",
    )
    .bind(w.plan_id)
    .fetch_all(&w.pool)
    .await
    .unwrap();
    let progress = expected_progress(&w).await;
    assert!(
        progress.len() >= 2,
        "an accepted and a submitted report: {progress:?}"
    );

    for (i, ((row, t), (code, text, leads, cos))) in
        data.iter().zip(&tasks).zip(&db_tasks).enumerate()
    {
        assert_eq!(row[0], (i + 1).to_string(), "序号");
        assert_eq!(&row[1], code, "任务编号");
        assert_eq!(&row[2], text, "任务内容 of {code}");
        assert_eq!(&row[3], leads, "牵头单位 of {code}");
        assert_eq!(&row[4], cos, "配合单位 of {code}");
        assert_eq!(
            row[5],
            t.deadline().describe(settings.year),
            "办理时限 of {code}"
        );
        assert_eq!(row[6], t.effective_cycle().label(), "报送周期 of {code}");
        let state = &states[&t.id];
        assert_eq!(row[7], state.status.label(), "状态 of {code}");
        assert_eq!(row[8], state.light.label(), "红黄绿灯 of {code}");
        match progress.get(code) {
            Some((work, problems, next, coordination, review)) => {
                assert!(
                    row[9].starts_with(work.trim()),
                    "进展情况 of {code}: {}",
                    row[9]
                );
                assert!(row[9].contains("（2022年第二季度，"), "{}", row[9]);
                assert!(row[9].ends_with("报送）"), "{}", row[9]);
                assert_eq!(&row[10], problems.trim(), "存在问题 of {code}");
                assert_eq!(&row[11], next.trim(), "下一步计划 of {code}");
                assert_eq!(&row[12], coordination, "需协调事项 of {code}");
                assert_eq!(&row[13], review, "审核状态 of {code}");
            }
            None => {
                for (col, name) in [
                    (9, "进展情况"),
                    (10, "存在问题"),
                    (11, "下一步计划"),
                    (12, "需协调事项"),
                ] {
                    assert_eq!(
                        row[col], "",
                        "{name} of {code}: nothing accepted or submitted"
                    );
                }
                assert_eq!(row[13], "暂无已报送进展", "审核状态 of {code}");
            }
        }
        let mut note = Vec::new();
        if t.awaits_designation() {
            note.push("待明确责任单位");
        }
        assert_eq!(row[14], note.join("；"), "备注 of {code}");
    }

    // The reports the office sent back and the draft are not anyone's progress.
    let r = w.reports();
    for (id, code) in [(r.returned.unwrap(), "3.1.2"), (r.draft, "1.2.2")] {
        let row = data.iter().find(|row| row[1] == code).unwrap();
        assert_eq!(row[13], "暂无已报送进展", "report {id} of {code}");
    }
    let accepted = data.iter().find(|row| row[1] == "3.1.1").unwrap();
    assert_eq!(accepted[13], "已采纳");
    assert!(!accepted[12].is_empty(), "its coordination request");
    let submitted = data.iter().find(|row| row[1] == awaiting).unwrap();
    assert_eq!(submitted[13], "已提交待审核");

    // The detail and the units' punctuality follow.
    let detail = rows(&body, "台账明细");
    assert!(detail.len() > data.len());
    let units = rows(&body, "单位汇总");
    let gab = units.iter().find(|u| u[0] == "公安部").unwrap();
    let n = |c: usize| gab[c].parse::<f64>().unwrap();
    assert_eq!(
        n(3),
        n(4) + n(5) + n(6) + n(7),
        "应报 = 按时 + 逾期 + 未报 + 被退回"
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_filters_apply_to_every_sheet(pool: sqlx::PgPool) {
    let w = World::build(pool, Setup::on(day()).with_every_state()).await;
    let (_, _, body) = bytes(&w.office, "/tasks.xlsx?section=3").await;
    let tasks = rows(&body, SHEET);
    assert!(tasks.len() > 3);
    assert!(tasks[3..].iter().all(|r| r[1].starts_with("3.")));
    let detail = rows(&body, "台账明细");
    assert!(detail[1..].iter().all(|r| r[2].starts_with("3.")));
    // A liaison's ledger holds its unit's tasks only.
    let (_, _, body) = bytes(&w.liaison_a, "/tasks.xlsx").await;
    let tasks = rows(&body, SHEET);
    assert!(tasks.len() > 3);
    assert!(
        tasks[3..]
            .iter()
            .all(|r| r[3].contains("公安部") || r[4].contains("公安部")),
        "公安部's tasks only"
    );
}

/// The first sheet's `<pageSetup>` and `<col>` widths, read from the file.
fn sheet_xml(body: &[u8]) -> String {
    part(body, "xl/worksheets/sheet1.xml")
}

fn part(body: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(body.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_task_ledger_prints_on_a_few_a4_landscape_pages_at_80_percent(pool: sqlx::PgPool) {
    let w = World::build(pool, Setup::on(day()).with_every_state()).await;
    let started = std::time::Instant::now();
    let (_, _, body) = bytes(&w.office, "/tasks.xlsx").await;
    println!(
        "/tasks.xlsx: {} bytes in {:?}",
        body.len(),
        started.elapsed()
    );

    // The print settings, as Excel and LibreOffice read them.
    let xml = sheet_xml(&body);
    assert!(xml.contains(r#"orientation="landscape""#), "landscape");
    assert!(xml.contains(r#"paperSize="9""#), "A4");
    assert!(xml.contains(r#"fitToPage="1""#), "fit to width");
    assert!(
        xml.contains(r#"fitToHeight="0""#),
        "as many pages down as needed"
    );
    // The scale fitting the width needs, from the columns' widths and the margins.
    let widths: f64 = xml
        .split("<col ")
        .skip(1)
        .map(|c| {
            let c = format!(" {c}");
            // Columns of one width share an element: `<col min="4" max="5" width="10.7"…>`.
            let attr = |name: &str| -> f64 {
                let v = c.split(&format!(" {name}=\"")).nth(1).unwrap();
                v.split('"').next().unwrap().parse().unwrap()
            };
            // Excel's pixels: seven a character unit, the padding included in the width.
            (attr("max") - attr("min") + 1.0) * (attr("width") * 7.0).round()
        })
        .sum();
    let margin = |name: &str| -> f64 {
        xml.split(&format!("{name}=\""))
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let printable = (11.69 - margin("left") - margin("right")) * 96.0;
    let scale = (printable / widths).min(1.0);
    assert!(scale >= 0.8, "fit to width prints at {:.0}%", scale * 100.0);

    // LibreOffice renders it. To count the first sheet's pages alone, the same rows go into a
    // workbook whose other sheets are empty (a page each).
    let sheet = rows(&body, SHEET);
    let tasks: Vec<TaskLedgerRow> = sheet[3..]
        .iter()
        .map(|r| TaskLedgerRow {
            number: r[0].parse().unwrap(),
            code: r[1].clone(),
            text: r[2].clone(),
            leads: r[3].clone(),
            cos: r[4].clone(),
            deadline: r[5].clone(),
            cycle: r[6].clone(),
            status: r[7].clone(),
            light: r[8].clone(),
            progress: r[9].clone(),
            problems: r[10].clone(),
            next_steps: r[11].clone(),
            coordination: r[12].clone(),
            review: r[13].clone(),
            note: r[14].clone(),
        })
        .collect();
    let count = tasks.len();
    let alone = export::ledger_xlsx(&Ledger {
        title: sheet[0][0].clone(),
        doc_number: String::new(),
        as_of: day(),
        tasks,
        rows: vec![],
        units: vec![],
        instructions: vec![],
    })
    .unwrap();
    let whole = pdf_pages(&body);
    // The other three sheets, empty, print a page each.
    let first = pdf_pages(&alone) - 3;
    println!(
        "工作台账: {count} tasks on {first} A4 pages at {:.0}%; the workbook: {whole} pages",
        scale * 100.0
    );
    assert!(first >= 2, "{count} tasks do not fit one page: {first}");
    assert!(first <= count.div_ceil(5), "{count} tasks on {first} pages");
}

/// The pages of the workbook rendered to PDF by LibreOffice, with a profile of its own so that
/// runs at once do not clash.
fn pdf_pages(xlsx: &[u8]) -> usize {
    let (_dir, pdf) = crate::common::office::to_pdf("ledger.xlsx", xlsx);
    let pdf = std::fs::read(pdf).expect("the PDF");
    // Each page is an object `/Type /Page` (the tree is `/Type /Pages`).
    let text = String::from_utf8_lossy(&pdf);
    let mut pages = 0;
    let mut rest = &text[..];
    while let Some(i) = rest.find("/Type") {
        rest = rest[i + 5..].trim_start();
        if rest.starts_with("/Page") && !rest.starts_with("/Pages") {
            pages += 1;
        }
    }
    pages
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_changed_deadline_shows_the_original_beside_it(pool: sqlx::PgPool) {
    let w = World::build(pool, Setup::on(day())).await;
    // 1.1.1 was due 2022-09-30 until 2022-08-01, when the office moved it to the year's end.
    sqlx::query(
        "INSERT INTO task_terms_history (task_id, replaced_on, deadline_kind, deadline_date)
         SELECT id, '2022-08-01', 'date', '2022-09-30' FROM tasks
         WHERE plan_id = $1 AND code = '1.1.1'",
    )
    .bind(w.plan_id)
    .execute(&w.pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE tasks SET deadline_kind = 'date', deadline_date = '2022-12-31'
         WHERE plan_id = $1 AND code = '1.1.1'",
    )
    .bind(w.plan_id)
    .execute(&w.pool)
    .await
    .unwrap();
    let (_, _, body) = bytes(&w.office, "/tasks.xlsx").await;
    let sheet = rows(&body, SHEET);
    let row = sheet.iter().find(|r| r[1] == "1.1.1").unwrap();
    assert_eq!(row[5], "2022年12月31日前（原定：2022年9月30日前）");
    let other = sheet.iter().find(|r| r[1] == "1.1.2").unwrap();
    assert!(!other[5].contains("原定"), "{}", other[5]);
}
