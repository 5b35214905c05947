//! Two programs at once, damaged files and privacy, with real `tixian` processes on temp
//! databases. Each test is named after the defect it guards against.

mod common;

use common::Sandbox;
use predicates::str::contains;
use std::path::Path;
use std::process::{Command, Stdio};

fn tixian(sb: &Sandbox) -> Command {
    let mut c = tixian_on(sb);
    c.arg("--db").arg(sb.db());
    c
}

/// `tixian` with the sandbox's HOME and no `--db`.
fn tixian_on(sb: &Sandbox) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("tixian"));
    c.env_remove("TIXIAN_DB")
        .env_remove("TIXIAN_NOW")
        .env_remove("TIXIAN_ZIP_PASSWORD")
        .env("HOME", sb.dir.path())
        .env("XDG_DATA_HOME", sb.dir.path())
        .env("LANG", "C");
    c
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// An owned bill fixture (`tests/fixtures/bills/`).
fn fixture(name: &str) -> std::path::PathBuf {
    common::owned_bill(name)
}

/// Write transactions began DEFERRED: a writer holding a read lock could not upgrade and failed
/// at once with "database is locked" instead of waiting (19 of 30 failed). With `BEGIN
/// IMMEDIATE` every one waits its turn.
#[test]
fn concurrent_writers_failed_with_database_is_locked() {
    let sb = Sandbox::new();
    sb.cmd(&["platform", "add", "起点", "--kind", "wechat"])
        .assert()
        .success();
    let writers: Vec<_> = (0..24)
        .map(|i| {
            tixian(&sb)
                .args(["platform", "add", &format!("平台{i:02}"), "--kind", "bank"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut failed = Vec::new();
    for w in writers {
        let out = w.wait_with_output().unwrap();
        if !out.status.success() {
            failed.push(String::from_utf8_lossy(&out.stderr).into_owned());
        }
    }
    assert!(
        failed.is_empty(),
        "{} writers failed: {failed:?}",
        failed.len()
    );
    assert_eq!(count(&sb.db(), "SELECT count(*) FROM platforms"), 25);
}

/// A restore swapped the file under a program that had the database open; that program's next
/// writes went to the replaced file and were lost without a word. Now the restore is refused
/// while another program (here: this test process, through the core) holds the database.
#[test]
fn restore_while_another_program_had_the_db_open_lost_its_writes() {
    let sb = Sandbox::new();
    sb.cmd(&["platform", "add", "备份里的", "--kind", "wechat"])
        .assert()
        .success();
    let archive = sb.path("b.zip");
    sb.cmd(&["backup", archive.to_str().unwrap()])
        .assert()
        .success();
    // The other program: it opens the database and writes.
    let mut other = tixian_core::Store::open(&sb.db()).unwrap();
    other
        .transaction(|tx| {
            tx.execute(
                "INSERT INTO settings(key, value) VALUES ('written_by_other', '1')",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    sb.cmd(&[
        "--lang",
        "en",
        "restore",
        archive.to_str().unwrap(),
        "--yes",
    ])
    .assert()
    .code(2)
    .stderr(contains("another Tixian program"))
    .stderr(contains("nothing was changed"));
    // Its writes are there, and it can go on writing to the same file.
    other
        .transaction(|tx| {
            tx.execute(
                "INSERT INTO settings(key, value) VALUES ('written_after', '1')",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    drop(other);
    assert_eq!(
        count(
            &sb.db(),
            "SELECT count(*) FROM settings WHERE key IN ('written_by_other', 'written_after')"
        ),
        2
    );
    // Once it has closed, the restore goes ahead.
    sb.cmd(&["restore", archive.to_str().unwrap(), "--yes"])
        .assert()
        .success();
    assert_eq!(
        count(
            &sb.db(),
            "SELECT count(*) FROM settings WHERE key = 'written_by_other'"
        ),
        0
    );
}

/// A damaged database was opened read-write: pragmas and migrations wrote into it and the
/// user saw a raw SQLite error. Now `quick_check` runs first (read-only), the CLI exits 3 with a
/// plain message, and the file is left byte for byte as it was.
#[test]
fn a_damaged_database_was_written_to_instead_of_refused() {
    let sb = Sandbox::new();
    sb.cmd(&["import", fixture("wechat-csv-utf8.csv").to_str().unwrap()])
        .assert()
        .success();
    let archive = sb.path("newest.zip");
    sb.cmd(&["backup", archive.to_str().unwrap()])
        .assert()
        .success();
    // Fold the WAL in and close, then damage a page in the middle of the file.
    {
        let conn = rusqlite::Connection::open(sb.db()).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let mut bytes = std::fs::read(sb.db()).unwrap();
    let page = 4096;
    assert!(bytes.len() >= 4 * page, "{} bytes", bytes.len());
    for b in &mut bytes[2 * page..2 * page + 200] {
        *b = 0xA5;
    }
    std::fs::write(sb.db(), &bytes).unwrap();
    let before = common::sha256_file(&sb.db());
    sb.cmd(&["--lang", "en", "platform", "list"])
        .assert()
        .code(3)
        .stderr(contains("is damaged"))
        .stderr(contains("tixian restore"));
    sb.cmd(&["--lang", "zh", "health"])
        .assert()
        .code(3)
        .stderr(contains("已损坏"));
    assert_eq!(common::sha256_file(&sb.db()), before);
    assert!(!sb.path("tixian.db-wal").exists());
    // The newest backup takes its place; the damaged bytes are kept as they were.
    let out = sb.json(&["restore", archive.to_str().unwrap(), "--yes"]);
    let kept = out["previous_kept_at"].as_str().unwrap().to_string();
    assert_eq!(common::sha256_file(Path::new(&kept)), before);
    sb.cmd(&["platform", "list"]).assert().success();
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The database, its WAL, the vault, backups and bundles were created with the default umask
/// (readable by every user of a shared computer). They are user-only now.
#[cfg(unix)]
#[test]
fn database_backups_and_bundles_were_readable_by_other_users() {
    let sb = Sandbox::new();
    let data = sb.path("data");
    let db = data.join("tixian.db");
    let run = |args: &[&str]| {
        let out = tixian_on(&sb)
            .args(["--db", db.to_str().unwrap()])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["import", fixture("wechat-csv-utf8.csv").to_str().unwrap()]);
    let img = sb.path("shot.png");
    image::RgbImage::from_pixel(8, 8, image::Rgb([1, 2, 3]))
        .save(&img)
        .unwrap();
    let case = run(&[
        "--json",
        "case",
        "new",
        "--platform",
        "微信支付",
        "--amount",
        "100",
        "--occurred",
        "2026-03-10 14:00",
        "--summary",
        "提现未到账",
    ]);
    let id = serde_json::from_str::<serde_json::Value>(&case).unwrap()["id"].to_string();
    run(&["case", "evidence", &id, img.to_str().unwrap()]);
    let backups = sb.path("backups");
    run(&["backup", "--rolling", backups.to_str().unwrap()]);
    let pdf = sb.path("out.pdf");
    run(&["case", "export", &id, "--out", pdf.to_str().unwrap()]);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&db), 0o600);
    {
        // The WAL exists while a connection is open; SQLite gives it the database's mode.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute("INSERT INTO settings(key, value) VALUES ('k', 'v')", [])
            .unwrap();
        assert_eq!(mode(&data.join("tixian.db-wal")), 0o600);
        assert_eq!(mode(&data.join("tixian.db-shm")), 0o600);
    }
    assert_eq!(mode(&data.join("vault")), 0o700);
    for f in std::fs::read_dir(data.join("vault")).unwrap() {
        assert_eq!(mode(&f.unwrap().path()), 0o600);
    }
    assert_eq!(mode(&backups), 0o700);
    for f in std::fs::read_dir(&backups).unwrap() {
        assert_eq!(mode(&f.unwrap().path()), 0o600);
    }
    assert_eq!(mode(&pdf), 0o600);
    let files = sb.path("out.files");
    assert_eq!(mode(&files), 0o700);
    for f in std::fs::read_dir(&files).unwrap() {
        assert_eq!(mode(&f.unwrap().path()), 0o600);
    }
    // An existing world-readable database is made user-only when it is opened.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    run(&["platform", "list"]);
    assert_eq!(mode(&db), 0o600);
}

fn encrypted_zip(inner: &[u8], password: &str) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .with_aes_encryption(zip::AesMode::Aes256, password);
    w.start_file("微信支付账单.csv", options).unwrap();
    w.write_all(inner).unwrap();
    w.finish().unwrap().into_inner()
}

/// `--password` was the only way to give a ZIP's password, so it showed in `ps` and the shell
/// history; `TIXIAN_ZIP_PASSWORD` works too (and a prompt on a terminal).
#[test]
fn zip_password_could_only_be_given_on_the_command_line() {
    let sb = Sandbox::new();
    let zip = sb.path("bill.zip");
    std::fs::write(
        &zip,
        encrypted_zip(
            &std::fs::read(fixture("wechat-csv-utf8.csv")).unwrap(),
            "246810",
        ),
    )
    .unwrap();
    // Not a terminal and no password: the usual bad-input error, no prompt, no hang.
    sb.cmd(&["import", zip.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(contains("--password"));
    sb.cmd(&["--json", "import", zip.to_str().unwrap()])
        .env("TIXIAN_ZIP_PASSWORD", "246810")
        .assert()
        .success()
        .stdout(contains("\"imported\""));
    let rows = common::owned_expected("wechat-csv-utf8.csv")["rows"].as_i64();
    assert_eq!(
        Some(count(&sb.db(), "SELECT count(*) FROM transactions")),
        rows
    );
}
