//! cargo-fuzz target: see `chancery_fuzz::tei_volume` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| chancery_fuzz::tei_volume(data));
