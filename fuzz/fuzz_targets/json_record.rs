//! cargo-fuzz target: see `chancery_fuzz::json_record` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| chancery_fuzz::json_record(data));
