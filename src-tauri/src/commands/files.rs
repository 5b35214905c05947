//! The file dialogs, opened here rather than from the web view (which has no dialog permission
//! for them), so the shell knows every path the user answered one with: the other commands take
//! only those, drops, launch files and the data folder (`tixian_core::grants`).

use crate::state::AppState;
use std::path::PathBuf;
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};
use tixian_core::grants::{OpenKind, SaveKind};
use tixian_core::ApiError;

/// The open dialog for `kind` (titled `title`); the files picked, none when it was closed.
/// Each becomes readable by the other commands.
#[tauri::command]
#[specta::specta]
pub async fn pick_open(
    app: AppHandle,
    kind: OpenKind,
    title: String,
) -> Result<Vec<String>, ApiError> {
    let mut dialog = dialog(&app, title);
    if let Some((name, extensions)) = kind.filter() {
        dialog = dialog.add_filter(name, extensions);
    }
    let (tx, mut rx) = tauri::async_runtime::channel(1);
    if kind.multiple() {
        dialog.pick_files(move |p| drop(tx.try_send(p.unwrap_or_default())));
    } else {
        dialog.pick_file(move |p| drop(tx.try_send(p.into_iter().collect())));
    }
    let paths = local_paths(rx.recv().await.unwrap_or_default());
    app.state::<AppState>().allow_read(&paths);
    Ok(paths.iter().map(|p| p.display().to_string()).collect())
}

/// The save dialog for `kind`, starting at `default_path` (a folder and name, or a name); the
/// answer with the kind's extension, None when it was closed. It becomes writable.
#[tauri::command]
#[specta::specta]
pub async fn pick_save(
    app: AppHandle,
    kind: SaveKind,
    title: String,
    default_path: Option<String>,
) -> Result<Option<String>, ApiError> {
    let (name, extensions) = kind.filter();
    let mut dialog = dialog(&app, title).add_filter(name, extensions);
    if let Some(start) = default_path.map(PathBuf::from) {
        if let Some(dir) = start.parent().filter(|d| d.is_dir()) {
            dialog = dialog.set_directory(dir);
        }
        if let Some(file) = start.file_name() {
            dialog = dialog.set_file_name(file.to_string_lossy());
        }
    }
    let (tx, mut rx) = tauri::async_runtime::channel(1);
    dialog.save_file(move |p| drop(tx.try_send(p.into_iter().collect())));
    let answer = local_paths(rx.recv().await.unwrap_or_default());
    let Some(path) = answer.into_iter().next().map(|p| kind.with_extension(p)) else {
        return Ok(None);
    };
    app.state::<AppState>().allow_write(&path);
    Ok(Some(path.display().to_string()))
}

fn dialog(app: &AppHandle, title: String) -> FileDialogBuilder<tauri::Wry> {
    let dialog = app.dialog().file().set_title(title);
    match app.get_webview_window("main") {
        Some(window) => dialog.set_parent(&window),
        None => dialog,
    }
}

/// Only local files (a desktop dialog gives nothing else).
fn local_paths(picked: Vec<FilePath>) -> Vec<PathBuf> {
    picked
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .collect()
}
