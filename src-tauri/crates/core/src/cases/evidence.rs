//! The evidence vault for a case: screenshots, PDFs, chat exports, recordings. Each file is
//! checked first (type sniffed from its content, images fully decoded under strict limits, EXIF
//! capture time read), then copied into the content-addressed vault and recorded with its
//! original name, size, times, caption and tier. The original is only ever read.
//!
//! Checking happens in [`prepare`] before any store or vault is touched, so a decompression
//! bomb, a truncated image or a missing file is refused with nothing stored.

use super::{get_case, optional_text, Tier};
use crate::error::{CoreError, Result};
pub(crate) use crate::imaging::is_decodable_image;
pub use crate::imaging::{decode_image, sniff_mime, MAX_IMAGE_ALLOC, MAX_IMAGE_SIDE};
use crate::time::{self, Timestamp};
use crate::vault;
use crate::Field;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// Largest evidence file (recordings included).
pub const MAX_FILE_BYTES: u64 = 300 * 1024 * 1024;
/// Thumbnails fit in this square.
pub const THUMBNAIL_SIDE: u32 = 320;

/// A file the user wants to add.
#[derive(Debug, Clone)]
pub struct EvidenceInput {
    pub path: PathBuf,
    pub caption: String,
    pub tier: Tier,
    /// When the user says it was taken; otherwise EXIF DateTimeOriginal when present.
    pub taken_at: Option<Timestamp>,
}

/// A checked file, ready to store.
#[derive(Debug, Clone)]
pub struct PreparedEvidence {
    pub original_name: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub mime: &'static str,
    pub taken_at: Option<Timestamp>,
    pub taken_at_source: Option<&'static str>,
    pub dimensions: Option<(u32, u32)>,
    pub caption: String,
    pub tier: Tier,
}

/// A stored evidence item.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EvidenceItem {
    pub id: i64,
    pub case_id: i64,
    pub sha256: String,
    pub original_name: String,
    pub size_bytes: i64,
    pub mime: String,
    pub taken_at: Option<String>,
    /// `exif` or `user`; null when unknown.
    pub taken_at_source: Option<String>,
    pub added_at: String,
    pub caption: String,
    pub tier: Tier,
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// The text in the image: read by OCR in the background, or as the user corrected it;
    /// null while not read yet (and for files that are not images).
    pub text: Option<String>,
    /// `ocr` or `user`; null while not read yet.
    pub text_source: Option<String>,
}

fn file_error(path: &Path, zh: &str, en: &str) -> CoreError {
    CoreError::invalid(
        Field::File,
        format!("{}：{zh}", path.display()),
        format!("{}: {en}", path.display()),
    )
}

