//! The checks the fuzz targets run (see `checks`); a library so every target and tixian-core's
//! corpus replay test share them.
pub mod checks;
