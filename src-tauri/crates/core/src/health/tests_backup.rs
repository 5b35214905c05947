//! Backups: round trip with identical data and vault, refusal of damaged archives, rolling.

use super::*;
use crate::ledger::{add_balance, add_platform, NewPlatform};
use crate::store::Store;
use crate::time::parse_time;

fn t(s: &str) -> Timestamp {
    parse_time(s, crate::Field::At).unwrap()
}
/// Every table's rows, in order, as text: two databases with equal dumps hold the same data.
pub(crate) fn dump(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for table in tables {
        // A WITHOUT ROWID table (bundle_catalog) is read in its primary key's order.
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY rowid"))
            .or_else(|_| conn.prepare(&format!("SELECT * FROM \"{table}\"")))
            .unwrap();
        let width = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..width)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect();
                Ok(format!("{table}: {}", cells.join(" | ")))
            })
            .unwrap();
        out.extend(rows.map(|r| r.unwrap()));
    }
    out.push(format!(
        "user_version {}",
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .unwrap()
    ));
    out
}

fn vault_listing(db: &std::path::Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(crate::store::vault_dir(db))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().to_string(),
                crate::vault::sha256_hex(&std::fs::read(e.path()).unwrap()),
            )
        })
        .collect();
    v.sort();
    v
}

fn file_store(dir: &std::path::Path) -> Store {
    let mut s = Store::open(&dir.join("tixian.db")).unwrap();
    let created = t("2026-01-01 10:00");
    s.transaction(|tx| {
        add_platform(
            tx,
            &NewPlatform {
                name: "微信支付".into(),
                kind: PlatformKind::Wechat,
                note: "主力".into(),
            },
            &created,
        )?;
        add_balance(tx, "微信支付", Money(123_456), &created, &created)?;
        log_signal(
            tx,
            "微信支付",
            SignalKind::Other,
            "客服说“系统升级”",
            &created,
            &created,
        )
    })
    .unwrap();
    let vault = crate::store::vault_dir(s.path());
    crate::vault::put_bytes(&vault, b"evidence one").unwrap();
    crate::vault::put_bytes(&vault, &[0u8, 159, 146, 150, 255]).unwrap();
    s
}

#[test]
fn backup_then_restore_gives_back_the_same_data_and_vault() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("tixian.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let mut s = file_store(db.parent().unwrap());
    let archive = dir.path().join("backup.zip");
    let report = backup(&s, &archive, &t("2026-07-01 09:00")).unwrap();
    assert_eq!(report.vault_files, 2);
    let dump_at_backup = dump(s.conn());
    let vault_at_backup = vault_listing(&db);

    // Change things after the backup, then restore.
    s.transaction(|tx| {
        add_platform(
            tx,
            &NewPlatform {
                name: "later".into(),
                kind: PlatformKind::Other,
                note: String::new(),
            },
            &t("2026-07-02 09:00"),
        )
        .map(|_| ())
    })
    .unwrap();
    let dump_changed = dump(s.conn());
    drop(s);
    let restored = restore(&db, &archive, &t("2026-07-03T08:00:00+08:00")).unwrap();
    let kept = restored.previous_kept_at.clone().unwrap();
    assert!(
        kept.ends_with("tixian.db.before-restore-20260703T080000"),
        "{kept}"
    );
    let s = Store::open(&db).unwrap();
    assert_eq!(dump(s.conn()), dump_at_backup);
    assert_eq!(vault_listing(&db), vault_at_backup);
    // What was replaced is kept, with the change made after the backup.
    let old = Connection::open(&kept).unwrap();
    assert_eq!(dump(&old), dump_changed);

    // Restoring into an empty place (a new computer) brings the vault along.
    let fresh = dir.path().join("new").join("tixian.db");
    let r2 = restore(&fresh, &archive, &t("2026-07-03 09:00")).unwrap();
    assert_eq!((r2.previous_kept_at, r2.vault_added), (None, 2));
    assert_eq!(dump(Store::open(&fresh).unwrap().conn()), dump_at_backup);
    assert_eq!(vault_listing(&fresh), vault_at_backup);
}

