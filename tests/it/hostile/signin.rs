//! Sign-in under attack, over real HTTP: password guesses sent all at once must be counted
//! while in flight (at most the limit evaluated, the rest 429, none 5xx); a right password
//! among them clears nobody else's failures; the current-password check of the account page
//! shares the lock; and `X-Forwarded-For` counts only from a trusted proxy.

use super::serve_with as serve;
use crate::common::{self, Client, create_user, password_of, probe};
use axum::body::Bytes;
use axum::http::Request;
use duban::rules::auth::Role;
use duban::web::WebConfig;
use duban::web::proxies::TrustedProxies;
use duban::workflows::accounts::{ADDR_FAILURE_LIMIT, LOGIN_FAILURE_LIMIT};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{Client as HttpClient, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use sqlx::PgPool;
use std::net::SocketAddr;

fn http() -> HttpClient<HttpConnector, Full<Bytes>> {
    HttpClient::builder(TokioExecutor::new()).build_http()
}

/// Posts the sign-in form (with `forwarded` as `X-Forwarded-For`): the status and the body.
async fn sign_in(
    client: &HttpClient<HttpConnector, Full<Bytes>>,
    addr: SocketAddr,
    login: &str,
    password: &str,
    forwarded: Option<&str>,
) -> (u16, String) {
    let mut req = Request::post(format!("http://{addr}/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let body = common::form_body(&[("login", login), ("password", password)]);
    let res = client
        .request(req.body(Full::new(Bytes::from(body))).unwrap())
        .await
        .expect("an answer");
    let status = res.status().as_u16();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Sends every attempt at once; their statuses (and prints how long the burst took).
async fn all_at_once(addr: SocketAddr, attempts: Vec<(String, String)>) -> Vec<u16> {
    let started = std::time::Instant::now();
    let sent = attempts.len();
    let client = http();
    let mut set = tokio::task::JoinSet::new();
    for (login, password) in attempts {
        let client = client.clone();
        set.spawn(async move { sign_in(&client, addr, &login, &password, None).await.0 });
    }
    let statuses = set.join_all().await;
    eprintln!(
        "{sent} sign-ins at once answered in {:?}",
        started.elapsed()
    );
    statuses
}

fn tally(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

fn assert_no_server_error(statuses: &[u16]) {
    let errors: Vec<_> = statuses.iter().filter(|s| **s >= 500).collect();
    assert!(errors.is_empty(), "server errors: {errors:?}");
}

async fn audited(pool: &PgPool, action: &str) -> i64 {
    probe::number(
        pool,
        &format!("SELECT count(*) FROM audit_log WHERE action = '{action}'"),
    )
    .await
}

async fn failures_of(pool: &PgPool, login: &str) -> i64 {
    probe::number(
        pool,
        &format!("SELECT count(*) FROM sign_in_failures WHERE login = '{login}'"),
    )
    .await
}

/// Sends the 100 `attempts` at once and checks that at most `limit` were evaluated (401) and
/// the rest throttled (429), none a 5xx, each evaluated one audited; records the figures under
/// `name`. The number evaluated.
async fn burst(pool: &PgPool, attempts: Vec<(String, String)>, limit: i64, name: &str) -> i64 {
    let addr = serve(pool, WebConfig::default()).await;
    let statuses = all_at_once(addr, attempts).await;
    assert_no_server_error(&statuses);
    let evaluated = tally(&statuses, 401);
    assert_eq!(evaluated + tally(&statuses, 429), 100, "{statuses:?}");
    assert!(evaluated as i64 <= limit, "{evaluated} of 100 evaluated");
    assert_eq!(audited(pool, "sign_in_failed").await, evaluated as i64);
    common::resilience::record(
        "hostile",
        name,
        serde_json::json!({ "bad_inputs": 100, "evaluated": evaluated }),
    );
    evaluated as i64
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn parallel_wrong_passwords_on_one_account_are_evaluated_at_most_the_limit(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    let attempts = (0..100)
        .map(|i| ("zhang".to_string(), format!("wrong-guess-{i}")))
        .collect();
    let evaluated = burst(
        &pool,
        attempts,
        LOGIN_FAILURE_LIMIT,
        "signin_parallel_one_account",
    )
    .await;
    assert_eq!(failures_of(&pool, "zhang").await, evaluated);
    assert_eq!(audited(&pool, "sign_in_throttled").await, 100 - evaluated);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn parallel_attempts_from_one_address_are_evaluated_at_most_the_limit(pool: PgPool) {
    let attempts = (0..100)
        .map(|i| (format!("guess{i}"), "wrong-password".to_string()))
        .collect();
    burst(
        &pool,
        attempts,
        ADDR_FAILURE_LIMIT,
        "signin_parallel_one_address",
    )
    .await;
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_right_password_among_wrong_ones_clears_nobody_elses_failures(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    let addr = serve(&pool, WebConfig::default()).await;
    let mut attempts: Vec<_> = (0..39)
        .map(|i| ("zhang".to_string(), format!("wrong-guess-{i}")))
        .collect();
    attempts.insert(20, ("zhang".to_string(), password_of("zhang")));
    let statuses = all_at_once(addr, attempts).await;
    assert_no_server_error(&statuses);
    let (wrong, right) = (tally(&statuses, 401), tally(&statuses, 303));
    assert!(right <= 1 && tally(&statuses, 429) == 40 - wrong - right);
    assert!(
        (wrong + right) as i64 <= LOGIN_FAILURE_LIMIT,
        "{} of 40 evaluated",
        wrong + right
    );
    // Every wrong password evaluated is still on record: the right one removed only its own.
    assert_eq!(failures_of(&pool, "zhang").await, wrong as i64);
    let client = http();
    if right == 1 {
        // It got in while fewer than the limit were recorded: one more failure locks.
        assert_eq!(wrong as i64, LOGIN_FAILURE_LIMIT - 1);
        let (status, _) = sign_in(&client, addr, "zhang", "one-more-guess", None).await;
        assert_eq!(status, 401);
    }
    // The account is locked now, the right password too.
    let (status, body) = sign_in(&client, addr, "zhang", &password_of("zhang"), None).await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("登录失败次数过多"), "{body}");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_current_password_check_is_throttled_like_sign_in(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    let app = common::app(pool.clone());
    let c = Client::signed_in(&app, "zhang").await;
    let new = "mellow-Tiger-harbour-37";
    let change = |current: String| {
        let c = &c;
        async move {
            c.post(
                "/account/password",
                &[
                    ("current_password", &current),
                    ("new_password", new),
                    ("confirm_password", new),
                ],
            )
            .await
        }
    };
    for i in 0..LOGIN_FAILURE_LIMIT {
        let r = change(format!("not-my-password-{i}")).await;
        assert_eq!(r.status.as_u16(), 422, "attempt {i}");
        assert!(r.body.contains("id=\"e-current_password\">当前密码不正确"));
    }
    // Locked: even the right password is not checked, and the form says so beside the field.
    let r = change(password_of("zhang")).await;
    assert_eq!(r.status.as_u16(), 429, "{}", r.body);
    assert!(
        r.body
            .contains("id=\"e-current_password\">登录失败次数过多"),
        "{}",
        r.body
    );
    // The same lock as sign-in's.
    let r = Client::new(&app)
        .sign_in("zhang", &password_of("zhang"))
        .await;
    assert_eq!(r.status.as_u16(), 429);
    assert_eq!(
        audited(&pool, "password_check_failed").await,
        LOGIN_FAILURE_LIMIT
    );
    assert_eq!(audited(&pool, "password_check_throttled").await, 1);
    // The password is unchanged.
    sqlx::query("DELETE FROM sign_in_failures")
        .execute(&pool)
        .await
        .unwrap();
    let r = Client::new(&app)
        .sign_in("zhang", &password_of("zhang"))
        .await;
    assert_eq!(r.status.as_u16(), 303);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn weak_passwords_are_refused_with_the_reason(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    let c = Client::signed_in(&common::app(pool.clone()), "zhang").await;
    for (new, message) in [
        (
            "1234567890",
            "密码太容易被猜到：这是最常用的 100 个密码之一。",
        ),
        (
            "aaaaaaaaaa",
            "密码太容易被猜到：“aaa”这样的重复字符很容易被猜到。",
        ),
        ("password2022", "密码太容易被猜到："),
        ("Zhang-2022-lotus", "密码不能包含登录名"),
        ("zhang123456", "密码不能包含登录名"),
    ] {
        let r = c
            .post(
                "/account/password",
                &[
                    ("current_password", &password_of("zhang")),
                    ("new_password", new),
                    ("confirm_password", new),
                ],
            )
            .await;
        assert_eq!(r.status.as_u16(), 422, "{new}");
        assert!(
            r.body.contains(&format!("id=\"e-new_password\">{message}")),
            "{new}: {}",
            r.body
        );
    }
    assert_eq!(
        probe::number(
            &pool,
            "SELECT count(*) FROM audit_log WHERE action = 'password_changed'"
        )
        .await,
        0
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn disabling_then_enabling_brings_back_no_session_and_no_token(pool: PgPool) {
    let id = create_user(&pool, "zhang", Role::Leader, None).await;
    let app = common::app(pool.clone());
    let token = common::token_for(&pool, id).await;
    let c = Client::signed_in(&app, "zhang").await;
    let old_cookie = c.cookie();
    assert_eq!(c.get("/").await.status.as_u16(), 200);
    let office = common::office(&pool).await;
    for active in ["false", "true"] {
        let r = office
            .post(&format!("/admin/users/{id}/active"), &[("active", active)])
            .await;
        assert_eq!(r.status.as_u16(), 303, "{}", r.body);
    }
    c.set_cookie(old_cookie);
    let r = c.get("/").await;
    assert_eq!(r.status.as_u16(), 303, "the old session is over");
    assert!(r.location().starts_with("/login"));
    let r = common::get_with_token(&app, "/api/v1/plans", &token).await;
    assert_eq!(r.status.as_u16(), 401, "the old token is revoked");
    assert_eq!(
        probe::number(
            &pool,
            &format!("SELECT count(*) FROM api_tokens WHERE user_id = {id} AND revoked_at IS NULL")
        )
        .await,
        0
    );
    // The account itself works again, with a new sign-in.
    assert_eq!(
        Client::signed_in(&app, "zhang")
            .await
            .get("/")
            .await
            .status
            .as_u16(),
        200
    );
}

/// The addresses the audit log recorded for sign-in failures, in order.
async fn failure_addresses(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT client_addr FROM audit_log WHERE action = 'sign_in_failed' ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_forged_forwarded_for_changes_nothing_without_trusted_proxies(pool: PgPool) {
    let addr = serve(&pool, WebConfig::default()).await;
    let client = http();
    for i in 0..ADDR_FAILURE_LIMIT {
        let forged = format!("203.0.113.{i}");
        let (status, _) =
            sign_in(&client, addr, &format!("guess{i}"), "wrong", Some(&forged)).await;
        assert_eq!(status, 401, "attempt {i}");
    }
    // Another forged address does not escape the lock on the real one.
    let (status, _) = sign_in(&client, addr, "other", "wrong", Some("198.51.100.1")).await;
    assert_eq!(status, 429);
    let recorded = failure_addresses(&pool).await;
    assert!(recorded.iter().all(|a| a == "127.0.0.1"), "{recorded:?}");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_lock(pool: PgPool) {
    let addr = serve(
        &pool,
        WebConfig {
            trusted_proxies: TrustedProxies::parse("127.0.0.1").unwrap(),
            ..WebConfig::default()
        },
    )
    .await;
    let client = http();
    // One client behind the proxy locks its own address, with the proxy's entry on the right.
    for i in 0..ADDR_FAILURE_LIMIT {
        let (status, _) = sign_in(
            &client,
            addr,
            &format!("guess{i}"),
            "wrong",
            Some("10.9.9.9, 203.0.113.5"),
        )
        .await;
        assert_eq!(status, 401, "attempt {i}");
    }
    let (status, _) = sign_in(&client, addr, "next", "wrong", Some("203.0.113.5")).await;
    assert_eq!(status, 429, "the forwarded client is locked");
    // Another client behind the same proxy is not.
    let (status, _) = sign_in(&client, addr, "next", "wrong", Some("203.0.113.6")).await;
    assert_eq!(status, 401, "another forwarded client is not");
    // A value that is not an address counts as the proxy itself.
    let (status, _) = sign_in(&client, addr, "next2", "wrong", Some("not-an-address")).await;
    assert_eq!(status, 401);
    let recorded = failure_addresses(&pool).await;
    assert_eq!(recorded[0], "203.0.113.5");
    assert_eq!(
        &recorded[recorded.len() - 2..],
        ["203.0.113.6", "127.0.0.1"],
        "{recorded:?}"
    );
}
