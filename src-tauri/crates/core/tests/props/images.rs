//! Properties of evidence images: for any bytes — random, or a real PNG, JPEG, GIF, WebP or
//! BMP cut, flipped or spliced — sniffing, decoding (with its side and memory limits), the
//! thumbnail and the EXIF time give a value or a clean error, never a panic, and a decoded
//! image is never larger than the limits; a file added as evidence is checked the same way.

use crate::fixtures;
use proptest::prelude::*;
use tixian_core::cases::evidence::{self, EvidenceInput};
use tixian_core::cases::Tier;

fn seeds() -> &'static [(String, Vec<u8>)] {
    static SEEDS: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(fixtures::image_files)
}

fn check(bytes: &[u8]) {
    let mime = evidence::sniff_mime(bytes, "shot.png");
    match evidence::decode_image(bytes) {
        Ok(img) => {
            assert!(
                img.width() <= evidence::MAX_IMAGE_SIDE && img.height() <= evidence::MAX_IMAGE_SIDE
            );
        }
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            assert_eq!(e.field_name(), Some("file"), "{e}");
        }
    }
    match evidence::thumbnail_png(bytes) {
        Ok(Some(png)) => {
            assert!(mime.starts_with("image/"));
            let thumb = image::load_from_memory(&png).unwrap();
            assert!(
                thumb.width() <= evidence::THUMBNAIL_SIDE
                    && thumb.height() <= evidence::THUMBNAIL_SIDE
            );
        }
        Ok(None) => assert!(!matches!(
            mime,
            "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/bmp"
        )),
        Err(e) => assert_eq!(e.exit_code(), 2, "{e}"),
    }
    if let Some(t) = evidence::exif_taken_at(bytes) {
        assert!(tixian_core::time::YEARS.contains(&chrono::Datelike::year(&t)));
    }
}

#[test]
fn every_generated_image_decodes_with_its_size() {
    for (name, bytes) in seeds() {
        let decoded = evidence::decode_image(bytes);
        if name == "bomb.png" {
            let e = decoded.unwrap_err();
            assert!(
                e.message(tixian_core::Lang::En)
                    .contains("decompression bomb"),
                "{e}"
            );
        } else {
            let img = decoded.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(img.width() > 0, "{name}");
            assert!(evidence::thumbnail_png(bytes).unwrap().is_some(), "{name}");
        }
    }
    // EXIF orientation 6 turns the 8×6 picture on its side.
    let img = evidence::decode_image(&fixtures::jpeg_with_exif("2026:03:10 14:05:33", 6)).unwrap();
    assert_eq!((img.width(), img.height()), (6, 8));
}

proptest! {
    #![proptest_config(crate::cases(300))]

    #[test]
    fn random_bytes_are_refused_cleanly(
        magic in proptest::sample::select(vec![&b""[..], b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"RIFF\0\0\0\0WEBP", b"BM", b"MM\0*", b"II*\0"]),
        rest in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        check(&[magic, &rest].concat());
    }

    #[test]
    fn mutated_images_decode_or_are_refused_cleanly(seed in 0..seeds().len(), steps in proptest::collection::vec((any::<u64>(), any::<usize>(), any::<u8>(), 0usize..128), 1..4)) {
        let mut bytes = seeds()[seed].1.clone();
        for (c, at, b, len) in steps {
            bytes = fixtures::mutate(&bytes, c, at, b, len);
        }
        check(&bytes);
    }

    #[test]
    fn truncated_images_decode_or_are_refused_cleanly(seed in 0..seeds().len(), cut in any::<prop::sample::Index>()) {
        let bytes = &seeds()[seed].1;
        check(&bytes[..cut.index(bytes.len())]);
    }

    /// Headers claiming any size: refused above the limits, and never decoded into more memory.
    #[test]
    fn any_claimed_size_is_within_the_limits_or_refused(w in 0u32..=u32::MAX, h in prop_oneof![0u32..64, 0u32..=u32::MAX]) {
        check(&fixtures::png_claiming(w, h));
    }

}

proptest! {
    #![proptest_config(crate::cases(64))]

    #[test]
    fn any_exif_date_text_is_a_time_or_nothing(when in "[0-9: +-]{0,22}", orientation in any::<u16>()) {
        let bytes = fixtures::jpeg_with_exif(&when, orientation);
        check(&bytes);
    }

    /// Through `prepare`, as a file the user adds.
    #[test]
    fn a_hostile_file_added_as_evidence_is_checked_or_refused(seed in 0..seeds().len(), steps in proptest::collection::vec((any::<u64>(), any::<usize>(), any::<u8>(), 0usize..128), 0..3)) {
        let (name, bytes) = &seeds()[seed];
        let mut bytes = bytes.clone();
        for (c, at, b, len) in steps {
            bytes = fixtures::mutate(&bytes, c, at, b, len);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let input = EvidenceInput { path, caption: "截图".into(), tier: Tier::Core, taken_at: None };
        match evidence::prepare(&input) {
            Ok(p) => prop_assert_eq!(p.bytes, bytes),
            Err(e) => prop_assert_eq!(e.exit_code(), 2, "{}", e),
        }
    }
}
