//! The authorization matrix: every route the router serves, by every kind of caller, with
//! the status each must get. Routes come from the router itself, so a new route without a
//! row here fails this test.

use crate::common;
use crate::common::probe;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Client, Setup, World, create_user, token_for, world};
use duban::db::audit::Actor;
use duban::rules::auth::Role;
use duban::web::{AppState, route_list};
use duban::workflows::accounts;
use sqlx::PgPool;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Caller {
    Anonymous,
    Office,
    Leader,
    /// 联络员 of the unit the route concerns (公安部).
    OwnLiaison,
    /// 联络员 of another unit (海关总署).
    OtherLiaison,
    /// 单位负责人 of the unit the route concerns: what its liaison may, and sign-off.
    OwnHead,
    /// 单位负责人 of another unit: nothing for the route's unit.
    OtherHead,
    /// Signed in (and holding a token), then disabled by the office.
    Disabled,
    /// Holding a token the office has revoked, and no session.
    RevokedToken,
}

const CALLERS: [Caller; 9] = [
    Caller::Anonymous,
    Caller::Office,
    Caller::Leader,
    Caller::OwnLiaison,
    Caller::OtherLiaison,
    Caller::Disabled,
    Caller::RevokedToken,
    Caller::OwnHead,
    Caller::OtherHead,
];

const OWN_HEAD: &str = "gab-head";
const OTHER_HEAD: &str = "hgzs-head";

/// What the caller must get of a route's row. A unit head may do what the unit's liaisons may
/// (the row's liaison columns), except where `heads` says otherwise: sign-off is theirs alone.
fn expected(row: &Row, heads: Option<[u16; 2]>, caller: Caller) -> u16 {
    match (caller, heads) {
        (Caller::OwnHead, Some([own, _])) => own,
        (Caller::OtherHead, Some([_, other])) => other,
        (Caller::OwnHead, None) => row[3],
        (Caller::OtherHead, None) => row[4],
        _ => row[CALLERS.iter().position(|c| *c == caller).unwrap()],
    }
}

/// Routes where unit heads get other answers than the unit's liaisons: `[own, other]`.
fn heads_differ(method: &Method, path: &str) -> Option<[u16; 2]> {
    match (*method == Method::GET, path) {
        (false, "/reports/{id}/sign-off") => Some([303, 404]),
        (false, "/api/v1/reports/{id}/sign-off") => Some([200, 404]),
        // A message is its recipient's: the own liaison's is not the head's.
        (false, "/inbox/{id}/read") | (false, "/api/v1/notifications/{id}/read") => {
            Some([404, 404])
        }
        _ => None,
    }
}

struct Fixture {
    pool: PgPool,
    app: axum::Router,
    office_id: i64,
    leader_id: i64,
    own_id: i64,
    other_id: i64,
    disabled_id: i64,
    target_id: i64,
    unit_id: i64,
    revoked_token: String,
    tokens: std::collections::HashMap<&'static str, String>,
    plan_id: i64,
    submitted_report: i64,
    draft_report: i64,
    /// A report of the unit waiting for its head's sign-off (reset before each call).
    signing_report: i64,
    counter: AtomicUsize,
}

impl Fixture {
    async fn new(pool: PgPool) -> Fixture {
        // The matrix signs in afresh for each request (some requests sign out): the world's
        // signed-in browsers go unused.
        let w = World::build(pool, Setup::default().with_every_state()).await;
        let pool = w.pool.clone();
        let disabled_id = create_user(&pool, "gone", Role::Liaison, Some("公安部")).await;
        let target_id = create_user(&pool, "target", Role::Liaison, Some("公安部")).await;
        let revoked_holder = create_user(&pool, "revoked", Role::Leader, None).await;
        let revoked_token = token_for(&pool, revoked_holder).await;
        sqlx::query("UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1")
            .bind(revoked_holder)
            .execute(&pool)
            .await
            .unwrap();
        let mut tokens = std::collections::HashMap::new();
        tokens.insert("office", w.tokens.office.clone());
        tokens.insert("leader", w.tokens.leader.clone());
        tokens.insert("own", w.tokens.liaison_a.clone());
        tokens.insert("other", w.tokens.liaison_b.clone());
        tokens.insert("gone", token_for(&pool, disabled_id).await);
        let own_head = create_user(&pool, OWN_HEAD, Role::UnitHead, Some("公安部")).await;
        let other_head = create_user(&pool, OTHER_HEAD, Role::UnitHead, Some("海关总署")).await;
        tokens.insert("own_head", token_for(&pool, own_head).await);
        tokens.insert("other_head", token_for(&pool, other_head).await);
        // A task of 公安部 the world left without a report.
        let free: String = sqlx::query_scalar(
            "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
              WHERE t.plan_id = $1 AND tu.unit_id = $2
                AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.task_id = t.id)
              ORDER BY t.position LIMIT 1",
        )
        .bind(w.plan_id)
        .bind(w.unit_a)
        .fetch_one(&pool)
        .await
        .unwrap();
        let signing_report = duban::workflows::progress::save_report(
            &pool,
            &common::office_caller(w.ids.office),
            w.plan_id,
            &free,
            w.unit_a,
            common::sample_report(false),
            None,
        )
        .await
        .expect("a report to sign off")
        .id;
        // The world's submitted report (1.3.1) and draft (1.2.2) of 公安部, with an attachment
        // that went out with the submission (and the world's coordination request) on the
        // submitted one.
        let reports = w.reports();
        sqlx::query(
            "INSERT INTO attachments (report_id, file_name, content_type, size, sha256, data,
                                      submitted_at)
             VALUES ($1, 'a.png', 'image/png', 4, 'x', '\\x89504e47', now())",
        )
        .bind(reports.submitted)
        .execute(&pool)
        .await
        .unwrap();
        Fixture {
            app: w.app.clone(),
            pool,
            office_id: w.ids.office,
            leader_id: w.ids.leader,
            own_id: w.ids.liaison_a,
            other_id: w.ids.liaison_b,
            disabled_id,
            target_id,
            unit_id: w.unit_a,
            revoked_token,
            tokens,
            plan_id: w.plan_id,
            submitted_report: reports.submitted,
            draft_report: reports.draft,
            signing_report,
            counter: AtomicUsize::new(0),
        }
    }

    fn next(&self) -> usize {
        self.counter.fetch_add(1, Ordering::SeqCst)
    }

    async fn set_disabled_active(&self, active: bool) {
        sqlx::query("UPDATE users SET active = $2 WHERE id = $1")
            .bind(self.disabled_id)
            .bind(active)
            .execute(&self.pool)
            .await
            .unwrap();
    }

    /// A browser for the caller, freshly signed in where the caller signs in.
    async fn browser(&self, caller: Caller) -> Client {
        let login = match caller {
            Caller::Anonymous | Caller::RevokedToken => return Client::new(&self.app),
            Caller::Office => world::OFFICE,
            Caller::Leader => world::LEADER,
            Caller::OwnLiaison => world::LIAISON_A,
            Caller::OtherLiaison => world::LIAISON_B,
            Caller::OwnHead => OWN_HEAD,
            Caller::OtherHead => OTHER_HEAD,
            Caller::Disabled => {
                self.set_disabled_active(true).await;
                let c = Client::signed_in(&self.app, "gone").await;
                self.set_disabled_active(false).await;
                return c;
            }
        };
        Client::signed_in(&self.app, login).await
    }

    fn token(&self, caller: Caller) -> Option<String> {
        let name = match caller {
            Caller::Anonymous => return None,
            Caller::RevokedToken => return Some(self.revoked_token.clone()),
            Caller::Office => "office",
            Caller::Leader => "leader",
            Caller::OwnLiaison => "own",
            Caller::OtherLiaison => "other",
            Caller::OwnHead => "own_head",
            Caller::OtherHead => "other_head",
            Caller::Disabled => "gone",
        };
        self.tokens.get(name).cloned()
    }

    /// Makes a request as the caller: by session for pages, by token for the API (a caller
    /// with a revoked token presents it everywhere).
    async fn call(
        &self,
        caller: Caller,
        method: &Method,
        uri: &str,
        form: &[(String, String)],
    ) -> StatusCode {
        let fields: Vec<(&str, &str)> =
            form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let api = uri.starts_with("/api/");
        let browser = if api {
            Client::new(&self.app)
        } else {
            self.browser(caller).await
        };
        if caller == Caller::Disabled {
            self.set_disabled_active(false).await;
        }
        let mut req = Request::builder().method(method.clone()).uri(uri);
        if (api || caller == Caller::RevokedToken)
            && let Some(t) = self.token(caller)
        {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = if uri.ends_with("/attachments") {
            let boundary = "XBOUNDARY";
            let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(png);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            req.header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
        } else if *method == Method::PATCH || (*method == Method::POST && api) {
            req.header("content-type", "application/json")
                .body(Body::from(
                    form.first().map(|(_, v)| v.clone()).unwrap_or_default(),
                ))
        } else if *method == Method::POST {
            req.header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(common::form_body(&fields)))
        } else {
            req.body(Body::empty())
        };
        let r = browser.request(req.unwrap()).await;
        if r.status.is_client_error() && r.status != StatusCode::FORBIDDEN {
            let why = r
                .body
                .split("field-error")
                .nth(1)
                .unwrap_or("")
                .chars()
                .take(120)
                .collect::<String>();
            eprintln!("{method} {uri} as {caller:?}: {} {why}", r.status);
        }
        r.status
    }
}

