#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| accounts_api::fuzzing::template(data));
