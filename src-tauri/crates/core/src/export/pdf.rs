//! Assembling the bundle: files copied and hashed, images prepared, pages laid out, and the PDF
//! written through printpdf's object layer with the raw image streams and the manifest put in.

use super::files::{bundle_file_name, sha256_hex, sha256sums};
use super::images::{self, PreparedImage};
use super::pages::Placed;
use super::parts::{Location, Part, PartKind};
use super::text::{Face, SharedSubset};
use super::{
    pages, BundleInput, EmbeddedImage, ExportOptions, Manifest, ManifestEntry, MANIFEST_FORMAT,
    MANIFEST_NAME,
};
use crate::error::{CoreError, Result};
use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};
use printpdf::{DictItem, ExternalStream, ExternalXObject, PdfDocument, PdfSaveOptions, Px};
use sha2::Digest;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

/// The files of an export, copied and hashed, with their images ready to embed.
pub(crate) struct Prepared {
    pub entries: Vec<ManifestEntry>,
    pub images: Vec<Option<PreparedImage>>,
    pub fingerprint: String,
    /// Name of the files folder (`FILE.files`).
    pub dir_name: String,
}

/// One PDF written under its temporary name.
pub(crate) struct Written {
    pub pages: u32,
    pub size: u64,
}

/// Marks the placeholder XObject of image `i`, replaced by the real stream after printpdf has
/// built the object tree (so the image bytes are never copied through printpdf).
const PLACEHOLDER_KEY: &str = "TixianPlaceholder";

pub(crate) fn face() -> Result<&'static Face> {
    Face::get().ok_or_else(|| CoreError::Internal("the bundled font cannot be read".into()))
}

/// Copies the evidence into `tmp_dir` (to become `final_dir`), writes `SHA256SUMS` there and
/// prepares every image; `step(i)` after each file. Each file is handed to `sync` once written.
pub(crate) fn prepare(
    input: &BundleInput,
    opts: &ExportOptions,
    tmp_dir: &Path,
    final_dir: &Path,
    sync: &crate::fsutil::Syncer,
    step: &mut dyn FnMut(u32),
) -> Result<Prepared> {
    crate::fsutil::create_private_dir(tmp_dir)?;
    let (entries, images) = copy_and_prepare(input, opts, tmp_dir, sync, step)?;
    let sums = sha256sums(
        &entries
            .iter()
            .map(|e| (e.name.clone(), e.sha256.clone()))
            .collect::<Vec<_>>(),
    );
    let sums_path = tmp_dir.join("SHA256SUMS");
    crate::fsutil::write_private(&sums_path, sums.as_bytes())?;
    sync.add(sums_path);
    Ok(Prepared {
        entries,
        images,
        fingerprint: sha256_hex(sums.as_bytes()),
        dir_name: final_dir
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    })
}

/// Every part of an export laid out, with the 目录s pointing where the rows really are (see
/// [`locate`]).
pub(crate) struct Located {
    /// The font as the pages name it (one id for every part).
    pub font: printpdf::FontId,
    /// Every character the parts draw, for the font subset they share.
    pub drawn: BTreeSet<char>,
    /// Each part's pages, taken by [`write_part`].
    pub parts: Vec<std::sync::Mutex<Option<LaidOut>>>,
}

/// One part's pages as the last layout pass made them.
pub(crate) struct LaidOut {
    pub rendered: pages::Rendered,
    pub chars: BTreeSet<char>,
}

/// The name the pages give image `i` (the same in every layout pass and in the PDF).
fn image_id(i: usize) -> printpdf::XObjectId {
    printpdf::XObjectId(format!("I{i}"))
}

