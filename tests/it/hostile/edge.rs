//! The HTTP edge: no answer that depends on the caller may be kept by a shared cache, assets
//! are addressed by their content, HSTS only behind HTTPS, the `Host` checked against
//! `DUBAN_PUBLIC_URL`, and the CSV export neutralises full-width formula starts too.

use super::{World, app_with, record};
use crate::common::{self, Client};
use axum::body::Body;
use axum::http::{Method, Request};
use duban::web::{AppState, WebConfig, route_list};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// A concrete address for a route pattern, with ids the world has.
fn concrete(w: &World, attachment: i64, pattern: &str) -> String {
    let id = if pattern.starts_with("/units/") {
        w.unit_a
    } else if pattern.starts_with("/admin/users/") {
        w.target_user
    } else if pattern.starts_with("/reports/") {
        w.submitted
    } else if pattern.starts_with("/attachments/") {
        attachment
    } else if pattern.starts_with("/urges/") {
        w.urge
    } else if pattern.starts_with("/coordination/") {
        w.coordination
    } else if pattern.starts_with("/plans/") || pattern.starts_with("/api/v1/plans/") {
        w.plan_id
    } else {
        1
    };
    pattern
        .replace("{id}", &id.to_string())
        .replace("{token_id}", &w.target_token_id.to_string())
        .replace("{code}", "1.3.1")
}

