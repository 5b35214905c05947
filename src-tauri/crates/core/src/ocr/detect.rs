//! DB text detection (Differentiable Binarization, as PaddleOCR post-processes it): the model
//! gives each pixel a probability of being inside a (shrunk) text region; we threshold it,
//! take the connected regions, score each by its mean probability and grow it back out
//! ("unclip") by `area × ratio / perimeter`. Screenshots are upright, so boxes stay
//! axis-aligned.

use crate::error::{CoreError, Result};
use image::imageops::FilterType;
use image::{DynamicImage, RgbImage};
use rten::Model;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;
use std::borrow::Cow;

/// A pixel is text when its probability is above this (PaddleOCR `thresh`).
const PIXEL_THRESHOLD: f32 = 0.3;
/// A region is kept when its mean probability is at least this (RapidOCR `box_thresh`).
const BOX_THRESHOLD: f32 = 0.5;
/// How far a region is grown back (PaddleOCR/RapidOCR `unclip_ratio`).
const UNCLIP_RATIO: f32 = 1.6;
/// Regions thinner than this (in map pixels) are noise (PaddleOCR `min_size`).
const MIN_SIZE: usize = 3;
/// At most this many regions are looked at (PaddleOCR `max_candidates`).
const MAX_CANDIDATES: usize = 1000;
/// The longer side of the detector's input is brought down to this: phone screenshots
/// (1080×2400) are read at a little over half size, which keeps body text near 20 px (DB finds
/// text down to about 10 px) and costs two thirds of the time 1600 did, for the same accuracy
/// on the screenshot set.
const MAX_SIDE: f32 = 1280.0;
/// Small images (a cropped toast) are enlarged until their longer side is this, at most 3×.
const MIN_LONG_SIDE: f32 = 800.0;

/// A text box in image pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TextBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

/// Runs `model` on `input` (`[N, 3, H, W]`); its one output, as an `N`-dimensional tensor.
pub(crate) fn run<const N: usize>(
    model: &Model,
    input: NdTensor<f32, 4>,
    what: &str,
) -> Result<NdTensor<f32, N>> {
    let output = model
        .run_one(input.view().into(), None)
        .map_err(|e| CoreError::Internal(format!("OCR {what} failed: {e}")))?;
    output
        .try_into()
        .map_err(|e| CoreError::Internal(format!("OCR {what} output: {e:?}")))
}

/// A pixel channel as the models take it: `(x / 255 − 0.5) / 0.5`.
pub(crate) fn scaled(channel: u8) -> f32 {
    channel as f32 / 127.5 - 1.0
}

/// The detector's input size for an image: scaled as above, each side a multiple of 32.
pub(crate) fn input_size(width: u32, height: u32) -> (u32, u32) {
    let long = width.max(height) as f32;
    let scale = if long > MAX_SIDE {
        MAX_SIDE / long
    } else if long < MIN_LONG_SIDE {
        (MIN_LONG_SIDE / long).min(3.0)
    } else {
        1.0
    };
    let side = |v: u32| (((v as f32 * scale) / 32.0).round() as u32).max(1) * 32;
    (side(width), side(height))
}

/// Image → `[1, 3, H, W]`, BGR channel order, `(x / 255 − 0.5) / 0.5`.
pub(crate) fn bgr_tensor(image: &RgbImage) -> NdTensor<f32, 4> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let plane = w * h;
    let mut data = vec![0f32; 3 * plane];
    let (b, rest) = data.split_at_mut(plane);
    let (g, r) = rest.split_at_mut(plane);
    for (i, px) in image.as_raw().chunks_exact(3).enumerate() {
        r[i] = scaled(px[0]);
        g[i] = scaled(px[1]);
        b[i] = scaled(px[2]);
    }
    NdTensor::from_data([1, 3, h, w], data)
}

/// The text boxes in `image` (RGB8), in its own pixel coordinates.
pub(crate) fn detect(model: &Model, image: &DynamicImage) -> Result<Vec<TextBox>> {
    let mut boxes = Vec::new();
    for tile in tiles(image.width(), image.height()) {
        let part = if tile.top == 0 && tile.height == image.height() {
            Cow::Borrowed(image)
        } else {
            Cow::Owned(image.crop_imm(0, tile.top, image.width(), tile.height))
        };
        let (top, keep_from, keep_to) = (tile.top as f32, tile.keep.0 as f32, tile.keep.1 as f32);
        boxes.extend(
            detect_one(model, &part)?
                .into_iter()
                .map(|b| TextBox {
                    y0: b.y0 + top,
                    y1: b.y1 + top,
                    ..b
                })
                .filter(|b| (keep_from..keep_to).contains(&((b.y0 + b.y1) / 2.0))),
        );
    }
    Ok(boxes)
}

