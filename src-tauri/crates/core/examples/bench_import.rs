//! Import benchmark: generates a 100,000-row WeChat Pay CSV (real layout: preamble, quoted and
//! unquoted fields, TAB-suffixed ids, `¥` amounts, 2% withdrawal rows with fees, some refunds),
//! imports it into a fresh SQLite database end to end (read, detect, parse, normalise, dedup,
//! store, vault, commit), re-imports it (all duplicates), and prints the times and peak memory.
//!
//! Then runs the plain Python csv + sqlite3 importer in `benches/import_baseline.py` on the same
//! file (when `python3` is on the PATH) so the two can be compared.
//!
//! Run: `cargo run --release -p tixian-core --example bench_import [ROWS]`
//! (`KEEP=1` keeps the bill and the databases in the temp directory.)
//! Targets: each import < 1 s, peak memory (VmHWM) < 200 MB.

use std::fmt::Write as _;
use std::time::Instant;
use tixian_core::import::{self, ImportOptions};
use tixian_core::{store::Store, time};

fn generate(rows: usize) -> String {
    let mut s = String::with_capacity(rows * 160);
    s.push_str("微信支付账单明细,,,,,,,,,,\n微信昵称：[bench],,,,,,,,,,\n起始时间：[2024-01-01 00:00:00] 终止时间：[2024-12-31 23:59:59],,,,,,,,,,\n");
    s.push_str(
        "导出类型：[全部],,,,,,,,,,\n导出时间：[2025-01-01 09:00:00],,,,,,,,,,\n,,,,,,,,,,\n",
    );
    let _ = writeln!(s, "共{rows}笔记录,,,,,,,,,,");
    s.push_str("收入：0笔 0.00元,,,,,,,,,,\n支出：0笔 0.00元,,,,,,,,,,\n中性交易：0笔 0.00元,,,,,,,,,,\n注：,,,,,,,,,,\n");
    s.push_str("1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易,,,,,,,,,,\n2. 本明细仅展示当前账单中的交易，不包括已删除的记录,,,,,,,,,,\n3. 本明细仅供个人对账使用,,,,,,,,,,\n,,,,,,,,,,\n");
    s.push_str("----------------------微信支付账单明细列表--------------------,,,,,,,,,,\n");
    s.push_str(
        "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n",
    );
    let mut seed: u64 = 42;
    for i in 0..rows {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let secs = i as u64 * 300 + (seed >> 58);
        let (day, rem) = (secs / 86_400, secs % 86_400);
        let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
            + chrono::Duration::days(day as i64);
        let t = format!(
            "{date} {:02}:{:02}:{:02}",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        );
        let fen = 1 + (seed >> 40) % 50_000;
        let amount = format!("¥{}.{:02}", fen / 100, fen % 100);
        match i % 50 {
            0 => {
                let _ = writeln!(s, "{t},零钱提现,招商银行(1234),\"/\",/,{amount},零钱,提现已到账,1000{i:020}\t,/\t,\"服务费¥0.10\"");
            }
            1 if i >= 2 => {
                // Refunds the purchase two rows up (same order id, 商户单号 and goods).
                let p = i - 2;
                let _ = writeln!(s, "{t},商户消费-退款,商店{},\"退款-商品{p}\",收入,¥0.01,零钱,已退款,4200{p:020}_r\t,M{p:012}\t,\"/\"", p % 97);
            }
            k if k % 3 == 0 => {
                let _ = writeln!(s, "{t},微信红包,好友{},/,收入,{amount},/,已存入零钱,1000{i:020}\t,1000{i:018}\t,/", i % 500);
            }
            _ => {
                let _ = writeln!(s, "{t},\"商户消费\",\"商店{}\",\"商品{i}\",\"支出\",{amount},\"招商银行(1234)\",\"支付成功\",\"4200{i:020}\"\t,\"M{i:012}\"\t,\"/\"", i % 97);
            }
        }
    }
    s
}

#[path = "support/measure.rs"]
mod measure;
use measure::{child_cpu_seconds, cpu_seconds};

