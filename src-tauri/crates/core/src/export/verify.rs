//! Checking a bundle: every file listed in the manifest embedded in the PDF is hashed again in
//! the folder beside it, and every embedded image stream is hashed again inside the PDF.

use super::files::files_dir_for;
use super::{Manifest, MANIFEST_FORMAT, MANIFEST_NAME};
use crate::error::{CoreError, Result};
use lopdf::{Document, Object};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    Ok,
    Changed,
    Missing,
}

/// Where a checked copy lives: in the folder beside the PDF, or embedded in the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Place {
    Files,
    Pdf,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VerifyEntry {
    pub name: String,
    pub place: Place,
    pub status: FileStatus,
    pub expected: String,
    /// The hash found now; `None` when missing.
    pub actual: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VerifyReport {
    pub pdf: String,
    pub files_dir: String,
    pub case_id: i64,
    pub fingerprint: String,
    /// True only when every entry is ok.
    pub ok: bool,
    pub entries: Vec<VerifyEntry>,
}

impl VerifyReport {
    /// The entries that are not ok.
    pub fn problems(&self) -> impl Iterator<Item = &VerifyEntry> {
        self.entries.iter().filter(|e| e.status != FileStatus::Ok)
    }
}

/// Recomputes every hash of the bundle `pdf`. A missing or unreadable PDF, or one that is not a
/// Tixian bundle, is an `Invalid` error (exit 2); differences are reported in the entries.
pub fn verify_bundle(pdf: &Path) -> Result<VerifyReport> {
    let not_bundle = |zh: &str, en: &str| {
        CoreError::invalid(
            "FILE",
            format!("{}：{zh}", pdf.display()),
            format!("{}: {en}", pdf.display()),
        )
    };
    if !pdf.is_file() {
        return Err(not_bundle("文件不存在", "no such file"));
    }
    let doc =
        Document::load(pdf).map_err(|_| not_bundle("不是可读取的 PDF", "not a readable PDF"))?;
    let manifest = read_manifest(&doc).ok_or_else(|| {
        not_bundle(
            "不是提现助手导出的证据材料（没有内嵌清单）",
            "not a Tixian evidence bundle (no embedded manifest)",
        )
    })?;
    let dir = files_dir_for(pdf);
    let mut entries = Vec::new();

    entries.push(check_file(
        &dir.join("SHA256SUMS"),
        "SHA256SUMS",
        &manifest.fingerprint,
    ));
    for f in &manifest.files {
        entries.push(check_file(&dir.join(&f.name), &f.name, &f.sha256));
    }

    let embedded = embedded_image_hashes(&doc);
    for f in &manifest.files {
        if let Some(img) = &f.embedded {
            let actual = embedded.get(&f.name).cloned();
            let status = match &actual {
                None => FileStatus::Missing,
                Some(a) if a.eq_ignore_ascii_case(&img.sha256) => FileStatus::Ok,
                Some(_) => FileStatus::Changed,
            };
            entries.push(VerifyEntry {
                name: f.name.clone(),
                place: Place::Pdf,
                status,
                expected: img.sha256.clone(),
                actual,
            });
        }
    }
    Ok(VerifyReport {
        pdf: pdf.display().to_string(),
        files_dir: dir.display().to_string(),
        case_id: manifest.case_id,
        fingerprint: manifest.fingerprint,
        ok: entries.iter().all(|e| e.status == FileStatus::Ok),
        entries,
    })
}

fn check_file(path: &Path, name: &str, expected: &str) -> VerifyEntry {
    let actual = hash_file(path);
    let status = match &actual {
        None => FileStatus::Missing,
        Some(a) if a.eq_ignore_ascii_case(expected) => FileStatus::Ok,
        Some(_) => FileStatus::Changed,
    };
    VerifyEntry {
        name: name.to_string(),
        place: Place::Files,
        status,
        expected: expected.to_string(),
        actual,
    }
}

fn hash_file(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(hex::encode(h.finalize()))
}

/// The manifest attached as `tixian-manifest.json`, if this is a bundle.
fn read_manifest(doc: &Document) -> Option<Manifest> {
    let names = deref_dict(doc, doc.catalog().ok()?.get(b"Names").ok()?)?;
    let tree = deref_dict(doc, names.get(b"EmbeddedFiles").ok()?)?;
    let list = match doc.dereference(tree.get(b"Names").ok()?).ok()?.1 {
        Object::Array(a) => a,
        _ => return None,
    };
    for pair in list.chunks(2) {
        let [Object::String(name, _), spec] = pair else {
            continue;
        };
        if name.as_slice() != MANIFEST_NAME.as_bytes() {
            continue;
        }
        let spec = deref_dict(doc, spec)?;
        let ef = deref_dict(doc, spec.get(b"EF").ok()?)?;
        let stream = match doc.dereference(ef.get(b"F").ok()?).ok()?.1 {
            Object::Stream(s) => s,
            _ => return None,
        };
        let json = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        let manifest: Manifest = serde_json::from_slice(&json).ok()?;
        return (manifest.format == MANIFEST_FORMAT).then_some(manifest);
    }
    None
}

fn deref_dict<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a lopdf::Dictionary> {
    match doc.dereference(obj).ok()?.1 {
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

/// SHA-256 of each tagged image stream as stored (then its soft mask's), by bundle file name.
fn embedded_image_hashes(doc: &Document) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for obj in doc.objects.values() {
        let Object::Stream(s) = obj else { continue };
        let Ok(Object::String(tag, _)) = s.dict.get(b"TixianFile") else {
            continue;
        };
        let mut h = Sha256::new();
        h.update(&s.content);
        if let Ok(mask) = s.dict.get(b"SMask") {
            if let Ok((_, Object::Stream(m))) = doc.dereference(mask) {
                h.update(&m.content);
            }
        }
        out.insert(
            String::from_utf8_lossy(tag).into_owned(),
            hex::encode(h.finalize()),
        );
    }
    out
}
