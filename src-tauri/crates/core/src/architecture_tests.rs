//! ARCHITECTURE.md's code map is checked against the tree: every module file of the core, the
//! CLI and the app shell is named in it (in backticks, by its name or its path), so a new module
//! cannot land without its entry. And the core's top-level modules use each other without
//! cycles, each only its own tier and those below (the "Tiers" section).

use regex::Regex;
use std::collections::{BTreeMap, HashSet};
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

/// The source of one file as the build sees it outside tests: comment lines and `#[cfg(test)]`
/// items (an inline `mod tests { … }`, a test-only function) left out. Relies on rustfmt's layout
/// (an item's closing brace at its own indentation).
fn non_test_source(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            let indent = line.len() - trimmed.len();
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim_start().starts_with("#[") {
                j += 1;
            }
            if j < lines.len() && !lines[j].trim_end().ends_with(';') {
                let close = format!("{}}}", " ".repeat(indent));
                while j < lines.len() && !lines[j].starts_with(&close) {
                    j += 1;
                }
            }
            i = j + 1;
            continue;
        }
        if !trimmed.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
        i += 1;
    }
    out
}

/// Every `.rs` file of a top-level module (its file and its folder), test files left out.
fn module_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap() != "tests" {
                module_files(&path, out);
            }
        }
    } else if path.is_file()
        && path.extension().is_some_and(|e| e == "rs")
        && !path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .contains("tests")
    {
        out.push(path.to_path_buf());
    }
}

/// The core's top-level modules (as declared in `lib.rs`) and the names `lib.rs` re-exports,
/// each mapped to the module it comes from (`crate::Field` is `field`).
fn top_level_modules(lib: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut modules = Vec::new();
    let mut reexports = Vec::new();
    for line in lib.lines() {
        if let Some(name) = line
            .strip_prefix("pub mod ")
            .and_then(|l| l.strip_suffix(';'))
        {
            modules.push(name.to_string());
        } else if let Some(rest) = line.strip_prefix("pub use ") {
            let (module, items) = rest.split_once("::").unwrap();
            let items = items.trim_end_matches(';').trim_matches(['{', '}']);
            for item in items.split(',') {
                let item = item.trim();
                let name = item.rsplit(' ').next().unwrap();
                reexports.push((name.to_string(), module.to_string()));
            }
        }
    }
    (modules, reexports)
}

/// Which top-level modules each one names (`crate::x`, `crate::{x, y::z}`, `crate::Field`),
/// outside tests: module → (module it uses → first file that does).
fn core_module_graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (modules, reexports) =
        top_level_modules(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let target_of = |name: &str| -> Option<String> {
        if modules.iter().any(|m| m == name) {
            return Some(name.to_string());
        }
        reexports
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m.clone())
    };
    let path_ref = Regex::new(r"crate::([A-Za-z_][A-Za-z0-9_]*)").unwrap();
    let group_ref = Regex::new(r"crate::\{([^;]*?)\};").unwrap();
    let mut graph = BTreeMap::new();
    for module in &modules {
        let mut files = Vec::new();
        module_files(&src.join(format!("{module}.rs")), &mut files);
        module_files(&src.join(module), &mut files);
        let mut uses: BTreeMap<String, String> = BTreeMap::new();
        for file in files {
            let code = non_test_source(&std::fs::read_to_string(&file).unwrap());
            let mut names: Vec<String> = path_ref
                .captures_iter(&code)
                .map(|c| c[1].to_string())
                .collect();
            for group in group_ref.captures_iter(&code) {
                // The group's top-level entries: `a`, `b::{c, d}`, `E` give a, b and E.
                let (mut depth, mut entry) = (0, String::new());
                for c in group[1].chars().chain([',']) {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            let head = entry.trim().split("::").next().unwrap_or("").to_string();
                            names.push(head);
                            entry.clear();
                            continue;
                        }
                        _ => {}
                    }
                    if depth == 0 {
                        entry.push(c);
                    }
                }
            }
            let shown = file.strip_prefix(&src).unwrap().display().to_string();
            for target in names.iter().filter_map(|n| target_of(n)) {
                if &target != module {
                    uses.entry(target).or_insert_with(|| shown.clone());
                }
            }
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

/// A cycle in `graph`, if there is one, as the modules along it (first = last).
fn find_cycle(graph: &BTreeMap<String, BTreeMap<String, String>>) -> Option<Vec<String>> {
    fn visit<'a>(
        node: &'a str,
        graph: &'a BTreeMap<String, BTreeMap<String, String>>,
        state: &mut BTreeMap<&'a str, bool>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(true) => return None,
            Some(false) => {
                let start = path.iter().position(|n| *n == node).unwrap();
                let mut cycle: Vec<String> = path[start..].iter().map(|n| n.to_string()).collect();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            None => {}
        }
        state.insert(node, false);
        path.push(node);
        for next in graph.get(node).into_iter().flat_map(|uses| uses.keys()) {
            if let Some(cycle) = visit(next, graph, state, path) {
                return Some(cycle);
            }
        }
        path.pop();
        state.insert(node, true);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut state, &mut Vec::new()) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn core_modules_import_each_other_without_cycles() {
    let graph = core_module_graph();
    assert!(graph.len() > 20, "{}", graph.len());
    // The parser sees what it must: kb_check gathers the knowledge modules' checks.
    assert!(graph["kb_check"].contains_key("route"), "{graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| format!("{} → {} (in {})", w[0], w[1], graph[&w[0]][&w[1]]))
            .collect();
        panic!("import cycle between core modules:\n{}", steps.join("\n"));
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let edge = |a: &str, b: &str| {
        (
            a.to_string(),
            BTreeMap::from([(b.to_string(), String::new())]),
        )
    };
    let graph = BTreeMap::from([edge("a", "b"), edge("b", "c"), edge("c", "b")]);
    assert_eq!(find_cycle(&graph).unwrap(), ["b", "c", "b"]);
    let graph = BTreeMap::from([edge("a", "b"), edge("b", "c")]);
    assert_eq!(find_cycle(&graph), None);
}

/// ARCHITECTURE.md's "Tiers": one numbered line per tier, bottom first, naming its modules.
fn documented_tiers(doc: &str) -> Vec<Vec<String>> {
    let section = doc
        .split("\n## Tiers\n")
        .nth(1)
        .expect("ARCHITECTURE.md has a “## Tiers” section");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter(|l| {
            l.split_once(". ")
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        })
        .map(|l| {
            let names = l.split_once(':').map_or(l, |(names, _)| names);
            names
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn every_core_module_uses_only_its_own_tier_and_those_below() {
    let doc = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap();
    let tiers = documented_tiers(&doc);
    let graph = core_module_graph();
    let tier_of = |m: &str| tiers.iter().position(|t| t.iter().any(|n| n == m));
    let unplaced: Vec<&String> = graph.keys().filter(|m| tier_of(m).is_none()).collect();
    assert!(
        unplaced.is_empty(),
        "modules in no tier of ARCHITECTURE.md: {unplaced:?}"
    );
    let mut upward = Vec::new();
    for (module, uses) in &graph {
        for (used, file) in uses {
            if tier_of(used) > tier_of(module) {
                upward.push(format!("{module} → {used} (in {file})"));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "a module uses a higher tier:\n{}",
        upward.join("\n")
    );
}
