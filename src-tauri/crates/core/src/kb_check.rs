//! A problem found by `tixian kb check`: which file, which entry, which field, and what is wrong.
use serde::Serialize;
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem { pub file: String, pub id: String, pub field: String, pub message: String }
