//! Scale dataset generator (issue 21, part 1). Writes a database of years of heavy use, with a
//! fixed seed so every run makes the same rows, and prints how long it took.
//!
//! ```sh
//! cargo run --release -p tixian-core --example gen_scale -- OUT.db [TRANSACTIONS] [WITHDRAWALS] [PLATFORMS] [CASES] [EVIDENCE]
//! ```
//! Defaults: 1,000,000 bill transactions over 200 platforms and 5 years (counterparties drawn
//! from 2,000 names, goods from 5,000, so searches meet realistic variety), 50,000 withdrawals
//! (90 % arrived after 0.5–48 h, 5 % failed, 5 % still requested; every 50th a test withdrawal),
//! 20 balance snapshots per platform, 3 saved payout-rule texts per platform, 500 cases (one
//! platform each, 12 timeline entries and 6 customer-service contacts, a third with a promise
//! still open) and 5,000 evidence files — small real PNGs, each different, stored in the vault
//! beside the database through the core's own `cases::evidence::store`, with their text marked
//! read so the app does not OCR them. Bill rows are written with prepared statements (as the
//! import's bulk path does); everything in one transaction.

use std::time::Instant;
use tixian_core::cases::{
    self, evidence, evidence_text, ContactChannel, NewCase, NewContact, NewEvent, Tier,
};
use tixian_core::health::rule_text::save_rule_snapshot;
use tixian_core::ledger::{self, NewPlatform, PlatformKind};
use tixian_core::time::{parse_time, to_rfc3339};
use tixian_core::{Money, Store};

fn arg(i: usize, default: i64) -> i64 {
    std::env::args()
        .nth(i)
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// The base names; each is numbered into many shops ("美团 #17"), see `counterparty`.
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
    let (n_cases, n_evidence) = (arg(5, 500), arg(6, 5_000));
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
                format!(
                    "{}{}",
                    COUNTERPARTIES[((r >> 32) % COUNTERPARTIES.len() as u64) as usize],
                    (r >> 36) % 167
                ),
                format!("{}{}", GOODS[((r >> 44) % GOODS.len() as u64) as usize], (r >> 48) % 625),
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
        cases_and_evidence(tx, &path, n_cases, n_evidence, n_platforms, &start, &at)?;
        Ok(())
    })?;
    // No ANALYZE: the app never runs it, so a user's database has no sqlite_stat tables; with
    // them (stat4) SQLite re-plans each statement for its bound values, and the health report
    // ran 3–4× slower here than it does for any user.
    store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    println!(
        "generated {n_txn} transactions, {n_wd} withdrawals, {n_platforms} platforms, {n_cases} cases, {n_evidence} evidence files into {out} in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Rule texts, cases with their logs, and evidence files spread over the cases.
fn cases_and_evidence(
    tx: &rusqlite::Transaction,
    db: &std::path::Path,
    n_cases: i64,
    n_evidence: i64,
    n_platforms: i64,
    start: &tixian_core::time::Timestamp,
    at: &tixian_core::time::Timestamp,
) -> tixian_core::Result<()> {
    let day = chrono::Duration::days;
    for p in 0..n_platforms {
        for v in 0..3 {
            let text = format!(
                "提现规则（第 {v} 版）\n单笔最低提现 {} 元，每日最多 {} 次。\n到账时间：一般 {} 小时内。",
                10 + v * 5,
                3 + v,
                24 + v * 24
            );
            save_rule_snapshot(tx, &format!("平台{p:03}"), &text, &(*start + day(v * 300)))?;
        }
    }
    let vault = tixian_core::store::vault_dir(db);
    let calendar = tixian_core::calendar::Calendar::embedded();
    let mut case_ids = Vec::new();
    for c in 0..n_cases {
        let occurred = *start + day(c * 3);
        let case = cases::create_case(
            tx,
            &NewCase {
                platform: format!("平台{:03}", c % n_platforms),
                amount: Money(50_000 + c * 100),
                occurred,
                summary: format!("提现 {} 元未到账（案件 {c}）", 500 + c),
                account: format!("尾号 {:04}", c % 10_000),
                message: "提现失败，请稍后重试".to_string(),
                diagnosis: None,
            },
            &occurred,
        )?;
        for e in 0..12 {
            let when = occurred + chrono::Duration::hours(e * 7);
            cases::add_event(
                tx,
                case.id,
                &NewEvent {
                    at: when,
                    text: format!("第 {e} 次查询，仍显示处理中"),
                    evidence_id: None,
                },
                &when,
            )?;
        }
        for k in 0..6 {
            let when = occurred + day(k + 1);
            let open_promise = c % 3 == 0 && k == 5;
            cases::add_contact(
                tx,
                case.id,
                &NewContact {
                    at: when,
                    channel: if k % 2 == 0 {
                        ContactChannel::Phone
                    } else {
                        ContactChannel::Chat
                    },
                    agent: format!("工号 {}", 8000 + k),
                    said: "已反馈给相关部门".to_string(),
                    promise: if open_promise {
                        "3 个工作日内处理".to_string()
                    } else {
                        String::new()
                    },
                    due: open_promise.then(|| *at + day(3)),
                    limit: None,
                    outcome: String::new(),
                },
                &calendar,
                &when,
            )?;
        }
        case_ids.push(case.id);
    }
    if case_ids.is_empty() {
        return Ok(());
    }
    for i in 0..n_evidence {
        let bytes = tiny_png(i as u32);
        let prepared = evidence::PreparedEvidence {
            original_name: format!("截图{i:05}.png"),
            sha256: tixian_core::vault::sha256_hex(&bytes),
            bytes,
            mime: "image/png",
            taken_at: None,
            taken_at_source: None,
            dimensions: Some((48, 96)),
            caption: format!("客服聊天截图 {i}"),
            tier: if i % 4 == 0 {
                Tier::Reserve
            } else {
                Tier::Core
            },
        };
        let case_id = case_ids[i as usize % case_ids.len()];
        // Written here without the vault's fsync (a generator can be re-run; 5,000 syncs take
        // minutes on a busy disk); `store` then finds the content already there.
        let target = tixian_core::vault::path_of(&vault, &prepared.sha256);
        std::fs::create_dir_all(target.parent().expect("vault path has a folder"))?;
        std::fs::write(&target, &prepared.bytes)?;
        let item = evidence::store(tx, &vault, case_id, &prepared, at)?;
        evidence_text::store_read(tx, item.id, &format!("客服：您的提现正在处理中 {i}"), at)?;
    }
    Ok(())
}

/// A 48×96 grey PNG whose first pixels spell `i`, so every file differs.
fn tiny_png(i: u32) -> Vec<u8> {
    let (w, h) = (48u32, 96u32);
    let mut pixels = vec![200u8; (w * h) as usize];
    for (k, b) in i.to_le_bytes().iter().enumerate() {
        pixels[k] = *b;
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().expect("png header");
    writer.write_image_data(&pixels).expect("png data");
    drop(writer);
    out
}
