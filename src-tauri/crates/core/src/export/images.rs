//! Evidence images as PDF image objects, **without re-encoding** wherever the PDF format allows.
//!
//! - JPEG: the file's bytes are the stream (`/DCTDecode`); size and components come from the SOF
//!   marker, an ICC profile from the APP2 `ICC_PROFILE` segments, the EXIF orientation is applied
//!   when the image is placed on the page (the pixels are not touched).
//! - PNG (8/16-bit grey or RGB, or palette, not interlaced, no transparency): the concatenated
//!   IDAT chunks are the stream (`/FlateDecode` with the PNG predictor), an `iCCP` profile is kept.
//! - Everything else (alpha — common on Android screenshots —, transparency keys, interlacing,
//!   GIF/WebP/BMP) is decoded and stored losslessly: colour as Flate with the PNG predictor, the
//!   alpha channel as a soft mask (`/SMask`), dropped only when fully opaque. A PNG is read and
//!   compressed row by row, anything else decoded once: never more than one decoded copy.
//! - With "smaller file", images longer than [`SMALL_LONG_SIDE`] pixels are downsampled and stored
//!   as JPEG; the originals beside the PDF are untouched.

use image::{DynamicImage, GenericImageView, ImageEncoder};
use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Longest side, in pixels, of an image stored with the "smaller file" option.
pub const SMALL_LONG_SIDE: u32 = 1600;

/// How an image ended up in the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ImageStorage {
    /// The PNG's own compressed pixel data, byte for byte.
    PngPassThrough,
    /// The JPEG file itself, byte for byte.
    JpegPassThrough,
    /// Decoded and stored losslessly (alpha, interlacing, other formats).
    Lossless,
    /// Downsampled for a smaller file (the original is beside the PDF).
    Reduced,
}

#[derive(Debug, Clone)]
enum Space {
    Gray,
    Rgb,
    Cmyk,
    Indexed { hival: i64, palette: Vec<u8> },
}

impl Space {
    fn components(&self) -> i64 {
        match self {
            Space::Gray | Space::Indexed { .. } => 1,
            Space::Rgb => 3,
            Space::Cmyk => 4,
        }
    }
}

/// An image ready to be written into a PDF: pixel dimensions, how to place it, and its streams.
pub(crate) struct PreparedImage {
    pub width: u32,
    pub height: u32,
    /// EXIF orientation 1–8 (1 = as stored).
    pub orientation: u8,
    pub storage: ImageStorage,
    space: Space,
    /// ICC profile (zlib-compressed when `icc_compressed`).
    icc: Option<Vec<u8>>,
    icc_compressed: bool,
    bits: i64,
    filter: Filter,
    data: Vec<u8>,
    cmyk_inverted: bool,
    smask: Option<PngData>,
}

#[derive(Clone, Copy)]
enum Filter {
    Dct,
    /// Flate with the PNG predictor over `columns` pixels.
    PngFlate,
}

