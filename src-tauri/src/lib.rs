//! The desktop shell: Tauri commands that translate IPC into `tixian-core` calls and nothing else.
//! Domain rules, validation and messages all live in core; errors cross as a typed `ApiError`.

mod commands;
mod state;

use state::AppState;

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
            commands::knowledge::deadline,
            commands::knowledge::route_view,
            commands::diagnose::diagnose_step,
            commands::diagnose::diagnose_save,
            commands::diagnose::diagnose_history,
            commands::diagnose::diagnose_open_case,
            commands::diagnose::kb_catalogue,
            commands::diagnose::kb_match,
        ])
        .dangerously_cast_bigints_to_number()
        .disable_serde_phases()
}

/// Where the generated bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

pub fn run() {
    let builder = specta_builder();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(AppState::open_default())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running tauri application");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed bindings must match the Rust types; run with TIXIAN_UPDATE_BINDINGS=1 to
    /// regenerate them after changing a command or type.
    #[test]
    fn generated_bindings_are_up_to_date() {
        let dir = tempfile_dir();
        let fresh = dir.join("bindings.ts");
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

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("tixian-bindings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }
}
