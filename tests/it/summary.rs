//! The summary page: every figure checked against direct SQL counts on a seeded scenario, the
//! links, the "as of" view and who sees which rows.

use crate::common;
use crate::common::probe;
use duban::rules::vocabulary::ReportContent;
use probe::number as scalar;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::{Client, create_user};
use duban::rules::auth::Role;
use duban::web::{AppState, WebConfig, create_app};
use duban::workflows::progress::{self, Assessment, Caller, Decision, ReportInput, ReportStatus};
use sqlx::PgPool;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// 公安部 reports on time on 3.1.1 and 3.1.2 (one accepted at risk), 海关总署 is returned on
/// 1.4.1, task 7.1.2 is closed; everything else is still to report.
async fn scenario(pool: &PgPool) -> (i64, Caller) {
    let plan = common::seed(pool).await[0];
    let office = create_user(pool, "office", Role::Office, None).await;
    let caller = common::office_caller(office);
    let unit = |name: &'static str| async move {
        scalar(
            pool,
            &format!("SELECT id FROM units WHERE short_name = '{name}'"),
        )
        .await
    };
    let input = |work: &str| ReportInput {
        period: "2022-Q2".into(),
        content: ReportContent {
            status: ReportStatus::InProgress,
            self_assessment: Assessment::OnTrack,
            work_done: work.into(),
            problems: String::new(),
            next_steps: String::new(),
        },
        coordination: vec![],
        submit: true,
    };
    let gab = unit("公安部").await;
    let r = progress::save_report(pool, &caller, plan, "3.1.1", gab, input("昆仑行动"), None)
        .await
        .unwrap();
    progress::review(
        pool,
        &caller,
        r.id,
        r.version,
        Decision::Accept {
            office_assessment: Some(Assessment::AtRisk),
        },
    )
    .await
    .unwrap();
    progress::save_report(pool, &caller, plan, "3.1.2", gab, input("挂牌督办"), None)
        .await
        .unwrap();
    let hg = unit("海关总署").await;
    let r = progress::save_report(pool, &caller, plan, "1.4.1", hg, input("龙腾行动"), None)
        .await
        .unwrap();
    progress::review(
        pool,
        &caller,
        r.id,
        r.version,
        Decision::Return {
            reason: "请补充".into(),
            office_assessment: None,
        },
    )
    .await
    .unwrap();
    let v: i32 = probe::task_version(pool, "7.1.2").await;
    progress::set_closed(pool, &caller, plan, "7.1.2", v, Some("培训已完成"))
        .await
        .unwrap();
    // First submissions dated inside the quarter, so that they count as on time.
    sqlx::query(
        "UPDATE reports SET first_submitted_at = '2022-07-01', submitted_at = '2022-07-01'",
    )
    .execute(pool)
    .await
    .unwrap();
    (plan, caller)
}

