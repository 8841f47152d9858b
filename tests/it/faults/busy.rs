//! A pool exhausted by many signed-in readers is busy, not down: with a pool of two connections
//! and far more requests let in than it can serve within its acquire timeout, every answer is
//! a page or a 503 “服务繁忙”, never “数据库暂时不可用”, and `/healthz` never says the database
//! is down.

use super::http::{self, Http, Session, Tally};
use super::process::Duban;
use crate::common::turns::Suite;
use crate::common::{self, resilience};
use duban::rules::auth::Role;
use serde_json::json;
use sqlx::PgPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const READERS: usize = 300;
const ROUNDS: usize = 2;
const PAGES: [&str; 3] = ["/tasks", "/summary", "/units"];
const BUSY: &str = "服务繁忙，请稍后再试。";
const DOWN: &str = "数据库暂时不可用";

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_exhausted_pool_is_busy_not_down(pool: PgPool) {
    let _turn = common::turns::turn(Suite::Faults).await;
    common::seed(&pool).await;
    common::create_user(&pool, "office", Role::Office, None).await;
    let office = common::create_user(&pool, "api-office", Role::Office, None).await;
    let token = common::token_for(&pool, office).await;
    let duban = Duban::start_with(
        &common::database_url(&pool),
        &[
            ("DUBAN_DB_POOL_SIZE", "2"),
            ("DUBAN_MAX_CONCURRENCY", "1000"),
        ],
    )
    .await;
    let tally = Arc::new(Tally::default());
    let http = Http::new();
    let session = Arc::new(Session::new(
        &http,
        std::slice::from_ref(&duban.base),
        &tally,
    ));
    session.sign_in("office").await;

    let stop = Arc::new(AtomicBool::new(false));
    let health = tokio::spawn({
        let (http, tally, stop, base) = (
            http.clone(),
            tally.clone(),
            stop.clone(),
            duban.base.clone(),
        );
        async move {
            let mut seen = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                seen.push(http::get(&http, &tally, &format!("{base}/healthz")).await);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            seen
        }
    });
    // The pages' queries wait on a lock held for 2.5 s from here, holding both pooled
    // connections while the other requests wait out the acquire timeout: the pool is
    // exhausted on a fast machine too (without it, 600 quick pages sometimes never were).
    let mut holder = pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *holder)
        .await
        .unwrap();
    let lock = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(2500)).await;
        holder.commit().await.unwrap();
    });
    let mut readers = Vec::new();
    for r in 0..READERS {
        let (session, http, base, token) = (
            session.clone(),
            http.clone(),
            duban.base.clone(),
            token.clone(),
        );
        readers.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            for round in 0..ROUNDS {
                let reply = if (r + round) % 4 == 3 {
                    let req = axum::http::Request::get(format!("{base}/api/v1/plans"))
                        .header("authorization", format!("Bearer {token}"))
                        .body(Default::default())
                        .unwrap();
                    (true, http.send(req).await)
                } else {
                    (false, session.get(PAGES[(r + round) % PAGES.len()]).await)
                };
                seen.push(reply);
            }
            seen
        }));
    }
    let mut answers = Vec::new();
    for r in readers {
        answers.extend(r.await.expect("reader"));
    }
    stop.store(true, Ordering::Relaxed);
    lock.await.expect("lock holder");
    let health = health.await.expect("health poller");

    let (mut ok, mut busy, mut down, mut other) = (0u64, 0u64, 0u64, Vec::new());
    for (api, reply) in &answers {
        let a = match reply {
            Ok(a) => a,
            Err(e) => {
                other.push(format!("no answer: {e:?}"));
                continue;
            }
        };
        match a.status {
            200 => ok += 1,
            503 if a.body.contains(DOWN) => down += 1,
            503 if a.body.contains(BUSY) => {
                busy += 1;
                if *api {
                    let v: serde_json::Value = serde_json::from_str(&a.body).expect("JSON");
                    assert_eq!(v["error"]["message"], BUSY, "{}", a.body);
                } else {
                    assert!(
                        a.content_type.starts_with("text/html"),
                        "{}",
                        a.content_type
                    );
                }
            }
            s => other.push(format!(
                "{s}: {}",
                a.body.chars().take(200).collect::<String>()
            )),
        }
    }
    let health_down: Vec<_> = health
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .filter(|a| a.status != 200 || a.body.contains("database"))
        .map(|a| format!("{} {}", a.status, a.body.trim()))
        .collect();
    let health_busy = health
        .iter()
        .filter(|r| matches!(r, Ok(a) if a.body.trim() == "busy"))
        .count();
    eprintln!(
        "exhausted pool: {ok} pages, {busy} busy, {down} down, {} other; /healthz {} polls, \
         {health_busy} busy, {} down",
        other.len(),
        health.len(),
        health_down.len()
    );
    resilience::record(
        "faults",
        "an_exhausted_pool_is_busy_not_down",
        json!({
            "faults": 1, "acked": 0, "found": 0, "unacked_found": 0,
            "lost": tally.get(&tally.lost), "requests": tally.get(&tally.requests),
        }),
    );
    assert_eq!(down, 0, "a busy pool was reported as a database outage");
    assert!(
        health_down.is_empty(),
        "/healthz said the database was down: {health_down:?}"
    );
    assert!(other.is_empty(), "{other:?}");
    // The pool was exhausted if a page waited out the acquire timeout or `/healthz` found every
    // pooled connection in use; on a fast machine pages may all get one within the second.
    assert!(
        busy > 0 || health_busy > 0,
        "the pool was never exhausted: the test proves nothing"
    );
    assert!(ok > 0, "nothing was served");
}
