//! The embedded knowledge base passes its own check, and the checker catches what it should.

use super::*;
use crate::rules::RuleFile;

fn file(path: &str, text: &str) -> RuleFile {
    RuleFile { path: path.into(), text: text.into(), from_user: true }
}

#[test]
fn embedded_knowledge_base_passes_kb_check() {
    let problems = check_all(&crate::rules::embedded());
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.iter().map(|p| format!("{}: {} {}: {}", p.file, p.id, p.field, p.message)).collect::<Vec<_>>().join("\n"));
}
