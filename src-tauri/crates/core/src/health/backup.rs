//! Backups: the whole database plus the evidence/import vault in one ZIP archive, restore with
//! validation, and automatic rolling daily backups.
//!
//! Archive layout (format `tixian-backup`, version 1):
//! - `manifest.json`: format, version, schema version, creation time, the database's SHA-256 and
//!   the vault file list;
//! - `db.sqlite`: a copy made with SQLite's online backup API (consistent while the app runs);
//! - `vault/<sha256>`: every vault file, named by its own hash.
//!
//! **Restore** validates everything before changing anything: the manifest, the database hash,
//! its integrity check and schema version (not newer than this build), and that every vault
//! file's content hashes to its name. Only then it copies the current database beside itself as
//! `<db>.before-restore-<YYYYMMDDTHHMMSS>` (online backup API), adds the vault files (the vault
//! is add-only: files the archive lacks are kept), and swaps the database in with a rename. The
//! app must close its own connection first.

use crate::error::{CoreError, Result};
use crate::store::{self, Store, SCHEMA_VERSION};
use crate::time::{self, Timestamp};
use crate::Field;
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;
use zip::write::SimpleFileOptions;

const FORMAT: &str = "tixian-backup";
const VERSION: i64 = 1;
/// Rolling backups kept (one per day).
pub const ROLLING_KEEP: usize = 7;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Manifest {
    format: String,
    version: i64,
    schema_version: i64,
    created_at: String,
    app_version: String,
    db_sha256: String,
    vault: Vec<VaultEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct VaultEntry {
    sha256: String,
    /// Bytes in the archive (sealed files are longer than their plaintext).
    size: u64,
    /// Encrypted by the app lock: the archive holds the file as the vault does, sealed with the
    /// data key in the (encrypted) `db.sqlite`; checked by opening it with that key.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    sealed: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupReport {
    pub path: String,
    pub schema_version: i64,
    pub db_bytes: i64,
    pub vault_files: i64,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RestoreReport {
    pub db: String,
    /// Where the replaced database was kept; null when there was none.
    pub previous_kept_at: Option<String>,
    pub schema_version: i64,
    pub vault_files: i64,
    /// Vault files that were not there yet.
    pub vault_added: i64,
    pub backup_created_at: String,
    /// The restored database is encrypted: with the current passphrase where the lock was set,
    /// else with the one the backup was made under.
    pub locked: bool,
}

fn is_sha_name(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    let mut h = Sha256::new();
    let size = io::copy(&mut File::open(path)?, &mut h)?;
    Ok((hex::encode(h.finalize()), size))
}

fn remove_sidecars(db: &Path) {
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let _ = fs::remove_file(PathBuf::from(name));
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `path` with its folder resolved (links followed), whether or not the file exists yet.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = fs::canonicalize(path) {
        return p;
    }
    let parent = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (fs::canonicalize(parent), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Refuses a backup target that is an existing folder (a backup needs a file name), the live
/// database (or its `-wal`/`-shm`/`-journal`) or lies inside the vault: writing the archive
/// there would fail half-way, replace the database with a ZIP or destroy an evidence original.
/// Nothing is touched; the error names the path.
pub(crate) fn check_backup_target(db_path: &Path, archive: &Path) -> Result<()> {
    if archive.is_dir() {
        return Err(CoreError::invalid(
            Field::File,
            format!(
                "{}：这是一个文件夹；请给出备份文件的名字，如 {}",
                archive.display(),
                archive.join("tixian-backup.zip").display()
            ),
            format!(
                "{}: that is a folder; give the backup a file name, e.g. {}",
                archive.display(),
                archive.join("tixian-backup.zip").display()
            ),
        ));
    }
    let target = resolved(archive);
    let db = resolved(db_path);
    let live = std::iter::once(db.clone())
        .chain(["-wal", "-shm", "-journal"].map(|s| with_suffix(&db, s)));
    let is_live = live.into_iter().any(|p| p == target);
    let vault = resolved(&store::vault_dir(db_path));
    if is_live || target.starts_with(&vault) {
        let (zh, en) = if is_live {
            (
                "这是正在使用的数据库文件，备份不能写在它上面",
                "that is the live database; a backup cannot be written over it",
            )
        } else {
            ("这在证据库（vault）里面，备份会毁掉原始证据；请选择别的位置", "that is inside the evidence vault; a backup there would destroy an original — pick another place")
        };
        return Err(CoreError::invalid(
            Field::File,
            format!("{}：{zh}", archive.display()),
            format!("{}: {en}", archive.display()),
        ));
    }
    Ok(())
}

/// Writes the database and its vault into one ZIP archive at `archive` (replaced if present).
/// Refuses a folder, the live database and the vault as targets ([`check_backup_target`]).
pub fn backup(store: &Store, archive: &Path, now: &Timestamp) -> Result<BackupReport> {
    check_backup_target(store.path(), archive)?;
    let folder = archive
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // What a backup killed here earlier left behind goes first.
    crate::fsutil::clean_stale_temps(folder);
    let db_tmp = crate::fsutil::temp_beside(&with_suffix(archive, ".db"));
    let result = (|| -> Result<BackupReport> {
        // Created user-only before SQLite opens it, so the copy (and its journal) is private.
        crate::fsutil::create_private(&db_tmp)?;
        store.backup_to(&db_tmp)?;
        remove_sidecars(&db_tmp);
        let (db_sha, db_bytes) = hash_file(&db_tmp)?;
        let vault = store::vault_dir(store.path());
        let mut entries = Vec::new();
        if vault.is_dir() {
            for entry in fs::read_dir(&vault)? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().to_string();
                if !is_sha_name(&name) || !entry.file_type()?.is_file() {
                    continue; // temp files of an interrupted write are not part of the vault
                }
                // Through the vault's reader: a sealed file is checked by opening it.
                let sealed = crate::vault::is_sealed(&entry.path());
                let checked = if sealed {
                    crate::vault::verify(&vault, &name).map(|_| ())
                } else {
                    hash_file(&entry.path())
                        .map_err(CoreError::from)
                        .and_then(|(sha, _)| {
                            (sha == name).then_some(()).ok_or_else(|| {
                                CoreError::CheckFailed(format!("its content hashes to {sha}"))
                            })
                        })
                };
                if let Err(e) = checked {
                    return Err(CoreError::CheckFailed(format!(
                        "vault file {} was changed outside Tixian ({e}); backup not written",
                        entry.path().display()
                    )));
                }
                let size = entry.metadata()?.len();
                entries.push(VaultEntry {
                    sha256: name,
                    size,
                    sealed,
                });
            }
        }
        entries.sort_by(|a, b| a.sha256.cmp(&b.sha256));
        let manifest = Manifest {
            format: FORMAT.into(),
            version: VERSION,
            schema_version: store.schema_version()?,
            created_at: time::to_rfc3339(now),
            app_version: crate::VERSION.into(),
            db_sha256: db_sha,
            vault: entries.clone(),
        };
        // Written to a temporary name, fsynced, renamed over `archive` (fsutil::write_atomic).
        crate::fsutil::write_atomic(archive, |file| {
            let mut zip = zip::ZipWriter::new(io::BufWriter::new(file));
            let opts = SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(true);
            let zerr = |e: zip::result::ZipError| {
                CoreError::Internal(format!("writing the backup archive: {e}"))
            };
            zip.start_file("manifest.json", opts).map_err(zerr)?;
            zip.write_all(
                &serde_json::to_vec_pretty(&manifest)
                    .map_err(|e| CoreError::Internal(e.to_string()))?,
            )?;
            zip.start_file("db.sqlite", opts).map_err(zerr)?;
            io::copy(&mut File::open(&db_tmp)?, &mut zip)?;
            for e in &entries {
                zip.start_file(format!("vault/{}", e.sha256), opts)
                    .map_err(zerr)?;
                io::copy(&mut File::open(vault.join(&e.sha256))?, &mut zip)?;
            }
            let writer = zip.finish().map_err(zerr)?;
            writer
                .into_inner()
                .map_err(|e| CoreError::Io(e.into_error()))?;
            Ok(())
        })?;
        Ok(BackupReport {
            path: archive.display().to_string(),
            schema_version: manifest.schema_version,
            db_bytes: db_bytes as i64,
            vault_files: entries.len() as i64,
            created_at: manifest.created_at,
        })
    })();
    let _ = fs::remove_file(&db_tmp);
    remove_sidecars(&db_tmp);
    result
}

fn bad(zh: impl Into<String>, en: impl Into<String>) -> CoreError {
    CoreError::invalid(Field::File, zh, en)
}

/// Largest `manifest.json` read (a manifest lists ~100 bytes per vault file).
const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;
/// Most entries a backup archive may declare (the database, the manifest, the vault files).
const MAX_ARCHIVE_ENTRIES: u64 = 1_000_000;
/// An entry may expand to at most this many times its compressed size (real databases
/// compress 3–10×, images and PDFs not at all; deflate's own limit is about 1032×) …
const MAX_INFLATION: u64 = 100;
/// … above this floor, so small archives of a fresh database are never refused.
const INFLATION_FLOOR: u64 = 64 * 1024 * 1024;

/// The tables each migration adds: a database claiming schema `v` must have every table of
/// migrations up to `v` (a file that is not Tixian's does not).
const TABLES_BY_VERSION: &[(i64, &[&str])] = &[
    (
        1,
        &[
            "platforms",
            "imports",
            "balance_snapshots",
            "withdrawals",
            "cases",
            "evidence_items",
            "timeline_events",
            "contacts",
            "reminders",
            "settings",
        ],
    ),
    (2, &["transactions"]),
    (3, &["follow_ups"]),
    (
        4,
        &[
            "danger_signals",
            "rule_snapshots",
            "health_settings",
            "quarterly_reviews",
            "notifications_sent",
        ],
    ),
    (5, &["diagnoses"]),
    (6, &["arrival_buckets"]),
    (9, &["evidence_text"]),
];

/// A backup archive that passed every check of [`validate_archive`], its database copied out
/// into a temporary file beside the target (removed again by [`CheckedBackup::discard`]).
pub(crate) struct CheckedBackup {
    manifest: Manifest,
    /// The vault files (hash names) the archive holds, each checked against its name.
    vault: std::collections::BTreeSet<String>,
    /// The extracted, checked database (in the target's folder, so a rename can swap it in).
    db_tmp: PathBuf,
    schema_version: i64,
    /// The vault's data key stored in an encrypted `db.sqlite` (opened with the passphrase).
    data_key: Option<crate::crypto::VaultKey>,
}

impl CheckedBackup {
    pub(crate) fn discard(&self) {
        let _ = fs::remove_file(&self.db_tmp);
        remove_sidecars(&self.db_tmp);
    }
}

/// Copies at most `cap` bytes of `from` into `to`; more is an error naming `what`.
fn capped_copy(
    from: &mut dyn Read,
    to: &mut dyn Write,
    cap: u64,
    what: &str,
    damaged: &dyn Fn(&dyn std::fmt::Display) -> CoreError,
) -> Result<u64> {
    // One byte past the cap tells "more" from "exactly the cap"; a cap of u64::MAX (a huge
    // declared compressed size times the inflation ratio) must not wrap to 0.
    let n = io::copy(&mut from.take(cap.saturating_add(1)), to)
        .map_err(|e| damaged(&format!("{what}: {e}")))?;
    if n > cap {
        return Err(damaged(&format!(
            "{what} expands beyond {cap} bytes (a ZIP bomb?)"
        )));
    }
    Ok(n)
}

fn inflation_cap(compressed: u64) -> u64 {
    INFLATION_FLOOR.max(compressed.saturating_mul(MAX_INFLATION))
}

fn is_tixian_database(conn: &Connection) -> std::result::Result<(), String> {
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if app_id != 0 {
        return Err(format!(
            "db.sqlite belongs to another program (application_id {app_id:#x})"
        ));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if version < 1 {
        return Err(format!(
            "db.sqlite has schema version {version}, which no Tixian database has"
        ));
    }
    let mut stmt = conn
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1")
        .map_err(|e| e.to_string())?;
    for (since, tables) in TABLES_BY_VERSION {
        for table in tables.iter().filter(|_| *since <= version) {
            if !stmt.exists([table]).map_err(|e| e.to_string())? {
                return Err(format!(
                    "db.sqlite is not a Tixian database (schema {version} but no table {table})"
                ));
            }
        }
    }
    Ok(())
}

/// Reads and checks a backup archive without changing anything the user has: the entry count
/// (from the end record, before the directory is read), `manifest.json` (size-capped), every
/// vault file against its name and listed size (streamed, never held whole), and `db.sqlite`
/// streamed into a temporary file in `dir` with a size cap while it is hashed — then that
/// file's hash, integrity, that it is Tixian's (no foreign `application_id`, the tables its
/// schema version implies) and its schema version (1 …= this build's). The only thing written
/// is that temporary file, removed on any failure.
pub(crate) fn validate_archive(
    archive: &Path,
    dir: &Path,
    passphrase: Option<&crate::crypto::Passphrase>,
    key_field: crate::Field,
) -> Result<CheckedBackup> {
    let damaged = |e: &dyn std::fmt::Display| {
        bad(
            format!("{} 不是完好的提现助手备份：{e}", archive.display()),
            format!("{} is not an intact Tixian backup: {e}", archive.display()),
        )
    };
    let cannot_open = |e: &dyn std::fmt::Display| {
        bad(
            format!("无法打开 {}：{e}", archive.display()),
            format!("cannot open {}: {e}", archive.display()),
        )
    };
    // A FIFO or a device would block or never end: only a regular file is opened.
    let meta = fs::metadata(archive).map_err(|e| cannot_open(&e))?;
    if !meta.is_file() {
        return Err(cannot_open(&"not a regular file"));
    }
    let mut file = File::open(archive).map_err(|e| cannot_open(&e))?;
    if let Some(n) = crate::import::zip_declared_entries(&mut file) {
        if n > MAX_ARCHIVE_ENTRIES {
            return Err(damaged(&format!("it declares {n} entries")));
        }
    }
    {
        use std::io::{Seek, SeekFrom};
        file.seek(SeekFrom::Start(0))?;
    }
    let mut zip = zip::ZipArchive::new(io::BufReader::new(file)).map_err(|e| damaged(&e))?;
    let manifest: Manifest = {
        let mut entry = zip.by_name("manifest.json").map_err(|e| damaged(&e))?;
        let mut text = Vec::new();
        capped_copy(
            &mut entry,
            &mut text,
            MAX_MANIFEST_BYTES,
            "manifest.json",
            &damaged,
        )?;
        serde_json::from_slice(&text).map_err(|e| damaged(&e))?
    };
    if manifest.format != FORMAT || manifest.version > VERSION {
        return Err(damaged(&format!(
            "format {} version {}",
            manifest.format, manifest.version
        )));
    }
    if manifest.schema_version > SCHEMA_VERSION {
        return Err(CoreError::NewerDatabase {
            path: archive.display().to_string(),
            found: manifest.schema_version,
            supported: SCHEMA_VERSION,
        });
    }

    // 1. Every vault file: its listed size and its hash = its name, streamed.
    let listed: std::collections::BTreeMap<&str, u64> = manifest
        .vault
        .iter()
        .map(|e| (e.sha256.as_str(), e.size))
        .collect();
    let sealed: std::collections::BTreeSet<&str> = manifest
        .vault
        .iter()
        .filter(|e| e.sealed)
        .map(|e| e.sha256.as_str())
        .collect();
    let mut found: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| damaged(&e))?;
        let full = entry.name().map_err(|e| damaged(&e))?.to_string();
        let Some(name) = full.strip_prefix("vault/").map(str::to_string) else {
            continue;
        };
        if !is_sha_name(&name) {
            return Err(damaged(&format!("unexpected vault entry {name}")));
        }
        let Some(&size) = listed.get(name.as_str()) else {
            return Err(damaged(&"the vault files differ from the manifest"));
        };
        let cap = size.min(inflation_cap(entry.compressed_size()));
        let what = format!("vault/{name}");
        let mut h = Sha256::new();
        let n = capped_copy(&mut entry, &mut h, cap, &what, &damaged)?;
        // A sealed file's hash is checked once its key is known (step 3).
        if n != size || (!sealed.contains(name.as_str()) && hex::encode(h.finalize()) != name) {
            return Err(damaged(&format!("{what} does not match its hash")));
        }
        found.insert(name);
    }
    if found.iter().map(String::as_str).ne(listed.keys().copied()) {
        return Err(damaged(&"the vault files differ from the manifest"));
    }

    // 2. The database, hashed while it streams into a temporary file beside the target.
    crate::fsutil::create_private_dir_all(dir)?;
    let db_tmp = crate::fsutil::temp_beside(&dir.join("restore.db"));
    let checked = (|| -> Result<(i64, Option<crate::crypto::VaultKey>)> {
        {
            let mut entry = zip.by_name("db.sqlite").map_err(|e| damaged(&e))?;
            let cap = inflation_cap(entry.compressed_size());
            let mut out = HashingWriter {
                inner: crate::fsutil::create_private(&db_tmp)?,
                hash: Sha256::new(),
            };
            capped_copy(&mut entry, &mut out, cap, "db.sqlite", &damaged)?;
            if hex::encode(out.hash.finalize_reset()) != manifest.db_sha256 {
                return Err(damaged(&"db.sqlite does not match its hash"));
            }
            out.inner.sync_all()?;
        }
        let conn = Connection::open(&db_tmp)?;
        if store::is_encrypted(&db_tmp) {
            if passphrase.is_none() {
                return Err(CoreError::Locked {
                    path: archive.display().to_string(),
                });
            }
            store::apply_key(&conn, passphrase).map_err(|e| match e.field_name() {
                Some("passphrase") => crate::crypto::wrong_passphrase(key_field.clone()),
                _ => e,
            })?;
        }
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| damaged(&e))?;
        if ok != "ok" {
            return Err(damaged(&format!("integrity check: {ok}")));
        }
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(CoreError::NewerDatabase {
                path: archive.display().to_string(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        is_tixian_database(&conn).map_err(|e| damaged(&e))?;
        // 3. The sealed vault files, opened with the data key the database holds.
        let data_key = match (
            passphrase,
            store::read_setting(&conn, store::VAULT_KEY_SETTING)?,
        ) {
            (Some(pass), Some(json)) => {
                let wrapped: crate::crypto::WrappedKey =
                    serde_json::from_str(&json).map_err(|e| damaged(&e))?;
                Some(wrapped.unwrap_key(pass, key_field)?)
            }
            _ => None,
        };
        if !sealed.is_empty() {
            let key = data_key
                .as_ref()
                .ok_or_else(|| damaged(&"sealed vault files but no key"))?;
            for name in &sealed {
                let what = format!("vault/{name}");
                let mut entry = zip.by_name(&what).map_err(|e| damaged(&e))?;
                let mut header = [0u8; crate::crypto::HEADER];
                entry.read_exact(&mut header).map_err(|e| damaged(&e))?;
                let mut opened = crate::crypto::Opener::new(key, &header, entry);
                let mut h = Sha256::new();
                io::copy(&mut opened, &mut h).map_err(|e| damaged(&format!("{what}: {e}")))?;
                if hex::encode(h.finalize()) != *name {
                    return Err(damaged(&format!("{what} does not match its hash")));
                }
            }
        }
        drop(conn);
        remove_sidecars(&db_tmp);
        Ok((version, data_key))
    })();
    let result = CheckedBackup {
        manifest,
        vault: found,
        db_tmp,
        schema_version: 0,
        data_key: None,
    };
    match checked {
        Ok((schema_version, data_key)) => Ok(CheckedBackup {
            schema_version,
            data_key,
            ..result
        }),
        Err(e) => {
            result.discard();
            Err(e)
        }
    }
}

/// A file writer that hashes what passes through.
struct HashingWriter {
    inner: File,
    hash: Sha256,
}

impl Write for HashingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Replaces the database at `db_path` (and adds to its vault) from a backup archive.
pub fn restore(db_path: &Path, archive: &Path, now: &Timestamp) -> Result<RestoreReport> {
    restore_keyed(db_path, archive, now, None)
}

/// [`restore`] with the app lock's passphrase: an encrypted backup needs the one it was made
/// with. A vault already encrypted here takes only a backup of the same lock (the same data
/// key); otherwise the restore is refused and the lock must be removed first.
pub fn restore_keyed(
    db_path: &Path,
    archive: &Path,
    now: &Timestamp,
    passphrase: Option<&crate::crypto::Passphrase>,
) -> Result<RestoreReport> {
    restore_with(
        db_path,
        archive,
        now,
        RestoreKeys {
            current: passphrase,
            backup: None,
        },
    )
}

/// The passphrases a restore may need.
#[derive(Debug, Clone, Copy, Default)]
pub struct RestoreKeys<'a> {
    /// The app lock's passphrase here: it opens the current database (to keep a copy of it) and
    /// keys the restored one. Without `backup`, it also opens an encrypted backup.
    pub current: Option<&'a crate::crypto::Passphrase>,
    /// The passphrase the backup was made under, when it is not the current one: the
    /// passphrase was changed since, the lock removed, or the backup comes from elsewhere.
    pub backup: Option<&'a crate::crypto::Passphrase>,
}

/// [`restore`] with both passphrases. A backup made under an earlier passphrase of the lock
/// set here (the same data key) is re-keyed with the current one, so a restore never changes
/// the passphrase under the user; restored where no lock is set, it keeps the passphrase it
/// was made under (`RestoreReport::locked`). A backup that needs a passphrase it was not given
/// is an error on [`Field::BackupPassphrase`](crate::Field::BackupPassphrase), before anything
/// is changed.
pub fn restore_with(
    db_path: &Path,
    archive: &Path,
    now: &Timestamp,
    keys: RestoreKeys<'_>,
) -> Result<RestoreReport> {
    let dir = db_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let archive_key = keys.backup.or(keys.current);
    let key_field = match keys.backup {
        Some(_) => crate::Field::BackupPassphrase,
        None => crate::Field::Passphrase,
    };
    let checked = validate_archive(archive, &dir, archive_key, key_field)
        .map_err(|e| backup_passphrase_needed(e, keys, db_path))?;
    let CheckedBackup {
        manifest,
        vault: found,
        db_tmp: tmp,
        schema_version,
        data_key,
    } = checked;
    let current = keys.current.filter(|_| store::is_encrypted(db_path));
    if let (Some(current), Some(made_under), Some(key)) = (current, archive_key, &data_key) {
        if current.expose() != made_under.expose() {
            if let Err(e) = rekey(&tmp, made_under, current, key) {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        }
    }
    let locked = store::is_encrypted(&tmp);
    finish_restore(
        db_path,
        archive,
        now,
        current,
        Restored {
            manifest,
            found,
            tmp,
            schema_version,
            data_key,
            locked,
        },
    )
}

/// A wrong or missing passphrase for the backup itself, said as such: no passphrase given for
/// a locked backup, or only the current one of the lock here, which the backup was not made
/// under. (Where no lock is set, `current` is the only passphrase given: wrong is wrong.)
fn backup_passphrase_needed(e: CoreError, keys: RestoreKeys<'_>, db_path: &Path) -> CoreError {
    if keys.backup.is_some() {
        return e;
    }
    match (e.code(), e.field_name(), keys.current) {
        ("locked", _, None) => CoreError::invalid(
            crate::Field::BackupPassphrase,
            "这份备份是在应用锁下做的：请输入做这份备份时的应用锁密码，未做任何改动",
            "this backup was made under the app lock: give the passphrase it was made under — nothing was changed",
        ),
        // Asked only then: opening a plain database to see leaves its WAL files behind.
        (_, Some("passphrase"), Some(_)) if store::is_encrypted(db_path) => CoreError::invalid(
            crate::Field::BackupPassphrase,
            "这份备份不是用现在的应用锁密码加密的（也许是改密码之前做的）：请输入做这份备份时的密码，未做任何改动",
            "this backup is not encrypted with the current passphrase (perhaps it was made before the passphrase was changed): give the passphrase it was made under — nothing was changed",
        ),
        _ => e,
    }
}

/// The extracted backup database keyed with `to` instead of `from`, its data key wrapped
/// with `to`: a copy by `sqlcipher_export`, then one rename over the extracted file.
fn rekey(
    db_tmp: &Path,
    from: &crate::crypto::Passphrase,
    to: &crate::crypto::Passphrase,
    key: &crate::crypto::VaultKey,
) -> Result<()> {
    let wrapped = serde_json::to_string(&crate::crypto::WrappedKey::wrap(key, to)?)
        .map_err(|e| CoreError::Internal(e.to_string()))?;
    let copy = crate::fsutil::temp_beside(db_tmp);
    let done = crate::lock::export_copy(db_tmp, &copy, Some(from), Some(to), |c| {
        store::write_setting(c, store::VAULT_KEY_SETTING, &wrapped)
    })
    .and_then(|()| {
        File::open(&copy)?.sync_all()?;
        remove_sidecars(db_tmp);
        fs::rename(&copy, db_tmp)?;
        Ok(())
    });
    if done.is_err() {
        let _ = fs::remove_file(&copy);
    }
    done
}

/// The vault's data key stored in the locked database at `db_path`, opened with `current`.
fn data_key_here(
    db_path: &Path,
    current: &crate::crypto::Passphrase,
) -> Result<Option<crate::crypto::VaultKey>> {
    let conn = Connection::open(db_path)?;
    store::apply_key(&conn, Some(current))?;
    let Some(json) = store::read_setting(&conn, store::VAULT_KEY_SETTING)? else {
        return Ok(None);
    };
    let wrapped: crate::crypto::WrappedKey =
        serde_json::from_str(&json).map_err(|e| CoreError::Internal(e.to_string()))?;
    wrapped
        .unwrap_key(current, crate::Field::Passphrase)
        .map(Some)
}

/// What [`validate_archive`] checked, ready to be swapped in.
struct Restored {
    manifest: Manifest,
    found: std::collections::BTreeSet<String>,
    tmp: PathBuf,
    schema_version: i64,
    data_key: Option<crate::crypto::VaultKey>,
    locked: bool,
}

fn finish_restore(
    db_path: &Path,
    archive: &Path,
    now: &Timestamp,
    passphrase: Option<&crate::crypto::Passphrase>,
    restored: Restored,
) -> Result<RestoreReport> {
    let Restored {
        manifest,
        found,
        tmp,
        schema_version,
        data_key,
        locked,
    } = restored;
    let damaged = |e: &dyn std::fmt::Display| {
        bad(
            format!("{} 不是完好的提现助手备份：{e}", archive.display()),
            format!("{} is not an intact Tixian backup: {e}", archive.display()),
        )
    };
    let dir = db_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let vault = store::vault_dir(db_path);
    let sealed_here = crate::vault::list(&vault)?
        .iter()
        .any(|s| crate::vault::is_sealed(&crate::vault::path_of(&vault, s)));
    let same_key = match (&data_key, crate::vault::key_for(&vault)) {
        (Some(a), Some(b)) => a.same_as(&b),
        // A process that has not opened the store (the CLI's restore) has no key registered:
        // read it from the locked database here.
        (Some(a), None) => match passphrase {
            Some(current) => data_key_here(db_path, current)
                .inspect_err(|_| {
                    let _ = fs::remove_file(&tmp);
                })?
                .is_some_and(|b| a.same_as(&b)),
            None => false,
        },
        _ => false,
    };
    if sealed_here && !same_key {
        let _ = fs::remove_file(&tmp);
        return Err(CoreError::Conflict {
            field: crate::Field::Restore,
            message: crate::Text::new(
                "这里的证据库已用应用锁加密，而这份备份不是同一把锁下做的；请先移除应用锁再恢复，未做任何改动",
                "the vault here is encrypted by the app lock and this backup was not made under the same lock; remove the app lock first, then restore — nothing was changed",
            ),
        });
    }
    let mut zip =
        zip::ZipArchive::new(io::BufReader::new(File::open(archive)?)).map_err(|e| damaged(&e))?;

    // 3. Keep what is replaced, add the vault files, swap the database in — with the database
    // to ourselves: while the app or another CLI has it open, its next writes would go to the
    // replaced file and be lost without a word, so the restore is refused instead.
    let lock = match store::exclusive_lock(db_path) {
        Ok(lock) => lock,
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
    };
    let result = (|| -> Result<RestoreReport> {
        let mut kept = None;
        if db_path.exists() && fs::metadata(db_path)?.len() > 0 {
            let stamp = now.format("%Y%m%dT%H%M%S").to_string();
            let name = format!(
                "{}.before-restore-{stamp}",
                db_path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("tixian.db")
            );
            let mut target = db_path.with_file_name(&name);
            let mut n = 2;
            while target.exists() {
                target = db_path.with_file_name(format!("{name}-{n}"));
                n += 1;
            }
            let current_key = passphrase.filter(|_| store::is_encrypted(db_path));
            if store::check_intact_keyed(db_path, current_key).is_err() {
                // A damaged database cannot be read page by page: its bytes are kept as they
                // are (with its WAL), never written to, and the backup takes its place.
                fs::copy(db_path, &target)?;
                let wal = with_suffix(db_path, "-wal");
                if wal.exists() {
                    fs::copy(&wal, with_suffix(&target, "-wal"))?;
                }
                crate::fsutil::make_private(&target)?;
            } else {
                crate::fsutil::create_private(&target)?;
                let current = Connection::open(db_path)?;
                store::apply_key(&current, current_key)?;
                current.busy_timeout(Duration::from_secs(5))?;
                {
                    let mut dst = Connection::open(&target)?;
                    if let Some(key) = current_key {
                        dst.pragma_update(None, "key", key.expose())?;
                    }
                    let b = rusqlite::backup::Backup::new(&current, &mut dst)?;
                    b.run_to_completion(256, Duration::from_millis(0), None)?;
                }
                remove_sidecars(&target);
                // Fold the WAL into the file so removing it below loses nothing; a checkpoint that
                // could not finish (busy) would lose the frames it left, so it stops the restore.
                let (busy, log, done): (i64, i64, i64) =
                    current.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })?;
                if busy != 0 || log != done {
                    return Err(CoreError::Internal(format!(
                        "the database's write-ahead log could not be folded in (busy {busy}, {done} of {log} pages); nothing was replaced"
                    )));
                }
                current.flush_prepared_statement_cache();
                drop(current);
            }
            kept = Some(target.display().to_string());
        }
        let mut added = 0;
        for name in &found {
            if vault.join(name).exists() {
                continue;
            }
            let mut bytes = Vec::new();
            zip.by_name(&format!("vault/{name}"))
                .map_err(|e| damaged(&e))?
                .read_to_end(&mut bytes)?;
            // As the archive holds it (sealed with the restored database's key, or plain).
            crate::vault::put_as_is(&vault, name, &bytes)?;
            added += 1;
        }
        // The restored database says which key the vault has; the next unlock reads it.
        crate::vault::forget(&vault);
        remove_sidecars(db_path);
        fs::rename(&tmp, db_path)?;
        #[cfg(unix)]
        File::open(&dir)?.sync_all()?;
        Ok(RestoreReport {
            db: db_path.display().to_string(),
            previous_kept_at: kept,
            schema_version,
            vault_files: found.len() as i64,
            vault_added: added,
            backup_created_at: manifest.created_at.clone(),
            locked,
        })
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    drop(lock);
    result
}

/// One automatic daily backup found in the rolling folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RollingBackup {
    pub path: String,
    /// The day it was made, YYYY-MM-DD.
    pub date: String,
    pub bytes: i64,
}

/// The day a rolling backup's file name says it was made (`tixian-YYYY-MM-DD.zip`).
fn rolling_date(name: &str) -> Option<NaiveDate> {
    let date = name.strip_prefix("tixian-")?.strip_suffix(".zip")?;
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

/// The automatic daily backups in `dir`, newest first (none when the folder does not exist);
/// other files there are not listed.
pub fn rolling_backups(dir: &Path) -> Vec<RollingBackup> {
    let mut found: Vec<RollingBackup> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let date = rolling_date(&name)?;
            let meta = e.metadata().ok().filter(|m| m.is_file())?;
            Some(RollingBackup {
                path: e.path().display().to_string(),
                date: date.to_string(),
                bytes: meta.len() as i64,
            })
        })
        .collect();
    found.sort_by(|a, b| b.date.cmp(&a.date));
    found
}

/// The file name offered for a backup made by hand on `today`.
pub fn suggested_file_name(today: NaiveDate) -> String {
    format!("tixian-backup-{today}.zip")
}

/// Makes today's rolling backup `tixian-YYYY-MM-DD.zip` in `dir` unless it exists, then keeps
/// only the newest [`ROLLING_KEEP`]. Returns the new archive, or `None` when today's existed.
pub fn rolling_backup(
    store: &Store,
    dir: &Path,
    today: NaiveDate,
    now: &Timestamp,
) -> Result<Option<PathBuf>> {
    crate::fsutil::create_private_dir_all(dir)?;
    let path = dir.join(format!("tixian-{today}.zip"));
    let made = if path.exists() {
        None
    } else {
        backup(store, &path, now)?;
        Some(path)
    };
    let mut names: Vec<String> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.len() == "tixian-YYYY-MM-DD.zip".len() && rolling_date(n).is_some())
        .collect();
    names.sort_unstable_by(|a, b| b.cmp(a));
    for old in names.iter().skip(ROLLING_KEEP) {
        fs::remove_file(dir.join(old))?;
    }
    Ok(made)
}
