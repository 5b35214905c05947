//! The PDF evidence bundle: [`export_bundle`] writes `FILE.pdf` and `FILE.files/` (the original
//! files under clear names plus `SHA256SUMS`); [`verify_bundle`] checks both against the
//! manifest embedded in the PDF.
//!
//! The bundle is built from a plain [`BundleInput`] (the cases module fills it from the store).
//! Pages: cover (with the bundle's fingerprint, the SHA-256 of `SHA256SUMS`) → summary (key facts
//! highlighted) → timeline → customer-service log (overdue promises marked) → one page per piece
//! of evidence (images embedded without re-encoding, see [`images`]) → manifest → what a hash
//! proves. Chinese text uses the bundled Noto Sans SC, subset and extractable (see [`text`]).
//!
//! **Invariant:** the original files are never modified; export writes under temporary names
//! and renames into place only when complete, and never replaces a bundle unless asked to.

pub mod catalog;
mod files;
pub mod images;
mod layout;
mod pages;
mod parts;
mod pdf;
mod text;
mod verify;

pub use catalog::{CatalogItem, CatalogRow};
pub use files::files_dir_for;
pub use images::ImageStorage;
pub use verify::{verify_bundle, FileStatus, Place, VerifyEntry, VerifyReport};

use crate::error::{CoreError, Result};
use crate::lang::Lang;
use crate::money::Money;
use crate::Field;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Everything a bundle shows. Times are RFC 3339 strings as stored (shown as local time).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BundleInput {
    pub case_id: i64,
    pub title: String,
    pub platform: String,
    pub amount: Money,
    pub occurred_at: String,
    pub created_at: String,
    /// When the export happens (passed in, never read from the clock here).
    pub exported_at: String,
    pub lang: Lang,
    pub summary: Summary,
    pub timeline: Vec<TimelineRow>,
    pub contacts: Vec<ContactRow>,
    pub evidence: Vec<EvidenceFile>,
    /// The 证据目录 as the user arranged it; empty (or blank texts) for the suggested one
    /// (see [`catalog::resolve`]).
    #[serde(default)]
    pub catalog: Vec<CatalogRow>,
    /// Who complains (申请人/投诉人), printed in the signature blocks; empty leaves a line to
    /// write on.
    #[serde(default)]
    pub applicant: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Summary {
    pub background: String,
    pub problem: String,
    pub demand: String,
    /// Shown highlighted in yellow.
    pub key_facts: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimelineRow {
    pub at: String,
    pub text: String,
}

/// One contact with customer service.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ContactRow {
    pub at: String,
    /// phone | chat | email | ticket | in_person (shown translated), or free text.
    pub channel: String,
    pub agent: String,
    /// What they said.
    pub said: String,
    pub promise: String,
    pub due: Option<String>,
    pub outcome: String,
    /// The promise's due time has passed without it being kept.
    pub overdue: bool,
}

/// A piece of evidence as kept in the vault.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EvidenceFile {
    /// The vault file (never modified).
    pub path: PathBuf,
    pub original_name: String,
    pub caption: String,
    pub taken_at: Option<String>,
    /// Where `taken_at` came from: `exif` (read from the image), `user`, or none.
    #[serde(default)]
    pub taken_at_source: Option<String>,
    /// The file's type as detected when it was added (`image/png` …); empty when unknown.
    #[serde(default)]
    pub mime: String,
    pub added_at: String,
    /// SHA-256 recorded when the file entered the vault; export refuses a file that no longer
    /// matches it. Empty to skip the check.
    pub sha256: String,
    /// core | reserve
    pub tier: String,
    /// The text in the image (OCR, or as the user corrected it), printed under it; empty for
    /// none.
    #[serde(default)]
    pub text: String,
    /// The user checked or wrote `text` (otherwise it was read automatically).
    #[serde(default)]
    pub text_checked: bool,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportOptions {
    /// Replace an existing bundle at the same place.
    pub overwrite: bool,
    /// Downsample large images (e.g. for e-mail size limits); the originals beside the PDF
    /// stay full quality.
    pub smaller_file: bool,
    /// One PDF, one per item, or volumes under a size (see [`Split`]).
    #[serde(default)]
    pub split: Split,
}

/// How the bundle is cut into PDFs. Every PDF carries the 证据目录 and its own manifest and
/// shares the one `FILE.files/` folder (and so the one fingerprint).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case", tag = "shape")]
pub enum Split {
    /// One PDF with everything (`FILE.pdf`).
    #[default]
    None,
    /// `FILE.pdf` with the cover, summary and 目录, and one `FILE-<序号>.pdf` per 目录 row, for
    /// forms that take attachments one by one.
    Items,
    /// `FILE-vol1.pdf`, `FILE-vol2.pdf` … each at most `max_bytes` (an image is never split: a
    /// single item larger than that gets a volume of its own, marked `over_limit`).
    Volumes { max_bytes: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ExportStage {
    /// Copying and hashing the files, preparing images.
    Files,
    /// Laying out the pages.
    Pages,
    /// Writing the PDF.
    Writing,
    Done,
}

/// Export progress for a progress bar: `done` of `total` steps.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Progress {
    pub done: u32,
    pub total: u32,
    pub stage: ExportStage,
}

/// `report` called once per step or stage change of an export: a progress bar needs no more,
/// and a bundle reports the same step again while its pages are laid out.
pub fn each_step(mut report: impl FnMut(Progress)) -> impl FnMut(Progress) {
    let mut last = None;
    move |p: Progress| {
        if last != Some((p.done, p.stage)) {
            last = Some((p.done, p.stage));
            report(p);
        }
    }
}

/// One file of the bundle, as listed in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ManifestEntry {
    /// File name inside `FILE.files/`.
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub original_name: String,
    pub caption: String,
    pub tier: String,
    /// How the file is shown inside the PDF, when it is an image.
    pub embedded: Option<EmbeddedImage>,
}

/// An image as embedded: `sha256` covers the image stream's bytes as stored in the PDF (then its
/// soft mask's, if any); for pass-through JPEG it equals the file's hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EmbeddedImage {
    pub storage: ImageStorage,
    pub width: u32,
    pub height: u32,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportReport {
    pub pdf: String,
    pub files_dir: String,
    /// SHA-256 of `SHA256SUMS`, printed on the cover.
    pub fingerprint: String,
    pub pages: u32,
    /// Size of the PDF in bytes (of all the PDFs, when split).
    pub pdf_size: u64,
    pub files: Vec<ManifestEntry>,
    /// Every PDF written, in order (one unless split).
    pub parts: Vec<ExportPart>,
}

impl ExportReport {
    /// Every path the export wrote: each PDF and the files folder (what the app may then
    /// verify and show in the file manager).
    pub fn written(&self) -> impl Iterator<Item = &Path> {
        let pdfs = self.parts.iter().map(|p| p.pdf.as_str());
        pdfs.chain([self.pdf.as_str(), self.files_dir.as_str()])
            .map(Path::new)
    }

    /// The volumes over the size asked for (each holds one item that alone is larger).
    pub fn over_limit(&self) -> Vec<&str> {
        let over = self.parts.iter().filter(|p| p.over_limit);
        over.map(|p| p.pdf.as_str()).collect()
    }
}

/// One PDF of an export.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportPart {
    pub pdf: String,
    pub pages: u32,
    pub pdf_size: u64,
    /// 序号 of the 目录 rows whose pages are in this PDF.
    pub items: Vec<String>,
    /// Larger than the volume size asked for (one item alone is).
    pub over_limit: bool,
}

