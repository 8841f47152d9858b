//! 投递: one pass over the outbox. Due deliveries are claimed with `FOR UPDATE SKIP LOCKED`
//! (two processes never take the same row), sent, and confirmed; a failure is retried with
//! exponential backoff up to [`MAX_ATTEMPTS`], then marked failed. A process that dies
//! between sending and confirming leaves its rows claimed until the lease runs out; they are
//! sent again then, with the same Message-ID and delivery id, so a receiver can tell.

use crate::db::{self, notices::Claimed};
use crate::rules::notices::{MAX_ATTEMPTS, backoff};
use hmac::{KeyInit, Mac};
use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

/// Where and how messages leave duban.
#[derive(Clone)]
pub struct Channels {
    /// `DUBAN_SMTP_URL`; no e-mail is sent (rows wait) while unset.
    pub smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    /// `DUBAN_MAIL_FROM`.
    pub from: Mailbox,
    /// `DUBAN_PUBLIC_URL`, for absolute links.
    pub public_url: String,
    /// The first retry's delay; doubled for each further one.
    pub retry_base: Duration,
    /// `DUBAN_NOTIFY_LEASE_SECS`: how long a claimed row is held before another pass may
    /// take it again (and resend it, if the process that claimed it died).
    pub lease: Duration,
    /// Webhooks, `http://` and `https://` alike.
    pub http: hyper_util::client::legacy::Client<
        hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
        http_body_util::Full<bytes::Bytes>,
    >,
}

impl Channels {
    /// From the settings; `smtp_url` like `smtp://host:2525`, `smtps://user:pass@host` or
    /// `smtp://host:587?tls=required`.
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        public_url: &str,
        retry_base: Duration,
        lease: Duration,
    ) -> Result<Channels, String> {
        let smtp = match smtp_url {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("DUBAN_SMTP_URL 无效：{e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    // One connection for each message a pass sends at once.
                    .pool_config(
                        lettre::transport::smtp::PoolConfig::new().max_size(PARALLEL as u32),
                    )
                    .build(),
            ),
            None => None,
        };
        let from: Mailbox = from
            .parse()
            .map_err(|_| format!("DUBAN_MAIL_FROM 不是有效的邮件地址：{from:?}"))?;
        let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
        connector.set_connect_timeout(Some(Duration::from_secs(10)));
        // Otherwise the plain connector refuses https:// before TLS is reached.
        connector.enforce_http(false);
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS 设置无效：{e}"))?
        .with_root_certificates(native_roots())
        .with_no_client_auth();
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(connector);
        let http =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(connector);
        Ok(Channels {
            smtp,
            from,
            public_url: public_url.trim_end_matches('/').to_string(),
            retry_base,
            lease,
            http,
        })
    }
}

/// The system's trusted roots (or those of `SSL_CERT_FILE` / `SSL_CERT_DIR`). None found is
/// not fatal: mail and http:// webhooks still go; https:// ones fail with the reason.
fn native_roots() -> rustls::RootCertStore {
    let found = rustls_native_certs::load_native_certs();
    for e in &found.errors {
        tracing::warn!(error = %e, "a trusted root certificate could not be read");
    }
    let mut roots = rustls::RootCertStore::empty();
    let (_, unusable) = roots.add_parsable_certificates(found.certs);
    if unusable > 0 {
        tracing::warn!(unusable, "trusted root certificates skipped");
    }
    if roots.is_empty() {
        tracing::warn!("no trusted root certificates: https:// webhooks will fail");
    }
    roots
}

/// What one pass did.
#[derive(Debug, Default, Clone)]
pub struct Pass {
    pub sent: Vec<String>,
    pub failed: Vec<String>,
}

/// Rows claimed per pass.
const BATCH: i64 = 200;

/// Messages sent at once: a mail server or robot a few milliseconds away would otherwise set
/// the pace one message at a time. lettre 0.11.23 leaves Nagle on, so each mail waits twice for
/// the server's delayed ACK (fixed upstream in lettre#1159, not yet released): about 12 mails a
/// second per connection, so 32 connections. Each message is confirmed as soon as it is sent,
/// so a process killed mid-pass has at most this many sent and unconfirmed (sent again,
/// recognisably, later).
pub const PARALLEL: usize = 32;

/// One pass: claims what is due and delivers it.
pub async fn run_once(pool: &PgPool, ch: &Channels) -> sqlx::Result<Pass> {
    use futures_util::StreamExt;
    let mut pass = Pass::default();
    loop {
        let claimed = db::notices::claim(pool, BATCH, ch.lease.as_secs_f64()).await?;
        let n = claimed.len();
        let mut sending = futures_util::stream::iter(group_digests(claimed))
            .map(|group| async move {
                let r = deliver(ch, &group).await;
                (group, r)
            })
            .buffer_unordered(PARALLEL);
        while let Some((group, result)) = sending.next().await {
            let ids: Vec<i64> = group.iter().map(|c| c.id).collect();
            let first = &group[0];
            let line = format!("{} {} {}", first.channel, first.address, first.title);
            match result {
                Ok(()) => {
                    db::notices::mark_sent(pool, &ids).await?;
                    pass.sent.push(line);
                }
                Err(e) => {
                    let attempts = group.iter().map(|c| c.attempts).max().unwrap_or(1);
                    let retry = (attempts < MAX_ATTEMPTS)
                        .then(|| backoff(ch.retry_base, attempts).as_secs_f64());
                    tracing::warn!(delivery = first.id, attempts, error = %e, "delivery failed");
                    db::notices::mark_attempt_failed(pool, &ids, &e, retry).await?;
                    pass.failed.push(format!("{line}：{e}"));
                }
            }
        }
        if n < BATCH as usize {
            return Ok(pass);
        }
    }
}