/// Lays out every part until the page numbers the 目录s print agree with where the rows really
/// are (the numbers can move the 目录's own length), and keeps the last pass's pages to be
/// written. A one-item PDF's row comes before its 目录, so where it lands is found first by
/// laying out the row alone; an export split by item then needs one full pass. Other parts take
/// a second or, rarely, third.
pub(crate) fn locate(input: &BundleInput, prep: &Prepared, parts: &[Part]) -> Result<Located> {
    let face = face()?;
    let font = printpdf::FontId::new();
    let placed: Vec<Option<Placed>> = prep
        .images
        .iter()
        .enumerate()
        .map(|(i, img)| {
            img.as_ref().map(|img| Placed {
                id: image_id(i),
                display: img.display_size(),
                orientation: img.orientation,
            })
        })
        .collect();
    // Each part's context is this one's with its own `here` and the pass's `locations`.
    let base = pages::Context {
        input,
        face,
        font: font.clone(),
        entries: &prep.entries,
        placed: &placed,
        fingerprint: &prep.fingerprint,
        files_dir: &prep.dir_name,
        parts,
        here: 0,
        locations: &[],
    };
    let failed = || CoreError::Internal("laying out the pages failed".into());
    let mut locations: Vec<Location> = vec![None; input.catalog.len()];
    let first = on_every_core(parts.len(), |here| {
        pages::item_pages_first(&pages::Context {
            here,
            locations: &locations,
            font: font.clone(),
            ..base
        })
    })
    .ok_or_else(failed)?;
    for (here, item_pages) in first.into_iter().enumerate() {
        for (row, range) in item_pages.into_iter().flatten() {
            locations[row] = Some((here, range));
        }
    }
    let mut last = Vec::new();
    for _ in 0..4 {
        // The parts of one pass are laid out independently, on every core.
        let laid_out = on_every_core(parts.len(), |here| {
            let rendered = pages::render(&pages::Context {
                here,
                locations: &locations,
                font: font.clone(),
                ..base
            });
            let mut chars = BTreeSet::new();
            super::layout::chars_drawn(&rendered.pages, &mut chars);
            LaidOut { rendered, chars }
        })
        .ok_or_else(failed)?;
        let mut next: Vec<Location> = vec![None; input.catalog.len()];
        for (here, part) in laid_out.iter().enumerate() {
            for &(row, range) in &part.rendered.item_pages {
                next[row] = Some((here, range));
            }
        }
        last = laid_out;
        if next == locations {
            break;
        }
        locations = next;
    }
    let mut drawn = BTreeSet::new();
    for part in &last {
        drawn.extend(part.chars.iter().copied());
    }
    Ok(Located {
        font,
        drawn,
        parts: last
            .into_iter()
            .map(|p| std::sync::Mutex::new(Some(p)))
            .collect(),
    })
}

/// `f(0)`, …, `f(n - 1)` computed on as many threads as there are cores (this one included),
/// in order; `None` if one of them panicked.
fn on_every_core<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Option<Vec<T>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(1, |c| c.get())
        .min(n);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break mine;
            }
            mine.push((i, f(i)));
        }
    };
    let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
    let mut all_joined = true;
    std::thread::scope(|scope| {
        // A thread that cannot be started leaves its share to the others.
        let helpers: Vec<_> = (1..workers)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
            .collect();
        let mut done = work();
        for h in helpers {
            match h.join() {
                Ok(theirs) => done.extend(theirs),
                Err(_) => all_joined = false,
            }
        }
        for (i, v) in done {
            out[i] = Some(v);
        }
    });
    if !all_joined {
        return None;
    }
    out.into_iter().collect()
}

/// What [`locate`] found, for writing the parts.
#[derive(Clone, Copy)]
pub(crate) struct Layout<'a> {
    pub located: &'a Located,
    /// The export's own subset of the font, when it could be made.
    pub shared: Option<&'a SharedSubset>,
}

