//! Checking a bundle: every file listed in the manifest embedded in the PDF is hashed again in
//! the folder beside it, and every embedded image stream is hashed again inside the PDF.

use super::files::files_dir_for;
use super::{Manifest, MANIFEST_FORMAT, MANIFEST_NAME};
use crate::error::{CoreError, Result};
use crate::Field;
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
    /// A page that was not in the PDF as exported.
    Added,
}

/// Where a checked copy lives: in the folder beside the PDF, embedded in the PDF, or a page of
/// the PDF (its `name` is then the 1-based page number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Place {
    Files,
    Pdf,
    Page,
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
            Field::File,
            format!("{}：{zh}", pdf.display()),
            format!("{}: {en}", pdf.display()),
        )
    };
    // Only a regular file is opened (a FIFO or a device would block or never end); stat first,
    // then read at most MAX_PDF bytes.
    match std::fs::metadata(pdf) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Err(not_bundle("不是普通文件", "not a regular file")),
        Err(_) => return Err(not_bundle("文件不存在", "no such file")),
    }
    let bytes = read_regular(pdf, MAX_PDF)
        .ok_or_else(|| not_bundle("无法读取或过大", "unreadable or too large"))?;
    if let Some(at) = appended_after_export(&bytes) {
        return Err(CoreError::CheckFailed(format!(
            "{}: something was appended after the export (an incremental update from byte {at} on: pages or files may have been replaced); the bundle is not as exported",
            pdf.display()
        )));
    }
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_DECOMPRESSED),
        ..Default::default()
    };
    let doc = Document::load_mem_with_options(&bytes, options)
        .map_err(|_| not_bundle("不是可读取的 PDF", "not a readable PDF"))?;
    let manifest = read_manifest(&doc).ok_or_else(|| {
        not_bundle(
            "不是提现助手导出的证据材料（没有内嵌清单）",
            "not a Tixian evidence bundle (no embedded manifest)",
        )
    })?;
    // The folder the manifest names, beside the PDF (a split export's PDFs share one); a name
    // that is not a plain one is refused like a file outside the folder.
    let dir = if manifest.files_dir.is_empty() {
        files_dir_for(pdf)
    } else if plain_name(&manifest.files_dir) {
        pdf.with_file_name(&manifest.files_dir)
    } else {
        return Err(CoreError::CheckFailed(format!(
            "{}: the embedded manifest names “{}” as its folder, outside the PDF's own folder; refused",
            pdf.display(),
            manifest.files_dir
        )));
    };
    for f in &manifest.files {
        if !plain_name(&f.name) {
            return Err(CoreError::CheckFailed(format!(
                "{}: the embedded manifest names “{}”, a file outside the bundle folder; refused (nothing outside {} was read)",
                pdf.display(),
                f.name,
                dir.display()
            )));
        }
    }
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
    if !manifest.pages.is_empty() {
        let found = page_hashes(&doc, MAX_DECOMPRESSED, &embedded).unwrap_or_default();
        for i in 0..manifest.pages.len().max(found.len()) {
            let (expected, actual) = (manifest.pages.get(i), found.get(i));
            let status = match (expected, actual) {
                (Some(e), Some(a)) if e.eq_ignore_ascii_case(a) => FileStatus::Ok,
                (Some(_), Some(_)) => FileStatus::Changed,
                (Some(_), None) => FileStatus::Missing,
                (None, _) => FileStatus::Added,
            };
            entries.push(VerifyEntry {
                name: (i + 1).to_string(),
                place: Place::Page,
                status,
                expected: expected.cloned().unwrap_or_default(),
                actual: actual.cloned(),
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

/// Largest PDF verify reads, and the most one stream (the manifest, an object stream) may
/// decompress to.
const MAX_PDF: u64 = 4 << 30;
const MAX_DECOMPRESSED: usize = 64 << 20;

/// Where bytes start after the end of the PDF as exported: Tixian writes one revision, so
/// anything but white space after its first end marker (`startxref N %%EOF`) is an update
/// appended later. A bare `%%EOF` can occur by chance inside image data; the whole marker
/// with its offset cannot in practice.
fn appended_after_export(bytes: &[u8]) -> Option<usize> {
    let end = bytes
        .windows(5)
        .enumerate()
        .filter(|(_, w)| *w == b"%%EOF")
        .map(|(i, _)| i)
        .find(|&i| ends_startxref(&bytes[..i]))?
        + 5;
    bytes[end..]
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|p| end + p)
}

/// Whether `head` ends with `startxref`, white space, digits and white space.
fn ends_startxref(head: &[u8]) -> bool {
    let trim_ws = |s: &[u8]| {
        s.len()
            - s.iter()
                .rev()
                .take_while(|b| b.is_ascii_whitespace())
                .count()
    };
    let head = &head[..trim_ws(head)];
    let digits = head.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return false;
    }
    let head = &head[..head.len() - digits];
    let cut = trim_ws(head);
    cut < head.len() && head[..cut].ends_with(b"startxref")
}

/// A name inside the bundle folder: no separators, not `.`/`..`, not absolute, no NUL.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !Path::new(name).is_absolute()
}

/// The bytes of `path` if it is a regular file (not a link, FIFO or device) of at most `max`.
fn read_regular(path: &Path, max: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() || file.metadata().ok()?.len() > max {
        return None;
    }
    let mut out = Vec::new();
    file.take(max + 1).read_to_end(&mut out).ok()?;
    (out.len() as u64 <= max).then_some(out)
}

fn hash_file(path: &Path) -> Option<String> {
    use std::io::Read;
    // A link could point outside the folder, a FIFO would block: regular files only, checked
    // before opening.
    if !std::fs::symlink_metadata(path).ok()?.is_file() {
        return None;
    }
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

/// The folder the manifest embedded in `pdf` names (`FILE.files`), when `pdf` is a regular file
/// (not a link) holding a Tixian bundle: how an export recognises the PDFs an earlier export of
/// the same bundle wrote. Read within the same bounds as [`verify_bundle`].
pub(crate) fn manifest_folder(pdf: &Path) -> Option<String> {
    if !std::fs::symlink_metadata(pdf).ok()?.is_file() {
        return None;
    }
    let bytes = read_regular(pdf, MAX_PDF)?;
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_DECOMPRESSED),
        ..Default::default()
    };
    let doc = Document::load_mem_with_options(&bytes, options).ok()?;
    let manifest = read_manifest(&doc)?;
    if manifest.files_dir.is_empty() {
        files_dir_for(pdf)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
    } else {
        Some(manifest.files_dir)
    }
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
            .decompressed_content_with_limit(MAX_DECOMPRESSED)
            .ok()?;
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

/// SHA-256 of each page's content, in page order: its size (MediaBox), its content streams
/// decoded (so a tool that only recompresses them changes nothing), and each image or form in
/// its resources by name with the hash of that stream as stored (so swapping an image for
/// another is a changed page even where the tagged original is left in the file). A tagged
/// image counts by its tag and its hash in `images` (tag → the hash [`embedded_image_hashes`]
/// gives), so the big streams are not hashed again. `None` when a page's content cannot be read
/// (or decodes to more than `limit` bytes).
pub(crate) fn page_hashes(
    doc: &Document,
    limit: usize,
    images: &HashMap<String, String>,
) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut seen: HashMap<lopdf::ObjectId, [u8; 32]> = HashMap::new();
    for (_, id) in doc.get_pages() {
        let page = doc.get_dictionary(id).ok()?;
        let mut h = Sha256::new();
        if let Ok(Object::Array(b)) = page
            .get(b"MediaBox")
            .and_then(|o| doc.dereference(o).map(|x| x.1))
        {
            for v in b {
                let v = v
                    .as_float()
                    .ok()
                    .or_else(|| v.as_i64().ok().map(|i| i as f32))?;
                h.update(format!("{v:.2} ").as_bytes());
            }
        }
        h.update(b"\ncontent\n");
        let contents = match page.get(b"Contents") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(o) => vec![o.clone()],
            Err(_) => Vec::new(),
        };
        for c in &contents {
            let Ok((_, Object::Stream(s))) = doc.dereference(c) else {
                return None;
            };
            if s.dict.get(b"Filter").is_ok() {
                h.update(s.decompressed_content_with_limit(limit).ok()?);
            } else {
                h.update(&s.content);
            }
        }
        h.update(b"\nxobjects\n");
        let resources = page.get(b"Resources").ok().and_then(|r| deref_dict(doc, r));
        if let Some(xobjects) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|x| deref_dict(doc, x))
        {
            let mut named: Vec<_> = xobjects.iter().collect();
            named.sort_by(|a, b| a.0.cmp(b.0));
            for (name, obj) in named {
                h.update(name);
                h.update(b"=");
                if let Some(known) = tagged_hash(doc, obj, images) {
                    h.update(known.as_bytes());
                    h.update(b";");
                    continue;
                }
                // Pages may list every image of the file in their resources: each stream is
                // hashed once, not once per page.
                let digest = match obj {
                    Object::Reference(id) => match seen.get(id) {
                        Some(d) => Some(*d),
                        None => {
                            let d = stream_digest(doc, obj);
                            if let Some(d) = d {
                                seen.insert(*id, d);
                            }
                            d
                        }
                    },
                    _ => stream_digest(doc, obj),
                };
                if let Some(d) = digest {
                    h.update(d);
                }
                h.update(b";");
            }
        }
        out.push(hex::encode(h.finalize()));
    }
    Some(out)
}

