//! Hostile input: every route that takes a body, and every address, is sent what a careless
//! or malicious client would send. Each case names the exact refusal (status and the Chinese
//! message, beside the field where a form is shown again); none may answer 500 or panic.
//! Passing tests append how many bad inputs they tried to `target/resilience/hostile.jsonl`.

use crate::common;

mod addresses;
mod api;
mod edge;
mod forms;
mod limits;
mod markup;
mod nul;
mod partial;
mod signin;
mod uploads;

use axum::body::Body;
use axum::http::{Method, Request};
use chrono::NaiveDate;
use common::{Client, Setup, create_user, token_for};
use duban::rules::auth::Role;
use duban::web::{AppState, WebConfig, create_app};
use sqlx::PgPool;

/// The date the app judges by: 2022-Q2 is the period just ended, its reports due.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 7, 5).unwrap()
}

pub fn app_with(pool: &PgPool, config: WebConfig) -> axum::Router {
    create_app(AppState::with_config(
        pool.clone(),
        WebConfig {
            today: Some(today()),
            ..config
        },
    ))
}

/// Serves [`app_with`] over real HTTP on a free port, with the peer's address known.
pub async fn serve_with(pool: &PgPool, config: WebConfig) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = app_with(pool, config);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    addr
}

/// The common world (with its reports of 公安部, judging on [`today`]), and what else the
/// hostile cases aim at.
pub struct World {
    pub world: common::World,
    /// A liaison the office edits.
    pub target_user: i64,
    pub target_token_id: i64,
    /// 1.3.1, 2022-Q2, submitted, with an open coordination request.
    pub submitted: i64,
    /// 1.2.2, 2022-Q2, a draft.
    pub draft: i64,
    pub coordination: i64,
    pub urge: i64,
    /// 公安部's last task, due 2022-09-30, with 公安部's pending 延期申请 (version 1).
    pub extension_task: String,
    pub extension: i64,
    /// The leader's 领导批示 on that task, relayed to 公安部: not yet answered (its row at
    /// version 1), and answered (at version 2).
    pub instruction: i64,
    pub answered_instruction: i64,
    /// 公安部's open 申诉 on that task (version 1).
    pub contest: i64,
    /// 公安部's unit head, signed in, and its token.
    pub head: common::Client,
    pub head_token: String,
    /// 2022-Q2 on 公安部's last task but one: its liaison's submission waiting for the head, and
    /// its version.
    pub signing: i64,
    pub signing_version: i32,
    /// An open milestone of 公安部 on 3.1.1 (version 1).
    pub milestone: i64,
}

impl std::ops::Deref for World {
    type Target = common::World;

    fn deref(&self) -> &common::World {
        &self.world
    }
}

