//! The PDF evidence bundle from outside: poppler's tools read what we wrote (text, images,
//! fonts), `sha256sum -c` accepts the sums, and `tixian verify` catches one changed byte.
//! Needs poppler-utils (pdftotext, pdfimages, pdffonts, pdftoppm) and coreutils' sha256sum.

mod common;

#[path = "../examples/support/gen.rs"]
mod gen;

use common::Sandbox;
use image::DynamicImage;
use std::path::{Path, PathBuf};
use std::process::Command;
use tixian_core::export::{export_bundle, ExportOptions, ExportReport, Split};
use tixian_core::{CoreError, Lang};

struct Bundle {
    sandbox: Sandbox,
    pdf: PathBuf,
    report: ExportReport,
}

impl Bundle {
    fn files(&self) -> PathBuf {
        self.sandbox.path("bundle.files")
    }
}

/// A bundle with a 1080×2400 RGB PNG, an RGBA PNG, a JPEG and a text file.
fn bundle(lang: Lang, timeline_rows: usize) -> Bundle {
    let sandbox = Sandbox::new();
    let src = sandbox.path("vault");
    std::fs::create_dir(&src).unwrap();
    let png = src.join("Screenshot_1.png");
    gen::save_png(
        &DynamicImage::ImageRgb8(gen::screenshot(1, 1080, 2400)),
        &png,
    );
    let alpha = src.join("android.png");
    gen::save_png(
        &DynamicImage::ImageRgba8(gen::with_alpha(&gen::screenshot(2, 300, 500))),
        &alpha,
    );
    let jpeg = src.join("IMG_0042.JPG");
    gen::save_jpeg(&gen::screenshot(3, 640, 480), &jpeg, 85);
    let txt = src.join("通话记录.txt");
    std::fs::write(&txt, "95017 6 分钟\n").unwrap();
    let evidence = vec![
        gen::evidence(png, "提现失败截图", Some("2026-06-15T23:40:12+08:00")),
        gen::evidence(alpha, "安卓截图", None),
        gen::evidence(jpeg, "银行流水照片", None),
        gen::evidence(txt, "", None),
    ];
    let input = gen::case(lang, timeline_rows, evidence);
    let pdf = sandbox.path("bundle.pdf");
    let report =
        export_bundle(&input, &pdf, &ExportOptions::default(), &mut |_| {}).expect("export");
    Bundle {
        sandbox,
        pdf,
        report,
    }
}

/// `tixian --lang LANG verify PDF`
fn verify(b: &Bundle, lang: &str) -> std::process::Output {
    b.sandbox
        .cmd(&["--lang", lang, "verify", b.pdf.to_str().unwrap()])
        .output()
        .unwrap()
}

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn text_of(pdf: &Path) -> String {
    run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

/// The text of page `page` (1-based).
fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    run(
        "pdftotext",
        &["-layout", "-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"],
    )
}

/// The rows of the 证据目录 (page 3) as pdftotext reads them: (序号, the rest of the row's first
/// line, first page, last page).
fn catalog_rows(pdf: &Path) -> Vec<(String, String, usize, usize)> {
    let text = page_text(pdf, 3);
    assert!(
        text.contains("证据目录") || text.contains("List of evidence"),
        "page 3 is not the list:\n{text}"
    );
    let mut rows = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let Some((number, rest)) = line.split_once(char::is_whitespace) else {
            continue;
        };
        let grouped = number
            .split_once('-')
            .is_some_and(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok());
        if !grouped {
            continue;
        }
        let pages = rest.split_whitespace().last().unwrap();
        let (first, last) = match pages.split_once('–') {
            Some((a, b)) => (a.parse().unwrap(), b.parse().unwrap()),
            None => {
                let p = pages
                    .parse()
                    .unwrap_or_else(|_| panic!("no page in “{line}”"));
                (p, p)
            }
        };
        rows.push((number.to_string(), rest.trim().to_string(), first, last));
    }
    rows
}

/// First and last page the 目录 gives for the row whose first line contains `name`.
fn catalog_pages(pdf: &Path, name: &str) -> (usize, usize) {
    let rows = catalog_rows(pdf);
    let row = rows
        .iter()
        .find(|r| r.1.contains(name))
        .unwrap_or_else(|| panic!("no row “{name}” in {rows:?}"));
    (row.2, row.3)
}

