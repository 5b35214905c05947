//! SQLite storage: opening, pragmas, versioned migrations and the safety rules around them.
//!
//! A fresh file is created and migrated. An existing file that needs migrating is first copied
//! beside itself with SQLite's online backup API. A file written by a newer schema is refused
//! before anything (not even a pragma that writes) touches it.

use crate::crypto::{Passphrase, WrappedKey};
use crate::error::{CoreError, Result};
use crate::Field;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Ordered migrations; the schema version is the number applied (`PRAGMA user_version`).
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_ledger_imports.sql"),
    include_str!("../migrations/0003_cases.sql"),
    include_str!("../migrations/0004_health.sql"),
    include_str!("../migrations/0005_diagnoses.sql"),
    include_str!("../migrations/0006_perf.sql"),
    include_str!("../migrations/0007_compact_original.sql"),
    include_str!("../migrations/0008_identity.sql"),
    include_str!("../migrations/0009_evidence_text.sql"),
    include_str!("../migrations/0010_bundle_catalog.sql"),
    include_str!("../migrations/0011_search.sql"),
    include_str!("../migrations/0012_promise_limits.sql"),
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The default database: `<OS data dir>/tixian/tixian.db` (e.g. `~/.local/share/tixian/tixian.db`).
/// The CLI and the app both use it, so they share data.
pub fn default_db_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("tixian")
        .join("tixian.db")
}

/// The directory that holds the database also holds the content-addressed vault.
pub fn vault_dir(db_path: &Path) -> PathBuf {
    db_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
        .join("vault")
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The app lock's passphrase when the file is encrypted (a backup copy is keyed with it).
    key: Option<Passphrase>,
    _keyed: Option<KeyedOpen>,
    /// A shared lock on `<db>.lock`, held while the store is open, so a restore can tell that
    /// another program has the database open ([`exclusive_lock`]).
    _lock: Option<File>,
    /// Records the clean close once the connection is closed: fields drop in declaration
    /// order, so this one, declared after `conn`, runs after SQLite has closed the file.
    _clean_close: Option<CleanClose>,
}

/// Device and inode of a file.
fn file_id(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(path).ok().map(|m| (m.len(), 0))
    }
}

/// The setting that holds the vault's data key, wrapped ([`WrappedKey`] as JSON).
pub const VAULT_KEY_SETTING: &str = "lock.vault_key";

/// Whether the database file at `path` is encrypted by the app lock: SQLite cannot read it
/// without a key, and its first page looks random (the salt and ciphertext) — so a text or
/// other file put in its place still reads as "not a Tixian database", not as locked.
///
/// The file is never opened with a descriptor of our own while SQLite may have it open in this
/// process: closing any descriptor of a file drops every POSIX lock the process holds on it,
/// and another program (`sqlite3`, the CLI) would then take itself for the last one and
/// checkpoint and delete the WAL under the app. So SQLite reads it first (it shares its locks
/// between connections), a file this process has open with a key is encrypted, and only a file
/// SQLite cannot read and nobody here has open is read for its first page.
pub fn is_encrypted(path: &Path) -> bool {
    if !path.is_file() || std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) == 0 {
        return false;
    }
    if KeyedOpen::is_open(path) {
        return true;
    }
    let plain = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|c| {
        c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
    });
    match plain {
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            first_page_looks_random(path)
        }
        _ => false,
    }
}

fn first_page_looks_random(path: &Path) -> bool {
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut page = vec![0u8; 1024];
    if len < 1024 || len % 512 != 0 || std::io::Read::read_exact(&mut file, &mut page).is_err() {
        return false;
    }
    let mut seen = [false; 256];
    for b in &page {
        seen[*b as usize] = true;
    }
    // Random bytes show about 250 of the 256 values in 1 KiB; text or a header far fewer.
    seen.iter().filter(|s| **s).count() >= 200
}

/// The database files this process has open with a key (one entry per open store).
static KEYED_OPEN: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Held by a store opened with a key: [`is_encrypted`] answers for its file without reading it.
struct KeyedOpen(PathBuf);

