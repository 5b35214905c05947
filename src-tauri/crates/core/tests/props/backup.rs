//! Properties of restoring a backup archive: for any archive — a real one cut, flipped or
//! spliced, or a well-formed one around a damaged or foreign database — a restore either
//! brings back a database that opens, or is refused cleanly without creating or changing a
//! database (the one already there stays byte for byte as it was).

use crate::checks;

use crate::fixtures;
use proptest::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use tixian_core::import::{self, ImportOptions};
use tixian_core::{health, time, Store};

fn now() -> time::Timestamp {
    time::parse_time("2026-07-01T09:00:00+08:00", tixian_core::Field::At).unwrap()
}

struct Made {
    _dir: tempfile::TempDir,
    /// A database with an imported bill (rows, a platform, a vault file).
    db: PathBuf,
    archive: Vec<u8>,
    db_bytes: Vec<u8>,
}

fn made() -> &'static Made {
    static MADE: std::sync::OnceLock<Made> = std::sync::OnceLock::new();
    MADE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("full.db");
        {
            let mut store = Store::open(&db).unwrap();
            let bill = fixtures::render(fixtures::Layout::WechatCsv, &fixtures::sample_rows());
            let vault = tixian_core::store::vault_dir(&db);
            import::import_bytes(
                &mut store,
                "wechat.csv",
                &bill,
                &ImportOptions::default(),
                &vault,
                &now(),
                &mut |_| {},
            )
            .unwrap();
            health::backup(&store, &dir.path().join("full.zip"), &now()).unwrap();
        }
        let archive = std::fs::read(dir.path().join("full.zip")).unwrap();
        let mut db_bytes = Vec::new();
        zip::ZipArchive::new(std::io::Cursor::new(&archive))
            .unwrap()
            .by_name("db.sqlite")
            .unwrap()
            .read_to_end(&mut db_bytes)
            .unwrap();
        Made {
            _dir: dir,
            db,
            archive,
            db_bytes,
        }
    })
}

/// Restores `archive` over a copy of the made database (or into an empty folder).
fn restore(archive: &[u8], over_existing: bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.zip");
    std::fs::write(&path, archive).unwrap();
    let db = dir.path().join("data/tixian.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    if over_existing {
        std::fs::copy(&made().db, &db).unwrap();
    }
    let before = std::fs::read(&db).ok();
    match health::restore(&db, &path, &now()) {
        Ok(_) => {
            Store::open_checked(&db)
                .unwrap_or_else(|e| panic!("the restored database does not open: {e}"));
        }
        Err(e) => {
            assert_ne!(
                e.exit_code(),
                3,
                "a bad archive was reported as our own failure: {e}"
            );
            assert_eq!(
                std::fs::read(&db).ok(),
                before,
                "a refused restore changed the database"
            );
            assert_eq!(
                leftovers(db.parent().unwrap()),
                Vec::<String>::new(),
                "a refused restore left files"
            );
        }
    }
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "tixian.db" && !n.starts_with("tixian.db.lock"))
        .collect()
}

#[test]
fn the_made_backup_restores_and_its_database_round_trips_through_archive_around() {
    restore(&made().archive, false);
    restore(&made().archive, true);
    restore(&checks::archive_around(&made().db_bytes), false);
}

proptest! {
    #![proptest_config(crate::cases(64))]

    #[test]
    fn a_mutated_archive_restores_or_is_refused_leaving_everything_as_it_was(
        steps in proptest::collection::vec((any::<u64>(), any::<usize>(), any::<u8>(), 0usize..256), 1..4),
        over_existing in any::<bool>(),
    ) {
        let mut bytes = made().archive.clone();
        for (c, at, b, len) in steps {
            bytes = fixtures::mutate(&bytes, c, at, b, len);
        }
        restore(&bytes, over_existing);
    }

    /// The archive is intact and its hash matches: what is tested is the database checks.
    #[test]
    fn a_damaged_database_in_an_intact_archive_restores_or_is_refused(
        steps in proptest::collection::vec((any::<u64>(), any::<usize>(), any::<u8>(), 0usize..4096), 1..4),
        over_existing in any::<bool>(),
    ) {
        let mut db = made().db_bytes.clone();
        for (c, at, b, len) in steps {
            db = fixtures::mutate(&db, c, at, b, len);
        }
        restore(&checks::archive_around(&db), over_existing);
    }

    #[test]
    fn random_bytes_as_an_archive_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..2048), zip_start in any::<bool>()) {
        let bytes = if zip_start { [&b"PK\x03\x04"[..], &bytes].concat() } else { bytes };
        restore(&bytes, true);
    }
}
