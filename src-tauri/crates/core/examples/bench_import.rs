//! Import benchmark: generates a 100,000-row WeChat Pay CSV (real layout: preamble, quoted and
//! unquoted fields, TAB-suffixed ids, `¥` amounts, 2% withdrawal rows with fees, some refunds),
//! imports it into a fresh SQLite database end to end (read, detect, parse, normalise, dedup,
//! store, vault, commit), re-imports it (all duplicates), and prints the times and peak memory.
//!
//! Then runs the plain Python csv + sqlite3 importer in `benches/import_baseline.py` on the same
//! file (when `python3` is on the PATH) so the two can be compared.
//!
//! Every figure is the median of 5 runs (wall and CPU, child processes included), side by side in
//! one run: into a fresh database, tixian's import, its re-import, the sqlite3 shell's `.import`
//! of the same rows into the same schema (built by sqlite3 3.40 itself: without FTS5's
//! `secure-delete`, which 3.40 lacks; without the `refund_of` column, NULL on new rows, which
//! `.import` cannot write; identity as hex text, as `.import` cannot write a blob), and the
//! Python importer; with a second argument (a gen_scale database), the same bill into a copy
//! of it, against `.import` into a 3.40 copy of the same rows.
//!
//! Run: `cargo run --release -p tixian-core --example bench_import [ROWS] [SCALE.db]`
//! (`bench_import write ROWS OUT.csv` only writes the bill, e.g. 1,400,000 rows ≈ 200 MB;
//! `bench_import write-xlsx ROWS OUT.xlsx` the same rows as an XLSX bill, every text in the
//! shared strings; `bench_import import FILE` imports one bill into a fresh database and
//! prints its rows, totals, times and peak memory, for the big-file figures.)
//! (`KEEP=1` keeps the bill and the databases in the temp directory.)
//! Targets: each import < 1 s, peak memory (VmHWM) < 200 MB.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
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

/// `bench_import import FILE`: imports one bill into a fresh database as `tixian import` does
/// (a big one streamed), and prints its rows, totals, times and the peak memory.
fn import_one(path: &Path) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("db.sqlite")).expect("db");
    let now = time::parse_time("2025-01-02T09:00:00+08:00", tixian_core::Field::At).unwrap();
    let size_mb = std::fs::metadata(path).expect("the bill").len() as f64 / 1_048_576.0;
    let (cpu, wall) = (cpu_seconds(), Instant::now());
    let mut reports = 0u64;
    let r = import::import_file(
        &mut store,
        path,
        &ImportOptions::default(),
        &now,
        &mut |_| reports += 1,
    )
    .expect("import");
    println!(
        "{} ({size_mb:.1} MB, streamed: {}): {} rows, {} imported, {} withdrawals; expense {}, income {}, neutral {}; {reports} progress reports",
        path.display(),
        import::stream::streams(path),
        r.rows,
        r.imported,
        r.withdrawals,
        r.totals.expense.to_plain(),
        r.totals.income.to_plain(),
        r.totals.neutral.to_plain()
    );
    println!(
        "wall {:.1} s, CPU {:.1} s; peak memory (VmHWM): {}",
        wall.elapsed().as_secs_f64(),
        cpu_seconds() - cpu,
        peak_mb()
    );
}

/// The same transactions as [`generate`] writes, as the cells of an XLSX bill's rows.
fn xlsx_rows(rows: usize) -> impl Iterator<Item = Vec<String>> {
    let mut seed: u64 = 42;
    big_xlsx::wechat_bill(rows, move |i| {
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
        let cells: [String; 11] = match i % 50 {
            0 => [
                t,
                "零钱提现".into(),
                "招商银行(1234)".into(),
                "/".into(),
                "/".into(),
                amount,
                "零钱".into(),
                "提现已到账".into(),
                format!("1000{i:020}"),
                "/".into(),
                "服务费¥0.10".into(),
            ],
            1 if i >= 2 => {
                let p = i - 2;
                [
                    t,
                    "商户消费-退款".into(),
                    format!("商店{}", p % 97),
                    format!("退款-商品{p}"),
                    "收入".into(),
                    "¥0.01".into(),
                    "零钱".into(),
                    "已退款".into(),
                    format!("4200{p:020}_r"),
                    format!("M{p:012}"),
                    "/".into(),
                ]
            }
            k if k % 3 == 0 => [
                t,
                "微信红包".into(),
                format!("好友{}", i % 500),
                "/".into(),
                "收入".into(),
                amount,
                "/".into(),
                "已存入零钱".into(),
                format!("1000{i:020}"),
                format!("1000{i:018}"),
                "/".into(),
            ],
            _ => [
                t,
                "商户消费".into(),
                format!("商店{}", i % 97),
                format!("商品{i}"),
                "支出".into(),
                amount,
                "招商银行(1234)".into(),
                "支付成功".into(),
                format!("4200{i:020}"),
                format!("M{i:012}"),
                "/".into(),
            ],
        };
        cells.to_vec()
    })
}

