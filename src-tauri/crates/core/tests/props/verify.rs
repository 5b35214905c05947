//! Properties of verifying an evidence bundle: for any PDF — a real bundle cut, flipped or
//! spliced, or random bytes behind a PDF header — `verify_bundle` gives a report or a clean
//! refusal, never a panic; a report is `ok` exactly when none of its entries is a problem; the
//! bundle as exported verifies.

use crate::fixtures;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use tixian_core::export::{self, BundleInput, EvidenceFile, ExportOptions, Summary};
use tixian_core::{Lang, Money};

struct Made {
    dir: tempfile::TempDir,
    pdf: Vec<u8>,
}

fn made() -> &'static Made {
    static MADE: std::sync::OnceLock<Made> = std::sync::OnceLock::new();
    MADE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("shot.png");
        std::fs::write(&png, fixtures::png(24, 16)).unwrap();
        let jpg = dir.path().join("photo.jpg");
        std::fs::write(&jpg, fixtures::jpeg(20, 10)).unwrap();
        let note = dir.path().join("note.txt");
        std::fs::write(&note, "95017 6 分钟\n").unwrap();
        let file = |path: &Path, mime: &str| EvidenceFile {
            path: path.to_path_buf(),
            original_name: path.file_name().unwrap().to_string_lossy().into_owned(),
            caption: "截图".into(),
            taken_at: None,
            taken_at_source: None,
            mime: mime.into(),
            added_at: "2026-06-16T09:00:00+08:00".into(),
            sha256: String::new(),
            tier: "core".into(),
            text: "提现失败".into(),
            text_checked: true,
        };
        let input = BundleInput {
            case_id: 1,
            title: "提现失败".into(),
            platform: "微信支付".into(),
            amount: Money::from_fen(123_450),
            occurred_at: "2026-06-15T23:40:00+08:00".into(),
            created_at: "2026-06-16T09:00:00+08:00".into(),
            exported_at: "2026-06-25T20:15:00+08:00".into(),
            lang: Lang::Zh,
            summary: Summary::default(),
            timeline: Vec::new(),
            contacts: Vec::new(),
            evidence: vec![
                file(&png, "image/png"),
                file(&jpg, "image/jpeg"),
                file(&note, "text/plain"),
            ],
            catalog: Vec::new(),
            applicant: String::new(),
        };
        let out = dir.path().join("bundle").join("b.pdf");
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        export::export_bundle(&input, &out, &ExportOptions::default(), &mut |_| {}).unwrap();
        let pdf = std::fs::read(&out).unwrap();
        Made { dir, pdf }
    })
}

fn bundle_dir() -> PathBuf {
    made().dir.path().join("bundle")
}

/// Writes `pdf` beside a copy of the bundle's files folder and verifies it.
fn check(pdf: &[u8]) -> Option<export::VerifyReport> {
    let dir = tempfile::tempdir().unwrap();
    let files = export::files_dir_for(&bundle_dir().join("b.pdf"));
    let copy = dir.path().join(files.file_name().unwrap());
    std::fs::create_dir_all(&copy).unwrap();
    for e in std::fs::read_dir(&files).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, copy.join(p.file_name().unwrap())).unwrap();
    }
    let path = dir.path().join("b.pdf");
    std::fs::write(&path, pdf).unwrap();
    match export::verify_bundle(&path) {
        Ok(report) => {
            assert_eq!(report.ok, report.problems().next().is_none());
            Some(report)
        }
        Err(e) => {
            assert_ne!(
                e.exit_code(),
                3,
                "a bad PDF was reported as our own failure: {e}"
            );
            None
        }
    }
}

#[test]
fn the_bundle_as_exported_verifies() {
    let report = check(&made().pdf).unwrap();
    assert!(report.ok, "{:?}", report.problems().collect::<Vec<_>>());
}

proptest! {
    #![proptest_config(crate::cases(96))]

    #[test]
    fn a_mutated_bundle_is_reported_or_refused(steps in proptest::collection::vec((any::<u64>(), any::<usize>(), any::<u8>(), 0usize..512), 1..4)) {
        let mut bytes = made().pdf.clone();
        for (c, at, b, len) in steps {
            bytes = fixtures::mutate(&bytes, c, at, b, len);
        }
        if let Some(report) = check(&bytes) {
            // A changed byte that still verifies can only be one no hash covers.
            let _ = report;
        }
    }

    #[test]
    fn a_truncated_bundle_is_refused(cut in any::<prop::sample::Index>()) {
        let pdf = &made().pdf;
        let cut = cut.index(pdf.len());
        let report = check(&pdf[..cut]);
        prop_assert!(report.is_none_or(|r| !r.ok) || cut + 64 >= pdf.len(), "cut at {} of {} still verifies", cut, pdf.len());
    }

    #[test]
    fn random_bytes_behind_a_pdf_header_are_refused(rest in proptest::collection::vec(any::<u8>(), 0..2048)) {
        prop_assert!(check(&[&b"%PDF-1.7\n"[..], &rest].concat()).is_none());
    }
}