/// Writes part `here` of `parts` to `tmp_pdf`: its pages as [`locate`] laid them out. Its font
/// is a subset of `layout.shared` when that has every character the part draws, else of the
/// whole font.
pub(crate) fn write_part(
    input: &BundleInput,
    prep: &Prepared,
    parts: &[Part],
    here: usize,
    layout: Layout,
    tmp_pdf: &Path,
) -> Result<Written> {
    let face = face()?;
    let LaidOut {
        rendered,
        chars: drawn,
    } = layout
        .located
        .parts
        .get(here)
        .and_then(|p| p.lock().ok()?.take())
        .ok_or_else(|| CoreError::Internal("a part of the bundle was not laid out".into()))?;
    let mut doc = PdfDocument::new(&input.title);
    doc.metadata.info.producer = format!("Tixian {}", crate::VERSION);
    doc.metadata.info.creator = "Tixian".into();
    if let Some(when) = chrono::DateTime::parse_from_rfc3339(&input.exported_at)
        .ok()
        .and_then(|t| printpdf::OffsetDateTime::from_unix_timestamp(t.timestamp()).ok())
    {
        doc.metadata.info.creation_date = when;
        doc.metadata.info.modification_date = when;
        doc.metadata.info.metadata_date = when;
    }
    let ctx_files = parts[here].files(&input.catalog, prep.entries.len());
    // Only this PDF's images go into it.
    let embedded: Vec<bool> = prep
        .images
        .iter()
        .enumerate()
        .map(|(i, img)| match img {
            Some(img) if ctx_files.contains(&i) && parts[here].kind != PartKind::Index => {
                add_placeholder(&mut doc, i, img);
                true
            }
            _ => false,
        })
        .collect();
    let shared = layout.shared.filter(|s| drawn.is_subset(&s.chars));
    let source = shared.map_or(&face.font, |s| &s.font);
    doc.resources.fonts.map.insert(
        layout.located.font.clone(),
        printpdf::PdfFont::new(source.clone()),
    );
    let page_count = rendered.pages.len() as u32;
    doc.pages = rendered.pages;
    for (name, page) in rendered.marks {
        doc.add_bookmark(&name, page);
    }

    let save = PdfSaveOptions {
        optimize: false,
        // The shared subset goes in whole (see `SharedSubset`); the whole font is cut down.
        subset_fonts: shared.is_none(),
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = printpdf::to_lopdf_doc(&doc, &save, &mut warnings);
    drop(doc);
    if let Some(shared) = shared {
        install_font(&mut lo, shared);
    }
    install_images(&mut lo, &prep.images, &prep.entries);
    let numbers = super::catalog::numbers(&input.catalog);
    let files: Vec<ManifestEntry> = ctx_files
        .iter()
        .map(|&i| {
            let mut e = prep.entries[i].clone();
            if !embedded[i] {
                // Listed for its file in the folder; its image is in another PDF.
                e.embedded = None;
            }
            e
        })
        .collect();
    // The embedded hashes are known already: the page hashes take them instead of hashing the
    // image streams again.
    let images_here: std::collections::HashMap<String, String> = files
        .iter()
        .filter_map(|e| {
            e.embedded
                .as_ref()
                .map(|img| (e.name.clone(), img.sha256.clone()))
        })
        .collect();
    let manifest = Manifest {
        format: MANIFEST_FORMAT.into(),
        case_id: input.case_id,
        title: input.title.clone(),
        exported_at: input.exported_at.clone(),
        files_dir: prep.dir_name.clone(),
        fingerprint: prep.fingerprint.clone(),
        files,
        part: parts[here].manifest_label(&numbers),
        pages: super::verify::page_hashes(&lo, usize::MAX, &images_here).ok_or_else(|| {
            CoreError::Internal("a page of the new PDF has no readable content".into())
        })?,
    };
    attach_manifest(&mut lo, &manifest)?;
    compress_streams(&mut lo);
    let file = crate::fsutil::create_private(tmp_pdf)?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    lo.save_to(&mut writer)
        .map_err(|e| CoreError::Internal(format!("writing the PDF: {e}")))?;
    writer.flush()?;
    drop(writer);
    Ok(Written {
        pages: page_count,
        size: std::fs::metadata(tmp_pdf)?.len(),
    })
}

/// Copies each evidence file under its bundle name (checking it against its recorded hash) and
/// prepares its image, the files shared out over the cores (reading, hashing and copying 50
/// screenshots is most of a bundle's time); each file's bytes are dropped once it is done, so
/// at most one file per core is held. `step(k)` after each file finished, in any order.
fn copy_and_prepare(
    input: &BundleInput,
    opts: &ExportOptions,
    tmp_dir: &Path,
    sync: &crate::fsutil::Syncer,
    step: &mut dyn FnMut(u32),
) -> Result<(Vec<ManifestEntry>, Vec<Option<PreparedImage>>)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let n = input.evidence.len();
    let width = n.to_string().len().max(2);
    let workers = std::thread::available_parallelism()
        .map_or(1, |c| c.get())
        .min(n)
        .max(1);
    let next = AtomicUsize::new(0);
    type One = Result<(ManifestEntry, Option<PreparedImage>)>;
    let mut results: Vec<Option<One>> = (0..n).map(|_| None).collect();
    let (tx, rx) = std::sync::mpsc::channel::<(usize, One)>();
    std::thread::scope(|scope| {
        let work = |tx: std::sync::mpsc::Sender<(usize, One)>| loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            let r = copy_one(input, i, width, opts, tmp_dir, sync);
            let failed = r.is_err();
            // Once one file failed the export fails: take no more.
            if tx.send((i, r)).is_err() || failed {
                next.store(n, Ordering::Relaxed);
                break;
            }
        };
        // This thread only reports progress; the files are done on one thread per core.
        let mut started = 0;
        for _ in 0..workers {
            let tx = tx.clone();
            if std::thread::Builder::new()
                .spawn_scoped(scope, move || work(tx))
                .is_ok()
            {
                started += 1;
            }
        }
        if started == 0 {
            // No thread could be started: this one does them all.
            work(tx.clone());
        }
        drop(tx);
        let mut count = 0;
        for (i, r) in rx {
            count += 1;
            step(count);
            results[i] = Some(r);
        }
    });
    let mut entries = Vec::with_capacity(n);
    let mut prepared = Vec::with_capacity(n);
    // The first failure in evidence order is the one reported.
    if let Some(i) = results.iter().position(|r| matches!(r, Some(Err(_)))) {
        if let Some(Err(e)) = results.swap_remove(i) {
            return Err(e);
        }
    }
    for r in results {
        match r {
            Some(Ok((entry, image))) => {
                entries.push(entry);
                prepared.push(image);
            }
            _ => {
                return Err(CoreError::Internal(
                    "an evidence file was not prepared".into(),
                ))
            }
        }
    }
    Ok((entries, prepared))
}

