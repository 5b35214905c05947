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

/// Without TIXIAN_PASSPHRASE, `lock remove --yes` and `lock change` on a database with no lock
/// said "the current passphrase is needed" / "the new passphrase is needed" instead of that.
#[test]
fn lock_remove_or_change_without_the_lock_set_says_so_before_asking_for_a_passphrase() {
    let s = Sandbox::new();
    s.cmd(&["platform", "list"]).assert().success();
    for args in [&["lock", "remove", "--yes"][..], &["lock", "change"]] {
        let out = s
            .cmd(&[&["--lang", "en"][..], args].concat())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "error: TIXIAN_PASSPHRASE: the app lock is not set\n",
            "{args:?}"
        );
    }
}

/// A sandbox with an imported bill, the lock set with `passphrase`, and a backup `name`.
fn locked_with_backup(passphrase: &str, name: &str) -> (Sandbox, std::path::PathBuf) {
    let s = Sandbox::new();
    s.cmd(&[
        "import",
        owned_bill("wechat-csv-utf8.csv").to_str().unwrap(),
    ])
    .assert()
    .success();
    s.cmd(&["lock", "set"])
        .env("TIXIAN_NEW_PASSPHRASE", passphrase)
        .assert()
        .success();
    let archive = s.path(name);
    s.cmd(&["backup", archive.to_str().unwrap()])
        .env("TIXIAN_PASSPHRASE", passphrase)
        .assert()
        .success();
    (s, archive)
}

#[test]
fn a_locked_backup_restores_with_its_passphrase_and_not_without() {
    let (s, archive) = locked_with_backup("backup passphrase", "b.zip");
    let other = s.path("other").join("tixian.db");
    s.cmd_at(
        &other,
        &[
            "--lang",
            "en",
            "restore",
            archive.to_str().unwrap(),
            "--yes",
        ],
    )
    .assert()
    .code(2)
    .stderr(predicate::str::contains(
        "TIXIAN_BACKUP_PASSPHRASE: this backup was made under the app lock",
    ));
    s.cmd_at(&other, &["restore", archive.to_str().unwrap(), "--yes"])
        .env("TIXIAN_PASSPHRASE", "backup passphrase")
        .assert()
        .success();
    s.cmd_at(&other, &["--json", "lock", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"locked\": true"));
}

/// After `lock change`, a backup made under the old passphrase was refused as a wrong
/// passphrase with no way to give the old one.
#[test]
fn a_backup_made_before_lock_change_restores_with_tixian_backup_passphrase() {
    let (s, archive) = locked_with_backup("old passphrase", "old.zip");
    s.cmd(&["lock", "change"])
        .env("TIXIAN_PASSPHRASE", "old passphrase")
        .env("TIXIAN_NEW_PASSPHRASE", "new passphrase")
        .assert()
        .success();
    let restore = [
        "--lang",
        "en",
        "restore",
        archive.to_str().unwrap(),
        "--yes",
    ];
    s.cmd(&restore)
        .env("TIXIAN_PASSPHRASE", "new passphrase")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "TIXIAN_BACKUP_PASSPHRASE: this backup is not encrypted with the current passphrase",
        ));
    s.cmd(&restore)
        .env("TIXIAN_PASSPHRASE", "new passphrase")
        .env("TIXIAN_BACKUP_PASSPHRASE", "not the old one")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "TIXIAN_BACKUP_PASSPHRASE: wrong passphrase",
        ));
    s.cmd(&restore)
        .env("TIXIAN_PASSPHRASE", "new passphrase")
        .env("TIXIAN_BACKUP_PASSPHRASE", "old passphrase")
        .assert()
        .success();
    s.cmd(&["--json", "platform", "list"])
        .env("TIXIAN_PASSPHRASE", "new passphrase")
        .assert()
        .success();
    s.cmd(&["--lang", "en", "platform", "list"])
        .env("TIXIAN_PASSPHRASE", "old passphrase")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "TIXIAN_PASSPHRASE: wrong passphrase",
        ));
}

