//! IPC commands, one file per area. Each command is a few lines: arguments in, one core call,
//! a typed result or `ApiError` out.

pub mod backup;
pub mod bundle;
pub mod cases;
pub mod diagnose;
pub mod followups;
pub mod health;
pub mod knowledge;
pub mod ledger;
pub mod money;