/// A horizontal band of a tall image read on its own: `top` and `height` in image rows; boxes
/// whose centre lies in `keep` belong to it (the overlap with the next band goes half to each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tile {
    pub top: u32,
    pub height: u32,
    pub keep: (u32, u32),
}

/// A long screenshot (a scrolled chat, 长截图) scaled to [`MAX_SIDE`] as a whole would shrink
/// its text below what the detector sees, so an image more than 2.5 times as tall as wide is
/// read in bands twice as tall as wide, overlapping by a quarter of the width (taller than any
/// line of text, so every line is whole in the band that keeps it).
pub(crate) fn tiles(width: u32, height: u32) -> Vec<Tile> {
    if u64::from(height) * 2 <= u64::from(width) * 5 {
        return vec![Tile {
            top: 0,
            height,
            keep: (0, height),
        }];
    }
    let band = width * 2;
    let overlap = (width / 4).max(32);
    // As few bands as cover the image with at least that overlap, spread evenly.
    let n = (height - overlap).div_ceil(band - overlap);
    let tops: Vec<u32> = (0..n)
        .map(|i| (u64::from(i) * u64::from(height - band) / u64::from(n - 1)) as u32)
        .collect();
    (0..n as usize)
        .map(|i| {
            let top = tops[i];
            let keep_from = if i == 0 {
                0
            } else {
                (tops[i - 1] + band + top) / 2
            };
            let keep_to = match tops.get(i + 1) {
                Some(&next) => (top + band + next) / 2,
                None => height,
            };
            Tile {
                top,
                height: band,
                keep: (keep_from, keep_to),
            }
        })
        .collect()
}

/// The text boxes of one image (or band) read as a whole.
fn detect_one(model: &Model, image: &DynamicImage) -> Result<Vec<TextBox>> {
    let (w, h) = (image.width(), image.height());
    let (dw, dh) = input_size(w, h);
    // DynamicImage's methods are compiled (optimised) in the image crate, not in ours.
    let resized = match image.as_rgb8() {
        Some(rgb) if (dw, dh) == (w, h) => Cow::Borrowed(rgb),
        _ => Cow::Owned(image.resize_exact(dw, dh, FilterType::Triangle).into_rgb8()),
    };
    let map: NdTensor<f32, 4> = run(model, bgr_tensor(&resized), "detection")?;
    let [_, _, mh, mw] = map.shape();
    let probs = map.to_vec();
    let regions = regions(&probs, mw, mh);
    let (sx, sy) = (w as f32 / mw as f32, h as f32 / mh as f32);
    Ok(regions
        .into_iter()
        .map(|r| TextBox {
            x0: (r.x0 * sx).clamp(0.0, w as f32),
            y0: (r.y0 * sy).clamp(0.0, h as f32),
            x1: (r.x1 * sx).clamp(0.0, w as f32),
            y1: (r.y1 * sy).clamp(0.0, h as f32),
        })
        .filter(|b| b.x1 - b.x0 >= 2.0 && b.y1 - b.y0 >= 2.0)
        .collect())
}

/// The unclipped boxes of the text regions of a `w × h` probability map, in map pixels.
pub(crate) fn regions(probs: &[f32], w: usize, h: usize) -> Vec<TextBox> {
    let mut mask = dilated_mask(probs, w, h);
    let mut boxes = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !mask[start] {
            continue;
        }
        // One connected region (8-neighbourhood), cleared from the mask as it is visited.
        mask[start] = false;
        stack.push(start);
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
            for ny in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                    let j = ny * w + nx;
                    if mask[j] {
                        mask[j] = false;
                        stack.push(j);
                    }
                }
            }
        }
        let (bw, bh) = (x1 - x0 + 1, y1 - y0 + 1);
        if bw.min(bh) < MIN_SIZE {
            continue;
        }
        if mean(probs, w, x0, y0, x1, y1) < BOX_THRESHOLD {
            continue;
        }
        let (bw, bh) = (bw as f32, bh as f32);
        let grow = bw * bh * UNCLIP_RATIO / (2.0 * (bw + bh));
        if bw.min(bh) + 2.0 * grow < MIN_SIZE as f32 + 2.0 {
            continue;
        }
        boxes.push(TextBox {
            x0: x0 as f32 - grow,
            y0: y0 as f32 - grow,
            x1: (x1 + 1) as f32 + grow,
            y1: (y1 + 1) as f32 + grow,
        });
        if boxes.len() == MAX_CANDIDATES {
            break;
        }
    }
    boxes
}