/// The machine-readable manifest embedded in the PDF (attachment `tixian-manifest.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub format: String,
    pub case_id: i64,
    pub title: String,
    pub exported_at: String,
    pub files_dir: String,
    pub fingerprint: String,
    pub files: Vec<ManifestEntry>,
    /// Which PDF of a split export this is (`volume 2/3`, `item 1-2`, `index`); empty for a
    /// whole bundle.
    #[serde(default)]
    pub part: String,
    /// SHA-256 of each page's content (see `verify::page_hashes`), in page order.
    #[serde(default)]
    pub pages: Vec<String>,
}

pub(crate) const MANIFEST_FORMAT: &str = "tixian-bundle/1";
pub(crate) const MANIFEST_NAME: &str = "tixian-manifest.json";

/// Writes the bundle `out_pdf` plus `FILE.files/` beside it, reporting progress as it goes.
///
/// Errors: `out` not ending in `.pdf` or in a missing folder → `Invalid`; an existing bundle
/// without `overwrite` → `Conflict` (nothing written); an evidence file missing → `NotFound`;
/// an evidence file whose content no longer matches its recorded hash → `CheckFailed`.
/// On any error no trace is left beside `out_pdf` (except when, the new bundle in place, a PDF
/// of the earlier export it replaced cannot be removed: `Io`, naming it).
///
/// Overwriting replaces the whole earlier bundle of the same name: its PDFs that this export
/// does not write again (`FILE-6-1.pdf` when there are now fewer rows, `FILE-vol3.pdf`,
/// `FILE.pdf` when it now comes in volumes — recognised by their manifest naming the same
/// folder) are removed.
pub fn export_bundle(
    input: &BundleInput,
    out_pdf: &Path,
    opts: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport> {
    let is_pdf = out_pdf
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if !is_pdf || out_pdf.file_stem().is_none() {
        return Err(CoreError::invalid(
            Field::Out,
            format!("“{}”不是 .pdf 文件名", out_pdf.display()),
            format!("“{}” is not a .pdf file name", out_pdf.display()),
        ));
    }
    let parent = out_pdf
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(CoreError::invalid(
            Field::Out,
            format!("文件夹 {} 不存在", parent.display()),
            format!("the folder {} does not exist", parent.display()),
        ));
    }
    let dir = files_dir_for(out_pdf);
    files::check_targets(out_pdf, &dir)?;
    // What an export killed here earlier left behind goes first.
    crate::fsutil::clean_stale_temps(parent);
    files::check_free(&[out_pdf, &dir], opts.overwrite)?;
    if !opts.overwrite {
        // A PDF an earlier export of this bundle left (its folder since removed) is replaced
        // only when asked to, like the rest.
        let earlier = files::earlier_parts(out_pdf, &dir, &[]);
        let earlier: Vec<&Path> = earlier.iter().map(PathBuf::as_path).collect();
        files::check_free(&earlier, false)?;
    }
    let tmp_dir = files::temp_beside(&dir);
    let input = &catalog::arranged(input);
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result =
        write_all(input, out_pdf, &dir, &tmp_dir, opts, progress, &mut temps).and_then(|report| {
            // What an earlier export of the same bundle wrote and this one does not (more
            // items, more volumes, or the other shape) goes, or it would look like part of it.
            let written: Vec<&Path> = temps.iter().map(|(_, p)| p.as_path()).collect();
            let stale = files::earlier_parts(out_pdf, &dir, &written);
            files::commit(&temps, &tmp_dir, &dir, &stale).map(|()| report)
        });
    if result.is_err() {
        for (tmp, _) in &temps {
            let _ = std::fs::remove_file(tmp);
        }
        let _ = std::fs::remove_dir_all(&tmp_dir);
    }
    result
}

