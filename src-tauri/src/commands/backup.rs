//! Settings → backup and restore: the whole database and evidence vault in one archive
//! (`tixian_core::health::backup`), the automatic daily backups beside the database, and a
//! restore that keeps a copy of what it replaces. Archive work runs off the UI thread.

use crate::state::AppState;
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tixian_core::crypto::Passphrase;
use tixian_core::grants::Access;
use tixian_core::health::backup::{self, BackupReport, RestoreReport, RollingBackup};
use tixian_core::health::due::local_date;
use tixian_core::{ApiError, Field, Store};

#[derive(Debug, Serialize, specta::Type)]
pub struct BackupOverview {
    /// Where the automatic daily backups go.
    pub dir: String,
    /// Newest first; at most `keep`.
    pub rolling: Vec<RollingBackup>,
    pub keep: i64,
    /// Why today's automatic backup failed, if it did.
    pub rolling_error: Option<String>,
    /// A file name for a backup made now, e.g. `tixian-backup-2026-11-23.zip`.
    pub suggested_path: String,
}

/// The automatic backups and where a manual one would go.
#[tauri::command]
#[specta::specta]
pub fn backup_overview(app: AppHandle, state: State<'_, AppState>) -> BackupOverview {
    let dir = state.rolling_dir();
    let rolling = backup::rolling_backups(&dir);
    let rolling_error = match &*state.rolling.lock().unwrap_or_else(|p| p.into_inner()) {
        Some(Err(e)) => Some(e.clone()),
        _ => None,
    };
    let today = local_date(&state.now());
    let suggested = super::save_dir(&app).join(backup::suggested_file_name(today));
    // A place the shell proposes, not one the web view chose: writable as a save answer is.
    state.allow_write(&suggested);
    BackupOverview {
        dir: dir.display().to_string(),
        rolling,
        keep: backup::ROLLING_KEEP as i64,
        rolling_error,
        suggested_path: suggested.display().to_string(),
    }
}

/// Writes a backup archive to `path` (replacing a file there: the save dialog asked), a path
/// the save dialog returned or the suggested one.
#[tauri::command]
#[specta::specta]
pub async fn backup_now(app: AppHandle, path: String) -> Result<BackupReport, ApiError> {
    super::blocking(move || {
        let state = app.state::<AppState>();
        let path = state.allowed_path(&path, Access::Write, Field::Out)?;
        state.with(|s| backup::backup(s, &path, &state.now()))
    })
    .await
}

/// Replaces all data with the archive at `path` after the UI's confirmation; the current
/// database is kept beside itself first (see `RestoreReport::previous_kept_at`).
/// `backup_passphrase`: the one the backup was made under, asked for when the restore said
/// it needs it (an error on `backup_passphrase`).
#[tauri::command]
#[specta::specta]
pub async fn restore_backup(
    app: AppHandle,
    path: String,
    backup_passphrase: Option<String>,
) -> Result<RestoreReport, ApiError> {
    super::blocking(move || {
        let state = app.state::<AppState>();
        let lang = state.lang();
        let path = state.allowed_path(&path, Access::Read, Field::Restore)?;
        let backup = backup_passphrase
            .map(|p| Passphrase::new(p, Field::BackupPassphrase))
            .transpose()
            .map_err(|e| e.to_api(lang))?;
        state.restore(&path, &state.now(), backup)
    })
    .await
}

/// Today's automatic backup, made at start-up on a second connection so the UI stays usable.
/// A failure is remembered for Settings and never stops the app.
pub fn run_rolling_backup(app: &AppHandle) {
    let state = app.state::<AppState>();
    if state.open_error().is_some() {
        return;
    }
    let _maintenance = state.maintenance.lock().unwrap_or_else(|p| p.into_inner());
    let now = state.now();
    let result = Store::open_keyed(state.ws.db_path(), state.passphrase().as_ref())
        .and_then(|store| {
            backup::rolling_backup(&store, &state.rolling_dir(), local_date(&now), &now)
        })
        .map_err(|e| e.to_string());
    if let Err(e) = &result {
        eprintln!("tixian: automatic backup failed: {e}");
    }
    *state.rolling.lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
}
