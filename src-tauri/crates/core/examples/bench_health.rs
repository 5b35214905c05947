//! Benchmark: `health` over a large ledger. Prints figures; asserts nothing.
//!
//! ```sh
//! cargo run --release -p tixian-core --example bench_health -- [TRANSACTIONS] [WITHDRAWALS] [PLATFORMS]
//! ```
//! Defaults: 1,000,000 bill transactions, 1,000,000 withdrawals, 50 platforms (target: < 100 ms).
//! Withdrawals span five years before the evaluation time: 90 % arrived (0.5–48 h), 5 % failed,
//! 5 % still requested; every 50th is a test withdrawal.

use std::time::Instant;
use tixian_core::health;
use tixian_core::ledger::{self, NewPlatform, PlatformKind};
use tixian_core::time::{parse_time, to_rfc3339};
use tixian_core::{Money, Store};

#[path = "support/measure.rs"]
mod measure;

fn arg(i: usize, default: i64) -> i64 {
    std::env::args()
        .nth(i)
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn main() -> tixian_core::Result<()> {
    let (n_txn, n_wd, n_platforms) = (arg(1, 1_000_000), arg(2, 1_000_000), arg(3, 50));
    let dir = std::env::temp_dir().join(format!("tixian-bench-health-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut store = Store::open(&dir.join("bench.db"))?;
    let at = parse_time("2026-07-01T09:00:00+08:00", tixian_core::Field::At)?;
    let start = at - chrono::Duration::days(5 * 365);
    let t0 = Instant::now();
    store.transaction(|tx| {
        for p in 0..n_platforms {
            let name = format!("平台{p:02}");
            ledger::add_platform(tx, &NewPlatform { name: name.clone(), kind: PlatformKind::Other, note: String::new() }, &start)?;
            for s in 0..20 {
                let when = start + chrono::Duration::days(s * 90);
                ledger::add_balance(tx, &name, Money(100_000 + p * 1_000 + s), &when, &start)?;
            }
            tx.execute(
                "INSERT INTO imports(id, sha256, file_name, format, platform_id, rows, imported, duplicates, imported_at)
                 VALUES (?1, 'x', 'bench.csv', 'wechat-csv', ?1, 0, 0, 0, ?2)",
                rusqlite::params![p + 1, to_rfc3339(&start)],
            )?;
        }
        let mut rng: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let span = (at - start).num_seconds();
        let mut ins = tx.prepare(
            "INSERT INTO transactions(platform_id, import_id, line, occurred_at, occurred_utc, direction, amount_fen, original_json, identity)
             VALUES (?1, ?1, ?2, ?3, ?4, 'expense', ?5, '{}', ?6)",
        )?;
        for i in 0..n_txn {
            let p = i % n_platforms + 1;
            let t = start + chrono::Duration::seconds(span * i / n_txn.max(1));
            ins.execute(rusqlite::params![p, i, to_rfc3339(&t), ledger::utc_key(&t), (next() % 100_000) as i64, tixian_core::import::identity(&format!("k{i}")).to_vec()])?;
        }
        let mut ins = tx.prepare(
            "INSERT INTO withdrawals(platform_id, amount_fen, status, is_test, requested_at, requested_utc, arrived_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?5)",
        )?;
        for i in 0..n_wd {
            let p = i % n_platforms + 1;
            let t = start + chrono::Duration::seconds(span * i / n_wd.max(1));
            let roll = next() % 100;
            let (status, arrived) = match roll {
                0..=89 => ("arrived", Some(to_rfc3339(&(t + chrono::Duration::seconds(1800 + (next() % (48 * 3600)) as i64))))),
                90..=94 => ("failed", None),
                _ => ("requested", None),
            };
            ins.execute(rusqlite::params![p, 10_000, status, (i % 50 == 0) as i64, to_rfc3339(&t), ledger::utc_key(&t), arrived])?;
        }
        Ok(())
    })?;
    store.conn().execute_batch("ANALYZE")?;
    // Steady state: the app's data sits in the main file, not in a fresh multi-GB WAL.
    store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    println!(
        "generated {n_txn} transactions, {n_wd} withdrawals, {n_platforms} platforms in {:.1} s",
        t0.elapsed().as_secs_f64()
    );

    let cold = Instant::now();
    let report = health::health(store.conn(), &at)?;
    let cold_ms = cold.elapsed().as_secs_f64() * 1000.0;
    let mut runs = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let r = health::health(store.conn(), &at)?;
        runs.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.platforms.len(), report.platforms.len());
    }
    runs.sort_by(|a, b| a.total_cmp(b));
    let arrivals: i64 = report.platforms.iter().map(|p| p.arrival_hours.count).sum();
    let peak = measure::peak_kb().map_or_else(|| "n/a".into(), |kb| format!("{kb} kB"));
    println!("peak memory (VmHWM, generation included): {peak}");
    println!(
        "health: first {cold_ms:.1} ms, best {:.1} ms, median of 7 {:.1} ms, worst {:.1} ms (target < 100 ms); {arrivals} arrivals, {} due items, readiness {}",
        runs[0],
        runs[3],
        runs[6],
        report.due.len(),
        report.readiness.score
    );
    drop(store);
    if std::env::var_os("KEEP").is_some() {
        println!("kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