/// Evidence file `i`: read, checked against its recorded hash, copied under its bundle name
/// (handed to `sync`) and its image prepared.
fn copy_one(
    input: &BundleInput,
    i: usize,
    width: usize,
    opts: &ExportOptions,
    tmp_dir: &Path,
    sync: &crate::fsutil::Syncer,
) -> Result<(ManifestEntry, Option<PreparedImage>)> {
    let ev = &input.evidence[i];
    let bytes = crate::vault::read_path(&ev.path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CoreError::NotFound {
            what: "evidence",
            key: ev.path.display().to_string(),
        },
        _ => CoreError::Io(e),
    })?;
    let sha256 = sha256_hex(&bytes);
    if !ev.sha256.is_empty() && !ev.sha256.eq_ignore_ascii_case(&sha256) {
        return Err(CoreError::CheckFailed(format!(
            "evidence file {} ({}) no longer matches its recorded SHA-256 {}; nothing was exported",
            ev.path.display(),
            ev.original_name,
            ev.sha256
        )));
    }
    let date = ev.taken_at.as_deref().unwrap_or(&ev.added_at).get(..10);
    let name = bundle_file_name(i + 1, width, &ev.caption, &ev.original_name, date);
    let copy = tmp_dir.join(&name);
    crate::fsutil::write_private(&copy, &bytes)?;
    sync.add(copy);
    let image = images::prepare(&bytes, opts.smaller_file);
    let entry = ManifestEntry {
        name,
        size: bytes.len() as u64,
        sha256,
        original_name: ev.original_name.clone(),
        caption: ev.caption.clone(),
        tier: ev.tier.clone(),
        embedded: image.as_ref().map(|img| EmbeddedImage {
            storage: img.storage,
            width: img.width,
            height: img.height,
            sha256: img.embedded_sha256(),
        }),
    };
    Ok((entry, image))
}

/// Puts the placeholder XObject of image `index` in `doc`, under the name the pages use.
fn add_placeholder(doc: &mut PdfDocument, index: usize, img: &PreparedImage) {
    let mut dict = BTreeMap::new();
    dict.insert("Type".to_string(), DictItem::Name(b"XObject".to_vec()));
    dict.insert("Subtype".to_string(), DictItem::Name(b"Image".to_vec()));
    dict.insert(PLACEHOLDER_KEY.to_string(), DictItem::Int(index as i64));
    doc.resources.xobjects.map.insert(
        image_id(index),
        printpdf::XObject::External(ExternalXObject {
            stream: ExternalStream {
                dict,
                content: Vec::new(),
                compress: false,
            },
            width: Some(Px(img.width as usize)),
            height: Some(Px(img.height as usize)),
            dpi: None,
        }),
    );
}

