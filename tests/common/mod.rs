//! Helpers shared by the integration tests: the real router, the real 2022 seed, a real
//! PostgreSQL database per test (from `#[sqlx::test]`).
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use duban::importer;
use http_body_util::BodyExt;
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use tower::ServiceExt;

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

pub async fn get(app: &Router, uri: &str) -> Response {
    let res = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
        .await
        .expect("infallible router");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A `DATABASE_URL` for the test's database, for child processes (the CLI tests).
pub fn database_url(pool: &PgPool) -> String {
    let o = pool.connect_options();
    let db = o.get_database().unwrap_or("postgres");
    match o.get_socket() {
        Some(dir) => duban::embedded::url_for(dir, db),
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
