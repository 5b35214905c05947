//! Hostile backup archives (issue 17): each refused by `validate_archive` before anything of
//! the user's is written, and nothing left behind; and a hostile backup target. One test per
//! defect, named after it.

use super::backup::*;
use crate::store::{Store, SCHEMA_VERSION};
use crate::time::{parse_time, Timestamp};
use rusqlite::Connection;
use std::io::Write;
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

fn t(s: &str) -> Timestamp {
    parse_time(s, crate::Field::At).unwrap()
}

struct Setup {
    dir: tempfile::TempDir,
    db: PathBuf,
    before: Vec<u8>,
}

/// A real database to be replaced, checkpointed so its bytes say everything.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tixian.db");
    let s = Store::open(&db).unwrap();
    s.conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(s);
    let before = std::fs::read(&db).unwrap();
    Setup { dir, db, before }
}

impl Setup {
    /// Restoring `archive` fails with a message containing `says`; nothing changed.
    fn refuses(&self, archive: &Path, says: &str) {
        let e = restore(&self.db, archive, &t("2026-07-03 08:00")).unwrap_err();
        assert_eq!(e.exit_code(), 2, "{e}");
        assert!(e.to_string().contains(says), "{e}");
        assert_eq!(
            std::fs::read(&self.db).unwrap(),
            self.before,
            "database untouched"
        );
        let leftovers: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.contains("restore"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

fn sha(bytes: &[u8]) -> String {
    crate::vault::sha256_hex(bytes)
}

fn manifest(db_sha: &str, schema: i64) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "format": "tixian-backup", "version": 1, "schema_version": schema,
        "created_at": "2026-07-01T09:00:00+08:00", "app_version": "0.1.0",
        "db_sha256": db_sha, "vault": [],
    }))
    .unwrap()
}

fn archive(path: &Path, entries: &[(&str, &[u8])]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

/// An archive holding `db` (a SQLite file's bytes) with a manifest that matches it.
fn archive_of_db(path: &Path, db: &[u8]) {
    archive(
        path,
        &[("manifest.json", &manifest(&sha(db), 1)), ("db.sqlite", db)],
    );
}

fn sqlite_file(dir: &Path, sql: &str) -> Vec<u8> {
    let p = dir.join("made.sqlite");
    let _ = std::fs::remove_file(&p);
    let c = Connection::open(&p).unwrap();
    c.execute_batch(sql).unwrap();
    drop(c);
    let bytes = std::fs::read(&p).unwrap();
    std::fs::remove_file(&p).unwrap();
    bytes
}

#[test]
fn restore_read_a_huge_manifest_whole() {
    let s = setup();
    let big = vec![b' '; 20 * 1024 * 1024];
    let path = s.dir.path().join("big-manifest.zip");
    archive(&path, &[("manifest.json", &big)]);
    assert!(std::fs::metadata(&path).unwrap().len() < 100_000);
    s.refuses(&path, "manifest.json expands beyond 16777216 bytes");
}

#[test]
fn restore_wrote_the_whole_db_sqlite_out_before_checking_its_hash() {
    let s = setup();
    let zeros = vec![0u8; 65 * 1024 * 1024];
    let path = s.dir.path().join("bomb.zip");
    // The manifest even has the right hash: only the size cap stops it.
    archive(
        &path,
        &[
            ("manifest.json", &manifest(&sha(&zeros), 1)),
            ("db.sqlite", &zeros),
        ],
    );
    drop(zeros);
    assert!(std::fs::metadata(&path).unwrap().len() < 200_000);
    s.refuses(&path, "db.sqlite expands beyond 67108864 bytes");
}

#[test]
fn restore_accepted_a_sqlite_file_that_is_not_tixians() {
    let s = setup();
    let path = s.dir.path().join("foreign.zip");
    let foreign = sqlite_file(
        s.dir.path(),
        "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); PRAGMA user_version = 3;",
    );
    archive_of_db(&path, &foreign);
    s.refuses(
        &path,
        "db.sqlite is not a Tixian database (schema 3 but no table platforms)",
    );
    let other_app = sqlite_file(
        s.dir.path(),
        "PRAGMA application_id = 1234; PRAGMA user_version = 1;",
    );
    archive_of_db(&path, &other_app);
    s.refuses(
        &path,
        "db.sqlite belongs to another program (application_id 0x4d2)",
    );
}

#[test]
fn restore_of_a_negative_user_version_skipped_every_migration() {
    let s = setup();
    let path = s.dir.path().join("negative.zip");
    // A real Tixian database, its version stamped -1.
    let mut db = std::fs::read(&s.db).unwrap();
    // user_version is the big-endian i32 at offset 60 of the header.
    db[60..64].copy_from_slice(&(-1i32).to_be_bytes());
    archive_of_db(&path, &db);
    s.refuses(
        &path,
        "db.sqlite has schema version -1, which no Tixian database has",
    );
    db[60..64].copy_from_slice(&((SCHEMA_VERSION + 1) as i32).to_be_bytes());
    archive_of_db(&path, &db);
    let e = restore(&s.db, &path, &t("2026-07-03 08:00")).unwrap_err();
    assert_eq!(e.code(), "newer_database", "{e}");
}

#[test]
fn backup_onto_an_existing_folder_failed_as_our_own_error() {
    let s = setup();
    let store = Store::open(&s.db).unwrap();
    let folder = s.dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    let e = backup(&store, &folder, &t("2026-07-03 08:00")).unwrap_err();
    assert_eq!(e.exit_code(), 2, "{e}");
    let shown = folder.display().to_string();
    for lang in [crate::Lang::En, crate::Lang::Zh] {
        assert!(e.message(lang).contains(&shown), "{}", e.message(lang));
    }
    assert!(
        e.message(crate::Lang::En)
            .contains("that is a folder; give the backup a file name"),
        "{e}"
    );
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
    let leftovers: Vec<String> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("tixian-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A backup whose ZIP64 extra field declares a compressed size near 2^64 for `db.sqlite`: its
/// inflation cap saturated to u64::MAX and `cap + 1` overflowed (a panic in debug builds; in
/// release it wrapped to a cap of 0). Found by the `backup` fuzz target; the input is
/// `fuzz/regressions/backup/`.
#[test]
fn a_zip64_compressed_size_near_u64_max_overflowed_the_inflation_cap() {
    let s = setup();
    let path = s.dir.path().join("backup.zip");
    std::fs::write(
        &path,
        include_bytes!(
            "../../fuzz/regressions/backup/zip64-compressed-size-overflows-the-inflation-cap.zip"
        ),
    )
    .unwrap();
    let e = restore(&s.db, &path, &t("2026-07-03 08:00")).unwrap_err();
    assert_eq!(e.exit_code(), 2, "{e}");
    assert_eq!(std::fs::read(&s.db).unwrap(), s.before);
}
