//! The Health screen: the report (shares, tests, arrivals, signals, readiness), chart series,
//! emergency-fund figures, per-platform test intervals, danger signals, payout-rule snapshots
//! and the quarterly review. Each command is a few lines: arguments in, one core call, a typed
//! result or `ApiError` out.

use crate::state::{store_lang, AppState};
use tauri::State;
use tixian_core::health::{
    self, series::HealthSeries, HealthReport, HealthSettings, Review, ReviewChecklist,
    RuleSnapshot, Signal, SignalKind, SnapshotResult,
};
use tixian_core::ledger::{self, Platform};
use tixian_core::Field;
use tixian_core::{ApiError, CoreError, Money};

/// The health report as of now, reasons in the user's language.
#[tauri::command]
#[specta::specta]
pub fn health_report(state: State<'_, AppState>) -> Result<HealthReport, ApiError> {
    let now = state.now();
    state.with(|s| {
        let mut r = health::health(s.conn(), &now)?;
        r.set_lang(store_lang(s));
        Ok(r)
    })
}

/// Chart series: every platform's balances, and the arrivals of `arrivals_of` (else the first
/// platform with any).
#[tauri::command]
#[specta::specta]
pub fn health_series(
    state: State<'_, AppState>,
    arrivals_of: Option<i64>,
) -> Result<HealthSeries, ApiError> {
    let now = state.now();
    state.with(|s| health::series::series(s.conn(), &now, arrivals_of))
}

/// An amount as typed, or `None` when left empty; errors name `field`.
fn optional_amount(text: &str, field: Field) -> Result<Option<Money>, CoreError> {
    match text.trim() {
        "" => Ok(None),
        t => Money::parse_amount(t).map(Some).map_err(|e| e.field(field)),
    }
}

/// Both emergency-fund figures as the user typed them (empty clears one).
#[tauri::command]
#[specta::specta]
pub fn set_health_settings(
    state: State<'_, AppState>,
    monthly_spending: String,
    outside_money: String,
) -> Result<HealthSettings, ApiError> {
    let now = state.now();
    state.with(|s| {
        let settings = HealthSettings {
            monthly_spending: optional_amount(&monthly_spending, Field::MonthlySpending)?,
            outside_money: optional_amount(&outside_money, Field::OutsideMoney)?,
        };
        s.transaction(|tx| health::set_health_settings(tx, &settings, &now))
    })
}

/// How often (days, 1–366) a platform wants a test withdrawal; keeps its other facts.
#[tauri::command]
#[specta::specta]
pub fn set_test_interval(
    state: State<'_, AppState>,
    platform_id: i64,
    days: i64,
) -> Result<Platform, ApiError> {
    let now = state.now();
    state.with(|s| s.transaction(|tx| ledger::set_test_interval(tx, platform_id, days, &now)))
}

/// Logs a danger signal noticed now.
#[tauri::command]
#[specta::specta]
pub fn log_signal(
    state: State<'_, AppState>,
    platform: String,
    kind: SignalKind,
    note: String,
) -> Result<Signal, ApiError> {
    let now = state.now();
    state.with(|s| s.transaction(|tx| health::log_signal(tx, &platform, kind, &note, &now, &now)))
}

#[tauri::command]
#[specta::specta]
pub fn list_signals(state: State<'_, AppState>, platform: String) -> Result<Vec<Signal>, ApiError> {
    state.with(|s| health::list_signals(s.conn(), &platform))
}

/// Saves the pasted payout rules as the platform's newest version; returns the diff and rises.
#[tauri::command]
#[specta::specta]
pub fn save_rule_snapshot(
    state: State<'_, AppState>,
    platform: String,
    text: String,
) -> Result<SnapshotResult, ApiError> {
    let now = state.now();
    state.with(|s| s.transaction(|tx| health::save_rule_snapshot(tx, &platform, &text, &now)))
}

#[tauri::command]
#[specta::specta]
pub fn list_rule_snapshots(
    state: State<'_, AppState>,
    platform: String,
) -> Result<Vec<RuleSnapshot>, ApiError> {
    state.with(|s| health::list_rule_snapshots(s.conn(), &platform))
}

/// Records the quarterly review as done now, with the items the user ticked.
#[tauri::command]
#[specta::specta]
pub fn record_review(
    state: State<'_, AppState>,
    checklist: ReviewChecklist,
) -> Result<Review, ApiError> {
    let now = state.now();
    state.with(|s| s.transaction(|tx| health::record_review(tx, &now, &checklist)))
}

#[tauri::command]
#[specta::specta]
pub fn last_review(state: State<'_, AppState>) -> Result<Option<Review>, ApiError> {
    let now = state.now();
    state.with(|s| health::last_review(s.conn(), &now))
}
