//! Embeds every file under the repository's `rules/` into the binaries (`rules::embedded()`),
//! and re-runs when any of them changes. Checks that the OCR models `ocr` embeds are in place.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let rules = manifest.join("../../../rules");
    println!("cargo:rerun-if-changed={}", rules.display());
    let mut files = Vec::new();
    if rules.is_dir() {
        collect(&rules, &rules, &mut files);
    }
    files.sort();
    let mut code = String::from("/// (path under rules/, file text), sorted by path.\npub static FILES: &[(&str, &str)] = &[\n");
    for (rel, abs) in &files {
        writeln!(code, "    ({rel:?}, include_str!({abs:?})),").expect("write to String");
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("rules_embedded.rs");
    std::fs::write(out, code).expect("write generated rules list");
    let repo = manifest
        .ancestors()
        .nth(3)
        .expect("crate is src-tauri/crates/core");
    check_ocr_models(&repo.join("assets/ocr/models"));
}

/// The OCR models are not in git: `bash dev.sh setup` downloads and extracts them. Say so
/// plainly instead of an `include_bytes!` error about a missing file.
fn check_ocr_models(dir: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let files = [
        "ch_PP-OCRv4_det_infer.onnx",
        "ch_PP-OCRv4_rec_infer.onnx",
        "ppocr_keys.txt",
    ];
    let missing: Vec<&str> = files
        .iter()
        .copied()
        .filter(|f| !dir.join(f).is_file())
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "\nerror: the OCR models are missing from {} ({}).\nRun `bash dev.sh setup` once: it downloads them (PyPI wheel rapidocr-onnxruntime 1.4.4, checked by SHA-256) and extracts them there.\n",
            dir.display(),
            missing.join(", ")
        );
        std::process::exit(1);
    }
    for f in files {
        println!("cargo:rerun-if-changed={}", dir.join(f).display());
    }
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "toml") {
            let rel = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            let abs = path
                .canonicalize()
                .expect("exists")
                .to_string_lossy()
                .into_owned();
            files.push((rel, abs));
        }
    }
}
