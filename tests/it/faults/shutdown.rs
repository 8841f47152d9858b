//! SIGTERM while requests are in flight: they complete, new connections are refused, a client
//! that never finishes its request is not waited for, and the process is gone within 10 s.

use super::http::{self, Http, NoAnswer, Reply, Tally};
use super::plan;
use super::process::Duban;
use crate::common::turns::Suite;
use crate::common::{self, resilience};
use duban::rules::auth::Role;
use serde_json::json;
use sqlx::PgPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SLOW: usize = 3;
const LOADERS: usize = 4;
const EXIT_WITHIN: Duration = Duration::from_secs(10);

/// The status of the one answer read from `stream`, if a whole one arrives.
async fn read_answer(stream: &mut TcpStream) -> Option<u16> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some(end) = text.find("\r\n\r\n") {
            let head = &text[..end];
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return head.split_whitespace().nth(1)?.parse().ok();
            }
        }
        if n == 0 {
            return None;
        }
    }
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn sigterm_under_load(pool: PgPool) {
    let _turn = common::turns::turn(Suite::Faults).await;
    common::seed(&pool).await;
    let office = common::create_user(&pool, "office", Role::Office, None).await;
    let token = common::token_for(&pool, office).await;
    let (plan_id, targets) = plan::targets(&pool).await;
    let mut duban = Duban::start(&common::database_url(&pool)).await;

    // Requests in flight at the signal: the body is half sent.
    let mut slow = Vec::new();
    for (i, t) in targets.iter().take(SLOW).enumerate() {
        let marker = format!("停机演练 {i}");
        let body = json!({
            "period": t.periods[0], "unit": t.unit, "status": "in_progress",
            "self_assessment": "on_track", "work_done": marker, "submit": true,
        })
        .to_string();
        let head = format!(
            "POST /api/v1/plans/{plan_id}/tasks/{}/reports HTTP/1.1\r\nHost: {}\r\n\
             Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n",
            t.code,
            duban.addr,
            body.len()
        );
        let mut stream = TcpStream::connect(&duban.addr).await.expect("connect");
        let (first, rest) = body.as_bytes().split_at(body.len() / 2);
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(first).await.unwrap();
        slow.push((stream, rest.to_vec(), marker));
    }
    // A client that never finishes its request.
    let mut stuck = TcpStream::connect(&duban.addr).await.expect("connect");
    let head = format!(
        "POST /api/v1/plans/{plan_id}/tasks/1.1.1/reports HTTP/1.1\r\nHost: {}\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: 1000\r\n\r\n{{\"period\":",
        duban.addr
    );
    stuck.write_all(head.as_bytes()).await.unwrap();

    // Load on fresh connections until nobody listens.
    let tally = Arc::new(Tally::default());
    let gone = Arc::new(AtomicBool::new(false));
    let mut loaders = Vec::new();
    for l in 0..LOADERS {
        let (tally, gone, base, token) = (
            tally.clone(),
            gone.clone(),
            duban.base.clone(),
            token.clone(),
        );
        loaders.push(tokio::spawn(async move {
            let http = Http::fresh();
            let mut seen: Vec<(Instant, Reply)> = Vec::new();
            while !gone.load(Ordering::Relaxed) {
                let started = Instant::now();
                let reply = if l % 2 == 0 {
                    http::get(&http, &tally, &format!("{base}/healthz")).await
                } else {
                    let req = axum::http::Request::get(format!("{base}/api/v1/plans"))
                        .header("authorization", format!("Bearer {token}"))
                        .body(Default::default())
                        .unwrap();
                    http.send(req).await
                };
                seen.push((started, reply));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            seen
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;

    let signal = Instant::now();
    duban.terminate();
    // New connections are refused while the slow requests are still in flight.
    let mut refused = None;
    while signal.elapsed() < Duration::from_secs(3) {
        match TcpStream::connect(&duban.addr).await {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                refused = Some(signal.elapsed());
                break;
            }
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    let mut answers = Vec::new();
    for (stream, rest, marker) in &mut slow {
        stream.write_all(rest).await.expect("finish the body");
        answers.push((read_answer(stream).await, marker.clone()));
    }
    let exited = duban
        .wait(EXIT_WITHIN.saturating_sub(signal.elapsed()))
        .await;
    let exit_after = signal.elapsed();
    gone.store(true, Ordering::Relaxed);
    let mut lost_in_flight = 0u64;
    let mut load_requests = 0u64;
    for l in loaders {
        for (started, reply) in l.await.expect("loader") {
            load_requests += 1;
            // Sent well before the signal: the server had it, so it must answer.
            if started + Duration::from_millis(100) < signal
                && matches!(reply, Err(NoAnswer::Lost(_)) | Err(NoAnswer::Refused))
            {
                lost_in_flight += 1;
            }
        }
    }
    let acked = answers.iter().filter(|(s, _)| *s == Some(200)).count() as u64;
    let mut found = 0u64;
    for (_, marker) in &answers {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM reports r JOIN report_events e ON e.report_id = r.id
              WHERE r.work_done = $1 AND e.snapshot->>'work_done' = $1",
        )
        .bind(marker)
        .fetch_one(&pool)
        .await
        .unwrap();
        found += u64::from(n == 1);
    }
    let lost = lost_in_flight + (SLOW as u64 - acked);
    resilience::record(
        "faults",
        "sigterm_under_load",
        json!({
            "faults": 1, "acked": acked, "found": found, "unacked_found": 0,
            "lost": lost, "requests": load_requests + SLOW as u64,
            "exit_ms": exit_after.as_millis() as u64,
        }),
    );
    eprintln!(
        "sigterm: refused after {refused:?}, exit after {exit_after:?} ({exited:?}), \
         {acked}/{SLOW} in-flight answered, {load_requests} load requests, {lost_in_flight} lost"
    );
    drop(stuck);
    let status = exited.unwrap_or_else(|| panic!("still running after {EXIT_WITHIN:?}"));
    assert!(status.success(), "exit status {status}: {}", duban.log());
    assert!(
        refused.is_some(),
        "new connections still accepted after SIGTERM"
    );
    assert_eq!(
        acked, SLOW as u64,
        "in-flight requests not completed: {answers:?}"
    );
    assert_eq!(found, acked, "acknowledged writes missing");
    assert_eq!(lost_in_flight, 0, "{:?}", tally.details.lock().unwrap());
    assert_eq!(tally.get(&tally.server_errors), 0);
}