impl KeyedOpen {
    fn new(path: &Path) -> KeyedOpen {
        KEYED_OPEN
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_path_buf());
        KeyedOpen(path.to_path_buf())
    }

    fn is_open(path: &Path) -> bool {
        KEYED_OPEN
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|p| p == path)
    }
}

impl Drop for KeyedOpen {
    fn drop(&mut self) {
        let mut open = KEYED_OPEN.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = open.iter().position(|p| *p == self.0) {
            open.swap_remove(i);
        }
    }
}

/// The key to give a connection to `path`: the passphrase when the file is encrypted (a
/// plain file ignores one), or [`CoreError::Locked`] when it is encrypted and none was given.
fn key_for_file<'a>(path: &Path, key: Option<&'a Passphrase>) -> Result<Option<&'a Passphrase>> {
    if !is_encrypted(path) {
        return Ok(None);
    }
    match key {
        Some(k) => Ok(Some(k)),
        None => Err(CoreError::Locked {
            path: path.display().to_string(),
        }),
    }
}

/// Keys `conn` with the passphrase (SQLCipher derives the page key from it with the salt in
/// the file) and checks it opens the file: a wrong one is bad input on the passphrase.
pub fn apply_key(conn: &Connection, key: Option<&Passphrase>) -> Result<()> {
    let Some(key) = key else { return Ok(()) };
    conn.pragma_update(None, "key", key.expose())?;
    // SQLCipher logs a failed page check to stderr; a wrong passphrase is our message alone.
    // Only after the key: the first key set in a process starts its logging (WARN, stderr)
    // when the level is still NONE, so a NONE set before it was overwritten.
    conn.execute_batch("PRAGMA cipher_log = off; PRAGMA cipher_log_level = NONE")?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(crate::crypto::wrong_passphrase(Field::Passphrase))
        }
        Err(e) => Err(e.into()),
    }
}

