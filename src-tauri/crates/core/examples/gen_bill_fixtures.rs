//! Writes the bill fixtures the project owns, `tests/fixtures/bills/` (every layout the importer
//! reads, each with its golden `NAME.expected.json`), from the generators the property tests use
//! (`tests/props/fixtures.rs`, `tests/props/owned_bills.rs`). Deterministic except the AES
//! ZIPs' salts; the props test `committed_bill_fixtures_are_what_the_generator_writes` checks
//! the committed files against a fresh run.
//!
//! Run: `cargo run -p tixian-core --example gen_bill_fixtures [DIR]`.

#[path = "../tests/props/fixtures.rs"]
mod fixtures;
#[path = "../tests/props/owned_bills.rs"]
mod owned_bills;

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(owned_bills::dir);
    owned_bills::write_all(&dir);
    for o in owned_bills::all() {
        println!("{}", dir.join(&o.name).display());
    }
}
