//! Platform money beyond the overview: a platform's facts, balance history, withdrawals (test
//! withdrawals included), deletes with undo, and WeChat / Alipay bill imports with progress.
//! Each command is a few lines: arguments in, one core call, a typed result or `ApiError` out.

use crate::state::AppState;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;
use tixian_core::grants::Access;
use tixian_core::import::{self, ImportOptions, ImportRecord, ImportReport, TxnPage, TxnQuery};
use tixian_core::ledger::{
    self, BalanceSnapshot, Deleted, Platform, PlatformEdit, Withdrawal, WithdrawalForm,
    WithdrawalStatus,
};
use tixian_core::ApiError;
use tixian_core::Field;

#[tauri::command]
#[specta::specta]
pub fn get_platform(state: State<'_, AppState>, id: i64) -> Result<Platform, ApiError> {
    state.with(|s| ledger::get_platform(s.conn(), id))
}

#[tauri::command]
#[specta::specta]
pub fn update_platform(
    state: State<'_, AppState>,
    id: i64,
    edit: PlatformEdit,
) -> Result<Platform, ApiError> {
    let now = state.now();
    state.with(|s| s.transaction(|tx| ledger::update_platform(tx, id, &edit, &now)))
}

/// Deletes a platform with everything on it; the returned record undoes it via `restore_deleted`.
#[tauri::command]
#[specta::specta]
pub fn delete_platform(state: State<'_, AppState>, id: i64) -> Result<Deleted, ApiError> {
    state.with(|s| s.transaction(|tx| ledger::delete_platform(tx, id)))
}

#[tauri::command]
#[specta::specta]
pub fn delete_balance(state: State<'_, AppState>, id: i64) -> Result<Deleted, ApiError> {
    state.with(|s| s.transaction(|tx| ledger::delete_balance(tx, id)))
}

#[tauri::command]
#[specta::specta]
pub fn delete_withdrawal(state: State<'_, AppState>, id: i64) -> Result<Deleted, ApiError> {
    state.with(|s| s.transaction(|tx| ledger::delete_withdrawal(tx, id)))
}

/// Undo: puts back what a delete removed.
#[tauri::command]
#[specta::specta]
pub fn restore_deleted(state: State<'_, AppState>, deleted: Deleted) -> Result<(), ApiError> {
    state.with(|s| s.transaction(|tx| ledger::restore(tx, &deleted)))
}

#[tauri::command]
#[specta::specta]
pub fn list_balances(
    state: State<'_, AppState>,
    platform: String,
) -> Result<Vec<BalanceSnapshot>, ApiError> {
    state.with(|s| ledger::list_balances(s.conn(), &platform))
}

#[tauri::command]
#[specta::specta]
pub fn list_withdrawals(
    state: State<'_, AppState>,
    platform: Option<String>,
) -> Result<Vec<Withdrawal>, ApiError> {
    state.with(|s| ledger::list_withdrawals(s.conn(), platform.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn add_withdrawal(
    state: State<'_, AppState>,
    form: WithdrawalForm,
) -> Result<Withdrawal, ApiError> {
    let now = state.now();
    state.with(|s| {
        let w = form.parse(&now)?;
        s.transaction(|tx| ledger::add_withdrawal(tx, &w, &now))
    })
}

#[tauri::command]
#[specta::specta]
pub fn update_withdrawal(
    state: State<'_, AppState>,
    id: i64,
    form: WithdrawalForm,
) -> Result<Withdrawal, ApiError> {
    let now = state.now();
    state.with(|s| {
        let w = form.parse(&now)?;
        s.transaction(|tx| ledger::update_withdrawal(tx, id, &w, &now))
    })
}

/// One click from a row: marks a withdrawal arrived / failed / returned (arrived now, or at
/// `at`), keeping everything else.
#[tauri::command]
#[specta::specta]
pub fn set_withdrawal_status(
    state: State<'_, AppState>,
    id: i64,
    status: WithdrawalStatus,
    at: Option<String>,
) -> Result<Withdrawal, ApiError> {
    let now = state.now();
    state.with(|s| {
        s.transaction(|tx| ledger::set_withdrawal_status(tx, id, status, at.as_deref(), &now))
    })
}

/// A test withdrawal asked for now (status requested); the user marks it arrived later.
#[tauri::command]
#[specta::specta]
pub fn log_test_withdrawal(
    state: State<'_, AppState>,
    platform: String,
    amount: String,
    card_tail: String,
) -> Result<Withdrawal, ApiError> {
    add_withdrawal(state, WithdrawalForm::test(platform, amount, card_tail))
}

#[tauri::command]
#[specta::specta]
pub fn query_transactions(
    state: State<'_, AppState>,
    query: TxnQuery,
) -> Result<TxnPage, ApiError> {
    state.with(|s| import::query_transactions(s.conn(), &query))
}

#[tauri::command]
#[specta::specta]
pub fn list_imports(
    state: State<'_, AppState>,
    platform: Option<String>,
) -> Result<Vec<ImportRecord>, ApiError> {
    state.with(|s| import::list_imports(s.conn(), platform.as_deref()))
}

/// Rows of the bill stored so far, sent while an import runs (for the progress bar).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct ImportProgressEvent {
    pub done: u64,
    pub total: u64,
}

impl From<import::ImportProgress> for ImportProgressEvent {
    fn from(p: import::ImportProgress) -> ImportProgressEvent {
        let (done, total) = (p.done, p.total);
        ImportProgressEvent { done, total }
    }
}

/// Imports a bill export (CSV, XLSX, or the ZIP it came in) off the UI thread, sending
/// `ImportProgressEvent`s. A ZIP needing a password fails with field `password`; an import
/// stopped by [`cancel_import`] fails with code `cancelled` and stores nothing.
#[tauri::command]
#[specta::specta]
pub async fn import_bill(
    app: AppHandle,
    path: String,
    platform: Option<String>,
    password: Option<String>,
) -> Result<ImportReport, ApiError> {
    let cancel = app.state::<AppState>().import_cancel.clone();
    cancel.store(false, std::sync::atomic::Ordering::Relaxed);
    let options = ImportOptions::from_form(platform, password, cancel);
    let worker = app.clone();
    let run = move || {
        let state = worker.state::<AppState>();
        let now = state.now();
        let mut progress = import::per_percent(|p| {
            let _ = ImportProgressEvent::from(p).emit(&worker);
        });
        let path = state.allowed_path(&path, Access::Read, Field::File)?;
        state.with(|s| import::import_file(s, &path, &options, &now, &mut progress))
    };
    super::blocking(run).await
}

/// Stops the running import (its Cancel button): it ends between two batches of rows, its
/// transaction rolled back, nothing stored and nothing kept in the vault.
#[tauri::command]
#[specta::specta]
pub fn cancel_import(state: State<'_, AppState>) {
    state
        .import_cancel
        .store(true, std::sync::atomic::Ordering::Relaxed);
}
