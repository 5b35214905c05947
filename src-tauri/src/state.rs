//! The app's one piece of state: the open store (or why it could not be opened), and what the
//! day's automatic backup did.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use tixian_core::calendar::Calendar;
use tixian_core::crypto::Passphrase;
use tixian_core::grants::{Access, PathGrants};
use tixian_core::health::backup::{self, RestoreReport};
use tixian_core::rules::RuleFile;
use tixian_core::time::Timestamp;
use tixian_core::workspace::{Clock, Workspace};
use tixian_core::{ApiError, CoreError, Lang, Store, Text};

pub struct AppState {
    /// Filled once by the thread [`AppState::open_default`] starts; every use waits for it.
    store: Arc<Mutex<Result<Store, CoreError>>>,
    opened: Arc<Opened>,
    /// The database path and what hangs off it, and the clock (pinned by `TIXIAN_NOW`).
    pub ws: Workspace,
    /// Outcome of today's rolling backup (None while it has not run yet).
    pub rolling: Mutex<Option<Result<Option<PathBuf>, String>>>,
    /// Held by whole-database work (the automatic backup's second connection, a restore) so
    /// a restore never swaps the file under a backup in progress.
    pub maintenance: Mutex<()>,
    /// Files the app was started with (a bill export or a bundle opened from the file manager),
    /// handed to the UI once.
    pub launch_files: Mutex<Vec<String>>,
    /// Set by the import's Cancel button (`cancel_import`), cleared when an import starts; the
    /// running import checks it between batches and rolls back.
    pub import_cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The app lock's passphrase once the user unlocked (memory only, wiped when replaced).
    passphrase: Mutex<Option<Passphrase>>,
    /// The paths the user handed over (dialogs, drops, launch files) and the data folder: the
    /// only paths a command takes from the web view.
    grants: Mutex<PathGrants>,
}

impl AppState {
    /// The same database the CLI uses (`TIXIAN_DB` overrides, as for the CLI), opened on a
    /// thread of its own: the whole-file check of an uncleanly closed database reads all of it
    /// (about 0.6 s at a million rows), which then runs while GTK and WebKit start instead of
    /// before them. Every use of the store waits until it is open, so nothing reads or writes
    /// it before the check passed. A `TIXIAN_NOW` that is not a time leaves the app on its
    /// error screen, saying so.
    pub fn open_default() -> AppState {
        let ws = match Workspace::from_env(None) {
            Ok(ws) => ws,
            Err(e) => {
                let ws = Workspace::new(tixian_core::store::default_db_path(), Clock::System);
                return AppState::with_workspace(ws, Err(e));
            }
        };
        let state = AppState::unopened(ws.clone());
        let (slot, opened) = (state.store.clone(), state.opened.clone());
        let spawned = std::thread::Builder::new()
            .name("open-database".into())
            .spawn(move || {
                let store = ws.open_store();
                crate::startup::mark("database open");
                opened.fill(&slot, store);
            });
        if let Err(e) = spawned {
            let store = state.ws.open_store();
            eprintln!("tixian: opening the database on the start-up thread ({e})");
            state.opened.fill(&state.store, store);
        }
        state
    }

    fn with_workspace(ws: Workspace, store: Result<Store, CoreError>) -> AppState {
        let state = AppState::unopened(ws);
        state.opened.fill(&state.store, store);
        state
    }

    /// The state before its store is there (every use of the store waits for [`Opened::fill`]).
    fn unopened(ws: Workspace) -> AppState {
        let data_dir = ws.db_path().parent().unwrap_or(Path::new(""));
        let mut grants = PathGrants::new(data_dir);
        e2e_picked_folders(&mut grants);
        let launch = launch_files();
        for file in &launch {
            grants.allow_read(Path::new(file));
        }
        AppState {
            store: Arc::new(Mutex::new(Err(CoreError::Internal(
                "the database is not open yet".into(),
            )))),
            opened: Arc::new(Opened::default()),
            ws,
            rolling: Mutex::new(None),
            maintenance: Mutex::new(()),
            launch_files: Mutex::new(launch),
            import_cancel: Default::default(),
            passphrase: Mutex::new(None),
            grants: Mutex::new(grants),
        }
    }

