//! `tixian lock`: set, the passphrase from TIXIAN_PASSPHRASE, a wrong or missing one (exit 2),
//! change, remove, status — on the real binary with an isolated HOME and data folder.

mod common;
use common::{owned_bill, Sandbox};
use predicates::prelude::*;

#[test]
fn lock_set_change_and_remove_through_the_environment_with_clear_refusals() {
    let s = Sandbox::new();
    s.cmd(&[
        "import",
        owned_bill("wechat-csv-utf8.csv").to_str().unwrap(),
    ])
    .assert()
    .success();
    let status = s.json(&["lock", "status"]);
    assert_eq!(status["locked"], false);
    assert_eq!(status["vault_files"], 1);

    // Too short, then set.
    s.cmd(&["lock", "set"])
        .env("TIXIAN_NEW_PASSPHRASE", "short")
        .env("LANG", "en_US.UTF-8")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("TIXIAN_NEW_PASSPHRASE"));
    s.cmd(&["--lang", "en", "--json", "lock", "set"])
        .env("TIXIAN_NEW_PASSPHRASE", "first passphrase")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"sealed_files\": 1"))
        .stderr(predicate::str::contains("forgotten passphrase"));
    let head = std::fs::read(s.db()).unwrap();
    assert_ne!(&head[..16], b"SQLite format 3\0");

    // No passphrase (no terminal): exit 2 saying how to give it; a wrong one: exit 2.
    s.cmd(&["--lang", "en", "platform", "list"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("TIXIAN_PASSPHRASE").and(predicate::str::contains("locked")),
        );
    s.cmd(&["--lang", "en", "platform", "list"])
        .env("TIXIAN_PASSPHRASE", "not the passphrase")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "TIXIAN_PASSPHRASE: wrong passphrase",
        ));
    s.cmd(&["--json", "platform", "list"])
        .env("TIXIAN_PASSPHRASE", "first passphrase")
        .assert()
        .success()
        .stdout(predicate::str::contains("微信支付"));

    s.cmd(&["lock", "change"])
        .env("TIXIAN_PASSPHRASE", "first passphrase")
        .env("TIXIAN_NEW_PASSPHRASE", "second passphrase")
        .assert()
        .success();
    s.cmd(&["platform", "list"])
        .env("TIXIAN_PASSPHRASE", "first passphrase")
        .assert()
        .code(2);

    s.cmd(&["lock", "remove"])
        .env("TIXIAN_PASSPHRASE", "second passphrase")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--yes"));
    s.cmd(&["--json", "lock", "remove", "--yes"])
        .env("TIXIAN_PASSPHRASE", "second passphrase")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"locked\": false"));
    // Plain SQLite again: sqlite3-readable bytes, and no passphrase needed.
    let head = std::fs::read(s.db()).unwrap();
    assert_eq!(&head[..16], b"SQLite format 3\0");
    s.cmd(&["platform", "list"]).assert().success();
}

#[test]
fn lock_remove_or_change_without_the_lock_set_is_bad_input() {
    let s = Sandbox::new();
    s.cmd(&["platform", "list"]).assert().success();
    s.cmd(&["--lang", "en", "lock", "remove", "--yes"])
        .env("TIXIAN_PASSPHRASE", "whatever it is")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not set"));
    s.cmd(&["lock", "set"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("TIXIAN_NEW_PASSPHRASE"));
}

#[test]
fn a_locked_backup_restores_with_its_passphrase_and_not_without() {
    let s = Sandbox::new();
    s.cmd(&[
        "import",
        owned_bill("wechat-csv-utf8.csv").to_str().unwrap(),
    ])
    .assert()
    .success();
    s.cmd(&["lock", "set"])
        .env("TIXIAN_NEW_PASSPHRASE", "backup passphrase")
        .assert()
        .success();
    let archive = s.path("b.zip");
    s.cmd(&["backup", archive.to_str().unwrap()])
        .env("TIXIAN_PASSPHRASE", "backup passphrase")
        .assert()
        .success();
    let other = s.path("other").join("tixian.db");
    s.cmd_at(&other, &["restore", archive.to_str().unwrap(), "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("TIXIAN_PASSPHRASE"));
    s.cmd_at(&other, &["restore", archive.to_str().unwrap(), "--yes"])
        .env("TIXIAN_PASSPHRASE", "backup passphrase")
        .assert()
        .success();
    s.cmd_at(&other, &["--json", "lock", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"locked\": true"));
}
