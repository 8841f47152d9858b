//! 报送提醒 as they reach people: a quarter walked day by day under `DUBAN_TODAY` with the real
//! `duban notify run-once` and a real SMTP server; the office's and leaders' weekly digests;
//! a submission reaching the office; the notification settings page.

use crate::common::{self, Setup, World, office_caller, sample_report};
use crate::notify::{Receiver, Smtp, count, plain_text};
use axum::http::StatusCode;
use chrono::NaiveDate;
use sqlx::PgPool;
use std::process::Command;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, m, day).unwrap()
}

/// 公安部's liaison has an address; nothing of the world's own history is in the outbox.
async fn world(pool: PgPool) -> World {
    let w = World::build(pool, Setup::on(d(7, 20))).await;
    sqlx::query("TRUNCATE notice_events CASCADE")
        .execute(&w.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE users SET email = 'gab@example.gov.cn' WHERE id = $1")
        .bind(w.ids.liaison_a)
        .execute(&w.pool)
        .await
        .unwrap();
    w
}

/// 公安部's report on `code` for `period`, sent by the user `by`.
async fn submit_for_unit_a(w: &World, by: i64, code: &str, period: &str) {
    let mut input = sample_report(true);
    input.period = period.into();
    duban::workflows::progress::save_report(
        &w.pool,
        &office_caller(by),
        w.plan_id,
        code,
        w.unit_a,
        input,
        None,
    )
    .await
    .unwrap();
}

/// `duban notify run-once` on `day`, as cron would run it; gives what it printed.
fn run_once(w: &World, smtp: &Smtp, day: NaiveDate) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["notify", "run-once"])
        .env("DATABASE_URL", common::database_url(&w.pool))
        .env("DUBAN_TODAY", day.to_string())
        .env("DUBAN_SMTP_URL", format!("smtp://127.0.0.1:{}", smtp.port))
        .env("DUBAN_PUBLIC_URL", "https://duban.example.gov.cn")
        .output()
        .expect("duban notify run-once");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_reminders_of_a_quarter_arrive_on_their_days(pool: PgPool) {
    let smtp = Smtp::start().await;
    let w = world(pool).await;
    let mut seen: std::collections::HashSet<String> = Default::default();
    let mut by_day: Vec<(NaiveDate, Vec<String>)> = Vec::new();
    for day in d(9, 30).iter_days().take_while(|x| *x <= d(10, 12)) {
        if day == d(10, 5) {
            // 公安部 sends its Q3 report on 1.3.1 between the 7-day and the 3-day reminder.
            submit_for_unit_a(&w, w.ids.office, "1.3.1", "2022-Q3").await;
        }
        let printed = run_once(&w, &smtp, day);
        assert!(printed.contains("的报送提醒"), "{printed}");
        let new: Vec<String> = smtp
            .mails()
            .into_iter()
            .filter(|m| seen.insert(m.clone()))
            .map(|m| plain_text(&m))
            .collect();
        by_day.push((day, new));
    }
    let on = |day: NaiveDate| &by_day.iter().find(|(x, _)| *x == day).unwrap().1;
    let with = |day: NaiveDate, needle: &str| on(day).iter().filter(|t| t.contains(needle)).count();

    // 2022-Q3 is due on 10 October: 7 days before, 3 days before, on the day.
    let seven = "将于2022年10月10日截止报送（还有7天）";
    let three = "将于2022年10月10日截止报送（还有3天）";
    let today = "今日（2022年10月10日）截止报送";
    assert_eq!(with(d(10, 3), seven), 1, "{:?}", on(d(10, 3)));
    for day in [d(9, 30), d(10, 1), d(10, 2), d(10, 4), d(10, 5), d(10, 6)] {
        assert_eq!(with(day, "截止报送"), 0, "{day}: {:?}", on(day));
    }
    assert_eq!(with(d(10, 7), three), 1);
    assert_eq!(with(d(10, 8), "截止报送") + with(d(10, 9), "截止报送"), 0);
    assert_eq!(with(d(10, 10), today), 1);
    // The 7-day reminder named 1.3.1; after its report was sent, the later ones do not.
    let named = |day: NaiveDate, needle: &str, code: &str| {
        on(day)
            .iter()
            .any(|t| t.contains(needle) && t.contains(&format!("任务{code}：2022年第三季度")))
    };
    assert!(named(d(10, 3), seven, "1.3.1"));
    assert!(!named(d(10, 7), three, "1.3.1"));
    assert!(named(d(10, 7), three, "1.2.2"), "{:?}", on(d(10, 7)));
    // Every day, the periods already overdue (2022-Q1 and Q2 were never sent); from 11 October
    // 2022-Q3 among them.
    for (day, texts) in &by_day {
        assert_eq!(
            texts.iter().filter(|t| t.contains("逾期未报提醒")).count(),
            1,
            "{day}"
        );
    }
    let overdue = |day| on(day).iter().find(|t| t.contains("逾期未报提醒")).unwrap();
    assert!(!overdue(d(10, 10)).contains("2022年第三季度"));
    assert!(
        overdue(d(10, 11))
            .contains("任务1.2.2：2022年第三季度进展情况，应于2022年10月10日前报送，已逾期1天")
    );
    assert!(overdue(d(10, 12)).contains("已逾期2天"));
    assert!(overdue(d(10, 12)).contains("查看：https://duban.example.gov.cn/my?plan="));

    // Each reminder exists once: a second run on a day writes and sends nothing.
    let printed = run_once(&w, &smtp, d(10, 12));
    assert!(printed.contains("此前已生成"), "{printed}");
    assert_eq!(smtp.mails().len(), seen.len());
    assert_eq!(
        count(
            &w.pool,
            "SELECT count(*) FROM (SELECT unit_id, task_id, period, kind, day, count(*)
                                   FROM reminders GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) x"
        )
        .await,
        0
    );
    // 海关总署's liaison has no address: the reminders are in the inbox all the same.
    let inbox = w.liaison_b.get("/inbox").await.body;
    assert!(inbox.contains("逾期未报提醒"), "{inbox}");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_closed_task_and_a_submitted_report_are_not_reminded(pool: PgPool) {
    let w = world(pool).await;
    let version: i32 =
        sqlx::query_scalar("SELECT version FROM tasks WHERE plan_id = $1 AND code = '1.2.2'")
            .bind(w.plan_id)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    duban::workflows::progress::set_closed(
        &w.pool,
        &office_caller(w.ids.office),
        w.plan_id,
        "1.2.2",
        version,
        Some("已完成"),
    )
    .await
    .unwrap();
    let run = duban::workflows::notify::reminders::run_for_day(&w.pool, d(10, 11))
        .await
        .unwrap();
    assert!(run.ran && run.reminders > 0 && run.messages > 0, "{run:?}");
    let of = |code: &str| {
        format!(
            "SELECT count(*) FROM reminders r JOIN tasks t ON t.id = r.task_id
             WHERE t.code = '{code}' AND r.unit_id = {}",
            w.unit_a
        )
    };
    assert_eq!(count(&w.pool, &of("1.2.2")).await, 0, "closed");
    assert!(count(&w.pool, &of("1.3.1")).await > 0);
    // A second process on the same day writes nothing.
    let again = duban::workflows::notify::reminders::run_for_day(&w.pool, d(10, 11))
        .await
        .unwrap();
    assert!(!again.ran);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn on_mondays_the_office_and_the_leaders_get_their_digest(pool: PgPool) {
    let (receiver, url) = Receiver::start(0).await;
    let w = world(pool).await;
    // The office's own robot.
    let r = w
        .office
        .post(
            "/admin/notifications/office-channel",
            &[
                ("webhook_url", url.as_str()),
                ("webhook_secret", "office-key"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Tuesday 11 October: no digest.
    let run = duban::workflows::notify::reminders::run_for_day(&w.pool, d(10, 11))
        .await
        .unwrap();
    assert!(run.ran);
    assert!(!w.office.get("/inbox").await.body.contains("本周督办情况"));
    // Monday 17 October.
    duban::workflows::notify::reminders::run_for_day(&w.pool, d(10, 17))
        .await
        .unwrap();
    let office = w.office.get("/inbox").await.body;
    assert!(
        office.contains("本周督办情况：2022年第三季度逾期未报"),
        "{office}"
    );
    assert!(office.contains("公安部："), "late units are named");
    assert!(office.contains("待审核0份；退回待重报0份；需协调事项待答复0项。"));
    let leader = w.leader.get("/inbox").await.body;
    assert!(leader.contains("本周红灯事项"), "{leader}");
    assert!(
        leader.contains("任务1.1.1："),
        "red items with their reasons"
    );
    assert!(
        !w.liaison_a
            .get("/inbox")
            .await
            .body
            .contains("本周督办情况")
    );

    // The office's webhook got the office's digest, signed with its secret.
    let ch = duban::workflows::notify::worker::Channels::new(
        None,
        "duban@localhost",
        "https://duban.example.gov.cn",
        std::time::Duration::ZERO,
        std::time::Duration::from_secs(300),
    )
    .unwrap();
    duban::workflows::notify::worker::run_once(&w.pool, &ch)
        .await
        .unwrap();
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0]["kind"], "weekly_office");
    let (headers, body) = receiver.got.lock().unwrap()[0].clone();
    assert_eq!(
        headers["x-duban-signature"].to_str().unwrap(),
        duban::workflows::notify::worker::signature("office-key", &body)
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_submitted_report_reaches_the_office(pool: PgPool) {
    let w = world(pool).await;
    submit_for_unit_a(&w, w.ids.liaison_a, "1.3.1", "2022-Q2").await;
    let office = w.office.get("/inbox").await.body;
    assert!(
        office.contains("公安部报送了2022年第二季度进展情况"),
        "{office}"
    );
    // It is a digest part by default: a submission at a time would bury the office's mail.
    sqlx::query("UPDATE users SET email = 'office@example.gov.cn' WHERE id = $1")
        .bind(w.ids.office)
        .execute(&w.pool)
        .await
        .unwrap();
    submit_for_unit_a(&w, w.ids.liaison_a, "1.2.2", "2022-Q2").await;
    assert_eq!(
        count(
            &w.pool,
            "SELECT count(*) FROM deliveries WHERE address = 'office@example.gov.cn' AND digest"
        )
        .await,
        1
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_settings_page_keeps_an_address_and_a_mode_per_kind(pool: PgPool) {
    let w = world(pool).await;
    let page = w.liaison_a.get("/account/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("报送提醒（截止前7天）"));
    assert!(page.body.contains("value=\"gab@example.gov.cn\""));
    assert!(!page.body.contains("每周红灯事项"), "a leader's kind");

    // A wrong address and an unknown mode: refused beside the fields, what was typed kept,
    // nothing saved.
    let r = w
        .liaison_a
        .post(
            "/account/notifications",
            &[("email", "gab at example"), ("urged", "sometimes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不是有效的电子邮箱地址"), "{}", r.body);
    assert!(r.body.contains("请选择不发邮件、立即发送或每日汇总"));
    assert!(r.body.contains("value=\"gab at example\""));
    assert_eq!(count(&w.pool, "SELECT count(*) FROM notice_prefs").await, 0);

    // Urges by digest, reminders not by mail; the address omitted is left as it is.
    let r = w
        .liaison_a
        .post(
            "/account/notifications",
            &[("urged", "digest"), ("overdue", "none")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = w.liaison_a.get("/account/notifications?saved=1").await.body;
    assert!(page.contains("已保存通知设置"));
    assert!(page.contains("value=\"gab@example.gov.cn\""));
    assert!(page.contains("name=\"urged\" value=\"digest\" checked"));

    // An overdue reminder now reaches the inbox only; an urge waits for the digest.
    duban::workflows::notify::reminders::run_for_day(&w.pool, d(10, 11))
        .await
        .unwrap();
    assert_eq!(
        count(
            &w.pool,
            &format!(
                "SELECT count(*) FROM deliveries WHERE user_id = {}",
                w.ids.liaison_a
            )
        )
        .await,
        0
    );
    let r = w
        .office
        .post(
            "/urges",
            &[
                ("period", "2022-Q2"),
                ("unit", &w.unit_a.to_string()),
                ("message", "请尽快报送。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        count(
            &w.pool,
            &format!(
                "SELECT count(*) FROM deliveries WHERE user_id = {} AND digest AND next_at > now()",
                w.ids.liaison_a
            )
        )
        .await,
        1
    );
}
