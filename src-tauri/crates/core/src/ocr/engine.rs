//! The models, embedded at build time from `assets/ocr/models/` (put there by
//! `bash dev.sh setup`; `build.rs` stops with that instruction when they are missing), and
//! loaded once per process on first use.

use crate::error::{CoreError, Result};
use rten::Model;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static DET_MODEL: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../assets/ocr/models/ch_PP-OCRv4_det_infer.onnx"
));
static REC_MODEL: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../assets/ocr/models/ch_PP-OCRv4_rec_infer.onnx"
));
/// The recognition model's characters (its ONNX `character` metadata), one per line.
static DICTIONARY: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../assets/ocr/models/ppocr_keys.txt"
));

/// Attribution and licence texts of the OCR models and engine, for the app's licences view.
pub const LICENCES: &str = include_str!("../../../../../assets/ocr/LICENCES.md");

pub(crate) struct Engine {
    pub det: Model,
    pub rec: Model,
    /// Output class `i` of the recogniser: 0 is the CTC blank, `1..=6623` the dictionary,
    /// the last one a space (as PaddleOCR builds it with `use_space_char`).
    pub dict: Vec<char>,
}

static ENGINE: OnceLock<std::result::Result<Engine, String>> = OnceLock::new();

fn build() -> std::result::Result<Engine, String> {
    let det = Model::load_static_slice(DET_MODEL)
        .map_err(|e| format!("OCR detection model cannot be loaded: {e}"))?;
    let rec = Model::load_static_slice(REC_MODEL)
        .map_err(|e| format!("OCR recognition model cannot be loaded: {e}"))?;
    let mut dict = Vec::with_capacity(6625);
    dict.push('\0');
    for entry in DICTIONARY.lines() {
        let mut chars = entry.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => dict.push(c),
            _ => {
                return Err(format!(
                    "OCR dictionary entry {entry:?} is not one character"
                ))
            }
        }
    }
    dict.push(' ');
    Ok(Engine { det, rec, dict })
}

/// The loaded engine (loading it on first use).
pub(crate) fn get() -> Result<&'static Engine> {
    match ENGINE.get_or_init(build) {
        Ok(engine) => Ok(engine),
        Err(message) => Err(CoreError::Internal(message.clone())),
    }
}

/// Loads the models if they are not loaded yet; returns the time it took (zero if they were).
pub fn load() -> Result<Duration> {
    if ENGINE.get().is_some() {
        return get().map(|_| Duration::ZERO);
    }
    let start = Instant::now();
    get()?;
    Ok(start.elapsed())
}
