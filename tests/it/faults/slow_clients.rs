//! Slow, silent and idle clients against the real `duban serve`, over raw TCP: a request head
//! trickled a line a second is cut at the header timeout, a connection that sends nothing is
//! cut, a kept-alive connection left idle is closed at the idle timeout (not earlier), a
//! normal client on one connection is unaffected, and a request refused before its body was
//! read is answered with `Connection: close`.

use super::process::Duban;
use crate::common::turns::Suite;
use crate::common::{self, resilience};
use serde_json::json;
use sqlx::PgPool;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const HEADER_TIMEOUT: Duration = Duration::from_secs(2);
const IDLE_TIMEOUT: Duration = Duration::from_secs(4);
/// Slack for a loaded machine on either side of a timeout.
const SLACK: Duration = Duration::from_millis(1500);

async fn start(pool: &PgPool) -> Duban {
    let header = HEADER_TIMEOUT.as_secs().to_string();
    let idle = IDLE_TIMEOUT.as_secs().to_string();
    Duban::start_with(
        &common::database_url(pool),
        &[
            ("DUBAN_HEADER_TIMEOUT_SECS", header.as_str()),
            ("DUBAN_IDLE_TIMEOUT_SECS", idle.as_str()),
        ],
    )
    .await
}

/// Reads until the server closes the connection or `limit` passes: what arrived, and when the
/// connection closed (`None`: still open at the limit).
async fn read_until_closed(s: &mut TcpStream, limit: Duration) -> (String, Option<Duration>) {
    let started = Instant::now();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let left = limit.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, s.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                return (
                    String::from_utf8_lossy(&buf).into_owned(),
                    Some(started.elapsed()),
                );
            }
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Err(_) => return (String::from_utf8_lossy(&buf).into_owned(), None),
        }
    }
}

