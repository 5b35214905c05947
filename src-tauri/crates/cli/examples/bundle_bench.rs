//! Benchmark of the evidence-bundle export: 50 screenshots of 1080×2400 PNG plus 100 timeline
//! entries, as one combined bundle and then as one PDF per item. Prints export times (wall and
//! CPU, best of 3), PDF sizes and peak memory (VmHWM), and the same for `img2pdf` on the same
//! images when it is installed (the lossless reference, also best of 3). Issue 19's target: combined plus per-item ≤ 0.3× img2pdf's time,
//! combined size ≤ 1.02× img2pdf's.
//!
//! `cargo run --release -p tixian --example bundle_bench -- [DIR]` (default target/bundle-bench).
//! Targets (issue 10): faster than img2pdf, within 1.05× its size, under 1 s, under 300 MB.

#[path = "support/gen.rs"]
mod gen;

use image::DynamicImage;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use tixian_core::export::{export_bundle, ExportOptions, Split};
use tixian_core::Lang;

const SHOTS: usize = 50;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/bundle-bench"));
    let shots = dir.join("shots");
    let paths: Vec<PathBuf> = (1..=SHOTS)
        .map(|i| shots.join(format!("Screenshot_{i:02}.png")))
        .collect();
    if !paths.iter().all(|p| p.exists()) {
        std::fs::create_dir_all(&shots).expect("create folder");
        let t = Instant::now();
        for (i, p) in paths.iter().enumerate() {
            gen::save_png(
                &DynamicImage::ImageRgb8(gen::screenshot(i as u64 + 100, 1080, 2400)),
                p,
            );
        }
        eprintln!(
            "generated {SHOTS} screenshots in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        // Measure in a fresh process so generating the images does not count towards peak memory.
        let status = Command::new(std::env::current_exe().expect("own path"))
            .arg(&dir)
            .status()
            .expect("rerun");
        std::process::exit(status.code().unwrap_or(1));
    }
    let input_bytes: u64 = paths
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("create folder");

    let evidence = paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            gen::evidence(
                p.clone(),
                &format!("提现失败截图 {}", i + 1),
                Some("2026-06-15T23:40:00+08:00"),
            )
        })
        .collect();
    let input = gen::case(Lang::Zh, 100, evidence);
    let pdf = out.join("bench.pdf");
    let opts = ExportOptions {
        overwrite: true,
        smaller_file: false,
        split: Split::None,
    };
    let by_item = ExportOptions {
        split: Split::Items,
        ..opts
    };
    let items_pdf = out.join("items").join("bench.pdf");
    std::fs::create_dir_all(items_pdf.parent().expect("has a folder")).expect("create folder");
    let mut times = Vec::new();
    let mut cpu = Vec::new();
    let mut report = None;
    for _ in 0..3 {
        let (t, c) = (Instant::now(), measure::cpu_seconds());
        report = Some(
            export_bundle(&input, &pdf, &opts, &mut |_| {})
                .unwrap_or_else(|e| panic!("export: {e}")),
        );
        times.push(t.elapsed().as_secs_f64());
        cpu.push(measure::cpu_seconds() - c);
    }
    let report = report.expect("ran");
    let best = times.iter().copied().fold(f64::MAX, f64::min);
    let mut item_times = Vec::new();
    let mut item_cpu = Vec::new();
    let mut items = None;
    for _ in 0..3 {
        let (t, c) = (Instant::now(), measure::cpu_seconds());
        items = Some(
            export_bundle(&input, &items_pdf, &by_item, &mut |_| {})
                .unwrap_or_else(|e| panic!("export by item: {e}")),
        );
        item_times.push(t.elapsed().as_secs_f64());
        item_cpu.push(measure::cpu_seconds() - c);
    }
    let items = items.expect("ran");
    let best_items = item_times.iter().copied().fold(f64::MAX, f64::min);
    let least = |v: &[f64]| v.iter().copied().fold(f64::MAX, f64::min);
    println!(
        "input:   {SHOTS} PNG screenshots 1080x2400, {:.1} MB; 100 timeline entries",
        mb(input_bytes)
    );
    println!(
        "tixian:  first run {:.3} s (includes loading the font), best of 3 {:.3} s (CPU {:.3} s); {} pages; PDF {:.2} MB; peak memory {} MB",
        times[0],
        best,
        least(&cpu),
        report.pages,
        mb(report.pdf_size),
        vm_hwm_mb().map_or("?".into(), |m| m.to_string())
    );
    println!(
        "by item: best of 3 {best_items:.3} s (CPU {:.3} s); {} PDFs, {} pages, {:.2} MB together",
        least(&item_cpu),
        items.parts.len(),
        items.pages,
        mb(items.pdf_size)
    );
    match img2pdf(&paths, &out.join("img2pdf.pdf")) {
        Some((secs, cpu_secs, size)) => {
            println!(
                "img2pdf: best of 3 {secs:.3} s (CPU {cpu_secs:.3} s); PDF {:.2} MB",
                mb(size)
            );
            println!(
                "ratio:   combined {:.2}x of img2pdf's time (first run {:.2}x), combined + by item {:.2}x (target <= 0.3); size {:.3}x of img2pdf (target <= 1.02)",
                best / secs,
                times[0] / secs,
                (best + best_items) / secs,
                report.pdf_size as f64 / size as f64
            );
            println!(
                "CPU:     combined {:.2}x of img2pdf's, combined + by item {:.2}x",
                least(&cpu) / cpu_secs,
                (least(&cpu) + least(&item_cpu)) / cpu_secs
            );
        }
        None => println!("img2pdf: not installed (pip install img2pdf) — no comparison"),
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

#[path = "../../core/examples/support/measure.rs"]
mod measure;

/// Peak resident memory of this process (Linux), in MB.
fn vm_hwm_mb() -> Option<u64> {
    measure::peak_kb().map(|kb| kb / 1024)
}

/// Runs `img2pdf` on the same images three times; the best (seconds, CPU seconds) and the PDF
/// size.
fn img2pdf(paths: &[PathBuf], out: &Path) -> Option<(f64, f64, u64)> {
    let mut best: Option<(f64, f64, u64)> = None;
    for _ in 0..3 {
        let run = img2pdf_once(paths, out)?;
        best = Some(match best {
            Some(b) => (b.0.min(run.0), b.1.min(run.1), run.2),
            None => run,
        });
    }
    best
}

fn img2pdf_once(paths: &[PathBuf], out: &Path) -> Option<(f64, f64, u64)> {
    let (t, c) = (Instant::now(), measure::child_cpu_seconds());
    let status = Command::new("img2pdf")
        .args(paths)
        .arg("-o")
        .arg(out)
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    Some((
        t.elapsed().as_secs_f64(),
        measure::child_cpu_seconds() - c,
        std::fs::metadata(out).ok()?.len(),
    ))
}