fn peak_mb() -> String {
    measure::peak_kb().map_or_else(|| "n/a".into(), |kb| format!("{kb} kB"))
}

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("微信支付账单(bench).csv");
    let text = generate(rows);
    std::fs::write(&csv, &text).expect("write bill");
    let size_mb = text.len() as f64 / 1_048_576.0;
    drop(text);
    println!(
        "bill: {rows} rows, {size_mb:.1} MB; memory after generating: {}",
        peak_mb()
    );

    let db = dir.path().join("bench.db");
    let mut store = Store::open(&db).expect("db");
    let now = time::parse_time("2025-01-02T09:00:00+08:00", tixian_core::Field::At).unwrap();
    let options = ImportOptions::default();

    let schema = |db: &std::path::Path| -> Vec<(String, String)> {
        let conn = rusqlite::Connection::open(db).expect("opens");
        let mut q = conn
            .prepare("SELECT name, ifnull(sql, '') FROM sqlite_master ORDER BY name")
            .expect("prepares");
        let rows = q
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("queries");
        rows.map(|r| r.expect("row")).collect()
    };
    let schema_before = schema(&db);

    let (start, cpu) = (Instant::now(), cpu_seconds());
    let first = import::import_file(&mut store, &csv, &options, &now, &mut |_| {}).expect("import");
    let (t1, c1) = (start.elapsed(), cpu_seconds() - cpu);
    let rate = |secs: f64| rows as f64 / secs.max(1e-9);
    println!(
        "import:    {:>7.3} s wall, {:>6.2} s CPU ({:>7.0} rows/s CPU)  rows {} imported {} duplicates {} withdrawals {} refunds linked {}",
        t1.as_secs_f64(),
        c1,
        rate(c1),
        first.rows,
        first.imported,
        first.duplicates,
        first.withdrawals,
        first.refunds_linked
    );

    let (start, cpu) = (Instant::now(), cpu_seconds());
    let again =
        import::import_file(&mut store, &csv, &options, &now, &mut |_| {}).expect("reimport");
    let (t2, c2) = (start.elapsed(), cpu_seconds() - cpu);
    println!(
        "re-import: {:>7.3} s wall, {:>6.2} s CPU ({:>7.0} rows/s CPU)  rows {} imported {} duplicates {}",
        t2.as_secs_f64(),
        c2,
        rate(c2),
        again.rows,
        again.imported,
        again.duplicates
    );
    // The bulk path drops and re-creates the secondary indexes: the schema must be unchanged.
    assert_eq!(schema(&db), schema_before, "schema changed by the import");
    println!("schema after both imports: identical to before (tables and indexes)");
    let size =
        |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len()) as f64 / 1_048_576.0;
    println!(
        "database: {:.1} MB, WAL {:.1} MB",
        size(&db),
        size(&dir.path().join("bench.db-wal"))
    );
    println!("peak memory (VmHWM): {}", peak_mb());
    println!("targets: < 1 s each, < 200 MB");
    drop(store);

    // The yardstick: a plain Python csv + sqlite3 importer of the same file.
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/import_baseline.py");
    let py_db = dir.path().join("python.db");
    let (start, cpu) = (Instant::now(), child_cpu_seconds());
    match std::process::Command::new("python3")
        .arg(script)
        .arg(&csv)
        .arg(&py_db)
        .output()
    {
        Ok(out) if out.status.success() => {
            let (tp, cp) = (start.elapsed().as_secs_f64(), child_cpu_seconds() - cpu);
            println!(
                "python csv+sqlite3 (benches/import_baseline.py, less work: no refunds, no withdrawals): {tp:>7.3} s wall, {cp:>6.2} s CPU ({:>7.0} rows/s CPU) -> tixian is {:.1}x faster (CPU)",
                rate(cp),
                cp / c1.max(1e-9)
            );
        }
        Ok(out) => println!(
            "python baseline failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => println!("python baseline skipped (python3 not runnable: {e})"),
    }
    if std::env::var_os("KEEP").is_some() {
        println!("kept {}", dir.keep().display());
    }
}
