//! From the bytes the user dropped to the bytes of one bill: recognise what the file is by its
//! content (ZIP, XLSX, text, or something else such as an image), open password ZIPs in memory
//! (never extracting to disk, with size and ratio limits against ZIP bombs), and decode text
//! (UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030).

use crate::error::{CoreError, Result};
use crate::Field;
use std::borrow::Cow;
use std::io::{Cursor, Read};

/// Largest file we read at all: far above any real bill (100,000 rows is about 15 MB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest total we decompress from one ZIP (or XLSX) before calling it a bomb.
pub const MAX_UNCOMPRESSED: u64 = 256 * 1024 * 1024;
/// Above this many bytes, an archive that expands more than [`MAX_RATIO`] times is a bomb.
const RATIO_FLOOR: u64 = 16 * 1024 * 1024;
const MAX_RATIO: u64 = 200;
const MAX_ENTRIES: usize = 1000;

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniff {
    Empty,
    /// A ZIP that is an Office Open XML workbook.
    Xlsx,
    /// Any other ZIP: the archive a WeChat bill arrives in.
    Zip,
    /// Known non-bill formats, named (zh, en) so the error can say what the file really is.
    Other(&'static str, &'static str),
    Text,
}

pub(crate) fn sniff(bytes: &[u8]) -> Sniff {
    const MAGIC: [(&[u8], &str, &str); 9] = [
        (b"\x89PNG", "PNG 图片", "a PNG image"),
        (b"\xFF\xD8\xFF", "JPEG 图片", "a JPEG image"),
        (b"GIF8", "GIF 图片", "a GIF image"),
        (
            b"RIFF",
            "WebP 图片或其他 RIFF 文件",
            "a WebP image or other RIFF file",
        ),
        (b"%PDF", "PDF 文档", "a PDF document"),
        (
            b"\xD0\xCF\x11\xE0",
            "旧版 Excel（.xls）或其他 OLE 文件",
            "an old Excel (.xls) or other OLE file",
        ),
        (b"Rar!", "RAR 压缩包", "a RAR archive"),
        (b"7z\xBC\xAF", "7-Zip 压缩包", "a 7-Zip archive"),
        (b"\x1F\x8B", "gzip 压缩包", "a gzip archive"),
    ];
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Sniff::Empty;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return if is_xlsx(bytes) {
            Sniff::Xlsx
        } else {
            Sniff::Zip
        };
    }
    if let Some((_, zh, en)) = MAGIC.iter().find(|(m, _, _)| bytes.starts_with(m)) {
        return Sniff::Other(zh, en);
    }
    let has_utf16_bom = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let head = &bytes[..bytes.len().min(8192)];
    if !has_utf16_bom && head.contains(&0) {
        return Sniff::Other("二进制数据", "binary data");
    }
    Sniff::Text
}

fn is_xlsx(bytes: &[u8]) -> bool {
    is_xlsx_file(Cursor::new(bytes))
}

/// Whether the ZIP read from `zip` is an Office Open XML workbook.
pub(crate) fn is_xlsx_file<R: Read + std::io::Seek>(mut zip: R) -> bool {
    if declared_entries_in(&mut zip).is_some_and(|n| n > MAX_ENTRIES as u64) {
        return false;
    }
    zip::ZipArchive::new(zip)
        .map(|a| a.index_for_name("xl/workbook.xml").is_some())
        .unwrap_or(false)
}

/// How many entries the ZIP's end record says its central directory holds, read from the last
/// bytes without reading the directory itself (the ZIP reader allocates for every entry it is
/// told of). A ZIP64 count is taken from the ZIP64 end record. `None` when there is no end
/// record to read (the ZIP reader then reports the damage).
pub(crate) fn declared_entries(bytes: &[u8]) -> Option<u64> {
    declared_entries_in(&mut Cursor::new(bytes))
}