/// Reads and checks a file without storing anything.
pub fn prepare(input: &EvidenceInput) -> Result<PreparedEvidence> {
    let path = &input.path;
    let meta = std::fs::metadata(path).map_err(|_| {
        file_error(
            path,
            "文件不存在或无法读取",
            "no such file, or it cannot be read",
        )
    })?;
    if !meta.is_file() {
        return Err(file_error(path, "不是文件", "is not a file"));
    }
    if meta.len() == 0 {
        return Err(file_error(path, "文件是空的", "the file is empty"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(file_error(
            path,
            "文件超过 300 MB，请先压缩或截取关键部分",
            "the file is over 300 MB; compress it or cut the key part first",
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        file_error(
            path,
            &format!("无法读取（{e}）"),
            &format!("cannot be read ({e})"),
        )
    })?;
    let original_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mime = sniff_mime(&bytes, &original_name);
    let dimensions = if is_decodable_image(mime) {
        let img = decode_image(&bytes).map_err(|e| e.at(path.display().to_string()))?;
        Some((img.width(), img.height()))
    } else {
        None
    };
    let (taken_at, taken_at_source) = match input.taken_at {
        Some(t) => (Some(t), Some("user")),
        None => match exif_taken_at(&bytes) {
            Some(t) => (Some(t), Some("exif")),
            None => (None, None),
        },
    };
    Ok(PreparedEvidence {
        sha256: vault::sha256_hex(&bytes),
        original_name,
        bytes,
        mime,
        taken_at,
        taken_at_source,
        dimensions,
        caption: optional_text(&input.caption, Field::Caption, 200)?,
        tier: input.tier,
    })
}

/// Stores a prepared file in the vault and records it on the case. The same content twice in
/// one case is refused (it is already there).
pub fn store(
    tx: &Transaction,
    vault_dir: &Path,
    case_id: i64,
    p: &PreparedEvidence,
    now: &Timestamp,
) -> Result<EvidenceItem> {
    get_case(tx, case_id)?;
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM evidence_items WHERE case_id = ?1 AND sha256 = ?2",
            params![case_id, p.sha256],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return Err(CoreError::Conflict {
            field: Field::File,
            message: crate::lang::Text::new(
                format!("{} 已在本案件证据中（编号 {id}）", p.original_name),
                format!("{} is already evidence #{id} of this case", p.original_name),
            ),
        });
    }
    vault::put_bytes(vault_dir, &p.bytes)?;
    tx.execute(
        "INSERT INTO evidence_items(case_id, sha256, original_name, size_bytes, mime, taken_at, taken_at_source, added_at, caption, tier, width, height)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            case_id,
            p.sha256,
            p.original_name,
            p.bytes.len() as i64,
            p.mime,
            p.taken_at.as_ref().map(time::to_rfc3339),
            p.taken_at_source,
            time::to_rfc3339(now),
            p.caption,
            p.tier.as_str(),
            p.dimensions.map(|d| d.0),
            p.dimensions.map(|d| d.1),
        ],
    )?;
    get_evidence(tx, tx.last_insert_rowid())
}

/// Checks and stores in one call.
pub fn add_evidence(
    tx: &Transaction,
    vault_dir: &Path,
    case_id: i64,
    input: &EvidenceInput,
    now: &Timestamp,
) -> Result<EvidenceItem> {
    let prepared = prepare(input)?;
    store(tx, vault_dir, case_id, &prepared, now)
}

/// The item's columns and its text (migration 0009), from `EVIDENCE_FROM`.
const EVIDENCE_COLUMNS: &str = "e.id, e.case_id, e.sha256, e.original_name, e.size_bytes, e.mime, e.taken_at, e.taken_at_source, e.added_at, e.caption, e.tier, e.width, e.height, t.text, t.source";
const EVIDENCE_FROM: &str = "evidence_items e LEFT JOIN evidence_text t ON t.evidence_id = e.id";

fn evidence_row(r: &rusqlite::Row) -> rusqlite::Result<(EvidenceItem, String)> {
    let tier: String = r.get(10)?;
    Ok((
        EvidenceItem {
            id: r.get(0)?,
            case_id: r.get(1)?,
            sha256: r.get(2)?,
            original_name: r.get(3)?,
            size_bytes: r.get(4)?,
            mime: r.get(5)?,
            taken_at: r.get(6)?,
            taken_at_source: r.get(7)?,
            added_at: r.get(8)?,
            caption: r.get(9)?,
            tier: Tier::Core,
            width: r.get(11)?,
            height: r.get(12)?,
            text: r.get(13)?,
            text_source: r.get(14)?,
        },
        tier,
    ))
}

fn with_tier((mut item, tier): (EvidenceItem, String)) -> Result<EvidenceItem> {
    item.tier = Tier::from_stored(&tier)?;
    Ok(item)
}

pub fn get_evidence(conn: &Connection, id: i64) -> Result<EvidenceItem> {
    let row = conn
        .query_row(
            &format!("SELECT {EVIDENCE_COLUMNS} FROM {EVIDENCE_FROM} WHERE e.id = ?1"),
            [id],
            evidence_row,
        )
        .optional()?
        .ok_or(CoreError::NotFound {
            what: "evidence",
            key: id.to_string(),
        })?;
    with_tier(row)
}

/// A case's evidence: core before reserve, then by time taken (or added).
pub fn list_evidence(conn: &Connection, case_id: i64) -> Result<Vec<EvidenceItem>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {EVIDENCE_COLUMNS} FROM {EVIDENCE_FROM} WHERE e.case_id = ?1
         ORDER BY e.tier = 'reserve', COALESCE(e.taken_at, e.added_at), e.id"
    ))?;
    let rows = stmt.query_map([case_id], evidence_row)?;
    rows.map(|r| with_tier(r?)).collect()
}

