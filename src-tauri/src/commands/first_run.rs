//! The first-run welcome, the sample case and platform it offers, and the About dialog.

use crate::state::{store_lang, AppState};
use serde::Serialize;
use tauri::State;
use tixian_core::erase::Erased;
use tixian_core::sample::{self, Sample};
use tixian_core::ApiError;

/// What the welcome and Home need to know about the first run.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct FirstRun {
    /// The welcome has not been closed on this database yet.
    pub welcome: bool,
    /// The sample, while it exists (Home offers to remove it).
    pub sample: Option<Sample>,
    /// Where the automatic daily backups go.
    pub backup_dir: String,
}

#[tauri::command]
#[specta::specta]
pub fn first_run(state: State<'_, AppState>) -> Result<FirstRun, ApiError> {
    let (welcome, sample) = state.with(|s| {
        Ok((
            sample::welcome_pending(s.conn())?,
            sample::current(s.conn())?,
        ))
    })?;
    Ok(FirstRun {
        welcome,
        sample,
        backup_dir: state.ws.rolling_dir().display().to_string(),
    })
}

#[tauri::command]
#[specta::specta]
pub fn finish_welcome(state: State<'_, AppState>) -> Result<(), ApiError> {
    let now = state.now();
    state.with(|s| s.transaction(|tx| sample::finish_welcome(tx, &now)))
}

#[tauri::command]
#[specta::specta]
pub fn create_sample(state: State<'_, AppState>) -> Result<Sample, ApiError> {
    let now = state.now();
    state.with(|s| {
        let lang = store_lang(s);
        s.transaction(|tx| sample::create(tx, &now, lang))
    })
}

#[tauri::command]
#[specta::specta]
pub fn remove_sample(state: State<'_, AppState>) -> Result<Option<Erased>, ApiError> {
    let vault = state.ws.vault_dir();
    state.with(|s| sample::remove(s, &vault))
}

/// What the About dialog shows.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct About {
    pub version: String,
    pub db_path: String,
    pub vault_dir: String,
    pub backup_dir: String,
    /// The user's own rule folder, laid over the built-in knowledge base.
    pub rules_dir: String,
    pub kb_version: String,
    /// The newest date any rule was checked against its sources (YYYY-MM-DD).
    pub kb_checked: String,
    pub licences: String,
}

#[tauri::command]
#[specta::specta]
pub fn about(state: State<'_, AppState>) -> Result<About, ApiError> {
    let ws = &state.ws;
    let kb = state.with(|_| ws.kb_catalogue())?;
    Ok(About {
        version: tixian_core::VERSION.to_string(),
        db_path: ws.db_path().display().to_string(),
        vault_dir: ws.vault_dir().display().to_string(),
        backup_dir: ws.rolling_dir().display().to_string(),
        rules_dir: ws.user_rules().display().to_string(),
        kb_version: kb.version().to_string(),
        kb_checked: tixian_core::about::kb_checked(&kb),
        licences: tixian_core::about::licences(),
    })
}

/// The files the app was started with, once (a second call returns none).
#[tauri::command]
#[specta::specta]
pub fn take_launch_files(state: State<'_, AppState>) -> Vec<String> {
    let mut files = state.launch_files.lock().unwrap_or_else(|p| p.into_inner());
    std::mem::take(&mut *files)
}

/// The UI drew its first screen: the work that runs beside the app (due notifications,
/// reading evidence text) starts now rather than during the start.
#[tauri::command]
#[specta::specta]
pub fn first_screen_shown(app: tauri::AppHandle) {
    crate::startup::first_screen_shown(&app);
}
