//! Follow-ups after an official complaint (preview the due day, add, mark done, undo) and the
//! desktop-notification switch. Core validates and computes; these only translate.

use crate::state::AppState;
use serde::Deserialize;
use tauri::State;
use tixian_core::cases::{self, FollowUp, FollowUpPreview, NewFollowUp};
use tixian_core::Field;
use tixian_core::{health, time, ApiError, CoreError};

/// The "add follow-up" form as typed.
#[derive(Deserialize, specta::Type)]
pub struct FollowUpInput {
    /// Who the complaint went to (12315, 12363, the platform's complaint mailbox …).
    pub body: String,
    pub reference: String,
    /// When it was filed (a date or a date and time; Asia/Shanghai without an offset).
    pub filed: String,
    /// The body's own deadline in working days.
    pub working_days: u32,
}

fn to_new(input: FollowUpInput) -> Result<NewFollowUp, CoreError> {
    Ok(NewFollowUp {
        body: input.body,
        reference: input.reference,
        filed_at: time::parse_time(input.filed.trim(), Field::Filed)?,
        working_days: input.working_days,
    })
}

/// The due day and the working days left, computed as the form is filled in; stores nothing.
#[tauri::command]
#[specta::specta]
pub fn preview_follow_up(
    state: State<'_, AppState>,
    input: FollowUpInput,
) -> Result<FollowUpPreview, ApiError> {
    let now = state.now();
    // Through the store only for the user's language in error messages.
    state.with(|_| cases::preview_follow_up(&to_new(input)?, &state.calendar()?, &now))
}

#[tauri::command]
#[specta::specta]
pub fn add_follow_up(
    state: State<'_, AppState>,
    id: i64,
    input: FollowUpInput,
) -> Result<FollowUp, ApiError> {
    let now = state.now();
    state.with(|s| {
        let new = to_new(input)?;
        let calendar = state.calendar()?;
        s.transaction(|tx| cases::add_follow_up(tx, id, &new, &calendar, &now))
    })
}

#[tauri::command]
#[specta::specta]
pub fn mark_follow_up_done(
    state: State<'_, AppState>,
    id: i64,
    follow_up: i64,
) -> Result<(), ApiError> {
    let now = state.now();
    state.with(|s| s.transaction(|tx| cases::mark_follow_up_done(tx, id, follow_up, &now)))
}

/// Undo of "done": the follow-up is open (and due, if its day has come) again.
#[tauri::command]
#[specta::specta]
pub fn reopen_follow_up(
    state: State<'_, AppState>,
    id: i64,
    follow_up: i64,
) -> Result<(), ApiError> {
    state.with(|s| s.transaction(|tx| cases::reopen_follow_up(tx, id, follow_up)))
}

#[tauri::command]
#[specta::specta]
pub fn notifications_enabled(state: State<'_, AppState>) -> Result<bool, ApiError> {
    state.with(|s| health::notifications_enabled(s.conn()))
}

#[tauri::command]
#[specta::specta]
pub fn set_notifications_enabled(state: State<'_, AppState>, on: bool) -> Result<(), ApiError> {
    state.with(|s| s.transaction(|tx| health::set_notifications_enabled(tx, on)))
}
