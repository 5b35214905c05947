//! Dev-only: builds an evidence bundle from generated data so you can look at it.
//!
//! `cargo run -p tixian --example bundle_demo -- [OUT_DIR] [zh|en] [--smaller] [--items | --volumes=BYTES]`
//! writes OUT_DIR/bundle-LANG.pdf and OUT_DIR/bundle-LANG.files/ (default OUT_DIR: target/bundle-demo).

#[path = "support/gen.rs"]
mod gen;

use image::DynamicImage;
use std::path::PathBuf;
use tixian_core::export::{export_bundle, ExportOptions};
use tixian_core::Lang;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let smaller = args.iter().any(|a| a == "--smaller");
    let split = if args.iter().any(|a| a == "--items") {
        tixian_core::export::Split::Items
    } else if let Some(v) = args.iter().find_map(|a| a.strip_prefix("--volumes=")) {
        tixian_core::export::Split::Volumes {
            max_bytes: v.parse().expect("--volumes=BYTES"),
        }
    } else {
        tixian_core::export::Split::None
    };
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let out_dir = positional
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/bundle-demo"));
    let lang = positional
        .get(1)
        .and_then(|l| Lang::parse(l))
        .unwrap_or(Lang::Zh);
    let src = out_dir.join("sources");
    std::fs::create_dir_all(&src).expect("create output folder");

    let shot = gen::screenshot(1, 1080, 2400);
    let a = src.join("Screenshot_20260615-234012.png");
    gen::save_png(&DynamicImage::ImageRgb8(shot.clone()), &a);
    let b = src.join("Screenshot_20260617_alpha.png");
    gen::save_png(
        &DynamicImage::ImageRgba8(gen::with_alpha(&gen::screenshot(2, 1080, 2400))),
        &b,
    );
    let c = src.join("IMG_0042.jpg");
    gen::save_jpeg(&gen::screenshot(3, 1600, 1200), &c, 88);
    let d = src.join("客服通话记录.txt");
    std::fs::write(&d, "2026-06-17 10:30 95017 通话 6 分 12 秒\n").expect("write txt");

    let evidence = vec![
        gen::evidence(a, "提现失败截图", Some("2026-06-15T23:40:12+08:00")),
        gen::evidence(
            b,
            "处理中状态（安卓截图，带透明通道）",
            Some("2026-06-17T09:00:00+08:00"),
        ),
        gen::evidence(c, "银行卡流水照片", None),
        gen::evidence(d, "", None),
    ];
    let input = gen::case(lang, 40, evidence);
    let pdf = out_dir.join(format!("bundle-{}.pdf", lang.as_str()));
    let opts = ExportOptions {
        overwrite: true,
        smaller_file: smaller,
        split,
    };
    let started = std::time::Instant::now();
    let report = export_bundle(&input, &pdf, &opts, &mut |p| {
        eprint!("\r{:?} {}/{}   ", p.stage, p.done, p.total)
    })
    .unwrap_or_else(|e| panic!("export failed: {e}"));
    eprintln!();
    println!("{}", serde_json::to_string_pretty(&report).expect("json"));
    println!("took {:.0} ms", started.elapsed().as_secs_f64() * 1000.0);
}
