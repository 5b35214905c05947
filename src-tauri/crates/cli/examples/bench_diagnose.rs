//! Benchmark: diagnoses 100,000 generated cases (held in memory as JSONL) in this one process
//! and prints wall and CPU time (getrusage) and cases per second for: parse + diagnose (the
//! issue's target, ≥ 200,000 cases/s), parse + diagnose + JSON serialisation, and parse,
//! diagnose and message matching alone; then the CLI cold start (50 runs of `tixian kb list
//! --json`) and a whole `tixian diagnose --batch` run, each as a new process.
//!
//! Run: `cargo build --release -p tixian && cargo run --release -p tixian --example bench_diagnose`

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;
use tixian_core::diagnose::{diagnose, parse_case};
use tixian_core::kb::Kb;
use tixian_core::Lang;

const CASES: usize = 100_000;

/// Varied cases: every platform, action and status, real messages, amounts, times and facts.
fn generate() -> String {
    let platforms = [
        "wechat",
        "alipay",
        "unionpay",
        "bank",
        "ecommerce",
        "content",
        "investment",
        "lending",
        "crossborder",
        "other",
    ];
    let statuses = [
        "greyed_out",
        "failed",
        "processing",
        "under_review",
        "not_arrived",
        "limited",
    ];
    let messages = [
        "当日提现金额已超过限额",
        "单笔限额5000元",
        "账户存在风险",
        "请完成身份验证",
        "银行卡状态异常",
        "已被有权机关冻结",
        "系统繁忙，请稍后再试",
        "提现审核中",
        "身份证已过期",
        "非本人银行卡",
        "余额不足",
        "网络异常",
        "出了点问题",
    ];
    let mut out = String::with_capacity(CASES * 300);
    for i in 0..CASES {
        let p = platforms[i % platforms.len()];
        let s = statuses[(i / 7) % statuses.len()];
        let m = messages[(i / 3) % messages.len()];
        let amount = 100 + (i * 37) % 90_000;
        let hour = i % 24;
        let line = if i % 50 == 0 {
            r#"{"platform":"alipay","action":"crossplatform","from":"huabei","to":"wechat"}"#
                .to_string()
        } else {
            format!(
                r#"{{"platform":"{p}","action":"withdraw","amount":"{amount}.00","at":"2026-03-05T{hour:02}:40:00+08:00","status":"{s}","message":"{m}","hours_since_request":{h},"account":{{"real_name_verified":{rn},"payment_account_class":"II","withdrawn_lifetime":"{wl}.00","balance":"{b}.00","card_class":"I"}},"context":{{"device_age_hours":{d},"login_distance_km":{km},"attempts_last_10_min":{a},"usual_amount":"300.00","network_ok":{net}}}}}"#,
                h = i % 200,
                rn = i % 11 != 0,
                wl = (i * 13) % 3000,
                b = amount + (i % 9),
                d = (i * 7) % 500,
                km = (i * 29) % 2000,
                a = i % 6,
                net = i % 13 != 0,
            )
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[path = "../../core/examples/support/measure.rs"]
mod measure;
use measure::{child_cpu_seconds as children_cpu_seconds, cpu_seconds};

/// Runs `work` (one pass over all cases) three times and prints the best wall and CPU time and
/// the rates; returns its checksum.
fn measure(label: &str, mut work: impl FnMut() -> usize) -> usize {
    let (mut wall, mut cpu, mut n) = (f64::MAX, f64::MAX, 0);
    for _ in 0..3 {
        let (start, cpu0) = (Instant::now(), cpu_seconds());
        n = std::hint::black_box(work());
        wall = wall.min(start.elapsed().as_secs_f64());
        cpu = cpu.min(cpu_seconds() - cpu0);
    }
    let rate = |s: f64| if s > 0.0 { CASES as f64 / s } else { f64::NAN };
    println!(
        "{label:<44} {wall:>6.3} s wall {cpu:>6.3} s CPU  {:>9.0} cases/s wall {:>9.0} cases/s CPU",
        rate(wall),
        rate(cpu)
    );
    n
}

fn main() {
    let jsonl = generate();
    let kb_start = Instant::now();
    let kb = Kb::load(&tixian_core::rules::embedded()).expect("embedded knowledge base loads");
    println!(
        "knowledge base load + precompile: {:.1} ms",
        kb_start.elapsed().as_secs_f64() * 1e3
    );
    let now = tixian_core::workspace::Clock::from_env()
        .expect("TIXIAN_NOW is a time")
        .now();
    println!(
        "{CASES} generated cases, {:.1} MB of JSONL held in memory (no file I/O is timed); Lang::Zh",
        jsonl.len() as f64 / 1_048_576.0
    );
    println!("each line: one pass over all {CASES} cases in this one process, best of 3 passes:");

    // Warm up (caches, the allocator), then measure.
    for line in jsonl.lines().take(1000) {
        let _ = diagnose(&kb, &parse_case(line).unwrap(), Lang::Zh, &now);
    }
    let causes = measure("parse + diagnose (target ≥ 200,000 cases/s)", || {
        let mut causes = 0usize;
        for line in jsonl.lines() {
            let case = parse_case(line).expect("generated case is valid");
            causes += diagnose(&kb, &case, Lang::Zh, &now).causes.len();
        }
        causes
    });
    println!("  ({causes} causes found)");
    let bytes = measure("parse + diagnose + JSON (as `--batch` writes)", || {
        let mut buf = Vec::with_capacity(1 << 16);
        let mut bytes = 0usize;
        for line in jsonl.lines() {
            let d = diagnose(&kb, &parse_case(line).unwrap(), Lang::Zh, &now);
            buf.clear();
            serde_json::to_writer(&mut buf, &d).unwrap();
            buf.push(b'\n');
            bytes += buf.len();
        }
        bytes
    });
    println!("  ({:.1} MB of JSON per pass)", bytes as f64 / 1_048_576.0);
    measure("parse only", || {
        jsonl
            .lines()
            .map(|l| parse_case(l).map(|c| c.platform as usize).unwrap_or(0))
            .sum()
    });
    let parsed: Vec<_> = jsonl.lines().map(|l| parse_case(l).unwrap()).collect();
    measure("diagnose only (cases parsed beforehand)", || {
        parsed
            .iter()
            .map(|case| diagnose(&kb, case, Lang::Zh, &now).causes.len())
            .sum()
    });
    measure("message matching only", || {
        parsed
            .iter()
            .map(|case| {
                case.message
                    .as_deref()
                    .map(|m| kb.match_message(m).len())
                    .unwrap_or(0)
            })
            .sum()
    });

    let Some(bin) = std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.join("tixian")))
        .filter(|p| p.exists())
    else {
        println!("tixian binary not found next to the example; build it with `cargo build --release -p tixian`");
        return;
    };
    let empty = std::env::temp_dir().join("tixian-bench-no-user-rules");
    let _ = std::fs::create_dir_all(&empty);
    let runs = 50;
    let (start, child_cpu) = (Instant::now(), children_cpu_seconds());
    for _ in 0..runs {
        let status = Command::new(&bin)
            .args(["kb", "list", "--json", "--rules"])
            .arg(&empty)
            .stdout(Stdio::null())
            .status()
            .expect("runs");
        assert!(status.success());
    }
    println!(
        "CLI cold start, `tixian kb list --json` × {runs}: mean {:.1} ms wall, {:.1} ms CPU",
        start.elapsed().as_secs_f64() * 1e3 / runs as f64,
        (children_cpu_seconds() - child_cpu) * 1e3 / runs as f64
    );

    let (start, child_cpu) = (Instant::now(), children_cpu_seconds());
    let mut child = Command::new(&bin)
        .args(["diagnose", "--batch", "--rules"])
        .arg(&empty)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(jsonl.as_bytes())
        .expect("writes");
    assert!(child.wait().expect("waits").success());
    let secs = start.elapsed().as_secs_f64();
    let cpu = children_cpu_seconds() - child_cpu;
    println!(
        "CLI `tixian diagnose --batch` on {CASES} cases (new process: start, read stdin, parse, diagnose, write JSONL): {secs:.3} s wall, {cpu:.3} s CPU = {:.0} cases/s wall",
        CASES as f64 / secs
    );
}
