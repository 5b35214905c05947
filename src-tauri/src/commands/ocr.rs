//! Reading a screenshot on the Diagnose screen: the text found (with its boxes), the
//! platform's message picked from it, and a preview to draw the boxes on. Runs off the UI
//! thread, reports `OcrProgressEvent`s and can be cancelled; a newer screenshot supersedes an
//! older one still running.

use crate::state::AppState;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU32, Ordering};
use tauri::{AppHandle, Manager};
use tauri_specta::Event;
use tixian_core::grants::Access;
use tixian_core::ocr;
use tixian_core::workspace::{Screenshot, ScreenshotText};
use tixian_core::{ApiError, Field};

/// Progress of screenshot `job`: `done` of `total` steps (detection, then batches of lines).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct OcrProgressEvent {
    pub job: u32,
    pub done: u32,
    pub total: u32,
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
        let lang = state.lang();
        let path = path.map(|p| state.allowed_path(&p, Access::Read, Field::Image));
        let shot = Screenshot::from_inputs(path.transpose()?, bytes).map_err(|e| e.to_api(lang))?;
        let mut progress = |p: ocr::Progress| {
            let (done, total) = (p.done, p.total);
            let _ = OcrProgressEvent { job, done, total }.emit(&worker);
            CURRENT_JOB.load(Ordering::SeqCst) == job
        };
        let read = state.ws.read_screenshot(shot, lang, &mut progress);
        read.map_err(|e| e.to_api(lang))
    };
    super::blocking(run).await
}

/// Stops screenshot `job` at its next step (its `read_screenshot` then gives `None`).
#[tauri::command]
#[specta::specta]
pub fn cancel_screenshot(job: u32) {
    let _ = CURRENT_JOB.compare_exchange(job, 0, Ordering::SeqCst, Ordering::SeqCst);
}
