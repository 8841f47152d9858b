//! An issued 督办通报 is frozen: whatever changes in the code after it was issued, its page must
//! still read the same. `fixtures/edition-2022-1.json` is an edition's row as the database held
//! it (issued on the demo data on 2022-10-20 by the code of its day); `edition-2022-1.html` is
//! the page it rendered. Both are written anew only with `DUBAN_BLESS_EDITION=1`, which is for
//! the day the page is meant to change; never to make this test pass.

use crate::common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::Client;
use duban::rules::auth::Role;
use duban::web::{AppState, WebConfig, create_app};
use sqlx::PgPool;
use std::path::PathBuf;

const AS_OF: (i32, u32, u32) = (2022, 10, 20);

fn fixture(name: &str) -> PathBuf {
    common::root().join("tests/fixtures").join(name)
}

fn bless() -> bool {
    std::env::var("DUBAN_BLESS_EDITION").is_ok_and(|v| v == "1")
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).unwrap()
}

/// Issues an edition on the demo data with the code of today and returns its row as stored.
async fn issue_on_demo_data(pool: &PgPool) -> serde_json::Value {
    duban::workflows::demo::generate(pool, &common::seeds())
        .await
        .expect("demo data");
    let plan_id: i64 = sqlx::query_scalar("SELECT id FROM plans WHERE year = 2022")
        .fetch_one(pool)
        .await
        .unwrap();
    let id = duban::workflows::editions::issue(pool, &Default::default(), plan_id, as_of())
        .await
        .expect("issue");
    sqlx::query_scalar(
        "SELECT jsonb_build_object('year', year, 'number', number, 'as_of', as_of,
                                   'issued_at', issued_at, 'snapshot', snapshot)
         FROM editions WHERE id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_issued_edition_renders_as_it_did_when_issued(pool: PgPool) {
    let row: serde_json::Value = if bless() {
        let row = issue_on_demo_data(&pool).await;
        std::fs::write(
            fixture("edition-2022-1.json"),
            serde_json::to_string_pretty(&row).unwrap() + "\n",
        )
        .unwrap();
        sqlx::query("DELETE FROM editions")
            .execute(&pool)
            .await
            .ok();
        row
    } else {
        common::seed(&pool).await;
        let text = std::fs::read_to_string(fixture("edition-2022-1.json")).expect("fixture");
        serde_json::from_str(&text).expect("fixture is JSON")
    };
    // The frozen row goes in as the database held it; the freeze trigger allows inserts.
    let plan_id: i64 = sqlx::query_scalar("SELECT id FROM plans WHERE year = 2022")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("ALTER TABLE editions DISABLE TRIGGER editions_frozen")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM editions")
        .execute(&pool)
        .await
        .unwrap();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO editions (plan_id, year, number, as_of, issued_at, snapshot)
         SELECT $1, (r->>'year')::int, (r->>'number')::int, (r->>'as_of')::date,
                (r->>'issued_at')::timestamptz, r->'snapshot'
         FROM (SELECT $2::jsonb AS r) x RETURNING id",
    )
    .bind(plan_id)
    .bind(&row)
    .fetch_one(&pool)
    .await
    .unwrap();

    common::create_user(&pool, "office", Role::Office, None).await;
    let app = create_app(AppState::with_config(
        pool.clone(),
        WebConfig {
            today: Some(as_of()),
            ..WebConfig::default()
        },
    ));
    let office = Client::signed_in(&app, "office").await;
    let r = office.get(&format!("/editions/{id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The row's id is the only thing that differs from one database to the next; the assets'
    // content hashes (`style.css?v=…`) name today's style sheet, not the edition.
    let page = r.body.replace(&format!("/editions/{id}"), "/editions/ID");
    let page = regex::Regex::new(r"\?v=[0-9a-f]{12}")
        .unwrap()
        .replace_all(&page, "")
        .into_owned();
    let committed = fixture("edition-2022-1.html");
    if bless() {
        std::fs::write(&committed, &page).unwrap();
    }
    let expected = std::fs::read_to_string(&committed).expect("committed page");
    // Indentation and blank lines left by the templates' tags are no part of what it says.
    let lines = |html: &str| -> Vec<String> {
        html.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect()
    };
    assert!(
        lines(&page) == lines(&expected),
        "the frozen edition no longer renders as committed in {}; the page now:\n{page}",
        committed.display()
    );
}
