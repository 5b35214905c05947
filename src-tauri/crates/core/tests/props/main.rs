//! The property tests of tixian-core, one test binary (one link) for all of them: for every
//! parser of user input, any input gives a value or a clean error, never a panic, and what can
//! be written back reads back the same. `corpus` replays the fuzz targets' committed inputs.
//!
//! Case counts are set per property to keep the whole binary to seconds on two cores;
//! `PROPTEST_CASES=N` runs every property N times instead (to search longer by hand).

mod backup;
mod bills;
mod case;
mod corpus;
mod fixtures;
mod images;
mod money_time;
mod owned_bills;
mod rules;
mod text;
mod verify;

/// What each fuzz target checks (shared with the fuzz crate).
#[path = "../../fuzz/src/checks.rs"]
mod checks;

use proptest::test_runner::Config;

/// A proptest config running `cases` cases, or `PROPTEST_CASES` when set.
pub fn cases(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        // A case that fails is shrunk, but not for ever.
        max_shrink_iters: 2_000,
        ..Config::default()
    }
}
