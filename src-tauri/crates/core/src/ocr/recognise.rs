//! Text recognition: each box is cropped from the original image, resized to 48 px high
//! (keeping its aspect), and read by the CRNN model; its per-column class probabilities are
//! decoded greedily (CTC: take the best class per column, merge repeats, drop blanks).
//!
//! Boxes of similar aspect are read together (PaddleOCR's batching): a batch is as wide as its
//! widest crop (at least 320 px), narrower crops padded with zeros on the right.

use super::detect::{run, scaled, TextBox};
use crate::error::{CoreError, Result};
use image::imageops::FilterType;
use image::{DynamicImage, RgbImage};
use rten::Model;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

const HEIGHT: u32 = 48;
/// The narrowest batch (PaddleOCR `rec_img_shape` 3×48×320).
const MIN_WIDTH: u32 = 320;
/// A crop wider than this (a 64:1 line) is squeezed; screenshots have nothing that long.
const MAX_WIDTH: u32 = HEIGHT * 64;
const BATCH: usize = 6;
/// Lines read with a lower mean confidence are dropped (RapidOCR `text_score`) …
const MIN_CONFIDENCE: f32 = 0.5;
/// … and one or two characters need more: that is what status-bar icons (signal bars, a
/// battery) read as, at 0.5–0.65, while real text reads above 0.9.
const MIN_CONFIDENCE_SHORT: f32 = 0.8;

/// A box and what it says.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Piece {
    pub bbox: TextBox,
    pub text: String,
    pub confidence: f32,
    /// Number of characters read (weights the confidence when pieces are joined).
    pub chars: usize,
}

/// Pixel rectangle of a box inside the image: (x, y, width, height).
fn crop_rect(image: &DynamicImage, b: &TextBox) -> (u32, u32, u32, u32) {
    let x0 = (b.x0.floor().max(0.0) as u32).min(image.width() - 1);
    let y0 = (b.y0.floor().max(0.0) as u32).min(image.height() - 1);
    let x1 = (b.x1.ceil() as u32).clamp(x0 + 1, image.width());
    let y1 = (b.y1.ceil() as u32).clamp(y0 + 1, image.height());
    (x0, y0, x1 - x0, y1 - y0)
}

fn target_width(w: u32, h: u32) -> u32 {
    ((HEIGHT as f32 * w as f32 / h as f32).ceil() as u32).clamp(1, MAX_WIDTH)
}

/// The boxes in reading batches: indices ordered by aspect, `BATCH` at a time.
pub(crate) fn batches(image: &DynamicImage, boxes: &[TextBox]) -> Vec<Vec<usize>> {
    let mut order: Vec<(usize, u32)> = boxes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let (_, _, w, h) = crop_rect(image, b);
            (i, target_width(w, h))
        })
        .collect();
    order.sort_by_key(|&(i, w)| (w, i));
    order
        .chunks(BATCH)
        .map(|c| c.iter().map(|&(i, _)| i).collect())
        .collect()
}

/// Reads one batch of boxes; pieces read with too little confidence are left out.
pub(crate) fn read_batch(
    model: &Model,
    dict: &[char],
    image: &DynamicImage,
    boxes: &[TextBox],
    batch: &[usize],
) -> Result<Vec<Piece>> {
    let crops: Vec<RgbImage> = batch
        .iter()
        .map(|&i| {
            let (x, y, w, h) = crop_rect(image, &boxes[i]);
            image
                .crop_imm(x, y, w, h)
                .resize_exact(target_width(w, h), HEIGHT, FilterType::Triangle)
                .into_rgb8()
        })
        .collect();
    let width = crops
        .iter()
        .map(|c| c.width())
        .max()
        .unwrap_or(0)
        .max(MIN_WIDTH) as usize;
    let h = HEIGHT as usize;
    let plane = h * width;
    let mut data = vec![0f32; crops.len() * 3 * plane];
    for (n, crop) in crops.iter().enumerate() {
        let base = n * 3 * plane;
        let cw = crop.width() as usize;
        for (y, row) in crop.as_raw().chunks_exact(cw * 3).enumerate() {
            for (x, px) in row.chunks_exact(3).enumerate() {
                let at = base + y * width + x;
                data[at] = scaled(px[2]);
                data[at + plane] = scaled(px[1]);
                data[at + 2 * plane] = scaled(px[0]);
            }
        }
    }
    let input = NdTensor::from_data([crops.len(), 3, h, width], data);
    let probs: NdTensor<f32, 3> = run(model, input, "recognition")?;
    let [_, steps, classes] = probs.shape();
    if classes != dict.len() {
        return Err(CoreError::Internal(format!(
            "OCR recognition model has {classes} classes, the dictionary {}",
            dict.len()
        )));
    }
    let probs = probs.to_vec();
    Ok(batch
        .iter()
        .enumerate()
        .filter_map(|(n, &i)| {
            let sample = &probs[n * steps * classes..(n + 1) * steps * classes];
            let (text, confidence, chars) = ctc_greedy(sample, classes, dict);
            let needed = if chars <= 2 {
                MIN_CONFIDENCE_SHORT
            } else {
                MIN_CONFIDENCE
            };
            (!text.trim().is_empty() && confidence >= needed).then(|| Piece {
                bbox: boxes[i],
                text,
                confidence,
                chars,
            })
        })
        .collect())
}

/// Best class per step, repeats merged, blanks (class 0) dropped; returns the text, the mean
/// probability of the characters kept and how many there are.
pub(crate) fn ctc_greedy(probs: &[f32], classes: usize, dict: &[char]) -> (String, f32, usize) {
    let mut text = String::new();
    let (mut sum, mut count) = (0.0f32, 0usize);
    let mut previous = 0usize;
    for step in probs.chunks_exact(classes) {
        let (best, p) = step
            .iter()
            .copied()
            .enumerate()
            .fold(
                (0, f32::MIN),
                |acc, (i, p)| if p > acc.1 { (i, p) } else { acc },
            );
        if best != 0 && best != previous {
            text.push(dict[best]);
            sum += p;
            count += 1;
        }
        previous = best;
    }
    let confidence = if count == 0 { 0.0 } else { sum / count as f32 };
    (text, confidence, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctc_merges_repeats_and_drops_blanks() {
        let dict = ['\0', '限', '额', ' '];
        // steps: 限 限 blank 额 额 blank 额
        let best = [1, 1, 0, 2, 2, 0, 2];
        let mut probs = Vec::new();
        for b in best {
            let mut step = [0.05f32; 4];
            step[b] = 0.85;
            probs.extend(step);
        }
        let (text, confidence, chars) = ctc_greedy(&probs, 4, &dict);
        assert_eq!(text, "限额额");
        assert_eq!(chars, 3);
        assert!((confidence - 0.85).abs() < 1e-6);
    }
}
