//! Markup and formulas typed into every stored text field, through the real forms and API:
//! every page that shows them shows text (escaped), and the CSV and XLSX files carry them as
//! text, formula-like cells neutralised.

use super::{World, get_bytes};
use calamine::{Data, Reader, Xlsx};
use sqlx::PgPool;
use std::io::{Cursor, Read};

const ATTACK: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";
const ESCAPED: &str =
    "&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#62;&#60;img src=x onerror=alert(1)&#62;";
/// Formula starts a spreadsheet would run.
const FORMULAS: [&str; 4] = [
    "=HYPERLINK(\"http://evil.example\",\"点击\")",
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)",
];

/// The attack, tagged so that each field's copy can be told apart.
fn attack(tag: &str) -> String {
    format!("{tag}{ATTACK}")
}

fn escaped(tag: &str) -> String {
    format!("{tag}{ESCAPED}")
}

/// Every ZIP entry of an XLSX file, as text.
fn parts(xlsx: &[u8]) -> Vec<(String, String)> {
    let mut z = zip::ZipArchive::new(Cursor::new(xlsx)).expect("an xlsx");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let name = f.name().map(|n| n.to_string()).unwrap_or_default();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap_or_default();
            (name, s)
        })
        .collect()
}

/// A workbook writes no formula anywhere; every value is a text or a number.
fn assert_no_formula(what: &str, xlsx: &[u8]) {
    for (name, xml) in parts(xlsx) {
        assert!(
            !xml.contains("<f>") && !xml.contains("<f "),
            "{what}: a formula in {name}"
        );
    }
}

fn cells(xlsx: &[u8]) -> Vec<String> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.to_vec())).expect("an xlsx");
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            out.extend(row.iter().filter_map(|c| match c {
                Data::String(s) => Some(s.clone()),
                _ => None,
            }));
        }
    }
    out
}