/// Expected statuses, in the order of [`CALLERS`].
type Row = [u16; 7];

const PUBLIC: Row = [200, 200, 200, 200, 200, 200, 200];
/// Any signed-in user; others are sent to sign in.
const SIGNED_IN: Row = [303, 200, 200, 200, 200, 303, 303];
/// Office only; other signed-in users are refused.
const OFFICE_PAGE: Row = [303, 200, 403, 403, 403, 303, 303];
const OFFICE_REDIRECT: Row = [303, 303, 403, 403, 403, 303, 303];
/// The API: a live token of an active user.
const API_READ: Row = [401, 200, 200, 200, 200, 401, 401];

/// Puts the report back to a draft waiting for its unit head (as its liaison's submission
/// leaves it), for a decision to succeed; gives its version.
async fn waiting_for_sign_off(fx: &Fixture, id: i64) -> i32 {
    for sql in [
        "DELETE FROM report_sign_offs WHERE report_id = $1 AND decided_at IS NULL AND $2 > 0",
        // Never submitted, as a first submission waiting for its head is.
        "DELETE FROM report_events WHERE report_id = $1 AND $2 > 0",
        "UPDATE reports SET review_state = 'draft', version = version + 1, submitted_at = NULL,
                first_submitted_at = NULL
          WHERE id = $1 AND $2 > 0",
        "INSERT INTO report_sign_offs (report_id, asked_by, version)
         SELECT id, $2, version FROM reports WHERE id = $1",
    ] {
        sqlx::query(sql)
            .bind(id)
            .bind(fx.own_id)
            .execute(&fx.pool)
            .await
            .unwrap();
    }
    probe::report_version(&fx.pool, id).await
}

