//! Working-day clocks and where to complain.

use crate::state::AppState;
use tauri::State;
use tixian_core::calendar::DueDate;
use tixian_core::ledger::PlatformKind;
use tixian_core::route::{self, RouteView};
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
        let from = time::parse_date(&from, "from")?;
        let calendar = state.calendar()?;
        match (working_days, days) {
            (Some(n), None) => Ok(calendar.add_working_days(from, n)),
            (None, Some(n)) => Ok(calendar.add_calendar_days(from, n)),
            _ => Err(CoreError::invalid(
                "days",
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
        let route = route::route_for(kind);
        let due = match from.as_deref().filter(|f| !f.trim().is_empty()) {
            Some(text) => {
                let start = time::parse_date(text, "from")?;
                Some(route::with_due_dates(&route, &state.calendar()?, start))
            }
            None => None,
        };
        Ok(RouteView::new(&route, lang, due.as_deref()))
    })
}