/// A clear file name for the n-th item (1-based) of a letter or bundle:
/// `01_提现失败截图_2026-06-15.png` — number, caption (or original name), date taken/added.
pub fn bundle_file_name(index: usize, item: &EvidenceItem) -> String {
    let (stem, ext) = match item.original_name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.len() <= 5 => (s, e.to_ascii_lowercase()),
        _ => (
            item.original_name.as_str(),
            extension_for(&item.mime).to_string(),
        ),
    };
    let label = if item.caption.trim().is_empty() {
        stem
    } else {
        item.caption.trim()
    };
    let label: String = label
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .take(40)
        .collect();
    let date = item
        .taken_at
        .as_deref()
        .unwrap_or(&item.added_at)
        .get(..10)
        .unwrap_or("");
    // The caption, original name and extension are the user's: valid on Windows too.
    crate::file_names::portable(&format!("{index:02}_{label}_{date}.{ext}"))
}

fn extension_for(mime: &str) -> &'static str {
    match mime {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/bmp" => "bmp",
        "application/pdf" => "pdf",
        "application/zip" => "zip",
        "audio/mpeg" => "mp3",
        "audio/wav" => "wav",
        "audio/amr" => "amr",
        "audio/mp4" | "video/mp4" => "m4a",
        "text/plain" => "txt",
        "text/html" => "html",
        _ => "bin",
    }
}

/// A PNG of at most 320×320 for the UI's evidence grid; `None` for files that are not images.
pub fn thumbnail_png(bytes: &[u8]) -> Result<Option<Vec<u8>>> {
    if !is_decodable_image(sniff_mime(bytes, "")) {
        return Ok(None);
    }
    let thumb = decode_image(bytes)?.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
    let mut out = Cursor::new(Vec::new());
    thumb
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| CoreError::Internal(format!("thumbnail encoding failed: {e}")))?;
    Ok(Some(out.into_inner()))
}

/// The thumbnail of a stored item, read back from the vault.
pub fn thumbnail_for(vault_dir: &Path, item: &EvidenceItem) -> Result<Option<Vec<u8>>> {
    if !is_decodable_image(&item.mime) {
        return Ok(None);
    }
    thumbnail_png(&vault::read(vault_dir, &item.sha256)?)
}

/// EXIF DateTimeOriginal (with OffsetTimeOriginal when present, else Asia/Shanghai).
pub fn exif_taken_at(bytes: &[u8]) -> Option<Timestamp> {
    use exif::{In, Tag, Value};
    let data = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()?;
    let ascii = |tag: Tag| match data.get_field(tag, In::PRIMARY).map(|f| &f.value) {
        Some(Value::Ascii(parts)) => parts.first().cloned(),
        _ => None,
    };
    let dt = exif::DateTime::from_ascii(&ascii(Tag::DateTimeOriginal)?).ok()?;
    let local = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second
    );
    let offset = ascii(Tag::OffsetTimeOriginal).and_then(|o| String::from_utf8(o).ok());
    match offset {
        Some(o) if o.len() == 6 => {
            time::parse_time(&format!("{local}{o}"), crate::Field::TakenAt).ok()
        }
        _ => time::parse_time(&local, crate::Field::TakenAt).ok(),
    }
}

#[cfg(test)]
#[path = "evidence_tests.rs"]
pub(crate) mod tests;
