//! Each command is a few lines: arguments in, one core call, a typed result or `ApiError` out.

use crate::state::{store_lang, AppState};
use serde::Serialize;
use tauri::State;
use tixian_core::health::{self, home::HomeDue};
use tixian_core::ledger::{self, BalanceSnapshot, MoneyOverview, NewPlatform, Platform};
use tixian_core::workspace::Clock;
use tixian_core::Field;
use tixian_core::{time, ApiError, Lang, Money};

#[derive(Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub db_path: String,
    pub schema_version: i64,
    pub lang: Lang,
    /// Why the database could not be opened, if it could not.
    pub open_error: Option<ApiError>,
    /// "Now" as RFC 3339 when `TIXIAN_NOW` pins the clock (tests); the UI then takes today from
    /// it instead of the computer's clock.
    pub pinned_now: Option<String>,
}

// Off the main thread (`async`): at start it waits for the database to open (see
// `AppState::open_default`), and the window must keep drawing meanwhile.
#[tauri::command(async)]
#[specta::specta]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    let opened = state.with(|s| Ok((s.schema_version()?, store_lang(s))));
    let (schema_version, lang) = opened.unwrap_or((0, Lang::Zh));
    AppInfo {
        version: tixian_core::VERSION.to_string(),
        db_path: state.ws.db_path().display().to_string(),
        schema_version,
        lang,
        open_error: state.open_error(),
        pinned_now: match state.ws.clock() {
            Clock::Pinned(t) => Some(time::to_rfc3339(t)),
            Clock::System => None,
        },
    }
}

#[tauri::command]
#[specta::specta]
pub fn set_language(state: State<'_, AppState>, lang: Lang) -> Result<(), ApiError> {
    state.with(|s| s.set_setting("lang", lang.as_str()))
}

#[tauri::command]
#[specta::specta]
pub fn money_overview(state: State<'_, AppState>) -> Result<MoneyOverview, ApiError> {
    state.with(|s| ledger::overview(s.conn()))
}

#[tauri::command]
#[specta::specta]
pub fn list_platforms(state: State<'_, AppState>) -> Result<Vec<Platform>, ApiError> {
    state.with(|s| ledger::list_platforms(s.conn()))
}

#[tauri::command]
#[specta::specta]
pub fn add_platform(state: State<'_, AppState>, input: NewPlatform) -> Result<Platform, ApiError> {
    let now = state.now();
    state.with(|s| s.transaction(|tx| ledger::add_platform(tx, &input, &now)))
}

/// `amount` is the text the user typed; core validates it ("1,234.50", "¥12" …).
#[tauri::command]
#[specta::specta]
pub fn add_balance(
    state: State<'_, AppState>,
    platform: String,
    amount: String,
    at: Option<String>,
) -> Result<BalanceSnapshot, ApiError> {
    let now = state.now();
    state.with(|s| {
        let amount = Money::parse_amount(&amount)?;
        let at = match at.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(text) => time::parse_time(text, Field::At)?,
            None => now,
        };
        s.transaction(|tx| ledger::add_balance(tx, &platform, amount, &at, &now))
    })
}

/// What Home lists as due now: test withdrawals, the quarterly review, case follow-ups and
/// broken promises, each linking to where it is fixed.
#[tauri::command]
#[specta::specta]
pub fn home_due(state: State<'_, AppState>) -> Result<Vec<HomeDue>, ApiError> {
    let now = state.now();
    state.with(|s| health::home::home_due(s.conn(), &now, store_lang(s)))
}