/// Reads one whole answer (head and `Content-Length` body) from a kept-alive connection.
async fn read_answer(s: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let text = String::from_utf8_lossy(&buf).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return text;
            }
        }
        let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut chunk))
            .await
            .expect("an answer in time")
            .expect("read");
        assert!(n > 0, "closed mid-answer: {text}");
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn slow_silent_and_idle_clients_are_cut(pool: PgPool) {
    let _turn = common::turns::turn(Suite::Faults).await;
    let duban = start(&pool).await;

    // A head trickled one line a second never completes in time.
    let mut slow = TcpStream::connect(&duban.addr).await.unwrap();
    let trickle = tokio::spawn({
        let started = Instant::now();
        async move {
            slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                .await
                .unwrap();
            let (mut reader, mut writer) = slow.into_split();
            let writing = tokio::spawn(async move {
                for i in 0..12 {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    if writer
                        .write_all(format!("X-Slow-{i}: 1\r\n").as_bytes())
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
            });
            let mut buf = Vec::new();
            let closed =
                tokio::time::timeout(Duration::from_secs(12), reader.read_to_end(&mut buf)).await;
            writing.abort();
            (closed.is_ok().then(|| started.elapsed()), buf)
        }
    });
    // A connection that sends nothing at all.
    let mut silent = TcpStream::connect(&duban.addr).await.unwrap();
    let (said, silent_closed) = read_until_closed(&mut silent, Duration::from_secs(10)).await;
    // A kept-alive connection, idle after one answer.
    let mut idle = TcpStream::connect(&duban.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let first = read_answer(&mut idle).await;
    let (_, idle_closed) = read_until_closed(&mut idle, Duration::from_secs(12)).await;
    let (slow_closed, slow_said) = trickle.await.unwrap();

    eprintln!(
        "slow head cut after {slow_closed:?}, silent after {silent_closed:?}, idle after {idle_closed:?}"
    );
    resilience::record(
        "faults",
        "slow_silent_and_idle_clients_are_cut",
        json!({ "faults": 3, "acked": 0, "found": 0, "unacked_found": 0, "lost": 0, "requests": 3 }),
    );
    let slow_closed = slow_closed.expect("a head trickled a line a second was never cut");
    assert!(
        slow_closed < HEADER_TIMEOUT + SLACK,
        "the slow head was cut only after {slow_closed:?}"
    );
    assert!(
        !String::from_utf8_lossy(&slow_said).contains("200 OK"),
        "the slow head was served"
    );
    let silent_closed = silent_closed.expect("a silent connection was never cut");
    assert!(
        said.is_empty() || said.starts_with("HTTP/1.1 408"),
        "{said}"
    );
    assert!(
        silent_closed < HEADER_TIMEOUT + SLACK,
        "the silent connection was cut only after {silent_closed:?}"
    );
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    let idle_closed = idle_closed.expect("an idle kept-alive connection was never closed");
    assert!(
        idle_closed + Duration::from_millis(300) >= IDLE_TIMEOUT
            && idle_closed < IDLE_TIMEOUT + SLACK,
        "the idle connection was closed after {idle_closed:?}, not at {IDLE_TIMEOUT:?}"
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_normal_client_keeps_its_connection(pool: PgPool) {
    let _turn = common::turns::turn(Suite::Faults).await;
    let duban = start(&pool).await;
    let mut s = TcpStream::connect(&duban.addr).await.unwrap();
    // Requests a second apart on one connection, over longer than the header timeout.
    let started = Instant::now();
    for i in 0..5 {
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let answer = read_answer(&mut s).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "request {i}: {answer}");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert!(started.elapsed() > HEADER_TIMEOUT + Duration::from_secs(1));
    // Its head in two parts, well within the header timeout, is served.
    s.write_all(b"GET /login HTTP/1.1\r\n").await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    s.write_all(b"Host: x\r\n\r\n").await.unwrap();
    let answer = read_answer(&mut s).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// Sends `head` and `body` on a new connection (the body from a task, as the server may not
/// read it), then reads the one answer.
async fn refused(duban: &Duban, head: String, body: Vec<u8>) -> (String, TcpStream) {
    let s = TcpStream::connect(&duban.addr).await.unwrap();
    let (mut reader, mut writer) = s.into_split();
    let sending = tokio::spawn(async move {
        let _ = writer.write_all(head.as_bytes()).await;
        let _ = writer.write_all(&body).await;
        writer
    });
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let answer = loop {
        let n = tokio::time::timeout(Duration::from_secs(10), reader.read(&mut chunk))
            .await
            .expect("an answer in time")
            .unwrap_or(0);
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).into_owned();
        if n == 0 || text.contains("</html>") || text.contains("\"}}") {
            break text;
        }
    };
    let writer = tokio::time::timeout(Duration::from_secs(5), sending)
        .await
        .ok()
        .and_then(Result::ok);
    let s = match writer {
        Some(writer) => reader.reunite(writer).unwrap(),
        None => panic!("the body could not be sent"),
    };
    (answer, s)
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_request_refused_before_its_body_closes_the_connection(pool: PgPool) {
    let _turn = common::turns::turn(Suite::Faults).await;
    let duban = start(&pool).await;
    let big = vec![b'a'; 3 * 1024 * 1024];
    let cases = [
        (
            "too large",
            format!(
                "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                 Sec-Fetch-Site: same-origin\r\nContent-Length: {}\r\n\r\n",
                big.len()
            ),
            big.clone(),
            "413",
        ),
        (
            "no token",
            format!(
                "POST /api/v1/plans/1/tasks/1.1.1/reports HTTP/1.1\r\nHost: x\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                big.len()
            ),
            big.clone(),
            "401",
        ),
        (
            "cross-site",
            format!(
                "POST /logout HTTP/1.1\r\nHost: x\r\nSec-Fetch-Site: cross-site\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
                big.len()
            ),
            big,
            "403",
        ),
    ];
    for (name, head, body, status) in cases {
        let (answer, mut s) = refused(&duban, head, body).await;
        let head = answer
            .split("\r\n\r\n")
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        assert!(
            head.starts_with(&format!("http/1.1 {status}")),
            "{name}: {answer}"
        );
        assert!(
            head.contains("connection: close"),
            "{name}: the refusal does not close the connection: {head}"
        );
        // A next request on that connection is never read out of the unread body.
        let _ = s
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await;
        let (rest, _) = read_until_closed(&mut s, Duration::from_secs(10)).await;
        let after = rest.trim_start_matches(|c| c != 'H');
        assert!(
            !after.contains("HTTP/1.1 400"),
            "{name}: the body's bytes were read as a request: {rest}"
        );
    }
}