#[path = "support/big_xlsx.rs"]
mod big_xlsx;
#[path = "support/measure.rs"]
mod measure;
use measure::{child_cpu_seconds, cpu_seconds};

fn peak_mb() -> String {
    measure::peak_kb().map_or_else(|| "n/a".into(), |kb| format!("{kb} kB"))
}

/// Wall and CPU seconds of one run.
#[derive(Clone, Copy)]
struct Run {
    wall: f64,
    cpu: f64,
}

fn median(runs: &[Run]) -> Run {
    let mid = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Run {
        wall: mid(runs.iter().map(|r| r.wall).collect()),
        cpu: mid(runs.iter().map(|r| r.cpu).collect()),
    }
}

fn timed(f: impl FnOnce()) -> Run {
    let (start, cpu, child) = (Instant::now(), cpu_seconds(), child_cpu_seconds());
    f();
    Run {
        wall: start.elapsed().as_secs_f64(),
        cpu: cpu_seconds() - cpu + child_cpu_seconds() - child,
    }
}

/// The columns the sqlite3 baseline stores, in its table's order: all of `transactions` but
/// `refund_of` (NULL on every new row; `.import` cannot write NULL), `identity` as hex text
/// (`.import` cannot write a blob).
const BASELINE_COLUMNS: &str = "id, platform_id, import_id, line, txn_id, merchant_order_id, occurred_at, occurred_utc,
    direction, direction_text, amount_fen, txn_type, counterparty, goods, method, status, note, fee_fen,
    refunded_fen, is_refund, original_json, original_cells";

/// Tixian's schema as sqlite3 3.40 can build it: every table, index, view, trigger and the FTS5
/// trigram index, without FTS5's `secure-delete` option (3.40 lacks it) and without the
/// `refund_of` column (and its index; the unlinked-refunds index keeps its rows).
fn baseline_schema(ours: &Path) -> String {
    let conn = rusqlite::Connection::open(ours).expect("opens");
    let mut q = conn
        .prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")
        .expect("prepares");
    let all: Vec<(String, String, String)> = q
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("reads")
        .map(|r| r.expect("row"))
        .collect();
    let mut out = String::from("PRAGMA foreign_keys = OFF;\nBEGIN;\n");
    for (kind, name, sql) in all {
        let shadow = ["_data", "_idx", "_docsize", "_config", "_content"]
            .iter()
            .any(|s| name == format!("transactions_search{s}"));
        if name.starts_with("sqlite_") || shadow || name == "transactions_refund_of" {
            continue;
        }
        let mut sql = sql;
        if kind == "table" && name == "transactions" {
            // Comments out, so the column list can be edited line by line.
            let lines: Vec<String> = sql
                .lines()
                .map(|l| l.split("--").next().unwrap_or("").trim_end().to_string())
                .filter(|l| !l.trim_start().starts_with("refund_of"))
                .collect();
            sql = lines.join("\n");
            sql = sql.replace("identity          BLOB NOT NULL", "identity TEXT NOT NULL");
        }
        if name == "transactions_unlinked_refunds" {
            sql = sql.replace("AND refund_of IS NULL", "");
        }
        out.push_str(&sql);
        out.push_str(";\n");
    }
    out.push_str("COMMIT;\n");
    out
}

