use super::*;
use crate::import::{import_file, ImportOptions};
use crate::workspace::{Clock, Workspace};
use crate::Lang;

fn pass(text: &str) -> Passphrase {
    Passphrase::new(text, Field::Passphrase).unwrap()
}

fn now() -> crate::time::Timestamp {
    crate::time::parse_time("2026-12-01 10:00", Field::At).unwrap()
}

/// A workspace with an imported bill (rows, the search index, an original in the vault).
fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::new(
        dir.path().join("data").join("tixian.db"),
        Clock::Pinned(now()),
    );
    let bill = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/bills/wechat-csv-utf8.csv");
    let mut store = ws.open_store().unwrap();
    import_file(
        &mut store,
        &bill,
        &ImportOptions::default(),
        &now(),
        &mut |_| {},
    )
    .unwrap();
    (dir, ws)
}

/// What the user has, read through a store: rows, the search index's own check and a search.
fn contents(store: &Store) -> (i64, i64, String) {
    let c = store.conn();
    let rows: i64 = c
        .query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))
        .unwrap();
    c.execute(
        "INSERT INTO transactions_search(transactions_search) VALUES ('integrity-check')",
        [],
    )
    .unwrap();
    let found: i64 = c
        .query_row(
            "SELECT count(*) FROM transactions_search WHERE search GLOB '*零钱*'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let shas: Vec<String> = c
        .prepare("SELECT sha256 FROM imports ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let vault = store::vault_dir(store.path());
    let original = vault::read(&vault, &shas[0]).unwrap();
    (rows, found, vault::sha256_hex(&original))
}

fn sealed(ws: &Workspace) -> (u32, u32) {
    let s = ws.lock_status().unwrap();
    (s.vault_files, s.sealed_files)
}

#[test]
fn set_unlock_wrong_change_and_remove_round_trip_the_whole_workspace() {
    let (_dir, mut ws) = workspace();
    let before = contents(&ws.open_store().unwrap());
    assert!(before.0 > 0 && before.1 > 0, "{before:?}");
    assert_eq!(sealed(&ws), (1, 0));

    ws.set_lock(Passphrase::new_chosen("first passphrase", Field::NewPassphrase).unwrap())
        .unwrap();
    assert!(ws.lock_status().unwrap().locked);
    assert_eq!(sealed(&ws), (1, 1));
    let head = std::fs::read(ws.db_path()).unwrap();
    assert_ne!(
        &head[..16],
        b"SQLite format 3\0",
        "the file is no longer plain SQLite"
    );
    assert_eq!(contents(&ws.open_store().unwrap()), before);

    // Another process: no passphrase, then a wrong one, then the right one.
    let mut other = Workspace::new(ws.db_path(), Clock::Pinned(now()));
    assert!(other.needs_passphrase());
    let e = other.open_store().map(drop).unwrap_err();
    assert_eq!((e.code(), e.exit_code()), ("locked", 2));
    let e = other.unlock(pass("not it at all")).map(drop).unwrap_err();
    assert_eq!((e.exit_code(), e.field_name()), (2, Some("passphrase")));
    assert!(other.needs_passphrase(), "a wrong passphrase is not kept");
    assert_eq!(
        contents(&other.unlock(pass("first passphrase")).unwrap()),
        before
    );
    drop(other);

    ws.change_lock(
        &pass("first passphrase"),
        Passphrase::new_chosen("second passphrase", Field::NewPassphrase).unwrap(),
    )
    .unwrap();
    let e = Store::open_keyed(ws.db_path(), Some(&pass("first passphrase")))
        .map(drop)
        .unwrap_err();
    assert_eq!(e.field_name(), Some("passphrase"));
    assert_eq!(contents(&ws.open_store().unwrap()), before);
    assert_eq!(sealed(&ws), (1, 1), "the vault keeps its data key");

    let e = ws.remove_lock(&pass("first passphrase")).unwrap_err();
    assert_eq!(e.field_name(), Some("passphrase"));
    ws.remove_lock(&pass("second passphrase")).unwrap();
    assert!(!ws.lock_status().unwrap().locked);
    assert_eq!(sealed(&ws), (1, 0));
    let head = std::fs::read(ws.db_path()).unwrap();
    assert_eq!(&head[..16], b"SQLite format 3\0");
    let plain = Workspace::new(ws.db_path(), Clock::Pinned(now()));
    assert_eq!(contents(&plain.open_store().unwrap()), before);
    assert!(
        store::read_setting(plain.open_store().unwrap().conn(), VAULT_KEY_SETTING)
            .unwrap()
            .is_none()
    );
}

fn files_beside(ws: &Workspace) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(ws.db_path().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tixian-tmp"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_conversion_that_fails_leaves_the_database_as_it_was_and_no_temporary_file() {
    let (_dir, ws) = workspace();
    let before = std::fs::read(ws.db_path()).unwrap();
    let e = convert(ws.db_path(), None, Some(&pass("some passphrase")), |_| {
        Err(CoreError::Internal("stopped half-way".into()))
    })
    .unwrap_err();
    assert!(e.to_string().contains("half-way"));
    assert_eq!(std::fs::read(ws.db_path()).unwrap(), before);
    assert_eq!(files_beside(&ws), Vec::<String>::new());
    assert!(!store::is_encrypted(ws.db_path()));
}

#[test]
fn a_conversion_is_refused_while_another_program_has_the_database_open() {
    let (_dir, mut ws) = workspace();
    let open = ws.open_store().unwrap();
    let e = ws
        .set_lock(Passphrase::new_chosen("some passphrase", Field::NewPassphrase).unwrap())
        .unwrap_err();
    assert_eq!(e.code(), "conflict", "{e}");
    drop(open);
    assert!(!ws.is_locked());
}

/// The refusal said "close it and restore again" when the lock was being set.
#[test]
fn the_refusal_while_another_program_has_the_database_open_does_not_speak_of_a_restore() {
    let (_dir, mut ws) = workspace();
    let open = ws.open_store().unwrap();
    let e = ws
        .set_lock(Passphrase::new_chosen("some passphrase", Field::NewPassphrase).unwrap())
        .unwrap_err();
    let db = ws.db_path().display();
    assert_eq!(
        e.message(Lang::En),
        format!("another Tixian program (the app or another tixian command) has the database {db} open; close it and try again — nothing was changed")
    );
    assert_eq!(
        e.message(Lang::Zh),
        format!("另一个提现助手程序（桌面应用或另一个 tixian 命令）正打开着数据库 {db}；请先关闭它再试，未做任何改动")
    );
    drop(open);
}

#[test]
fn an_interrupted_set_finishes_sealing_the_vault_at_the_next_unlock() {
    let (_dir, mut ws) = workspace();
    ws.set_lock(Passphrase::new_chosen("some passphrase", Field::NewPassphrase).unwrap())
        .unwrap();
    // As a kill after the database's rename but before the vault was sealed leaves it.
    let vault = store::vault_dir(ws.db_path());
    let sha = vault::list(&vault).unwrap().remove(0);
    vault::open_in_place(&vault, &sha).unwrap();
    {
        let mut s = ws.open_store().unwrap();
        s.set_setting(PENDING_SETTING, SEAL_VAULT).unwrap();
    }
    assert_eq!(sealed(&ws), (1, 0));
    let s = ws.open_store().unwrap();
    assert_eq!(
        store::read_setting(s.conn(), PENDING_SETTING).unwrap(),
        None
    );
    assert_eq!(sealed(&ws), (1, 1));
}

#[test]
fn an_interrupted_removal_finishes_at_the_next_unlock() {
    let (_dir, mut ws) = workspace();
    ws.set_lock(Passphrase::new_chosen("some passphrase", Field::NewPassphrase).unwrap())
        .unwrap();
    {
        let mut s = ws.open_store().unwrap();
        s.set_setting(PENDING_SETTING, OPEN_VAULT).unwrap();
    }
    let mut again = Workspace::new(ws.db_path(), Clock::Pinned(now()));
    drop(again.unlock(pass("some passphrase")).unwrap());
    assert!(!ws.is_locked());
    assert_eq!(sealed(&ws), (1, 0));
}

#[test]
fn a_locked_store_backs_up_to_a_copy_keyed_with_the_same_passphrase() {
    let (dir, mut ws) = workspace();
    ws.set_lock(Passphrase::new_chosen("some passphrase", Field::NewPassphrase).unwrap())
        .unwrap();
    let copy = dir.path().join("copy.db");
    ws.open_store().unwrap().backup_to(&copy).unwrap();
    assert!(store::is_encrypted(&copy));
    let c = Connection::open(&copy).unwrap();
    store::apply_key(&c, Some(&pass("some passphrase"))).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))
        .unwrap();
    assert!(n > 0);
}

