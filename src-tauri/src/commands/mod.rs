//! IPC commands, one file per area. Each command is a few lines: arguments in, one core call,
//! a typed result or `ApiError` out.

pub mod backup;
pub mod bundle;
pub mod cases;
pub mod diagnose;
pub mod erase;
pub mod files;
pub mod first_run;
pub mod followups;
pub mod health;
pub mod knowledge;
pub mod ledger;
pub mod lock;
pub mod money;
pub mod ocr;

use std::path::PathBuf;
use tauri::{AppHandle, Manager};
use tixian_core::ApiError;

/// Runs `f` off the UI thread (imports, exports, backups: anything that can take seconds).
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| ApiError {
            code: "internal".into(),
            message: e.to_string(),
            field: None,
        })?
}

/// Where a file the user saves goes by default: Documents, else the home folder.
pub(crate) fn save_dir(app: &AppHandle) -> PathBuf {
    let paths = app.path();
    paths
        .document_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| paths.home_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}