/// The rows `import_id` stored in `db`, as CSV in [`BASELINE_COLUMNS`] order plus hex identity.
fn baseline_rows(db: &Path, import_id: i64, out: &Path) {
    let conn = rusqlite::Connection::open(db).expect("opens");
    let mut q = conn
        .prepare(&format!(
            "SELECT {BASELINE_COLUMNS}, hex(identity) FROM transactions WHERE import_id = ?1 ORDER BY id"
        ))
        .expect("prepares");
    let n = q.column_count();
    let mut w = csv::Writer::from_path(out).expect("creates");
    let mut rows = q.query([import_id]).expect("reads");
    while let Some(r) = rows.next().expect("row") {
        let cells: Vec<String> = (0..n)
            .map(|i| match r.get_ref(i).expect("cell") {
                rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                rusqlite::types::ValueRef::Null => String::new(),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        w.write_record(&cells).expect("writes");
    }
    w.flush().expect("flushes");
}

fn sqlite3(db: &Path, script: &str) {
    use std::io::Write;
    let mut child = std::process::Command::new("sqlite3")
        .arg("-batch")
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("sqlite3 runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("script");
    let out = child.wait_with_output().expect("ends");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.trim().is_empty(),
        "sqlite3: {err}"
    );
}

/// The timed part of the baseline: the sqlite3 shell's `.import` of the rows, in one
/// transaction, with the same pragmas and page cache as the app's import.
fn baseline_import(db: &Path, rows_csv: &Path, rows: usize, how: Floor) -> Run {
    let kib = (rows * 640 / 1024).min(128 * 1024);
    let conn = rusqlite::Connection::open(db).expect("opens");
    let first: i64 = conn
        .query_row("SELECT ifnull(max(id), 0) + 1 FROM transactions", [], |r| {
            r.get(0)
        })
        .expect("reads");
    let definitions = |kind: &str| -> Vec<(String, String)> {
        let mut q = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = ?1 AND tbl_name = 'transactions' AND sql IS NOT NULL")
            .expect("prepares");
        q.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("reads")
            .map(|r| r.expect("row"))
            .collect()
    };
    let (indexes, triggers) = (definitions("index"), definitions("trigger"));
    drop(conn);
    let (mut before, mut after) = (String::new(), String::new());
    let fill = format!("INSERT INTO transactions_search(rowid, search) SELECT id, search FROM transactions_search_text WHERE id >= {first};\n");
    let insert_trigger = triggers
        .iter()
        .find(|(n, _)| n == "transactions_search_insert")
        .expect("trigger");
    match how {
        Floor::RowByRow => {}
        Floor::FtsAtEnd => {
            before.push_str("DROP TRIGGER transactions_search_insert;\n");
            after = format!("BEGIN;\n{fill}{};\nCOMMIT;\n", insert_trigger.1);
        }
        Floor::IndexesAfter => {
            before.push_str("DROP TRIGGER transactions_search_insert;\n");
            after.push_str("BEGIN;\n");
            for (name, sql) in &indexes {
                before.push_str(&format!("DROP INDEX {name};\n"));
                after.push_str(&format!("{sql};\n"));
            }
            after.push_str(&format!("{fill}{};\nCOMMIT;\n", insert_trigger.1));
        }
    }
    sqlite3(db, &before);
    let script = format!(
        "PRAGMA foreign_keys = ON;\nPRAGMA journal_mode = WAL;\nPRAGMA synchronous = NORMAL;\nPRAGMA cache_size = -{kib};\n.mode csv\n.import {} transactions\n{after}",
        rows_csv.display()
    );
    timed(|| sqlite3(db, &script))
}

/// How the sqlite3 baseline loads the rows.
#[derive(Clone, Copy, PartialEq)]
enum Floor {
    /// `.import` with every index and the search trigger in place.
    RowByRow,
    /// `.import` with the indexes in place, the search trigger dropped, the FTS filled for the
    /// new rows in one statement afterwards (what tixian does).
    FtsAtEnd,
    /// `.import` into the bare table, then every index built and the FTS filled.
    IndexesAfter,
}

const FLOORS: [(Floor, &str); 3] = [
    (
        Floor::RowByRow,
        "sqlite3 3.40 .import, indexes + FTS trigger in place",
    ),
    (
        Floor::FtsAtEnd,
        "sqlite3 3.40 .import, indexes in place, FTS at the end",
    ),
    (
        Floor::IndexesAfter,
        "sqlite3 3.40 .import, indexes built + FTS after",
    ),
];

fn copy_db(from: &Path, to: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let (a, b) = (
            PathBuf::from(format!("{}{ext}", from.display())),
            PathBuf::from(format!("{}{ext}", to.display())),
        );
        let _ = std::fs::remove_file(&b);
        if a.exists() {
            std::fs::copy(&a, &b).expect("copies");
        }
    }
}

fn print_row(what: &str, m: Run, floor: Option<Run>) {
    let vs = floor.map_or(String::new(), |f| {
        format!(
            "  = {:.2}x sqlite3 .import (wall), {:.2}x (CPU)",
            m.wall / f.wall.max(1e-9),
            m.cpu / f.cpu.max(1e-9)
        )
    });
    println!(
        "{what:<52} median of {RUNS}: {:>7.3} s wall, {:>7.3} s CPU{vs}",
        m.wall, m.cpu
    );
}

const RUNS: usize = 5;

fn main() {
    // `bench_import write ROWS OUT.csv`: only write the bill (the big-file memory check runs
    // `tixian import` on it under /usr/bin/time -v).
    // `bench_import write-xlsx ROWS OUT.xlsx`: the same rows as an XLSX bill.
    if std::env::args().nth(1).as_deref() == Some("write-xlsx") {
        let rows: usize = std::env::args()
            .nth(2)
            .and_then(|a| a.parse().ok())
            .expect("ROWS");
        let out = std::env::args().nth(3).expect("OUT.xlsx");
        big_xlsx::write_xlsx(Path::new(&out), xlsx_rows(rows)).expect("writes");
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("import") {
        import_one(Path::new(&std::env::args().nth(2).expect("FILE")));
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("write") {
        let rows: usize = std::env::args()
            .nth(2)
            .and_then(|a| a.parse().ok())
            .expect("ROWS");
        let out = std::env::args().nth(3).expect("OUT.csv");
        std::fs::write(&out, generate(rows)).expect("writes");
        return;
    }
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    // A database from gen_scale (1M rows) to import into, copied for every run.
    let scale: Option<PathBuf> = std::env::args().nth(2).map(PathBuf::from);
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

    // Fresh database: ours, then the same rows by sqlite3 .import, then Python; RUNS times.
    let (mut ours, mut again, mut python) = (vec![], vec![], vec![]);
    let mut floors: Vec<Vec<Run>> = vec![vec![]; FLOORS.len()];
    let mut reference_db = PathBuf::new();
    for run in 0..RUNS {
        let db = dir.path().join(format!("fresh{run}.db"));
        let mut store = Store::open(&db).expect("db");
        let before = schema(&db);
        let mut report = None;
        ours.push(timed(|| {
            report = Some(
                import::import_file(&mut store, &csv, &options, &now, &mut |_| {}).expect("import"),
            )
        }));
        let first = report.expect("ran");
        again.push(timed(|| {
            let r = import::import_file(&mut store, &csv, &options, &now, &mut |_| {})
                .expect("reimport");
            assert_eq!(r.imported, 0);
        }));
        assert_eq!(schema(&db), before, "schema changed by the import");
        if run == 0 {
            println!(
                "tixian: rows {} imported {} duplicates {} withdrawals {} refunds linked {}; schema unchanged",
                first.rows, first.imported, first.duplicates, first.withdrawals, first.refunds_linked
            );
        }
        drop(store);
        // The baseline: the same schema (as 3.40 builds it), the platform and import rows, then
        // the same rows, timed.
        let base = dir.path().join(format!("base{run}.db"));
        if run == 0 {
            reference_db = db.clone();
            baseline_rows(
                &db,
                first.import_id.expect("imported"),
                &dir.path().join("rows.csv"),
            );
            std::fs::write(dir.path().join("schema.sql"), baseline_schema(&db)).expect("writes");
        }
        let schema_sql = std::fs::read_to_string(dir.path().join("schema.sql")).expect("reads");
        for (k, (how, _)) in FLOORS.iter().enumerate() {
            let _ = std::fs::remove_file(&base);
            sqlite3(
                &base,
                &format!(
                    "{schema_sql}ATTACH '{}' AS o; INSERT INTO platforms SELECT * FROM o.platforms; INSERT INTO imports SELECT * FROM o.imports;",
                    db.display()
                ),
            );
            floors[k].push(baseline_import(
                &base,
                &dir.path().join("rows.csv"),
                rows,
                *how,
            ));
        }
        let py_db = dir.path().join(format!("python{run}.db"));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/import_baseline.py");
        python.push(timed(|| {
            let out = std::process::Command::new("python3")
                .arg(script)
                .arg(&csv)
                .arg(&py_db)
                .output()
                .expect("python3 runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }));
        let _ = std::fs::remove_file(&py_db);
        if run > 0 {
            let _ = std::fs::remove_file(&db);
        }
        let _ = std::fs::remove_file(&base);
    }
    let size =
        |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len()) as f64 / 1_048_576.0;
    println!(
        "database after the import: {:.1} MB (WAL {:.1} MB)",
        size(&reference_db),
        size(&PathBuf::from(format!("{}-wal", reference_db.display())))
    );
    let (o, p) = (median(&ours), median(&python));
    let medians: Vec<Run> = floors.iter().map(|r| median(r)).collect();
    // The floor is the fastest way sqlite3 loads the rows.
    let f = *medians
        .iter()
        .min_by(|a, b| a.wall.total_cmp(&b.wall))
        .expect("floors");
    println!("-- {rows} rows into a fresh database --");
    print_row("tixian import (dedup, vault, cells, FTS)", o, Some(f));
    print_row("tixian re-import (all duplicates)", median(&again), None);
    for ((_, what), m) in FLOORS.iter().zip(&medians) {
        print_row(what, *m, None);
    }
    print_row("python csv + sqlite3 executemany", p, None);
    println!(
        "targets: ≤ 1.3x sqlite3 .import: {:.2}x wall ({}); ≥ 2x faster than Python: {:.1}x wall, {:.1}x CPU ({})",
        o.wall / f.wall,
        if o.wall <= 1.3 * f.wall { "met" } else { "not met" },
        p.wall / o.wall,
        p.cpu / o.cpu,
        if p.wall >= 2.0 * o.wall { "met" } else { "not met" }
    );

    if let Some(scale) = scale {
        // The same bill into a copy of a 1M-row database, and the baseline into a 3.40 copy of
        // the same rows (built once, untimed).
        let base_scale = dir.path().join("base_scale.db");
        let schema_sql = std::fs::read_to_string(dir.path().join("schema.sql")).expect("reads");
        let setup = timed(|| {
            sqlite3(
                &base_scale,
                &format!(
                    "{schema_sql}PRAGMA cache_size = -131072; ATTACH '{}' AS o; BEGIN;
                     INSERT INTO platforms SELECT * FROM o.platforms; INSERT INTO imports SELECT * FROM o.imports;
                     INSERT INTO transactions({BASELINE_COLUMNS}, identity) SELECT {BASELINE_COLUMNS}, hex(identity) FROM o.transactions;
                     COMMIT;",
                    scale.display()
                ),
            )
        });
        println!(
            "baseline copy of the 1M rows built in {:.1} s (untimed)",
            setup.wall
        );
        let (mut ours, mut floor, mut floor_row) = (vec![], vec![], vec![]);
        for run in 0..RUNS {
            let db = dir.path().join("scale_run.db");
            copy_db(&scale, &db);
            let mut store = Store::open(&db).expect("db");
            let mut report = None;
            ours.push(timed(|| {
                report = Some(
                    import::import_file(&mut store, &csv, &options, &now, &mut |_| {})
                        .expect("import"),
                )
            }));
            let r = report.expect("ran");
            assert_eq!(r.imported, rows as u64);
            drop(store);
            let rows_csv = dir.path().join("scale_rows.csv");
            if run == 0 {
                baseline_rows(&db, r.import_id.expect("imported"), &rows_csv);
            }
            let base = dir.path().join("base_scale_run.db");
            for how in [Floor::RowByRow, Floor::FtsAtEnd] {
                copy_db(&base_scale, &base);
                sqlite3(
                    &base,
                    &format!(
                        "ATTACH '{}' AS o; INSERT OR IGNORE INTO platforms SELECT * FROM o.platforms;
                         INSERT INTO imports SELECT * FROM o.imports WHERE id = {};",
                        db.display(),
                        r.import_id.expect("imported")
                    ),
                );
                let m = baseline_import(&base, &rows_csv, rows, how);
                if how == Floor::RowByRow {
                    floor_row.push(m);
                } else {
                    floor.push(m);
                }
            }
        }
        let (o, by_row) = (median(&ours), median(&floor_row));
        let f = if by_row.wall < median(&floor).wall {
            by_row
        } else {
            median(&floor)
        };
        println!("-- {rows} rows into a database of {} --", scale.display());
        print_row("tixian import into 1M rows", o, Some(f));
        print_row(FLOORS[0].1, by_row, None);
        print_row(FLOORS[1].1, median(&floor), None);
        println!(
            "target ≤ 1.3x: {:.2}x wall ({})",
            o.wall / f.wall,
            if o.wall <= 1.3 * f.wall {
                "met"
            } else {
                "not met"
            }
        );
    }
    println!("peak memory (VmHWM): {}", peak_mb());
    if std::env::var_os("KEEP").is_some() {
        println!("kept {}", dir.keep().display());
    }
}