/// Room a volume needs besides its items' images (the font subset, text pages), for the first
/// cut; what the written volumes really measure corrects it.
const VOLUME_OVERHEAD: u64 = 160_000;
/// What a 目录 row adds besides its image (its text page or pages).
const ROW_OVERHEAD: u64 = 3_000;

/// Copies the files, cuts the bundle into its PDFs and writes each under a temporary name
/// (listed in `temps` as it goes, for [`files::commit`] or clean-up). Returns once every file
/// written is on disk: each is fsynced as soon as it is complete, while the next is being made.
fn write_all(
    input: &BundleInput,
    out_pdf: &Path,
    dir: &Path,
    tmp_dir: &Path,
    opts: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
    temps: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<ExportReport> {
    let syncer = crate::fsutil::Syncer::start();
    let sync = &syncer;
    let n = input.evidence.len() as u32;
    let mut total = n + 2;
    let mut report =
        |done: u32, total: u32, stage: ExportStage| progress(Progress { done, total, stage });
    report(0, total, ExportStage::Files);
    let prep = pdf::prepare(input, opts, tmp_dir, dir, sync, &mut |i| {
        report(i, n + 2, ExportStage::Files)
    })?;
    report(n, total, ExportStage::Pages);

    let rows = input.catalog.len();
    let sizes: Vec<u64> = input
        .catalog
        .iter()
        .map(|r| {
            ROW_OVERHEAD
                + parts::evidence_of(r.item)
                    .and_then(|i| prep.images[i].as_ref())
                    .map_or(0, |img| img.pdf_bytes())
        })
        .collect();
    let mut groups = match opts.split {
        Split::Volumes { max_bytes } => parts::pack(&sizes, VOLUME_OVERHEAD, max_bytes),
        _ => Vec::new(),
    };
    let mut shared: Option<text::SharedSubset> = None;
    // Volumes are written, measured and, while one is over the size with rows to spare, cut
    // again; each round moves at least one row on, so this ends.
    for _ in 0..=rows {
        let parts = match opts.split {
            Split::None => parts::whole(out_pdf, rows),
            Split::Items => parts::by_item(out_pdf, input),
            Split::Volumes { .. } => parts::volumes(out_pdf, &groups),
        };
        let paths: Vec<&Path> = parts.iter().map(|p| p.path.as_path()).collect();
        files::check_free(&paths, opts.overwrite)?;
        let located = pdf::locate(input, &prep, &parts)?;
        // The font is cut down once for all the parts (again only if a re-cut draws more).
        if !shared
            .as_ref()
            .is_some_and(|s| located.drawn.is_subset(&s.chars))
        {
            shared = pdf::face()?.subset_for(&located.drawn);
        }
        total = n + 1 + parts.len() as u32;
        for (tmp, _) in temps.drain(..) {
            let _ = std::fs::remove_file(tmp);
        }
        let tmps: Vec<PathBuf> = parts.iter().map(|p| files::temp_beside(&p.path)).collect();
        temps.extend(
            tmps.iter()
                .cloned()
                .zip(parts.iter().map(|p| p.path.clone())),
        );
        let written = write_parts(
            input,
            &prep,
            &parts,
            pdf::Layout {
                located: &located,
                shared: shared.as_ref(),
            },
            &tmps,
            sync,
            &mut |done| report(n + 1 + done, total, ExportStage::Writing),
        )?;
        if let Split::Volumes { max_bytes } = opts.split {
            let over = written
                .iter()
                .position(|w| w.size > max_bytes)
                .filter(|&v| groups[v].len() > 1);
            if let Some(v) = over {
                // Move rows on until what is left should fit, at least one.
                let mut excess = written[v].size.saturating_sub(max_bytes);
                while parts::shift_last(&mut groups, v) {
                    let moved = sizes[groups[v + 1][0]];
                    if moved >= excess {
                        break;
                    }
                    excess -= moved;
                }
                continue;
            }
        }
        report(total, total, ExportStage::Done);
        let numbers = catalog::numbers(&input.catalog);
        let max = match opts.split {
            Split::Volumes { max_bytes } => max_bytes,
            _ => u64::MAX,
        };
        let export_parts: Vec<ExportPart> = parts
            .iter()
            .zip(&written)
            .map(|(p, w)| ExportPart {
                pdf: p.path.display().to_string(),
                pages: w.pages,
                pdf_size: w.size,
                items: p.rows.iter().map(|&r| numbers[r].clone()).collect(),
                over_limit: w.size > max,
            })
            .collect();
        syncer.finish()?;
        return Ok(ExportReport {
            pdf: parts[0].path.display().to_string(),
            files_dir: dir.display().to_string(),
            fingerprint: prep.fingerprint.clone(),
            pages: written.iter().map(|w| w.pages).sum(),
            pdf_size: written.iter().map(|w| w.size).sum(),
            files: prep.entries.clone(),
            parts: export_parts,
        });
    }
    Err(CoreError::Internal(
        "the volumes could not be cut under the size asked for".into(),
    ))
}

/// Writes every part to its temporary name, on as many threads as there are cores (the parts
/// are independent; a split export has tens of them), each handed to `sync` once written.
/// `done(k)` after each finished part.
fn write_parts(
    input: &BundleInput,
    prep: &pdf::Prepared,
    parts: &[parts::Part],
    layout: pdf::Layout,
    tmps: &[PathBuf],
    sync: &crate::fsutil::Syncer,
    done: &mut dyn FnMut(u32),
) -> Result<Vec<pdf::Written>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(parts.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<pdf::Written>)>();
    let mut results: Vec<Option<Result<pdf::Written>>> = (0..parts.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (tx, next) = (tx.clone(), &next);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= parts.len() {
                    break;
                }
                let r = pdf::write_part(input, prep, parts, i, layout, &tmps[i]);
                let failed = r.is_err();
                // Once one part failed the export fails: take no more.
                if tx.send((i, r)).is_err() || failed {
                    next.store(parts.len(), Ordering::Relaxed);
                    break;
                }
            });
        }
        drop(tx);
        let mut count = 0;
        for (i, r) in rx {
            if r.is_ok() {
                sync.add(tmps[i].clone());
            }
            count += 1;
            done(count);
            results[i] = Some(r);
        }
    });
    // The first failure in part order is the one reported.
    if let Some(i) = results.iter().position(|r| matches!(r, Some(Err(_)))) {
        if let Some(Err(e)) = results.swap_remove(i) {
            return Err(e);
        }
    }
    results
        .into_iter()
        .map(|r| match r {
            Some(Ok(w)) => Ok(w),
            _ => Err(CoreError::Internal(
                "a part of the bundle was not written".into(),
            )),
        })
        .collect()
}