impl Store {
    /// Opens (creating and migrating if needed) the plain database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_keyed(path, None)
    }

    /// Opens the database at `path` with the app lock's passphrase, if it has one: an
    /// encrypted file needs it ([`CoreError::Locked`] without), a plain file ignores it. The
    /// vault beside an encrypted database is unlocked with the data key it stores.
    pub fn open_keyed(path: &Path, key: Option<&Passphrase>) -> Result<Store> {
        let lock = prepare_files(path)?;
        let existed = path.exists() && std::fs::metadata(path)?.len() > 0;
        let key = key_for_file(path, key)?;
        if existed {
            refuse_newer(path, key)?;
        }
        let conn = Connection::open(path)?;
        apply_key(&conn, key)?;
        configure(&conn)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            key: key.cloned(),
            _keyed: key.map(|_| KeyedOpen::new(path)),
            _lock: Some(lock),
            _clean_close: file_id(path).map(|id| CleanClose {
                path: path.to_path_buf(),
                id,
            }),
        };
        store.migrate(existed)?;
        if let Some(key) = key {
            store.unlock_vault(key)?;
        }
        Ok(store)
    }

    /// Registers the vault's data key (unwrapped with the passphrase) for the vault beside the
    /// database, once per process.
    fn unlock_vault(&self, key: &Passphrase) -> Result<()> {
        let dir = vault_dir(&self.path);
        if crate::vault::key_for(&dir).is_some() {
            return Ok(());
        }
        let Some(json) = self.setting(VAULT_KEY_SETTING)? else {
            return Err(CoreError::Internal(
                "the locked database holds no vault key".into(),
            ));
        };
        let wrapped: WrappedKey = serde_json::from_str(&json)
            .map_err(|e| CoreError::Internal(format!("the stored vault key: {e}")))?;
        crate::vault::unlock(&dir, wrapped.unwrap_key(key, Field::Passphrase)?);
        Ok(())
    }

    /// Whether this store's file is encrypted by the app lock.
    pub fn is_locked(&self) -> bool {
        self.key.is_some()
    }

    /// [`Store::open_checked_keyed`] with no passphrase.
    pub fn open_checked(path: &Path) -> Result<Store> {
        Store::open_checked_keyed(path, None)
    }

    /// [`Store::open_keyed`] after `PRAGMA quick_check` on the file, opened read-only: a damaged
    /// database is refused with [`CoreError::Damaged`] before anything (a pragma, a migration)
    /// writes to it. The app and the CLI open the database this way.
    pub fn open_checked_keyed(path: &Path, key: Option<&Passphrase>) -> Result<Store> {
        check_intact_keyed(path, key)?;
        Store::open_keyed(path, key)
    }

    /// An in-memory database for tests.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        configure(&conn)?;
        let mut store = Store {
            conn,
            path: PathBuf::from(":memory:"),
            key: None,
            _keyed: None,
            _lock: None,
            _clean_close: None,
        };
        store.migrate(false)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// One user action = one transaction: everything inside commits together or not at all.
    ///
    /// The transaction starts with `BEGIN IMMEDIATE`, taking the write lock at once: a second
    /// program (the app beside the CLI) then waits the busy timeout for it, instead of failing
    /// with "database is locked" when a read lock cannot be upgraded.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self, existed: bool) -> Result<()> {
        let current = self.schema_version()?;
        if current >= SCHEMA_VERSION {
            return Ok(());
        }
        if existed {
            self.backup_before_migration(current)?;
        }
        // v8 turns each stored dedup key into its digest (a frozen copy: a migration never
        // calls live code, which may change after it shipped).
        self.conn.create_scalar_function(
            "tixian_identity",
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| Ok(identity_v8(&ctx.get::<String>(0)?)),
        )?;
        // Foreign keys off while tables are rebuilt (a dropped table must not cascade into the
        // rows pointing at it), checked for the rebuilt tables before the commit, then on again. The pragma
        // is a no-op inside a transaction, so it is set around it.
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let migrated = self.apply_migrations(current);
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn.remove_function("tixian_identity", 1)?;
        migrated
    }

    fn apply_migrations(&mut self, current: i64) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            tx.execute_batch(sql)
                .map_err(|e| CoreError::Internal(format!("migration {} failed: {e}", index + 1)))?;
        }
        // The rebuilt table and the tables pointing at it; a violation elsewhere that predates
        // the migration is not the migration's doing and must not stop the app opening.
        for table in ["transactions", "withdrawals"] {
            let dangling: Option<String> = tx
                .query_row(&format!("PRAGMA foreign_key_check({table})"), [], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(table) = dangling {
                return Err(CoreError::Internal(format!(
                    "migration left a dangling reference in {table}"
                )));
            }
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        Ok(())
    }

    /// A new database at an older schema `version`, for migration tests.
    #[cfg(test)]
    pub(crate) fn create_at_version(path: &Path, version: usize) -> Result<Connection> {
        let conn = Connection::open(path)?;
        configure(&conn)?;
        // As `migrate` does for v8 (a database at v8 or later went through it).
        conn.create_scalar_function(
            "tixian_identity",
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| Ok(identity_v8(&ctx.get::<String>(0)?)),
        )?;
        for sql in &MIGRATIONS[..version] {
            conn.execute_batch(sql)?;
        }
        conn.pragma_update(None, "user_version", version as i64)?;
        Ok(conn)
    }

    fn backup_before_migration(&self, from_version: i64) -> Result<()> {
        let name = format!(
            "{}.v{from_version}.bak",
            self.path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("tixian.db")
        );
        // Copied under a temporary name and renamed when whole, so a kill never leaves a
        // half-written `.bak` under its real name.
        let target = self.path.with_file_name(name);
        let tmp = crate::fsutil::temp_beside(&target);
        let copied = self.backup_to(&tmp).and_then(|()| {
            File::open(&tmp)?.sync_all()?;
            std::fs::rename(&tmp, &target)?;
            Ok(())
        });
        if copied.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        copied
    }

    /// Copies the whole database to `target` with SQLite's online backup API.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        if !target.exists() {
            crate::fsutil::create_private(target)?;
        }
        let mut dst = Connection::open(target)?;
        if let Some(key) = &self.key {
            // The backup API copies pages as they are: the copy is keyed with the same passphrase.
            dst.pragma_update(None, "key", key.expose())?;
        }
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut dst)?;
        backup.run_to_completion(256, Duration::from_millis(0), None)?;
        Ok(())
    }

    /// A stored setting (language, monthly spending …).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        read_setting(&self.conn, key)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        write_setting(&self.conn, key, value)
    }
}

