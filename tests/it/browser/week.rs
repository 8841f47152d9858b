//! The first week of each role, clicked through in Chromium on the demo data as of 2022-10-20:
//! the office's desk counts what waits and names 本期 as the period just due (2022年第三季度,
//! not the open fourth quarter); nothing on `/tasks` or `/reporting` comes ticked; a bulk change
//! is confirmed, then undone to exactly what stood before; a liaison's text survives a file
//! chosen in the same form; a leader lands on the summary of the same 本期.

use super::paper::{TODAY, demo};
use super::{Browser, DESKTOP, Server};
use crate::common;
use crate::common::probe;
use common::turns::Suite;
use duban::workflows::demo::DEMO_PASSWORD;
use fantoccini::Locator;
use sqlx::PgPool;

/// Each task's units as `code: unit/role …`, to compare before and after.
async fn units_of(pool: &PgPool, codes: &[&str]) -> Vec<String> {
    let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    sqlx::query_scalar(
        "SELECT t.code || ': ' || string_agg(tu.unit_id || '/' || tu.role::text, ' '
                ORDER BY tu.role, tu.position)
         FROM tasks t JOIN task_units tu ON tu.task_id = t.id
         WHERE t.code = ANY($1) GROUP BY t.code ORDER BY t.code",
    )
    .bind(&codes)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn checked(b: &Browser, css: &str) -> i64 {
    b.js(&format!(
        "return document.querySelectorAll('{css}:checked').length"
    ))
    .await
    .as_i64()
    .unwrap()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_first_week_as_each_role(pool: PgPool) {
    let _turn = common::turns::turn(Suite::Browser).await;
    let ids = demo(&pool).await;
    let server = Server::start_on(&pool, TODAY);
    let b = Browser::start(DESKTOP).await;

    // The office's desk: the reports waiting, 本期 the period just due.
    b.sign_in_with(&server, "demo-office", DEMO_PASSWORD).await;
    b.go(&server.url("/")).await;
    let desk = b.text().await;
    let waiting = probe::number(
        &pool,
        "SELECT count(*) FROM reports WHERE review_state = 'submitted'",
    )
    .await;
    let shown = b
        .js("return document.querySelector('#desk-review .n').textContent")
        .await;
    assert_eq!(shown.as_str(), Some(waiting.to_string().as_str()), "{desk}");
    assert!(desk.contains("本期：2022年第三季度"), "{desk}");
    assert!(desk.contains("逾期未报"), "{desk}");
    assert!(
        b.text().await.contains(&format!("审核 {waiting}")),
        "the menu counts the queue"
    );

    // /tasks: nothing ticked; two tasks ticked by hand get 贸促会 after a confirmation naming
    // it and both tasks; 撤销 puts them back exactly.
    b.go(&server.url("/tasks")).await;
    assert_eq!(checked(&b, "input[name=task]").await, 0);
    let picked = ["1.1.1", "1.1.2"];
    let before = units_of(&pool, &picked).await;
    for code in picked {
        b.click(&format!("[id='pick-{code}']")).await;
    }
    b.select("#bulk-unit", "贸促会").await;
    b.follow("#bulk button[value=add]").await;
    let confirm = b.text().await;
    assert!(
        confirm.contains("贸促会") && confirm.contains("1.1.1") && confirm.contains("1.1.2"),
        "{confirm}"
    );
    assert_eq!(
        units_of(&pool, &picked).await,
        before,
        "nothing before 确认"
    );
    b.follow("form[action='/tasks/bulk-units/confirm'] button[type=submit]")
        .await;
    let done = b.text().await;
    assert!(done.contains("贸促会") && done.contains("撤销"), "{done}");
    assert_ne!(units_of(&pool, &picked).await, before);
    assert_eq!(checked(&b, "input[name=task]").await, 0, "not ticked again");
    b.follow(".bulk-notice button[type=submit]").await;
    assert_eq!(units_of(&pool, &picked).await, before, "undone exactly");

    // /reporting opens on 本期, no unit ticked for urging.
    b.go(&server.url("/reporting")).await;
    assert!(b.text().await.contains("2022年第三季度"));
    assert_eq!(checked(&b, "#urge input[name=unit]").await, 0);
    b.sign_out().await;

    // The liaison: text typed, then a file chosen in the same form, saved together.
    b.sign_in_with(&server, "demo-gab", DEMO_PASSWORD).await;
    b.go(&server.url(&format!("/reports/{}", ids.report))).await;
    let text = "本周完成专项检查，立案 12 起。";
    b.fill("#work_done", text).await;
    let file = std::env::temp_dir().join(format!("duban-week-{}.pdf", std::process::id()));
    std::fs::write(
        &file,
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    )
    .unwrap();
    b.client
        .find(Locator::Css("#file"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    b.follow("button[value=draft]").await;
    let saved = b.text().await;
    assert!(saved.contains("已保存草稿"), "{saved}");
    assert!(saved.contains("已添加附件 1 个"), "{saved}");
    let kept = b
        .js("return document.querySelector('#work_done').value")
        .await;
    assert_eq!(kept.as_str(), Some(text), "the text survives the file");
    let _ = std::fs::remove_file(&file);
    b.sign_out().await;

    // A leader lands on the summary, with the same 本期.
    b.sign_in_with(&server, "demo-leader", DEMO_PASSWORD).await;
    b.go(&server.url("/")).await;
    let url = b.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/summary");
    assert!(b.text().await.contains("本期：2022年第三季度"));
    b.close().await;
}