/// The concrete request for a route pattern, and what each caller must get.
async fn row(
    fx: &Fixture,
    method: &Method,
    path: &str,
) -> Option<(String, Vec<(String, String)>, Row)> {
    let n = fx.next();
    let target = fx.target_id;
    let f = |pairs: &[(&str, String)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<Vec<_>>()
    };
    let get = *method == Method::GET;
    Some(match (get, path) {
        (true, "/healthz")
        | (true, "/static/style.css")
        | (true, "/static/print.css")
        | (true, "/static/favicon.svg")
        | (true, "/favicon.ico")
        // The API's description: the interface, not data.
        | (true, "/api/v1/openapi.json") => (path.into(), vec![], PUBLIC),
        // Signed-in users are sent on from the sign-in page.
        (true, "/login") => ("/login".into(), vec![], [200, 303, 303, 303, 303, 200, 200]),
        (false, "/login") => (
            "/login".into(),
            f(&[
                ("login", format!("nobody{n}")),
                ("password", "wrong-password".into()),
            ]),
            [401, 401, 401, 401, 401, 401, 401],
        ),
        (true, "/plan")
        | (true, "/tasks")
        | (true, "/units")
        | (true, "/account/password")
        | (true, "/account/notifications") => (path.into(), vec![], SIGNED_IN),
        // 通知设置: everyone's own.
        (false, "/account/notifications") => (
            path.into(),
            f(&[("task_closed", "digest".into())]),
            [303, 303, 303, 303, 303, 303, 303],
        ),
        // A desk per role: the office's 工作台; a leader is sent to the summary, a liaison
        // to 我的任务.
        (true, "/") => (path.into(), vec![], [303, 200, 303, 303, 303, 303, 303]),
        (true, "/tasks/{code}") => ("/tasks/1.3.6".into(), vec![], SIGNED_IN),
        (true, "/units/{id}") => (format!("/units/{}", fx.unit_id), vec![], SIGNED_IN),
        (false, "/logout") => (
            "/logout".into(),
            vec![],
            [303, 303, 303, 303, 303, 303, 303],
        ),
        // A wrong current password: refused with a message, nothing changes.
        (false, "/account/password") => (
            path.into(),
            f(&[
                ("current_password", "not-my-password".into()),
                ("new_password", "another-long-one".into()),
                ("confirm_password", "another-long-one".into()),
            ]),
            [303, 422, 422, 422, 422, 303, 303],
        ),
        (true, "/admin/users") | (true, "/admin/audit") => (path.into(), vec![], OFFICE_PAGE),
        (true, "/admin/users/{id}") => (format!("/admin/users/{target}"), vec![], OFFICE_PAGE),
        (false, "/admin/users") => (
            path.into(),
            f(&[
                ("login", format!("new{n}")),
                ("display_name", "新用户".into()),
                ("role", "leader".into()),
                ("unit", String::new()),
            ]),
            OFFICE_PAGE,
        ),
        (false, "/admin/users/{id}") => (
            format!("/admin/users/{target}"),
            f(&[
                ("display_name", format!("改名{n}")),
                ("role", "liaison".into()),
                ("unit", fx.unit_id.to_string()),
            ]),
            OFFICE_REDIRECT,
        ),
        (false, "/admin/users/{id}/active") => (
            format!("/admin/users/{target}/active"),
            f(&[("active", "true".into())]),
            OFFICE_REDIRECT,
        ),
        (false, "/admin/users/{id}/password") => (
            format!("/admin/users/{target}/password"),
            vec![],
            OFFICE_PAGE,
        ),
        (false, "/admin/users/{id}/tokens") => {
            (format!("/admin/users/{target}/tokens"), vec![], OFFICE_PAGE)
        }
        (false, "/admin/users/{id}/tokens/{token_id}/revoke") => {
            // A live token to revoke; only the office's request can succeed.
            let secret = token_for(&fx.pool, target).await;
            let token_id: i64 =
                sqlx::query_scalar("SELECT id FROM api_tokens WHERE token_hash = $1")
                    .bind(duban::rules::auth::hash_token(&secret))
                    .fetch_one(&fx.pool)
                    .await
                    .unwrap();
            (
                format!("/admin/users/{target}/tokens/{token_id}/revoke"),
                vec![],
                OFFICE_REDIRECT,
            )
        }
        (true, "/reporting") => (path.into(), vec![], OFFICE_PAGE),
        // 任务分解: read by anyone signed in; planned by the office and the lead unit; a
        // milestone finished by its unit too.
        (true, "/tasks/{code}/milestones") => (
            format!("/tasks/{}/milestones", led_task(fx).await),
            vec![],
            SIGNED_IN,
        ),
        (false, "/tasks/{code}/milestones") => {
            let code = led_task(fx).await;
            let version = probe::task_version(&fx.pool, &code).await;
            (
                format!("/tasks/{code}/milestones"),
                f(&[
                    ("unit", fx.unit_id.to_string()),
                    ("output", format!("阶段成果{n}")),
                    ("due", "2022-09-30".into()),
                    ("version", version.to_string()),
                ]),
                [303, 303, 403, 303, 403, 303, 303],
            )
        }
        (false, "/milestones/{id}") => {
            let id = fresh_milestone(fx).await;
            (
                format!("/milestones/{id}"),
                f(&[("action", "done".into()), ("version", "1".into())]),
                [303, 303, 403, 303, 403, 303, 303],
            )
        }
        // 与上年比对: the office's page and review.
        (true, "/plans/{id}/matches") => (
            format!("/plans/{}/matches", fx.plan_id),
            vec![],
            OFFICE_PAGE,
        ),
        (false, "/plans/{id}/matches/{code}") => {
            let version = proposed_match(fx, "3.2.3").await;
            (
                format!("/plans/{}/matches/3.2.3", fx.plan_id),
                f(&[("decision", "reject".into()), ("version", version.to_string())]),
                OFFICE_REDIRECT,
            )
        }
        (false, "/plans/{id}/settings") => {
            let (id, version): (i64, i32) = sqlx::query_as("SELECT id, version FROM plans LIMIT 1")
                .fetch_one(&fx.pool)
                .await
                .unwrap();
            (
                format!("/plans/{id}/settings"),
                f(&[
                    ("version", version.to_string()),
                    ("deadline_kind", "ongoing".into()),
                    ("cycle", "quarterly".into()),
                    ("due_days", "10".into()),
                ]),
                OFFICE_REDIRECT,
            )
        }
        (false, "/units") => (
            path.into(),
            f(&[
                ("short_name", format!("新单位{n}")),
                ("full_name", format!("新单位{n}全称")),
            ]),
            OFFICE_REDIRECT,
        ),
        // The confirmation page: nothing is written.
        (false, "/tasks/bulk-units") => (
            path.into(),
            f(&[
                ("back", String::new()),
                ("unit", fx.unit_id.to_string()),
                ("role", "co".into()),
                ("task", "3.2.1".into()),
            ]),
            OFFICE_PAGE,
        ),
        // A change to confirm, from the task as it stands: the unit joins 3.2.1, or leaves it
        // where an earlier call added it.
        (false, "/tasks/bulk-units/confirm") => {
            let (op, version) = bulk_target(fx, "3.2.1").await;
            (
                path.into(),
                f(&[
                    ("back", String::new()),
                    ("unit", fx.unit_id.to_string()),
                    ("role", "co".into()),
                    ("op", op.as_str().into()),
                    ("task", "3.2.1".into()),
                    ("version", version.to_string()),
                ]),
                OFFICE_REDIRECT,
            )
        }
        // A change made just before, to undo.
        (false, "/tasks/bulk-units/{id}/undo") => {
            let (op, version) = bulk_target(fx, "3.2.2").await;
            let actor = Actor {
                user_id: Some(fx.office_id),
                login: Some("office".into()),
                addr: None,
            };
            let made = duban::workflows::bulk_units::apply(
                &fx.pool,
                &actor,
                fx.plan_id,
                &[("3.2.2".into(), version)],
                fx.unit_id,
                op,
                chrono::NaiveDate::from_ymd_opt(2022, 7, 5).unwrap(),
            )
            .await
            .unwrap();
            (
                format!("/tasks/bulk-units/{}/undo", made.change_id),
                f(&[("back", String::new())]),
                OFFICE_REDIRECT,
            )
        }
        (false, "/tasks/{code}/units") => {
            // The units as they are: a save that changes nothing still answers like a save.
            let (version, units): (i32, Vec<i64>) = sqlx::query_as(
                "SELECT t.version, array_agg(tu.unit_id ORDER BY tu.role, tu.position) FROM tasks t
                 JOIN task_units tu ON tu.task_id = t.id WHERE t.code = '1.3.6' GROUP BY t.version",
            )
            .fetch_one(&fx.pool)
            .await
            .unwrap();
            let mut fields = vec![("version".to_string(), version.to_string())];
            fields.push((format!("role_{}", units[0]), "lead".into()));
            fields.extend(
                units[1..]
                    .iter()
                    .map(|u| (format!("role_{u}"), "co".to_string())),
            );
            ("/tasks/1.3.6/units".into(), fields, OFFICE_REDIRECT)
        }
        (false, "/tasks/{code}/schedule") => {
            let version: i32 = probe::task_version(&fx.pool, "1.3.6").await;
            (
                "/tasks/1.3.6/schedule".into(),
                f(&[
                    ("version", version.to_string()),
                    ("deadline_kind", "year_end".into()),
                    ("cycle", "monthly".into()),
                ]),
                OFFICE_REDIRECT,
            )
        }
        (false, "/api/v1/plans/{id}/tasks/{code}") => {
            let (id, version): (i64, i32) =
                sqlx::query_as("SELECT plan_id, version FROM tasks WHERE code = '2.2.1'")
                    .fetch_one(&fx.pool)
                    .await
                    .unwrap();
            let cycle = if n.is_multiple_of(2) {
                "monthly"
            } else {
                "quarterly"
            };
            (
                format!("/api/v1/plans/{id}/tasks/2.2.1"),
                f(&[(
                    "json",
                    format!(r#"{{"version": {version}, "cycle": "{cycle}"}}"#),
                )]),
                [401, 200, 403, 403, 403, 401, 401],
            )
        }
        (true, "/tasks/{code}/report") => (
            format!("/tasks/1.1.1/report?unit={}&period=2022-Q4", fx.unit_id),
            vec![],
            [303, 200, 403, 200, 403, 303, 303],
        ),
        (false, "/tasks/{code}/report") => {
            let version: Option<i32> = sqlx::query_scalar(
                "SELECT r.version FROM reports r JOIN tasks t ON t.id = r.task_id WHERE t.code = '1.1.1' AND r.period = '2022-Q3'",
            )
            .fetch_optional(&fx.pool)
            .await
            .unwrap();
            (
                "/tasks/1.1.1/report".into(),
                f(&[
                    ("unit", fx.unit_id.to_string()),
                    ("period", "2022-Q3".into()),
                    (
                        "version",
                        version.map(|v| v.to_string()).unwrap_or_default(),
                    ),
                    ("status", "in_progress".into()),
                    ("self_assessment", "on_track".into()),
                    ("work_done", format!("进展{n}")),
                    ("action", "draft".into()),
                ]),
                [303, 303, 403, 303, 403, 303, 303],
            )
        }
        (true, "/reports/{id}") => (
            format!("/reports/{}", fx.submitted_report),
            vec![],
            [303, 200, 200, 200, 403, 303, 303],
        ),
        (false, "/reports/{id}") => {
            let version: i32 = sqlx::query_scalar("SELECT version FROM reports WHERE id = $1")
                .bind(fx.draft_report)
                .fetch_one(&fx.pool)
                .await
                .unwrap();
            (
                format!("/reports/{}", fx.draft_report),
                f(&[
                    ("version", version.to_string()),
                    ("status", "in_progress".into()),
                    ("self_assessment", "at_risk".into()),
                    ("work_done", format!("修改{n}")),
                    ("action", "draft".into()),
                ]),
                // A draft does not exist for those who do not write for its unit.
                [303, 303, 404, 303, 404, 303, 303],
            )
        }
        // The unit head's decision on a report waiting for it: theirs alone (`heads_differ`).
        (false, "/reports/{id}/sign-off") | (false, "/api/v1/reports/{id}/sign-off") => {
            let id = fx.signing_report;
            let version = waiting_for_sign_off(fx, id).await;
            if path.starts_with("/api/") {
                let body = serde_json::json!({"approve": true, "version": version}).to_string();
                (
                    format!("/api/v1/reports/{id}/sign-off"),
                    f(&[("body", body)]),
                    [401, 403, 404, 403, 404, 401, 401],
                )
            } else {
                (
                    format!("/reports/{id}/sign-off"),
                    f(&[
                        ("version", version.to_string()),
                        ("decision", "approve".into()),
                    ]),
                    [303, 403, 404, 403, 404, 303, 303],
                )
            }
        }
        (false, "/units/{id}/sign-off") => (
            format!("/units/{}/sign-off", fx.unit_id),
            f(&[("sign_off", "0".into())]),
            OFFICE_REDIRECT,
        ),
        (false, "/reports/{id}/review") => {
            // Back to submitted, so that the office's review can succeed.
            sqlx::query("UPDATE reports SET review_state = 'submitted' WHERE id = $1")
                .bind(fx.submitted_report)
                .execute(&fx.pool)
                .await
                .unwrap();
            let version: i32 = sqlx::query_scalar("SELECT version FROM reports WHERE id = $1")
                .bind(fx.submitted_report)
                .fetch_one(&fx.pool)
                .await
                .unwrap();
            (
                format!("/reports/{}/review", fx.submitted_report),
                f(&[
                    ("version", version.to_string()),
                    ("decision", "accept".into()),
                ]),
                OFFICE_REDIRECT,
            )
        }
        (false, "/reports/{id}/attachments") => {
            // Room for the upload (at most 5 per report).
            sqlx::query("DELETE FROM attachments WHERE report_id = $1")
                .bind(fx.draft_report)
                .execute(&fx.pool)
                .await
                .unwrap();
            (
                format!("/reports/{}/attachments", fx.draft_report),
                vec![],
                [303, 303, 404, 303, 404, 303, 303],
            )
        }
        (true, "/attachments/{id}") => {
            let id: i64 = sqlx::query_scalar(
                "SELECT id FROM attachments WHERE report_id = $1 ORDER BY id LIMIT 1",
            )
            .bind(fx.submitted_report)
            .fetch_one(&fx.pool)
            .await
            .unwrap();
            (
                format!("/attachments/{id}"),
                vec![],
                [303, 200, 200, 200, 403, 303, 303],
            )
        }
        (false, "/attachments/{id}/delete") => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO attachments (report_id, file_name, content_type, size, sha256, data)
                 VALUES ($1, 'b.png', 'image/png', 4, 'x', '\\x89504e47') RETURNING id",
            )
            .bind(fx.draft_report)
            .fetch_one(&fx.pool)
            .await
            .unwrap();
            (
                format!("/attachments/{id}/delete"),
                vec![],
                // A draft's file is its working copy's: not found by anyone else.
                [303, 303, 404, 303, 404, 303, 303],
            )
        }
        (true, "/summary") => (path.into(), vec![], SIGNED_IN),
        // The Excel round trip is a liaison's: others have no unit to fill in for.
        (true, "/my/template.xlsx") | (true, "/my/upload") => (
            format!("{path}?period=2022-Q2"),
            vec![],
            [303, 400, 400, 200, 200, 303, 303],
        ),
        (false, "/my/upload") | (false, "/my/upload/confirm") | (false, "/my/upload/submit") => {
            (path.into(), vec![], [303, 400, 400, 400, 400, 303, 303])
        }
        // A session or an API token; a revoked token is refused as the API refuses it.
        (true, "/tasks.xlsx") | (true, "/tasks.csv") => (
            format!("{path}?section=3"),
            vec![],
            [303, 200, 200, 200, 200, 303, 401],
        ),
        (true, "/editions") => (path.into(), vec![], SIGNED_IN),
        // The preview: nothing is issued.
        (false, "/editions") => (path.into(), vec![], OFFICE_PAGE),
        // A confirmation made beside the last edition, whose content differs from the plan's
        // now (an empty snapshot), so the office's is issued.
        (false, "/editions/confirm") => {
            let last: i64 = sqlx::query_scalar(
                "INSERT INTO editions (plan_id, year, number, as_of, snapshot)
                 SELECT $1, 1990, COALESCE(max(number), 0) + 1, '1990-01-01', '{}'
                 FROM editions WHERE plan_id = $1 AND year = 1990 RETURNING id",
            )
            .bind(fx.plan_id)
            .fetch_one(&fx.pool)
            .await
            .unwrap();
            (
                path.into(),
                f(&[("last", last.to_string())]),
                OFFICE_REDIRECT,
            )
        }
        (true, "/editions/{id}") | (true, "/editions/{id}/xlsx") => {
            let today = chrono::Local::now().date_naive();
            let actor = Actor {
                user_id: Some(fx.office_id),
                login: Some("office".into()),
                addr: None,
            };
            let id = duban::workflows::editions::issue(&fx.pool, &actor, fx.plan_id, today)
                .await
                .unwrap();
            (path.replace("{id}", &id.to_string()), vec![], SIGNED_IN)
        }
        // 公文: a session or a token. The 通报 quotes every unit's reports: the office and
        // leaders only; a document addressed to units is read by those units' liaisons too.
        (true, "/editions/{id}/bulletin.docx") => {
            let id = fixture_edition(fx).await;
            (
                format!("/editions/{id}/bulletin.docx"),
                vec![],
                [303, 200, 200, 403, 403, 303, 401],
            )
        }
        (false, "/editions/{id}/bulletin") => {
            let id = fixture_edition(fx).await;
            (format!("/editions/{id}/bulletin"), vec![], OFFICE_REDIRECT)
        }
        (true, "/tasks/{code}/supervision.docx") => (
            format!("/tasks/{}/supervision.docx", own_task(fx).await),
            vec![],
            ADDRESSED_DOCX,
        ),
        (true, "/tasks/{code}/supervision") => (
            format!("/tasks/{}/supervision", own_task(fx).await),
            vec![],
            OFFICE_PAGE,
        ),
        (false, "/tasks/{code}/supervision") => (
            format!("/tasks/{}/supervision", own_task(fx).await),
            f(&[("requirements", "请按期完成。".into())]),
            OFFICE_REDIRECT,
        ),
        (true, "/urges/{id}/notice.docx") => (
            format!("/urges/{}/notice.docx", own_urge(fx).await),
            vec![],
            ADDRESSED_DOCX,
        ),
        (true, "/urges/{id}/notice") => (
            format!("/urges/{}/notice", own_urge(fx).await),
            vec![],
            OFFICE_PAGE,
        ),
        // A new urge each time: its 催办单 is numbered once.
        (false, "/urges/{id}/notice") => (
            format!("/urges/{}/notice", own_urge(fx).await),
            vec![],
            OFFICE_REDIRECT,
        ),
        (true, "/units/{id}/brief") => (
            format!("/units/{}/brief", fx.unit_id),
            vec![],
            [303, 200, 200, 200, 403, 303, 303],
        ),
        (true, "/units/{id}/brief.docx") => (
            format!("/units/{}/brief.docx", fx.unit_id),
            vec![],
            ADDRESSED_DOCX,
        ),
        (false, "/units/{id}/brief") => (
            format!("/units/{}/brief", fx.unit_id),
            f(&[("comments", "按时报送。".into())]),
            OFFICE_REDIRECT,
        ),
        (true, "/documents/{id}/docx") => {
            let task = own_task(fx).await;
            let row = duban::db::tasks::get_by_code(&fx.pool, fx.plan_id, &task)
                .await
                .unwrap()
                .unwrap();
            let req = duban::workflows::documents::SupervisionRequest::parse(
                "",
                "",
                chrono::Local::now().date_naive(),
            )
            .unwrap();
            let p = duban::workflows::documents::supervision_slip(&row, &req);
            let d = duban::workflows::documents::issue(
                &fx.pool,
                &Actor::default(),
                &p,
                chrono::Local::now().date_naive(),
            )
            .await
            .unwrap();
            (format!("/documents/{}/docx", d.id), vec![], ADDRESSED_DOCX)
        }
        (true, "/admin/documents") => (path.into(), vec![], OFFICE_PAGE),
        (false, "/admin/documents/series") => (
            path.into(),
            f(&[("supervision", "打假办督".into())]),
            OFFICE_REDIRECT,
        ),
        // The last edition made to differ from the plan's now, so the office's is issued.
        (false, "/api/v1/plans/{id}/editions") => {
            sqlx::query(
                "INSERT INTO editions (plan_id, year, number, as_of, snapshot)
                 SELECT $1, 1991, COALESCE(max(number), 0) + 1, '1991-01-01', '{}'
                 FROM editions WHERE plan_id = $1 AND year = 1991",
            )
            .bind(fx.plan_id)
            .execute(&fx.pool)
            .await
            .unwrap();
            (
                format!("/api/v1/plans/{}/editions", fx.plan_id),
                vec![],
                [401, 201, 403, 403, 403, 401, 401],
            )
        }
        // 延期申请: read by the office, leaders and the task's units; asked by a responsible
        // unit (its liaison, or the office for it); decided by the office.
        (true, "/tasks/{code}/extensions") => (
            format!("/tasks/{}/extensions", own_task(fx).await),
            vec![],
            [303, 200, 200, 200, 403, 303, 303],
        ),
        (false, "/tasks/{code}/extensions") => {
            let code = fresh_extension_task(fx).await;
            (
                format!("/tasks/{code}/extensions"),
                f(&[
                    ("unit", fx.unit_id.to_string()),
                    ("requested_date", "2022-12-31".into()),
                    ("reason", "需与地方联合部署，申请延期".into()),
                ]),
                [303, 303, 403, 303, 403, 303, 303],
            )
        }
        (false, "/extensions/{id}/decision") => {
            let id = pending_extension(fx).await;
            (
                format!("/extensions/{id}/decision"),
                f(&[
                    ("version", "1".into()),
                    ("decision", "refuse".into()),
                    ("reason", "请按原定时限完成".into()),
                ]),
                OFFICE_REDIRECT,
            )
        }
        (false, "/api/v1/plans/{id}/tasks/{code}/extensions") => {
            let code = fresh_extension_task(fx).await;
            let body = serde_json::json!({
                "requested_date": "2022-12-31", "reason": "接口申请延期", "unit": "公安部",
            });
            (
                format!("/api/v1/plans/{}/tasks/{code}/extensions", fx.plan_id),
                f(&[("json", body.to_string())]),
                [401, 201, 403, 201, 403, 401, 401],
            )
        }
        (false, "/api/v1/extensions/{id}/decision") => {
            let id = pending_extension(fx).await;
            let body = serde_json::json!({ "approve": false, "reason": "不予延期" });
            (
                format!("/api/v1/extensions/{id}/decision"),
                f(&[("json", body.to_string())]),
                [401, 200, 403, 403, 403, 401, 401],
            )
        }
        // 签收 and 申诉: read by the office, leaders and the task's units; answered once by a
        // unit of the task (its liaison, or the office for it); decided by the office, which
        // also sets the plan's window.
        (true, "/tasks/{code}/acknowledgements") => (
            format!("/tasks/{}/acknowledgements", own_task(fx).await),
            vec![],
            [303, 200, 200, 200, 403, 303, 303],
        ),
        (false, "/tasks/{code}/acknowledgement") => {
            let code = fresh_acknowledgement_task(fx).await;
            (
                format!("/tasks/{code}/acknowledgement"),
                f(&[("unit", fx.unit_id.to_string()), ("answer", "accept".into())]),
                [303, 303, 403, 303, 403, 303, 303],
            )
        }
        (false, "/acknowledgements/{id}/decision") => (
            format!("/acknowledgements/{}/decision", open_contest(fx).await),
            f(&[
                ("version", "1".into()),
                ("decision", "keep".into()),
                ("reason", "维持原分工".into()),
            ]),
            OFFICE_REDIRECT,
        ),
        (false, "/plans/{id}/acknowledge-days") => (
            format!("/plans/{}/acknowledge-days", fx.plan_id),
            f(&[("acknowledge_days", "10".into())]),
            OFFICE_REDIRECT,
        ),
        (false, "/api/v1/plans/{id}/tasks/{code}/acknowledgement") => {
            let code = fresh_acknowledgement_task(fx).await;
            let body = serde_json::json!({ "accept": true, "unit": "公安部" });
            (
                format!("/api/v1/plans/{}/tasks/{code}/acknowledgement", fx.plan_id),
                f(&[("json", body.to_string())]),
                [401, 201, 403, 201, 403, 401, 401],
            )
        }
        // 领导批示: read by the office, leaders and (once relayed) the units it is relayed to;
        // written by leaders only; answered by the unit (its liaison, or the office for it);
        // relayed, sent back and closed by the office.
        (true, "/tasks/{code}/instructions") => (
            format!("/tasks/{}/instructions", own_task(fx).await),
            vec![],
            [303, 200, 200, 200, 403, 303, 303],
        ),
        (false, "/tasks/{code}/instructions") => (
            format!("/tasks/{}/instructions", own_task(fx).await),
            f(&[("text", "请抓紧推进".into()), ("answer_by", String::new())]),
            [303, 403, 303, 403, 403, 303, 303],
        ),
        (true, "/instructions") => (path.into(), vec![], SIGNED_IN),
        (true, "/instructions/{id}") => (
            format!("/instructions/{}", instruction(fx, false).await),
            vec![],
            [303, 200, 200, 200, 403, 303, 303],
        ),
        (false, "/instructions/{id}/answer") => (
            format!("/instructions/{}/answer", instruction(fx, false).await),
            f(&[
                ("unit", fx.unit_id.to_string()),
                ("version", "1".into()),
                ("text", "已部署落实".into()),
            ]),
            [303, 303, 403, 303, 403, 303, 303],
        ),
        (false, "/instructions/{id}/relay") => (
            format!("/instructions/{}/relay", instruction(fx, false).await),
            f(&[("version", "1".into()), ("unit", fx.unit_id.to_string())]),
            OFFICE_REDIRECT,
        ),
        (false, "/instructions/{id}/send-back") => (
            format!("/instructions/{}/send-back", instruction(fx, true).await),
            f(&[
                ("unit", fx.unit_id.to_string()),
                ("version", "2".into()),
                ("text", "请补充".into()),
            ]),
            OFFICE_REDIRECT,
        ),
        (false, "/instructions/{id}/close") => (
            format!("/instructions/{}/close", instruction(fx, false).await),
            f(&[("version", "1".into()), ("note", "予以办结".into())]),
            OFFICE_REDIRECT,
        ),
        (false, "/api/v1/plans/{id}/tasks/{code}/instructions") => {
            let body = serde_json::json!({ "text": "请研究提出意见" });
            (
                format!(
                    "/api/v1/plans/{}/tasks/{}/instructions",
                    fx.plan_id,
                    own_task(fx).await
                ),
                f(&[("json", body.to_string())]),
                [401, 403, 201, 403, 403, 401, 401],
            )
        }
        (true, "/api/v1/instructions") => (path.into(), vec![], API_READ),
        // The round's later steps through the API, as on the pages.
        (false, "/api/v1/instructions/{id}/answer") => {
            let body = serde_json::json!({ "text": "已部署落实", "version": 1, "unit": "公安部" });
            (
                format!("/api/v1/instructions/{}/answer", instruction(fx, false).await),
                f(&[("json", body.to_string())]),
                [401, 200, 403, 200, 403, 401, 401],
            )
        }
        (false, "/api/v1/instructions/{id}/relay") => {
            let body = serde_json::json!({ "version": 1, "units": ["公安部"] });
            (
                format!("/api/v1/instructions/{}/relay", instruction(fx, false).await),
                f(&[("json", body.to_string())]),
                [401, 200, 403, 403, 403, 401, 401],
            )
        }
        (false, "/api/v1/instructions/{id}/send-back") => {
            let body = serde_json::json!({ "unit": "公安部", "reason": "请补充", "version": 2 });
            (
                format!("/api/v1/instructions/{}/send-back", instruction(fx, true).await),
                f(&[("json", body.to_string())]),
                [401, 200, 403, 403, 403, 401, 401],
            )
        }
        (false, "/api/v1/instructions/{id}/close") => {
            let body = serde_json::json!({ "note": "予以办结", "version": 1 });
            (
                format!("/api/v1/instructions/{}/close", instruction(fx, false).await),
                f(&[("json", body.to_string())]),
                [401, 200, 403, 403, 403, 401, 401],
            )
        }
        (false, "/api/v1/acknowledgements/{id}/decision") => {
            let body = serde_json::json!({ "decision": "keep", "reason": "维持原分工", "version": 1 });
            (
                format!("/api/v1/acknowledgements/{}/decision", open_contest(fx).await),
                f(&[("json", body.to_string())]),
                [401, 200, 403, 403, 403, 401, 401],
            )
        }
        (true, "/my") => (path.into(), vec![], [303, 303, 303, 200, 200, 303, 303]),
        (false, "/urges/{id}/ack") => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO urges (plan_id, unit_id, period, task_codes, message) VALUES ($1, $2, '2022-Q2', '{1.1.1}', '请报送') RETURNING id",
            )
            .bind(fx.plan_id)
            .bind(fx.unit_id)
            .fetch_one(&fx.pool)
            .await
            .unwrap();
            (
                format!("/urges/{id}/ack"),
                vec![],
                [303, 403, 403, 303, 404, 303, 303],
            )
        }
        (true, "/review") => (path.into(), vec![], OFFICE_PAGE),
        (false, "/units/{id}/channels") => (
            format!("/units/{}/channels", fx.unit_id),
            f(&[("contact_email", "office@example.gov.cn".into())]),
            OFFICE_REDIRECT,
        ),
        (true, "/admin/notifications") => (path.into(), vec![], OFFICE_PAGE),
        (false, "/admin/notifications/office-channel") => (
            path.into(),
            f(&[("webhook_url", "http://127.0.0.1:9/robot".into())]),
            OFFICE_REDIRECT,
        ),
        (false, "/admin/notifications/{id}/resend") => {
            let id = failed_delivery(&fx.pool, fx.plan_id).await;
            (format!("/admin/notifications/{id}/resend"), vec![], OFFICE_REDIRECT)
        }
        // 站内消息: everyone's own inbox.
        (true, "/inbox") => (path.into(), vec![], SIGNED_IN),
        (false, "/inbox/read-all") => (path.into(), vec![], [303, 303, 303, 303, 303, 303, 303]),
        (false, "/inbox/{id}/read") | (false, "/api/v1/notifications/{id}/read") => {
            // A message of the own unit's liaison: only its reader may mark it.
            let id = own_notification(fx).await;
            let api = path.starts_with("/api/");
            (
                path.replace("{id}", &id.to_string()),
                vec![],
                if api {
                    [401, 404, 404, 200, 404, 401, 401]
                } else {
                    [303, 404, 404, 303, 404, 303, 303]
                },
            )
        }
        (true, "/api/v1/notifications") => (format!("{path}?unread=true"), vec![], API_READ),
        // 关注: any reader of the task.
        (false, "/tasks/{code}/follow") => (
            "/tasks/1.1.1/follow".into(),
            f(&[("follow", "1".into())]),
            [303, 303, 303, 303, 303, 303, 303],
        ),
        (false, "/urges") => (
            path.into(),
            f(&[
                ("period", "2022-Q2".into()),
                ("unit", fx.unit_id.to_string()),
                ("message", "请尽快报送".into()),
            ]),
            OFFICE_REDIRECT,
        ),
        (false, "/coordination/{id}/answer") => {
            let id: i64 =
                sqlx::query_scalar("SELECT id FROM coordination_requests WHERE report_id = $1")
                    .bind(fx.submitted_report)
                    .fetch_one(&fx.pool)
                    .await
                    .unwrap();
            (
                format!("/coordination/{id}/answer"),
                f(&[("answer", "已协调".into())]),
                OFFICE_REDIRECT,
            )
        }
        (false, "/tasks/{code}/close") | (false, "/tasks/{code}/reopen") => {
            let closing = path.ends_with("close");
            // The task in the state this action starts from.
            if closing {
                sqlx::query(
                    "UPDATE tasks SET closed_at = NULL, closing_note = NULL WHERE code = '7.1.2'",
                )
                .execute(&fx.pool)
                .await
                .unwrap();
            } else {
                sqlx::query("UPDATE tasks SET closed_at = now(), closing_note = '完成' WHERE code = '7.1.2'").execute(&fx.pool).await.unwrap();
            }
            let version: i32 = probe::task_version(&fx.pool, "7.1.2").await;
            (
                format!("/tasks/7.1.2/{}", if closing { "close" } else { "reopen" }),
                f(&[
                    ("version", version.to_string()),
                    ("closing_note", "任务已完成".into()),
                ]),
                OFFICE_REDIRECT,
            )
        }
        (true, "/api/v1/plans/{id}/tasks/{code}/reports") => (
            format!("/api/v1/plans/{}/tasks/1.3.1/reports", fx.plan_id),
            vec![],
            API_READ,
        ),
        (false, "/api/v1/plans/{id}/tasks/{code}/reports") => {
            let version: Option<i32> = sqlx::query_scalar(
                "SELECT r.version FROM reports r JOIN tasks t ON t.id = r.task_id WHERE t.code = '3.1.2' AND r.period = '2022-Q3'",
            )
            .fetch_optional(&fx.pool)
            .await
            .unwrap();
            let body = serde_json::json!({
                "period": "2022-Q3", "status": "in_progress", "self_assessment": "on_track",
                "work_done": format!("接口报送{n}"), "unit": "公安部", "version": version, "submit": false
            });
            (
                format!("/api/v1/plans/{}/tasks/3.1.2/reports", fx.plan_id),
                f(&[("json", body.to_string())]),
                [401, 200, 403, 200, 403, 401, 401],
            )
        }
        (true, "/api/v1/plans") => (path.into(), vec![], API_READ),
        (true, "/api/v1/plans/{id}/tasks") => {
            let id: i64 = sqlx::query_scalar("SELECT id FROM plans LIMIT 1")
                .fetch_one(&fx.pool)
                .await
                .unwrap();
            (format!("/api/v1/plans/{id}/tasks"), vec![], API_READ)
        }
        _ => return None,
    })
}