async fn post(c: &crate::common::Client, uri: &str, fields: &[(&str, &str)]) {
    let r = c.post(uri, fields).await;
    assert_eq!(r.status.as_u16(), 303, "{uri}: {}", r.body);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn markup_and_formulas_stay_text_everywhere(pool: PgPool) {
    let w = World::new(pool).await;
    let (o, g) = (&w.office, &w.liaison_a);
    let gab_unit = w.unit_a.to_string();
    let mut fields_tried = 0;
    // Unit names: a short name may not hold brackets, so markup without them.
    let short = "<i>单位\"'&";
    let short_escaped = "&#60;i&#62;单位&#34;&#39;&#38;";
    post(
        o,
        "/units",
        &[("short_name", short), ("full_name", &attack("全称"))],
    )
    .await;
    post(
        o,
        "/units",
        &[("short_name", "-1+1"), ("full_name", FORMULAS[3])],
    )
    .await;
    let new_unit = crate::common::probe::number(
        &w.pool,
        "SELECT max(id) FROM units WHERE short_name <> '-1+1'",
    )
    .await;
    let formula_unit = crate::common::probe::unit_id(&w.pool, "-1+1").await;
    for (unit, task) in [(new_unit, "3.2.1"), (formula_unit, "3.2.2")] {
        let version = crate::common::probe::task_version(&w.pool, task).await;
        post(
            o,
            "/tasks/bulk-units/confirm",
            &[
                ("back", ""),
                ("unit", &unit.to_string()),
                ("role", "co"),
                ("op", "add"),
                ("task", task),
                ("version", &version.to_string()),
            ],
        )
        .await;
    }
    fields_tried += 4;
    // Display names of the liaison and of the office user who acts on the task pages.
    let office_id = crate::common::probe::user_id(&w.pool, "office").await;
    let gab_id = crate::common::probe::user_id(&w.pool, "gab").await;
    post(
        o,
        &format!("/admin/users/{gab_id}"),
        &[
            ("display_name", &attack("联络员")),
            ("role", "liaison"),
            ("unit", &gab_unit),
        ],
    )
    .await;
    post(
        o,
        &format!("/admin/users/{office_id}"),
        &[
            ("display_name", &attack("办公室")),
            ("role", "office"),
            ("unit", ""),
        ],
    )
    .await;
    fields_tried += 2;
    // A report with markup in every text, submitted through the form.
    let r = g
        .post(
            "/tasks/3.1.1/report",
            &[
                ("unit", &gab_unit),
                ("period", "2022-Q2"),
                ("status", "in_progress"),
                ("self_assessment", "on_track"),
                ("work_done", &attack("进展")),
                ("problems", &attack("问题")),
                ("next_steps", &attack("计划")),
                ("coordination", &attack("协调")),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.body);
    let xss_report: i64 = r
        .location()
        .trim_start_matches("/reports/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    fields_tried += 4;
    // Formula-like reports through the API, on other tasks of 公安部 due this period.
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
         WHERE tu.unit_id = $1 AND t.code NOT IN ('3.1.1', '1.3.1', '1.2.2') ORDER BY t.position",
    )
    .bind(w.unit_a)
    .fetch_all(&w.pool)
    .await
    .unwrap();
    // Four submitted (the ledger shows them), then two drafts (the template brings them back).
    let mut formula_codes = Vec::new();
    for code in &codes {
        let i = formula_codes.len();
        if i == FORMULAS.len() + 2 {
            break;
        }
        let body = serde_json::json!({
            "period": "2022-Q2", "status": "in_progress", "self_assessment": "on_track",
            "work_done": FORMULAS[i % FORMULAS.len()], "submit": i < FORMULAS.len(),
        });
        let r = crate::common::send(
            &w.app,
            axum::http::Request::post(format!("/api/v1/plans/{}/tasks/{code}/reports", w.plan_id))
                .header("authorization", format!("Bearer {}", w.tokens.liaison_a))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap(),
        )
        .await;
        if r.status.is_success() {
            formula_codes.push(code.clone());
        }
    }
    assert_eq!(formula_codes.len(), FORMULAS.len() + 2, "{codes:?}");
    fields_tried += FORMULAS.len();
    // The office answers a coordination request, returns a report, closes a task, urges,
    // stages a deadline: each with markup.
    post(
        o,
        &format!("/coordination/{}/answer", w.coordination),
        &[("answer", &attack("答复"))],
    )
    .await;
    let v = w.version("reports", w.submitted).await;
    post(
        o,
        &format!("/reports/{}/review", w.submitted),
        &[
            ("version", &v),
            ("decision", "return"),
            ("reason", &attack("理由")),
        ],
    )
    .await;
    let v = w.task_version("7.1.2").await;
    post(
        o,
        "/tasks/7.1.2/close",
        &[("version", &v), ("closing_note", &attack("办结"))],
    )
    .await;
    post(
        o,
        "/urges",
        &[
            ("period", "2022-Q2"),
            ("unit", &gab_unit),
            ("message", &attack("催办")),
        ],
    )
    .await;
    let v = w.task_version("1.3.6").await;
    post(
        o,
        "/tasks/1.3.6/schedule",
        &[
            ("version", &v),
            ("deadline_kind", "staged"),
            ("checkpoints", &format!("2022-09-30 {}", attack("节点"))),
            ("cycle", "default"),
        ],
    )
    .await;
    fields_tried += 5;

    // Every page that shows them: the text is there, escaped; no tag of it is live.
    let pages: Vec<(&crate::common::Client, String, Vec<String>)> = vec![
        (o, "/units".into(), vec![short_escaped.into()]),
        (
            o,
            format!("/units/{new_unit}"),
            vec![short_escaped.into(), escaped("全称")],
        ),
        (o, "/tasks?section=3".into(), vec![short_escaped.into()]),
        (
            o,
            "/tasks/3.2.1".into(),
            vec![short_escaped.into(), escaped("办公室")],
        ),
        (
            o,
            "/admin/users".into(),
            vec![escaped("联络员"), escaped("办公室")],
        ),
        (o, format!("/admin/users/{gab_id}"), vec![escaped("联络员")]),
        (o, "/admin/audit".into(), vec![escaped("办公室")]),
        (
            o,
            format!("/reports/{xss_report}"),
            vec![
                escaped("进展"),
                escaped("问题"),
                escaped("计划"),
                escaped("协调"),
                escaped("联络员"),
            ],
        ),
        (o, "/tasks/3.1.1".into(), vec![escaped("进展")]),
        (o, "/review".into(), vec![escaped("协调")]),
        (o, "/summary".into(), vec![]),
        (
            o,
            format!("/reports/{}", w.submitted),
            vec![escaped("答复"), escaped("理由")],
        ),
        (o, "/tasks/7.1.2".into(), vec![escaped("办结")]),
        (
            o,
            "/tasks/1.3.6".into(),
            vec![escaped("节点"), escaped("办公室")],
        ),
        (
            o,
            format!(
                "/tasks?q={}",
                crate::common::form_body(&[("", ATTACK)]).trim_start_matches('=')
            ),
            vec![ESCAPED.into()],
        ),
        (g, "/my".into(), vec![escaped("催办"), escaped("联络员")]),
        (
            g,
            format!("/reports/{}", w.submitted),
            vec![escaped("理由"), escaped("答复")],
        ),
    ];
    let mut failures = Vec::new();
    for (client, uri, wanted) in &pages {
        let r = client.get(uri).await;
        if r.status.as_u16() != 200 {
            failures.push(format!("{uri}: {}", r.status));
            continue;
        }
        for live in [
            "<script>alert",
            "<img src=x",
            "<i>单位",
            "onerror=alert(1)>",
        ] {
            if r.body.contains(live) {
                failures.push(format!("{uri}: live markup {live:?}"));
            }
        }
        for want in wanted {
            if !r.body.contains(want.as_str()) {
                failures.push(format!("{uri}: missing {want}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The exports: markup is plain text; every formula start is neutralised.
    let (status, _, csv) = get_bytes(o, "/tasks.csv").await;
    assert_eq!(status, 200);
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains(&attack("进展").replace('"', "\"\"")),
        "the report text, as text"
    );
    assert!(
        csv.contains(&short.replace('"', "\"\"")),
        "a unit name with markup, as text"
    );
    for f in FORMULAS.iter().take(FORMULAS.len()) {
        let quoted = format!("'{}", f).replace('"', "\"\"");
        assert!(csv.contains(&quoted), "CSV: {f} not neutralised");
    }
    assert!(csv.contains(",'-1+1,"), "a unit named like a formula");
    let (status, _, xlsx) = get_bytes(o, "/tasks.xlsx").await;
    assert_eq!(status, 200);
    assert_no_formula("ledger", &xlsx);
    let values = cells(&xlsx);
    assert!(values.contains(&attack("进展")), "the report text, as text");
    for f in FORMULAS {
        assert!(
            values.contains(&format!("'{f}")),
            "XLSX: {f} not neutralised"
        );
        assert!(!values.contains(&f.to_string()), "XLSX: {f} left bare");
    }
    assert!(values.contains(&"'-1+1".to_string()));
    // An issued edition's workbook, and a unit's template with formula-like drafts in it.
    let issued = crate::common::issue_edition(o).await;
    assert_eq!(issued.status.as_u16(), 303, "{}", issued.body);
    let edition = crate::common::probe::number(&w.pool, "SELECT max(id) FROM editions").await;
    let (status, _, book) = get_bytes(o, &format!("/editions/{edition}/xlsx")).await;
    assert_eq!(status, 200);
    assert_no_formula("edition", &book);
    assert!(
        cells(&book)
            .iter()
            .all(|v| !FORMULAS.contains(&v.as_str()) && v != "-1+1"),
        "edition: a formula start left bare"
    );
    let (status, _, template) = get_bytes(g, "/my/template.xlsx?period=2022-Q2").await;
    assert_eq!(status, 200);
    assert_no_formula("template", &template);
    let styles = parts(&template)
        .into_iter()
        .find(|(n, _)| n == "xl/styles.xml")
        .unwrap()
        .1;
    assert!(
        styles.contains("quotePrefix=\"1\""),
        "drafts that look like formulas stay text"
    );
    let drafts = cells(&template);
    assert!(
        FORMULAS[..2]
            .iter()
            .all(|f| drafts.contains(&f.to_string())),
        "the drafts are in the template"
    );
    super::record(
        "markup_and_formulas",
        fields_tried + pages.len() + FORMULAS.len() * 3,
    );
}