#[test]
fn a_backup_of_a_locked_workspace_is_encrypted_and_restores_with_its_passphrase_only() {
    let (dir, mut ws) = workspace();
    let before = contents(&ws.open_store().unwrap());
    let plain_archive = dir.path().join("plain.zip");
    crate::health::backup(&ws.open_store().unwrap(), &plain_archive, &now()).unwrap();
    ws.set_lock(Passphrase::new_chosen("some passphrase", Field::NewPassphrase).unwrap())
        .unwrap();
    let archive = dir.path().join("locked.zip");
    crate::health::backup(&ws.open_store().unwrap(), &archive, &now()).unwrap();
    // Nothing readable in the archive: the database and the bill are encrypted.
    let raw = std::fs::read(&archive).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(raw)).unwrap();
    let mut db = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("db.sqlite").unwrap(), &mut db).unwrap();
    assert_ne!(&db[..16], b"SQLite format 3\0");

    // Into the same locked workspace.
    let key = Some(pass("some passphrase"));
    crate::health::restore_keyed(ws.db_path(), &archive, &now(), key.as_ref()).unwrap();
    assert_eq!(contents(&ws.open_store().unwrap()), before);
    // A backup made without the lock would leave the encrypted vault unreadable: refused.
    let e = crate::health::restore_keyed(ws.db_path(), &plain_archive, &now(), key.as_ref())
        .unwrap_err();
    assert_eq!(e.code(), "conflict", "{e}");

    // Into a new computer's empty data folder: the passphrase is needed, then all is there.
    let fresh = dir.path().join("new").join("tixian.db");
    let e = crate::health::restore(&fresh, &archive, &now()).unwrap_err();
    assert_eq!(e.field_name(), Some("backup_passphrase"), "{e}");
    let e = crate::health::restore_keyed(&fresh, &archive, &now(), Some(&pass("wrong one!")))
        .unwrap_err();
    assert_eq!(e.field_name(), Some("passphrase"));
    crate::health::restore_keyed(&fresh, &archive, &now(), key.as_ref()).unwrap();
    let mut there = Workspace::new(&fresh, Clock::Pinned(now()));
    assert_eq!(
        contents(&there.unlock(pass("some passphrase")).unwrap()),
        before
    );
}

