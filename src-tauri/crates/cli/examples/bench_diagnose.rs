//! Benchmark: diagnoses 100,000 generated cases and prints cases per second, then times the CLI
//! cold start (50 runs of `tixian kb list --json`) and a `tixian diagnose --batch` run.
//!
//! Run: `cargo build --release -p tixian && cargo run --release -p tixian --example bench_diagnose`

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;
use tixian_core::diagnose::{diagnose, parse_case};
use tixian_core::kb::Kb;
use tixian_core::{time, Lang};

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

fn main() {
    let jsonl = generate();
    let kb_start = Instant::now();
    let kb = Kb::load(&tixian_core::rules::embedded()).expect("embedded knowledge base loads");
    println!(
        "knowledge base load + precompile: {:.1} ms",
        kb_start.elapsed().as_secs_f64() * 1e3
    );
    let now = time::now();

    // Warm up, then measure parse + diagnose, and parse + diagnose + JSON out.
    for line in jsonl.lines().take(1000) {
        let _ = diagnose(&kb, &parse_case(line).unwrap(), Lang::Zh, &now);
    }
    let start = Instant::now();
    let mut causes = 0usize;
    for line in jsonl.lines() {
        let case = parse_case(line).expect("generated case is valid");
        causes += diagnose(&kb, &case, Lang::Zh, &now).causes.len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "parse + diagnose: {CASES} cases in {:.3} s = {:.0} cases/s ({causes} causes)",
        secs,
        CASES as f64 / secs
    );

    let parsed: Vec<_> = jsonl.lines().map(|l| parse_case(l).unwrap()).collect();
    let start = Instant::now();
    let mut n = 0usize;
    for case in &parsed {
        n += diagnose(&kb, case, Lang::Zh, &now).causes.len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "diagnose only (cases parsed beforehand): {:.0} cases/s ({n} causes)",
        CASES as f64 / secs
    );
    let start = Instant::now();
    for case in &parsed {
        n += case
            .message
            .as_deref()
            .map(|m| kb.match_message(m).len())
            .unwrap_or(0);
    }
    println!(
        "message matching only: {:.0} messages/s",
        CASES as f64 / start.elapsed().as_secs_f64()
    );
    let start = Instant::now();
    for line in jsonl.lines() {
        n += parse_case(line).map(|c| c.platform as usize).unwrap_or(0);
    }
    std::hint::black_box(n);
    println!(
        "parse only: {:.0} cases/s",
        CASES as f64 / start.elapsed().as_secs_f64()
    );

    let start = Instant::now();
    let mut bytes = 0usize;
    for line in jsonl.lines() {
        let d = diagnose(&kb, &parse_case(line).unwrap(), Lang::Zh, &now);
        bytes += serde_json::to_vec(&d).unwrap().len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "parse + diagnose + JSON: {CASES} cases in {:.3} s = {:.0} cases/s ({} MB out)",
        secs,
        CASES as f64 / secs,
        bytes / 1_000_000
    );

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
    let start = Instant::now();
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
        "CLI cold start, `tixian kb list --json` × {runs}: mean {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3 / runs as f64
    );

    let start = Instant::now();
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
    println!(
        "CLI `tixian diagnose --batch` on {CASES} cases: {:.3} s = {:.0} cases/s",
        secs,
        CASES as f64 / secs
    );
}