/// Killed (SIGKILL) at a random moment while the lock is set or removed, the data folder is
/// the old state or the new one, whole: the next command (with the passphrase) opens it,
/// finishes an interrupted conversion of the vault, leaves no temporary file, and a backup —
/// which opens every vault file through the vault's reader — succeeds.
#[cfg(unix)]
#[test]
fn a_kill_while_the_lock_is_set_or_removed_leaves_the_old_or_the_new_state_whole() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    const PASS: &str = "kill harness passphrase";
    let kills: usize = std::env::var("TIXIAN_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(|n: usize| n.div_ceil(3))
        .unwrap_or(12);
    let s = Sandbox::new();
    let plain = s.path("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let at = |dir: &std::path::Path, args: &[&str]| {
        let mut c = s.std_cmd_at(&dir.join("tixian.db"), args);
        c.env("TIXIAN_PASSPHRASE", PASS)
            .env("TIXIAN_NEW_PASSPHRASE", PASS)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        c
    };
    let ok = |mut c: std::process::Command| {
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{c:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ok(at(
        &plain,
        &[
            "import",
            owned_bill("wechat-xlsx-2026.xlsx").to_str().unwrap(),
        ],
    ));
    ok(at(
        &plain,
        &[
            "import",
            owned_bill("alipay-csv-2023-gbk.csv").to_str().unwrap(),
        ],
    ));
    let locked = s.path("locked");
    copy_dir(&plain, &locked);
    ok(at(&locked, &["lock", "set"]));
    let temps = |dir: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(tixian_core::fsutil::TEMP_MARK))
            .collect()
    };
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let (mut ended_before, mut finished) = (0, 0);
    for (name, from, args) in [
        ("set", &plain, ["lock", "set"]),
        ("remove", &locked, ["lock", "remove"]),
    ] {
        let full: Vec<&str> = if name == "remove" {
            vec![args[0], args[1], "--yes"]
        } else {
            args.to_vec()
        };
        let probe = s.path(&format!("{name}-probe"));
        copy_dir(from, &probe);
        let started = Instant::now();
        ok(at(&probe, &full));
        let span = started.elapsed().as_micros() as u64 + 2_000;
        for i in 0..kills {
            let it = s.path(&format!("{name}-{i}"));
            copy_dir(from, &it);
            let mut child = at(&it, &full).stderr(Stdio::null()).spawn().unwrap();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            // The kill moment is the point of the test: a random instant within the run.
            std::thread::sleep(Duration::from_micros(seed % span));
            child.kill().unwrap();
            if child.wait().unwrap().success() {
                finished += 1;
            } else {
                ended_before += 1;
            }
            ok(at(&it, &["platform", "list"]));
            ok(at(&it, &["backup", it.join("check.zip").to_str().unwrap()]));
            let out = at(&it, &["--json", "lock", "status"])
                .stdout(Stdio::piped())
                .output()
                .unwrap();
            let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let sealed = if status["locked"] == true { 2 } else { 0 };
            assert_eq!(
                (
                    status["vault_files"].as_i64(),
                    status["sealed_files"].as_i64()
                ),
                (Some(2), Some(sealed)),
                "{name} #{i}: {status}"
            );
            assert_eq!(temps(&it), Vec::<String>::new(), "{name} #{i}");
            assert_eq!(
                temps(&it.join("vault")),
                Vec::<String>::new(),
                "{name} #{i}"
            );
        }
    }
    println!("lock kills: {ended_before} ended before the end, {finished} finished");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// SQLCipher printed "ERROR CORE sqlcipher_page_cipher: hmac check failed …" lines to stderr
/// above our message: its logging starts (level WARN, to stderr) when the first key is set in
/// the process, after the `cipher_log_level` we had set before the key.
#[test]
fn a_wrong_passphrase_prints_our_message_alone_without_sqlcipher_log_lines() {
    let s = Sandbox::new();
    s.cmd(&["lock", "set"])
        .env("TIXIAN_NEW_PASSPHRASE", "first passphrase")
        .assert()
        .success();
    let out = s
        .cmd(&["--lang", "en", "platform", "list"])
        .env("TIXIAN_PASSPHRASE", "not the passphrase")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: TIXIAN_PASSPHRASE: wrong passphrase\n"
    );
}