/// [`declared_entries`] of a ZIP being read from a file (only its end is read).
pub fn declared_entries_in<R: std::io::Read + std::io::Seek>(zip: &mut R) -> Option<u64> {
    use std::io::SeekFrom;
    const EOCD: &[u8] = b"PK\x05\x06";
    let len = zip.seek(SeekFrom::End(0)).ok()?;
    let mut read_at = |at: u64, n: usize| -> Option<Vec<u8>> {
        zip.seek(SeekFrom::Start(at)).ok()?;
        let mut buf = vec![0; n];
        zip.read_exact(&mut buf).ok()?;
        Some(buf)
    };
    // The end record is 22 bytes plus a comment of at most 65,535, and the ZIP64 locator sits
    // 20 bytes before it.
    let from = len.saturating_sub(22 + 65_535 + 20);
    let tail = read_at(from, usize::try_from(len - from).ok()?)?;
    let eocd = tail.windows(4).rposition(|w| w == EOCD)?;
    let le = |b: &[u8], at: usize, n: usize| -> Option<u64> {
        let mut v = [0u8; 8];
        v[..n].copy_from_slice(b.get(at..at + n)?);
        Some(u64::from_le_bytes(v))
    };
    let count = le(&tail, eocd + 10, 2)?;
    if count != 0xFFFF {
        return Some(count);
    }
    // ZIP64: the locator points at the ZIP64 end record, which holds the real count.
    let locator = eocd.checked_sub(20)?;
    if tail.get(locator..locator + 4)? != b"PK\x06\x07" {
        return Some(count);
    }
    let record = read_at(le(&tail, locator + 8, 8)?, 56)?;
    if record.get(..4)? != b"PK\x06\x06" {
        return Some(count);
    }
    le(&record, 32, 8)
}

fn too_many_entries(file: &str, what: &str) -> CoreError {
    zip_error(
        file,
        &format!("{what} 中文件过多，不像账单"),
        format!("the {what} holds too many files to be a bill export"),
    )
}

/// The bill found inside a ZIP.
pub(crate) struct Entry {
    pub name: String,
    pub bytes: Vec<u8>,
    /// The entry was password-protected: its decrypted bytes must not be kept anywhere.
    pub encrypted: bool,
}

fn zip_error(file: &str, zh: &str, en: String) -> CoreError {
    CoreError::invalid(Field::File, zh, en).at(file.to_string())
}

