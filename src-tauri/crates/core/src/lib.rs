//! `tixian-core`: everything Tixian knows and does, with no Tauri dependency.
//!
//! The desktop shell and the `tixian` CLI are thin translators over this crate: arguments or IPC
//! in, a call here, text or JSON out. Money is [`money::Money`] (integer fen); times carry their
//! offset ([`time::Timestamp`]); storage is [`store::Store`] (SQLite) and every user action runs in
//! one transaction.

pub mod about;
pub mod calendar;
pub mod cases;
pub mod crypto;
pub mod diagnose;
pub mod erase;
pub mod error;
pub mod export;
pub mod field;
pub mod file_names;
pub mod fsutil;
pub mod grants;
pub mod health;
pub mod imaging;
pub mod import;
pub mod kb;
pub mod kb_check;
pub mod lang;
pub mod ledger;
pub mod lock;
pub mod money;
pub mod ocr;
pub mod route;
pub mod rules;
pub mod sample;
pub mod store;
pub mod time;
pub mod vault;
pub mod vocab;
pub mod workspace;

#[cfg(test)]
mod architecture_tests;

pub use error::{ApiError, CoreError, Result};
pub use field::Field;
pub use lang::{Lang, Text};
pub use money::Money;
pub use store::Store;
pub use workspace::Workspace;

/// The version shown in the app and `tixian --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
