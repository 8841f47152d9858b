//! Static assets, compiled into the binary so that duban serves them from any working
//! directory and never needs another host.
//!
//! Pages link each asset with the hash of its content (`/static/style.css?v=1a2b3c4d5e6f`,
//! [`href`]); such an address always names the same bytes, so it is cached for a year without
//! asking again. A changed file gets a new address, and is never served stale. An address
//! without the current hash (an old page, a hand-typed URL) is answered with the current file
//! and must be revalidated.

use axum::extract::RawQuery;
use axum::http::header;
use axum::response::IntoResponse;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const STYLE: &str = include_str!("../../static/style.css");
const PRINT: &str = include_str!("../../static/print.css");
const FAVICON: &str = include_str!("../../static/favicon.svg");
/// For an address carrying the content's hash.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For any other: the bytes may change under this address.
const REVALIDATE: &str = "public, no-cache";

/// One file: its name under `/static/`, type and content.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: [Asset; 3] = [
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        body: STYLE,
    },
    Asset {
        name: "print.css",
        content_type: "text/css; charset=utf-8",
        body: PRINT,
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        body: FAVICON,
    },
];

/// The first 12 hex digits of each asset's SHA-256, computed once at start.
static VERSIONS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| hex::encode(Sha256::digest(a.body.as_bytes()))[..12].to_string())
        .collect()
});

fn version(name: &str) -> &'static str {
    let i = ASSETS.iter().position(|a| a.name == name);
    i.map_or("", |i| VERSIONS[i].as_str())
}

/// The address pages link an asset by: its path with the hash of its content.
pub fn href(name: &str) -> String {
    format!("/static/{name}?v={}", version(name))
}

pub fn routes() -> super::Routes {
    super::Routes::default()
        .get("/static/style.css", |q: RawQuery| serve(&ASSETS[0], q))
        .get("/static/print.css", |q: RawQuery| serve(&ASSETS[1], q))
        .get("/static/favicon.svg", |q: RawQuery| serve(&ASSETS[2], q))
        .get("/favicon.ico", |q: RawQuery| serve(&ASSETS[2], q))
}

async fn serve(asset: &'static Asset, RawQuery(query): RawQuery) -> impl IntoResponse {
    let current = format!("v={}", version(asset.name));
    let cache = if query.as_deref() == Some(current.as_str()) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, cache),
        ],
        asset.body,
    )
}
