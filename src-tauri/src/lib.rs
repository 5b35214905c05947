//! The desktop shell: Tauri commands that translate IPC into `tixian-core` calls and nothing else.
//! Domain rules, validation and messages all live in core; errors cross as a typed `ApiError`.

mod commands;
mod evidence_text;
mod notify;
mod startup;
mod state;

use state::AppState;
use tauri::Manager;

/// The commands the UI may call; also the source of the generated TypeScript bindings.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            commands::ledger::app_info,
            commands::ledger::set_language,
            commands::ledger::money_overview,
            commands::ledger::list_platforms,
            commands::ledger::add_platform,
            commands::ledger::add_balance,
            commands::ledger::home_due,
            commands::money::get_platform,
            commands::money::update_platform,
            commands::money::delete_platform,
            commands::money::delete_balance,
            commands::money::delete_withdrawal,
            commands::money::restore_deleted,
            commands::money::list_balances,
            commands::money::list_withdrawals,
            commands::money::add_withdrawal,
            commands::money::update_withdrawal,
            commands::money::set_withdrawal_status,
            commands::money::log_test_withdrawal,
            commands::money::query_transactions,
            commands::money::list_imports,
            commands::money::import_bill,
            commands::money::cancel_import,
            commands::knowledge::deadline,
            commands::knowledge::route_view,
            commands::knowledge::calendar_years,
            commands::knowledge::calendar_preview,
            commands::knowledge::calendar_save,
            commands::cases::list_cases,
            commands::cases::new_case,
            commands::cases::case_detail,
            commands::cases::set_case_status,
            commands::cases::set_case_stage,
            commands::cases::add_case_event,
            commands::cases::add_evidence,
            commands::cases::evidence_thumbnail,
            commands::cases::set_evidence_text,
            commands::cases::search_case_evidence,
            commands::cases::add_contact,
            commands::cases::mark_promise_kept,
            commands::cases::find_case_promises,
            commands::cases::case_prep,
            commands::cases::case_letter,
            commands::cases::case_ladder,
            commands::cases::save_text_file,
            commands::diagnose::diagnose_step,
            commands::diagnose::diagnose_save,
            commands::diagnose::diagnose_history,
            commands::diagnose::diagnose_open_case,
            commands::diagnose::kb_catalogue,
            commands::diagnose::kb_match,
            commands::diagnose::kb_explain,
            commands::ocr::read_screenshot,
            commands::ocr::cancel_screenshot,
            commands::backup::backup_overview,
            commands::backup::backup_now,
            commands::backup::restore_backup,
            commands::bundle::bundle_default_path,
            commands::bundle::export_case_bundle,
            commands::bundle::verify_bundle,
            commands::bundle::reveal_in_folder,
            commands::bundle::case_catalog,
            commands::bundle::save_case_catalog,
            commands::bundle::complaint_form,
            commands::followups::preview_follow_up,
            commands::followups::add_follow_up,
            commands::followups::mark_follow_up_done,
            commands::followups::reopen_follow_up,
            commands::followups::notifications_enabled,
            commands::followups::set_notifications_enabled,
            commands::health::health_report,
            commands::health::health_series,
            commands::health::set_health_settings,
            commands::health::set_test_interval,
            commands::health::log_signal,
            commands::health::list_signals,
            commands::health::save_rule_snapshot,
            commands::health::list_rule_snapshots,
            commands::health::record_review,
            commands::health::last_review,
            commands::erase::erase_case,
            commands::erase::erase_evidence,
            commands::erase::erase_platform,
            commands::first_run::first_run,
            commands::first_run::finish_welcome,
            commands::first_run::create_sample,
            commands::first_run::remove_sample,
            commands::first_run::about,
            commands::first_run::take_launch_files,
            commands::first_run::first_screen_shown,
            commands::lock::lock_status,
            commands::lock::unlock,
            commands::lock::set_lock,
            commands::lock::change_lock,
            commands::lock::remove_lock,
            commands::files::pick_open,
            commands::files::pick_save,
        ])
        .events(tauri_specta::collect_events![
            commands::money::ImportProgressEvent,
            commands::bundle::ExportProgressEvent,
            commands::ocr::OcrProgressEvent,
            evidence_text::EvidenceTextEvent
        ])
        .dangerously_cast_bigints_to_number()
        .disable_serde_phases()
}

/// What runs beside the app from its first screen on (see
/// [`startup::background_work_after_first_screen`]).
fn background_work(app: &tauri::AppHandle) {
    // Due items → desktop notifications, at start and hourly; never blocks or fails.
    notify::start(app.clone());
    // The text of evidence images added before (or by the CLI), read once each.
    evidence_text::kick(app);
}

/// Where the generated bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

pub fn run() {
    startup::begin();
    let builder = specta_builder();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(AppState::open_default())
        .invoke_handler(builder.invoke_handler())
        // A file dropped on the window is one the user handed over: readable by the commands.
        // (The web view's own `tauri://drag-drop` event is not this: only the window's is.)
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                window.state::<AppState>().allow_read(paths);
            }
        })
        .setup(move |app| {
            startup::mark("setup (window created)");
            builder.mount_events(app);
            startup::configure_webview(app);
            // Today's backup at once (it waits for the database to open; after the first start
            // of the day it finds today's file and stops): Settings lists it when first shown.
            let handle = app.handle().clone();
            std::thread::spawn(move || commands::backup::run_rolling_backup(&handle));
            startup::background_work_after_first_screen(app.handle());
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("error while building the tauri application")
        .run(|app, event| {
            // Tauri ends the process without dropping managed state: close the database here
            // so SQLite checkpoints its WAL and the clean close is recorded, and the next
            // start can skip the whole-file quick_check (about 0.5 s at a million rows).
            if let tauri::RunEvent::Exit = event {
                tauri::Manager::state::<AppState>(app).close();
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed bindings must match the Rust types; run with TIXIAN_UPDATE_BINDINGS=1 to
    /// regenerate them after changing a command or type.
    #[test]
    fn generated_bindings_are_up_to_date() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fresh = dir.path().join("bindings.ts");
        specta_builder()
            .export(
                specta_typescript::Typescript::default().header("// Generated from the Rust types by tauri-specta. Do not edit.\n// @ts-nocheck"),
                &fresh,
            )
            .expect("export bindings");
        let fresh = std::fs::read_to_string(&fresh).expect("read fresh bindings");
        let committed_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
        if std::env::var_os("TIXIAN_UPDATE_BINDINGS").is_some() {
            std::fs::write(&committed_path, &fresh).expect("write bindings");
            return;
        }
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/lib/bindings.ts is stale: run `TIXIAN_UPDATE_BINDINGS=1 cargo test -p tixian-app generated_bindings`"
        );
    }
}
