//! Permanent erase of a case, an evidence item or a platform (no undo; the UI asks the user to
//! type the name first and says that exported bundles and backups are not touched).

use crate::state::AppState;
use tauri::State;
use tixian_core::erase::{self, Erased};
use tixian_core::ApiError;

#[tauri::command]
#[specta::specta]
pub fn erase_case(state: State<'_, AppState>, id: i64) -> Result<Erased, ApiError> {
    let vault = state.ws.vault_dir();
    state.with(|s| erase::erase_case(s, &vault, id))
}

#[tauri::command]
#[specta::specta]
pub fn erase_evidence(state: State<'_, AppState>, id: i64) -> Result<Erased, ApiError> {
    let vault = state.ws.vault_dir();
    state.with(|s| erase::erase_evidence(s, &vault, id))
}

#[tauri::command]
#[specta::specta]
pub fn erase_platform(state: State<'_, AppState>, id: i64) -> Result<Erased, ApiError> {
    let vault = state.ws.vault_dir();
    state.with(|s| erase::erase_platform(s, &vault, id))
}