fn backup_keys<'a>(
    current: Option<&'a Passphrase>,
    backup: Option<&'a Passphrase>,
) -> crate::health::RestoreKeys<'a> {
    crate::health::RestoreKeys { current, backup }
}

/// After `lock change`, a backup made under the old passphrase was refused as "wrong
/// passphrase" with the new one and no way to give the old one.
#[test]
fn a_backup_made_before_the_passphrase_was_changed_restores_with_the_old_one_and_keeps_the_new() {
    let (dir, mut ws) = workspace();
    let before = contents(&ws.open_store().unwrap());
    ws.set_lock(Passphrase::new_chosen("old passphrase", Field::NewPassphrase).unwrap())
        .unwrap();
    let archive = dir.path().join("old.zip");
    crate::health::backup(&ws.open_store().unwrap(), &archive, &now()).unwrap();
    ws.change_lock(
        &pass("old passphrase"),
        Passphrase::new_chosen("new passphrase", Field::NewPassphrase).unwrap(),
    )
    .unwrap();
    let (old, new) = (pass("old passphrase"), pass("new passphrase"));
    let db = ws.db_path().to_path_buf();
    let untouched = std::fs::read(&db).unwrap();

    let e = crate::health::restore_keyed(&db, &archive, &now(), Some(&new)).unwrap_err();
    assert_eq!(
        (e.exit_code(), e.field_name()),
        (2, Some("backup_passphrase"))
    );
    assert!(
        e.to_string().contains("before the passphrase was changed"),
        "{e}"
    );
    let wrong = pass("not the old one");
    let e =
        crate::health::restore_with(&db, &archive, &now(), backup_keys(Some(&new), Some(&wrong)))
            .unwrap_err();
    assert_eq!(e.field_name(), Some("backup_passphrase"), "{e}");
    assert_eq!(std::fs::read(&db).unwrap(), untouched, "nothing changed");

    // As in a new process (the CLI's restore): no data key registered for the vault here.
    vault::forget(&store::vault_dir(&db));
    let report =
        crate::health::restore_with(&db, &archive, &now(), backup_keys(Some(&new), Some(&old)))
            .unwrap();
    assert!(report.locked);
    let mut again = Workspace::new(&db, Clock::Pinned(now()));
    let e = again.unlock(old.clone()).map(drop).unwrap_err();
    assert_eq!(
        e.field_name(),
        Some("passphrase"),
        "the old passphrase no longer opens it"
    );
    assert_eq!(contents(&again.unlock(new.clone()).unwrap()), before);
    assert_eq!(sealed(&again), (1, 1));
    assert_eq!(
        files_beside(&again),
        Vec::<String>::new(),
        "no temporary file left"
    );
}

/// A backup made under the lock, restored after the lock was removed: it needs its own
/// passphrase, and the workspace is locked with it afterwards.
#[test]
fn a_locked_backup_restored_where_no_lock_is_set_asks_for_its_passphrase_and_keeps_it() {
    let (dir, mut ws) = workspace();
    let before = contents(&ws.open_store().unwrap());
    ws.set_lock(Passphrase::new_chosen("its passphrase", Field::NewPassphrase).unwrap())
        .unwrap();
    let archive = dir.path().join("locked.zip");
    crate::health::backup(&ws.open_store().unwrap(), &archive, &now()).unwrap();
    ws.remove_lock(&pass("its passphrase")).unwrap();
    let db = ws.db_path().to_path_buf();

    let e =
        crate::health::restore_with(&db, &archive, &now(), backup_keys(None, None)).unwrap_err();
    assert_eq!(
        (e.exit_code(), e.field_name()),
        (2, Some("backup_passphrase"))
    );
    assert!(e.to_string().contains("made under the app lock"), "{e}");
    let its = pass("its passphrase");
    let report =
        crate::health::restore_with(&db, &archive, &now(), backup_keys(None, Some(&its))).unwrap();
    assert!(report.locked);
    let mut again = Workspace::new(&db, Clock::Pinned(now()));
    assert!(again.needs_passphrase());
    assert_eq!(contents(&again.unlock(its).unwrap()), before);
}
