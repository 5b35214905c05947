//! Scale dataset generator (issue 21, part 1). Writes a database of years of heavy use, with a
//! fixed seed so every run makes the same rows, and prints how long it took.
//!
//! ```sh
//! cargo run --release -p tixian-core --example gen_scale -- OUT.db [TRANSACTIONS] [WITHDRAWALS] [PLATFORMS]
//! ```
//! Defaults: 1,000,000 bill transactions over 200 platforms and 5 years, 50,000 withdrawals
//! (90 % arrived after 0.5–48 h, 5 % failed, 5 % still requested; every 50th a test withdrawal),
//! 20 balance snapshots per platform. Everything is written with prepared statements in one
//! transaction. Not yet generated here: cases, timelines, contact logs, evidence files and
//! payout-rule texts (see the issue).

use std::time::Instant;
use tixian_core::ledger::{self, NewPlatform, PlatformKind};
use tixian_core::time::{parse_time, to_rfc3339};
use tixian_core::{Money, Store};

fn arg(i: usize, default: i64) -> i64 {
    std::env::args()
        .nth(i)
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(default)
}

const COUNTERPARTIES: [&str; 12] = [
    "美团",
    "京东商城",
    "淘宝",
    "滴滴出行",
    "星巴克",
    "饿了么",
    "拼多多",
    "中国移动",
    "12306",
    "盒马鲜生",
    "瑞幸咖啡",
    "Apple",
];
const GOODS: [&str; 8] = [
    "外卖订单",
    "商品",
    "快车",
    "咖啡",
    "话费充值",
    "火车票",
    "生鲜",
    "/",
];
const TYPES: [&str; 5] = ["商户消费", "扫二维码付款", "转账", "红包", "零钱提现"];

fn main() -> tixian_core::Result<()> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "scale.db".to_string());
    let (n_txn, n_wd, n_platforms) = (arg(2, 1_000_000), arg(3, 50_000), arg(4, 200));
    let path = std::path::PathBuf::from(&out);
    if path.exists() {
        eprintln!("{out} exists; pick a new file");
        std::process::exit(2);
    }
    let mut store = Store::open(&path)?;
    let at = parse_time("2026-07-01T09:00:00+08:00", tixian_core::Field::At)?;
    let start = at - chrono::Duration::days(5 * 365);
    let t0 = Instant::now();
    store.transaction(|tx| {
        for p in 0..n_platforms {
            let name = format!("平台{p:03}");
            let kind = match p {
                0 => PlatformKind::Wechat,
                1 => PlatformKind::Alipay,
                _ => PlatformKind::Other,
            };
            ledger::add_platform(tx, &NewPlatform { name: name.clone(), kind, note: String::new() }, &start)?;
            for s in 0..20 {
                let when = start + chrono::Duration::days(s * 90);
                ledger::add_balance(tx, &name, Money(100_000 + p * 1_000 + s), &when, &start)?;
            }
            tx.execute(
                "INSERT INTO imports(id, sha256, file_name, format, platform_id, rows, imported, duplicates, imported_at, header_json)
                 VALUES (?1, 'scale', 'scale.csv', 'wechat-csv', ?1, 0, 0, 0, ?2, '[]')",
                rusqlite::params![p + 1, to_rfc3339(&start)],
            )?;
        }
        // xorshift64, fixed seed: the same database every run.
        let mut rng: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let span = (at - start).num_seconds();
        let mut ins = tx.prepare(
            "INSERT INTO transactions(platform_id, import_id, line, txn_id, occurred_at, occurred_utc, direction,
                                      direction_text, amount_fen, txn_type, counterparty, goods, status,
                                      original_json, identity)
             VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, '支付成功', '{}', ?12)",
        )?;
        for i in 0..n_txn {
            let p = i % n_platforms + 1;
            let t = start + chrono::Duration::seconds(span * i / n_txn.max(1));
            let r = next();
            let income = r % 10 == 0;
            let (direction, text) = if income { ("income", "收入") } else { ("expense", "支出") };
            let txn_id = format!("42000{:023}", i);
            ins.execute(rusqlite::params![
                p,
                i + 2,
                txn_id,
                to_rfc3339(&t),
                ledger::utc_key(&t),
                direction,
                text,
                ((r >> 8) % 100_000) as i64 + 1,
                TYPES[((r >> 24) % TYPES.len() as u64) as usize],
                COUNTERPARTIES[((r >> 32) % COUNTERPARTIES.len() as u64) as usize],
                GOODS[((r >> 40) % GOODS.len() as u64) as usize],
                tixian_core::import::identity(&format!("scale{i}")).to_vec()
            ])?;
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
            ins.execute(rusqlite::params![p, 10_000 + (next() % 90_000) as i64, status, (i % 50 == 0) as i64, to_rfc3339(&t), ledger::utc_key(&t), arrived])?;
        }
        Ok(())
    })?;
    store.conn().execute_batch("ANALYZE")?;
    store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    println!(
        "generated {n_txn} transactions, {n_wd} withdrawals, {n_platforms} platforms into {out} in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}
