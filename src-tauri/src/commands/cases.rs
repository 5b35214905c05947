//! Complaint cases: the list, one case with its timeline, evidence, contacts and ladder, the
//! promise finder, preparation aids and letters. Core validates and writes (one transaction per
//! user action); these commands only translate arguments and results.

use crate::state::AppState;
use serde::Deserialize;
use tauri::{AppHandle, State};
use tixian_core::cases::evidence::{self, EvidenceInput, EvidenceItem};
use tixian_core::cases::evidence_text;
use tixian_core::cases::letters::{self, Letter, Recipient};
use tixian_core::cases::prep::{self, Prep};
use tixian_core::cases::promises::{find_promises, PromiseProposal};
use tixian_core::cases::{
    self, Case, CaseContact, CaseDetail, CaseLadder, CaseRow, CaseStatus, ContactChannel, NewCase,
    NewContact, NewEvent, Stage, Tier, TimelineEvent,
};
use tixian_core::grants::Access;
use tixian_core::imaging;
use tixian_core::time::{self, Timestamp};
use tixian_core::Field;
use tixian_core::{ApiError, CoreError, Lang, Money};

/// The "new case" form as typed; core checks every field.
#[derive(Deserialize, specta::Type)]
pub struct NewCaseInput {
    pub platform: String,
    pub amount: String,
    pub occurred: String,
    pub summary: String,
    pub account: String,
    pub message: String,
}

/// A contact as typed (or a confirmed promise proposal).
#[derive(Deserialize, specta::Type)]
pub struct ContactInput {
    pub at: String,
    pub channel: ContactChannel,
    pub agent: String,
    pub said: String,
    pub promise: String,
    pub due: Option<String>,
    /// The time limit of a confirmed promise proposal ("3个工作日内"): the due time is then
    /// counted from it on every read. `null` for a contact typed by hand.
    pub limit: Option<String>,
    pub outcome: String,
}

fn optional_time(text: &Option<String>, field: Field) -> Result<Option<Timestamp>, CoreError> {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => time::parse_time(t, field).map(Some),
        None => Ok(None),
    }
}

fn required_time(text: &str, field: Field) -> Result<Timestamp, CoreError> {
    time::parse_time(text.trim(), field)
}

#[tauri::command]
#[specta::specta]
pub fn list_cases(state: State<'_, AppState>) -> Result<Vec<CaseRow>, ApiError> {
    let now = state.now();
    state.with(|s| cases::case_rows(s.conn(), &now, &state.calendar()?))
}

#[tauri::command]
#[specta::specta]
pub fn new_case(state: State<'_, AppState>, input: NewCaseInput) -> Result<Case, ApiError> {
    let now = state.now();
    state.with(|s| {
        let new = NewCase {
            platform: input.platform,
            amount: Money::parse_amount(&input.amount).map_err(|e| e.field(Field::Amount))?,
            occurred: required_time(&input.occurred, Field::Occurred)?,
            summary: input.summary,
            account: input.account,
            message: input.message,
            diagnosis: None,
        };
        s.transaction(|tx| cases::create_case(tx, &new, &now))
    })
}

#[tauri::command]
#[specta::specta]
pub fn case_detail(state: State<'_, AppState>, id: i64) -> Result<CaseDetail, ApiError> {
    let now = state.now();
    state.with(|s| cases::detail(s.conn(), id, &now, &state.calendar()?))
}

#[tauri::command]
#[specta::specta]
pub fn set_case_status(
    state: State<'_, AppState>,
    id: i64,
    status: CaseStatus,
) -> Result<Case, ApiError> {
    let now = state.now();
    state.with(|s| s.transaction(|tx| cases::set_status(tx, id, status, &now)))
}

#[tauri::command]
#[specta::specta]
pub fn set_case_stage(state: State<'_, AppState>, id: i64, stage: Stage) -> Result<Case, ApiError> {
    let now = state.now();
    state.with(|s| s.transaction(|tx| cases::set_stage(tx, id, stage, &now)))
}

#[tauri::command]
#[specta::specta]
pub fn add_case_event(
    state: State<'_, AppState>,
    id: i64,
    at: String,
    text: String,
    evidence_id: Option<i64>,
) -> Result<TimelineEvent, ApiError> {
    let now = state.now();
    state.with(|s| {
        let new = NewEvent {
            at: required_time(&at, Field::At)?,
            text,
            evidence_id,
        };
        s.transaction(|tx| cases::add_event(tx, id, &new, &now))
    })
}

/// Copies the file at `path` into the vault. The file is read and (for images) fully decoded
/// before the store is locked and anything is written; the original is never modified.
#[tauri::command]
#[specta::specta]
pub fn add_evidence(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    path: String,
    caption: String,
    tier: Tier,
) -> Result<EvidenceItem, ApiError> {
    let now = state.now();
    let path = state.allowed_path(&path, Access::Read, Field::File)?;
    let input = EvidenceInput {
        path,
        caption,
        tier,
        taken_at: None,
    };
    let prepared = evidence::prepare(&input).map_err(|e| e.to_api(state.lang()))?;
    let item = state.with(|s| state.ws.add_evidence(s, id, &prepared, &now))?;
    if item.mime.starts_with("image/") {
        crate::evidence_text::kick(&app);
    }
    Ok(item)
}