/// A delivery that failed for good.
/// A document addressed to 公安部 (the own liaison's unit), by session or token.
const ADDRESSED_DOCX: Row = [303, 200, 200, 200, 403, 303, 401];

/// An edition of the fixture's plan, issued now.
async fn fixture_edition(fx: &Fixture) -> i64 {
    let actor = Actor {
        user_id: Some(fx.office_id),
        login: Some("office".into()),
        addr: None,
    };
    let today = chrono::Local::now().date_naive();
    duban::workflows::editions::issue(&fx.pool, &actor, fx.plan_id, today)
        .await
        .unwrap()
}

/// A task of 公安部's that 海关总署 (the other liaison's unit) has no part in.
async fn own_task(fx: &Fixture) -> String {
    sqlx::query_scalar(
        "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
         WHERE t.plan_id = $1 AND tu.unit_id = $2
           AND NOT EXISTS (SELECT 1 FROM task_units o JOIN units u ON u.id = o.unit_id
                           WHERE o.task_id = t.id AND u.short_name = '海关总署')
         ORDER BY t.position LIMIT 1",
    )
    .bind(fx.plan_id)
    .bind(fx.unit_id)
    .fetch_one(&fx.pool)
    .await
    .unwrap()
}

/// 公安部's task with a dated deadline and no open request: each caller asks afresh.
async fn fresh_extension_task(fx: &Fixture) -> String {
    // Its last task: the other rows' tasks keep their deadlines and periods.
    let code: String = sqlx::query_scalar(
        "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
         WHERE t.plan_id = $1 AND tu.unit_id = $2
           AND t.code NOT IN ('1.1.1', '1.3.1', '1.3.6', '1.2.2', '2.2.1', '3.1.2', '7.1.2')
           AND NOT EXISTS (SELECT 1 FROM task_units o JOIN units u ON u.id = o.unit_id
                           WHERE o.task_id = t.id AND u.short_name = '海关总署')
         ORDER BY t.position DESC LIMIT 1",
    )
    .bind(fx.plan_id)
    .bind(fx.unit_id)
    .fetch_one(&fx.pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE tasks SET deadline_kind = 'date', deadline_date = '2022-09-30'
         WHERE plan_id = $1 AND code = $2",
    )
    .bind(fx.plan_id)
    .bind(&code)
    .execute(&fx.pool)
    .await
    .unwrap();
    sqlx::query("DELETE FROM extension_requests WHERE state = 'pending'")
        .execute(&fx.pool)
        .await
        .unwrap();
    code
}

