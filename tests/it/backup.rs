//! Backup and restore as the README documents them: `pg_dump` of a working database restored
//! with `pg_restore` into a fresh one gives the same summary, figure for figure.

use crate::common;
use crate::common::probe;
use duban::rules::vocabulary::ReportContent;

use chrono::NaiveDate;
use duban::rules::auth::Role;
use duban::workflows::progress::{self, Assessment, Decision, ReportInput, ReportStatus};
use sqlx::postgres::PgPoolOptions;
use sqlx::{ConnectOptions, PgPool};
use std::path::PathBuf;
use std::process::Command;

/// A PostgreSQL client tool: on PATH, else in Debian's versioned folders (newest first).
fn tool(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
        .unwrap_or_default();
    on_path
        .or_else(|| {
            let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
                .ok()?
                .filter_map(|e| e.ok().map(|e| e.path().join("bin").join(name)))
                .filter(|p| p.is_file())
                .collect();
            found.sort();
            found.pop()
        })
        .unwrap_or_else(|| panic!("{name} not found (Debian package postgresql-client)"))
}

/// The test database's URL with another database name.
fn url_for(pool: &PgPool, database: &str) -> String {
    let o = pool.connect_options().as_ref().clone().database(database);
    match o.get_socket() {
        Some(dir) => duban::infra::embedded::url_for(dir, database),
        None => {
            // The client tools refuse sqlx's own parameters (statement-cache-capacity).
            let mut url = o.to_url_lossy();
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != "statement-cache-capacity")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.set_query(None);
            if !kept.is_empty() {
                url.query_pairs_mut().extend_pairs(kept);
            }
            url.to_string()
        }
    }
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_restored_dump_shows_the_same_summary(pool: PgPool) {
    // Some history worth keeping: reports accepted and returned, a task closed.
    let plan = common::seed(&pool).await[0];
    let office = common::create_user(&pool, "office", Role::Office, None).await;
    let caller = common::office_caller(office);
    let gab: i64 = probe::unit_id(&pool, "公安部").await;
    for (code, accept) in [("3.1.1", true), ("3.1.2", false)] {
        let input = ReportInput {
            period: "2022-Q2".into(),
            content: ReportContent {
                status: ReportStatus::InProgress,
                self_assessment: Assessment::OnTrack,
                work_done: format!("{code} 进展"),
                problems: String::new(),
                next_steps: String::new(),
            },
            coordination: vec!["请协调".into()],
            submit: true,
        };
        let r = progress::save_report(&pool, &caller, plan, code, gab, input, None)
            .await
            .unwrap();
        let decision = if accept {
            Decision::Accept {
                office_assessment: Some(Assessment::AtRisk),
            }
        } else {
            Decision::Return {
                reason: "请补充".into(),
                office_assessment: None,
            }
        };
        progress::review(&pool, &caller, r.id, r.version, decision)
            .await
            .unwrap();
    }
    let v: i32 = probe::task_version(&pool, "7.1.2").await;
    progress::set_closed(&pool, &caller, plan, "7.1.2", v, Some("完成"))
        .await
        .unwrap();

    let source_db = pool.connect_options().get_database().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("duban.dump");
    let out = Command::new(tool("pg_dump"))
        .args(["--format=custom", "--no-owner"])
        .arg(format!("--file={}", dump.display()))
        .arg(format!("--dbname={}", url_for(&pool, &source_db)))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pg_dump: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Identifiers are cut at 63 bytes: a short name of its own, not the test database's + suffix.
    let restored = format!(
        "duban_restore_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    sqlx::query(&format!("CREATE DATABASE \"{restored}\""))
        .execute(&pool)
        .await
        .unwrap();
    let out = Command::new(tool("pg_restore"))
        .args(["--no-owner", "--exit-on-error"])
        .arg(format!("--dbname={}", url_for(&pool, &restored)))
        .arg(&dump)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pg_restore: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let copy = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(pool.connect_options().as_ref().clone().database(&restored))
        .await
        .unwrap();
    let day = NaiveDate::from_ymd_opt(2022, 7, 5).unwrap();
    let before = duban::workflows::summary::load(&pool, plan, day, day)
        .await
        .unwrap()
        .unwrap();
    let after = duban::workflows::summary::load(&copy, plan, day, day)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&before).unwrap(),
        serde_json::to_value(&after).unwrap()
    );
    assert_eq!(before.totals.closed, 1);
    for table in [
        "plans",
        "tasks",
        "task_units",
        "reports",
        "report_events",
        "users",
        "audit_log",
        "task_history",
    ] {
        let count = |p: PgPool| async move {
            sqlx::query_scalar::<_, i64>(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(&p)
                .await
                .unwrap()
        };
        assert_eq!(
            count(pool.clone()).await,
            count(copy.clone()).await,
            "{table}"
        );
    }
    copy.close().await;
    // FORCE: the copy's last connection may still be closing on the server.
    sqlx::query(&format!("DROP DATABASE \"{restored}\" WITH (FORCE)"))
        .execute(&pool)
        .await
        .unwrap();
}
