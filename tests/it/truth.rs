//! Leaders' pages that tell the truth, against the demo world on 2022-10-20: 最新进展 is never
//! a returned version; one state per unit and period; reports missing from units without a
//! liaison account say so; the unit page's lights, status and reporting record; the red list
//! one line per reason; periods by their labels in what users read.

use crate::common::world::{Setup, UNIT_A, World};
use crate::common::{create_user, office_caller, sample_report};
use chrono::NaiveDate;
use duban::rules::auth::Role;
use duban::workflows::progress::{self, Decision};
use regex::Regex;
use sqlx::PgPool;

const ACCEPTED: &str = "第三季度已采纳：完成联合检查十二次。";
const RETURNED: &str = "第三季度被退回的稿子：数据有误。";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn demo(pool: PgPool) -> World {
    World::build(pool, Setup::on(day(2022, 10, 20)).with_every_state()).await
}

/// Files a 2022-Q3 report of 公安部 on `code` with `text` and gives the office's decision.
async fn q3(w: &World, code: &str, text: &str, decision: Decision) -> i64 {
    let mut input = sample_report(true);
    input.period = "2022-Q3".into();
    input.content.work_done = text.into();
    input.coordination.clear();
    let caller = office_caller(w.ids.office);
    let r = progress::save_report(&w.pool, &caller, w.plan_id, code, w.unit_a, input, None)
        .await
        .expect("report saved");
    progress::review(&w.pool, &caller, r.id, r.version, decision)
        .await
        .expect("reviewed");
    r.id
}

fn returned() -> Decision {
    Decision::Return {
        reason: "请核实数据".into(),
        office_assessment: None,
    }
}

/// What a reader reads of a page: its text without tags, attributes, scripts or styles.
fn text(html: &str) -> String {
    let html = Regex::new(r"(?s)<(script|style)[^>]*>.*?</(script|style)>")
        .unwrap()
        .replace_all(html, " ");
    Regex::new(r"(?s)<[^>]*>")
        .unwrap()
        .replace_all(&html, " ")
        .into_owned()
}

/// The part of `html` from `start` to the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in page"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_returned_version_is_never_the_latest_progress(pool: PgPool) {
    let w = demo(pool).await;
    // 3.1.1: 公安部's Q2 is accepted (the world); its Q3 is submitted and returned.
    q3(&w, "3.1.1", RETURNED, returned()).await;
    // Another task of 公安部: Q3 accepted — the text every page may show.
    let other: String = sqlx::query_scalar(
        "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
         WHERE tu.unit_id = $1 AND t.code NOT IN ('3.1.1', '3.1.2', '1.3.1', '1.2.2')
         ORDER BY t.position LIMIT 1",
    )
    .bind(w.unit_a)
    .fetch_one(&w.pool)
    .await
    .unwrap();
    q3(
        &w,
        &other,
        ACCEPTED,
        Decision::Accept {
            office_assessment: None,
        },
    )
    .await;
    for c in [&w.office, &w.leader, &w.liaison_b] {
        for page in [
            "/tasks/3.1.1".to_string(),
            "/summary".into(),
            format!("/units/{}", w.unit_a),
            "/tasks.csv".into(),
            "/tasks".into(),
        ] {
            let r = c.get(&page).await;
            assert_eq!(r.status, 200, "{page}");
            assert!(!r.body.contains(RETURNED), "returned text on {page}");
        }
    }
    // The accepted text is the latest progress where it is shown: the 台账 and the task page.
    let csv = w.leader.get("/tasks.csv").await.body;
    assert!(
        csv.contains(ACCEPTED),
        "the 台账 shows the accepted version"
    );
    let task = w.leader.get(&format!("/tasks/{other}")).await.body;
    let latest = between(&task, "<strong>最新进展</strong>", "</p>");
    assert!(latest.contains(ACCEPTED) && latest.contains("2022年第三季度"));
    // 3.1.1's latest progress is its accepted Q2 version, not the returned Q3 one.
    let task = w.leader.get("/tasks/3.1.1").await.body;
    let latest = between(&task, "<strong>最新进展</strong>", "</p>");
    assert!(latest.contains("2022年第二季度"), "{latest}");
}

/// Every (unit, period) a reason line names, with the state the line gives it.
fn states(lines: &[String]) -> Vec<(String, String, String)> {
    let re = Regex::new(r"(20\d\d年第.季度)进展情况(未报送|被退回|将于)").unwrap();
    let mut out = Vec::new();
    for line in lines {
        let Some(c) = re.captures(line) else { continue };
        let units = line.rsplit_once('：').map_or("", |(_, u)| u);
        for unit in units.split('、') {
            let unit = unit.split('（').next().unwrap_or("").trim();
            out.push((unit.to_string(), c[1].to_string(), c[2].to_string()));
        }
    }
    out
}

