//! One module per command group; each parses its own arguments and calls core.

pub mod balance;
pub mod bundle;
pub mod platform;