/// A pending request of 公安部 on its task, at version 1.
async fn pending_extension(fx: &Fixture) -> i64 {
    let code = fresh_extension_task(fx).await;
    sqlx::query_scalar(
        "INSERT INTO extension_requests (task_id, unit_id, due_date, requested_date, reason, late)
         SELECT id, $3, '2022-09-30', '2022-12-31', '需要延期', false FROM tasks
         WHERE plan_id = $1 AND code = $2 RETURNING id",
    )
    .bind(fx.plan_id)
    .bind(&code)
    .bind(fx.unit_id)
    .fetch_one(&fx.pool)
    .await
    .unwrap()
}

/// 公安部's task with no answer of 公安部 yet: each caller answers afresh.
async fn fresh_acknowledgement_task(fx: &Fixture) -> String {
    let code = own_task(fx).await;
    sqlx::query("DELETE FROM assignment_acknowledgements WHERE unit_id = $1")
        .bind(fx.unit_id)
        .execute(&fx.pool)
        .await
        .unwrap();
    code
}

/// A fresh contest of 公安部 on its task, at version 1.
/// A task 公安部 leads.
async fn led_task(fx: &Fixture) -> String {
    sqlx::query_scalar(
        "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
          WHERE t.plan_id = $1 AND tu.unit_id = $2 AND tu.role = 'lead' ORDER BY t.position LIMIT 1",
    )
    .bind(fx.plan_id)
    .bind(fx.unit_id)
    .fetch_one(&fx.pool)
    .await
    .unwrap()
}