fn is_asset(path: &str) -> bool {
    path.starts_with("/static/") || path == "/favicon.ico"
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn every_answer_of_every_route_is_private(pool: PgPool) {
    let w = World::new(pool).await;
    let attachment = common::probe::number(
        &w.pool,
        &format!(
            "INSERT INTO attachments (report_id, file_name, content_type, size, sha256, data)
             VALUES ({}, 'a.png', 'image/png', 4, 'x', '\\x89504e47') RETURNING id",
            w.submitted
        ),
    )
    .await;
    let routes = route_list(&AppState::new(w.pool.clone()));
    let mut wrong = Vec::new();
    let mut tried = 0;
    for route in routes.iter().filter(|r| !is_asset(&r.path)) {
        let uri = concrete(&w, attachment, &route.path);
        let api = uri.starts_with("/api/");
        // Pages as the office and as a liaison; the API with their tokens; and anonymously.
        for who in ["office", "liaison", "anonymous"] {
            let mut req = Request::builder().method(route.method.clone()).uri(&uri);
            if route.method != Method::GET {
                req = req.header("sec-fetch-site", "same-origin").header(
                    "content-type",
                    if api { "application/json" } else { super::FORM },
                );
            }
            if api && who != "anonymous" {
                let token = if who == "office" {
                    &w.tokens.office
                } else {
                    &w.tokens.liaison_a
                };
                req = req.header("authorization", format!("Bearer {token}"));
            }
            let body = if api && route.method != Method::GET {
                "{}"
            } else {
                ""
            };
            let req = req.body(Body::from(body)).unwrap();
            let r = match who {
                "office" if !api => w.office.request(req).await,
                "liaison" if !api => w.liaison_a.request(req).await,
                _ => common::send(&w.app, req).await,
            };
            tried += 1;
            let cache = r.header("cache-control");
            let vary = r.header("vary").to_ascii_lowercase();
            if cache != "private, no-store" || !vary.contains("cookie") {
                wrong.push(format!(
                    "{} {uri} as {who}: {} cache-control {cache:?}, vary {vary:?}",
                    route.method, r.status
                ));
            }
        }
    }
    // The sign-in page sets a cookie and carries a CSRF-bound form: private too.
    let login = Client::new(&w.app).get("/login").await;
    assert_eq!(login.header("cache-control"), "private, no-store");
    assert!(
        wrong.is_empty(),
        "answers a shared cache may keep:\n{}",
        wrong.join("\n")
    );
    record("cache_headers", tried);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn assets_are_linked_by_their_content_and_cached_for_a_year(pool: PgPool) {
    let app = app_with(&pool, WebConfig::default());
    let login = common::get(&app, "/login").await;
    let mut linked = Vec::new();
    for href in login.body.split("href=\"").skip(1) {
        let href = &href[..href.find('"').unwrap()];
        if href.starts_with("/static/") {
            linked.push(href.replace("&#x3d;", "=").replace("&#61;", "="));
        }
    }
    assert!(linked.len() >= 3, "assets linked: {linked:?}");
    for href in &linked {
        let (path, version) = href
            .split_once("?v=")
            .unwrap_or_else(|| panic!("{href} carries no content hash"));
        let r = common::get(&app, href).await;
        assert_eq!(r.status, 200, "{href}");
        assert_eq!(
            r.header("cache-control"),
            "public, max-age=31536000, immutable",
            "{href}"
        );
        let hash = hex::encode(Sha256::digest(r.body.as_bytes()));
        assert!(
            hash.starts_with(version) && version.len() >= 8,
            "{href}: the address's hash is not the content's ({hash})"
        );
        // Without the current hash the bytes may have changed: revalidated, never immutable.
        for stale in [path.to_string(), format!("{path}?v=0123456789ab")] {
            let r = common::get(&app, &stale).await;
            assert_eq!(r.status, 200, "{stale}");
            assert!(
                !r.header("cache-control").contains("immutable")
                    && r.header("cache-control").contains("no-cache"),
                "{stale}: {}",
                r.header("cache-control")
            );
        }
    }
    record("asset_cache", linked.len() * 3);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn hsts_only_behind_https(pool: PgPool) {
    let secure = app_with(
        &pool,
        WebConfig {
            secure_cookies: true,
            ..WebConfig::default()
        },
    );
    let plain = app_with(&pool, WebConfig::default());
    for path in ["/login", "/healthz", "/static/style.css", "/nowhere"] {
        let r = common::get(&secure, path).await;
        assert_eq!(
            r.header("strict-transport-security"),
            "max-age=31536000",
            "{path}"
        );
        let r = common::get(&plain, path).await;
        assert!(
            r.headers.get("strict-transport-security").is_none(),
            "{path}: HSTS over plain HTTP"
        );
    }
    record("hsts", 8);
}

async fn with_host(app: &axum::Router, uri: &str, host: Option<&str>) -> common::Response {
    let mut req = Request::get(uri);
    if let Some(h) = host {
        req = req.header("host", h);
    }
    common::send(app, req.body(Body::empty()).unwrap()).await
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn another_host_is_refused_when_the_public_url_is_set(pool: PgPool) {
    let app = app_with(
        &pool,
        WebConfig {
            public_host: Some("duban.example.gov.cn".into()),
            ..WebConfig::default()
        },
    );
    let mut bad = 0;
    for host in [
        Some("evil.example.com"),
        Some("duban.example.gov.cn.evil.example.com"),
        Some("duban.example.gov.cn:8443"),
        Some("127.0.0.1:3000"),
        None,
    ] {
        let page = with_host(&app, "/login", host).await;
        assert_eq!(page.status, 400, "{host:?}");
        assert!(
            page.header("content-type").starts_with("text/html")
                && page.body.contains("主机名不是督办系统的地址"),
            "{host:?}: {}",
            page.body
        );
        let json = with_host(&app, "/api/v1/plans", host).await;
        assert_eq!(json.status, 400, "{host:?}");
        assert_eq!(json.json()["error"]["code"], "bad_request", "{host:?}");
        // Probes address the machine, not the public name.
        let health = with_host(&app, "/healthz", host).await;
        assert_eq!(health.status, 200, "{host:?}");
        bad += 2;
    }
    for host in [
        "duban.example.gov.cn",
        "DUBAN.example.gov.cn",
        "duban.example.gov.cn:443",
    ] {
        let r = with_host(&app, "/login", Some(host)).await;
        assert_eq!(r.status, 200, "{host}: {}", r.body);
    }
    // Unset, any host is served as before.
    let open = app_with(&pool, WebConfig::default());
    assert_eq!(
        with_host(&open, "/login", Some("evil.example.com"))
            .await
            .status,
        200
    );
    record("host_check", bad);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn csv_neutralises_full_width_formula_starts(pool: PgPool) {
    let w = World::new(pool).await;
    let starts = [
        "＝1+1",
        "＋1",
        "－1",
        "＠SUM(A1)",
        "\u{3000}＝1",
        "\t=1",
        "\r=1",
    ];
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT code FROM tasks WHERE plan_id = $1 ORDER BY id LIMIT 7")
            .bind(w.plan_id)
            .fetch_all(&w.pool)
            .await
            .unwrap();
    for (text, code) in starts.iter().zip(&codes) {
        sqlx::query("UPDATE tasks SET text = $1 WHERE code = $2")
            .bind(text)
            .bind(code)
            .execute(&w.pool)
            .await
            .unwrap();
    }
    let csv = w.office.get("/tasks.csv").await;
    assert_eq!(csv.status, 200);
    for text in starts {
        let cell = format!("'{text}");
        let quoted = format!("\"'{text}\"");
        assert!(
            csv.body.contains(&format!(",{cell},")) || csv.body.contains(&format!(",{quoted},")),
            "{text:?} not neutralised:\n{}",
            csv.body.lines().take(12).collect::<Vec<_>>().join("\n")
        );
    }
    record("csv_full_width", starts.len());
}