#[test]
fn restore_refuses_a_tampered_or_truncated_archive_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = file_store(dir.path());
    let db = s.path().to_path_buf();
    let archive = dir.path().join("b.zip");
    backup(&s, &archive, &t("2026-07-01 09:00")).unwrap();
    s.conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(s);
    let before = std::fs::read(&db).unwrap();

    // Rebuild the archive with one vault file's content changed (its name no longer matches).
    let tampered = dir.path().join("tampered.zip");
    {
        let mut src = zip::ZipArchive::new(File::open(&archive).unwrap()).unwrap();
        let mut dst = zip::ZipWriter::new(File::create(&tampered).unwrap());
        for i in 0..src.len() {
            let mut e = src.by_index(i).unwrap();
            let name = e.name().unwrap().to_string();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            if name.starts_with("vault/") && bytes == b"evidence one" {
                bytes = b"evidence 0ne".to_vec();
            }
            dst.start_file(name, SimpleFileOptions::default()).unwrap();
            dst.write_all(&bytes).unwrap();
        }
        dst.finish().unwrap();
    }
    let e = restore(&db, &tampered, &t("2026-07-03 08:00")).unwrap_err();
    assert_eq!(e.code(), "invalid");
    assert!(e.to_string().contains("does not match its hash"), "{e}");

    let bytes = std::fs::read(&archive).unwrap();
    let truncated = dir.path().join("truncated.zip");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    assert_eq!(
        restore(&db, &truncated, &t("2026-07-03 08:00"))
            .unwrap_err()
            .code(),
        "invalid"
    );
    assert_eq!(
        restore(&db, &dir.path().join("missing.zip"), &t("2026-07-03 08:00"))
            .unwrap_err()
            .code(),
        "invalid"
    );

    assert_eq!(std::fs::read(&db).unwrap(), before, "database untouched");
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("before-restore") || n.contains("restore-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn rolling_backups_one_a_day_newest_seven_kept() {
    let dir = tempfile::tempdir().unwrap();
    let s = file_store(dir.path());
    let backups = dir.path().join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    std::fs::write(backups.join("notes.txt"), "mine").unwrap();
    let start = chrono::NaiveDate::from_ymd_opt(2026, 2, 25).unwrap();
    for i in 0..9 {
        let day = start + chrono::Days::new(i);
        assert!(rolling_backup(&s, &backups, day, &t("2026-07-01 09:00"))
            .unwrap()
            .is_some());
        assert!(
            rolling_backup(&s, &backups, day, &t("2026-07-01 09:00"))
                .unwrap()
                .is_none(),
            "one a day"
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "notes.txt",
            "tixian-2026-02-27.zip",
            "tixian-2026-02-28.zip",
            "tixian-2026-03-01.zip",
            "tixian-2026-03-02.zip",
            "tixian-2026-03-03.zip",
            "tixian-2026-03-04.zip",
            "tixian-2026-03-05.zip",
        ]
    );
}

#[test]
fn the_rolling_backups_are_listed_newest_first_without_other_files() {
    let dir = tempfile::tempdir().unwrap();
    assert!(backup::rolling_backups(&dir.path().join("none")).is_empty());
    std::fs::write(dir.path().join("tixian-2026-03-01.zip"), "a").unwrap();
    std::fs::write(dir.path().join("tixian-2026-03-04.zip"), "bbb").unwrap();
    std::fs::write(dir.path().join("tixian-2026-13-01.zip"), "not a day").unwrap();
    std::fs::write(dir.path().join("tixian-backup-2026-03-02.zip"), "by hand").unwrap();
    std::fs::create_dir(dir.path().join("tixian-2026-03-05.zip")).unwrap();
    let found = backup::rolling_backups(dir.path());
    let days: Vec<(&str, i64)> = found.iter().map(|b| (b.date.as_str(), b.bytes)).collect();
    assert_eq!(days, [("2026-03-04", 3), ("2026-03-01", 1)]);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    assert_eq!(
        backup::suggested_file_name(day),
        "tixian-backup-2026-11-23.zip"
    );
}

use std::fs::File;
use std::io::{Read, Write};
use zip::write::SimpleFileOptions;