/// A new open milestone of 公安部 on the task it leads (version 1).
async fn fresh_milestone(fx: &Fixture) -> i64 {
    let code = led_task(fx).await;
    sqlx::query_scalar(
        "INSERT INTO milestones (task_id, unit_id, output, due_on)
         SELECT id, $3, '完成调研', DATE '2022-09-30' FROM tasks WHERE plan_id = $1 AND code = $2
         RETURNING id",
    )
    .bind(fx.plan_id)
    .bind(&code)
    .bind(fx.unit_id)
    .fetch_one(&fx.pool)
    .await
    .unwrap()
}

/// A proposed match of the task (as a new item), for a review to succeed: its version.
async fn proposed_match(fx: &Fixture, code: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO task_matches (task_id, label)
         SELECT id, 'new' FROM tasks WHERE plan_id = $1 AND code = $2
         ON CONFLICT (task_id) DO UPDATE SET state = 'proposed'
         RETURNING version::bigint",
    )
    .bind(fx.plan_id)
    .bind(code)
    .fetch_one(&fx.pool)
    .await
    .unwrap()
}

async fn open_contest(fx: &Fixture) -> i64 {
    let code = fresh_acknowledgement_task(fx).await;
    common::rounds::contest(&fx.pool, fx.plan_id, &code, fx.unit_id, "2022-07-01").await
}

