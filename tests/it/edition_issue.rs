//! 发布通报 after a preview: nothing issued by the preview, one edition per confirmation, and
//! none when the content is that of the last edition.

use crate::common::{self, Setup, World, probe};
use axum::http::StatusCode;
use chrono::NaiveDate;
use sqlx::PgPool;

fn hidden(body: &str, name: &str) -> String {
    body.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_edition_is_previewed_issued_once_and_never_twice_the_same(pool: PgPool) {
    let day = NaiveDate::from_ymd_opt(2022, 7, 20).unwrap();
    let w = World::build(pool, Setup::on(day).with_reports()).await;
    let o = &w.office;
    let preview = o.post("/editions", &[]).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("<h1>预览新一期通报</h1>"));
    assert!(preview.body.contains("<th scope=\"row\">任务总数</th>"));
    assert!(preview.body.contains(">确认发布</button>"));
    assert_eq!(
        probe::count(&w.pool, "editions").await,
        0,
        "a preview issues nothing"
    );
    let form = [
        ("plan", hidden(&preview.body, "plan")),
        ("last", hidden(&preview.body, "last")),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = o.post("/editions/confirm", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().starts_with("/editions/"));
    assert_eq!(probe::count(&w.pool, "editions").await, 1);

    // The same confirmation again (a double click): refused, still one edition.
    let again = o.post("/editions/confirm", &form).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again
            .body
            .contains("role=\"alert\" id=\"e-issue\">自预览以来已有新的一期通报发布")
    );
    assert_eq!(probe::count(&w.pool, "editions").await, 1);

    // Nothing has changed: the preview says so and offers no confirmation; confirming anyway
    // is refused.
    let same = o.post("/editions", &[]).await;
    assert!(
        same.body
            .contains("本期通报内容与上一期（2022年第1期）完全相同，无需发布。")
    );
    assert!(!same.body.contains(">确认发布</button>"));
    let last = hidden(&same.body, "last");
    let plan = hidden(&same.body, "plan");
    let refused = o
        .post("/editions/confirm", &[("plan", &plan), ("last", &last)])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused
            .body
            .contains("本期通报内容与上一期（2022年第1期）完全相同，未发布新一期。")
    );
    assert_eq!(probe::count(&w.pool, "editions").await, 1);

    // The plan moves on: a new edition can be issued.
    let caller = common::office_caller(w.ids.office);
    let v = probe::task_version(&w.pool, "7.2.2").await;
    duban::workflows::progress::set_closed(&w.pool, &caller, w.plan_id, "7.2.2", v, Some("完成"))
        .await
        .unwrap();
    let r = common::issue_edition(o).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(probe::count(&w.pool, "editions").await, 2);
}
