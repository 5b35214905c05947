//! The optional app lock: set, change and remove the passphrase that encrypts the database
//! (SQLCipher) and the vault's files ([`crate::crypto`]).
//!
//! Every change of the database is one conversion: `sqlcipher_export` into a temporary file
//! beside it keyed as wanted, fsync, one rename — a kill before the rename leaves the old file
//! as it was (the temporary one is removed at the next start), after it the new one whole. The
//! vault's files are converted one at a time the same way, after the database when locking and
//! before it when unlocking, with `lock.pending` in the (still locked) database saying what is
//! left: [`finish_pending`] completes an interrupted conversion at the next unlock. The data key
//! never changes with the passphrase, so changing it is a single rename.
//!
//! All conversions take the exclusive lock of a restore: refused while the app or another
//! `tixian` has the database open.

use crate::crypto::{Passphrase, VaultKey, WrappedKey};
use crate::error::{CoreError, Result};
use crate::store::{self, Store, VAULT_KEY_SETTING};
use crate::{vault, Field};
use rusqlite::Connection;
use serde::Serialize;
use std::path::Path;

/// What an interrupted conversion left to do (setting `lock.pending`).
const PENDING_SETTING: &str = "lock.pending";
const SEAL_VAULT: &str = "seal_vault";
const OPEN_VAULT: &str = "open_vault";

/// Whether the lock is set, and the vault's state (`tixian lock status`, Settings).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LockStatus {
    pub locked: bool,
    /// Vault files, and how many of them are encrypted.
    pub vault_files: u32,
    pub sealed_files: u32,
}

/// The lock's state of the database at `db` (reads only the file headers).
pub fn status(db: &Path) -> Result<LockStatus> {
    let dir = store::vault_dir(db);
    let files = vault::list(&dir)?;
    let sealed = files
        .iter()
        .filter(|s| vault::is_sealed(&vault::path_of(&dir, s)))
        .count();
    Ok(LockStatus {
        locked: store::is_encrypted(db),
        vault_files: files.len() as u32,
        sealed_files: sealed as u32,
    })
}

/// Sets the lock: the database is converted to one encrypted with `new`, then every vault
/// file is sealed with a new random data key (wrapped with `new` in the database).
pub fn set(db: &Path, new: &Passphrase) -> Result<()> {
    if store::is_encrypted(db) {
        return Err(CoreError::Conflict {
            field: Field::NewPassphrase,
            message: crate::Text::new(
                "应用锁已经设置；要换密码请用“修改密码”",
                "the app lock is already set; change its passphrase instead",
            ),
        });
    }
    // Created and migrated as any open would, then closed before the conversion.
    drop(Store::open_checked(db)?);
    let data_key = VaultKey::random()?;
    let wrapped = serde_json::to_string(&WrappedKey::wrap(&data_key, new)?)
        .map_err(|e| CoreError::Internal(e.to_string()))?;
    convert(db, None, Some(new), |export| {
        store::write_setting(export, VAULT_KEY_SETTING, &wrapped)?;
        store::write_setting(export, PENDING_SETTING, SEAL_VAULT)
    })?;
    vault::unlock(&store::vault_dir(db), data_key);
    let mut store = Store::open_keyed(db, Some(new))?;
    finish_pending(&mut store)
}

/// Changes the passphrase: the database re-encrypted with `new` and the data key re-wrapped,
/// in one rename; the vault's files stay as they are.
pub fn change(db: &Path, current: &Passphrase, new: &Passphrase) -> Result<()> {
    let wrapped = {
        let mut store = open_locked(db, current)?;
        finish_pending(&mut store)?;
        let key = vault::key_for(&store::vault_dir(db))
            .ok_or_else(|| CoreError::Internal("the vault is not unlocked".into()))?;
        serde_json::to_string(&WrappedKey::wrap(&key, new)?)
            .map_err(|e| CoreError::Internal(e.to_string()))?
    };
    convert(db, Some(current), Some(new), |export| {
        store::write_setting(export, VAULT_KEY_SETTING, &wrapped)
    })
}

/// Removes the lock: every vault file opened (written plain), then the database converted to
/// a plain one without the key.
pub fn remove(db: &Path, current: &Passphrase) -> Result<()> {
    let mut store = open_locked(db, current)?;
    store.set_setting(PENDING_SETTING, OPEN_VAULT)?;
    finish_pending_in(store, current)
}