/// Opens the ZIP in memory and returns its one bill (CSV or XLSX, recognised by content).
/// Entries are read into memory with hard limits; their names are only shown, never used as
/// paths, and a name that tries to climb out (`../x`, `/etc/x`) makes the whole archive suspect.
pub(crate) fn open_zip(file: &str, bytes: &[u8], password: Option<&str>) -> Result<Entry> {
    if declared_entries(bytes).is_some_and(|n| n > MAX_ENTRIES as u64) {
        return Err(too_many_entries(file, "ZIP"));
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        zip_error(
            file,
            "ZIP 文件已损坏或不完整",
            format!("the ZIP file is damaged or incomplete ({e})"),
        )
    })?;
    if archive.len() > MAX_ENTRIES {
        return Err(too_many_entries(file, "ZIP"));
    }
    let mut total: u64 = 0;
    let mut found: Option<Entry> = None;
    for index in 0..archive.len() {
        let (name, encrypted, is_dir) = {
            let data = archive.by_index_raw(index).map_err(|e| {
                zip_error(
                    file,
                    "ZIP 文件已损坏",
                    format!("the ZIP file is damaged ({e})"),
                )
            })?;
            (
                data.name().map(|n| n.to_string()).unwrap_or_default(),
                data.encrypted(),
                data.is_dir(),
            )
        };
        if is_unsafe_name(&name) {
            return Err(zip_error(
                file,
                &format!("ZIP 中有可疑的文件名“{name}”（试图指向压缩包外），已拒绝导入"),
                format!("the ZIP holds an entry named “{name}” that points outside the archive; refused"),
            ));
        }
        if is_dir {
            continue;
        }
        let pw = match (encrypted, password) {
            (true, None) | (true, Some("")) => {
                return Err(CoreError::invalid(
                    Field::Password,
                    "该 ZIP 有密码：请输入解压密码（微信支付账单的密码在“微信支付”公众号消息中）",
                    "this ZIP is password-protected: give its password (WeChat Pay sends it in the 微信支付 chat)",
                )
                .at(file.to_string()))
            }
            (true, Some(p)) => Some(p.as_bytes()),
            (false, _) => None,
        };
        let wrong_password = || {
            CoreError::invalid(
                Field::Password,
                "ZIP 解压密码不正确",
                "the ZIP password is wrong",
            )
            .at(file.to_string())
        };
        let mut entry = match pw {
            Some(p) => archive.by_index_decrypt(index, p).map_err(|e| match e {
                zip::result::ZipError::InvalidPassword => wrong_password(),
                other => zip_error(
                    file,
                    "无法读取 ZIP 中的文件",
                    format!("cannot read “{name}” in the ZIP ({other})"),
                ),
            })?,
            None => archive.by_index(index).map_err(|e| {
                zip_error(
                    file,
                    "无法读取 ZIP 中的文件",
                    format!("cannot read “{name}” in the ZIP ({e})"),
                )
            })?,
        };
        let budget = MAX_UNCOMPRESSED - total;
        let mut out = Vec::with_capacity(entry.size().min(MAX_FILE_BYTES) as usize);
        let read = (&mut entry).take(budget + 1).read_to_end(&mut out);
        if let Err(e) = read {
            // ZipCrypto checks only one byte of the password; a wrong one that slips past it
            // shows up as a bad checksum at the end.
            return Err(if encrypted {
                wrong_password()
            } else {
                zip_error(
                    file,
                    "ZIP 中的文件已损坏",
                    format!("“{name}” in the ZIP is damaged ({e})"),
                )
            });
        }
        total += out.len() as u64;
        if out.len() as u64 > budget
            || (total > RATIO_FLOOR && total > MAX_RATIO * bytes.len() as u64)
        {
            return Err(zip_error(
                file,
                "ZIP 解压后过大（疑似压缩炸弹），已停止",
                "the ZIP expands far too much (a ZIP bomb?); stopped".into(),
            ));
        }
        if found.is_none() && matches!(sniff(&out), Sniff::Text | Sniff::Xlsx) {
            found = Some(Entry {
                name,
                bytes: out,
                encrypted,
            });
        }
    }
    found.ok_or_else(|| {
        zip_error(
            file,
            "ZIP 中没有账单文件（CSV 或 XLSX）",
            "the ZIP holds no bill (CSV or XLSX)".into(),
        )
    })
}

fn is_unsafe_name(name: &str) -> bool {
    let n = name.replace('\\', "/");
    n.starts_with('/') || n.split('/').any(|part| part == "..") || n.chars().nth(1) == Some(':')
}

/// Streams every part of an XLSX through the decompressor with the same limits as a ZIP, so
/// a workbook cannot be a bomb either (the spreadsheet reader would trust it).
pub(crate) fn check_xlsx_limits(file: &str, bytes: &[u8]) -> Result<()> {
    check_xlsx_parts(
        file,
        Cursor::new(bytes),
        bytes.len() as u64,
        MAX_UNCOMPRESSED,
    )
}

/// [`check_xlsx_limits`] of a workbook `size` bytes long read from `reader`, which may expand
/// to at most `budget` bytes (a streamed workbook is never held in memory, so it may expand
/// further than one read whole; the ratio limit still holds).
pub(crate) fn check_xlsx_parts<R: Read + std::io::Seek>(
    file: &str,
    mut reader: R,
    size: u64,
    budget_total: u64,
) -> Result<()> {
    let damaged = |e: String| {
        zip_error(
            file,
            "XLSX 文件已损坏或不完整",
            format!("the XLSX file is damaged or incomplete ({e})"),
        )
    };
    if declared_entries_in(&mut reader).is_some_and(|n| n > MAX_ENTRIES as u64) {
        return Err(too_many_entries(file, "XLSX"));
    }
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| damaged(e.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(too_many_entries(file, "XLSX"));
    }
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let mut part = archive
            .by_index(index)
            .map_err(|e| damaged(e.to_string()))?;
        let shared_strings = part
            .name()
            .is_ok_and(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"));
        let budget = budget_total - total;
        let mut claims = UniqueCount::default();
        let sink: &mut dyn std::io::Write = if shared_strings {
            &mut claims
        } else {
            &mut std::io::sink()
        };
        let n = std::io::copy(&mut (&mut part).take(budget + 1), sink)
            .map_err(|e| damaged(e.to_string()))?;
        if claims.largest > MAX_SHARED_STRINGS {
            return Err(zip_error(
                file,
                &format!(
                    "XLSX 声称有 {} 个不同的文字（uniqueCount），远超任何账单，已拒绝",
                    claims.largest
                ),
                format!(
                    "the XLSX claims {} distinct strings (uniqueCount), far beyond any bill; refused",
                    claims.largest
                ),
            ));
        }
        total += n;
        if n > budget || (total > RATIO_FLOOR && total > MAX_RATIO * size) {
            return Err(zip_error(
                file,
                "XLSX 解压后过大（疑似压缩炸弹），已停止",
                "the XLSX expands far too much (a ZIP bomb?); stopped".into(),
            ));
        }
    }
    Ok(())
}

