//! Helpers shared by the integration tests: the real router, the real 2022 seed, a real
//! PostgreSQL database per test (from `#[sqlx::test]`).

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode};
use duban::db::audit::Actor;
use duban::rules::auth::Role;
use duban::workflows::accounts;
use duban::workflows::importer;
use http_body_util::BodyExt;
use sqlx::PgPool;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tower::ServiceExt;

pub mod office;
pub mod probe;
pub mod resilience;
pub mod rounds;
pub mod turns;
pub mod world;

pub use world::{Setup, World};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn seeds() -> PathBuf {
    root().join("seeds")
}

/// Imports every plan in `seeds/` (the 2022 plan) and returns the plan ids.
pub async fn seed(pool: &PgPool) -> Vec<i64> {
    importer::import_seeds(pool, &seeds())
        .await
        .expect("seeds import")
        .into_iter()
        .map(|(_, outcome)| match outcome {
            importer::Outcome::Imported { plan_id, .. }
            | importer::Outcome::AlreadyPresent { plan_id } => plan_id,
        })
        .collect()
}

/// Imports one document given as text, as if it were a file called `name`.
pub async fn import_text(
    pool: &PgPool,
    name: &str,
    text: &str,
) -> Result<importer::Outcome, importer::ImportError> {
    let doc = importer::Document {
        path: PathBuf::from(name),
        text: text.to_string(),
        errata: Default::default(),
    };
    let prepared = importer::prepare(&doc)?;
    let units = importer::read_units(&seeds().join(importer::UNITS_FILE))?;
    importer::import(pool, &prepared, &units).await
}

pub fn app(pool: PgPool) -> Router {
    duban::web::create_app(duban::web::AppState::new(pool))
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl Response {
    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.header("location")
    }
}

/// Sends a request through the router as from 192.0.2.1 (or `addr`).
pub async fn send(app: &Router, req: Request<Body>) -> Response {
    send_from(app, req, "192.0.2.1:40000").await
}

