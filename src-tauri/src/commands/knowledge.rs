//! Working-day clocks, the calendar's years (and adding next year's from the notice), and
//! where to complain.

use crate::state::AppState;
use serde::Serialize;
use tauri::State;
use tixian_core::calendar::{self, import, Calendar, DueDate, ParsedNotice};
use tixian_core::ledger::PlatformKind;
use tixian_core::route::{self, RouteView};
use tixian_core::workspace::CalendarSaved;
use tixian_core::Field;
use tixian_core::{time, ApiError, CoreError, Lang};

/// The due date `n` working days (or calendar days, Civil Code Art. 203) after `from`.
#[tauri::command]
#[specta::specta]
pub fn deadline(
    state: State<'_, AppState>,
    from: String,
    working_days: Option<u32>,
    days: Option<u32>,
) -> Result<DueDate, ApiError> {
    state.with(|_| {
        let from = time::parse_date(&from, Field::From)?;
        let calendar = state.calendar()?;
        match (working_days, days) {
            (Some(n), None) => Ok(calendar.add_working_days(from, n)),
            (None, Some(n)) => Ok(calendar.add_calendar_days(from, n)),
            _ => Err(CoreError::invalid(
                Field::Days,
                "请填写工作日数或自然日数中的一项",
                "give either working days or calendar days",
            )),
        }
    })
}

/// The escalation ladder for a platform kind, with each step's due dates from `from`.
#[tauri::command]
#[specta::specta]
pub fn route_view(
    state: State<'_, AppState>,
    kind: PlatformKind,
    from: Option<String>,
    lang: Lang,
) -> Result<RouteView, ApiError> {
    state.with(|_| {
        let route = state.ws.route(kind)?;
        let due = match from.as_deref().filter(|f| !f.trim().is_empty()) {
            Some(text) => {
                let start = time::parse_date(text, Field::From)?;
                Some(route::with_due_dates(&route, &state.calendar()?, start))
            }
            None => None,
        };
        Ok(RouteView::new(&route, lang, due.as_deref()))
    })
}

/// A year the calendar knows, with the notice it comes from.
#[derive(Serialize, specta::Type)]
pub struct CalendarYear {
    pub year: i32,
    pub title: String,
    pub date: String,
    /// Added by the user (a file in the rule folder beside the database), not built in.
    pub from_user: bool,
}

/// The years with a published holiday schedule, the user's own included.
#[tauri::command]
#[specta::specta]
pub fn calendar_years(state: State<'_, AppState>) -> Result<Vec<CalendarYear>, ApiError> {
    state.with(|_| {
        let calendar = state.calendar()?;
        let dir = state.user_rules();
        Ok(calendar
            .known_years()
            .into_iter()
            .filter_map(|year| calendar.schedule(year))
            .map(|s| CalendarYear {
                year: s.year,
                title: s.notice.title.clone(),
                date: s.notice.date.clone(),
                from_user: import::user_file_exists(&dir, s.year),
            })
            .collect())
    })
}

/// A pasted notice, read and checked as it would be saved, for the user to look over.
#[derive(Serialize, specta::Type)]
pub struct CalendarPreview {
    pub notice: ParsedNotice,
    /// The user already has a file for this year (saving replaces it, after asking).
    pub user_file_exists: bool,
    /// The year is built into the app (a saved file takes its place).
    pub built_in: bool,
}

/// Reads the State Council notice `text` (`year` when it has no title) without saving.
#[tauri::command]
#[specta::specta]
pub fn calendar_preview(
    state: State<'_, AppState>,
    text: String,
    year: Option<i32>,
) -> Result<CalendarPreview, ApiError> {
    state.with(|_| {
        let notice = calendar::parse_notice(&text, year)?;
        let dir = state.user_rules();
        import::calendar_with(&dir, &notice, state.now().date_naive())
            .map_err(|e| e.field(Field::Notice))?;
        Ok(CalendarPreview {
            user_file_exists: import::user_file_exists(&dir, notice.year),
            built_in: Calendar::embedded().schedule(notice.year).is_some(),
            notice,
        })
    })
}

/// Saves the notice `text` as `calendar/YYYY.toml` beside the database. An existing file of
/// the user's for that year is replaced only with `replace` (the UI asks first).
#[tauri::command]
#[specta::specta]
pub fn calendar_save(
    state: State<'_, AppState>,
    text: String,
    year: Option<i32>,
    replace: bool,
) -> Result<CalendarSaved, ApiError> {
    let now = state.now();
    state.with(|s| {
        let notice = calendar::parse_notice(&text, year)?;
        state
            .ws
            .save_notice(Some(s.conn()), &notice, replace, &now)
            .map_err(|e| match e.named_field() {
                Some(Field::Replace) => e,
                _ => e.field(Field::Notice),
            })
    })
}
