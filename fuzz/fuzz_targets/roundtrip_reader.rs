//! The Excel upload reader takes any bytes without panicking: rows, or an error naming cells.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let known = ["1".to_string(), "2".to_string(), "10".to_string()];
    let _ = duban::roundtrip::read_upload(data, "2022-Q2", &known);
});
