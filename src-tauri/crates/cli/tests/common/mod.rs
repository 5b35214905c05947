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

    fn std_cmd_at(&self, db: &Path, args: &[&str]) -> std::process::Command {
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