/// Thresholded map dilated by a 2×2 square (as PaddleOCR's `use_dilation`): a pixel is set
/// when it or its left, upper or upper-left neighbour is above the threshold.
fn dilated_mask(probs: &[f32], w: usize, h: usize) -> Vec<bool> {
    let on = |x: usize, y: usize| probs[y * w + x] > PIXEL_THRESHOLD;
    let mut mask = vec![false; w * h];
    for y in 0..h {
        for x in 0..w {
            mask[y * w + x] = on(x, y)
                || (x > 0 && on(x - 1, y))
                || (y > 0 && on(x, y - 1))
                || (x > 0 && y > 0 && on(x - 1, y - 1));
        }
    }
    mask
}

fn mean(probs: &[f32], w: usize, x0: usize, y0: usize, x1: usize, y1: usize) -> f32 {
    let mut sum = 0.0;
    for y in y0..=y1 {
        sum += probs[y * w + x0..=y * w + x1].iter().sum::<f32>();
    }
    sum / ((x1 - x0 + 1) * (y1 - y0 + 1)) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_size_keeps_phone_text_large_and_sides_multiples_of_32() {
        assert_eq!(input_size(1080, 2400), (576, 1280));
        assert_eq!(input_size(720, 1280), (736, 1280));
        assert_eq!(input_size(300, 80), (800, 224));
        assert_eq!(input_size(1, 1), (32, 32));
    }

    #[test]
    fn a_long_screenshot_is_read_in_overlapping_bands_that_share_out_every_row() {
        assert_eq!(tiles(1080, 2400).len(), 1);
        let bands = tiles(1080, 6000);
        assert_eq!(bands.len(), 4);
        assert_eq!((bands[0].top, bands[0].height), (0, 2160));
        assert_eq!(
            bands.last().unwrap().top + bands.last().unwrap().height,
            6000
        );
        for pair in bands.windows(2) {
            assert!(
                pair[0].top + pair[0].height >= pair[1].top + 270,
                "{pair:?}"
            );
            // A line up to the overlap's half on either side of the boundary is whole.
            assert!(pair[0].keep.1 + 135 <= pair[0].top + pair[0].height);
            assert!(pair[1].keep.0 >= pair[1].top + 135);
        }
        // The kept ranges tile the image exactly, and each lies inside its band.
        assert_eq!(bands[0].keep.0, 0);
        for pair in bands.windows(2) {
            assert_eq!(pair[0].keep.1, pair[1].keep.0);
        }
        assert_eq!(bands.last().unwrap().keep.1, 6000);
        for b in &bands {
            assert!(b.top <= b.keep.0 && b.keep.1 <= b.top + b.height);
        }
    }

    #[test]
    fn one_region_is_found_scored_and_unclipped() {
        let (w, h) = (40, 20);
        let mut probs = vec![0.0; w * h];
        for y in 8..12 {
            for x in 5..35 {
                probs[y * w + x] = 0.9;
            }
        }
        let boxes = regions(&probs, w, h);
        assert_eq!(boxes.len(), 1);
        let b = boxes[0];
        // Dilation adds one pixel right and down: 31 × 5, grown by 31·5·1.6/72 ≈ 3.44.
        let grow = 31.0 * 5.0 * 1.6 / 72.0;
        assert!((b.x0 - (5.0 - grow)).abs() < 1e-4, "{b:?}");
        assert!((b.y1 - (13.0 + grow)).abs() < 1e-4, "{b:?}");
    }

    #[test]
    fn faint_and_tiny_regions_are_dropped() {
        let (w, h) = (20, 20);
        let mut probs = vec![0.0; w * h];
        probs[2 * w + 2] = 0.9; // one pixel: too small even dilated
        for y in 10..16 {
            for x in 4..16 {
                probs[y * w + x] = 0.35; // above the pixel threshold, below the box one
            }
        }
        assert!(regions(&probs, w, h).is_empty());
    }
}