impl PreparedImage {
    /// Size as shown (orientations 5–8 turn the image a quarter).
    pub fn display_size(&self) -> (u32, u32) {
        if self.orientation >= 5 {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }

    /// SHA-256 over the image stream as embedded, followed by its soft mask's stream if any:
    /// what `verify` recomputes from the PDF.
    pub fn embedded_sha256(&self) -> String {
        let mut h = Sha256::new();
        h.update(&self.data);
        if let Some(mask) = &self.smask {
            h.update(&mask.idat);
        }
        hex::encode(h.finalize())
    }

    /// Writes the image (and its ICC profile and soft mask) into `doc`; returns the image stream.
    /// `tag` is stored as `/TixianFile` so `verify` can find the image again.
    pub fn to_stream(&self, doc: &mut lopdf::Document, tag: &str) -> Stream {
        let icc_id = self.icc.as_ref().map(|profile| {
            let n = match &self.space {
                Space::Indexed { .. } => 3,
                other => other.components(),
            };
            let mut d = Dictionary::new();
            d.set("N", n);
            if self.icc_compressed {
                d.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            }
            doc.add_object(Stream::new(d, profile.clone()).with_compression(!self.icc_compressed))
        });
        let mut dict = image_dict(self.width, self.height, self.bits);
        dict.set("ColorSpace", color_space(&self.space, icc_id));
        match self.filter {
            Filter::Dct => dict.set("Filter", Object::Name(b"DCTDecode".to_vec())),
            Filter::PngFlate => {
                dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                dict.set(
                    "DecodeParms",
                    predictor(self.space.components(), self.bits, self.width),
                );
            }
        }
        if self.cmyk_inverted {
            dict.set(
                "Decode",
                Object::Array([1, 0, 1, 0, 1, 0, 1, 0].map(Object::from).to_vec()),
            );
        }
        if let Some(mask) = &self.smask {
            let mut md = image_dict(mask.width, mask.height, mask.bits);
            md.set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
            md.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            md.set("DecodeParms", predictor(1, mask.bits, mask.width));
            let id = doc.add_object(Stream::new(md, mask.idat.clone()).with_compression(false));
            dict.set("SMask", Object::Reference(id));
        }
        dict.set(
            "TixianFile",
            Object::String(tag.as_bytes().to_vec(), StringFormat::Literal),
        );
        Stream::new(dict, self.data.clone()).with_compression(false)
    }

    /// Bytes this image adds to a PDF (its streams), for sizing volumes.
    pub fn pdf_bytes(&self) -> u64 {
        (self.data.len()
            + self.smask.as_ref().map_or(0, |m| m.idat.len())
            + self.icc.as_ref().map_or(0, Vec::len)) as u64
    }
}

fn image_dict(width: u32, height: u32, bits: i64) -> Dictionary {
    let mut d = Dictionary::new();
    d.set("Type", Object::Name(b"XObject".to_vec()));
    d.set("Subtype", Object::Name(b"Image".to_vec()));
    d.set("Width", i64::from(width));
    d.set("Height", i64::from(height));
    d.set("BitsPerComponent", bits);
    d
}

fn predictor(colors: i64, bits: i64, columns: u32) -> Object {
    let mut p = Dictionary::new();
    p.set("Predictor", 15);
    p.set("Colors", colors);
    p.set("BitsPerComponent", bits);
    p.set("Columns", i64::from(columns));
    Object::Dictionary(p)
}

fn color_space(space: &Space, icc: Option<ObjectId>) -> Object {
    let device = |s: &Space| match s {
        Space::Gray => "DeviceGray",
        Space::Cmyk => "DeviceCMYK",
        _ => "DeviceRGB",
    };
    let base = |s: &Space| match icc {
        Some(id) => Object::Array(vec![
            Object::Name(b"ICCBased".to_vec()),
            Object::Reference(id),
        ]),
        None => Object::Name(device(s).as_bytes().to_vec()),
    };
    match space {
        Space::Indexed { hival, palette } => Object::Array(vec![
            Object::Name(b"Indexed".to_vec()),
            base(&Space::Rgb),
            Object::Integer(*hival),
            Object::String(palette.clone(), StringFormat::Hexadecimal),
        ]),
        other => base(other),
    }
}

/// Prepares `bytes` for the PDF; `None` when they are not an image we can show.
pub(crate) fn prepare(bytes: &[u8], smaller_file: bool) -> Option<PreparedImage> {
    let orientation = if bytes.starts_with(&[0xFF, 0xD8]) {
        exif_orientation(bytes)
    } else {
        1
    };
    if smaller_file {
        if let Some((w, h)) = quick_size(bytes) {
            if w.max(h) > SMALL_LONG_SIDE {
                let mut img = reduced(bytes)?;
                img.orientation = orientation;
                return Some(img);
            }
        }
    }
    if bytes.starts_with(PNG_SIGNATURE) {
        let png = parse_png(bytes)?;
        return match png_pass_through(png) {
            Ok(img) => Some(img),
            Err(png) => lossless(bytes, png.icc),
        };
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        if let Some(mut img) = jpeg_pass_through(bytes) {
            img.orientation = orientation;
            return Some(img);
        }
    }
    let mut img = lossless(bytes, None)?;
    img.orientation = orientation;
    Some(img)
}

fn quick_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.starts_with(PNG_SIGNATURE) {
        return parse_png(bytes).map(|p| (p.width, p.height));
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        if let Some(j) = parse_jpeg(bytes) {
            return Some((j.width, j.height));
        }
    }
    image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// What the PDF needs from a PNG: header fields and the raw chunk data.
struct PngData {
    width: u32,
    height: u32,
    bits: i64,
    color_type: u8,
    interlaced: bool,
    transparency: bool,
    palette: Option<Vec<u8>>,
    /// Compressed ICC profile from `iCCP` (zlib, as PDF's FlateDecode expects).
    icc: Option<Vec<u8>>,
    idat: Vec<u8>,
}

fn parse_png(bytes: &[u8]) -> Option<PngData> {
    let mut pos = PNG_SIGNATURE.len();
    let mut png = PngData {
        width: 0,
        height: 0,
        bits: 0,
        color_type: 0,
        interlaced: false,
        transparency: false,
        palette: None,
        icc: None,
        idat: Vec::new(),
    };
    let mut idat_len = 0;
    let mut chunks = Vec::new();
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().ok()?) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let data = bytes.get(pos + 8..pos + 8 + len)?;
        pos += 12 + len;
        match kind {
            b"IHDR" if len >= 13 => {
                png.width = u32::from_be_bytes(data[0..4].try_into().ok()?);
                png.height = u32::from_be_bytes(data[4..8].try_into().ok()?);
                png.bits = i64::from(data[8]);
                png.color_type = data[9];
                png.interlaced = data[12] != 0;
            }
            b"PLTE" => png.palette = Some(data.to_vec()),
            b"tRNS" => png.transparency = true,
            b"iCCP" => {
                let nul = data.iter().position(|&b| b == 0)?;
                // Name, NUL, compression method 0 (zlib), then the compressed profile.
                png.icc = data.get(nul + 2..).map(<[u8]>::to_vec);
            }
            b"IDAT" => {
                idat_len += len;
                chunks.push(data);
            }
            b"IEND" => break,
            _ => {}
        }
    }
    if png.width == 0 || png.height == 0 || chunks.is_empty() {
        return None;
    }
    png.idat = Vec::with_capacity(idat_len);
    for c in chunks {
        png.idat.extend_from_slice(c);
    }
    Some(png)
}

