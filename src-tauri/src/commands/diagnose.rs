//! The Diagnose wizard and the Knowledge screen's rules tab: interview steps, saved diagnoses,
//! opening a complaint case from a result, and the rule catalogue with the user's overrides.

use crate::state::AppState;
use serde::Serialize;
use tauri::State;
use tixian_core::diagnose::history::{self, DiagnosisRecord};
use tixian_core::diagnose::interview::{self, Interview, InterviewStep};
use tixian_core::diagnose::MessageExplanation;
use tixian_core::kb::{PatternInfo, RuleInfo};
use tixian_core::ledger::PlatformKind;
use tixian_core::rules::{self, UserFile};
use tixian_core::Field;
use tixian_core::{ApiError, Lang, Money};

/// The diagnosis so far and the questions that can still change it.
#[tauri::command]
#[specta::specta]
pub fn diagnose_step(
    state: State<'_, AppState>,
    interview: Interview,
    lang: Lang,
) -> Result<InterviewStep, ApiError> {
    state.with(|_| interview::step(&*state.ws.kb()?, &interview, lang, &state.now()))
}

/// Diagnoses the finished interview and keeps it in the history.
#[tauri::command]
#[specta::specta]
pub fn diagnose_save(
    state: State<'_, AppState>,
    interview: Interview,
    lang: Lang,
) -> Result<DiagnosisRecord, ApiError> {
    state.with(|store| {
        let now = state.now();
        let step = interview::step(&*state.ws.kb()?, &interview, lang, &now)?;
        let id = store.transaction(|tx| history::save(tx, &interview, &step.diagnosis, &now))?;
        history::get(store.conn(), id)
    })
}

/// Past diagnoses, newest first.
#[tauri::command]
#[specta::specta]
pub fn diagnose_history(
    state: State<'_, AppState>,
    limit: u32,
) -> Result<Vec<DiagnosisRecord>, ApiError> {
    state.with(|store| history::list(store.conn(), limit))
}

/// Opens a complaint case from a saved diagnosis; returns the new case's id.
#[tauri::command]
#[specta::specta]
pub fn diagnose_open_case(
    state: State<'_, AppState>,
    diagnosis_id: i64,
    platform: String,
    amount: String,
    first_steps_done: Vec<String>,
) -> Result<i64, ApiError> {
    let now = state.now();
    state.with(|store| {
        let amount = Money::parse_amount(&amount).map_err(|e| e.field(Field::Amount))?;
        let case = store.transaction(|tx| {
            history::open_case(tx, diagnosis_id, &platform, amount, &first_steps_done, &now)
        })?;
        Ok(case.id)
    })
}

/// The rule catalogue for the Knowledge screen.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct KbCatalogue {
    pub kb_version: String,
    pub rules: Vec<RuleInfo>,
    pub messages: Vec<PatternInfo>,
    /// The user's rule folder (overrides), whether or not it exists.
    pub user_folder: String,
    /// The files of that folder laid over the built-in ones (replacing or adding).
    pub user_files: Vec<UserFile>,
}

/// Every rule and known message, with the user's overrides marked.
#[tauri::command]
#[specta::specta]
pub fn kb_catalogue(state: State<'_, AppState>, lang: Lang) -> Result<KbCatalogue, ApiError> {
    state.with(|_| {
        let dir = state.user_rules();
        let user_files = if dir.is_dir() {
            rules::user_files(&state.rules()?, &dir)
        } else {
            Vec::new()
        };
        let kb = state.ws.kb_catalogue()?;
        Ok(KbCatalogue {
            kb_version: kb.version().to_string(),
            rules: kb.list(lang),
            messages: kb.patterns(),
            user_folder: dir.display().to_string(),
            user_files,
        })
    })
}

/// The ids of the known messages a pasted text matches, for the rules tab's search.
#[tauri::command]
#[specta::specta]
pub fn kb_match(state: State<'_, AppState>, message: String) -> Result<Vec<String>, ApiError> {
    state.with(|_| Ok(state.ws.kb()?.match_message(&message)))
}

/// How a message is understood ("为什么这样判断"): its normal form, the patterns that fired, the
/// nearest known texts with their sources, and the causes that result.
#[tauri::command]
#[specta::specta]
pub fn kb_explain(
    state: State<'_, AppState>,
    message: String,
    platform: Option<PlatformKind>,
    lang: Lang,
) -> Result<MessageExplanation, ApiError> {
    state.with(|_| {
        Ok(state
            .ws
            .kb()?
            .explain_message(&message, platform, lang, &state.now()))
    })
}