/// Picks the text for the bundle's language.
pub(crate) fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

#[cfg(test)]
mod progress_tests {
    use super::*;

    #[test]
    fn each_step_reports_a_step_or_stage_once() {
        let mut seen = Vec::new();
        let mut report = each_step(|p| seen.push((p.done, p.stage)));
        for (done, stage) in [
            (0, ExportStage::Files),
            (0, ExportStage::Files),
            (1, ExportStage::Files),
            (1, ExportStage::Pages),
        ] {
            report(Progress {
                done,
                total: 3,
                stage,
            });
        }
        drop(report);
        assert_eq!(
            seen,
            [
                (0, ExportStage::Files),
                (1, ExportStage::Files),
                (1, ExportStage::Pages)
            ]
        );
    }
}

#[cfg(test)]
mod report_tests {
    use super::*;

    fn part(pdf: &str, over_limit: bool) -> ExportPart {
        ExportPart {
            pdf: pdf.into(),
            pages: 1,
            pdf_size: 10,
            items: vec!["1".into()],
            over_limit,
        }
    }

    #[test]
    fn a_report_lists_every_pdf_and_the_files_folder_written_and_the_volumes_over_the_size() {
        let report = ExportReport {
            pdf: "/b/x.pdf".into(),
            files_dir: "/b/x.files".into(),
            fingerprint: String::new(),
            pages: 2,
            pdf_size: 20,
            files: Vec::new(),
            parts: vec![part("/b/x-vol1.pdf", false), part("/b/x-vol2.pdf", true)],
        };
        let written: Vec<&Path> = report.written().collect();
        let want = ["/b/x-vol1.pdf", "/b/x-vol2.pdf", "/b/x.pdf", "/b/x.files"];
        assert_eq!(written, want.map(Path::new));
        assert_eq!(report.over_limit(), ["/b/x-vol2.pdf"]);
    }
}
