//! One module per command group; each parses its own arguments and calls core.

pub mod balance;
pub mod case;
mod case_text;
pub mod deadline;
pub mod diagnose;
pub mod import;
pub mod kb;
pub mod platform;
pub mod route;
pub mod withdraw;
