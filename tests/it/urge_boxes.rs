//! `/reporting`'s urge boxes: none ticked at first or after sending, a send with none ticked
//! says so, and the notice names the units urged.

use crate::common::{Setup, World};
use axum::http::StatusCode;
use chrono::NaiveDate;
use sqlx::PgPool;

fn urge_boxes(body: &str) -> (Vec<String>, usize) {
    let form = body
        .split("action=\"/urges\"")
        .nth(1)
        .expect("the urge form")
        .split("</form>")
        .next()
        .unwrap();
    let ids = form
        .split("name=\"unit\" value=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect();
    (ids, form.matches(" checked").count())
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn urging_ticks_nothing_says_when_nothing_is_ticked_and_names_who_was_urged(pool: PgPool) {
    let day = NaiveDate::from_ymd_opt(2022, 7, 20).unwrap();
    let w = World::build(pool, Setup::on(day).with_every_state()).await;
    let page = w.office.get("/reporting?period=2022-Q2").await;
    assert_eq!(page.status, StatusCode::OK);
    let (ids, ticked) = urge_boxes(&page.body);
    assert!(ids.len() >= 2, "units to urge: {ids:?}");
    assert_eq!(ticked, 0, "nothing pre-ticked");

    // Sent with none ticked: said beside the boxes, nothing sent, the text kept.
    let r = w
        .office
        .post(
            "/urges",
            &[("period", "2022-Q2"), ("message", "请尽快报送二季度进展")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("id=\"e-units\">请选择要催办的单位：尚未勾选任何单位。")
    );
    assert!(r.body.contains(">请尽快报送二季度进展</textarea>"));
    assert_eq!(urge_boxes(&r.body).1, 0);
    assert_eq!(crate::common::probe::count(&w.pool, "urges").await, 0);

    // Two units ticked: both urged, named in the notice; nothing ticked afterwards.
    let r = w
        .office
        .post(
            "/urges",
            &[
                ("period", "2022-Q2"),
                ("unit", &ids[0]),
                ("unit", &ids[1]),
                ("message", "请尽快报送二季度进展"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(crate::common::probe::count(&w.pool, "urges").await, 2);
    let name = |id: &str| {
        let pool = w.pool.clone();
        let id: i64 = id.parse().unwrap();
        async move {
            sqlx::query_scalar::<_, String>("SELECT short_name FROM units WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (a, b) = (name(&ids[0]).await, name(&ids[1]).await);
    let after = w.office.get(r.location()).await;
    assert!(
        after
            .body
            .contains(&format!("已向 2 个单位发出催办：{a}、{b}。")),
        "{}",
        r.location()
    );
    assert_eq!(urge_boxes(&after.body).1, 0, "not re-ticked after sending");
}