#[test]
fn catalog_lists_every_item_at_the_page_that_holds_it() {
    for (lang, timeline, log) in [
        (Lang::Zh, "时间线", "客服沟通记录"),
        (Lang::En, "Timeline", "Customer-service log"),
    ] {
        let b = bundle(lang, 60);
        let rows = catalog_rows(&b.pdf);
        assert_eq!(rows.len(), 6, "4 files, the log and the timeline: {rows:?}");
        let numbers: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(numbers, ["1-1", "2-1", "3-1", "4-1", "5-1", "6-1"]);
        for f in &b.report.files {
            let name = if f.caption.is_empty() {
                f.original_name.as_str()
            } else {
                f.caption.as_str()
            };
            let (first, last) = catalog_pages(&b.pdf, name);
            assert_eq!(first, last, "{name}: one page");
            let page = page_text(&b.pdf, first);
            assert!(
                page.contains(&f.sha256),
                "page {first} lacks {name}'s hash:\n{page}"
            );
            assert!(page.contains(name), "page {first} is not {name}:\n{page}");
        }
        for heading in [timeline, log] {
            let (first, last) = catalog_pages(&b.pdf, heading);
            let top = page_text(&b.pdf, first);
            assert!(
                top.trim_start().starts_with(heading),
                "page {first} does not open {heading}:\n{top}"
            );
            let next = page_text(&b.pdf, last + 1);
            assert!(
                !next.contains(&rows[5].1),
                "{heading} goes on past page {last}"
            );
        }
        // The timeline's 60 rows need more than one page, and its last row is on its last page.
        let (first, last) = catalog_pages(&b.pdf, timeline);
        assert!(last > first);
        let marker = if lang == Lang::Zh {
            "第 60 次"
        } else {
            "the 60th time"
        };
        assert!(page_text(&b.pdf, last).contains(marker));
    }
}

#[test]
fn pdftotext_finds_chinese_summary_timeline_and_hashes() {
    let b = bundle(Lang::Zh, 10);
    let text = text_of(&b.pdf);
    for needle in [
        "案情摘要",
        "余额已于 2026-06-15 23:40 扣除",
        "¥5,000.00",
        "致电客服 95017",
        "【已逾期】",
        "哈希值能证明什么",
    ] {
        assert!(text.contains(needle), "missing {needle:?}");
    }
    assert!(
        text.contains(&b.report.fingerprint),
        "fingerprint not on the cover"
    );
    for f in &b.report.files {
        assert!(
            text.contains(&f.sha256),
            "hash of {} not in the PDF text",
            f.name
        );
    }
    assert_eq!(b.report.files[0].name, "01_提现失败截图_2026-06-15.png");
    assert!(text.contains("01_提现失败截图_2026-06-15.png"));
}

#[test]
fn characters_the_font_lacks_are_shown_not_dropped() {
    let b = bundle(Lang::Zh, 3);
    assert!(
        text_of(&b.pdf).contains("[U+1F600]"),
        "the emoji in the summary must stay visible"
    );
}

#[test]
fn english_bundle_reads_in_english() {
    let b = bundle(Lang::En, 3);
    let text = text_of(&b.pdf);
    for needle in [
        "Summary",
        "Customer-service log",
        "What a hash proves",
        "[OVERDUE]",
        "Called customer service 95017",
    ] {
        assert!(text.contains(needle), "missing {needle:?}");
    }
}

#[test]
fn long_timeline_breaks_across_pages_with_the_header_repeated() {
    let b = bundle(Lang::Zh, 100);
    let pages = |first: usize, last: usize| -> Vec<String> {
        (first..=last)
            .map(|p| {
                run(
                    "pdftotext",
                    &[
                        "-f",
                        &p.to_string(),
                        "-l",
                        &p.to_string(),
                        b.pdf.to_str().unwrap(),
                        "-",
                    ],
                )
            })
            .collect()
    };
    // The 目录 says where the timeline is: every one of its pages opens with the header.
    let (first, last) = catalog_pages(&b.pdf, "时间线");
    assert!(last > first, "100 rows on one page?");
    let timeline_pages: Vec<String> = pages(first, last);
    let with_rows: Vec<&String> = timeline_pages
        .iter()
        .filter(|t| t.contains("次查询提现进度"))
        .collect();
    assert!(
        with_rows.len() >= 3,
        "100 rows should need several pages, got {}",
        with_rows.len()
    );
    for page in with_rows {
        assert!(
            page.contains("时间") && page.contains("事件"),
            "page without the table header:\n{page}"
        );
    }
    assert!(text_of(&b.pdf).contains("第 100 次查询提现进度"));
}