/// Runs `f` in one read transaction when `conn` is not in a transaction already: outside one,
/// every statement takes and drops SQLite's locks again (thousands of `fcntl` calls for one
/// health report at 200 platforms; 19 → 11 ms).
pub fn read_snapshot<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    if !conn.is_autocommit() {
        return f();
    }
    conn.execute_batch("BEGIN DEFERRED")?;
    let out = f();
    let end = conn.execute_batch(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
    let value = out?;
    end?;
    Ok(value)
}

/// The stored value of setting `key`, if any (for code that holds a connection or transaction).
pub fn read_setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Sets `key` to `value`, replacing what was there.
pub fn write_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// The lock file beside the database: `<db>.lock`.
pub fn lock_path(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Before the database opens: its folder (user-only when new), the file created user-only so
/// SQLite's WAL and shared-memory files inherit `0600`, an existing one made user-only, what
/// a killed process left behind removed, and the shared lock taken (waiting while a restore runs).
fn prepare_files(path: &Path) -> Result<File> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.exists() {
        crate::fsutil::create_private_dir_all(dir)?;
    }
    let lock = open_lock_file(path)?;
    lock.lock_shared()?;
    match crate::fsutil::create_private(path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            crate::fsutil::make_private(path)?
        }
        Err(e) => return Err(e.into()),
    }
    crate::fsutil::clean_stale_temps(dir);
    crate::fsutil::clean_stale_temps(&vault_dir(path));
    Ok(lock)
}

fn open_lock_file(db_path: &Path) -> Result<File> {
    let path = lock_path(db_path);
    match crate::fsutil::create_private(&path) {
        Ok(f) => Ok(f),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)?),
        Err(e) => Err(e.into()),
    }
}

