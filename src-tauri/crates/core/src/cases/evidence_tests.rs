//! Tests for the evidence vault (kept beside `evidence.rs` to keep that file short).

use super::super::test_support::*;
use super::*;
use image::{ImageFormat, Rgb, RgbImage};

pub(crate) fn png(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG whose header claims 100000×100000 pixels (a decompression bomb's calling card).
fn bomb_png() -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    out
}

/// A JPEG with an EXIF block holding DateTimeOriginal = 2026:03:10 14:05:33.
fn jpeg_with_exif() -> Vec<u8> {
    let img = RgbImage::from_pixel(8, 8, Rgb([200, 10, 10]));
    let mut jpeg = Cursor::new(Vec::new());
    img.write_to(&mut jpeg, ImageFormat::Jpeg).unwrap();
    let jpeg = jpeg.into_inner();
    // TIFF (big-endian): IFD0 with one entry pointing to the Exif IFD, which holds the date.
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x87, 0x69, 0x00, 0x04, 0, 0, 0, 1]);
    tiff.extend_from_slice(&26u32.to_be_bytes()); // Exif IFD at offset 26
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x90, 0x03, 0x00, 0x02, 0, 0, 0, 20]);
    tiff.extend_from_slice(&44u32.to_be_bytes()); // the string right after this IFD
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(b"2026:03:10 14:05:33\0");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn input(path: &Path) -> EvidenceInput {
    EvidenceInput {
        path: path.to_path_buf(),
        caption: "提现失败截图".into(),
        tier: Tier::Core,
        taken_at: None,
    }
}

#[test]
fn a_screenshot_is_copied_into_the_vault_with_its_details_and_the_original_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Screenshot 2026-03-10.png");
    let bytes = png(40, 30);
    std::fs::write(&file, &bytes).unwrap();
    let vault_dir = dir.path().join("vault");
    let (mut store, id) = store_with_case();
    let item = store
        .transaction(|tx| add_evidence(tx, &vault_dir, id, &input(&file), &t("2026-03-11 09:00")))
        .unwrap();
    assert_eq!(item.mime, "image/png");
    assert_eq!((item.width, item.height), (Some(40), Some(30)));
    assert_eq!(item.size_bytes, bytes.len() as i64);
    assert_eq!(item.original_name, "Screenshot 2026-03-10.png");
    assert_eq!(
        std::fs::read(vault::path_of(&vault_dir, &item.sha256)).unwrap(),
        bytes
    );
    assert_eq!(std::fs::read(&file).unwrap(), bytes);
    assert_eq!(bundle_file_name(1, &item), "01_提现失败截图_2026-03-11.png");
    // The same file twice is a conflict, not a second copy.
    let e = store
        .transaction(|tx| add_evidence(tx, &vault_dir, id, &input(&file), &t("2026-03-11 09:00")))
        .unwrap_err();
    assert_eq!(e.code(), "conflict");
}

#[test]
fn a_bomb_or_a_truncated_image_is_refused_before_anything_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.png");
    std::fs::write(&bomb, bomb_png()).unwrap();
    let e = prepare(&input(&bomb)).unwrap_err();
    assert_eq!(e.field_name(), Some("file"));
    assert!(
        e.message(crate::Lang::En).contains("decompression bomb"),
        "{}",
        e.message(crate::Lang::En)
    );
    let cut = dir.path().join("cut.png");
    let full = png(64, 64);
    std::fs::write(&cut, &full[..full.len() / 2]).unwrap();
    let e = prepare(&input(&cut)).unwrap_err();
    assert!(
        e.message(crate::Lang::En).contains("damaged or truncated"),
        "{}",
        e.message(crate::Lang::En)
    );
    let missing = prepare(&input(&dir.path().join("nope.png"))).unwrap_err();
    assert_eq!(missing.field_name(), Some("file"));
}

#[test]
fn exif_capture_time_is_read_unless_the_user_gives_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("photo.jpg");
    std::fs::write(&file, jpeg_with_exif()).unwrap();
    let p = prepare(&input(&file)).unwrap();
    assert_eq!(p.mime, "image/jpeg");
    assert_eq!(
        p.taken_at.map(|t| time::to_rfc3339(&t)).as_deref(),
        Some("2026-03-10T14:05:33+08:00")
    );
    assert_eq!(p.taken_at_source, Some("exif"));
    let mut given = input(&file);
    given.taken_at = Some(t("2026-03-09 08:00"));
    assert_eq!(prepare(&given).unwrap().taken_at_source, Some("user"));
}

#[test]
fn other_files_are_sniffed_by_content_not_name() {
    assert_eq!(sniff_mime(b"%PDF-1.7\n...", "chat.png"), "application/pdf");
    assert_eq!(sniff_mime(b"PK\x03\x04rest", "export"), "application/zip");
    assert_eq!(sniff_mime(b"#!AMR\n..", "voice"), "audio/amr");
    assert_eq!(
        sniff_mime("客服：您好".as_bytes(), "chat.txt"),
        "text/plain"
    );
    assert_eq!(
        sniff_mime(&[0, 159, 146, 150, 1], "x"),
        "application/octet-stream"
    );
}

#[test]
fn thumbnails_fit_in_320_pixels_and_skip_non_images() {
    let thumb = thumbnail_png(&png(1000, 500)).unwrap().unwrap();
    let img = image::load_from_memory(&thumb).unwrap();
    assert_eq!((img.width(), img.height()), (320, 160));
    assert!(thumbnail_png(b"%PDF-1.4").unwrap().is_none());
}

#[test]
fn bundle_file_name_from_a_name_windows_refuses_is_made_valid() {
    let dir = tempfile::tempdir().unwrap();
    // A name a Linux or macOS user can have: a colon in the extension, a trailing dot.
    let file = dir.path().join("对话:截图.p:g");
    std::fs::write(&file, png(10, 10)).unwrap();
    let vault_dir = dir.path().join("vault");
    let (mut store, id) = store_with_case();
    let mut new = input(&file);
    new.caption = "客服<承诺>?".into();
    let item = store
        .transaction(|tx| add_evidence(tx, &vault_dir, id, &new, &t("2026-03-11 09:00")))
        .unwrap();
    assert_eq!(bundle_file_name(2, &item), "02_客服_承诺___2026-03-11.p_g");
}