/// Completes what an interrupted [`set`] or [`remove`] left (nothing when nothing is
/// pending). The workspace calls it after each unlock.
pub fn finish_pending(store: &mut Store) -> Result<()> {
    match store.setting(PENDING_SETTING)?.as_deref() {
        Some(SEAL_VAULT) => {
            let dir = store::vault_dir(store.path());
            for sha in vault::list(&dir)? {
                vault::seal_in_place(&dir, &sha)?;
            }
            vault::sync(&dir);
            store.transaction(|tx| {
                tx.execute("DELETE FROM settings WHERE key = ?1", [PENDING_SETTING])?;
                Ok(())
            })
        }
        Some(OPEN_VAULT) => Err(CoreError::Internal(
            "removing the app lock was interrupted; run the removal again".into(),
        )),
        _ => Ok(()),
    }
}

/// [`finish_pending`] for a store whose pending step may be the removal, which needs the
/// passphrase and ends with the store closed (the database is replaced).
pub fn finish_pending_in(mut store: Store, current: &Passphrase) -> Result<()> {
    if store.setting(PENDING_SETTING)?.as_deref() != Some(OPEN_VAULT) {
        return finish_pending(&mut store);
    }
    let db = store.path().to_path_buf();
    let dir = store::vault_dir(&db);
    for sha in vault::list(&dir)? {
        vault::open_in_place(&dir, &sha)?;
    }
    vault::sync(&dir);
    drop(store);
    convert(&db, Some(current), None, |export| {
        export.execute(
            "DELETE FROM settings WHERE key IN (?1, ?2)",
            [VAULT_KEY_SETTING, PENDING_SETTING],
        )?;
        Ok(())
    })?;
    vault::forget(&dir);
    Ok(())
}

/// Whether an interrupted removal waits for the passphrase to finish.
pub fn removal_pending(store: &Store) -> Result<bool> {
    Ok(store.setting(PENDING_SETTING)?.as_deref() == Some(OPEN_VAULT))
}

/// The refusal to change or remove a lock that is not set.
pub fn not_set() -> CoreError {
    CoreError::Conflict {
        field: Field::Passphrase,
        message: crate::Text::new("应用锁没有设置", "the app lock is not set"),
    }
}

fn open_locked(db: &Path, current: &Passphrase) -> Result<Store> {
    if !store::is_encrypted(db) {
        return Err(not_set());
    }
    Store::open_checked_keyed(db, Some(current))
}

/// Replaces the database with a copy keyed with `to` (plain when None), made by
/// `sqlcipher_export` from the file opened with `from`, with `edit` applied to the copy's
/// settings; a temporary file, fsync, one rename. Holds the exclusive lock throughout.
fn convert(
    db: &Path,
    from: Option<&Passphrase>,
    to: Option<&Passphrase>,
    edit: impl FnOnce(&Connection) -> Result<()>,
) -> Result<()> {
    let _exclusive = store::exclusive_lock(db)?;
    let tmp = crate::fsutil::temp_beside(db);
    let done = export_copy(db, &tmp, from, to, edit).and_then(|()| {
        std::fs::File::open(&tmp)?.sync_all()?;
        for side in ["-wal", "-shm"] {
            let mut p = db.as_os_str().to_owned();
            p.push(side);
            let _ = std::fs::remove_file(std::path::PathBuf::from(p));
        }
        std::fs::rename(&tmp, db)?;
        if let Some(dir) = db.parent() {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        let _ = std::fs::remove_file(store::clean_marker(db));
        Ok(())
    });
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done
}

/// A copy of `db` (opened with `from`) at `tmp`, keyed with `to` (plain when None), with
/// `edit` applied to the copy's settings.
pub(crate) fn export_copy(
    db: &Path,
    tmp: &Path,
    from: Option<&Passphrase>,
    to: Option<&Passphrase>,
    edit: impl FnOnce(&Connection) -> Result<()>,
) -> Result<()> {
    crate::fsutil::create_private(tmp)?;
    let conn = Connection::open(db)?;
    store::apply_key(&conn, from)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Everything in the WAL into the file first, so the copy and the file agree and no WAL of
    // the old file is left to be read against the new one.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let key = to.map(Passphrase::expose).unwrap_or("");
    conn.execute(
        "ATTACH DATABASE ?1 AS export KEY ?2",
        rusqlite::params![tmp.to_string_lossy(), key],
    )?;
    conn.query_row("SELECT sqlcipher_export('export')", [], |_| Ok(()))?;
    conn.pragma_update(Some("export"), "user_version", version)?;
    // The copy's settings, edited through a connection of its own (the export schema has the
    // same table names as main).
    conn.execute("DETACH DATABASE export", [])?;
    drop(conn);
    let copy = Connection::open(tmp)?;
    store::apply_key(&copy, to)?;
    edit(&copy)?;
    drop(copy);
    Ok(())
}

#[cfg(test)]
#[path = "lock_tests.rs"]
mod tests;