/// Most distinct strings a workbook may declare: a reader that reserved room for the declared
/// `uniqueCount` before reading a single string would abort on a 1.5 KB file claiming 10^15
/// (ours reserves for at most a million; they take the room their text takes). A 1M-row bill
/// has about four million.
pub const MAX_SHARED_STRINGS: u64 = 16_000_000;

/// Watches `sharedStrings.xml` stream past for `uniqueCount="N"` and keeps the largest N
/// (any occurrence counts: the reader trusts the first one on the `<sst>` element). Digits
/// saturate, so a number of any length is "huge", never an overflow.
#[derive(Default)]
struct UniqueCount {
    /// The tail of the previous chunk, so a match split across chunks is still seen.
    carry: Vec<u8>,
    largest: u64,
}

impl UniqueCount {
    const KEY: &'static [u8] = b"uniqueCount";
    /// `uniqueCount`, spaces, `=`, spaces, a quote and 20 digits fit in here.
    const TAIL: usize = 64;

    fn scan(&mut self, bytes: &[u8]) {
        let mut at = 0;
        while let Some(pos) = find(&bytes[at..], Self::KEY) {
            let mut i = at + pos + Self::KEY.len();
            let skip_space = |i: &mut usize| {
                while bytes.get(*i).is_some_and(|b| b.is_ascii_whitespace()) {
                    *i += 1;
                }
            };
            skip_space(&mut i);
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                skip_space(&mut i);
                if matches!(bytes.get(i), Some(b'"' | b'\'')) {
                    i += 1;
                    let mut n: u64 = 0;
                    while let Some(d) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
                        n = n.saturating_mul(10).saturating_add(u64::from(d - b'0'));
                        i += 1;
                    }
                    self.largest = self.largest.max(n);
                }
            }
            at += pos + 1;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl std::io::Write for UniqueCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut joined = std::mem::take(&mut self.carry);
        joined.extend_from_slice(buf);
        self.scan(&joined);
        let keep = joined.len().min(Self::TAIL);
        // A claim split across two chunks is completed on the next write (one seen twice
        // is harmless: the largest is kept).
        self.carry = joined[joined.len() - keep..].to_vec();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Decodes a text bill: BOMs first, then strict UTF-8, then GB18030 (a superset of GBK, what
/// Alipay and Excel on Chinese Windows write). Bytes that are neither are refused.
pub(crate) fn decode_text<'a>(file: &str, bytes: &'a [u8]) -> Result<Cow<'a, str>> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(not_text(file));
        }
        return Ok(text);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(e)
            if e.error_len().is_none()
                && e.valid_up_to() + 4 > bytes.len()
                && looks_utf8(&bytes[..e.valid_up_to()]) =>
        {
            Err(CoreError::invalid(
                Field::File,
                "文件在末尾被截断（最后一个字不完整）",
                "the file is cut off at the end (its last character is incomplete)",
            )
            .at(file.to_string()))
        }
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or_else(|| not_text(file)),
    }
}

