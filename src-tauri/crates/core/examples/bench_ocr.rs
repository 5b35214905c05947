//! Benchmark: OCR of the synthetic screenshot set (`tests/fixtures/ocr/`). Prints figures;
//! asserts nothing.
//!
//! ```sh
//! cargo run --release -p tixian-core --example bench_ocr -- [ROUNDS]
//! ```
//! Prints the model load time (target < 0.2 s), the time per screenshot after the first
//! (target ≤ 1.0 s for a 1080×2400 phone screenshot) as wall and CPU time, and the peak
//! resident memory of the process (target < 400 MB). ROUNDS (default 2) reads the set again.

use std::path::PathBuf;
use std::time::Instant;
use tixian_core::ocr;

#[path = "support/measure.rs"]
mod measure;

fn main() -> tixian_core::Result<()> {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/ocr");
    let mut images: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "png" || e == "jpg" || e == "webp")
        })
        .collect();
    images.sort();
    let rss_before = measure::peak_kb().unwrap_or(0);
    let cpu = measure::cpu_seconds();
    let load = ocr::preload()?;
    println!(
        "model load: {:.3} s wall, {:.3} s CPU (rss before {} MB)",
        load.as_secs_f64(),
        measure::cpu_seconds() - cpu,
        rss_before / 1024
    );
    let mut phone = Vec::new();
    let mut all = Vec::new();
    for round in 0..rounds {
        for (i, path) in images.iter().enumerate() {
            let bytes = std::fs::read(path)?;
            let (t, c) = (Instant::now(), measure::cpu_seconds());
            let result = ocr::read_bytes(&bytes, &path.display().to_string())?;
            let (secs, cpu) = (t.elapsed().as_secs_f64(), measure::cpu_seconds() - c);
            let first = round == 0 && i == 0;
            println!(
                "{:<28} {:>4}×{:<4} {:>2} lines  {:.3} s wall  {:.3} s CPU{}",
                path.file_name().unwrap().to_string_lossy(),
                result.width,
                result.height,
                result.lines.len(),
                secs,
                cpu,
                if first { "  (first, not counted)" } else { "" }
            );
            if !first {
                all.push(secs);
                if (result.width, result.height) == (1080, 2400) {
                    phone.push(secs);
                }
            }
        }
    }
    let stats = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
        (
            mean,
            v.get(v.len() / 2).copied().unwrap_or(0.0),
            v.last().copied().unwrap_or(0.0),
        )
    };
    let (mean, median, worst) = stats(&mut phone);
    println!("1080×2400 screenshots ({}): mean {mean:.3} s, median {median:.3} s, worst {worst:.3} s (target ≤ 1.0 s)", phone.len());
    let (mean, median, worst) = stats(&mut all);
    println!(
        "all screenshots ({}): mean {mean:.3} s, median {median:.3} s, worst {worst:.3} s",
        all.len()
    );
    println!(
        "peak memory: {} MB (target < 400 MB); CPU threads: rten's pool (RTEN_NUM_THREADS)",
        measure::peak_kb().unwrap_or(0) / 1024
    );
    Ok(())
}
