//! Offline Chinese OCR of screenshots: error pages, toasts, dialogs, chats.
//!
//! An image (PNG, JPEG or WebP, decoded under the evidence limits of
//! [`crate::imaging::decode_image`]) goes in; [`OcrResult`] comes out: the lines of text
//! in reading order, each with its box in image pixels and a confidence, and the whole text with
//! the wrapped lines of one paragraph joined.
//!
//! The pipeline is PaddleOCR's PP-OCRv4 (Chinese, Apache-2.0; the models as packaged by
//! RapidOCR) run by the pure-Rust `rten` runtime, nothing downloaded at run time:
//! - `engine`: the two models and the 6,623-entry dictionary, embedded in the binary, loaded
//!   once per process on first use;
//! - `detect`: DB text detection (threshold the probability map, boxes from connected regions,
//!   unclip) on a resized copy; a long screenshot in overlapping bands;
//! - `recognise`: each box cropped from the original, resized to 48 px high, CTC greedy decoding;
//! - `layout`: rows in reading order, pieces of one row joined, wrapped paragraphs joined;
//! - `tidy`: full/half-width forms as a person would type them (`￥`→`¥`, `，` in Chinese, `,`
//!   in numbers).

mod detect;
mod engine;
mod layout;
mod recognise;
mod tidy;

use crate::error::{CoreError, Result};
use crate::imaging::{decode_image, sniff_mime};
use crate::Field;
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

pub use engine::{load, LICENCES};
pub use tidy::tidy;

/// Largest file we read as a screenshot (a phone screenshot is well under 10 MB).
pub const MAX_IMAGE_BYTES: u64 = 50 * 1024 * 1024;

/// The text found in an image.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OcrResult {
    pub width: u32,
    pub height: u32,
    /// The lines joined with `\n`; the wrapped lines of one paragraph without a break.
    pub text: String,
    /// In reading order: top to bottom, left to right within a row.
    pub lines: Vec<OcrLine>,
}

/// One line of text as seen on screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OcrLine {
    pub text: String,
    /// `[x0, y0, x1, y1]` in pixels of the image (after its EXIF orientation), x1/y1 exclusive.
    #[serde(rename = "box")]
    pub bbox: [u32; 4],
    /// Mean probability of the characters read, 0–1.
    pub confidence: f32,
}

/// How far a recognition has come: detection is step 1, then one step per batch of lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u32,
    pub total: u32,
}

fn image_error(path: &str, zh: &str, en: &str) -> CoreError {
    CoreError::invalid(
        Field::Image,
        format!("{path}：{zh}"),
        format!("{path}: {en}"),
    )
}

/// Reads a screenshot file. Not a file, empty, too large, not an image or an image that cannot
/// be decoded → `Invalid` naming the file (CLI exit 2).
pub fn read_file(path: &Path) -> Result<OcrResult> {
    read_bytes(&read_image_file(path)?, &path.display().to_string())
}

/// The bytes of a screenshot file, after the checks every reader makes (exists, is a file, at
/// most [`MAX_IMAGE_BYTES`]); the content is checked when it is read.
pub fn read_image_file(path: &Path) -> Result<Vec<u8>> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|_| {
        image_error(
            &shown,
            "文件不存在或无法读取",
            "no such file, or it cannot be read",
        )
    })?;
    if !meta.is_file() {
        return Err(image_error(&shown, "不是文件", "is not a file"));
    }
    if meta.len() > MAX_IMAGE_BYTES {
        return Err(too_large(&shown));
    }
    std::fs::read(path).map_err(|e| {
        image_error(
            &shown,
            &format!("无法读取（{e}）"),
            &format!("cannot be read ({e})"),
        )
    })
}

fn too_large(shown: &str) -> CoreError {
    image_error(
        shown,
        "图片超过 50 MB，请用原始截图或先压缩",
        "the image is over 50 MB; use the original screenshot or compress it first",
    )
}

