//! The Excel upload reader takes any bytes without panicking: rows, or an error naming cells.
//!
//! One exception is allowed, and only inside the reader's containment: calamine does its cell
//! reference arithmetic unchecked (`A99999999999` overflows a u32), which panics in builds with
//! overflow checks. `read_upload` catches that and refuses the file, so such a panic is let
//! through here; any other panic, or any panic escaping `read_upload`, still aborts the run.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        let abort_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|l| l.file().contains("/calamine-"));
            if !in_calamine {
                abort_hook(info);
            }
        }));
    },
    |data: &[u8]| {
        let known = ["1".to_string(), "2".to_string(), "10".to_string()];
        let _ = duban::formats::roundtrip::read_upload(data, "2022-Q2", &known);
    }
);
