#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| tixian_core_fuzz::checks::time(data));
