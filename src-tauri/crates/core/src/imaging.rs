//! What an image file is and how it is decoded: the content type sniffed from a file's first
//! bytes (a BMP only with its full file and DIB headers), and decoding under strict limits (at
//! most [`MAX_IMAGE_SIDE`] pixels a side and [`MAX_IMAGE_ALLOC`] bytes, the decoded image
//! included), refusing a decompression bomb or a truncated body with a clear message. Evidence
//! (`cases::evidence`), the bundle's images (`export::images`) and OCR (`ocr`) share it.

use crate::error::{CoreError, Result};
use crate::Field;
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};
use std::io::Cursor;

/// Largest image side we decode; real screenshots and photos are far below it.
pub const MAX_IMAGE_SIDE: u32 = 20_000;
/// Most memory a decoder may allocate for one image.
pub const MAX_IMAGE_ALLOC: u64 = 512 * 1024 * 1024;

/// The content type from the first bytes (the name only decides between text kinds).
pub fn sniff_mime(bytes: &[u8], name: &str) -> &'static str {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if starts(b"\xff\xd8\xff") {
        "image/jpeg"
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        "image/gif"
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        "image/webp"
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WAVE") {
        "audio/wav"
    } else if is_bmp_header(bytes) {
        "image/bmp"
    } else if starts(b"%PDF-") {
        "application/pdf"
    } else if starts(b"PK\x03\x04") {
        "application/zip"
    } else if starts(b"#!AMR") {
        "audio/amr"
    } else if starts(b"ID3") || starts(b"\xff\xfb") || starts(b"\xff\xf3") {
        "audio/mpeg"
    } else if starts(b"OggS") {
        "audio/ogg"
    } else if bytes.get(4..8) == Some(b"ftyp") {
        match bytes.get(8..12) {
            Some(b"heic") | Some(b"heix") | Some(b"mif1") => "image/heic",
            Some(b"M4A ") => "audio/mp4",
            _ => "video/mp4",
        }
    } else if std::str::from_utf8(bytes).is_ok() {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".html") || lower.ends_with(".htm") {
            "text/html"
        } else if lower.ends_with(".csv") {
            "text/csv"
        } else if lower.ends_with(".json") {
            "application/json"
        } else {
            "text/plain"
        }
    } else {
        "application/octet-stream"
    }
}

/// A real BMP file header: `BM`, the file size, two reserved zero words, the pixel data's offset
/// (after both headers, inside the file as declared) and a DIB header of a size some BMP
/// version uses. Text that happens to begin with "BM" (a chat log) has none of that.
fn is_bmp_header(bytes: &[u8]) -> bool {
    let u32_at = |at: usize| {
        bytes
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
    };
    let (Some(file_size), Some(offset), Some(dib)) = (u32_at(2), u32_at(10), u32_at(14)) else {
        return false;
    };
    bytes.starts_with(b"BM")
        && bytes[6..10] == [0, 0, 0, 0]
        && matches!(dib, 12 | 40 | 52 | 56 | 108 | 124)
        && offset >= 14 + dib
        && offset <= file_size
}

pub(crate) fn is_decodable_image(mime: &str) -> bool {
    matches!(
        mime,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/bmp"
    )
}

/// Decodes an image under strict limits, applying its EXIF orientation. A header claiming
/// huge dimensions (a decompression bomb) or a truncated body is refused with a clear message.
pub fn decode_image(bytes: &[u8]) -> Result<DynamicImage> {
    decode(bytes, true)
}

/// [`decode_image`] with the pixels as stored (the EXIF orientation not applied): what the
/// bundle embeds.
pub(crate) fn decode_image_as_stored(bytes: &[u8]) -> Result<DynamicImage> {
    decode(bytes, false)
}

fn decode(bytes: &[u8], orient: bool) -> Result<DynamicImage> {
    let refused = |zh: String, en: String| CoreError::invalid(Field::File, zh, en);
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_ALLOC);
    reader.limits(limits);
    let explain = |e: ImageError| {
        match e {
        ImageError::Limits(_) => refused(
            format!("图片声明的尺寸或所需内存超出上限（每边最多 {MAX_IMAGE_SIDE} 像素、内存 512 MB），可能是“解压炸弹”，已拒绝，未保存任何内容"),
            format!("the image claims dimensions or memory beyond the limits ({MAX_IMAGE_SIDE} pixels a side, 512 MB); it may be a decompression bomb and was refused; nothing was stored"),
        ),
        other => refused(
            format!("图片已损坏或不完整，无法打开（{other}），未保存任何内容；请重新截图或导出"),
            format!("the image is damaged or truncated and cannot be opened ({other}); nothing was stored — take or export it again"),
        ),
    }
    };
    let mut decoder = reader.into_decoder().map_err(explain)?;
    // The decoded image itself counts against the memory limit (a decoder's own limits cover
    // only what it allocates inside).
    if decoder.total_bytes() > MAX_IMAGE_ALLOC {
        return Err(explain(ImageError::Limits(
            image::error::LimitError::from_kind(image::error::LimitErrorKind::InsufficientMemory),
        )));
    }
    let orientation = decoder.orientation().map_err(explain)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(explain)?;
    if orient {
        img.apply_orientation(orientation);
    }
    Ok(img)
}

/// `bytes` as a `data:` URL of type `mime`, for the web view to show an image without a file
/// path (thumbnails, screenshot previews).
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", base64(bytes))
}

/// Standard base64 (RFC 4648); small enough not to need a dependency.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{base64, data_url};

    #[test]
    fn base64_matches_rfc4648_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn a_data_url_names_its_type() {
        assert_eq!(data_url("image/png", b"foo"), "data:image/png;base64,Zm9v");
    }
}