/// Reads a screenshot given as bytes (a paste); `name` names it in errors.
pub fn read_bytes(bytes: &[u8], name: &str) -> Result<OcrResult> {
    let outcome = read_bytes_with(bytes, name, &mut |_| true)?;
    outcome.ok_or_else(|| CoreError::Internal("OCR stopped without being asked to".into()))
}

/// Like [`read_bytes`], reporting progress; `progress` returning false stops the work
/// (between steps) and gives `Ok(None)`.
pub fn read_bytes_with(
    bytes: &[u8],
    name: &str,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<Option<OcrResult>> {
    if bytes.is_empty() {
        return Err(image_error(name, "文件是空的", "the file is empty"));
    }
    if bytes.len() as u64 > MAX_IMAGE_BYTES {
        return Err(too_large(name));
    }
    let image = decode(bytes, name)?;
    recognise_image(&image, progress)
}

/// Decodes under the evidence limits, with their explanation and the file named as in the
/// other errors.
fn decode(bytes: &[u8], name: &str) -> Result<image::DynamicImage> {
    if !matches!(
        sniff_mime(bytes, ""),
        "image/png" | "image/jpeg" | "image/webp" | "image/bmp" | "image/gif"
    ) {
        return Err(image_error(
            name,
            "不是图片（支持 PNG、JPEG、WebP 截图）",
            "is not an image (PNG, JPEG or WebP screenshots are supported)",
        ));
    }
    decode_image(bytes).map_err(|e| match e {
        CoreError::Invalid { message, .. } => image_error(name, &message.zh, &message.en),
        other => other,
    })
}

/// A JPEG of the image at most `max_height` pixels high (never enlarged), for the app to draw
/// the boxes on: the boxes stay in the original's pixels, the UI scales both alike.
pub fn preview_jpeg(bytes: &[u8], max_height: u32) -> Result<Vec<u8>> {
    let image = decode(bytes, "preview")?;
    let image = if image.height() > max_height {
        let width = (u64::from(image.width()) * u64::from(max_height) / u64::from(image.height()))
            .max(1) as u32;
        image.resize_exact(width, max_height, image::imageops::FilterType::Triangle)
    } else {
        image
    };
    let mut out = std::io::Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&image.to_rgb8())
        .map_err(|e| CoreError::Internal(format!("preview encoding failed: {e}")))?;
    Ok(out.into_inner())
}

/// The text in a decoded image; `None` when `progress` asked to stop.
pub fn recognise_image(
    image: &image::DynamicImage,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<Option<OcrResult>> {
    let engine = engine::get()?;
    let rgb;
    let image = if image.as_rgb8().is_some() {
        image
    } else {
        rgb = image::DynamicImage::ImageRgb8(image.to_rgb8());
        &rgb
    };
    let (width, height) = (image.width(), image.height());
    let boxes = detect::detect(&engine.det, image)?;
    let batches = recognise::batches(image, &boxes);
    let total = 1 + batches.len() as u32;
    if !progress(Progress { done: 1, total }) {
        return Ok(None);
    }
    let mut pieces = Vec::with_capacity(boxes.len());
    for (i, batch) in batches.iter().enumerate() {
        pieces.extend(recognise::read_batch(
            &engine.rec,
            &engine.dict,
            image,
            &boxes,
            batch,
        )?);
        if !progress(Progress {
            done: 2 + i as u32,
            total,
        }) {
            return Ok(None);
        }
    }
    let lines = layout::lines(pieces);
    let text = layout::text(&lines);
    Ok(Some(OcrResult {
        width,
        height,
        text,
        lines: lines.into_iter().map(|l| l.line).collect(),
    }))
}

/// Loads the models now if they are not yet loaded; returns how long loading took (zero when
/// they already were). For benchmarks and to warm up in the background.
pub fn preload() -> Result<Duration> {
    load()
}

#[cfg(test)]
mod tests;
