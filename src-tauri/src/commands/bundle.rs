//! The PDF evidence bundle in the app: a suggested file name, export off the UI thread with
//! `ExportProgressEvent`s for the progress bar, verify (also off the UI thread: it re-hashes
//! every file), and "open folder". Core does all the work; these only translate.

use crate::state::{store_lang, AppState};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;
use tixian_core::cases::bundle::{self, CatalogEdit, CatalogView};
use tixian_core::cases::forms::{ComplaintForm, FormChannel};
use tixian_core::export::{self, ExportOptions, ExportReport, ExportStage, Split, VerifyReport};
use tixian_core::grants::Access;
use tixian_core::Field;
use tixian_core::{fsutil, ApiError, CoreError, Lang};

/// Export progress of one case's bundle: `done` of `total` steps, in `stage`.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct ExportProgressEvent {
    pub case_id: i64,
    pub done: u32,
    pub total: u32,
    pub stage: ExportStage,
}

impl ExportProgressEvent {
    fn new(case_id: i64, p: export::Progress) -> ExportProgressEvent {
        let (done, total, stage) = (p.done, p.total, p.stage);
        ExportProgressEvent {
            case_id,
            done,
            total,
            stage,
        }
    }
}

/// Where the save dialog starts: `案件12_证据包_2026-11-23.pdf` (English: `case12_evidence_…`) in
/// the user's Documents folder (home, then the current folder, when there is none).
#[tauri::command]
#[specta::specta]
pub fn bundle_default_path(
    app: AppHandle,
    state: State<'_, AppState>,
    case_id: i64,
) -> Result<String, ApiError> {
    let today = tixian_core::time::local_date(&state.now());
    let name = bundle::default_file_name(case_id, state.lang(), today);
    let path = super::save_dir(&app).join(name);
    // A place the shell proposes, not one the web view chose: writable as a save answer is.
    state.allow_write(&path);
    Ok(path.display().to_string())
}

/// Writes the case's bundle to `out` (and `out`'s `.files/` folder) in the user's language,
/// whole or split (`split`). An existing bundle there fails with code `conflict` unless
/// `overwrite` (the UI asks first).
#[tauri::command]
#[specta::specta]
pub async fn export_case_bundle(
    app: AppHandle,
    case_id: i64,
    out: String,
    all_tiers: bool,
    smaller_file: bool,
    overwrite: bool,
    split: Split,
) -> Result<ExportReport, ApiError> {
    let worker = app.clone();
    let run = move || {
        let state = worker.state::<AppState>();
        let out = state.allowed_path(&out, Access::Write, Field::Out)?;
        let (now, lang) = (state.now(), state.lang());
        // The store is locked only while the case is read, not while the PDF is written.
        let input = state.with(|s| {
            state
                .ws
                .bundle_input(s.conn(), case_id, lang, all_tiers, &now)
        })?;
        let opts = ExportOptions {
            overwrite,
            smaller_file,
            split,
        };
        let mut progress = export::each_step(|p| {
            let _ = ExportProgressEvent::new(case_id, p).emit(&worker);
        });
        let report = export::export_bundle(&input, &out, &opts, &mut progress);
        let report = report.map_err(|e| e.to_api(lang))?;
        report.written().for_each(|path| state.allow_write(path));
        Ok(report)
    };
    super::blocking(run).await
}

/// Re-hashes every file of the bundle `pdf` (in its `.files/` folder and embedded in the PDF).
/// Not a bundle, or no such file → code `invalid`; differences are in the report's entries.
#[tauri::command]
#[specta::specta]
pub async fn verify_bundle(
    state: State<'_, AppState>,
    pdf: String,
) -> Result<VerifyReport, ApiError> {
    let lang = state.lang();
    if pdf.trim().is_empty() {
        return Err(CoreError::invalid(
            Field::File,
            "请选择或拖入证据包 PDF",
            "choose or drop a bundle PDF",
        )
        .to_api(lang));
    }
    let pdf = state.allowed_path(&pdf, Access::Read, Field::File)?;
    let run = move || export::verify_bundle(&pdf).map_err(|e| e.to_api(lang));
    super::blocking(run).await
}

/// Shows `path` selected in the system file manager ("open folder" after an export). Off the
/// main thread: asking the desktop's file manager over D-Bus can take a while.
#[tauri::command]
#[specta::specta]
pub async fn reveal_in_folder(state: State<'_, AppState>, path: String) -> Result<(), ApiError> {
    let lang = state.lang();
    state.allowed_path(&path, Access::Read, Field::Path)?;
    let run = move || {
        let path = fsutil::existing_path(&path, Field::Path).map_err(|e| e.to_api(lang))?;
        // No file manager answered (e.g. no desktop session): say where the folder is instead.
        tauri_plugin_opener::reveal_item_in_dir(&path).map_err(|e| {
            let dir = path.parent().unwrap_or(&path).display();
            ApiError {
                code: "unavailable".into(),
                message: match lang {
                    Lang::Zh => format!("无法打开文件管理器，请手动打开这个文件夹：{dir}（{e}）"),
                    Lang::En => format!(
                        "Could not open the file manager; open this folder yourself: {dir} ({e})"
                    ),
                },
                field: None,
            }
        })
    };
    super::blocking(run).await
}

/// The case's 证据目录 as it will be exported (the user's names and purposes, the suggestions,
/// 序号 and 证据来源).
#[tauri::command]
#[specta::specta]
pub fn case_catalog(
    state: State<'_, AppState>,
    case_id: i64,
    all_tiers: bool,
) -> Result<CatalogView, ApiError> {
    state.with(|s| catalog_now(&state, s, case_id, all_tiers))
}

/// The 目录 of `case_id` as the store holds it now.
fn catalog_now(
    state: &AppState,
    s: &tixian_core::store::Store,
    case_id: i64,
    all_tiers: bool,
) -> Result<CatalogView, CoreError> {
    let now = state.now();
    state
        .ws
        .catalog_view(s.conn(), case_id, store_lang(s), all_tiers, &now)
}

/// Stores the user's 目录 (rows in order, names and purposes; empty = the suggestion) and the
/// applicant's name, in one transaction; returns the 目录 as it now stands.
#[tauri::command]
#[specta::specta]
pub fn save_case_catalog(
    state: State<'_, AppState>,
    case_id: i64,
    all_tiers: bool,
    applicant: String,
    rows: Vec<CatalogEdit>,
) -> Result<CatalogView, ApiError> {
    state.with(|s| {
        s.transaction(|tx| {
            tixian_core::cases::bundle::save_catalog(tx, case_id, &applicant, &rows)
        })?;
        catalog_now(&state, s, case_id, all_tiers)
    })
}

/// The case laid out field by field for the online form of 12315, 12378 or 12363
/// (`channel`), to copy box by box or whole.
#[tauri::command]
#[specta::specta]
pub fn complaint_form(
    state: State<'_, AppState>,
    case_id: i64,
    channel: String,
) -> Result<ComplaintForm, ApiError> {
    let now = state.now();
    state.with(|s| {
        let channel: FormChannel = channel.parse()?;
        tixian_core::cases::forms::complaint_form(
            s.conn(),
            case_id,
            channel,
            store_lang(s),
            &now,
            &state.rules()?,
        )
    })
}
