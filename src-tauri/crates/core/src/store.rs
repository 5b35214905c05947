//! SQLite storage: opening, pragmas, versioned migrations and the safety rules around them.
//!
//! A fresh file is created and migrated. An existing file that needs migrating is first copied
//! beside itself with SQLite's online backup API. A file written by a newer schema is refused
//! before anything (not even a pragma that writes) touches it.

use crate::error::{CoreError, Result};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction};
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
}

impl Store {
    /// Opens (creating and migrating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let existed = path.exists() && std::fs::metadata(path)?.len() > 0;
        if existed {
            refuse_newer(path)?;
        }
        let conn = Connection::open(path)?;
        configure(&conn)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate(existed)?;
        Ok(store)
    }

    /// An in-memory database for tests.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        configure(&conn)?;
        let mut store = Store {
            conn,
            path: PathBuf::from(":memory:"),
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
    pub fn transaction<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction()?;
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
        // v8 turns each stored dedup key into its digest, computed the way new imports do.
        self.conn.create_scalar_function(
            "tixian_identity",
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| Ok(crate::import::identity(&ctx.get::<String>(0)?).to_vec()),
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
        let tx = self.conn.transaction()?;
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
        let target = self.path.with_file_name(name);
        self.backup_to(&target)
    }

    /// Copies the whole database to `target` with SQLite's online backup API.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        let mut dst = Connection::open(target)?;
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut dst)?;
        backup.run_to_completion(256, Duration::from_millis(0), None)?;
        Ok(())
    }

    /// A stored setting (language, monthly spending …).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // `journal_mode` returns a row, so it is read rather than executed.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

/// Reads the schema version read-only, so a newer database is refused untouched.
fn refuse_newer(path: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| {
            CoreError::invalid(
                "--db",
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn settings_round_trip() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.setting("lang").unwrap(), None);
        s.set_setting("lang", "en").unwrap();
        s.set_setting("lang", "zh").unwrap();
        assert_eq!(s.setting("lang").unwrap().as_deref(), Some("zh"));
    }
}