pub async fn send_from(app: &Router, mut req: Request<Body>, addr: &str) -> Response {
    let addr: SocketAddr = addr.parse().expect("socket address");
    req.extensions_mut().insert(ConnectInfo(addr));
    let res = app.clone().oneshot(req).await.expect("infallible router");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// An anonymous GET.
pub async fn get(app: &Router, uri: &str) -> Response {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

/// `application/x-www-form-urlencoded`, every byte outside the unreserved set escaped.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The password test users get: strong enough for the policy, and not containing the login
/// (which the policy refuses), yet one per login.
pub fn password_of(login: &str) -> String {
    format!("Qm7-lotus-{}-2022", hex::encode(login))
}

/// Creates a user directly (as the CLI would); `unit` is a unit's short name.
pub async fn create_user(pool: &PgPool, login: &str, role: Role, unit: Option<&str>) -> i64 {
    accounts::create_user(
        pool,
        &Actor::default(),
        accounts::NewUserInput {
            login: login.to_string(),
            display_name: Some(format!("{login} 姓名")),
            role,
            unit: unit.map_or(accounts::UnitRef::None, |u| {
                accounts::UnitRef::Name(u.to_string())
            }),
            password: password_of(login),
            must_change_password: false,
            email: None,
        },
    )
    .await
    .expect("create user")
}

/// A browser: keeps the session cookie it is given, sends same-origin form posts.
pub struct Client {
    pub app: Router,
    cookie: Mutex<Option<String>>,
    pub addr: String,
}

impl Client {
    pub fn new(app: &Router) -> Client {
        Client {
            app: app.clone(),
            cookie: Mutex::new(None),
            addr: "192.0.2.1:40000".into(),
        }
    }

    /// Signs in through the login form; panics unless it succeeds.
    pub async fn signed_in(app: &Router, login: &str) -> Client {
        let c = Client::new(app);
        let r = c.sign_in(login, &password_of(login)).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "sign-in of {login} failed: {}",
            r.body
        );
        c
    }

    pub async fn sign_in(&self, login: &str, password: &str) -> Response {
        self.post("/login", &[("login", login), ("password", password)])
            .await
    }

    pub fn cookie(&self) -> Option<String> {
        self.cookie.lock().unwrap().clone()
    }

    pub fn set_cookie(&self, cookie: Option<String>) {
        *self.cookie.lock().unwrap() = cookie;
    }

    pub async fn request(&self, mut req: Request<Body>) -> Response {
        if let Some(c) = self.cookie() {
            req.headers_mut().insert("cookie", c.parse().unwrap());
        }
        let r = send_from(&self.app, req, &self.addr).await;
        if let Some(set) = r.headers.get("set-cookie").and_then(|v| v.to_str().ok()) {
            let pair = set.split(';').next().unwrap_or_default().to_string();
            if pair.starts_with("duban_session=") {
                let expired = set.contains("Max-Age=0") || pair == "duban_session=";
                self.set_cookie(if expired { None } else { Some(pair) });
            }
        }
        r
    }

    pub async fn get(&self, uri: &str) -> Response {
        self.request(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    /// A form post from our own pages (`Sec-Fetch-Site: same-origin`).
    pub async fn post(&self, uri: &str, fields: &[(&str, &str)]) -> Response {
        self.request(
            Request::post(uri)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(form_body(fields)))
                .unwrap(),
        )
        .await
    }
}

/// Creates an office user `office` and signs in as them.
pub async fn office(pool: &PgPool) -> Client {
    create_user(pool, "office", Role::Office, None).await;
    Client::signed_in(&app(pool.clone()), "office").await
}

/// A GET with an API token.
pub async fn get_with_token(app: &Router, uri: &str, token: &str) -> Response {
    send(
        app,
        Request::get(uri)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// A JSON `POST` with an API token, as the API's writes are called.
pub async fn post_json(
    app: Router,
    uri: String,
    token: String,
    body: serde_json::Value,
) -> Response {
    send(
        &app,
        Request::post(uri)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

/// A new API token for the user.
pub async fn token_for(pool: &PgPool, user_id: i64) -> String {
    accounts::create_token(pool, &Actor::default(), user_id)
        .await
        .expect("token")
        .secret
}

/// A `DATABASE_URL` for the test's database, for child processes (the CLI tests).
pub fn database_url(pool: &PgPool) -> String {
    let o = pool.connect_options();
    let db = o.get_database().unwrap_or("postgres");
    match o.get_socket() {
        Some(dir) => duban::infra::embedded::url_for(dir, db),
        None => format!(
            "postgres://{}@{}:{}/{}",
            o.get_username(),
            o.get_host(),
            o.get_port(),
            db
        ),
    }
}

pub fn write_temp(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write temp file");
    path
}

/// The office user `office` (id `office_id`) as the report workflow sees a caller.
/// SQL adding `n` tasks at the end of the plan's last subsection (codes from `x.y.101`), each
/// text `text` followed by its number; for tests whose lists must grow.
pub fn more_tasks_sql(n: u32, text: &str, responsibility: &str) -> String {
    format!(
        r#"WITH last AS (
    SELECT ss.id, ss.plan_id, s.number AS sn, ss.number AS ssn FROM subsections ss
    JOIN sections s ON s.id = ss.section_id ORDER BY s.number DESC, ss.number DESC LIMIT 1)
INSERT INTO tasks (plan_id, subsection_id, number, position, code, text, source_text,
                   responsibility_text, unnamed_members, source_line)
SELECT last.plan_id, last.id, 100 + g, 1000 + g, last.sn || '.' || last.ssn || '.' || (100 + g),
       '{text}' || g, '{text}' || g, '{responsibility}', false, 1
FROM last, generate_series(1, {n}) g;
"#
    )
}

pub fn office_caller(office_id: i64) -> duban::workflows::progress::Caller {
    duban::workflows::progress::Caller {
        actor: Actor {
            user_id: Some(office_id),
            login: Some("office".into()),
            addr: None,
        },
        role: Role::Office,
        unit_id: None,
    }
}

/// A 2022-Q2 report in progress with one coordination request, saved or submitted.
pub fn sample_report(submit: bool) -> duban::workflows::progress::ReportInput {
    duban::workflows::progress::ReportInput {
        period: "2022-Q2".into(),
        content: duban::rules::vocabulary::ReportContent {
            status: duban::workflows::progress::ReportStatus::InProgress,
            self_assessment: duban::workflows::progress::Assessment::OnTrack,
            work_done: "开展专项行动。".into(),
            problems: String::new(),
            next_steps: String::new(),
        },
        coordination: vec!["请协调数据共享".into()],
        submit,
    }
}

/// 发布通报 as the office does it: the preview, then its 确认发布 (the confirmation's answer).
pub async fn issue_edition(c: &Client) -> Response {
    let preview = c.post("/editions", &[]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let hidden = |name: &str| {
        preview
            .body
            .split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
            .to_string()
    };
    let (plan, last) = (hidden("plan"), hidden("last"));
    c.post("/editions/confirm", &[("plan", &plan), ("last", &last)])
        .await
}