fn list_items(html: &str) -> Vec<String> {
    Regex::new(r"(?s)<li>(.*?)</li>")
        .unwrap()
        .captures_iter(html)
        .map(|c| text(&c[1]).trim().to_string())
        .collect()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn one_state_per_unit_and_period(pool: PgPool) {
    let w = demo(pool).await;
    // 3.1.2: 公安部's Q2 report is returned, past its due date.
    let page = w.leader.get("/tasks/3.1.2").await.body;
    let lines = list_items(between(&page, "<ul class=\"reasons\">", "</ul>"));
    assert!(
        lines.iter().any(|l| l
            .starts_with("2022年第二季度进展情况被退回，待修改（应于 2022年7月10日前报送）")
            && l.contains(UNIT_A)),
        "{lines:?}"
    );
    let seen = states(&lines);
    assert!(
        !seen
            .iter()
            .any(|(u, p, s)| u == UNIT_A && p == "2022年第二季度" && s == "未报送"),
        "{seen:?}"
    );
    // Over the whole red list: no unit and period given two states on one task.
    let summary = w.leader.get("/summary").await.body;
    let flagged = between(&summary, "<ul class=\"flagged\">", "</section>");
    let tasks: Vec<&str> = flagged.split("<p class=\"flag-task\">").skip(1).collect();
    assert!(!tasks.is_empty());
    for t in tasks {
        let lines = list_items(t);
        let seen = states(&lines);
        for (i, a) in seen.iter().enumerate() {
            for b in &seen[i + 1..] {
                assert!(
                    !(a.0 == b.0 && a.1 == b.1),
                    "two states for {a:?} and {b:?}: {lines:?}"
                );
            }
        }
    }
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn missing_reports_of_units_without_a_liaison_say_so(pool: PgPool) {
    let w = demo(pool).await;
    let summary = w.leader.get("/summary").await.body;
    let note = Regex::new(r"红灯 (\d+) 项，其中 (\d+) 项仅因单位无联络员账号而未报")
        .unwrap()
        .captures(&summary)
        .map(|c| (c[1].parse::<u32>().unwrap(), c[2].parse::<u32>().unwrap()))
        .expect("the summary says how much of the red is for want of a liaison");
    assert!(note.0 > 0 && note.1 > 0 && note.1 <= note.0, "{note:?}");
    // 商务部 has no liaison: its page and the task pages say so; 公安部's do not.
    let mofcom = crate::common::probe::unit_id(&w.pool, "商务部").await;
    let unit = w.leader.get(&format!("/units/{mofcom}")).await.body;
    assert!(unit.contains("该单位尚无联络员账号"));
    let own = w.leader.get(&format!("/units/{}", w.unit_a)).await.body;
    assert!(!own.contains("尚无联络员账号"));
    assert!(summary.contains("未报送（该单位尚无联络员账号）"));
    let code: String = sqlx::query_scalar(
        "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
         WHERE tu.unit_id = $1 ORDER BY t.position LIMIT 1",
    )
    .bind(mofcom)
    .fetch_one(&w.pool)
    .await
    .unwrap();
    let task = w.leader.get(&format!("/tasks/{code}")).await.body;
    assert!(task.contains("未报送（该单位尚无联络员账号）"), "{code}");
    // Give every unit a liaison: the note goes, the red stays (the light rule is unchanged).
    let units: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, short_name FROM units u
         WHERE NOT EXISTS (SELECT 1 FROM users WHERE unit_id = u.id)",
    )
    .fetch_all(&w.pool)
    .await
    .unwrap();
    for (i, (_, name)) in units.iter().enumerate() {
        create_user(&w.pool, &format!("liaison{i}"), Role::Liaison, Some(name)).await;
    }
    let after = w.leader.get("/summary").await.body;
    assert!(!after.contains("仅因单位无联络员账号"));
    assert!(!after.contains("尚无联络员账号"));
    let red =
        Regex::new(r#"<a class="figure red" href="[^"]*light=red"><span class="n">(\d+)</span>"#)
            .unwrap();
    let red_of = |page: &str| red.captures(page).map(|c| c[1].to_string());
    assert_eq!(red_of(&after), red_of(&summary));
    assert_eq!(red_of(&summary), Some(note.0.to_string()));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_unit_page_gives_lights_status_and_the_reporting_record(pool: PgPool) {
    let w = demo(pool).await;
    let page = w.leader.get(&format!("/units/{}", w.unit_a)).await.body;
    let cells: Vec<String> = Regex::new(r#"(?s)<td class="state-col">(.*?)</td>"#)
        .unwrap()
        .captures_iter(&page)
        .map(|c| text(&c[1]).trim().to_string())
        .collect();
    assert!(!cells.is_empty());
    for c in &cells {
        assert!(
            ["未启动", "推进中", "已完成", "滞后", "已办结"]
                .iter()
                .any(|s| c.contains(s)),
            "an empty 状态：{c:?}"
        );
        assert!(
            ["红灯", "黄灯", "绿灯", "灰灯"]
                .iter()
                .any(|s| c.contains(s))
        );
    }
    // The record: 2022年第二季度 has 3.1.2's return; every row adds up.
    let record = between(&page, "<table class=\"unit-record\">", "</table>");
    let rows: Vec<Vec<String>> = Regex::new(r"(?s)<tr>(.*?)</tr>")
        .unwrap()
        .captures_iter(record)
        .map(|c| {
            Regex::new(r"(?s)<t[hd][^>]*>(.*?)</t[hd]>")
                .unwrap()
                .captures_iter(&c[1])
                .map(|c| text(&c[1]).trim().to_string())
                .collect()
        })
        .collect();
    let q2 = rows
        .iter()
        .find(|r| r[0] == "2022年第二季度")
        .unwrap_or_else(|| panic!("no Q2 row: {rows:?}"));
    assert_eq!(q2[1], "2022年7月10日前");
    let n = |i: usize| -> u32 { q2[i].parse().unwrap() };
    assert_eq!(n(2), n(3) + n(4) + n(5) + n(6) + n(7));
    let returned: i64 = crate::common::probe::number(
        &w.pool,
        &format!(
            "SELECT count(*) FROM reports WHERE unit_id = {} AND period = '2022-Q2'
             AND review_state = 'returned'",
            w.unit_a
        ),
    )
    .await;
    assert_eq!(i64::from(n(6)), returned);
    assert_eq!(returned, 1);
    let led: i64 = crate::common::probe::number(
        &w.pool,
        &format!(
            "SELECT count(DISTINCT task_id) FROM task_units WHERE unit_id = {}",
            w.unit_a
        ),
    )
    .await;
    assert_eq!(i64::from(n(2)), led, "every task of the unit owes its Q2");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_red_list_gives_titles_and_one_line_per_reason(pool: PgPool) {
    let w = demo(pool).await;
    let summary = w.leader.get("/summary").await.body;
    let flagged = between(&summary, "<ul class=\"flagged\">", "</section>");
    let titles = flagged.matches("class=\"flag-title\"").count();
    let tasks = flagged.matches("class=\"flag-task\"").count();
    assert!(tasks > 0);
    assert_eq!(titles, tasks);
    // 3.1.2's own text is its title on the list.
    let text_312: String = sqlx::query_scalar("SELECT text FROM tasks WHERE code = '3.1.2'")
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert!(flagged.contains(&text_312));
    // No “单位：…未报送” per unit: each reason once per task, its units after it.
    let unit_first = Regex::new(r"<li>[^<：]{2,12}：20\d\d年").unwrap();
    assert!(!unit_first.is_match(flagged), "a reason starts with a unit");
    for t in flagged.split("<p class=\"flag-task\">").skip(1) {
        let lines = list_items(t);
        let reasons: Vec<&str> = lines
            .iter()
            .map(|l| l.rsplit_once('：').map_or(l.as_str(), |(r, _)| r))
            .collect();
        for (i, r) in reasons.iter().enumerate() {
            assert!(!reasons[i + 1..].contains(r), "{r} twice: {lines:?}");
        }
    }
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn pages_name_periods_by_their_labels(pool: PgPool) {
    let w = demo(pool).await;
    q3(&w, "3.1.1", RETURNED, returned()).await;
    let key = Regex::new(r"20\d\d-(Q\d|H\d|\d\d)").unwrap();
    let forms = Regex::new(r"(?s)<form.*?</form>").unwrap();
    let pages = [
        "/summary".to_string(),
        "/tasks/3.1.1".into(),
        "/tasks/3.1.2".into(),
        format!("/units/{}", w.unit_a),
        format!("/units/{}", w.unit_b),
        "/units".into(),
        "/tasks".into(),
    ];
    for page in &pages {
        for c in [&w.office, &w.leader] {
            let body = c.get(page).await.body;
            // Forms are left out: their hints show the format a date is typed in.
            let body = forms.replace_all(&body, " ");
            let shown = text(&body);
            let found: Vec<&str> = key.find_iter(&shown).map(|m| m.as_str()).collect();
            assert!(found.is_empty(), "{page} shows {found:?}");
        }
    }
    let summary = text(&w.leader.get("/summary").await.body);
    assert!(summary.contains("截至 2022年10月20日"));
    assert!(summary.contains("2022年第二季度"));
}