impl World {
    pub async fn new(pool: PgPool) -> World {
        let world = common::World::build(pool, Setup::on(today()).with_reports()).await;
        let pool = &world.pool;
        let reports = world.reports();
        let target_user = create_user(pool, "target", Role::Liaison, Some("公安部")).await;
        token_for(pool, target_user).await;
        let target_token_id = common::probe::number(
            pool,
            &format!("SELECT id FROM api_tokens WHERE user_id = {target_user}"),
        )
        .await;
        let (plan_id, gab_unit) = (world.plan_id, world.unit_a);
        let urge = common::probe::number(
            pool,
            &format!(
                "INSERT INTO urges (plan_id, unit_id, period, task_codes, message)
                 VALUES ({plan_id}, {gab_unit}, '2022-Q2', '{{1.1.1}}', '请报送') RETURNING id"
            ),
        )
        .await;
        let extension_task: String = sqlx::query_scalar(
            "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
             WHERE t.plan_id = $1 AND tu.unit_id = $2 ORDER BY t.position DESC LIMIT 1",
        )
        .bind(plan_id)
        .bind(gab_unit)
        .fetch_one(pool)
        .await
        .unwrap();
        sqlx::query(
            "UPDATE tasks SET deadline_kind = 'date', deadline_date = '2022-09-30'
             WHERE plan_id = $1 AND code = $2",
        )
        .bind(plan_id)
        .bind(&extension_task)
        .execute(pool)
        .await
        .unwrap();
        let extension: i64 = sqlx::query_scalar(
            "INSERT INTO extension_requests (task_id, unit_id, due_date, requested_date, reason, late)
             SELECT id, $3, '2022-09-30', '2022-12-31', '需要延期', false FROM tasks
             WHERE plan_id = $1 AND code = $2 RETURNING id",
        )
        .bind(plan_id)
        .bind(&extension_task)
        .bind(gab_unit)
        .fetch_one(pool)
        .await
        .unwrap();
        let mut instructions = Vec::new();
        for answered in [false, true] {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO instructions (task_id, text, state, written_by, written_on)
                 SELECT id, '请抓紧推进', 'relayed', $3, DATE '2022-07-01' FROM tasks
                  WHERE plan_id = $1 AND code = $2 RETURNING id",
            )
            .bind(plan_id)
            .bind(&extension_task)
            .bind(world.ids.leader)
            .fetch_one(pool)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO instruction_units (instruction_id, unit_id, answer, answered_at, version)
                 VALUES ($1, $2, CASE WHEN $3 THEN '已落实' END, CASE WHEN $3 THEN now() END,
                         CASE WHEN $3 THEN 2 ELSE 1 END)",
            )
            .bind(id)
            .bind(gab_unit)
            .bind(answered)
            .execute(pool)
            .await
            .unwrap();
            instructions.push(id);
        }
        let contest =
            common::rounds::contest(pool, plan_id, &extension_task, gab_unit, "2022-07-01").await;
        let head_id = create_user(pool, "gab-head", Role::UnitHead, Some("公安部")).await;
        let head_token = token_for(pool, head_id).await;
        let head = common::Client::signed_in(&world.app, "gab-head").await;
        // The unit's last task but one: no other table writes its reports.
        let signing_task: String = sqlx::query_scalar(
            "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
             WHERE t.plan_id = $1 AND tu.unit_id = $2 ORDER BY t.position DESC OFFSET 1 LIMIT 1",
        )
        .bind(plan_id)
        .bind(gab_unit)
        .fetch_one(pool)
        .await
        .unwrap();
        let signing = duban::workflows::progress::save_report(
            pool,
            &common::office_caller(world.ids.office),
            plan_id,
            &signing_task,
            gab_unit,
            common::sample_report(false),
            None,
        )
        .await
        .expect("a report to sign off")
        .id;
        let signing_version = common::probe::report_version(pool, signing).await;
        sqlx::query(
            "INSERT INTO report_sign_offs (report_id, asked_by, version) VALUES ($1, $2, $3)",
        )
        .bind(signing)
        .bind(world.ids.liaison_a)
        .bind(signing_version)
        .execute(pool)
        .await
        .unwrap();
        let milestone: i64 = sqlx::query_scalar(
            "INSERT INTO milestones (task_id, unit_id, output, due_on)
             SELECT id, $2, '完成调研', DATE '2022-09-30' FROM tasks
              WHERE plan_id = $1 AND code = '3.1.1' RETURNING id",
        )
        .bind(plan_id)
        .bind(gab_unit)
        .fetch_one(pool)
        .await
        .unwrap();
        World {
            milestone,
            head,
            head_token,
            signing,
            signing_version,
            contest,
            instruction: instructions[0],
            answered_instruction: instructions[1],
            world,
            target_user,
            target_token_id,
            submitted: reports.submitted,
            draft: reports.draft,
            coordination: reports.coordination,
            urge,
            extension_task,
            extension,
        }
    }

    /// The version a row has now (forms carry it).
    pub async fn version(&self, table: &str, id: i64) -> String {
        common::probe::number(
            &self.pool,
            &format!("SELECT version::bigint FROM {table} WHERE id = {id}"),
        )
        .await
        .to_string()
    }

    pub async fn task_version(&self, code: &str) -> String {
        common::probe::task_version(&self.pool, code)
            .await
            .to_string()
    }
}

/// Who sends a request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Who {
    Anonymous,
    Office,
    Liaison,
    Leader,
    OfficeToken,
    LiaisonToken,
    LeaderToken,
    /// 公安部's 单位负责人.
    UnitHead,
    UnitHeadToken,
}

/// What the answer must carry besides its status.
#[derive(Debug, Clone)]
pub enum Expect {
    /// The form shown again with the message beside the element with this id.
    Beside(&'static str, &'static str),
    /// A page (an error page or a form) whose text carries the message.
    Page(&'static str),
    /// A JSON error with this message, naming this field (or none).
    Json(Option<&'static str>, &'static str),
    /// A redirect to a path starting so: an input that must be ignored. (No case expects one
    /// now; dead code is reported since the suite became a module.)
    #[allow(dead_code)]
    Redirect(&'static str),
}

/// One request and the exact answer it must get.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub who: Who,
    pub method: Method,
    pub uri: String,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    pub status: u16,
    pub expect: Expect,
}

pub const FORM: &str = "application/x-www-form-urlencoded";

impl Case {
    pub fn new(name: impl Into<String>, who: Who, method: Method, uri: impl Into<String>) -> Case {
        Case {
            name: name.into(),
            who,
            method,
            uri: uri.into(),
            content_type: None,
            body: Vec::new(),
            status: 0,
            expect: Expect::Page(""),
        }
    }

    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Case {
        self.content_type = Some(content_type.into());
        self.body = body.into();
        self
    }