#[test]
fn pdfimages_shows_images_at_original_size_and_encoding() {
    let b = bundle(Lang::Zh, 3);
    let list = run("pdfimages", &["-list", b.pdf.to_str().unwrap()]);
    let rows: Vec<Vec<&str>> = list
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    // columns: page num type width height color comp bpc enc interp object ID ...
    let find = |w: &str, h: &str, kind: &str| {
        rows.iter()
            .find(|r| r[3] == w && r[4] == h && r[2] == kind)
            .cloned()
    };
    let png = find("1080", "2400", "image").expect("the 1080x2400 PNG at full size");
    assert_eq!(
        (png[5], png[8]),
        ("rgb", "image"),
        "PNG passes through as Flate image data: {png:?}"
    );
    let jpeg = find("640", "480", "image").expect("the JPEG at full size");
    assert_eq!(jpeg[8], "jpeg", "JPEG stays JPEG: {jpeg:?}");
    assert!(
        find("300", "500", "image").is_some() && find("300", "500", "smask").is_some(),
        "alpha kept as soft mask:\n{list}"
    );
}

#[test]
fn pdffonts_shows_an_embedded_subset_and_the_file_stays_small() {
    let b = bundle(Lang::Zh, 10);
    let fonts = run("pdffonts", &[b.pdf.to_str().unwrap()]);
    let line = fonts.lines().nth(2).expect("one font");
    let name = line.split_whitespace().next().unwrap();
    assert!(
        name.contains('+'),
        "subset fonts carry a XXXXXX+ tag: {fonts}"
    );
    let cols: Vec<&str> = line.split_whitespace().collect();
    let n = cols.len();
    assert_eq!(
        &cols[n - 5..n - 2],
        ["yes", "yes", "yes"],
        "emb, sub, uni: {fonts}"
    );
    // The whole font is 10.5 MB; the PDF minus its images must be far below that.
    let images: u64 = b
        .report
        .files
        .iter()
        .filter(|f| f.embedded.is_some())
        .map(|f| f.size)
        .sum();
    let pdf = std::fs::metadata(&b.pdf).unwrap().len();
    assert!(
        pdf < images + 1_500_000,
        "PDF {pdf} bytes with {images} bytes of images: font not subset?"
    );
}

#[test]
fn sha256sum_accepts_the_sums_file() {
    let b = bundle(Lang::Zh, 3);
    let out = Command::new("sha256sum")
        .arg("-c")
        .arg("SHA256SUMS")
        .current_dir(b.files())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).matches(": OK").count(),
        4
    );
    // The cover's fingerprint is the hash of SHA256SUMS itself.
    assert_eq!(
        common::sha256_file(&b.files().join("SHA256SUMS")),
        b.report.fingerprint
    );
}

#[test]
fn verify_passes_on_a_fresh_bundle() {
    let b = bundle(Lang::Zh, 3);
    let out = verify(&b, "en");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = b.sandbox.json(&["verify", b.pdf.to_str().unwrap()]);
    assert_eq!(json["ok"], true);
    // SHA256SUMS + 4 files beside the PDF + 3 images inside it + every page.
    assert_eq!(
        json["entries"].as_array().unwrap().len(),
        8 + b.report.pages as usize
    );
}

#[test]
fn one_changed_byte_in_any_file_makes_verify_fail_naming_it() {
    let b = bundle(Lang::Zh, 3);
    let mut names: Vec<String> = b.report.files.iter().map(|f| f.name.clone()).collect();
    names.push("SHA256SUMS".into());
    for name in names {
        let path = b.files().join(&name);
        let original = std::fs::read(&path).unwrap();
        let mut changed = original.clone();
        let mid = changed.len() / 2;
        changed[mid] ^= 0x01;
        std::fs::write(&path, &changed).unwrap();
        let out = verify(&b, "en");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: a changed byte must fail verify"
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&name) && stderr.contains("changed"),
            "{name} not named: {stderr}"
        );
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("changed") && l.contains(&name)),
            "{stdout}"
        );
        std::fs::write(&path, &original).unwrap();
    }
    let out = verify(&b, "en");
    assert_eq!(out.status.code(), Some(0), "restored bundle verifies again");
}

