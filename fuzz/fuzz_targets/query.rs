//! cargo-fuzz target: see `chancery_fuzz::query` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| chancery_fuzz::query(data));