    pub fn form(self, fields: &[(String, String)]) -> Case {
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.body(FORM, common::form_body(&pairs))
    }

    pub fn json(self, body: &str) -> Case {
        self.body("application/json", body)
    }

    pub fn expect(mut self, status: u16, expect: Expect) -> Case {
        self.status = status;
        self.expect = expect;
        self
    }
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Sends the case; `None` when the answer is the one expected, else what was wrong.
pub async fn check(w: &World, c: &Case) -> Option<String> {
    let mut req = Request::builder()
        .method(c.method.clone())
        .uri(c.uri.as_str());
    if let Some(ct) = &c.content_type {
        req = req.header("content-type", ct.as_str());
    }
    if c.method != Method::GET {
        req = req.header("sec-fetch-site", "same-origin");
    }
    let token = match c.who {
        Who::OfficeToken => Some(&w.tokens.office),
        Who::LiaisonToken => Some(&w.tokens.liaison_a),
        Who::LeaderToken => Some(&w.tokens.leader),
        Who::UnitHeadToken => Some(&w.head_token),
        _ => None,
    };
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = req.body(Body::from(c.body.clone())).unwrap();
    let r = match c.who {
        Who::Office => w.office.request(req).await,
        Who::Liaison => w.liaison_a.request(req).await,
        Who::Leader => w.leader.request(req).await,
        Who::UnitHead => w.head.request(req).await,
        _ => common::send(&w.app, req).await,
    };
    let fail = |why: String| {
        let excerpt = gist(&r.body);
        Some(format!(
            "{} {} [{}]: {why} (got {}: {excerpt})",
            c.method, c.uri, c.name, r.status
        ))
    };
    if r.status.is_server_error() {
        return fail("a server error".into());
    }
    if r.status.as_u16() != c.status {
        return fail(format!("expected {}", c.status));
    }
    match &c.expect {
        Expect::Redirect(to) => {
            if !r.location().starts_with(to) {
                return fail(format!("expected a redirect to {to}"));
            }
            return None;
        }
        Expect::Json(field, message) => {
            if !r.header("content-type").starts_with("application/json") {
                return fail("expected JSON".into());
            }
            let v: serde_json::Value = match serde_json::from_str(&r.body) {
                Ok(v) => v,
                Err(_) => return fail("unparseable JSON".into()),
            };
            let got = v["error"]["message"].as_str().unwrap_or("");
            if !has_cjk(got) || !got.contains(message) {
                return fail(format!("expected the message {message:?}"));
            }
            if v["error"]["field"].as_str() != *field {
                return fail(format!("expected the field {field:?}"));
            }
        }
        Expect::Page(message) => {
            if !r.header("content-type").starts_with("text/html") {
                return fail("expected a page".into());
            }
            if !has_cjk(&r.body) || !r.body.contains(message) {
                return fail(format!("expected the message {message:?}"));
            }
        }
        Expect::Beside(id, message) => {
            let want = format!("id=\"{id}\">{message}");
            if !r.header("content-type").starts_with("text/html") || !r.body.contains(&want) {
                return fail(format!("expected {want:?}"));
            }
        }
    }
    if !c.status.to_string().starts_with('4') {
        return fail("a case must be a refusal".into());
    }
    None
}

/// Runs every case, then fails listing every wrong answer; returns how many were tried.
pub async fn run(w: &World, cases: &[Case]) -> usize {
    let mut failures = Vec::new();
    for c in cases {
        if let Some(f) = check(w, c).await {
            failures.push(f);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases answered wrongly:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}

pub fn record(test: &str, bad_inputs: usize) {
    common::resilience::record(
        "hostile",
        test,
        serde_json::json!({ "bad_inputs": bad_inputs }),
    );
}

/// Text of `n` characters.
pub fn long(n: usize) -> String {
    "长".repeat(n)
}

/// A GET as the client, with the body as bytes: (status, content type, body).
pub async fn get_bytes(c: &Client, uri: &str) -> (u16, String, Vec<u8>) {
    use tower::ServiceExt;
    let mut req = Request::get(uri).body(Body::empty()).unwrap();
    if let Some(cookie) = c.cookie() {
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
    }
    let res = c.app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, ct, body)
}

/// The readable text of a page's main part (or the JSON), for failure messages.
fn gist(body: &str) -> String {
    let main = body.find("<main").map_or(body, |i| &body[i..]);
    let mut text = String::new();
    let mut in_tag = false;
    for c in main.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.chars().take(260).collect()
}
