//! Figures for the resilience report: each suite's tests append what they tried to
//! `target/resilience/<suite>.jsonl`, one JSON line per test, once the test has passed.

use std::io::Write;

/// Appends `{"suite", "test", ...fields}` as one line to `target/resilience/<suite>.jsonl`
/// under the crate root. A failure to write is reported, never fatal: the figures are a
/// by-product of the tests, not their subject.
pub fn record(suite: &str, test: &str, fields: serde_json::Value) {
    let mut line = serde_json::json!({ "suite": suite, "test": test });
    if let (Some(line), serde_json::Value::Object(extra)) = (line.as_object_mut(), fields) {
        line.extend(extra);
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("resilience");
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(format!("{suite}.jsonl")))?;
        // One write per line, so that tests running at once never interleave within a line.
        f.write_all(format!("{line}\n").as_bytes())
    });
    if let Err(e) = written {
        eprintln!("resilience figures not written: {e}");
    }
}
