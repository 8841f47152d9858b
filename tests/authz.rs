//! The authorization matrix: every route the router serves, by every kind of caller, with
//! the status each must get. Routes come from the router itself, so a new route without a
//! row here fails this test.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Client, create_user, token_for};
use duban::accounts;
use duban::auth::Role;
use duban::db::audit::Actor;
use duban::web::{AppState, route_list};
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
    /// Signed in (and holding a token), then disabled by the office.
    Disabled,
    /// Holding a token the office has revoked, and no session.
    RevokedToken,
}

const CALLERS: [Caller; 7] = [
    Caller::Anonymous,
    Caller::Office,
    Caller::Leader,
    Caller::OwnLiaison,
    Caller::OtherLiaison,
    Caller::Disabled,
    Caller::RevokedToken,
];

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
    counter: AtomicUsize,
}

impl Fixture {
    async fn new(pool: PgPool) -> Fixture {
        common::seed(&pool).await;
        let office_id = create_user(&pool, "office", Role::Office, None).await;
        let leader_id = create_user(&pool, "leader", Role::Leader, None).await;
        let own_id = create_user(&pool, "own", Role::Liaison, Some("公安部")).await;
        let other_id = create_user(&pool, "other", Role::Liaison, Some("海关总署")).await;
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
        for (name, id) in [
            ("office", office_id),
            ("leader", leader_id),
            ("own", own_id),
            ("other", other_id),
            ("gone", disabled_id),
        ] {
            tokens.insert(name, token_for(&pool, id).await);
        }
        let unit_id = sqlx::query_scalar("SELECT id FROM units WHERE short_name = '公安部'")
            .fetch_one(&pool)
            .await
            .unwrap();
        Fixture {
            app: common::app(pool.clone()),
            pool,
            office_id,
            leader_id,
            own_id,
            other_id,
            disabled_id,
            target_id,
            unit_id,
            revoked_token,
            tokens,
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
            Caller::Office => "office",
            Caller::Leader => "leader",
            Caller::OwnLiaison => "own",
            Caller::OtherLiaison => "other",
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
        let req = if *method == Method::PATCH {
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
        browser.request(req.unwrap()).await.status
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
        | (true, "/favicon.ico") => (path.into(), vec![], PUBLIC),
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
        (true, "/") | (true, "/tasks") | (true, "/units") | (true, "/account/password") => {
            (path.into(), vec![], SIGNED_IN)
        }
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
                    .bind(duban::auth::hash_token(&secret))
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
        (false, "/tasks/bulk-units") => (
            path.into(),
            f(&[
                ("back", String::new()),
                ("unit", fx.unit_id.to_string()),
                ("role", "co".into()),
                ("task", "3.2.1".into()),
            ]),
            OFFICE_REDIRECT,
        ),
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
            let version: i32 = sqlx::query_scalar("SELECT version FROM tasks WHERE code = '1.3.6'")
                .fetch_one(&fx.pool)
                .await
                .unwrap();
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

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn every_route_by_every_caller(pool: PgPool) {
    let fx = Fixture::new(pool.clone()).await;
    let routes = route_list(&AppState::new(pool));
    assert!(routes.len() >= 20, "suspiciously few routes: {routes:?}");
    let mut failures = Vec::new();
    for r in &routes {
        for (i, caller) in CALLERS.iter().enumerate() {
            let Some((uri, form, expected)) = row(&fx, &r.method, &r.path).await else {
                panic!(
                    "no row in the authorization matrix for {} {}: add one",
                    r.method, r.path
                );
            };
            let got = fx.call(*caller, &r.method, &uri, &form).await;
            if got.as_u16() != expected[i] {
                failures.push(format!(
                    "{} {uri} as {caller:?}: expected {}, got {got}",
                    r.method, expected[i]
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