fn figure(body: &str, label: &str) -> i64 {
    let end = body
        .find(&format!("<span class=\"l\">{label}</span>"))
        .unwrap_or_else(|| panic!("no figure {label}"));
    let start = body[..end].rfind("<span class=\"n\">").unwrap() + "<span class=\"n\">".len();
    body[start..end]
        .split('<')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn every_figure_matches_the_database(pool: PgPool) {
    scenario(&pool).await;
    create_user(&pool, "boss", Role::Leader, None).await;
    let app = create_app(AppState::with_config(
        pool.clone(),
        WebConfig {
            today: Some(day(2022, 7, 5)),
            ..WebConfig::default()
        },
    ));
    let leader = Client::new(&app);
    // A leader lands on the summary.
    let r = leader.sign_in("boss", &common::password_of("boss")).await;
    assert_eq!(r.location(), "/summary");
    let page = leader.get("/summary").await;
    assert_eq!(page.status, StatusCode::OK);
    let b = &page.body;

    assert_eq!(
        figure(b, "任务总数"),
        scalar(&pool, "SELECT count(*) FROM tasks").await
    );
    assert_eq!(
        figure(b, "已办结"),
        scalar(
            &pool,
            "SELECT count(*) FROM tasks WHERE closed_at IS NOT NULL"
        )
        .await
    );
    let lights = figure(b, "已办结")
        + figure(b, "正常推进")
        + figure(b, "存在风险")
        + figure(b, "逾期/滞后");
    assert_eq!(lights, 91, "every task has exactly one light");
    // 3.1.2 reported and nothing else due: green. 3.1.1 accepted at risk: yellow; all the others
    // owe Q2 reports due on 2022-07-10, within 14 days: yellow.
    assert_eq!(figure(b, "正常推进"), 1);
    assert_eq!(figure(b, "存在风险"), 89);
    // Reports due this period (2022-Q2): one per unit of every open task.
    let due = scalar(&pool, "SELECT count(*) FROM task_units tu JOIN tasks t ON t.id = tu.task_id WHERE t.closed_at IS NULL").await;
    assert_eq!(figure(b, "本期应报"), due);
    let submitted = scalar(&pool, "SELECT count(*) FROM reports WHERE period = '2022-Q2' AND review_state IN ('submitted', 'accepted')").await;
    assert_eq!(figure(b, "本期未报"), due - submitted);

    // Per unit: led and co-owned tasks, as SQL counts them.
    for (unit, id) in sqlx::query_as::<_, (String, i64)>(
        "SELECT short_name, id FROM units WHERE short_name IN ('公安部', '海关总署', '药监局')",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        let led = scalar(
            &pool,
            &format!("SELECT count(*) FROM task_units WHERE unit_id = {id} AND role = 'lead'"),
        )
        .await;
        let co = scalar(
            &pool,
            &format!("SELECT count(*) FROM task_units WHERE unit_id = {id} AND role = 'co'"),
        )
        .await;
        assert!(
            b.contains(&format!("unit={id}&#38;role=lead\">{led}</a>")),
            "{unit} led {led}"
        );
        assert!(
            b.contains(&format!("unit={id}&#38;role=co\">{co}</a>")),
            "{unit} co {co}"
        );
    }
    // The compliance grid: the worst of each unit's reports per period (海关总署 returned; the
    // others still to come), and each unit's punctuality over the reports already judged.
    assert!(b.contains("punct-returned") && b.contains("punct-pending"));
    let row = b
        .split("<tr><th scope=\"row\">公安部")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap();
    assert!(
        row.contains("punct-pending") && row.ends_with("<td class=\"num\">100%</td>"),
        "{row}"
    );
    // Every figure links to the task view that explains it.
    assert!(
        b.contains("href=\"/tasks?light=yellow\"")
            && b.contains("href=\"/tasks?section=3&#38;light=red\"")
    );
    // The red and yellow list gives the reason.
    assert!(b.contains("最新采纳的报告办公室评估为“存在风险”"), "{b}");
    assert!(b.contains("昆仑行动"), "latest accepted report shown");
}

async fn closed(c: &Client) -> i64 {
    figure(&c.get("/summary").await.body, "已办结")
}

/// Each process keeps summaries under the data revision. Two processes (two app states) on one
/// database: a change made through either, or straight in the database, shows on the next page
/// of both; a change that bypasses the revision proves the page really is kept.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_kept_summary_follows_every_change_from_any_process(pool: PgPool) {
    let (plan, caller) = scenario(&pool).await;
    create_user(&pool, "boss", Role::Leader, None).await;
    let process = || {
        create_app(AppState::with_config(
            pool.clone(),
            WebConfig {
                today: Some(day(2022, 7, 5)),
                ..WebConfig::default()
            },
        ))
    };
    let (a, b) = (process(), process());
    let (la, lb) = (
        Client::signed_in(&a, "boss").await,
        Client::signed_in(&b, "boss").await,
    );
    assert_eq!((closed(&la).await, closed(&lb).await), (1, 1));

    // Written without raising the revision (as only the bulk loader may): both still show what
    // they keep.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SELECT set_config('duban.bulk_load', 'on', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE tasks SET closed_at = now(), closing_note = '已完成' WHERE code = '1.1.1'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((closed(&la).await, closed(&lb).await), (1, 1));

    // Closing a task through duban writes several rows in one transaction: the revision rises
    // once, and both processes show the change at once.
    let before = scalar(&pool, "SELECT revision FROM data_revision").await;
    let v: i32 = probe::task_version(&pool, "1.1.2").await;
    progress::set_closed(&pool, &caller, plan, "1.1.2", v, Some("已完成"))
        .await
        .unwrap();
    assert_eq!(
        scalar(&pool, "SELECT revision FROM data_revision").await,
        before + 1
    );
    assert_eq!((closed(&la).await, closed(&lb).await), (3, 3));

    // A change made straight in the database by someone else is seen too.
    sqlx::query(
        "UPDATE tasks SET closed_at = NULL, closing_note = NULL WHERE code IN ('1.1.1', '1.1.2')",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!((closed(&la).await, closed(&lb).await), (1, 1));
    // A rolled-back change raises nothing.
    let before = scalar(&pool, "SELECT revision FROM data_revision").await;
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("UPDATE tasks SET closed_at = now(), closing_note = '已完成' WHERE code = '1.1.1'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(
        scalar(&pool, "SELECT revision FROM data_revision").await,
        before
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_page_as_it_stood_on_a_past_date(pool: PgPool) {
    scenario(&pool).await;
    // Move the history back in time: closed on 2022-08-01, reports' events on 2022-07-01.
    sqlx::query("UPDATE task_history SET at = '2022-08-01' WHERE kind = 'closure'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE report_events SET at = '2022-07-01'")
        .execute(&pool)
        .await
        .unwrap();
    create_user(&pool, "boss", Role::Leader, None).await;
    let app = create_app(AppState::with_config(
        pool.clone(),
        WebConfig {
            today: Some(day(2022, 9, 1)),
            ..WebConfig::default()
        },
    ));
    let c = Client::signed_in(&app, "boss").await;
    let now = c.get("/summary").await.body;
    let then = c.get("/summary?as_of=2022-07-15").await.body;
    assert_eq!(figure(&now, "已办结"), 1);
    assert_eq!(
        figure(&then, "已办结"),
        0,
        "7.1.2 was not yet closed on 2022-07-15"
    );
    // On 2022-07-15 the Q2 reports not in were overdue: red.
    assert!(figure(&then, "逾期/滞后") > 80);
    assert!(then.contains("截至 2022年7月15日"));
    // The trend runs through the periods to the day.
    assert!(
        now.contains("<th scope=\"row\">2022年第二季度</th>")
            && now.contains("<th scope=\"row\">2022年9月1日</th>")
    );
    assert_eq!(
        c.get("/summary?as_of=2099-01-01").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.get("/summary?as_of=yesterday").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_liaison_sees_the_summary_with_their_own_rows(pool: PgPool) {
    scenario(&pool).await;
    create_user(&pool, "gab", Role::Liaison, Some("公安部")).await;
    let app = create_app(AppState::with_config(
        pool.clone(),
        WebConfig {
            today: Some(day(2022, 7, 5)),
            ..WebConfig::default()
        },
    ));
    let c = Client::signed_in(&app, "gab").await;
    let b = c.get("/summary").await.body;
    assert!(b.contains(">公安部</a></th>"));
    assert!(!b.contains(">海关总署</a></th>") && !b.contains("<th scope=\"row\">海关总署</th>"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn editions_are_numbered_frozen_and_comparable(pool: PgPool) {
    let (plan, caller) = scenario(&pool).await;
    create_user(&pool, "boss", Role::Leader, None).await;
    let app = create_app(AppState::with_config(
        pool.clone(),
        WebConfig {
            today: Some(day(2022, 7, 5)),
            ..WebConfig::default()
        },
    ));
    let office = Client::signed_in(&app, "office").await;
    let r = common::issue_edition(&office).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let first = r.location().to_string();
    let page = office.get(&first).await.body;
    assert!(page.contains("督办通报 2022年第1期") && page.contains("本期通报于发布时冻结"));
    assert_eq!(figure(&page, "已办结"), 1);
    // The plan moves on: another task closed; the first edition does not change.
    let v: i32 = probe::task_version(&pool, "7.2.2").await;
    progress::set_closed(&pool, &caller, plan, "7.2.2", v, Some("完成"))
        .await
        .unwrap();
    assert_eq!(figure(&office.get(&first).await.body, "已办结"), 1);
    let second = common::issue_edition(&office).await.location().to_string();
    let page = office.get(&second).await.body;
    assert!(page.contains("2022年第2期"));
    assert_eq!(figure(&page, "已办结"), 2);
    // Side by side.
    let (a, b) = (
        first.trim_start_matches("/editions/"),
        second.trim_start_matches("/editions/"),
    );
    let cmp = office.get(&format!("/editions?a={a}&b={b}")).await.body;
    assert!(cmp.contains("<th scope=\"row\">已办结</th><td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">+1</td>"), "{cmp}");
    // Exported as a workbook.
    let r = office.get(&format!("{first}/xlsx")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-disposition").starts_with("attachment;"));
    // Frozen in the database too.
    let changed = sqlx::query("UPDATE editions SET number = 9")
        .execute(&pool)
        .await;
    assert!(changed.is_err());
    // Leaders read editions; only the office issues them.
    let leader = Client::signed_in(&app, "boss").await;
    assert_eq!(leader.get(&first).await.status, StatusCode::OK);
    assert_eq!(
        leader.post("/editions", &[]).await.status,
        StatusCode::FORBIDDEN
    );
}