/// A PNG thumbnail of an image evidence item as a `data:` URL (None for PDFs, audio …).
#[tauri::command]
#[specta::specta]
pub fn evidence_thumbnail(
    state: State<'_, AppState>,
    evidence_id: i64,
) -> Result<Option<String>, ApiError> {
    state.with(|s| {
        let item = evidence::get_evidence(s.conn(), evidence_id)?;
        let vault = tixian_core::store::vault_dir(s.path());
        let png = evidence::thumbnail_for(&vault, &item)?;
        Ok(png.map(|bytes| imaging::data_url("image/png", &bytes)))
    })
}

/// The user's text for an image (their correction of what was read).
#[tauri::command]
#[specta::specta]
pub fn set_evidence_text(
    state: State<'_, AppState>,
    evidence_id: i64,
    text: String,
) -> Result<EvidenceItem, ApiError> {
    let now = state.now();
    state.with(|s| s.transaction(|tx| evidence_text::set_text(tx, evidence_id, &text, &now)))
}

/// The ids of the case's evidence whose caption, file name or text contain `query`.
#[tauri::command]
#[specta::specta]
pub fn search_case_evidence(
    state: State<'_, AppState>,
    case_id: i64,
    query: String,
) -> Result<Vec<i64>, ApiError> {
    state.with(|s| {
        let found = evidence_text::search(s.conn(), case_id, Some(&query))?;
        Ok(found.iter().map(|e| e.id).collect())
    })
}

#[tauri::command]
#[specta::specta]
pub fn add_contact(
    state: State<'_, AppState>,
    id: i64,
    input: ContactInput,
) -> Result<CaseContact, ApiError> {
    let now = state.now();
    state.with(|s| {
        let new = NewContact {
            at: required_time(&input.at, Field::At)?,
            channel: input.channel,
            agent: input.agent,
            said: input.said,
            promise: input.promise,
            due: optional_time(&input.due, Field::Due)?,
            limit: input.limit.filter(|l| !l.trim().is_empty()),
            outcome: input.outcome,
        };
        cases::log::validate_contact(&new)?;
        let calendar = state.calendar()?;
        s.transaction(|tx| cases::add_contact(tx, id, &new, &calendar, &now))
    })
}

#[tauri::command]
#[specta::specta]
pub fn mark_promise_kept(
    state: State<'_, AppState>,
    id: i64,
    contact: i64,
) -> Result<(), ApiError> {
    let now = state.now();
    state.with(|s| s.transaction(|tx| cases::mark_promise_kept(tx, id, contact, &now)))
}

/// Proposals only: nothing is stored until the user confirms one (via `add_contact`).
#[tauri::command]
#[specta::specta]
pub fn find_case_promises(
    state: State<'_, AppState>,
    id: i64,
    text: String,
    received: Option<String>,
) -> Result<Vec<PromiseProposal>, ApiError> {
    state.with(|s| {
        cases::get_case(s.conn(), id)?;
        if text.trim().is_empty() {
            return Err(CoreError::invalid(
                Field::Text,
                "请粘贴客服聊天记录或邮件",
                "paste a customer-service chat or email",
            ));
        }
        let received = optional_time(&received, Field::Received)?.unwrap_or_else(|| state.now());
        Ok(find_promises(&text, &received, &state.calendar()?))
    })
}

#[tauri::command]
#[specta::specta]
pub fn case_prep(state: State<'_, AppState>, id: i64, lang: Lang) -> Result<Prep, ApiError> {
    let now = state.now();
    state.with(|s| prep::prep_for_case(s.conn(), id, lang, &now, &state.rules()?))
}

#[tauri::command]
#[specta::specta]
pub fn case_letter(
    state: State<'_, AppState>,
    id: i64,
    to: Recipient,
    lang: Lang,
) -> Result<Letter, ApiError> {
    let now = state.now();
    state.with(|s| letters::letter_for_case(s.conn(), id, to, lang, &now, &state.rules()?))
}

#[tauri::command]
#[specta::specta]
pub fn case_ladder(
    state: State<'_, AppState>,
    id: i64,
    lang: Lang,
) -> Result<CaseLadder, ApiError> {
    let today = state.now().date_naive();
    state.with(|s| {
        let calendar = state.calendar()?;
        cases::case_ladder(
            s.conn(),
            id,
            |kind| state.ws.route(kind),
            &calendar,
            today,
            lang,
        )
    })
}

/// Writes a letter the user chose to save (the path comes from the save dialog).
#[tauri::command]
#[specta::specta]
pub fn save_text_file(
    state: State<'_, AppState>,
    path: String,
    text: String,
) -> Result<(), ApiError> {
    let path = state.allowed_path(&path, Access::Write, Field::Path)?;
    std::fs::write(&path, text).map_err(|e| {
        let shown = path.display();
        CoreError::invalid(
            Field::Path,
            format!("无法写入 {shown}：{e}"),
            format!("cannot write {shown}: {e}"),
        )
        .to_api(state.lang())
    })
}