    /// The path `text` names if the web view may use it for `access` (see
    /// `tixian_core::grants`), else the refusal in the user's language on `field`.
    pub fn allowed_path(
        &self,
        text: &str,
        access: Access,
        field: tixian_core::Field,
    ) -> Result<PathBuf, ApiError> {
        let checked = self.grants().check(text, access, field);
        checked.map_err(|e| e.to_api(self.lang()))
    }

    /// Paths an open dialog returned, dropped on the window: readable from now on.
    pub fn allow_read(&self, paths: &[PathBuf]) {
        let mut grants = self.grants();
        paths.iter().for_each(|p| grants.allow_read(p));
    }

    /// A save dialog's answer, or a place the shell itself proposed: writable from now on.
    pub fn allow_write(&self, path: &Path) {
        self.grants().allow_write(path);
    }

    /// The user's language (Chinese when the store is not open).
    pub fn lang(&self) -> Lang {
        self.lock().as_ref().map(store_lang).unwrap_or_default()
    }

    fn grants(&self) -> std::sync::MutexGuard<'_, PathGrants> {
        self.grants.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An in-memory store, for the shell's own tests.
    #[cfg(test)]
    pub fn in_memory() -> AppState {
        AppState::with_workspace(
            Workspace::new(":memory:", Clock::System),
            Store::open_in_memory(),
        )
    }

