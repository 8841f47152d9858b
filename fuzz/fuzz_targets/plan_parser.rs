//! The plan parser takes any text without panicking: it returns a plan or a parse error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Documents arrive as UTF-8 text (the importer refuses other bytes before parsing).
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = duban::rules::plan::parse_plan(text);
    }
});
