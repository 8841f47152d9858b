//! Limits over real HTTP: a request that never finishes sending its body is cut off with a
//! 503 and a message; beyond the concurrency limit, requests are answered 503 at once, not
//! queued behind the stalled ones.

use super::serve_with as serve;
use duban::web::WebConfig;
use sqlx::PgPool;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Opens a connection and sends `head` (and no more): a client that stalls.
async fn stall(addr: SocketAddr, head: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    s
}

/// Reads the whole answer of a connection the server closes (bounded, so a hang fails).
async fn answer(mut s: TcpStream) -> String {
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut buf))
        .await
        .expect("the server answers")
        .unwrap();
    String::from_utf8_lossy(&buf).into_owned()
}

async fn request(addr: SocketAddr, raw: &str) -> String {
    let s = stall(addr, raw).await;
    answer(s).await
}

const STALLED_FORM: &str = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nSec-Fetch-Site: same-origin\r\nContent-Length: 1000\r\nConnection: close\r\n\r\nlogin=a";
const STALLED_API: &str = "POST /api/v1/plans/1/tasks/1.1.1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer dbn_x\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{\"period\"";

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_stalled_request_is_cut_off_with_a_message(pool: PgPool) {
    let addr = serve(
        &pool,
        WebConfig {
            request_timeout: Duration::from_millis(300),
            ..WebConfig::default()
        },
    )
    .await;
    let page = answer(stall(addr, STALLED_FORM).await).await;
    assert!(page.starts_with("HTTP/1.1 503"), "{page}");
    assert!(
        page.contains("text/html") && page.contains("请求处理超时，请稍后再试。"),
        "{page}"
    );
    // The API's token check comes first; a stalled body after a valid token times out too.
    let json = answer(stall(addr, &STALLED_API.replace("dbn_x", "dbn_nonsense")).await).await;
    assert!(json.starts_with("HTTP/1.1 401"), "{json}");
    super::record("timeouts", 2);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn beyond_the_concurrency_limit_the_answer_is_503_at_once(pool: PgPool) {
    let addr = serve(
        &pool,
        WebConfig {
            max_concurrency: 2,
            ..WebConfig::default()
        },
    )
    .await;
    // Two clients hold both places by never finishing their bodies.
    let a = stall(addr, STALLED_FORM).await;
    let b = stall(addr, STALLED_FORM).await;
    let healthz = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    // A page, answered with the busy page (the health check answers probes in plain words).
    let page = "GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let api = "GET /api/v1/plans HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    // Once they are in, others are answered at once (the stalled ones never finish, so an
    // answer proves nothing queued behind them).
    let mut busy = String::new();
    for _ in 0..100 {
        busy = request(addr, page).await;
        if busy.starts_with("HTTP/1.1 503") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(busy.starts_with("HTTP/1.1 503"), "{busy}");
    assert!(
        busy.to_ascii_lowercase().contains("retry-after: 1"),
        "{busy}"
    );
    assert!(
        busy.contains("服务繁忙，请稍后再试。") && busy.contains("text/html"),
        "{busy}"
    );
    let json = request(addr, api).await;
    assert!(json.starts_with("HTTP/1.1 503"), "{json}");
    assert!(
        json.contains("\"message\":\"服务繁忙，请稍后再试。\""),
        "{json}"
    );
    // The stalled clients go away; their places are free again.
    drop((a, b));
    let mut ok = String::new();
    for _ in 0..100 {
        ok = request(addr, healthz).await;
        if ok.starts_with("HTTP/1.1 200") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    super::record("concurrency", 4);
}