/// `TAG:HASH` of a tagged image whose hash is in `images`.
fn tagged_hash(doc: &Document, obj: &Object, images: &HashMap<String, String>) -> Option<String> {
    let Object::Stream(s) = doc.dereference(obj).ok()?.1 else {
        return None;
    };
    let Ok(Object::String(tag, _)) = s.dict.get(b"TixianFile") else {
        return None;
    };
    let tag = String::from_utf8_lossy(tag);
    images.get(tag.as_ref()).map(|h| format!("{tag}:{h}"))
}

/// SHA-256 of the stream `obj` points at, as stored.
fn stream_digest(doc: &Document, obj: &Object) -> Option<[u8; 32]> {
    match doc.dereference(obj).ok()?.1 {
        Object::Stream(s) => Some(Sha256::digest(&s.content).into()),
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

#[cfg(test)]
mod tests {
    use super::super::{export_bundle, BundleInput, EvidenceFile, ExportOptions, Summary};
    use super::*;
    use crate::{money::Money, Lang};
    use std::io::Write;

    /// A bundle with one text file in `dir`; returns the PDF's path.
    fn bundle(dir: &Path) -> std::path::PathBuf {
        let src = dir.join("note.txt");
        std::fs::write(&src, "95017 6 分钟\n").unwrap();
        let input = BundleInput {
            case_id: 1,
            title: "测试".into(),
            platform: "微信支付".into(),
            amount: Money::from_fen(100),
            occurred_at: "2026-06-15T23:40:00+08:00".into(),
            created_at: "2026-06-16T09:00:00+08:00".into(),
            exported_at: "2026-06-25T20:15:00+08:00".into(),
            lang: Lang::Zh,
            summary: Summary::default(),
            timeline: Vec::new(),
            contacts: Vec::new(),
            evidence: vec![EvidenceFile {
                path: src,
                original_name: "note.txt".into(),
                caption: String::new(),
                taken_at: None,
                taken_at_source: None,
                mime: String::new(),
                added_at: "2026-06-16T09:00:00+08:00".into(),
                sha256: String::new(),
                tier: "core".into(),
                text: String::new(),
                text_checked: false,
            }],
            catalog: Vec::new(),
            applicant: String::new(),
        };
        let pdf = dir.join("b.pdf");
        export_bundle(&input, &pdf, &ExportOptions::default(), &mut |_| {}).unwrap();
        pdf
    }

    /// Replaces the embedded manifest's stream by `content` (with `filter`, if any).
    fn replace_manifest(pdf: &Path, content: Vec<u8>, filter: Option<&str>) {
        let mut doc = Document::load(pdf).unwrap();
        let id = doc
            .objects
            .iter()
            .find_map(|(id, o)| match o {
                Object::Stream(s) if s.dict.has_type(b"EmbeddedFile") => Some(*id),
                _ => None,
            })
            .unwrap();
        let mut dict = lopdf::Dictionary::new();
        dict.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
        if let Some(f) = filter {
            dict.set("Filter", Object::Name(f.as_bytes().to_vec()));
        }
        let mut stream = lopdf::Stream::new(dict, content);
        stream.allows_compression = false;
        doc.objects.insert(id, Object::Stream(stream));
        doc.save(pdf).unwrap();
    }

    #[test]
    fn a_manifest_naming_a_file_outside_the_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = bundle(dir.path());
        let doc = Document::load(&pdf).unwrap();
        let mut manifest = serde_json::to_value(
            read_manifest(&doc).unwrap_or_else(|| panic!("fresh bundle has a manifest")),
        )
        .unwrap();
        for name in ["../../etc/passwd", "/etc/passwd"] {
            manifest["files"][0]["name"] = name.into();
            replace_manifest(&pdf, serde_json::to_vec(&manifest).unwrap(), None);
            match verify_bundle(&pdf) {
                Err(CoreError::CheckFailed(m)) => assert!(m.contains(name), "{m}"),
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_manifest_that_inflates_without_end_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = bundle(dir.path());
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..(MAX_DECOMPRESSED >> 20) + 8 {
            z.write_all(&zeros).unwrap();
        }
        replace_manifest(&pdf, z.finish().unwrap(), Some("FlateDecode"));
        assert!(matches!(
            verify_bundle(&pdf),
            Err(CoreError::Invalid { .. })
        ));
    }

    #[test]
    fn an_update_appended_after_the_export_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = bundle(dir.path());
        assert!(verify_bundle(&pdf).unwrap().ok);
        // An incremental revision (e.g. one that blanks a page) goes after the first %%EOF.
        let mut bytes = std::fs::read(&pdf).unwrap();
        bytes
            .extend_from_slice(b"\n3 0 obj\n<< /Length 0 >>\nstream\n\nendstream\nendobj\n%%EOF\n");
        std::fs::write(&pdf, &bytes).unwrap();
        match verify_bundle(&pdf) {
            Err(CoreError::CheckFailed(m)) => assert!(m.contains("appended"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_eof_marker_inside_image_data_was_taken_for_an_appended_update() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<< /Length 9 >>\nstream\nab%%EOFcd\nendstream\nendobj\nstartxref\n42\n%%EOF\n";
        assert_eq!(appended_after_export(pdf), None);
        let mut updated = pdf.to_vec();
        updated.extend_from_slice(b"2 0 obj\n<< >>\nendobj\nstartxref\n99\n%%EOF\n");
        assert_eq!(appended_after_export(&updated), Some(pdf.len()));
    }

    #[test]
    fn a_fifo_given_as_the_pdf_is_refused_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("b.pdf");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            verify_bundle(&fifo),
            Err(CoreError::Invalid { .. })
        ));
    }

    #[test]
    fn a_fifo_in_the_files_folder_is_missing_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = bundle(dir.path());
        let files = files_dir_for(&pdf);
        let name = std::fs::read_dir(&files)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "txt"))
            .unwrap();
        std::fs::remove_file(&name).unwrap();
        let c = std::ffi::CString::new(name.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let report = verify_bundle(&pdf).unwrap();
        assert!(!report.ok);
        assert!(report
            .problems()
            .any(|e| e.status == FileStatus::Missing && name.ends_with(&e.name)));
    }

    #[test]
    fn a_link_in_the_files_folder_to_a_file_outside_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = bundle(dir.path());
        let files = files_dir_for(&pdf);
        let name = std::fs::read_dir(&files)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "txt"))
            .unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::copy(&name, &outside).unwrap();
        std::fs::remove_file(&name).unwrap();
        std::os::unix::fs::symlink(&outside, &name).unwrap();
        let report = verify_bundle(&pdf).unwrap();
        assert!(report.problems().any(|e| e.status == FileStatus::Missing));
    }
}
