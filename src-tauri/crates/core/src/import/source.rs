//! From the bytes the user dropped to the bytes of one bill: recognise what the file is by its
//! content (ZIP, XLSX, text, or something else such as an image), open password ZIPs in memory
//! (never extracting to disk, with size and ratio limits against ZIP bombs), and decode text
//! (UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030).

use crate::error::{CoreError, Result};
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
    zip::ZipArchive::new(Cursor::new(bytes))
        .map(|a| a.index_for_name("xl/workbook.xml").is_some())
        .unwrap_or(false)
}

/// The bill found inside a ZIP.
pub(crate) struct Entry {
    pub name: String,
    pub bytes: Vec<u8>,
    /// The entry was password-protected: its decrypted bytes must not be kept anywhere.
    pub encrypted: bool,
}

fn zip_error(file: &str, zh: &str, en: String) -> CoreError {
    CoreError::invalid("file", zh, en).at(file.to_string())
}

/// Opens the ZIP in memory and returns its one bill (CSV or XLSX, recognised by content).
/// Entries are read into memory with hard limits; their names are only shown, never used as
/// paths, and a name that tries to climb out (`../x`, `/etc/x`) makes the whole archive suspect.
pub(crate) fn open_zip(file: &str, bytes: &[u8], password: Option<&str>) -> Result<Entry> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        zip_error(
            file,
            "ZIP 文件已损坏或不完整",
            format!("the ZIP file is damaged or incomplete ({e})"),
        )
    })?;
    if archive.len() > MAX_ENTRIES {
        return Err(zip_error(
            file,
            "ZIP 中文件过多，不像账单压缩包",
            "the ZIP holds too many files to be a bill export".into(),
        ));
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
                    "--password",
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
                "--password",
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
    let damaged = |e: String| {
        zip_error(
            file,
            "XLSX 文件已损坏或不完整",
            format!("the XLSX file is damaged or incomplete ({e})"),
        )
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(e.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(damaged("too many parts".into()));
    }
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let mut part = archive
            .by_index(index)
            .map_err(|e| damaged(e.to_string()))?;
        let budget = MAX_UNCOMPRESSED - total;
        let n = std::io::copy(&mut (&mut part).take(budget + 1), &mut std::io::sink())
            .map_err(|e| damaged(e.to_string()))?;
        total += n;
        if n > budget || (total > RATIO_FLOOR && total > MAX_RATIO * bytes.len() as u64) {
            return Err(zip_error(
                file,
                "XLSX 解压后过大（疑似压缩炸弹），已停止",
                "the XLSX expands far too much (a ZIP bomb?); stopped".into(),
            ));
        }
    }
    Ok(())
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
                "file",
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

fn not_text(file: &str) -> CoreError {
    CoreError::invalid(
        "file",
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

    #[test]
    fn unsafe_entry_names_are_recognised() {
        for bad in ["../../x", "/etc/passwd", "a/../../b", "..\\x", "C:/x"] {
            assert!(is_unsafe_name(bad), "{bad}");
        }
        assert!(!is_unsafe_name("微信支付账单(20250101-20250331).csv"));
    }
}
