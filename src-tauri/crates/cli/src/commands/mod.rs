//! One module per command group; each parses its own arguments and calls core.

pub mod balance;
pub mod diagnose;
pub mod kb;
pub mod platform;