/// The PNG's IDAT as the PDF stream when the PDF can draw it as it is; the PNG back otherwise.
fn png_pass_through(png: PngData) -> Result<PreparedImage, PngData> {
    let space = match (png.color_type, png.bits) {
        (0, 1 | 2 | 4 | 8 | 16) => Space::Gray,
        (2, 8 | 16) => Space::Rgb,
        (3, 1 | 2 | 4 | 8) => match &png.palette {
            Some(p) if p.len() >= 3 => Space::Indexed {
                hival: (p.len() / 3) as i64 - 1,
                palette: p.clone(),
            },
            _ => return Err(png),
        },
        _ => return Err(png),
    };
    if png.interlaced || png.transparency {
        return Err(png);
    }
    Ok(PreparedImage {
        width: png.width,
        height: png.height,
        orientation: 1,
        storage: ImageStorage::PngPassThrough,
        space,
        icc_compressed: true,
        icc: png.icc,
        bits: png.bits,
        filter: Filter::PngFlate,
        data: png.idat,
        cmyk_inverted: false,
        smask: None,
    })
}

/// Decodes any supported image and stores it losslessly (colour + alpha soft mask), with at
/// most one decoded copy in memory: a PNG is read row by row (no copy at all), anything else
/// (GIF, WebP, BMP, an interlaced PNG) is decoded once under the evidence limits. Each row goes
/// straight into the compressed colour and alpha streams; the alpha stream is dropped when every
/// pixel is opaque.
fn lossless(bytes: &[u8], icc: Option<Vec<u8>>) -> Option<PreparedImage> {
    let planes = match png_by_rows(bytes) {
        Some(planes) => planes,
        None => decoded_once(bytes)?,
    };
    let (width, height, bits) = (planes.width, planes.height, planes.bits);
    let (color, alpha) = planes.finish()?;
    Some(PreparedImage {
        width,
        height,
        orientation: 1,
        storage: ImageStorage::Lossless,
        space: if color.gray { Space::Gray } else { Space::Rgb },
        icc_compressed: true,
        icc,
        bits,
        filter: Filter::PngFlate,
        data: color.idat,
        cmyk_inverted: false,
        smask: alpha.map(|idat| PngData {
            width,
            height,
            bits,
            color_type: 0,
            interlaced: false,
            transparency: false,
            palette: None,
            icc: None,
            idat,
        }),
    })
}