/// Digest parts for one address go out as one mail; every other row alone.
fn group_digests(claimed: Vec<Claimed>) -> Vec<Vec<Claimed>> {
    let mut out: Vec<Vec<Claimed>> = Vec::new();
    for c in claimed {
        if c.digest
            && let Some(g) = out
                .iter_mut()
                .find(|g| g[0].digest && g[0].address == c.address)
        {
            g.push(c);
            continue;
        }
        out.push(vec![c]);
    }
    out
}

async fn deliver(ch: &Channels, group: &[Claimed]) -> Result<(), String> {
    match group[0].channel.as_str() {
        "email" => send_mail(ch, group).await,
        "webhook" => post_webhook(ch, &group[0]).await,
        other => Err(format!("未知的投递渠道 {other}")),
    }
}

/// The Message-ID of a delivery: the same on every attempt, so a resend is recognisable.
pub fn message_id(group: &[Claimed]) -> String {
    let ids: Vec<String> = group.iter().map(|c| c.id.to_string()).collect();
    format!("<duban.{}@duban.invalid>", ids.join("."))
}

async fn send_mail(ch: &Channels, group: &[Claimed]) -> Result<(), String> {
    let Some(smtp) = &ch.smtp else {
        return Err("未配置邮件服务器（DUBAN_SMTP_URL）".into());
    };
    let to: Mailbox = group[0]
        .address
        .parse()
        .map_err(|_| format!("收件地址无效：{}", group[0].address))?;
    let (subject, text, html) = super::mail::render(&ch.public_url, group);
    let message = Message::builder()
        .from(ch.from.clone())
        .to(to)
        .subject(subject)
        .message_id(Some(message_id(group)))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    lettre::message::SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text),
                )
                .singlepart(
                    lettre::message::SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html),
                ),
        )
        .map_err(|e| format!("邮件无法生成：{e}"))?;
    smtp.send(message)
        .await
        .map(|_| ())
        .map_err(|e| format!("邮件服务器未接收：{e}"))
}

/// The JSON a webhook receives.
pub fn webhook_body(public_url: &str, c: &Claimed) -> serde_json::Value {
    let url = format!("{public_url}{}", c.link);
    serde_json::json!({
        "delivery_id": c.id,
        "event_id": c.event_id,
        "kind": c.kind,
        "title": c.title,
        "body": c.body,
        "url": url,
        "created_at": c.created_at,
        "text": format!("{}\n{}\n{}", c.title, c.body, url),
    })
}

/// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn post_webhook(ch: &Channels, c: &Claimed) -> Result<(), String> {
    let secret = c.secret.as_deref().filter(|s| !s.is_empty());
    let body = serde_json::to_vec(&webhook_body(&ch.public_url, c)).expect("JSON");
    let mut req = axum::http::Request::post(&c.address)
        .header("content-type", "application/json; charset=utf-8")
        .header("x-duban-delivery", c.id.to_string())
        .header("x-duban-event", &c.kind);
    if let Some(s) = secret {
        req = req.header("x-duban-signature", signature(s, &body));
    }
    let req = req
        .body(http_body_util::Full::new(bytes::Bytes::from(body)))
        .map_err(|e| format!("网址无效：{e}"))?;
    let answer = tokio::time::timeout(Duration::from_secs(20), ch.http.request(req))
        .await
        .map_err(|_| "接收方 20 秒内未应答".to_string())?
        .map_err(|e| format!("无法连接接收方：{}", with_causes(&e)))?;
    if answer.status().is_success() {
        Ok(())
    } else {
        Err(format!("接收方应答 {}", answer.status()))
    }
}

/// An error and its causes: hyper's own text ("client error (Connect)") says nothing of why.
/// A certificate refused is said plainly, with what to do.
fn with_causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut untrusted = false;
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(&format!("：{c}"));
        untrusted |= matches!(tls_error(c), Some(rustls::Error::InvalidCertificate(_)));
        cause = c.source();
    }
    if untrusted {
        format!(
            "接收方的证书未通过验证（内部 CA 须加入系统信任库，或以 SSL_CERT_FILE 指定）：{text}"
        )
    } else {
        text
    }
}

/// rustls' error, which tokio-rustls and hyper-rustls hand over wrapped in io::Errors (whose
/// `source` skips what they wrap).
fn tls_error<'a>(mut e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    loop {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        e = e.downcast_ref::<std::io::Error>()?.get_ref()?;
    }
}
