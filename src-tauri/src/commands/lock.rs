//! Settings → App lock, and the unlock screen at start: thin commands over the workspace's
//! lock operations (`tixian_core::lock`). Conversions run off the UI thread.

use crate::state::AppState;
use tauri::{AppHandle, Manager, State};
use tixian_core::crypto::Passphrase;
use tixian_core::lock::LockStatus;
use tixian_core::{ApiError, Field, Lang};

/// Whether the lock is set, and how many evidence files are encrypted.
#[tauri::command]
#[specta::specta]
pub fn lock_status(state: State<'_, AppState>) -> Result<LockStatus, ApiError> {
    let lang = state.lang();
    state.ws.lock_status().map_err(|e| e.to_api(lang))
}

/// The unlock screen: opens the database with `passphrase`; then what start-up skipped while
/// it was locked (today's backup, reading evidence text) runs.
#[tauri::command]
#[specta::specta]
pub async fn unlock(app: AppHandle, passphrase: String, lang: Lang) -> Result<(), ApiError> {
    super::blocking(move || {
        app.state::<AppState>().unlock(&passphrase, lang)?;
        let handle = app.clone();
        std::thread::spawn(move || super::backup::run_rolling_backup(&handle));
        crate::evidence_text::kick(&app);
        Ok(())
    })
    .await
}

/// Sets the app lock with a new passphrase (the UI asked for it twice).
#[tauri::command]
#[specta::specta]
pub async fn set_lock(app: AppHandle, passphrase: String) -> Result<LockStatus, ApiError> {
    convert(app, move |ws| {
        ws.set_lock(Passphrase::new_chosen(passphrase, Field::NewPassphrase)?)
    })
    .await
}

/// Changes the passphrase; `current` must open the lock.
#[tauri::command]
#[specta::specta]
pub async fn change_lock(
    app: AppHandle,
    current: String,
    new_passphrase: String,
) -> Result<LockStatus, ApiError> {
    convert(app, move |ws| {
        let current = Passphrase::new(current, Field::Passphrase)?;
        ws.change_lock(
            &current,
            Passphrase::new_chosen(new_passphrase, Field::NewPassphrase)?,
        )
    })
    .await
}

/// Removes the app lock after the UI's confirmation; `current` must open it.
#[tauri::command]
#[specta::specta]
pub async fn remove_lock(app: AppHandle, current: String) -> Result<LockStatus, ApiError> {
    convert(app, move |ws| {
        ws.remove_lock(&Passphrase::new(current, Field::Passphrase)?)
    })
    .await
}

async fn convert(
    app: AppHandle,
    change: impl FnOnce(&mut tixian_core::Workspace) -> tixian_core::Result<()> + Send + 'static,
) -> Result<LockStatus, ApiError> {
    super::blocking(move || {
        let state = app.state::<AppState>();
        state.change_lock(change)?;
        state.ws.lock_status().map_err(|e| e.to_api(Lang::Zh))
    })
    .await
}
