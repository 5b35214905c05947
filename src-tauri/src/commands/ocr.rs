//! Reading a screenshot on the Diagnose screen: the text found (with its boxes), the
//! platform's message picked from it, and a preview to draw the boxes on. Runs off the UI
//! thread, reports `OcrProgressEvent`s and can be cancelled; a newer screenshot supersedes an
//! older one still running.

use crate::state::{store_lang, AppState};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU32, Ordering};
use tauri::{AppHandle, Manager};
use tauri_specta::Event;
use tixian_core::grants::Access;
use tixian_core::ocr::{self, OcrResult};
use tixian_core::Field;
use tixian_core::{ApiError, CoreError, Lang};

/// Progress of screenshot `job`: `done` of `total` steps (detection, then batches of lines).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct OcrProgressEvent {
    pub job: u32,
    pub done: u32,
    pub total: u32,
}

/// What a screenshot says.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ScreenshotText {
    pub ocr: OcrResult,
    /// The platform's message picked from the text, for the message field.
    pub message: String,
    /// The image, at most 1600 px high, as a `data:image/jpeg` URL, for the boxes to sit on.
    pub preview: String,
}

/// The job allowed to go on; 0 when the last one was cancelled.
static CURRENT_JOB: AtomicU32 = AtomicU32::new(0);

/// Reads the screenshot at `path` or, pasted, given as `bytes`. `None` when cancelled (or
/// superseded by a newer job) before it finished.
#[tauri::command]
#[specta::specta]
pub async fn read_screenshot(
    app: AppHandle,
    job: u32,
    path: Option<String>,
    bytes: Option<Vec<u8>>,
) -> Result<Option<ScreenshotText>, ApiError> {
    CURRENT_JOB.store(job, Ordering::SeqCst);
    let worker = app.clone();
    let run = move || {
        let state = worker.state::<AppState>();
        let lang = state.with(|s| Ok(store_lang(s))).unwrap_or_default();
        let api = |e: CoreError| e.to_api(lang);
        let (bytes, name) = match (path, bytes) {
            (Some(p), _) => {
                let p = state.allowed_path(&p, Access::Read, Field::Image)?;
                (
                    ocr::read_image_file(&p).map_err(api)?,
                    p.display().to_string(),
                )
            }
            (None, Some(b)) => (b, pasted_name(lang).to_string()),
            (None, None) => {
                return Err(api(CoreError::invalid(
                    Field::Image,
                    "请选择、拖入或粘贴一张截图",
                    "choose, drop or paste a screenshot",
                )))
            }
        };
        let mut progress = |p: ocr::Progress| {
            let _ = OcrProgressEvent {
                job,
                done: p.done,
                total: p.total,
            }
            .emit(&worker);
            CURRENT_JOB.load(Ordering::SeqCst) == job
        };
        let Some(read) = ocr::read_bytes_with(&bytes, &name, &mut progress).map_err(api)? else {
            return Ok(None);
        };
        let kb = state.ws.kb().map_err(api)?;
        let message = tixian_core::diagnose::message_from_text(&kb, &read.text);
        let preview = ocr::preview_jpeg(&bytes, 1600).map_err(api)?;
        Ok(Some(ScreenshotText {
            ocr: read,
            message,
            preview: format!("data:image/jpeg;base64,{}", super::cases::base64(&preview)),
        }))
    };
    super::blocking(run).await
}

fn pasted_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "粘贴的图片",
        Lang::En => "the pasted image",
    }
}

/// Stops screenshot `job` at its next step (its `read_screenshot` then gives `None`).
#[tauri::command]
#[specta::specta]
pub fn cancel_screenshot(job: u32) {
    let _ = CURRENT_JOB.compare_exchange(job, 0, Ordering::SeqCst, Ordering::SeqCst);
}
