//! Reads the text of evidence images in the background, once each: started when the app opens
//! and whenever evidence is added. One worker at a time takes the oldest unread image, reads it
//! from the vault with no lock held (about a second), stores the text in a short transaction and
//! tells the UI (`EvidenceTextEvent`). Nothing here may fail the app: errors are logged, and an
//! image that cannot be read is recorded with no text so it is not tried again.

use crate::state::AppState;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use tauri::{AppHandle, Manager};
use tauri_specta::Event;
use tixian_core::cases::evidence_text;

/// The text of evidence `evidence_id` of case `case_id` was read.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct EvidenceTextEvent {
    pub case_id: i64,
    pub evidence_id: i64,
}

static RUNNING: AtomicBool = AtomicBool::new(false);
/// Set by every kick, so a worker about to stop looks once more.
static AGAIN: AtomicBool = AtomicBool::new(false);

/// Makes sure a worker reads whatever is unread; returns at once.
pub fn kick(app: &AppHandle) {
    AGAIN.store(true, Ordering::SeqCst);
    if RUNNING.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("evidence-ocr".into())
        .spawn(move || loop {
            AGAIN.store(false, Ordering::SeqCst);
            while read_next(&app) {}
            RUNNING.store(false, Ordering::SeqCst);
            if !AGAIN.load(Ordering::SeqCst) || RUNNING.swap(true, Ordering::SeqCst) {
                break;
            }
        });
    if let Err(e) = spawned {
        RUNNING.store(false, Ordering::SeqCst);
        eprintln!("evidence text: could not start the reader: {e}");
    }
}

/// Reads one unread image; false when there is none (or the store is unavailable).
fn read_next(app: &AppHandle) -> bool {
    let state = app.state::<AppState>();
    let next = state.with(|s| {
        let vault = tixian_core::store::vault_dir(s.path());
        Ok(evidence_text::pending(s.conn(), None, 1)?
            .pop()
            .map(|item| (item, vault)))
    });
    let (item, vault) = match next {
        Ok(Some(next)) => next,
        Ok(None) => return false,
        Err(e) => {
            eprintln!("evidence text: {}", e.message);
            return false;
        }
    };
    let text = evidence_text::read(&vault, &item).unwrap_or_else(|e| {
        eprintln!("evidence text: evidence {} not read: {e}", item.id);
        String::new()
    });
    let stored = state
        .with(|s| s.transaction(|tx| evidence_text::store_read(tx, item.id, &text, &state.now())));
    match stored {
        Ok(_) => {
            let _ = EvidenceTextEvent {
                case_id: item.case_id,
                evidence_id: item.id,
            }
            .emit(app);
            true
        }
        Err(e) => {
            eprintln!("evidence text: {}", e.message);
            false
        }
    }
}
