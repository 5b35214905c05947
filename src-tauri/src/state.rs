//! The app's one piece of state: the open store (or why it could not be opened).

use std::path::PathBuf;
use std::sync::Mutex;
use tixian_core::{ApiError, CoreError, Lang, Store};

pub struct AppState {
    store: Result<Mutex<Store>, CoreError>,
    pub db_path: PathBuf,
}

impl AppState {
    /// Opens the same database the CLI uses (`TIXIAN_DB` overrides, as for the CLI).
    pub fn open_default() -> AppState {
        let db_path = std::env::var_os("TIXIAN_DB")
            .map(PathBuf::from)
            .unwrap_or_else(tixian_core::store::default_db_path);
        AppState {
            store: Store::open(&db_path).map(Mutex::new),
            db_path,
        }
    }

    /// An in-memory store, for the shell's own tests.
    #[cfg(test)]
    pub fn in_memory() -> AppState {
        AppState {
            store: Store::open_in_memory().map(Mutex::new),
            db_path: PathBuf::from(":memory:"),
        }
    }

    /// Runs `f` with the store; a store that failed to open reports why on every call.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, CoreError>,
    ) -> Result<T, ApiError> {
        let mutex = self.store.as_ref().map_err(|e| e.to_api(Lang::Zh))?;
        let mut store = mutex
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let lang = store_lang(&store);
        f(&mut store).map_err(|e| e.to_api(lang))
    }

    pub fn open_error(&self) -> Option<ApiError> {
        self.store.as_ref().err().map(|e| e.to_api(Lang::Zh))
    }
}

/// The language the user picked in Settings (Chinese until they pick).
pub fn store_lang(store: &Store) -> Lang {
    store
        .setting("lang")
        .ok()
        .flatten()
        .map(|t| Lang::from_tag(&t))
        .unwrap_or_default()
}