/// The database to oneself: an exclusive lock on `<db>.lock`, refused at once with a clear
/// message while the app or another `tixian` has the database open. Held (until dropped) by a
/// restore and by setting, changing or removing the app lock, so nobody opens the database
/// while the file is replaced.
pub fn exclusive_lock(db_path: &Path) -> Result<File> {
    let lock = open_lock_file(db_path)?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => Err(CoreError::Conflict {
            field: Field::Database,
            message: crate::lang::Text::new(
                format!(
                    "另一个提现助手程序（桌面应用或另一个 tixian 命令）正打开着数据库 {}；请先关闭它再试，未做任何改动",
                    db_path.display()
                ),
                format!(
                    "another Tixian program (the app or another tixian command) has the database {} open; close it and try again — nothing was changed",
                    db_path.display()
                ),
            ),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

/// `PRAGMA quick_check` on an existing, non-empty database file, opened read-only — unless the
/// file is exactly as the last Tixian process that had it open left it at a clean close (or as
/// it was when last found intact): see [`clean_marker`]. At a million rows the check reads
/// 400 MB (about 0.6 s); it still runs after a crash, a kill or any outside write.
pub fn check_intact(path: &Path) -> Result<()> {
    check_intact_keyed(path, None)
}

/// [`check_intact`] of a database that may be encrypted (see [`Store::open_keyed`]).
pub fn check_intact_keyed(path: &Path, key: Option<&Passphrase>) -> Result<()> {
    if !path.is_file() || std::fs::metadata(path)?.len() == 0 {
        return Ok(());
    }
    let key = key_for_file(path, key)?;
    let fingerprint = file_fingerprint(path);
    if fingerprint.is_some() && std::fs::read_to_string(clean_marker(path)).ok() == fingerprint {
        return Ok(());
    }
    let damaged = |detail: String| CoreError::Damaged {
        path: path.display().to_string(),
        detail,
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    apply_key(&conn, key)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mut stmt = conn
        .prepare("PRAGMA quick_check")
        .map_err(|e| damaged(e.to_string()))?;
    let found: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| damaged(e.to_string()))?;
    if found.len() == 1 && found[0] == "ok" {
        drop(stmt);
        drop(conn);
        if let Some(f) = fingerprint.filter(|f| Some(f) == file_fingerprint(path).as_ref()) {
            write_clean_marker(path, &f);
        }
        return Ok(());
    }
    Err(damaged(
        found.into_iter().take(3).collect::<Vec<_>>().join("; "),
    ))
}

/// `<db>.clean` beside the database: its [`file_fingerprint`] when the last Tixian process that
/// had it open closed it (no WAL left behind), or when a quick_check last found it intact. Any
/// later write — ours, a crash mid-write, another program's — changes the fingerprint, so the
/// next [`check_intact`] reads the whole file again.
pub fn clean_marker(db: &Path) -> PathBuf {
    let name = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    db.with_file_name(format!("{name}.clean"))
}

/// Size, modification and change times and inode of the database file, or None while a WAL
/// (or rollback journal) beside it holds anything: then it was not closed cleanly, or is open.
fn file_fingerprint(db: &Path) -> Option<String> {
    for side in ["-wal", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(side);
        if std::fs::metadata(PathBuf::from(p)).is_ok_and(|m| m.len() > 0) {
            return None;
        }
    }
    let m = std::fs::metadata(db).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(format!(
            "size {} mtime {}.{} ctime {}.{} inode {}\n",
            m.len(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec(),
            m.ino()
        ))
    }
    #[cfg(not(unix))]
    {
        let mtime = m
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some(format!("size {} mtime {}\n", m.len(), mtime.as_nanos()))
    }
}

/// Best effort: without the marker the next open only checks again.
fn write_clean_marker(db: &Path, fingerprint: &str) {
    let marker = clean_marker(db);
    let temp = crate::fsutil::temp_beside(&marker);
    if crate::fsutil::write_private(&temp, fingerprint.as_bytes()).is_ok()
        && std::fs::rename(&temp, &marker).is_ok()
    {
        return;
    }
    let _ = std::fs::remove_file(&temp);
}

/// The database a store has open, as it was when opened (device and inode): a clean close is
/// recorded only for that same file, not one a restore put in its place meanwhile.
struct CleanClose {
    path: PathBuf,
    id: (u64, u64),
}

impl Drop for CleanClose {
    /// Runs after the store's connection closed (SQLite checkpoints and removes the WAL when it
    /// was the last one): records the clean close for the next [`check_intact`].
    fn drop(&mut self) {
        if file_id(&self.path) != Some(self.id) {
            return;
        }
        if let Some(f) = file_fingerprint(&self.path) {
            write_clean_marker(&self.path, &f);
        }
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // `journal_mode` returns a row, so it is read rather than executed.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // The health report asks some thirty statements per platform and case; with rusqlite's
    // default of 16 cached they pushed each other out and were parsed again every time.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

/// Reads the schema version read-only, so a newer database is refused untouched.
fn refuse_newer(path: &Path, key: Option<&Passphrase>) -> Result<()> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    apply_key(&conn, key)?;
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| {
            CoreError::invalid(
                Field::Database,
                format!("{} 不是提现助手的数据库：{e}", path.display()),
                format!("{} is not a Tixian database: {e}", path.display()),
            )
        })?;
    if found > SCHEMA_VERSION {
        return Err(CoreError::NewerDatabase {
            path: path.display().to_string(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Migration 0008's digest of a stored dedup key: the first 16 bytes of its SHA-256, frozen as
/// it was when 0008 shipped (the import's live `identity` may change; a migration must not).
fn identity_v8(key: &str) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(key.as_bytes())[..16].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A read snapshot ends where it began: outside a transaction it opens and closes its own
    /// (rolled back on an error); inside one it leaves the caller's alone.
    #[test]
    fn a_read_snapshot_leaves_the_connection_as_it_found_it() {
        let mut store = Store::open_in_memory().unwrap();
        let seen = read_snapshot(store.conn(), || Ok(store.conn().is_autocommit())).unwrap();
        assert!(!seen, "inside its own transaction");
        assert!(store.conn().is_autocommit());
        let failed: Result<()> =
            read_snapshot(store.conn(), || Err(CoreError::Internal("boom".into())));
        assert!(failed.is_err() && store.conn().is_autocommit());
        store
            .transaction(|tx| {
                read_snapshot(tx, || Ok(()))?;
                assert!(
                    !tx.is_autocommit(),
                    "the caller's transaction is still open"
                );
                Ok(())
            })
            .unwrap();
    }

    fn damage_a_page(db: &Path) {
        let mut bytes = std::fs::read(db).unwrap();
        assert!(bytes.len() >= 4 * 4096, "{} bytes", bytes.len());
        for b in &mut bytes[2 * 4096..2 * 4096 + 200] {
            *b = 0xA5;
        }
        std::fs::write(db, &bytes).unwrap();
    }

    fn some_rows(db: &Path) -> Store {
        let store = Store::open(db).unwrap();
        store
            .conn()
            .execute_batch(
                "CREATE TABLE filler(x TEXT);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                 INSERT INTO filler SELECT printf('%0100d', i) FROM n;",
            )
            .unwrap();
        store
    }

    /// A million rows made every start (and every CLI command) read the whole file: the check
    /// is skipped when the file is exactly as a clean close left it, and nothing else.
    #[test]
    fn a_clean_close_spares_the_next_check_and_any_later_write_brings_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tixian.db");
        drop(some_rows(&db));
        let marker = std::fs::read_to_string(clean_marker(&db)).unwrap();
        assert_eq!(Some(marker), file_fingerprint(&db));
        check_intact(&db).unwrap();
        // Damage after the clean close: the fingerprint no longer matches, the check runs.
        damage_a_page(&db);
        assert!(matches!(check_intact(&db), Err(CoreError::Damaged { .. })));
        assert!(matches!(
            Store::open_checked(&db),
            Err(CoreError::Damaged { .. })
        ));
    }

    #[test]
    fn a_store_that_never_closed_leaves_no_clean_mark() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tixian.db");
        // Killed: no close, the WAL still holds the writes.
        std::mem::forget(some_rows(&db));
        assert_eq!(file_fingerprint(&db), None);
        assert!(!clean_marker(&db).exists());
        check_intact(&db).unwrap();
        assert!(
            !clean_marker(&db).exists(),
            "a file with a live WAL is not marked"
        );
    }

    #[test]
    fn migration_0008_digest_is_the_import_identity_of_today() {
        for key in [
            "",
            "4200001234202606011234567890\u{1f}2026-06-01T10:00:00+08:00\u{1f}-12.50",
            "支付宝\u{1f}2026-06-01 10:00:00\u{1f}100.00\u{1f}收入\u{1f}转账",
        ] {
            assert_eq!(
                identity_v8(key),
                crate::import::identity(key).to_vec(),
                "{key:?}"
            );
        }
    }

    #[test]
    fn fresh_database_is_created_and_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("t.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let fk: i64 = store
            .conn()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let mode: String = store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn newer_database_is_refused_and_left_byte_for_byte_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE x(a); PRAGMA user_version = 999;")
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(&path).err().expect("must refuse");
        assert_eq!(err.code(), "newer_database");
        assert!(err.to_string().contains("newer version"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert!(!dir.path().join("t.db-wal").exists());
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused_naming_the_database_not_a_flag() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        let e = Store::open(&path).map(drop).unwrap_err();
        assert_eq!(e.named_field(), Some(&Field::Database), "{e}");
        crate::field::tests::assert_app_message_has_no_flag(&e);
    }

    /// Settings asked whether the database is locked while the app had it open: reading its
    /// header through a descriptor of our own dropped the app's POSIX locks when closed, so
    /// `sqlite3` took itself for the last connection, deleted the WAL and never saw later writes.
    #[test]
    fn asking_whether_the_open_database_is_locked_kept_the_app_s_locks() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let mut store = Store::open(&db).unwrap();
        let sqlite3 = |q: &str| {
            let out = std::process::Command::new("sqlite3")
                .arg(&db)
                .arg(q)
                .output()
                .unwrap();
            String::from_utf8(out.stdout).unwrap().trim().to_string()
        };
        store.set_setting("first", "1").unwrap();
        assert!(!is_encrypted(&db));
        assert_eq!(sqlite3("SELECT group_concat(key) FROM settings"), "first");
        store.set_setting("second", "1").unwrap();
        assert_eq!(
            sqlite3("SELECT group_concat(key) FROM settings"),
            "first,second"
        );
    }

    #[test]
    fn random_pages_read_as_locked_and_text_as_not_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let noise: Vec<u8> = (0..8192u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        std::fs::write(&path, &noise).unwrap();
        assert!(is_encrypted(&path));
        let e = Store::open(&path).map(drop).unwrap_err();
        assert_eq!((e.code(), e.exit_code()), ("locked", 2));
        std::fs::write(&path, vec![b'x'; 8192]).unwrap();
        assert!(!is_encrypted(&path));
    }

    #[test]
    fn reopening_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        drop(Store::open(&path).unwrap());
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        assert!(!dir
            .path()
            .join(format!("t.db.v{SCHEMA_VERSION}.bak"))
            .exists());
    }

    #[test]
    fn an_existing_file_is_backed_up_beside_itself_before_migrating() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE keep(a); INSERT INTO keep VALUES (42);")
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let backup = Connection::open(dir.path().join("t.db.v0.bak")).unwrap();
        let kept: i64 = backup
            .query_row("SELECT a FROM keep", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, 42);
    }

    /// Migration 0012 drops `follow_ups.due_on` (written once, never read: the due day is
    /// counted from the filing day) and adds `contacts.due_limit`; the rows of a v10 database
    /// survive, a follow-up's due day is still counted and an old promise keeps its due time.
    #[test]
    fn migration_0012_drops_the_stored_follow_up_due_day_and_keeps_the_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        {
            let c = Store::create_at_version(&path, 10).unwrap();
            c.execute_batch(
                "INSERT INTO cases(id, platform_name, amount_fen, occurred_at, occurred_utc, summary, created_at)
                   VALUES (1, '某某商城', 86000, '2026-12-18T10:00:00+08:00', '2026-12-18T02:00:00Z', '退款未到', '2026-12-18T10:00:00+08:00');
                 INSERT INTO follow_ups(case_id, body, filed_at, deadline_working_days, due_on, created_at)
                   VALUES (1, '12315', '2026-12-18T10:00:00+08:00', 10, '2027-01-01', '2026-12-18T10:00:00+08:00');
                 INSERT INTO contacts(case_id, at, at_utc, channel, promise, due_at, due_utc)
                   VALUES (1, '2026-12-18T10:00:00+08:00', '2026-12-18T02:00:00Z', 'chat', '3个工作日内处理', '2026-12-23T23:59:59+08:00', '2026-12-23T15:59:59Z');",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let columns: Vec<String> = store
            .conn()
            .prepare("SELECT name FROM pragma_table_info('follow_ups')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(!columns.iter().any(|c| c == "due_on"), "{columns:?}");
        let now = crate::time::parse_time("2026-12-20 10:00", Field::At).unwrap();
        let cal = crate::calendar::Calendar::embedded();
        let f = crate::cases::list_follow_ups(store.conn(), 1, &now, &cal).unwrap();
        assert_eq!((f.len(), f[0].due_on.as_str()), (1, "2027-01-01"));
        // A promise stored before v11 has no limit: its due time stands as stored.
        let c = crate::cases::list_contacts(store.conn(), 1, &now, &cal).unwrap();
        assert_eq!(c[0].limit, None);
        assert_eq!(c[0].due.as_deref(), Some("2026-12-23T23:59:59+08:00"));
    }

    #[test]
    fn settings_round_trip() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.setting("lang").unwrap(), None);
        s.set_setting("lang", "en").unwrap();
        s.set_setting("lang", "zh").unwrap();
        assert_eq!(s.setting("lang").unwrap().as_deref(), Some("zh"));
    }
}
