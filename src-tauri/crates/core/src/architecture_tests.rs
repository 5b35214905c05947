//! ARCHITECTURE.md's code map is checked against the tree: every module file of the core, the
//! CLI and the app shell is named in it (in backticks, by its name or its path), so a new module
//! cannot land without its entry.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

/// Every word inside backticks in the document (`cases::bundle` gives cases and bundle).
fn named_words(doc: &str) -> HashSet<String> {
    doc.split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|span| {
            span.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The module files under `dir` (test files and test folders left out), as (path, name).
fn modules(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if name != "tests" {
                modules(&path, out);
            }
            continue;
        }
        let Some(stem) = name.strip_suffix(".rs") else {
            continue;
        };
        if stem.contains("tests") || ["lib", "main"].contains(&stem) {
            continue;
        }
        let module = if stem == "mod" {
            dir.file_name().unwrap().to_string_lossy().to_string()
        } else {
            stem.to_string()
        };
        out.push((path.display().to_string(), module));
    }
}

#[test]
fn every_module_is_named_in_architecture_md() {
    let root = repo();
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let words = named_words(&doc);
    let mut found = Vec::new();
    for dir in [
        "src-tauri/crates/core/src",
        "src-tauri/crates/cli/src",
        "src-tauri/src",
    ] {
        modules(&root.join(dir), &mut found);
    }
    assert!(found.len() > 50, "{}", found.len());
    let missing: Vec<String> = found
        .into_iter()
        .filter(|(_, module)| !words.contains(module))
        .map(|(path, module)| format!("{module} ({path})"))
        .collect();
    assert!(
        missing.is_empty(),
        "not in ARCHITECTURE.md:\n{}",
        missing.join("\n")
    );
}