/// A new instruction of the leader on 公安部's task, relayed to 公安部 (its row at version 1;
/// `answered`: answered, at version 2).
async fn instruction(fx: &Fixture, answered: bool) -> i64 {
    let code = own_task(fx).await;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO instructions (task_id, text, state, written_by, written_on)
         SELECT id, '请抓紧推进', 'relayed', $3, DATE '2022-07-01' FROM tasks
          WHERE plan_id = $1 AND code = $2 RETURNING id",
    )
    .bind(fx.plan_id)
    .bind(&code)
    .bind(fx.leader_id)
    .fetch_one(&fx.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO instruction_units (instruction_id, unit_id, answer, answered_at, version)
         VALUES ($1, $2, CASE WHEN $3 THEN '已落实' END, CASE WHEN $3 THEN now() END,
                 CASE WHEN $3 THEN 2 ELSE 1 END)",
    )
    .bind(id)
    .bind(fx.unit_id)
    .bind(answered)
    .execute(&fx.pool)
    .await
    .unwrap();
    id
}

/// A new urge to 公安部 about its task.
async fn own_urge(fx: &Fixture) -> i64 {
    let code = own_task(fx).await;
    sqlx::query_scalar(
        "INSERT INTO urges (plan_id, unit_id, period, task_codes, message)
         VALUES ($1, $2, '2022-Q2', ARRAY[$3], '请报送') RETURNING id",
    )
    .bind(fx.plan_id)
    .bind(fx.unit_id)
    .bind(code)
    .fetch_one(&fx.pool)
    .await
    .unwrap()
}