#[test]
fn a_changed_image_inside_the_pdf_makes_verify_fail() {
    let b = bundle(Lang::Zh, 3);
    // The JPEG is embedded byte for byte: find it in the PDF and change one byte of its data.
    let entry = b
        .report
        .files
        .iter()
        .find(|f| f.original_name == "IMG_0042.JPG")
        .unwrap();
    let jpeg = std::fs::read(b.files().join(&entry.name)).unwrap();
    let mut pdf = std::fs::read(&b.pdf).unwrap();
    let at = pdf
        .windows(64)
        .position(|w| w == &jpeg[jpeg.len() / 2..jpeg.len() / 2 + 64])
        .expect("JPEG bytes inside the PDF");
    pdf[at + 10] ^= 0x01;
    std::fs::write(&b.pdf, &pdf).unwrap();
    let out = verify(&b, "en");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&entry.name) && stderr.contains("inside the PDF"),
        "{stderr}"
    );
}

#[test]
fn a_missing_file_is_reported_missing() {
    let b = bundle(Lang::Zh, 3);
    std::fs::remove_file(b.files().join(&b.report.files[3].name)).unwrap();
    let out = verify(&b, "en");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));
    let zh = verify(&b, "zh");
    assert_eq!(zh.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&zh.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("缺失") && l.contains(&b.report.files[3].name)),
        "{stdout}"
    );
}