    /// Runs `f` with the store; a store that failed to open reports why on every call.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, CoreError>,
    ) -> Result<T, ApiError> {
        let mut guard = self.lock();
        let store = guard.as_mut().map_err(|e| e.to_api(Lang::Zh))?;
        let lang = store_lang(store);
        f(store).map_err(|e| e.to_api(lang))
    }

    pub fn open_error(&self) -> Option<ApiError> {
        self.lock().as_ref().err().map(|e| e.to_api(Lang::Zh))
    }

    /// Replaces the database with a backup archive. The app's connection is closed first (the
    /// core restore swaps the file underneath it) and the store is reopened whatever happens,
    /// so a failed restore leaves the app on the untouched database it had. `backup` is the
    /// passphrase the backup was made under when it is not the current one; a locked backup
    /// restored where no lock was set is opened from then on with it.
    pub fn restore(
        &self,
        archive: &Path,
        now: &Timestamp,
        backup: Option<Passphrase>,
    ) -> Result<RestoreReport, ApiError> {
        let _maintenance = self.maintenance.lock().unwrap_or_else(|p| p.into_inner());
        let mut guard = self.lock();
        let lang = guard.as_ref().map(store_lang).unwrap_or_default();
        let closed = std::mem::replace(
            &mut *guard,
            Err(CoreError::Conflict {
                field: tixian_core::Field::Restore,
                message: Text::new(
                    "正在从备份恢复数据库，请稍候再试",
                    "the database is being restored from a backup; try again in a moment",
                ),
            }),
        );
        drop(closed);
        let current = self.passphrase();
        let was_locked = tixian_core::store::is_encrypted(self.ws.db_path());
        let keys = backup::RestoreKeys {
            current: current.as_ref(),
            backup: backup.as_ref(),
        };
        let result = backup::restore_with(self.ws.db_path(), archive, now, keys);
        if let Ok(report) = &result {
            if report.locked && !was_locked {
                *self.passphrase.lock().unwrap_or_else(|p| p.into_inner()) = backup.or(current);
            }
        }
        *guard = self.workspace().open_store();
        result.map_err(|e| e.to_api(lang))
    }

    /// The app lock's passphrase, if the user unlocked.
    pub fn passphrase(&self) -> Option<Passphrase> {
        self.passphrase
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The workspace with the passphrase the user gave, for opening the store.
    pub fn workspace(&self) -> Workspace {
        let mut ws = self.ws.clone();
        ws.set_passphrase(self.passphrase());
        ws
    }

    /// Opens the locked database with `passphrase` (the unlock screen); a wrong one leaves the
    /// app locked and is an error on the passphrase field.
    pub fn unlock(&self, passphrase: &str, lang: Lang) -> Result<(), ApiError> {
        let pass = Passphrase::new(passphrase, tixian_core::Field::Passphrase)
            .map_err(|e| e.to_api(lang))?;
        let mut guard = self.lock();
        let mut ws = self.ws.clone();
        let store = ws.unlock(pass.clone()).map_err(|e| e.to_api(lang))?;
        *self.passphrase.lock().unwrap_or_else(|p| p.into_inner()) = Some(pass);
        *guard = Ok(store);
        Ok(())
    }

    /// Sets, changes or removes the app lock with `change`: the app's connection is closed
    /// first (the conversion replaces the file) and the store reopened whatever happens, with
    /// the passphrase the workspace has afterwards.
    pub fn change_lock(
        &self,
        change: impl FnOnce(&mut Workspace) -> Result<(), CoreError>,
    ) -> Result<(), ApiError> {
        let _maintenance = self.maintenance.lock().unwrap_or_else(|p| p.into_inner());
        let mut guard = self.lock();
        let lang = guard.as_ref().map(store_lang).unwrap_or_default();
        drop(std::mem::replace(
            &mut *guard,
            Err(CoreError::Conflict {
                field: tixian_core::Field::Passphrase,
                message: Text::new(
                    "正在更改应用锁，请稍候再试",
                    "the app lock is being changed; try again in a moment",
                ),
            }),
        ));
        let mut ws = self.workspace();
        let result = change(&mut ws);
        if result.is_ok() {
            *self.passphrase.lock().unwrap_or_else(|p| p.into_inner()) = ws.passphrase().cloned();
        }
        *guard = self.workspace().open_store();
        result.map_err(|e| e.to_api(lang))
    }

    /// Closes the database as the app exits (after that every command says the app is closing).
    /// The automatic backup, if still running, finishes first (it holds `maintenance`).
    pub fn close(&self) {
        let _maintenance = self.maintenance.lock().unwrap_or_else(|p| p.into_inner());
        let closed = std::mem::replace(
            &mut *self.lock(),
            Err(CoreError::Conflict {
                field: tixian_core::Field::Database,
                message: Text::new("提现助手正在退出", "Tixian is closing"),
            }),
        );
        drop(closed);
    }

    /// Now, or the time `TIXIAN_NOW` pins (so e2e tests can fix the day).
    pub fn now(&self) -> Timestamp {
        self.ws.now()
    }

    /// The user's rule folder, beside the database (as for the CLI).
    pub fn user_rules(&self) -> PathBuf {
        self.ws.user_rules()
    }

    /// The built-in rules with the user's folder laid over them (letters, calendar).
    pub fn rules(&self) -> Result<Vec<RuleFile>, CoreError> {
        self.ws.rules()
    }

    /// The holiday calendar with the user's folder laid over it (a schedule the user adds, say
    /// next year's, counts in every deadline the app computes); a broken file there is an error
    /// naming it.
    pub fn calendar(&self) -> Result<Calendar, CoreError> {
        self.ws.calendar()
    }

    /// The folder of the automatic daily backups, beside the database.
    pub fn rolling_dir(&self) -> PathBuf {
        self.ws.rolling_dir()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Result<Store, CoreError>> {
        self.opened.wait();
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Whether the store has been put in its place once (opened, or why it could not be).
#[derive(Default)]
struct Opened {
    done: Mutex<bool>,
    changed: Condvar,
}

impl Opened {
    fn fill(&self, slot: &Mutex<Result<Store, CoreError>>, store: Result<Store, CoreError>) {
        *slot.lock().unwrap_or_else(|p| p.into_inner()) = store;
        *self.done.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.changed.notify_all();
    }

    fn wait(&self) {
        let mut done = self.done.lock().unwrap_or_else(|p| p.into_inner());
        while !*done {
            done = self.changed.wait(done).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// The language the user picked in Settings (Chinese until they pick).
pub fn store_lang(store: &Store) -> Lang {
    store
        .setting("lang")
        .ok()
        .flatten()
        .map(|t| Lang::from_tag(&t))
        .unwrap_or_default()
}

/// The e2e hook, compiled into debug builds only: every path under the folders in
/// `TIXIAN_E2E_PICKED` counts as answered in a file dialog, because WebDriver cannot answer a
/// native dialog. The release build (`dev.sh run`, the packages) has no such code: the variable
/// means nothing to it (`dev.sh test` checks its name is not in the release binary).
#[cfg(debug_assertions)]
fn e2e_picked_folders(grants: &mut PathGrants) {
    let Some(list) = std::env::var_os("TIXIAN_E2E_PICKED") else {
        return;
    };
    for folder in std::env::split_paths(&list).filter(|f| !f.as_os_str().is_empty()) {
        grants.allow_everything_under(&folder);
    }
}

#[cfg(not(debug_assertions))]
fn e2e_picked_folders(_: &mut PathGrants) {}

/// The existing files among the command-line arguments (the desktop entry passes `%F`).
fn launch_files() -> Vec<String> {
    std::env::args_os()
        .skip(1)
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .filter_map(|p| std::path::absolute(&p).ok())
        .map(|p| p.display().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deadlines the app computes (follow-ups, the ladder, promises, the calculator) count a
    /// year the user adds to the rule folder beside the database.
    #[test]
    fn calendar_lays_the_user_folder_over_the_built_in_one() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let folder = dir.join("rules").join("calendar");
        std::fs::create_dir_all(&folder).unwrap();
        let state = AppState::with_workspace(
            Workspace::new(dir.join("tixian.db"), Clock::System),
            Store::open_in_memory(),
        );
        let from = chrono::NaiveDate::from_ymd_opt(2026, 12, 28).unwrap();
        let due = |state: &AppState| state.calendar().unwrap().add_working_days(from, 5).due;
        // Without 2027 the new year's first days count as working days.
        assert_eq!(due(&state).to_string(), "2027-01-04");
        std::fs::write(
            folder.join("2027.toml"),
            r#"
year = 2027

[source]
title = "国务院办公厅关于2027年部分节假日安排的通知（测试用）"
document = "测试用"
date = "2026-11-01"
url = "https://example.invalid/2027"
confidence = "high"
checked = "2026-11-23"

[[holiday]]
id = "2027.new-year"
name = { zh = "元旦", en = "New Year's Day" }
off_from = "2027-01-01"
off_to = "2027-01-03"
makeup_workdays = []

[[case]]
from = "2026-12-31"
working_days = 1
due = "2027-01-04"
"#,
        )
        .unwrap();
        assert_eq!(due(&state).to_string(), "2027-01-05");
    }

    /// The database opens on a thread of its own at start: a command that comes first waits
    /// for it instead of answering "not open yet".
    #[test]
    fn a_command_before_the_database_is_open_waits_for_it() {
        let state = std::sync::Arc::new(AppState::unopened(Workspace::new(
            ":memory:",
            Clock::System,
        )));
        let (asking, asked) = std::sync::mpsc::channel();
        let command = {
            let state = state.clone();
            std::thread::spawn(move || {
                asking.send(()).unwrap();
                state.with(|s| s.set_setting("probe", "1").map(|_| "answered"))
            })
        };
        asked.recv().unwrap();
        state.opened.fill(&state.store, Store::open_in_memory());
        assert_eq!(command.join().unwrap().unwrap(), "answered");
        let probe = state.with(|s| s.setting("probe")).unwrap();
        assert_eq!(probe.as_deref(), Some("1"));
    }

    /// Tauri ends the process without dropping managed state, so the clean close was never
    /// recorded and every start read the whole database again (quick_check).
    #[test]
    fn closing_the_app_recorded_no_clean_close() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tixian.db");
        let ws = Workspace::new(&db, Clock::System);
        let store = ws.open_store();
        let state = AppState::with_workspace(ws, store);
        state.with(|s| s.set_setting("probe", "1")).unwrap();
        let marker = tixian_core::store::clean_marker(&db);
        assert!(!marker.exists());
        state.close();
        assert!(marker.exists(), "no clean-close record after close()");
        let e = state.with(|s| s.setting("probe")).unwrap_err();
        assert_eq!(e.message, "提现助手正在退出");
    }
}
