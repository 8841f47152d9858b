//! 通知 as they reach people: the outbox written with the event, the inbox, and delivery to a
//! real SMTP server (Python's aiosmtpd, started here) and a real HTTP receiver, with the
//! faults the outbox is there for: the mail server away, a receiver answering 500, two workers
//! at once, a change rolled back.

use crate::common::{Setup, World};
use axum::http::StatusCode;
use chrono::NaiveDate;
use duban::workflows::notify::worker::{self, Channels};
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// aiosmtpd saving every mail it accepts into a maildir; stopped when dropped.
pub(crate) struct Smtp {
    child: std::process::Child,
    pub(crate) port: u16,
    pub(crate) dir: tempfile::TempDir,
}

impl Smtp {
    async fn start_on(port: u16, dir: tempfile::TempDir) -> Smtp {
        let mut command = std::process::Command::new("python3");
        command
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("mail"));
        Smtp::listening(command, port, dir).await
    }

    /// Runs `command`, an SMTP server told to listen on `port`, and waits until it does.
    // Waited for in `Drop`, which clippy does not follow.
    #[allow(clippy::zombie_processes)]
    pub(crate) async fn listening(
        mut command: std::process::Command,
        port: u16,
        dir: tempfile::TempDir,
    ) -> Smtp {
        let child = command
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/test installs aiosmtpd)");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Smtp { child, port, dir };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd did not listen on {port}");
    }

    pub(crate) async fn start() -> Smtp {
        Smtp::start_on(free_port(), tempfile::tempdir().unwrap()).await
    }

    pub(crate) fn mails(&self) -> Vec<String> {
        mails_in(self.dir.path())
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn mails_in(dir: &Path) -> Vec<String> {
    let new: PathBuf = dir.join("mail").join("new");
    let mut out: Vec<String> = std::fs::read_dir(&new)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The plain-text part of a mail, decoded (lettre sends Chinese text as base64).
pub(crate) fn plain_text(mail: &str) -> String {
    use base64::Engine;
    let part = mail
        .split("Content-Type: text/plain; charset=utf-8")
        .nth(1)
        .expect("a text/plain part");
    let body = part
        .split("\r\n\r\n")
        .nth(1)
        .or_else(|| part.split("\n\n").nth(1))
        .unwrap();
    let b64: String = body
        .lines()
        .take_while(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .concat();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .expect("base64");
    String::from_utf8(bytes).unwrap()
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A POST received: its headers and body.
type Post = (axum::http::HeaderMap, Vec<u8>);

/// A webhook receiver: records each POST (headers and body); answers 500 to the first
/// `failures` of them.
#[derive(Clone, Default)]
pub(crate) struct Receiver {
    pub(crate) got: Arc<Mutex<Vec<Post>>>,
    failures: Arc<Mutex<usize>>,
}

impl Receiver {
    pub(crate) async fn start(failures: usize) -> (Receiver, String) {
        let r = Receiver::default();
        *r.failures.lock().unwrap() = failures;
        let state = r.clone();
        let app = axum::Router::new().route(
            "/robot",
            axum::routing::post(
                move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                    let state = state.clone();
                    async move {
                        let mut left = state.failures.lock().unwrap();
                        if *left > 0 {
                            *left -= 1;
                            return StatusCode::INTERNAL_SERVER_ERROR;
                        }
                        state.got.lock().unwrap().push((headers, body.to_vec()));
                        StatusCode::OK
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/robot", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (r, url)
    }

    pub(crate) fn bodies(&self) -> Vec<serde_json::Value> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|(_, b)| serde_json::from_slice(b).unwrap())
            .collect()
    }
}

fn channels(smtp_port: u16) -> Channels {
    Channels::new(
        Some(&format!("smtp://127.0.0.1:{smtp_port}")),
        "督办系统 <duban@example.gov.cn>",
        "https://duban.example.gov.cn",
        // Retries due at once, so that a second pass retries.
        Duration::ZERO,
        Duration::from_secs(300),
    )
    .unwrap()
}

pub(crate) async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// The liaison of 公安部 has an address; the unit a webhook with a secret.
pub(crate) async fn world_with_addresses(
    webhook: &str,
) -> impl FnOnce(PgPool) -> std::pin::Pin<Box<dyn std::future::Future<Output = World>>> {
    let webhook = webhook.to_string();
    move |pool| {
        Box::pin(async move {
            let day = NaiveDate::from_ymd_opt(2022, 7, 20).unwrap();
            let w = World::build(pool, Setup::on(day).with_every_state()).await;
            // The world's own history (returns, acceptances) is not what these tests send.
            sqlx::query("TRUNCATE notice_events CASCADE")
                .execute(&w.pool)
                .await
                .unwrap();
            sqlx::query("UPDATE users SET email = 'gab@example.gov.cn' WHERE id = $1")
                .bind(w.ids.liaison_a)
                .execute(&w.pool)
                .await
                .unwrap();
            sqlx::query(
                "UPDATE units SET webhook_url = $2, webhook_secret = 's3cret' WHERE id = $1",
            )
            .bind(w.unit_a)
            .bind(&webhook)
            .execute(&w.pool)
            .await
            .unwrap();
            w
        })
    }
}

pub(crate) async fn urge_unit_a(w: &World) {
    let r = w
        .office
        .post(
            "/urges",
            &[
                ("period", "2022-Q2"),
                ("unit", &w.unit_a.to_string()),
                ("message", "请于7月25日前报送二季度进展情况。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_urge_and_a_returned_report_reach_the_mailbox_the_webhook_and_the_inbox(pool: PgPool) {
    let smtp = Smtp::start().await;
    let (receiver, url) = Receiver::start(0).await;
    let w = world_with_addresses(&url).await(pool).await;

    urge_unit_a(&w).await;
    let submitted = w.reports().submitted;
    let v = crate::common::probe::report_version(&w.pool, submitted)
        .await
        .to_string();
    let r = w
        .office
        .post(
            &format!("/reports/{submitted}/review"),
            &[
                ("version", &v),
                ("decision", "return"),
                ("reason", "请补充案件数据来源"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // The inbox has both at once, with the count in the header.
    let inbox = w.liaison_a.get("/inbox").await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(
        inbox.body.contains("2022年第二季度进展情况催办"),
        "{}",
        inbox.body
    );
    assert!(inbox.body.contains("退回理由：请补充案件数据来源"));
    assert!(
        inbox.body.contains("title=\"未读消息\">2</span>"),
        "header count"
    );
    // The office, who acted, is told nothing.
    assert!(w.office.get("/inbox").await.body.contains("还没有消息"));

    // Nothing has left yet: delivery is the worker's, after the request.
    assert!(smtp.mails().is_empty());
    let pass = worker::run_once(&w.pool, &channels(smtp.port))
        .await
        .unwrap();
    assert_eq!(pass.failed, Vec::<String>::new());
    assert_eq!(pass.sent.len(), 4, "{:?}", pass.sent);

    let mails = smtp.mails();
    assert_eq!(mails.len(), 2, "one mail per event to the liaison");
    let texts: Vec<String> = mails.iter().map(|m| plain_text(m)).collect();
    let (urge, urge_text) = mails
        .iter()
        .zip(&texts)
        .find(|(_, t)| t.contains("请于7月25日前报送二季度进展情况。"))
        .expect("the urge's mail");
    assert!(urge.contains("To: gab@example.gov.cn"));
    assert!(urge.contains("Message-ID: <duban."), "{urge}");
    assert!(urge.contains("multipart/alternative"));
    assert!(urge_text.contains("2022年第二季度进展情况催办"));
    assert!(urge_text.contains("查看：https://duban.example.gov.cn/my?plan="));
    let returned = texts
        .iter()
        .find(|t| t.contains("退回理由：请补充案件数据来源"))
        .expect("the return's mail");
    assert!(
        returned.contains("查看：https://duban.example.gov.cn/reports/"),
        "a working link"
    );

    // The webhook: signed, with a ready-to-post text in Chinese and an absolute link.
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 2);
    assert!(bodies.iter().any(|b| {
        b["kind"] == "urged"
            && b["text"]
                .as_str()
                .unwrap()
                .contains("请于7月25日前报送二季度进展情况。")
    }));
    assert!(bodies.iter().any(|b| {
        b["kind"] == "report_returned"
            && b["url"]
                .as_str()
                .unwrap()
                .starts_with("https://duban.example.gov.cn/reports/")
    }));
    for (headers, body) in receiver.got.lock().unwrap().iter() {
        let sig = headers["x-duban-signature"].to_str().unwrap();
        assert_eq!(sig, worker::signature("s3cret", body));
        assert!(headers.contains_key("x-duban-delivery"));
    }

    // A second pass sends nothing again.
    let again = worker::run_once(&w.pool, &channels(smtp.port))
        .await
        .unwrap();
    assert!(again.sent.is_empty());
    assert_eq!(smtp.mails().len(), 2);
    assert_eq!(receiver.bodies().len(), 2);

    // Marked read: the count goes.
    let id: i64 = count(
        &w.pool,
        &format!(
            "SELECT max(id) FROM notifications WHERE user_id = {}",
            w.ids.liaison_a
        ),
    )
    .await;
    let r = w.liaison_a.post(&format!("/inbox/{id}/read"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        w.liaison_a
            .get("/inbox")
            .await
            .body
            .contains("title=\"未读消息\">1</span>")
    );
    // Not another's message.
    assert_eq!(
        w.liaison_b
            .post(&format!("/inbox/{id}/read"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn mail_waits_while_the_server_is_away_and_arrives_once_when_it_is_back(pool: PgPool) {
    let (receiver, url) = Receiver::start(2).await;
    let w = world_with_addresses(&url).await(pool).await;
    urge_unit_a(&w).await;
    let port = free_port();

    // No server: the mail waits with its error; the webhook answers 500.
    let pass = worker::run_once(&w.pool, &channels(port)).await.unwrap();
    assert!(pass.sent.is_empty());
    assert_eq!(pass.failed.len(), 2, "{:?}", pass.failed);
    assert_eq!(count(&w.pool, "SELECT count(*) FROM deliveries WHERE state = 'pending' AND attempts = 1 AND last_error IS NOT NULL").await, 2);
    let pass = worker::run_once(&w.pool, &channels(port)).await.unwrap();
    assert_eq!(pass.failed.len(), 2);

    // Back: each arrives once.
    let smtp = Smtp::start_on(port, tempfile::tempdir().unwrap()).await;
    let pass = worker::run_once(&w.pool, &channels(port)).await.unwrap();
    assert_eq!(pass.sent.len(), 2, "{:?}", pass);
    assert_eq!(smtp.mails().len(), 1);
    assert_eq!(
        receiver.bodies().len(),
        1,
        "500, 500, then 200: delivered once"
    );
    worker::run_once(&w.pool, &channels(port)).await.unwrap();
    assert_eq!(smtp.mails().len(), 1);
    assert_eq!(
        count(
            &w.pool,
            "SELECT count(*) FROM deliveries WHERE state = 'sent' AND attempts = 3"
        )
        .await,
        2
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn two_workers_at_once_send_each_message_once(pool: PgPool) {
    let smtp = Smtp::start().await;
    let (receiver, url) = Receiver::start(0).await;
    let w = world_with_addresses(&url).await(pool).await;
    // Twenty urges' worth of messages.
    for i in 0..20 {
        sqlx::query("INSERT INTO notice_events (kind, plan_id, unit_id, title, body, link) VALUES ('urged', $1, $2, $3, '正文', '/my')")
            .bind(w.plan_id).bind(w.unit_a).bind(format!("【督办】第{i}条"))
            .execute(&w.pool).await.unwrap();
    }
    sqlx::query("INSERT INTO deliveries (event_id, channel, unit_id, address) SELECT id, 'email', $1, 'gab@example.gov.cn' FROM notice_events")
        .bind(w.unit_a).execute(&w.pool).await.unwrap();
    sqlx::query("INSERT INTO deliveries (event_id, channel, unit_id, address) SELECT id, 'webhook', $1, $2 FROM notice_events")
        .bind(w.unit_a).bind(&url).execute(&w.pool).await.unwrap();
    let ch = channels(smtp.port);
    let (a, b) = tokio::join!(
        worker::run_once(&w.pool, &ch),
        worker::run_once(&w.pool, &ch)
    );
    assert_eq!(a.unwrap().sent.len() + b.unwrap().sent.len(), 40);
    assert_eq!(smtp.mails().len(), 20);
    assert_eq!(receiver.bodies().len(), 20);
    let ids: std::collections::HashSet<String> = receiver
        .bodies()
        .iter()
        .map(|b| b["delivery_id"].to_string())
        .collect();
    assert_eq!(ids.len(), 20);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_change_rolled_back_leaves_no_message(pool: PgPool) {
    let w = world_with_addresses("http://127.0.0.1:9/robot").await(pool).await;
    let task_id: i64 = count(&w.pool, "SELECT min(id) FROM tasks").await;
    let mut tx = w.pool.begin().await.unwrap();
    duban::workflows::notify::emit(
        &mut tx,
        duban::workflows::notify::Notice {
            kind: duban::rules::notices::NoticeKind::Urged,
            plan_id: w.plan_id,
            task_id: Some(task_id),
            unit_id: Some(w.unit_a),
            actor_id: None,
            what: "催办".into(),
            body: "正文".into(),
            link: None,
        },
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    for table in ["notice_events", "notifications", "deliveries"] {
        assert_eq!(
            count(&w.pool, &format!("SELECT count(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    // And a refused urge (no unit ticked) writes none either.
    let r = w
        .office
        .post("/urges", &[("period", "2022-Q2"), ("message", "请报送")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count(&w.pool, "SELECT count(*) FROM notice_events").await,
        0
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_inbox_api_pages_and_marks_read(pool: PgPool) {
    let w = world_with_addresses("http://127.0.0.1:9/robot").await(pool).await;
    urge_unit_a(&w).await;
    let token = &w.tokens.liaison_a;
    let r = crate::common::get_with_token(&w.app, "/api/v1/notifications?unread=true", token).await;
    assert_eq!(r.status, StatusCode::OK);
    let body: serde_json::Value = r.json();
    assert_eq!(body["total"], 1);
    let id = body["notifications"][0]["id"].as_i64().unwrap();
    assert_eq!(body["notifications"][0]["kind"], "urged");
    let req = axum::http::Request::post(format!("/api/v1/notifications/{id}/read"))
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(
        crate::common::send(&w.app, req).await.status,
        StatusCode::OK
    );
    let r = crate::common::get_with_token(&w.app, "/api/v1/notifications?unread=true", token).await;
    assert_eq!(r.json()["total"], 0);
    // Another's id is not found.
    let req = axum::http::Request::post(format!("/api/v1/notifications/{id}/read"))
        .header("authorization", format!("Bearer {}", w.tokens.liaison_b))
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(
        crate::common::send(&w.app, req).await.status,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_units_channels_are_checked_beside_their_fields_and_kept_as_typed(pool: PgPool) {
    let w = world_with_addresses("http://127.0.0.1:9/robot").await(pool).await;
    let uri = format!("/units/{}/channels", w.unit_b);
    let r = w
        .office
        .post(
            &uri,
            &[
                ("contact_email", "hgzs at example"),
                ("webhook_url", "ftp://im.example.gov.cn/robot"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不是有效的电子邮箱地址"), "{}", r.body);
    assert!(r.body.contains("接收地址应以 http:// 或 https:// 开头"));
    assert!(
        r.body.contains("value=\"ftp://im.example.gov.cn/robot\""),
        "what was typed is kept"
    );
    assert_eq!(count(&w.pool, &format!("SELECT count(*) FROM units WHERE id = {} AND (contact_email IS NOT NULL OR webhook_url IS NOT NULL)", w.unit_b)).await, 0);

    // Good values are kept; a form without the webhook fields leaves them as they are.
    let r = w
        .office
        .post(
            &uri,
            &[
                ("contact_email", "hgzs@example.gov.cn"),
                ("webhook_url", "https://im.example.gov.cn/robot?key=1"),
                ("webhook_secret", "k"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = w
        .office
        .post(&uri, &[("contact_email", "hgzs2@example.gov.cn")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (mail, hook, secret): (Option<String>, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT contact_email, webhook_url, webhook_secret FROM units WHERE id = $1",
    )
    .bind(w.unit_b)
    .fetch_one(&w.pool)
    .await
    .unwrap();
    assert_eq!(mail.as_deref(), Some("hgzs2@example.gov.cn"));
    assert_eq!(
        hook.as_deref(),
        Some("https://im.example.gov.cn/robot?key=1")
    );
    assert_eq!(secret.as_deref(), Some("k"));
    let page = w.office.get(&format!("/units/{}", w.unit_b)).await;
    assert!(page.body.contains("已设置，留空则不变") && !page.body.contains("value=\"k\""));
    // A liaison sees no such form, and may not post it.
    assert!(
        !w.liaison_b
            .get(&format!("/units/{}", w.unit_b))
            .await
            .body
            .contains("通知渠道")
    );
    assert_eq!(
        w.liaison_b
            .post(&uri, &[("contact_email", "x@y.cn")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_unit_without_a_liaison_address_gets_mail_at_its_contact_address(pool: PgPool) {
    let smtp = Smtp::start().await;
    let w = world_with_addresses("http://127.0.0.1:9/robot").await(pool).await;
    sqlx::query("UPDATE units SET contact_email = 'hgzs@example.gov.cn' WHERE id = $1")
        .bind(w.unit_b)
        .execute(&w.pool)
        .await
        .unwrap();
    let r = w
        .office
        .post(
            "/urges",
            &[
                ("period", "2022-Q2"),
                ("unit", &w.unit_b.to_string()),
                ("message", "请报送"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    worker::run_once(&w.pool, &channels(smtp.port))
        .await
        .unwrap();
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: hgzs@example.gov.cn"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_delivery_that_failed_for_good_is_in_the_log_and_can_be_resent(pool: PgPool) {
    let w = world_with_addresses("http://127.0.0.1:9/robot").await(pool).await;
    urge_unit_a(&w).await;
    // The last attempt: no server, no retry left.
    sqlx::query("UPDATE deliveries SET attempts = $1 - 1")
        .bind(duban::rules::notices::MAX_ATTEMPTS)
        .execute(&w.pool)
        .await
        .unwrap();
    let pass = worker::run_once(&w.pool, &channels(free_port()))
        .await
        .unwrap();
    assert_eq!(pass.failed.len(), 2);
    assert_eq!(
        count(
            &w.pool,
            "SELECT count(*) FROM deliveries WHERE state = 'failed'"
        )
        .await,
        2
    );
    let log = w.office.get("/admin/notifications?state=failed").await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(
        log.body.contains("gab@example.gov.cn") && log.body.contains("邮件服务器未接收"),
        "{}",
        log.body
    );
    assert!(log.body.contains(">重新发送</button>"));
    let id: i64 = count(
        &w.pool,
        "SELECT min(id) FROM deliveries WHERE channel = 'email'",
    )
    .await;
    let r = w
        .office
        .post(&format!("/admin/notifications/{id}/resend"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&w.pool, &format!("SELECT count(*) FROM deliveries WHERE id = {id} AND state = 'pending' AND attempts = 0")).await, 1);
    let smtp = Smtp::start().await;
    let pass = worker::run_once(&w.pool, &channels(smtp.port))
        .await
        .unwrap();
    assert_eq!(pass.sent.len(), 1);
    assert_eq!(smtp.mails().len(), 1);
}