fn install_images(
    lo: &mut lopdf::Document,
    prepared: &[Option<PreparedImage>],
    entries: &[ManifestEntry],
) {
    let slots: Vec<(ObjectId, usize)> = lo
        .objects
        .iter()
        .filter_map(|(id, obj)| match obj {
            Object::Stream(s) => match s.dict.get(PLACEHOLDER_KEY.as_bytes()) {
                Ok(Object::Integer(i)) => Some((*id, *i as usize)),
                _ => None,
            },
            _ => None,
        })
        .collect();
    for (id, index) in slots {
        if let Some(img) = prepared.get(index).and_then(Option::as_ref) {
            let stream = img.to_stream(lo, &entries[index].name);
            lo.objects.insert(id, Object::Stream(stream));
        }
    }
}

/// Puts the shared subset's program, compressed once for the export, in place of the copy
/// printpdf embedded (which `compress` would otherwise compress again in every PDF), and names
/// the font as the subset it is (`ABCDEF+Name`, the tag from the program's hash, as PDF asks of
/// an embedded subset).
fn install_font(lo: &mut lopdf::Document, shared: &SharedSubset) {
    let digest = sha2::Sha256::digest(&shared.program);
    let tag: Vec<u8> = digest.iter().take(6).map(|b| b'A' + b % 26).collect();
    for obj in lo.objects.values_mut() {
        if let Object::Dictionary(d) = obj {
            for key in [b"FontName".as_slice(), b"BaseFont".as_slice()] {
                if let Ok(Object::Name(name)) = d.get_mut(key) {
                    if !name.contains(&b'+') {
                        *name = [tag.as_slice(), b"+", name.as_slice()].concat();
                    }
                }
            }
        }
        if let Object::Stream(s) = obj {
            if s.dict.has(b"Length1")
                && s.dict.get(b"Filter").is_err()
                && s.content == shared.program
            {
                s.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                s.set_content(shared.compressed.clone());
                s.allows_compression = false;
            }
        }
    }
}

/// Compresses the streams the PDF makes itself (page text, the ToUnicode map, the manifest) at
/// zlib's default level, as lopdf's `compress` does at its best: a per-item export has hundreds
/// of text streams, and the best level takes about twice as long on them for a percent or two.
fn compress_streams(lo: &mut lopdf::Document) {
    for obj in lo.objects.values_mut() {
        let Object::Stream(s) = obj else { continue };
        if !s.allows_compression || s.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut z = flate2::write::ZlibEncoder::new(
            Vec::with_capacity(s.content.len() / 2),
            flate2::Compression::default(),
        );
        // As lopdf: a stream that does not compress (or fails to) stays as it is.
        let Ok(packed) = z.write_all(&s.content).and_then(|()| z.finish()) else {
            continue;
        };
        if packed.len() + 19 < s.content.len() {
            s.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            s.set_content(packed);
        }
    }
}

/// Embeds the manifest as the PDF attachment `tixian-manifest.json` (a standard embedded file,
/// visible in a viewer's attachments panel).
fn attach_manifest(lo: &mut lopdf::Document, manifest: &Manifest) -> Result<()> {
    let json =
        serde_json::to_vec_pretty(manifest).map_err(|e| CoreError::Internal(e.to_string()))?;
    let mut ef = Dictionary::new();
    ef.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
    ef.set("Subtype", Object::Name(b"application/json".to_vec()));
    let ef_id = lo.add_object(Stream::new(ef, json));
    let name = || Object::String(MANIFEST_NAME.as_bytes().to_vec(), StringFormat::Literal);
    let mut spec = Dictionary::new();
    spec.set("Type", Object::Name(b"Filespec".to_vec()));
    spec.set("F", name());
    spec.set("UF", name());
    spec.set(
        "Desc",
        Object::String(
            b"Tixian bundle manifest: file names, sizes and SHA-256".to_vec(),
            StringFormat::Literal,
        ),
    );
    let mut ef_map = Dictionary::new();
    ef_map.set("F", Object::Reference(ef_id));
    spec.set("EF", Object::Dictionary(ef_map));
    let spec_id = lo.add_object(spec);
    let mut tree = Dictionary::new();
    tree.set(
        "Names",
        Object::Array(vec![name(), Object::Reference(spec_id)]),
    );
    let mut names = Dictionary::new();
    names.set("EmbeddedFiles", Object::Dictionary(tree));
    let catalog = lo
        .catalog_mut()
        .map_err(|e| CoreError::Internal(format!("PDF catalog: {e}")))?;
    catalog.set("Names", Object::Dictionary(names));
    Ok(())
}
