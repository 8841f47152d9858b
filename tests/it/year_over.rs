//! A first start years after the plan explains itself: the summary and the office's desk say
//! the plan's year is over, that the lights are judged on today, and link to the year's end.
//! Within the year, and on the summary looking back into it, the line is absent.

use crate::common::{Setup, World};
use axum::http::StatusCode;
use chrono::NaiveDate;
use sqlx::PgPool;

const LINE: &str = "本工作要点年度已结束";
const LINK: &str = "href=\"/summary?as_of=2022-12-31\"";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_past_years_plan_says_so_on_the_summary_and_the_desk(pool: PgPool) {
    let w = World::build(pool, Setup::on(day(2026, 12, 2))).await;
    for (who, path) in [
        ("office", "/"),
        ("office", "/summary"),
        ("leader", "/summary"),
    ] {
        let client = if who == "office" {
            &w.office
        } else {
            &w.leader
        };
        let r = client.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{who} {path}");
        assert!(
            r.body.contains(
                "本工作要点年度已结束，红黄绿灯按今天（2026年12月2日）判断；<a href=\"/summary?as_of=2022-12-31\">查看截至2022年12月31日的情况</a>。"
            ),
            "{who} {path}: {}",
            r.body
        );
    }
    // The link shows the year as it ended, and that page no longer says it.
    let r = w.office.get("/summary?as_of=2022-12-31").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("截至 2022年12月31日"), "{}", r.body);
    assert!(!r.body.contains(LINE), "{}", r.body);
    // A date after the year still judges on a past year: the line stays.
    let r = w.office.get("/summary?as_of=2023-03-01").await;
    assert!(r.body.contains(LINE), "{}", r.body);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn within_the_year_nothing_is_said(pool: PgPool) {
    let w = World::build(pool, Setup::on(day(2022, 12, 31))).await;
    for (client, path) in [
        (&w.office, "/"),
        (&w.office, "/summary"),
        (&w.leader, "/summary"),
    ] {
        let r = client.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(!r.body.contains(LINE), "{path}: {}", r.body);
        assert!(!r.body.contains(LINK), "{path}: {}", r.body);
    }
}
