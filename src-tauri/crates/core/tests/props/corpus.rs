//! Replays every committed fuzz input — the seed corpus (`fuzz/corpus/<target>/`) and every
//! input a fuzzer once crashed on (`fuzz/regressions/<target>/`) — through the same checks the
//! fuzz targets run (`fuzz/src/checks.rs`), so each stays a test of every `cargo test`.

use crate::checks;

use std::path::Path;

fn replay(target: &str) {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut n = 0;
    for folder in ["corpus", "regressions"] {
        let dir = fuzz.join(folder).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| checks::run(target, &bytes));
            assert!(
                outcome.is_ok(),
                "{target}: {} fails its check",
                file.display()
            );
            n += 1;
        }
    }
    assert!(n > 0 || target == "none", "no inputs for {target}");
}

macro_rules! replay {
    ($($name:ident),*) => {
        $(#[test] fn $name() { replay(stringify!($name)); })*
    };
}

replay!(money, time, bill, case, rules, notice, image, backup, backup_db, verify, text);

/// Every fuzz target has its corpus and its check, and is replayed above.
#[test]
fn every_fuzz_target_has_a_corpus_and_a_check() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let names = |dir: &str, ext: &str| {
        let mut v: Vec<String> = std::fs::read_dir(fuzz.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| ext.is_empty() || p.extension().is_some_and(|e| e == ext))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let mut targets: Vec<String> = checks::TARGETS.iter().map(|t| t.to_string()).collect();
    targets.sort();
    assert_eq!(names("fuzz_targets", "rs"), targets);
    assert_eq!(names("corpus", ""), targets);
}