/// A non-interlaced PNG, row by row (palettes, low bit depths and `tRNS` expanded by the
/// decoder); `None` for anything else (an interlaced PNG comes pass by pass).
fn png_by_rows(bytes: &[u8]) -> Option<Planes> {
    use crate::imaging::{MAX_IMAGE_ALLOC, MAX_IMAGE_SIDE};
    if !bytes.starts_with(PNG_SIGNATURE) {
        return None;
    }
    let limits = png::Limits {
        bytes: usize::try_from(MAX_IMAGE_ALLOC).ok()?,
    };
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), limits);
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().ok()?;
    let info = reader.info();
    let (width, height) = (info.width, info.height);
    if info.interlaced || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return None;
    }
    let (channels, alpha) = match reader.output_color_type().0 {
        png::ColorType::Grayscale => (1, false),
        png::ColorType::GrayscaleAlpha => (2, true),
        png::ColorType::Rgb => (3, false),
        png::ColorType::Rgba => (4, true),
        png::ColorType::Indexed => return None,
    };
    let sample = match reader.output_color_type().1 {
        png::BitDepth::Eight => 1,
        png::BitDepth::Sixteen => 2,
        _ => return None,
    };
    let mut planes = Planes::new(width, height, channels, alpha, sample)?;
    let mut rows = 0;
    while let Some(row) = reader.next_row().ok()? {
        planes.push(row.data())?;
        rows += 1;
    }
    (rows == height).then_some(planes)
}