#[test]
fn verify_of_a_missing_or_foreign_file_is_bad_input() {
    let s = Sandbox::new();
    let out = s
        .cmd(&[
            "--lang",
            "en",
            "verify",
            s.path("nope.pdf").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.pdf"));
    std::fs::write(s.path("other.pdf"), b"%PDF-1.4\nnot really\n").unwrap();
    let out = s
        .cmd(&["verify", s.path("other.pdf").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn export_never_overwrites_unless_asked_and_leaves_no_temp_files() {
    let b = bundle(Lang::Zh, 3);
    let before = std::fs::read(&b.pdf).unwrap();
    let input = gen::case(Lang::Zh, 3, vec![]);
    let err = export_bundle(&input, &b.pdf, &ExportOptions::default(), &mut |_| {}).unwrap_err();
    assert!(matches!(err, CoreError::Conflict { .. }), "{err}");
    assert_eq!(
        std::fs::read(&b.pdf).unwrap(),
        before,
        "existing bundle untouched"
    );
    let opts = ExportOptions {
        overwrite: true,
        ..Default::default()
    };
    let report = export_bundle(&input, &b.pdf, &opts, &mut |_| {}).unwrap();
    assert!(report.files.is_empty());
    assert!(
        !b.files().join("01_提现失败截图_2026-06-15.png").exists(),
        "old files replaced"
    );
    let leftovers: Vec<_> = std::fs::read_dir(b.sandbox.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn export_of_a_changed_vault_file_fails_and_writes_nothing() {
    let s = Sandbox::new();
    let file = s.path("a.txt");
    std::fs::write(&file, "x").unwrap();
    let mut ev = gen::evidence(file, "", None);
    ev.sha256 = "0".repeat(64);
    let input = gen::case(Lang::Zh, 1, vec![ev]);
    let err = export_bundle(
        &input,
        &s.path("b.pdf"),
        &ExportOptions::default(),
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!(err.exit_code(), 1, "{err}");
    let names: Vec<String> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["a.txt"], "nothing written");
}

#[test]
fn smaller_file_option_downsamples_but_keeps_originals_beside() {
    let s = Sandbox::new();
    let png = s.path("big.png");
    gen::save_png(
        &DynamicImage::ImageRgb8(gen::screenshot(5, 1080, 2400)),
        &png,
    );
    let original = std::fs::read(&png).unwrap();
    let input = gen::case(Lang::Zh, 1, vec![gen::evidence(png, "截图", None)]);
    let pdf = s.path("small.pdf");
    let opts = ExportOptions {
        smaller_file: true,
        ..Default::default()
    };
    let report = export_bundle(&input, &pdf, &opts, &mut |_| {}).unwrap();
    let list = run("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert!(
        list.contains(" 720  1600 ") || list.contains("720  1600"),
        "{list}"
    );
    assert_eq!(
        std::fs::read(s.path("small.files").join(&report.files[0].name)).unwrap(),
        original
    );
}

#[test]
fn pages_render_and_are_kept_as_artifacts() {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("pdf-pages");
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir).unwrap();
    for lang in [Lang::Zh, Lang::En] {
        let b = bundle(lang, 60);
        let prefix = out_dir.join(format!("bundle-{}", lang.as_str()));
        run(
            "pdftoppm",
            &[
                "-r",
                "50",
                "-png",
                b.pdf.to_str().unwrap(),
                prefix.to_str().unwrap(),
            ],
        );
        let rendered = std::fs::read_dir(&out_dir).unwrap().filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(&format!("bundle-{}", lang.as_str()))
        });
        assert_eq!(
            rendered.count() as u32,
            b.report.pages,
            "every page rendered"
        );
    }
}

#[test]
fn text_read_from_an_image_is_printed_under_it() {
    let sandbox = Sandbox::new();
    let png = sandbox.path("toast.png");
    gen::save_png(
        &DynamicImage::ImageRgb8(gen::screenshot(1, 1080, 2400)),
        &png,
    );
    let jpeg = sandbox.path("checked.jpg");
    gen::save_jpeg(&gen::screenshot(3, 640, 480), &jpeg, 85);
    let mut read = gen::evidence(png, "提现失败截图", None);
    read.text = "提现失败\n超出用户月收款限额".into();
    let mut checked = gen::evidence(jpeg, "客服回复", None);
    checked.text = "预计3个工作日内到账".into();
    checked.text_checked = true;
    let input = gen::case(Lang::Zh, 3, vec![read, checked]);
    let pdf = sandbox.path("bundle.pdf");
    export_bundle(&input, &pdf, &ExportOptions::default(), &mut |_| {}).expect("export");
    let text = text_of(&pdf);
    for needle in [
        "图中文字（本机自动识别，可能有误，以图片为准）",
        "超出用户月收款限额",
        "图中文字（已由用户核对）",
        "预计3个工作日内到账",
    ] {
        assert!(text.contains(needle), "missing {needle:?}");
    }
}

/// The four files of [`bundle`] as evidence, and the case around them.
fn four_files(sandbox: &Sandbox, lang: Lang) -> tixian_core::export::BundleInput {
    let src = sandbox.path("vault");
    std::fs::create_dir(&src).unwrap();
    let png = src.join("Screenshot_1.png");
    gen::save_png(
        &DynamicImage::ImageRgb8(gen::screenshot(1, 1080, 2400)),
        &png,
    );
    let jpeg = src.join("IMG_0042.JPG");
    gen::save_jpeg(&gen::screenshot(3, 640, 480), &jpeg, 85);
    // A photo that does not compress (about 1.08 MB), so volumes have something to cut.
    let png2 = src.join("Photo_2.png");
    gen::save_png(&DynamicImage::ImageRgb8(gen::noise(2, 600, 600)), &png2);
    let txt = src.join("通话记录.txt");
    std::fs::write(&txt, "95017 6 分钟\n").unwrap();
    let evidence = vec![
        gen::evidence(png, "提现失败截图", Some("2026-06-15T23:40:12+08:00")),
        gen::evidence(jpeg, "银行流水照片", None),
        gen::evidence(png2, "客服聊天照片", None),
        gen::evidence(txt, "", None),
    ];
    gen::case(lang, 5, evidence)
}

/// `tixian verify PDF` of any PDF: (exit code, stderr).
fn verify_pdf(s: &Sandbox, pdf: &Path) -> (Option<i32>, String) {
    let out = s
        .cmd(&["--lang", "en", "verify", pdf.to_str().unwrap()])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn split_by_item_writes_one_verifiable_pdf_per_row_and_an_index() {
    let s = Sandbox::new();
    let input = four_files(&s, Lang::Zh);
    let pdf = s.path("bundle.pdf");
    let opts = ExportOptions {
        split: Split::Items,
        ..Default::default()
    };
    let report = export_bundle(&input, &pdf, &opts, &mut |_| {}).unwrap();
    // The index, then the 4 files, the log and the timeline (the two photos prove the same
    // thing: one group).
    let names: Vec<String> = report
        .parts
        .iter()
        .map(|p| {
            Path::new(&p.pdf)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "bundle.pdf",
            "bundle-1-1.pdf",
            "bundle-2-1.pdf",
            "bundle-3-1.pdf",
            "bundle-3-2.pdf",
            "bundle-4-1.pdf",
            "bundle-5-1.pdf"
        ]
    );
    assert!(report.parts[0].items.is_empty());
    assert_eq!(report.parts[1].items, ["1-1"]);
    for p in &report.parts {
        let (code, err) = verify_pdf(&s, Path::new(&p.pdf));
        assert_eq!(code, Some(0), "{}: {err}", p.pdf);
    }
    // One folder for all, with every original, checkable with sha256sum -c.
    let out = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(s.path("bundle.files"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).matches(": OK").count(),
        4
    );
    // The index's 目录 points each row at its own file.
    let index = page_text(&pdf, 3);
    assert!(index.contains("证据目录"), "{index}");
    assert_eq!(index.matches("单独文件").count(), 6, "{index}");
    // Each item's first page names the case and the item; the four files' pages carry their
    // originals' hashes, one each.
    let mut hashes = Vec::new();
    for p in &report.parts[1..] {
        let first = page_text(Path::new(&p.pdf), 1);
        let flat: String = first.split_whitespace().collect();
        assert!(flat.contains(&format!("证据{}", p.items[0])), "{first}");
        hashes.extend(
            report
                .files
                .iter()
                .filter(|f| flat.contains(&f.sha256))
                .map(|f| f.sha256.clone()),
        );
    }
    let mut all: Vec<String> = report.files.iter().map(|f| f.sha256.clone()).collect();
    all.sort();
    hashes.sort();
    assert_eq!(hashes, all);
    // The timeline's own PDF says it has no original file (its manifest lists none).
    let timeline = text_of(Path::new(&report.parts.last().unwrap().pdf));
    assert!(
        timeline
            .split_whitespace()
            .collect::<String>()
            .contains("没有原始文件"),
        "{timeline}"
    );
    // An image is only in its own item's PDF.
    let list = run("pdfimages", &["-list", &report.parts[1].pdf]);
    assert_eq!(list.lines().count(), 3, "one image: {list}");
    let list = run("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert_eq!(list.lines().count(), 2, "no image in the index: {list}");
}

#[test]
fn volumes_stay_under_the_size_and_never_split_an_image() {
    let s = Sandbox::new();
    let input = four_files(&s, Lang::En);
    let sizes: Vec<u64> = input
        .evidence
        .iter()
        .map(|e| std::fs::metadata(&e.path).unwrap().len())
        .collect();
    // Room for one photo and the rest, not for both photos.
    let max_bytes = 1_700_000;
    assert!(
        sizes[0] + sizes[2] > max_bytes && sizes[0].max(sizes[2]) < 1_400_000,
        "{sizes:?}"
    );
    let pdf = s.path("bundle.pdf");
    let opts = ExportOptions {
        split: Split::Volumes { max_bytes },
        ..Default::default()
    };
    let report = export_bundle(&input, &pdf, &opts, &mut |_| {}).unwrap();
    assert!(report.parts.len() >= 2, "{:?}", report.parts);
    assert!(!pdf.exists(), "volumes only, no FILE.pdf");
    let mut seen = Vec::new();
    for (k, p) in report.parts.iter().enumerate() {
        assert!(
            p.pdf.ends_with(&format!("bundle-vol{}.pdf", k + 1)),
            "{}",
            p.pdf
        );
        let size = std::fs::metadata(&p.pdf).unwrap().len();
        assert_eq!(size, p.pdf_size);
        assert!(size <= max_bytes, "{} is {size} > {max_bytes}", p.pdf);
        assert!(!p.over_limit);
        let (code, err) = verify_pdf(&s, Path::new(&p.pdf));
        assert_eq!(code, Some(0), "{}: {err}", p.pdf);
        seen.extend(p.items.clone());
        // Every volume carries the list, which says where each item is.
        let text = text_of(Path::new(&p.pdf));
        assert!(text.contains("List of evidence"), "{}", p.pdf);
        assert!(text.contains(&format!("Volume {} of {}", k + 1, report.parts.len())));
    }
    assert_eq!(
        seen,
        ["1-1", "2-1", "3-1", "3-2", "4-1", "5-1"],
        "each row once, in order"
    );
    // Each image is whole in exactly one volume.
    let images: usize = report
        .parts
        .iter()
        .map(|p| run("pdfimages", &["-list", &p.pdf]).lines().count() - 2)
        .sum();
    assert_eq!(images, 3);
    // Volume 2's 目录 points at volume 1's pages for the first item.
    let text = text_of(Path::new(&report.parts[1].pdf));
    assert!(text.contains("vol. 1 p. "), "{text}");
}

#[test]
fn a_volume_size_smaller_than_one_image_gives_that_image_a_volume_marked_over() {
    let s = Sandbox::new();
    let input = four_files(&s, Lang::Zh);
    let pdf = s.path("b.pdf");
    let opts = ExportOptions {
        split: Split::Volumes { max_bytes: 50_000 },
        ..Default::default()
    };
    let report = export_bundle(&input, &pdf, &opts, &mut |_| {}).unwrap();
    let over: Vec<&[String]> = report
        .parts
        .iter()
        .filter(|p| p.over_limit)
        .map(|p| p.items.as_slice())
        .collect();
    assert!(!over.is_empty());
    assert!(over.iter().all(|items| items.len() == 1), "{over:?}");
}

/// The PDFs in `s`'s folder whose names start with `bundle`, sorted.
fn bundle_pdfs(s: &Sandbox) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("bundle") && n.ends_with(".pdf"))
        .collect();
    names.sort();
    names
}

fn part_names(report: &ExportReport) -> Vec<String> {
    let mut names: Vec<String> = report
        .parts
        .iter()
        .map(|p| {
            Path::new(&p.pdf)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn a_split_export_over_an_earlier_one_leaves_none_of_its_stale_parts_beside_it() {
    let s = Sandbox::new();
    let mut input = four_files(&s, Lang::Zh);
    let pdf = s.path("bundle.pdf");
    let by_item = ExportOptions {
        overwrite: true,
        split: Split::Items,
        ..Default::default()
    };
    let first = export_bundle(&input, &pdf, &by_item, &mut |_| {}).unwrap();
    assert_eq!(first.parts.len(), 7);
    // Someone else's PDFs beside it, one even named like a part: never touched.
    std::fs::write(s.path("bundle-notes.pdf"), b"%PDF-1.4 mine").unwrap();
    std::fs::write(s.path("bundle-9-9.pdf"), b"%PDF-1.4 not a bundle").unwrap();

    // Two items fewer: bundle-4-1.pdf and bundle-5-1.pdf of the first export have no
    // counterpart now and must not stay looking like part of it.
    input.evidence.truncate(2);
    let second = export_bundle(&input, &pdf, &by_item, &mut |_| {}).unwrap();
    assert_eq!(second.parts.len(), 5, "{:?}", part_names(&second));
    let mut expected = part_names(&second);
    expected.extend(["bundle-9-9.pdf".to_string(), "bundle-notes.pdf".to_string()]);
    expected.sort();
    assert_eq!(bundle_pdfs(&s), expected);
    for p in &second.parts {
        let (code, err) = verify_pdf(&s, Path::new(&p.pdf));
        assert_eq!(code, Some(0), "{}: {err}", p.pdf);
    }

    // Volumes over it: no FILE.pdf nor any FILE-<序号>.pdf of the item export is left.
    let volumes = ExportOptions {
        overwrite: true,
        split: Split::Volumes { max_bytes: 50_000 },
        ..Default::default()
    };
    let third = export_bundle(&input, &pdf, &volumes, &mut |_| {}).unwrap();
    assert!(third.parts.len() >= 2);
    let mut expected = part_names(&third);
    expected.extend(["bundle-9-9.pdf".to_string(), "bundle-notes.pdf".to_string()]);
    expected.sort();
    assert_eq!(bundle_pdfs(&s), expected);
    assert!(!pdf.exists(), "the item export's index is gone");

    // Fewer volumes next time: the last ones go too.
    let whole = ExportOptions {
        overwrite: true,
        ..Default::default()
    };
    let fourth = export_bundle(&input, &pdf, &whole, &mut |_| {}).unwrap();
    assert_eq!(
        bundle_pdfs(&s),
        ["bundle-9-9.pdf", "bundle-notes.pdf", "bundle.pdf"]
    );
    let (code, err) = verify_pdf(&s, Path::new(&fourth.pdf));
    assert_eq!(code, Some(0), "{err}");

    // Without overwriting, a part an earlier export left (its index and folder gone) is a
    // conflict like the rest, and nothing is written.
    let fifth = export_bundle(&input, &pdf, &by_item, &mut |_| {}).unwrap();
    let orphan = fifth.parts[2].pdf.clone();
    std::fs::remove_file(&pdf).unwrap();
    std::fs::remove_dir_all(s.path("bundle.files")).unwrap();
    for p in &fifth.parts[1..] {
        if p.pdf != orphan {
            std::fs::remove_file(&p.pdf).unwrap();
        }
    }
    let err = export_bundle(&input, &pdf, &ExportOptions::default(), &mut |_| {}).unwrap_err();
    assert!(matches!(err, CoreError::Conflict { .. }), "{err}");
    assert!(err.to_string().contains(&orphan), "{err}");
    assert!(!pdf.exists() && !s.path("bundle.files").exists());
}

/// Rewrites `pdf` whole (no incremental update) after `edit` changed its pages.
fn rewrite(pdf: &Path, edit: impl FnOnce(&mut lopdf::Document)) {
    let mut doc = lopdf::Document::load(pdf).unwrap();
    edit(&mut doc);
    doc.save(pdf).unwrap();
}

#[test]
fn verify_reports_a_changed_an_added_and_a_removed_page() {
    let b = bundle(Lang::Zh, 3);
    assert_eq!(verify(&b, "en").status.code(), Some(0));
    let original = std::fs::read(&b.pdf).unwrap();

    // Page 2's text drawn again in white: the content changed, every file is still intact.
    rewrite(&b.pdf, |doc| {
        let page = doc.get_pages()[&2];
        let mut content = doc.get_page_content(page);
        content.extend_from_slice(b"\n1 1 1 rg 0 0 600 800 re f\n");
        doc.change_page_content(page, content).unwrap();
    });
    let out = verify(&b, "en");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("page 2 of the PDF: changed"), "{stderr}");
    assert_eq!(stderr.matches(": changed").count(), 1, "{stderr}");

    // The last page removed.
    std::fs::write(&b.pdf, &original).unwrap();
    let pages = b.report.pages;
    rewrite(&b.pdf, |doc| doc.delete_pages(&[pages]));
    let stderr = String::from_utf8_lossy(&verify(&b, "en").stderr).into_owned();
    assert!(
        stderr.contains(&format!("page {pages} of the PDF: missing")),
        "{stderr}"
    );

    // A copy of page 1 added at the end.
    std::fs::write(&b.pdf, &original).unwrap();
    rewrite(&b.pdf, |doc| {
        let first = doc.get_pages()[&1];
        let copy = doc.get_object(first).unwrap().clone();
        let id = doc.add_object(copy);
        let pages_id = doc
            .catalog()
            .unwrap()
            .get(b"Pages")
            .unwrap()
            .as_reference()
            .unwrap();
        let pages = doc.get_dictionary_mut(pages_id).unwrap();
        pages
            .get_mut(b"Kids")
            .unwrap()
            .as_array_mut()
            .unwrap()
            .push(id.into());
        let count = pages.get(b"Count").unwrap().as_i64().unwrap();
        pages.set("Count", count + 1);
    });
    let stderr = String::from_utf8_lossy(&verify(&b, "en").stderr).into_owned();
    assert!(
        stderr.contains(&format!("page {} of the PDF: added", pages + 1)),
        "{stderr}"
    );

    // Rewritten without any change (recompressed): still as exported.
    std::fs::write(&b.pdf, &original).unwrap();
    rewrite(&b.pdf, |doc| doc.compress());
    assert_eq!(verify(&b, "en").status.code(), Some(0));
}

#[test]
fn a_renamed_bundle_is_checked_against_the_folder_its_manifest_names() {
    let b = bundle(Lang::Zh, 3);
    let renamed = b.sandbox.path("改名.pdf");
    std::fs::rename(&b.pdf, &renamed).unwrap();
    let (code, err) = verify_pdf(&b.sandbox, &renamed);
    assert_eq!(code, Some(0), "{err}");
    // Moved away from its folder: every file missing, in the folder the manifest names.
    std::fs::create_dir(b.sandbox.path("away")).unwrap();
    let away = b.sandbox.path("away").join("改名.pdf");
    std::fs::rename(&renamed, &away).unwrap();
    let out = b
        .sandbox
        .cmd(&["--json", "verify", away.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["files_dir"].as_str().unwrap(),
        b.sandbox
            .path("away")
            .join("bundle.files")
            .to_str()
            .unwrap()
    );
}
