//! `/admin/audit` in words: every action by its Chinese name, details as 字段：值 lines, and
//! periods by their label.

use crate::common::{Setup, World};
use axum::http::StatusCode;
use chrono::NaiveDate;
use sqlx::PgPool;

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_audit_log_reads_in_chinese(pool: PgPool) {
    let day = NaiveDate::from_ymd_opt(2022, 7, 20).unwrap();
    let w = World::build(pool, Setup::on(day).with_every_state()).await;
    let unit = w.unit_b.to_string();
    let r = w
        .office
        .post(
            "/urges",
            &[
                ("period", "2022-Q2"),
                ("unit", &unit),
                ("message", "请报送"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = w.office.get("/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    let table = page.body.split("<table class=\"audit\">").nth(1).unwrap();
    for label in ["采纳报送", "退回报送", "提交报送", "发出催办", "登录"] {
        assert!(table.contains(&format!("<td>{label}</td>")), "{label}");
    }
    let actions: Vec<String> = sqlx::query_scalar("SELECT DISTINCT action FROM audit_log")
        .fetch_all(&w.pool)
        .await
        .unwrap();
    assert!(actions.contains(&"report_accepted".to_string()));
    for a in &actions {
        assert!(!table.contains(a.as_str()), "raw action {a} shown");
        assert!(
            !page.body.contains(&format!(">{a}</option>")),
            "raw action {a} offered"
        );
    }
    assert!(
        !table.contains("{&#34;") && !table.contains("{\""),
        "no raw JSON"
    );
    assert!(table.contains("报告编号：</span>"));
    assert!(table.contains("任务：</span>"));
    // The urge's target is its period, by label.
    assert!(table.contains("<td>2022年第二季度</td>"));
    assert!(!table.contains("2022-Q2"));
}