/// Any other image, decoded once under the evidence limits (as stored: the EXIF orientation is
/// not applied to the pixels).
fn decoded_once(bytes: &[u8]) -> Option<Planes> {
    let img = crate::imaging::decode_image_as_stored(bytes).ok()?;
    let (width, height) = img.dimensions();
    let (channels, alpha) = match img.color().channel_count() {
        1 => (1, false),
        2 => (2, true),
        3 => (3, false),
        _ => (4, true),
    };
    let mut planes;
    match &img {
        DynamicImage::ImageLuma8(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageRgb8(_)
        | DynamicImage::ImageRgba8(_) => {
            planes = Planes::new(width, height, channels, alpha, 1)?;
            let stride = width as usize * channels;
            for row in img.as_bytes().chunks_exact(stride) {
                planes.push(row)?;
            }
        }
        DynamicImage::ImageLuma16(_)
        | DynamicImage::ImageLumaA16(_)
        | DynamicImage::ImageRgb16(_)
        | DynamicImage::ImageRgba16(_) => {
            planes = Planes::new(width, height, channels, alpha, 2)?;
            let samples: &[u16] = match &img {
                DynamicImage::ImageLuma16(b) => b.as_raw(),
                DynamicImage::ImageLumaA16(b) => b.as_raw(),
                DynamicImage::ImageRgb16(b) => b.as_raw(),
                DynamicImage::ImageRgba16(b) => b.as_raw(),
                _ => return None,
            };
            // PDF samples are big-endian; one row is converted at a time.
            let mut be = Vec::with_capacity(width as usize * channels * 2);
            for row in samples.chunks_exact(width as usize * channels) {
                be.clear();
                for v in row {
                    be.extend_from_slice(&v.to_be_bytes());
                }
                planes.push(&be)?;
            }
        }
        // No decoder we enable yields float pixels; should one, it is stored as 8-bit RGBA.
        other => {
            planes = Planes::new(width, height, 4, true, 1)?;
            let rgba = other.to_rgba8();
            drop(img);
            for row in rgba.as_raw().chunks_exact(width as usize * 4) {
                planes.push(row)?;
            }
        }
    }
    Some(planes)
}

/// An image's rows split into the PDF's colour plane and alpha plane as they come, each
/// compressed at once by a streaming PNG encoder (Flate with the PNG row filters, which is what
/// `/Predictor 15` reads); only the compressed planes and one row of each are held.
struct Planes {
    width: u32,
    height: u32,
    bits: i64,
    /// Channels in, alpha last when there is alpha.
    channels: usize,
    sample: usize,
    color: PlaneEncoder,
    alpha: Option<PlaneEncoder>,
    opaque: bool,
    color_row: Vec<u8>,
    alpha_row: Vec<u8>,
}

/// A colour plane as compressed: its IDAT and whether it is grey.
struct Plane {
    idat: Vec<u8>,
    gray: bool,
}

impl Planes {
    fn new(width: u32, height: u32, channels: usize, alpha: bool, sample: usize) -> Option<Planes> {
        let colors = if alpha { channels - 1 } else { channels };
        let depth = if sample == 2 {
            png::BitDepth::Sixteen
        } else {
            png::BitDepth::Eight
        };
        let kind = if colors == 1 {
            png::ColorType::Grayscale
        } else {
            png::ColorType::Rgb
        };
        Some(Planes {
            width,
            height,
            bits: 8 * sample as i64,
            channels,
            sample,
            color: PlaneEncoder::new(width, height, kind, depth)?,
            alpha: match alpha {
                true => Some(PlaneEncoder::new(
                    width,
                    height,
                    png::ColorType::Grayscale,
                    depth,
                )?),
                false => None,
            },
            opaque: true,
            color_row: Vec::new(),
            alpha_row: Vec::new(),
        })
    }

    /// One row of pixels, samples big-endian.
    fn push(&mut self, row: &[u8]) -> Option<()> {
        let Some(alpha) = self.alpha.as_mut() else {
            return self.color.push(row);
        };
        let pixel = self.channels * self.sample;
        let colour = pixel - self.sample;
        let pixels = row.len() / pixel;
        self.color_row.resize(pixels * colour, 0);
        self.alpha_row.resize(pixels * self.sample, 0);
        let mut opaque = u8::MAX;
        if pixel == 2 {
            // Grey and alpha, 8-bit (the common case): this loop sees every pixel.
            for ((p, c), a) in row
                .chunks_exact(2)
                .zip(self.color_row.iter_mut())
                .zip(self.alpha_row.iter_mut())
            {
                *c = p[0];
                *a = p[1];
                opaque &= p[1];
            }
        } else {
            for ((p, c), a) in row
                .chunks_exact(pixel)
                .zip(self.color_row.chunks_exact_mut(colour))
                .zip(self.alpha_row.chunks_exact_mut(self.sample))
            {
                c.copy_from_slice(&p[..colour]);
                a.copy_from_slice(&p[colour..]);
                opaque &= a[0] & a[a.len() - 1];
            }
        }
        self.opaque = self.opaque && opaque == u8::MAX;
        self.color.push(&self.color_row)?;
        alpha.push(&self.alpha_row)
    }

    /// The colour plane and, unless every pixel is opaque, the alpha plane.
    fn finish(self) -> Option<(Plane, Option<Vec<u8>>)> {
        let gray = self.channels <= 2;
        let color = Plane {
            idat: self.color.finish()?,
            gray,
        };
        let alpha = match self.alpha {
            Some(a) if !self.opaque => Some(a.finish()?),
            _ => None,
        };
        Some((color, alpha))
    }
}

/// png's streaming encoder, keeping only the IDAT payload of what it writes.
struct PlaneEncoder {
    stream: png::StreamWriter<'static, SharedSink>,
    sink: SharedSink,
}

impl PlaneEncoder {
    fn new(width: u32, height: u32, kind: png::ColorType, depth: png::BitDepth) -> Option<Self> {
        let sink = SharedSink::default();
        let mut enc = png::Encoder::new(sink.clone(), width, height);
        enc.set_color(kind);
        enc.set_depth(depth);
        enc.set_compression(png::Compression::Fast);
        enc.set_filter(png::Filter::Adaptive);
        let stream = enc.write_header().ok()?.into_stream_writer().ok()?;
        Some(PlaneEncoder { stream, sink })
    }

    fn push(&mut self, row: &[u8]) -> Option<()> {
        use std::io::Write;
        self.stream.write_all(row).ok()
    }

    fn finish(self) -> Option<Vec<u8>> {
        self.stream.finish().ok()?;
        let idat = std::mem::take(&mut self.sink.0.borrow_mut().idat);
        Some(idat)
    }
}

/// The writer a [`PlaneEncoder`] shares with its encoder.
#[derive(Clone, Default)]
struct SharedSink(std::rc::Rc<std::cell::RefCell<IdatSink>>);

impl std::io::Write for SharedSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().take(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads a PNG as it is written and keeps the payloads of its IDAT chunks, one after the other:
/// the compressed pixel data a PDF image stream holds. The signature, the other chunks and
/// every chunk's length, type and CRC are passed over.
#[derive(Default)]
struct IdatSink {
    idat: Vec<u8>,
    /// The signature or a chunk's length and type, while it comes in.
    head: Vec<u8>,
    signature_seen: bool,
    /// Bytes of the current chunk (data and CRC) still to come, and of its data to keep.
    left: usize,
    keep: usize,
}

impl IdatSink {
    fn take(&mut self, mut buf: &[u8]) {
        while !buf.is_empty() {
            if self.left == 0 {
                let want = if self.signature_seen {
                    8
                } else {
                    PNG_SIGNATURE.len()
                };
                let n = (want - self.head.len()).min(buf.len());
                self.head.extend_from_slice(&buf[..n]);
                buf = &buf[n..];
                if self.head.len() < want {
                    return;
                }
                if self.signature_seen {
                    let len = u32::from_be_bytes([
                        self.head[0],
                        self.head[1],
                        self.head[2],
                        self.head[3],
                    ]) as usize;
                    self.keep = if &self.head[4..8] == b"IDAT" { len } else { 0 };
                    self.left = len + 4;
                }
                self.signature_seen = true;
                self.head.clear();
                continue;
            }
            let n = self.left.min(buf.len());
            let k = self.keep.min(n);
            self.idat.extend_from_slice(&buf[..k]);
            self.keep -= k;
            self.left -= n;
            buf = &buf[n..];
        }
    }
}

/// Downsampled JPEG copy for the "smaller file" option (transparency flattened onto white).
fn reduced(bytes: &[u8]) -> Option<PreparedImage> {
    // Decoded once under the evidence limits; `thumbnail` averages the pixels each new pixel
    // covers in one pass, without a full-size intermediate image.
    let img = crate::imaging::decode_image_as_stored(bytes).ok()?;
    let img = img.thumbnail(SMALL_LONG_SIDE, SMALL_LONG_SIDE);
    let mut rgb = image::RgbImage::new(img.width(), img.height());
    for (x, y, p) in img.to_rgba8().enumerate_pixels() {
        let a = u16::from(p.0[3]);
        let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        rgb.put_pixel(
            x,
            y,
            image::Rgb([blend(p.0[0]), blend(p.0[1]), blend(p.0[2])]),
        );
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .write_image(
            rgb.as_raw(),
            rgb.width(),
            rgb.height(),
            image::ExtendedColorType::Rgb8,
        )
        .ok()?;
    let mut img = jpeg_pass_through_owned(out)?;
    img.storage = ImageStorage::Reduced;
    Some(img)
}

/// The parts of a JPEG header the PDF needs.
struct JpegInfo {
    width: u32,
    height: u32,
    components: u8,
    /// Baseline, extended or progressive Huffman, 8-bit: what DCTDecode reads.
    supported: bool,
    adobe: bool,
    icc: Option<Vec<u8>>,
}

fn parse_jpeg(bytes: &[u8]) -> Option<JpegInfo> {
    let mut pos = 2;
    let mut icc_parts: Vec<(u8, &[u8])> = Vec::new();
    let mut adobe = false;
    while pos + 4 <= bytes.len() {
        if bytes[pos] != 0xFF {
            return None;
        }
        let marker = bytes[pos + 1];
        if marker == 0xFF {
            pos += 1;
            continue;
        }
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            pos += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        let seg = bytes.get(pos + 4..pos + 2 + len)?;
        match marker {
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if seg.len() < 6 {
                    return None;
                }
                let icc = if icc_parts.is_empty() {
                    None
                } else {
                    icc_parts.sort_by_key(|(n, _)| *n);
                    Some(
                        icc_parts
                            .iter()
                            .flat_map(|(_, d)| d.iter().copied())
                            .collect(),
                    )
                };
                return Some(JpegInfo {
                    height: u32::from(u16::from_be_bytes([seg[1], seg[2]])),
                    width: u32::from(u16::from_be_bytes([seg[3], seg[4]])),
                    components: seg[5],
                    supported: matches!(marker, 0xC0..=0xC2) && seg[0] == 8,
                    adobe,
                    icc,
                });
            }
            0xE2 if seg.starts_with(b"ICC_PROFILE\0") && seg.len() > 14 => {
                icc_parts.push((seg[12], &seg[14..]));
            }
            0xEE if seg.starts_with(b"Adobe") => adobe = true,
            0xDA | 0xD9 => return None,
            _ => {}
        }
        pos += 2 + len;
    }
    None
}

fn jpeg_pass_through(bytes: &[u8]) -> Option<PreparedImage> {
    jpeg_pass_through_owned(bytes.to_vec())
}

fn jpeg_pass_through_owned(bytes: Vec<u8>) -> Option<PreparedImage> {
    let info = parse_jpeg(&bytes)?;
    let space = match info.components {
        1 => Space::Gray,
        3 => Space::Rgb,
        4 => Space::Cmyk,
        _ => return None,
    };
    if !info.supported || info.width == 0 || info.height == 0 {
        return None;
    }
    Some(PreparedImage {
        width: info.width,
        height: info.height,
        orientation: 1,
        storage: ImageStorage::JpegPassThrough,
        cmyk_inverted: info.components == 4 && info.adobe,
        space,
        icc_compressed: false,
        icc: info.icc,
        bits: 8,
        filter: Filter::Dct,
        data: bytes,
        smask: None,
    })
}

/// EXIF orientation (1–8) of a JPEG; 1 when absent or unreadable.
fn exif_orientation(bytes: &[u8]) -> u8 {
    let exif = match exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)) {
        Ok(e) => e,
        Err(_) => return 1,
    };
    exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .filter(|o| (1..=8).contains(o))
        .map_or(1, |o| o as u8)
}

