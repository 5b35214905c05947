//! Shared helpers for CLI tests: each test gets its own temp directory and database.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("tixian.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `tixian --db <temp db> ARGS…`, with HOME and XDG_DATA_HOME inside the sandbox so no test
    /// reads the developer's own data folder.
    pub fn cmd(&self, args: &[&str]) -> Command {
        Command::from_std(self.std_cmd(args))
    }

    /// [`Sandbox::cmd`] as a plain `std::process::Command`, for a test that spawns and waits on
    /// the child itself (a deadline, the child's own resource use).
    pub fn std_cmd(&self, args: &[&str]) -> std::process::Command {
        self.std_cmd_at(&self.db(), args)
    }

    /// [`Sandbox::cmd`] on another database file (`--db DB`), still isolated in the sandbox.
    pub fn cmd_at(&self, db: &Path, args: &[&str]) -> Command {
        Command::from_std(self.std_cmd_at(db, args))
    }

    pub fn std_cmd_at(&self, db: &Path, args: &[&str]) -> std::process::Command {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_tixian"));
        c.env_remove("TIXIAN_DB")
            .env_remove("TIXIAN_NOW")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path())
            .env("LANG", "C")
            .arg("--db")
            .arg(db)
            .args(args);
        c
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self
            .cmd(&[&["--json"], args].concat())
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("stdout is JSON")
    }
}

pub fn sha256_file(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(std::fs::read(path).expect("readable")))
}

/// `tests/fixtures/bills/` in the repository: the bills the project owns (written by
/// `cargo run -p tixian-core --example gen_bill_fixtures`, golden `NAME.expected.json` beside).
pub fn owned_bills() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/bills")
}

/// An owned bill fixture by file name.
pub fn owned_bill(name: &str) -> PathBuf {
    let p = owned_bills().join(name);
    assert!(
        p.exists(),
        "{} is missing (the repository's own fixture)",
        p.display()
    );
    p
}

/// The golden import report of an owned bill (`NAME.expected.json`).
pub fn owned_expected(name: &str) -> serde_json::Value {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let p = owned_bills().join(format!("{stem}.expected.json"));
    serde_json::from_slice(&std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap()
}

/// Every owned bill fixture's file name (each has a golden file), sorted.
pub fn owned_bill_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(owned_bills())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".expected.json") && n != "README.md")
        .collect();
    names.sort();
    names
}

/// A real export from `../shared/fixtures/bills` (beside the repository), the extra check on
/// top of the owned fixtures. Missing: under `CI=true` the test fails saying why; elsewhere it
/// prints why and the caller skips its real-export part.
pub fn real_export(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/fixtures/bills")
        .join(name);
    if p.exists() {
        return Some(p);
    }
    let why = format!(
        "the real export {} is missing: the real-export check needs `shared/` (with \
         fixtures/bills) beside the repository",
        p.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why} (CI=true: this check may not be skipped)");
    }
    eprintln!("skipped: {why}");
    None
}
