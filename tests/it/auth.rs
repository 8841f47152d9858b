//! Signing in and the security baseline: sessions, throttling, one-time passwords, CSRF,
//! headers, audit log, and the office's user management, over the real router and database.

use crate::common;
use crate::common::probe;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Client, app, create_user, password_of};
use duban::rules::auth::Role;
use duban::web::{AppState, WebConfig, create_app};
use sqlx::PgPool;
use std::time::Duration;

async fn audit_count(pool: &PgPool, action: &str, target: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1 AND target = $2")
        .bind(action)
        .bind(target)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn signed_out_browsers_are_sent_to_login_and_back(pool: PgPool) {
    common::seed(&pool).await;
    create_user(&pool, "zhang", Role::Leader, None).await;
    let c = Client::new(&app(pool.clone()));
    let r = c.get("/tasks?section=2").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login?next=/tasks%3Fsection%3D2");
    let r = c.get("/login?next=/tasks%3Fsection%3D2").await;
    assert!(r.body.contains("name=\"next\" value=\"/tasks?section=2\""));
    let r = c
        .post(
            "/login",
            &[
                ("login", "ZHANG"),
                ("password", &password_of("zhang")),
                ("next", "/tasks?section=2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/tasks?section=2");
    let r = c.get("/tasks?section=2").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("zhang 姓名（领导）"));
    assert_eq!(audit_count(&pool, "sign_in", "zhang").await, 1);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn next_is_followed_only_to_local_paths(pool: PgPool) {
    // Office staff land where they asked (leaders land on the summary instead).
    create_user(&pool, "zhang", Role::Office, None).await;
    let app = app(pool);
    for (next, expected) in [
        ("/units", "/units"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ] {
        let c = Client::new(&app);
        let r = c
            .post(
                "/login",
                &[
                    ("login", "zhang"),
                    ("password", &password_of("zhang")),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(r.location(), expected, "{next}");
    }
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn wrong_passwords_get_one_message_and_are_recorded(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    let c = Client::new(&app(pool.clone()));
    for (login, password) in [("zhang", "wrong-password"), ("nobody", "wrong-password")] {
        let r = c.sign_in(login, password).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("登录名或密码错误"));
        assert!(
            !r.body.contains("wrong-password"),
            "the password is never echoed"
        );
        assert!(
            r.body.contains(&format!("value=\"{login}\"")),
            "the login is kept"
        );
        assert_eq!(audit_count(&pool, "sign_in_failed", login).await, 1);
    }
    let r = c.sign_in("", "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请输入登录名和密码"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn failures_throttle_the_account_across_restarts(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    let c = Client::new(&app(pool.clone()));
    for _ in 0..5 {
        assert_eq!(
            c.sign_in("zhang", "wrong-password").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // A new router (a restarted or second process) sees the same lock: it lives in the database.
    let c = Client::new(&app(pool.clone()));
    let r = c.sign_in("zhang", &password_of("zhang")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("登录失败次数过多"), "{}", r.body);
    assert!(r.body.contains("分钟"));
    // The lock ends when the failures leave the 15-minute window.
    sqlx::query("UPDATE sign_in_failures SET at = at - interval '16 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    let r = c.sign_in("zhang", &password_of("zhang")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(audit_count(&pool, "sign_in_throttled", "zhang").await >= 1);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn failures_throttle_the_client_address(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    let app = app(pool.clone());
    let mut attacker = Client::new(&app);
    attacker.addr = "198.51.100.7:5000".into();
    // Many logins from one address: 20 failures lock the address, whatever the login.
    for i in 0..20 {
        let r = attacker
            .sign_in(&format!("guess{i}"), "wrong-password")
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = attacker.sign_in("zhang", &password_of("zhang")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Another address is not affected.
    let r = Client::new(&app)
        .sign_in("zhang", &password_of("zhang"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_session_id_changes_at_sign_in_and_sign_out_ends_it_on_the_server(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    let c = Client::new(&app(pool.clone()));
    // An anonymous visit to the login page, then sign in: the id must not carry over.
    c.get("/login").await;
    let before = c.cookie();
    c.sign_in("zhang", &password_of("zhang")).await;
    let signed_in = c.cookie().expect("a session cookie");
    assert_ne!(Some(signed_in.clone()), before);
    let sessions: i64 = probe::count(&pool, "tower_sessions.session").await;
    assert_eq!(sessions, 1);

    let r = c.post("/logout", &[]).await;
    assert_eq!(r.location(), "/login");
    let sessions: i64 = probe::count(&pool, "tower_sessions.session").await;
    assert_eq!(sessions, 0, "sign-out deletes the session on the server");
    // Replaying the old cookie gets nowhere.
    c.set_cookie(Some(signed_in));
    assert_eq!(c.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(audit_count(&pool, "sign_out", "zhang").await, 1);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_cookie_is_http_only_lax_and_secure_when_configured(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    let r = Client::new(&app(pool.clone()))
        .sign_in("zhang", &password_of("zhang"))
        .await;
    let cookie = r.header("set-cookie").to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "{cookie}");
    let secure = create_app(AppState::with_config(
        pool.clone(),
        WebConfig {
            secure_cookies: true,
            ..WebConfig::default()
        },
    ));
    let r = Client::new(&secure)
        .sign_in("zhang", &password_of("zhang"))
        .await;
    assert!(r.header("set-cookie").contains("Secure"));
}

/// The router with sessions that expire after `idle` without a renewing request.
fn app_with_session_idle(pool: &PgPool, idle: Duration) -> axum::Router {
    create_app(AppState::with_config(
        pool.clone(),
        WebConfig {
            session_idle: idle,
            ..WebConfig::default()
        },
    ))
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_idle_session_expires(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    let app = app_with_session_idle(&pool, Duration::from_secs(1));
    let c = Client::signed_in(&app, "zhang").await;
    assert_eq!(c.get("/account/password").await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        c.get("/account/password").await.status,
        StatusCode::SEE_OTHER
    );
}

/// A write's answer never waits on saving the session after its transaction committed: only
/// reads renew the idle expiry (every form post redirects to a page that does).
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn only_reads_renew_the_session(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    // Renewed at most once a sixtieth of this: every second.
    let app = app_with_session_idle(&pool, Duration::from_secs(60));
    let expiry = || async {
        sqlx::query_scalar::<_, chrono::DateTime<chrono::Utc>>(
            "SELECT expiry_date FROM tower_sessions.session",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let c = Client::signed_in(&app, "zhang").await;
    assert_eq!(c.get("/account/password").await.status, StatusCode::OK);
    let renewed = expiry().await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = c.post("/account/password", &[("current", "x")]).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(expiry().await, renewed, "a post does not renew");
    assert_eq!(c.get("/account/password").await.status, StatusCode::OK);
    assert!(expiry().await > renewed, "a read does");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn disabling_a_user_ends_their_sessions_and_tokens(pool: PgPool) {
    let id = create_user(&pool, "zhang", Role::Leader, None).await;
    let token = common::token_for(&pool, id).await;
    let app = app(pool.clone());
    let c = Client::signed_in(&app, "zhang").await;
    let office = common::office(&pool).await;
    let r = office
        .post(&format!("/admin/users/{id}/active"), &[("active", "false")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        common::get_with_token(&app, "/api/v1/plans", &token)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        c.sign_in("zhang", &password_of("zhang")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(audit_count(&pool, "user_disabled", "zhang").await, 1);
    // Enabled again, they can sign in.
    office
        .post(&format!("/admin/users/{id}/active"), &[("active", "true")])
        .await;
    assert_eq!(
        c.sign_in("zhang", &password_of("zhang")).await.status,
        StatusCode::SEE_OTHER
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_password_change_keeps_this_session_and_ends_the_others(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    let app = app(pool.clone());
    let here = Client::signed_in(&app, "zhang").await;
    let elsewhere = Client::signed_in(&app, "zhang").await;
    let new = "a brand new passphrase";
    let r = here
        .post(
            "/account/password",
            &[
                ("current_password", &password_of("zhang")),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(here.get("/").await.status, StatusCode::OK);
    assert_eq!(elsewhere.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        Client::new(&app).sign_in("zhang", new).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(audit_count(&pool, "password_changed", "zhang").await, 1);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn password_rules_are_explained_beside_the_field(pool: PgPool) {
    create_user(&pool, "zhangsan01", Role::Leader, None).await;
    let c = Client::signed_in(&app(pool.clone()), "zhangsan01").await;
    let current = password_of("zhangsan01");
    for (new, confirm, field, message) in [
        ("short", "short", "new_password", "密码至少需要 10 个字符"),
        (
            "ZhangSan01",
            "ZhangSan01",
            "new_password",
            "密码不能与登录名相同",
        ),
        (
            "long enough one",
            "long enough two",
            "confirm_password",
            "两次输入的新密码不一致",
        ),
    ] {
        let r = c
            .post(
                "/account/password",
                &[
                    ("current_password", &current),
                    ("new_password", new),
                    ("confirm_password", confirm),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{new}");
        assert!(
            r.body.contains(&format!("id=\"e-{field}\">{message}")),
            "{new}: {}",
            r.body
        );
    }
    let r = c
        .post(
            "/account/password",
            &[
                ("current_password", "wrong"),
                ("new_password", "long enough one"),
                ("confirm_password", "long enough one"),
            ],
        )
        .await;
    assert!(r.body.contains("id=\"e-current_password\">当前密码不正确"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_office_creates_a_liaison_who_must_change_the_one_time_password(pool: PgPool) {
    common::seed(&pool).await;
    let office = common::office(&pool).await;
    let unit: i64 = probe::unit_id(&pool, "公安部").await;
    let r = office
        .post(
            "/admin/users",
            &[
                ("login", "li.si"),
                ("display_name", "李四"),
                ("role", "liaison"),
                ("unit", &unit.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("已创建用户 li.si"));
    let one_time = r
        .body
        .split("<code>")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .expect("password shown")
        .to_string();
    assert_eq!(one_time.len(), 16);

    let liaison = Client::new(&office.app);
    let r = liaison.sign_in("li.si", &one_time).await;
    assert_eq!(r.location(), "/account/password");
    // Nothing else is reachable until the password is changed.
    assert_eq!(liaison.get("/tasks").await.location(), "/account/password");
    let r = liaison.get("/account/password").await;
    assert!(r.body.contains("您正在使用一次性密码"));
    let new = "li si's own passphrase";
    let r = liaison
        .post(
            "/account/password",
            &[
                ("current_password", &one_time),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!(r.location(), "/");
    let r = liaison.get("/tasks").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("李四（联络员 · 公安部）"));
    assert_eq!(audit_count(&pool, "user_created", "li.si").await, 1);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn user_forms_explain_what_is_wrong(pool: PgPool) {
    common::seed(&pool).await;
    let office = common::office(&pool).await;
    for (fields, field, message) in [
        (
            vec![
                ("login", "x"),
                ("display_name", "某"),
                ("role", "leader"),
                ("unit", ""),
            ],
            "login",
            "登录名长度应为 2 至 64 个字符",
        ),
        (
            vec![
                ("login", "office"),
                ("display_name", "某"),
                ("role", "leader"),
                ("unit", ""),
            ],
            "login",
            "登录名“office”已被使用",
        ),
        (
            vec![
                ("login", "wang"),
                ("display_name", " "),
                ("role", "leader"),
                ("unit", ""),
            ],
            "display_name",
            "请填写姓名",
        ),
        (
            vec![
                ("login", "wang"),
                ("display_name", "王"),
                ("role", "boss"),
                ("unit", ""),
            ],
            "role",
            "请选择角色",
        ),
        (
            vec![
                ("login", "wang"),
                ("display_name", "王"),
                ("role", "liaison"),
                ("unit", ""),
            ],
            "unit",
            "联络员必须指定所属单位",
        ),
        (
            vec![
                ("login", "wang"),
                ("display_name", "王"),
                ("role", "leader"),
                ("unit", "1"),
            ],
            "unit",
            "只有联络员和单位负责人属于某个单位",
        ),
        (
            vec![
                ("login", "wang"),
                ("display_name", "王"),
                ("role", "liaison"),
                ("unit", "999999"),
            ],
            "unit",
            "所选单位不存在",
        ),
    ] {
        let r = office.post("/admin/users", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(
            r.body.contains(&format!("id=\"e-{field}\">{message}")),
            "{fields:?}"
        );
        // What was typed is kept.
        assert!(
            r.body
                .contains(&format!("value=\"{}\"", fields[0].1.trim())),
            "{fields:?}"
        );
    }
    let users: i64 = probe::count(&pool, "users").await;
    assert_eq!(users, 1);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_last_office_user_cannot_be_removed(pool: PgPool) {
    let office = common::office(&pool).await;
    let me: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'office'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let r = office
        .post(&format!("/admin/users/{me}/active"), &[("active", "false")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("不能停用自己的账号"));
    let r = office
        .post(
            &format!("/admin/users/{me}"),
            &[("display_name", "我"), ("role", "leader"), ("unit", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("最后一个有效的办公室账号"));
    let role: String = sqlx::query_scalar("SELECT role::text FROM users WHERE id = $1")
        .bind(me)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(role, "office");
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn tokens_are_shown_once_listed_and_revoked(pool: PgPool) {
    common::seed(&pool).await;
    let id = create_user(&pool, "zhang", Role::Leader, None).await;
    let office = common::office(&pool).await;
    let r = office.post(&format!("/admin/users/{id}/tokens"), &[]).await;
    let secret = r
        .body
        .split("<code>")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .unwrap()
        .to_string();
    assert!(secret.starts_with("dbn_"));
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens WHERE user_id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_ne!(stored, secret, "only a hash is stored");
    assert_eq!(
        common::get_with_token(&office.app, "/api/v1/plans", &secret)
            .await
            .status,
        StatusCode::OK
    );
    let page = office.get(&format!("/admin/users/{id}")).await;
    assert!(page.body.contains(&format!("{}…", &secret[..12])));
    assert!(
        !page.body.contains(&secret),
        "the token is never shown again"
    );
    let token_id: i64 = sqlx::query_scalar("SELECT id FROM api_tokens WHERE user_id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let r = office
        .post(&format!("/admin/users/{id}/tokens/{token_id}/revoke"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        common::get_with_token(&office.app, "/api/v1/plans", &secret)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(audit_count(&pool, "token_revoked", "zhang").await, 1);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_forged_cross_site_post_is_refused(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    let office = common::office(&pool).await;
    let victim_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'zhang'")
        .fetch_one(&pool)
        .await
        .unwrap();
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "http://evil.example"),
    ] {
        let req = Request::post(format!("/admin/users/{victim_id}/active"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("host", "duban.local")
            .header(header, value)
            .body(Body::from("active=false"))
            .unwrap();
        let r = office.request(req).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{header}");
        assert!(r.body.contains("请求来自其他网站"), "{header}");
    }
    let active: bool = sqlx::query_scalar("SELECT active FROM users WHERE id = $1")
        .bind(victim_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(active, "the forged request changed nothing");
    // The same form from our own origin goes through.
    let req = Request::post(format!("/admin/users/{victim_id}/active"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "duban.local")
        .header("origin", "http://duban.local")
        .body(Body::from("active=false"))
        .unwrap();
    assert_eq!(office.request(req).await.status, StatusCode::SEE_OTHER);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn every_response_carries_the_security_headers(pool: PgPool) {
    let app = app(pool);
    for uri in [
        "/login",
        "/",
        "/healthz",
        "/static/style.css",
        "/nowhere",
        "/api/v1/plans",
    ] {
        let r = common::get(&app, uri).await;
        let csp = r.header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{uri}: {csp}"
        );
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(r.header("referrer-policy"), "same-origin", "{uri}");
    }
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_audit_log_is_filtered_for_the_office(pool: PgPool) {
    create_user(&pool, "zhang", Role::Leader, None).await;
    let app = app(pool.clone());
    Client::new(&app).sign_in("zhang", "wrong-password").await;
    Client::signed_in(&app, "zhang").await;
    let office = common::office(&pool).await;
    let r = office.get("/admin/audit").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("登录失败") && r.body.contains("192.0.2.1"));
    let r = office.get("/admin/audit?action=sign_in_failed").await;
    assert_eq!(r.body.matches("<td>登录失败</td>").count(), 1);
    assert!(!r.body.contains("<td>登录</td>"));
    let r = office.get("/admin/audit?login=zhang&action=sign_in").await;
    assert_eq!(r.body.matches("<td>登录</td>").count(), 1);
    let r = office
        .get("/admin/audit?from=2000-01-01&to=2000-01-02")
        .await;
    assert!(r.body.contains("没有符合条件的记录"));
    let r = office.get("/admin/audit?from=yesterday").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"e-from\">日期格式应为 2022-07-01"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn bootstrap_creates_admin_once(pool: PgPool) {
    let first = duban::workflows::accounts::bootstrap_admin(&pool)
        .await
        .unwrap();
    let password = first.expect("admin created on first start");
    assert!(
        duban::workflows::accounts::bootstrap_admin(&pool)
            .await
            .unwrap()
            .is_none(),
        "never again"
    );
    let c = Client::new(&app(pool.clone()));
    assert_eq!(
        c.sign_in("admin", &password).await.location(),
        "/account/password"
    );
}