/// Whether valid UTF-8 text holds multi-byte characters (so it is UTF-8, not GBK by chance).
fn looks_utf8(valid: &[u8]) -> bool {
    valid.iter().any(|b| *b >= 0x80)
}

pub(crate) fn not_text(file: &str) -> CoreError {
    CoreError::invalid(
        Field::File,
        "不是文本账单：既不是 UTF-8 也不是 GBK 编码",
        "not a text bill: neither UTF-8 nor GBK text",
    )
    .at(file.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content_not_name() {
        assert_eq!(sniff(b""), Sniff::Empty);
        assert_eq!(sniff(b" \n\t"), Sniff::Empty);
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n...."),
            Sniff::Other("PNG 图片", "a PNG image")
        );
        assert_eq!(
            sniff(b"a,b\x00c"),
            Sniff::Other("二进制数据", "binary data")
        );
        assert_eq!(sniff("交易时间,金额".as_bytes()), Sniff::Text);
    }

    #[test]
    fn decodes_bom_utf8_and_gbk() {
        let bom = [&[0xEF, 0xBB, 0xBF][..], "收入".as_bytes()].concat();
        assert_eq!(decode_text("f", &bom).unwrap(), "收入");
        let (gbk, _, _) = encoding_rs::GBK.encode("不计收支");
        assert_eq!(decode_text("f", &gbk).unwrap(), "不计收支");
        let (utf16, _, _) = encoding_rs::UTF_16LE.encode("x");
        // encoding_rs encodes UTF-16 as UTF-8 (by design); build UTF-16LE by hand.
        assert_eq!(utf16.as_ref(), b"x");
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("收入".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode_text("f", &le).unwrap(), "收入");
    }

    #[test]
    fn utf8_cut_inside_a_character_is_called_truncated() {
        let text = "交易时间,金额\n2021-01-01,收入".as_bytes();
        let cut = &text[..text.len() - 1];
        let e = decode_text("bill.csv", cut).unwrap_err();
        assert!(e.message(crate::Lang::En).contains("cut off"), "{e}");
    }

    /// A ZIP whose end record claims more entries than a bill export has was handed to the ZIP
    /// reader, which reads (and allocates for) the whole central directory first.
    #[test]
    fn zip_claiming_too_many_entries_was_read_before_its_count_was_checked() {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("bill.csv", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"a,b\n").unwrap();
        let mut bytes = w.finish().unwrap().into_inner();
        assert_eq!(declared_entries(&bytes), Some(1));
        let eocd = bytes.len() - 22;
        assert_eq!(&bytes[eocd..eocd + 4], b"PK\x05\x06");
        for at in [eocd + 8, eocd + 10] {
            bytes[at..at + 2].copy_from_slice(&60_000u16.to_le_bytes());
        }
        assert_eq!(declared_entries(&bytes), Some(60_000));
        assert_eq!(sniff(&bytes), Sniff::Zip);
        let Err(e) = open_zip("many.zip", &bytes, None) else {
            panic!("opened");
        };
        assert_eq!(
            e.message(crate::Lang::En),
            "many.zip: the ZIP holds too many files to be a bill export"
        );
        let e = check_xlsx_limits("many.xlsx", &bytes).unwrap_err();
        assert!(e.message(crate::Lang::En).contains("too many files"), "{e}");
    }

    #[test]
    fn unique_count_is_found_across_chunks_and_saturates() {
        use std::io::Write;
        let mut u = UniqueCount::default();
        u.write_all(b"<sst count=\"1\" uniqueCo").unwrap();
        u.write_all(b"unt=\"12").unwrap();
        u.write_all(b"345\">").unwrap();
        assert_eq!(u.largest, 12_345);
        u.write_all(b"uniqueCount = '99999999999999999999999999'")
            .unwrap();
        assert_eq!(u.largest, u64::MAX);
    }

    #[test]
    fn unsafe_entry_names_are_recognised() {
        for bad in ["../../x", "/etc/passwd", "a/../../b", "..\\x", "C:/x"] {
            assert!(is_unsafe_name(bad), "{bad}");
        }
        assert!(!is_unsafe_name("微信支付账单(20250101-20250331).csv"));
    }
}
