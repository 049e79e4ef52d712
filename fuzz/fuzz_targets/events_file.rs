//! cargo-fuzz target: see `chancery_fuzz::events_file` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| chancery_fuzz::events_file(data));
