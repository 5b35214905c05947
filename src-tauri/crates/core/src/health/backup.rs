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
    size: u64,
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

/// Writes the database and its vault into one ZIP archive at `archive` (replaced if present).
pub fn backup(store: &Store, archive: &Path, now: &Timestamp) -> Result<BackupReport> {
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
                let (sha, size) = hash_file(&entry.path())?;
                if sha != name {
                    return Err(CoreError::CheckFailed(format!(
                        "vault file {} was changed outside Tixian (its content hashes to {sha}); backup not written",
                        entry.path().display()
                    )));
                }
                entries.push(VaultEntry { sha256: sha, size });
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
    CoreError::invalid("FILE", zh, en)
}

/// Replaces the database at `db_path` (and adds to its vault) from a backup archive.
pub fn restore(db_path: &Path, archive: &Path, now: &Timestamp) -> Result<RestoreReport> {
    let damaged = |e: &dyn std::fmt::Display| {
        bad(
            format!("{} 不是完好的提现助手备份：{e}", archive.display()),
            format!("{} is not an intact Tixian backup: {e}", archive.display()),
        )
    };
    let file = File::open(archive).map_err(|e| {
        bad(
            format!("无法打开 {}：{e}", archive.display()),
            format!("cannot open {}: {e}", archive.display()),
        )
    })?;
    let mut zip = zip::ZipArchive::new(io::BufReader::new(file)).map_err(|e| damaged(&e))?;
    let manifest: Manifest = {
        let mut entry = zip.by_name("manifest.json").map_err(|e| damaged(&e))?;
        let mut text = Vec::new();
        entry.read_to_end(&mut text).map_err(|e| damaged(&e))?;
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

    // 1. Validate every vault file (hash = name) and the file list, before anything changes.
    let listed: std::collections::BTreeSet<&str> =
        manifest.vault.iter().map(|e| e.sha256.as_str()).collect();
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
        let mut h = Sha256::new();
        io::copy(&mut entry, &mut h).map_err(|e| damaged(&format!("vault/{name}: {e}")))?;
        if hex::encode(h.finalize()) != name {
            return Err(damaged(&format!("vault/{name} does not match its hash")));
        }
        found.insert(name);
    }
    if found
        .iter()
        .map(String::as_str)
        .collect::<std::collections::BTreeSet<_>>()
        != listed
    {
        return Err(damaged(&"the vault files differ from the manifest"));
    }

    // 2. Extract and check the database in the target directory (so the final rename is atomic).
    let dir = db_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    crate::fsutil::create_private_dir_all(&dir)?;
    let tmp = crate::fsutil::temp_beside(&dir.join("restore.db"));
    let checked = (|| -> Result<i64> {
        {
            let mut entry = zip.by_name("db.sqlite").map_err(|e| damaged(&e))?;
            let mut out = crate::fsutil::create_private(&tmp)?;
            io::copy(&mut entry, &mut out).map_err(|e| damaged(&format!("db.sqlite: {e}")))?;
            out.sync_all()?;
        }
        if hash_file(&tmp)?.0 != manifest.db_sha256 {
            return Err(damaged(&"db.sqlite does not match its hash"));
        }
        let conn = Connection::open(&tmp)?;
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
        drop(conn);
        remove_sidecars(&tmp);
        Ok(version)
    })();
    let schema_version = match checked {
        Ok(v) => v,
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            remove_sidecars(&tmp);
            return Err(e);
        }
    };

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
            if store::check_intact(db_path).is_err() {
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
                current.busy_timeout(Duration::from_secs(5))?;
                {
                    let mut dst = Connection::open(&target)?;
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
        let vault = store::vault_dir(db_path);
        let mut added = 0;
        for name in &found {
            if vault.join(name).exists() {
                continue;
            }
            let mut bytes = Vec::new();
            zip.by_name(&format!("vault/{name}"))
                .map_err(|e| damaged(&e))?
                .read_to_end(&mut bytes)?;
            crate::vault::put_bytes(&vault, &bytes)?;
            added += 1;
        }
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
        })
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    drop(lock);
    result
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
        .filter(|n| {
            n.len() == "tixian-YYYY-MM-DD.zip".len()
                && n.starts_with("tixian-")
                && n.ends_with(".zip")
                && NaiveDate::parse_from_str(&n[7..17], "%Y-%m-%d").is_ok()
        })
        .collect();
    names.sort_unstable_by(|a, b| b.cmp(a));
    for old in names.iter().skip(ROLLING_KEEP) {
        fs::remove_file(dir.join(old))?;
    }
    Ok(made)
}
