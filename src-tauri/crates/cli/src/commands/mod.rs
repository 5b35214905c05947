//! One module per command group; each parses its own arguments and calls core.

pub mod backup;
pub mod balance;
pub mod bundle;
pub mod calendar;
pub mod case;
mod case_text;
mod case_texts;
pub mod deadline;
pub mod diagnose;
pub mod health;
pub mod import;
pub mod kb;
pub mod ocr;
pub mod platform;
pub mod review;
pub mod route;
pub mod rules_snapshot;
pub mod settings;
pub mod signal;
pub mod withdraw;