/// The `cm` matrix that draws an image with EXIF `orientation` into the box at (x, y) of the
/// displayed size w × h (PDF maps an image onto the unit square, first row at the top).
pub(crate) fn placement(orientation: u8, x: f32, y: f32, w: f32, h: f32) -> [f32; 6] {
    match orientation {
        2 => [-w, 0.0, 0.0, h, x + w, y],
        3 => [-w, 0.0, 0.0, -h, x + w, y + h],
        4 => [w, 0.0, 0.0, -h, x, y + h],
        5 => [0.0, -h, -w, 0.0, x + w, y + h],
        6 => [0.0, -h, w, 0.0, x, y + h],
        7 => [0.0, h, w, 0.0, x, y],
        8 => [0.0, h, -w, 0.0, x + w, y],
        _ => [w, 0.0, 0.0, h, x, y],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_bytes(img: &DynamicImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    fn gradient(w: u32, h: u32) -> image::RgbImage {
        image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, (x * y) as u8]))
    }

    #[test]
    fn rgb_png_passes_through_with_its_own_idat() {
        let bytes = png_bytes(&DynamicImage::ImageRgb8(gradient(40, 30)));
        let idat = parse_png(&bytes).unwrap().idat;
        let img = prepare(&bytes, false).unwrap();
        assert_eq!(img.storage, ImageStorage::PngPassThrough);
        assert_eq!((img.width, img.height, img.bits), (40, 30, 8));
        assert_eq!(
            img.data, idat,
            "the stream is the file's compressed data, untouched"
        );
    }

    #[test]
    fn png_with_alpha_is_stored_losslessly_with_a_soft_mask() {
        let rgba = image::RgbaImage::from_fn(20, 10, |x, y| {
            image::Rgba([x as u8, y as u8, 7, x as u8 * 10])
        });
        let img = prepare(&png_bytes(&DynamicImage::ImageRgba8(rgba.clone())), false).unwrap();
        assert_eq!(img.storage, ImageStorage::Lossless);
        let mask = img.smask.as_ref().expect("alpha kept as a soft mask");
        assert_eq!((mask.width, mask.height), (20, 10));
        // Decoding our stored colour plane gives back exactly the original colours.
        let decoded = decode_idat_as_rgb(&img);
        for (p, q) in rgba.pixels().zip(decoded.chunks(3)) {
            assert_eq!(&p.0[..3], q);
        }
    }

    #[test]
    fn opaque_alpha_png_drops_the_mask() {
        let rgba = image::RgbaImage::from_fn(8, 8, |x, _| image::Rgba([x as u8, 0, 0, 255]));
        let img = prepare(&png_bytes(&DynamicImage::ImageRgba8(rgba)), false).unwrap();
        assert!(img.smask.is_none());
    }

    #[test]
    fn jpeg_passes_through_byte_for_byte() {
        let mut jpeg = Vec::new();
        let rgb = gradient(64, 48);
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .write_image(rgb.as_raw(), 64, 48, image::ExtendedColorType::Rgb8)
            .unwrap();
        let img = prepare(&jpeg, false).unwrap();
        assert_eq!(img.storage, ImageStorage::JpegPassThrough);
        assert_eq!((img.width, img.height), (64, 48));
        assert_eq!(img.data, jpeg);
    }

    #[test]
    fn smaller_file_downsamples_large_images_only() {
        let big = png_bytes(&DynamicImage::ImageRgb8(gradient(2000, 100)));
        let img = prepare(&big, true).unwrap();
        assert_eq!(img.storage, ImageStorage::Reduced);
        assert_eq!(img.width, SMALL_LONG_SIDE);
        let small = png_bytes(&DynamicImage::ImageRgb8(gradient(100, 100)));
        assert_eq!(
            prepare(&small, true).unwrap().storage,
            ImageStorage::PngPassThrough
        );
    }

    #[test]
    fn icc_profile_of_a_png_is_kept() {
        let rgb = gradient(8, 8);
        let mut bytes = Vec::new();
        let mut enc = image::codecs::png::PngEncoder::new(&mut bytes);
        enc.set_icc_profile(b"fake icc profile bytes".to_vec())
            .unwrap();
        enc.write_image(rgb.as_raw(), 8, 8, image::ExtendedColorType::Rgb8)
            .unwrap();
        let img = prepare(&bytes, false).unwrap();
        assert_eq!(img.storage, ImageStorage::PngPassThrough);
        let mut doc = lopdf::Document::with_version("1.5");
        let stream = img.to_stream(&mut doc, "x.png");
        let cs = stream.dict.get(b"ColorSpace").unwrap().as_array().unwrap();
        assert_eq!(cs[0].as_name().unwrap(), b"ICCBased");
        let profile = doc
            .get_object(cs[1].as_reference().unwrap())
            .unwrap()
            .as_stream()
            .unwrap();
        assert_eq!(
            profile.decompressed_content().unwrap(),
            b"fake icc profile bytes"
        );
        assert_eq!(profile.dict.get(b"N").unwrap().as_i64().unwrap(), 3);
    }

    #[test]
    fn non_images_are_not_prepared() {
        assert!(prepare(b"%PDF-1.4 not an image", false).is_none());
        assert!(prepare(b"\x89PNG\r\n\x1a\ntruncated", false).is_none());
    }

    #[test]
    fn quarter_turn_orientations_swap_the_displayed_size() {
        let bytes = png_bytes(&DynamicImage::ImageRgb8(gradient(4, 2)));
        let mut img = prepare(&bytes, false).unwrap();
        img.orientation = 6;
        assert_eq!(img.display_size(), (2, 4));
        // Orientation 6: the stored top-left corner (0,1) lands at the displayed top-right.
        let m = placement(6, 10.0, 20.0, 2.0, 4.0);
        let (u, v) = (0.0, 1.0);
        assert_eq!(
            (m[0] * u + m[2] * v + m[4], m[1] * u + m[3] * v + m[5]),
            (12.0, 24.0)
        );
    }

    /// Inflates the stored IDAT and undoes the PNG row filters (RGB8 only; test helper).
    fn decode_idat_as_rgb(img: &PreparedImage) -> Vec<u8> {
        use std::io::Read;
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&img.data[..])
            .read_to_end(&mut raw)
            .unwrap();
        let stride = img.width as usize * 3;
        let mut out = vec![0u8; stride * img.height as usize];
        for row in 0..img.height as usize {
            let filter = raw[row * (stride + 1)];
            for i in 0..stride {
                let x = raw[row * (stride + 1) + 1 + i];
                let a = if i >= 3 { out[row * stride + i - 3] } else { 0 };
                let b = if row > 0 {
                    out[(row - 1) * stride + i]
                } else {
                    0
                };
                let c = if row > 0 && i >= 3 {
                    out[(row - 1) * stride + i - 3]
                } else {
                    0
                };
                let pred = match filter {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                    _ => {
                        let p = i16::from(a) + i16::from(b) - i16::from(c);
                        let (pa, pb, pc) = (
                            (p - i16::from(a)).abs(),
                            (p - i16::from(b)).abs(),
                            (p - i16::from(c)).abs(),
                        );
                        if pa <= pb && pa <= pc {
                            a
                        } else if pb <= pc {
                            b
                        } else {
                            c
                        }
                    }
                };
                out[row * stride + i] = x.wrapping_add(pred);
            }
        }
        out
    }
}