pub async fn failed_delivery(pool: &PgPool, plan_id: i64) -> i64 {
    let event: i64 = sqlx::query_scalar(
        "INSERT INTO notice_events (kind, plan_id, title, body, link) VALUES ('urged', $1, '【督办】催办', '请报送', '/my') RETURNING id",
    )
    .bind(plan_id)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query_scalar(
        "INSERT INTO deliveries (event_id, channel, address, state, attempts, last_error)
         VALUES ($1, 'email', 'gone@example.gov.cn', 'failed', 10, '邮件服务器未接收') RETURNING id",
    )
    .bind(event)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A fresh inbox message for the own unit's liaison.
async fn own_notification(fx: &Fixture) -> i64 {
    let event: i64 = sqlx::query_scalar(
        "INSERT INTO notice_events (kind, plan_id, title, body, link) VALUES ('urged', $1, '【督办】催办', '请报送', '/my') RETURNING id",
    )
    .bind(fx.plan_id)
    .fetch_one(&fx.pool)
    .await
    .unwrap();
    sqlx::query_scalar("INSERT INTO notifications (event_id, user_id) VALUES ($1, $2) RETURNING id")
        .bind(event)
        .bind(fx.own_id)
        .fetch_one(&fx.pool)
        .await
        .unwrap()
}

/// The bulk change that applies to `code` now (the fixture's unit joins, or leaves where it is
/// there already) and the task's version.
async fn bulk_target(fx: &Fixture, code: &str) -> (duban::workflows::bulk_units::BulkOp, i32) {
    use duban::workflows::bulk_units::BulkOp;
    let (version, has): (i32, bool) = sqlx::query_as(
        "SELECT t.version, EXISTS (SELECT 1 FROM task_units tu WHERE tu.task_id = t.id AND tu.unit_id = $2)
         FROM tasks t WHERE t.code = $1",
    )
    .bind(code)
    .bind(fx.unit_id)
    .fetch_one(&fx.pool)
    .await
    .unwrap();
    let op = if has {
        BulkOp::Remove
    } else {
        BulkOp::Add(duban::db::tasks::UnitRole::Co)
    };
    (op, version)
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn every_route_by_every_caller(pool: PgPool) {
    let fx = Fixture::new(pool.clone()).await;
    let routes = route_list(&AppState::new(pool));
    assert!(routes.len() >= 20, "suspiciously few routes: {routes:?}");
    let mut failures = Vec::new();
    for r in &routes {
        for caller in CALLERS.iter() {
            let Some((uri, form, expected)) = row(&fx, &r.method, &r.path).await else {
                panic!(
                    "no row in the authorization matrix for {} {}: add one",
                    r.method, r.path
                );
            };
            let got = fx.call(*caller, &r.method, &uri, &form).await;
            let want = self::expected(&expected, heads_differ(&r.method, &r.path), *caller);
            if got.as_u16() != want {
                failures.push(format!(
                    "{} {uri} as {caller:?}: expected {want}, got {got}",
                    r.method
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix failures:\n{}",
        failures.join("\n")
    );
    // The users the matrix relies on are still what they were.
    for id in [fx.office_id, fx.leader_id, fx.own_id, fx.other_id] {
        let u = duban::db::users::by_id(&fx.pool, id)
            .await
            .unwrap()
            .unwrap();
        assert!(u.active, "{} was changed by the matrix", u.login);
    }
    let _ = accounts::set_active(&fx.pool, &Actor::default(), fx.disabled_id, true).await;
}

/// A report in every review state (草稿、已提交、已退回、已采纳) is read by exactly whom the
/// policy names: the office and leaders, its own unit's liaison, and the liaison of a lead unit
/// of its task; any other liaison is refused. A draft, never submitted, exists only for those
/// who write for its unit (the office, its liaison): 404 for everyone else.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn reports_in_every_state_are_read_by_whom_the_policy_names(pool: PgPool) {
    let w = World::build(pool, Setup::default().with_every_state()).await;
    let r = w.reports();
    let every = [
        r.draft,
        r.submitted,
        r.returned.expect("a returned report"),
        r.accepted.expect("an accepted report"),
    ];
    for id in every {
        let b_leads: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM reports r JOIN task_units tu ON tu.task_id = r.task_id
                            WHERE r.id = $1 AND tu.unit_id = $2 AND tu.role = 'lead')",
        )
        .bind(id)
        .bind(w.unit_b)
        .fetch_one(&w.pool)
        .await
        .unwrap();
        let draft = id == r.draft;
        for (who, client, expected) in [
            ("office", &w.office, StatusCode::OK),
            (
                "leader",
                &w.leader,
                if draft {
                    StatusCode::NOT_FOUND
                } else {
                    StatusCode::OK
                },
            ),
            ("liaison_a", &w.liaison_a, StatusCode::OK),
            (
                "liaison_b",
                &w.liaison_b,
                if draft {
                    StatusCode::NOT_FOUND
                } else if b_leads {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                },
            ),
        ] {
            let got = client.get(&format!("/reports/{id}")).await.status;
            assert_eq!(got, expected, "{who} reading report {id}");
        }
    }
    let states: Vec<String> =
        sqlx::query_scalar("SELECT r.review_state::text FROM reports r ORDER BY r.review_state")
            .fetch_all(&w.pool)
            .await
            .unwrap();
    assert_eq!(states, ["draft", "submitted", "returned", "accepted"]);
}

/// The rows of the matrix whose answer depends on the version a caller reads: a draft, a file
/// attached to it, and a file attached to a returned report since its submission exist only
/// for those who write for the unit (the office, its liaison); everyone else is answered 404,
/// as for an id never used, not 403.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn working_copies_exist_only_for_their_writers(pool: PgPool) {
    let fx = Fixture::new(pool).await;
    let returned: i64 = sqlx::query_scalar(
        "SELECT id FROM reports WHERE review_state = 'returned' AND unit_id = $1",
    )
    .bind(fx.unit_id)
    .fetch_one(&fx.pool)
    .await
    .unwrap();
    let mut files = Vec::new();
    for report in [fx.draft_report, returned] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO attachments (report_id, file_name, content_type, size, sha256, data)
             VALUES ($1, 'w.png', 'image/png', 4, 'x', '\\x89504e47') RETURNING id",
        )
        .bind(report)
        .fetch_one(&fx.pool)
        .await
        .unwrap();
        files.push(id);
    }
    const WRITERS_ONLY: Row = [303, 200, 404, 200, 404, 303, 303];
    let uris = [
        format!("/reports/{}", fx.draft_report),
        format!("/attachments/{}", files[0]),
        format!("/attachments/{}", files[1]),
    ];
    let mut failures = Vec::new();
    for uri in &uris {
        for caller in CALLERS.iter() {
            let got = fx.call(*caller, &Method::GET, uri, &[]).await;
            let want = expected(&WRITERS_ONLY, None, *caller);
            if got.as_u16() != want {
                failures.push(format!(
                    "GET {uri} as {caller:?}: expected {want}, got {got}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let _ = accounts::set_active(&fx.pool, &Actor::default(), fx.disabled_id, true).await;
}
