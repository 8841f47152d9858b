//! A real HTTP client for the fault tests: sessions that keep their cookie and post forms as
//! our own pages do, JSON with a token, and a time limit past which a request counts as lost.

use axum::body::Bytes;
use axum::http::Request;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A request with no answer by then is lost (a hang).
pub const LOST_AFTER: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub location: String,
    pub content_type: String,
    pub body: String,
    pub elapsed: Duration,
}

/// Why a request got no answer.
#[derive(Debug, Clone)]
pub enum NoAnswer {
    /// The connection was refused (nobody listening).
    Refused,
    /// Connected, but no complete answer: reset, closed early, or hung.
    Lost(String),
}

pub type Reply = Result<Answer, NoAnswer>;

/// Requests sent and their fates, shared by all clients of a test.
#[derive(Default)]
pub struct Tally {
    pub requests: AtomicU64,
    pub lost: AtomicU64,
    pub server_errors: AtomicU64,
    pub unavailable: AtomicU64,
    pub details: Mutex<Vec<String>>,
}

impl Tally {
    fn note(&self, what: &str, reply: &Reply) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        match reply {
            Ok(a) if a.status == 503 => {
                self.unavailable.fetch_add(1, Ordering::Relaxed);
            }
            Ok(a) if a.status >= 500 => {
                self.server_errors.fetch_add(1, Ordering::Relaxed);
                self.detail(format!("{what}: {} {}", a.status, head(&a.body)));
            }
            Ok(_) | Err(NoAnswer::Refused) => {}
            Err(NoAnswer::Lost(e)) => {
                self.lost.fetch_add(1, Ordering::Relaxed);
                self.detail(format!("{what}: lost: {e}"));
            }
        }
    }

    pub fn detail(&self, line: String) {
        let mut d = self.details.lock().unwrap();
        if d.len() < 20 {
            d.push(line);
        }
    }

    pub fn get(&self, counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

fn head(body: &str) -> String {
    body.chars().take(200).collect()
}

/// One HTTP/1 client; `fresh` opens a new connection per request (no keep-alive).
#[derive(Clone)]
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Http {
    pub fn new() -> Http {
        Http {
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    pub fn fresh() -> Http {
        Http {
            client: Client::builder(TokioExecutor::new())
                .pool_max_idle_per_host(0)
                .build_http(),
        }
    }

    pub async fn send(&self, req: Request<Full<Bytes>>) -> Reply {
        let started = Instant::now();
        let exchange = async {
            let res = self.client.request(req).await.map_err(|e| {
                if e.is_connect() {
                    NoAnswer::Refused
                } else {
                    NoAnswer::Lost(format!("{e:?}"))
                }
            })?;
            let status = res.status().as_u16();
            let header = |name| {
                res.headers()
                    .get(name)
                    .and_then(|v: &axum::http::header::HeaderValue| v.to_str().ok())
                    .unwrap_or("")
                    .to_string()
            };
            let location = header(axum::http::header::LOCATION);
            let content_type = header(axum::http::header::CONTENT_TYPE);
            let body = res
                .into_body()
                .collect()
                .await
                .map_err(|e| NoAnswer::Lost(format!("body: {e:?}")))?
                .to_bytes();
            Ok(Answer {
                status,
                location,
                content_type,
                body: String::from_utf8_lossy(&body).into_owned(),
                elapsed: started.elapsed(),
            })
        };
        match tokio::time::timeout(LOST_AFTER, exchange).await {
            Ok(reply) => reply,
            Err(_) => Err(NoAnswer::Lost(format!("no answer within {LOST_AFTER:?}"))),
        }
    }
}

/// `application/x-www-form-urlencoded`.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    crate::common::form_body(fields)
}

/// A signed-in browser: its cookie, and the duban processes it may talk to (one picked per
/// request, since sessions live in the database).
pub struct Session {
    http: Http,
    bases: Vec<String>,
    cookie: Mutex<Option<String>>,
    tally: std::sync::Arc<Tally>,
}

impl Session {
    pub fn new(http: &Http, bases: &[String], tally: &std::sync::Arc<Tally>) -> Session {
        Session {
            http: http.clone(),
            bases: bases.to_vec(),
            cookie: Mutex::new(None),
            tally: tally.clone(),
        }
    }

    fn base(&self) -> &str {
        use rand::Rng;
        &self.bases[rand::thread_rng().gen_range(0..self.bases.len())]
    }

    async fn request(&self, builder: axum::http::request::Builder, body: String) -> Reply {
        let mut builder = builder;
        if let Some(c) = self.cookie.lock().unwrap().clone() {
            builder = builder.header("cookie", c);
        }
        let req = builder.body(Full::new(Bytes::from(body))).expect("request");
        let what = format!("{} {}", req.method(), req.uri());
        let reply = self.http.send(req).await;
        self.tally.note(&what, &reply);
        reply
    }

    fn keep_cookie(&self, set_cookie: Option<&str>) {
        if let Some(set) = set_cookie {
            let pair = set.split(';').next().unwrap_or_default().to_string();
            if pair.starts_with("duban_session=") {
                *self.cookie.lock().unwrap() = Some(pair);
            }
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        let uri = format!("{}{path}", self.base());
        self.request(Request::get(uri), String::new()).await
    }

    /// A form post from our own pages (`Sec-Fetch-Site: same-origin`).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let uri = format!("{}{path}", self.base());
        let builder = Request::post(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin");
        self.request(builder, form_body(fields)).await
    }

    /// Signs in through the login form, retrying while the server is busy.
    pub async fn sign_in(&self, login: &str) {
        self.sign_in_with(login, &crate::common::password_of(login))
            .await;
    }

    pub async fn sign_in_with(&self, login: &str, password: &str) {
        for _ in 0..20 {
            let uri = format!("{}/login", self.base());
            let req = Request::post(uri)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body(Full::new(Bytes::from(form_body(&[
                    ("login", login),
                    ("password", password),
                ]))))
                .expect("request");
            let started = Instant::now();
            let res = tokio::time::timeout(LOST_AFTER, self.http.client.request(req)).await;
            self.tally.requests.fetch_add(1, Ordering::Relaxed);
            match res {
                Ok(Ok(res)) if res.status() == 303 => {
                    self.keep_cookie(
                        res.headers()
                            .get("set-cookie")
                            .and_then(|v| v.to_str().ok()),
                    );
                    return;
                }
                Ok(Ok(res)) if res.status() == 503 => {}
                Ok(Ok(res)) => panic!("sign-in of {login}: {}", res.status()),
                Ok(Err(e)) => panic!("sign-in of {login}: {e:?}"),
                Err(_) => panic!("sign-in of {login}: no answer in {:?}", started.elapsed()),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("sign-in of {login}: still busy");
    }
}

/// A JSON call with an API token.
pub async fn post_json(
    http: &Http,
    tally: &Tally,
    url: &str,
    token: &str,
    body: &serde_json::Value,
) -> Reply {
    let req = Request::post(url)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("request");
    let reply = http.send(req).await;
    tally.note(url, &reply);
    reply
}

/// A plain GET without a session.
pub async fn get(http: &Http, tally: &Tally, url: &str) -> Reply {
    let req = Request::get(url)
        .body(Full::new(Bytes::new()))
        .expect("request");
    let reply = http.send(req).await;
    tally.note(url, &reply);
    reply
}
