//! The streamed path (a large text or XLSX bill read from its file a chunk at a time) stores
//! exactly what the in-memory path stores and fails with the same errors: every CSV and XLSX
//! fixture, UTF-8, GBK and UTF-16, and broken files, imported both ways into two fresh
//! databases.

use super::storing::{fts_integrity_check, many_rows};
use super::*;

/// Every row as stored (all columns), the withdrawals and the imports, as text.
fn contents(db: &Db) -> Vec<String> {
    let conn = db.store.conn();
    let mut out = Vec::new();
    for sql in [
        "SELECT * FROM transactions ORDER BY id",
        "SELECT * FROM withdrawals ORDER BY id",
        "SELECT id, sha256, file_name, format, platform_id, rows, imported, duplicates, withdrawals, size_bytes, header_line, header_json, totals_json FROM imports ORDER BY id",
        "SELECT rowid FROM transactions_search_docsize ORDER BY rowid",
    ] {
        let mut q = conn.prepare(sql).unwrap();
        let n = q.column_count();
        let mut rows = q.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                .collect();
            out.push(cells.join("|"));
        }
    }
    out
}

/// Imports `bytes` (written to a file named `name`) in memory and streamed; returns both
/// outcomes as JSON or error text, and both databases' contents.
fn both_ways(name: &str, bytes: &[u8]) -> [(String, Vec<String>); 2] {
    let run = |streamed: bool| {
        let mut db = Db::new();
        let path = db.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let vault = db.dir.path().join("vault");
        let file = name.to_string();
        let outcome = if streamed && name.ends_with(".xlsx") {
            stream::import_streamed_xlsx(
                &mut db.store,
                &path,
                &file,
                &opts(),
                &vault,
                &now(),
                &mut |_| {},
            )
        } else if streamed {
            stream::import_streamed(
                &mut db.store,
                &path,
                &file,
                &opts(),
                &vault,
                &now(),
                &mut |_| {},
            )
        } else {
            import_bytes(
                &mut db.store,
                &file,
                bytes,
                &opts(),
                &vault,
                &now(),
                &mut |_| {},
            )
        };
        let text = match outcome {
            Ok(r) => serde_json::to_string(&r).unwrap(),
            Err(e) => format!("error: {e}"),
        };
        (text, contents(&db))
    };
    [run(false), run(true)]
}

#[test]
fn streamed_bills_store_exactly_what_bills_in_memory_store() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/bills");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let [memory, streamed] = both_ways(&name, &bytes);
        assert!(memory.0.starts_with('{'), "{name}: {}", memory.0);
        assert_eq!(memory, streamed, "{name}");
        seen += 1;
    }
    assert_eq!(seen, 4);
}

#[test]
fn streamed_bills_in_every_encoding_and_shape_match_the_in_memory_path() {
    let utf8 = String::from_utf8(read("wechat-csv-utf8.csv")).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in utf8.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let bom = [&[0xEF, 0xBB, 0xBF][..], utf8.as_bytes()].concat();
    let unterminated = utf8.trim_end().as_bytes().to_vec();
    let mut crlf = utf8.replace('\n', "\r\n").into_bytes();
    crlf.extend_from_slice("\r\n\r\n共27笔记录\r\n".as_bytes());
    let many = many_rows(40_000); // more than two chunks, with refunds and withdrawals
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("utf16.csv", utf16),
        ("bom.csv", bom),
        ("unterminated.csv", unterminated),
        ("crlf.csv", crlf),
        ("gbk.csv", read("alipay-csv-2023-gbk.csv")),
        ("many.csv", many),
    ];
    for (name, bytes) in cases {
        let [memory, streamed] = both_ways(name, &bytes);
        assert!(memory.0.starts_with('{'), "{name}: {}", memory.0);
        assert_eq!(memory, streamed, "{name}");
    }
}

#[test]
fn broken_streamed_bills_fail_as_in_memory_and_store_nothing() {
    let good = many_rows(20_000);
    let text = String::from_utf8(good.clone()).unwrap();
    // A bad amount far into the file (after the first chunks were stored).
    let bad_amount = text.replacen("商品19007,支出,¥1.07", "商品19007,支出,¥x", 1);
    assert!(bad_amount != text, "the amount was replaced");
    // Cut off in the middle of the last row, and in the middle of a character.
    let cut_row = &good[..good.len() - 30];
    let cut_char = {
        let mut b = text.trim_end().as_bytes().to_vec();
        b.extend_from_slice(&"商".as_bytes()[..2]);
        b
    };
    // Not UTF-8 and not GBK either.
    let mut not_text = good.clone();
    not_text.extend_from_slice(&[0xFF, 0xFF, b'\n']);
    let short_row = format!("{}2024-03-29 00:00:00,商户消费\n", text);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("amount.csv", bad_amount.into_bytes()),
        ("cut.csv", cut_row.to_vec()),
        ("char.csv", cut_char),
        ("bytes.csv", not_text),
        ("short.csv", short_row.into_bytes()),
        ("noheader.csv", "a,b,c\n1,2,3\n".repeat(1000).into_bytes()),
    ];
    for (name, bytes) in cases {
        let [memory, streamed] = both_ways(name, &bytes);
        assert!(memory.0.starts_with("error: "), "{name}: {}", memory.0);
        assert_eq!(memory, streamed, "{name}");
        assert!(streamed.1.is_empty(), "{name}: nothing stored");
    }
    // A workbook cut short: `import_file` reads it whole (its ZIP directory is gone, so it is
    // not taken for a workbook); streamed, it is refused as an XLSX and nothing is stored.
    let [_, streamed] = both_ways("cut.xlsx", &good[..good.len() / 2]);
    assert_eq!(
        streamed,
        (
            "error: cut.xlsx: file: the XLSX file is damaged or incomplete (invalid Zip archive: Could not find EOCD)".to_string(),
            vec![]
        )
    );
}

#[test]
fn a_streamed_import_cancelled_midway_stores_nothing() {
    let mut db = Db::new();
    let path = db.dir.path().join("big.csv");
    std::fs::write(&path, many_rows(50_000)).unwrap();
    let vault = db.dir.path().join("vault");
    let cancel = Arc::new(AtomicBool::new(false));
    let options = ImportOptions {
        cancel: Some(cancel.clone()),
        ..opts()
    };
    let mut seen = Vec::new();
    let err = stream::import_streamed(
        &mut db.store,
        &path,
        "big.csv",
        &options,
        &vault,
        &now(),
        &mut |p| {
            seen.push(p);
            if p.done >= 20_000 {
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        },
    )
    .unwrap_err();
    assert!(matches!(err, CoreError::Cancelled), "{err}");
    // The bar moved, toward an estimate of the whole file's rows.
    let last = *seen.last().unwrap();
    assert!(last.done >= 20_000 && last.done < 50_000, "{last:?}");
    assert!((45_000..=55_000).contains(&last.total), "{last:?}");
    let files = std::fs::read_dir(&vault).map_or(0, |d| d.count());
    assert_eq!(
        (
            files,
            db.count("transactions"),
            db.count("imports"),
            db.count("platforms")
        ),
        (0, 0, 0, 0)
    );
    fts_integrity_check(&db);
}

/// A WeChat Pay XLSX bill of `n` rows (purchases of ¥1.xx, a withdrawal with a ¥0.10 fee every
/// 50 rows, a refund of the row before every 100), every text in the shared strings.
pub(super) fn many_xlsx(n: usize) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.xlsx");
    let rows = big_xlsx::wechat_bill(n, |i| {
        let t = format!(
            "2024-03-{:02} {:02}:{:02}:00",
            1 + i / 1440 % 28,
            i / 60 % 24,
            i % 60
        );
        let cells: [String; 11] = if i % 100 == 1 {
            let p = i - 1;
            [
                t,
                "商户消费-退款".into(),
                "商店".into(),
                format!("退款-商品{p}"),
                "收入".into(),
                "¥0.01".into(),
                "零钱".into(),
                "已退款".into(),
                format!("4200{p:020}_r"),
                format!("M{p:012}"),
                "/".into(),
            ]
        } else if i % 50 == 25 {
            [
                t,
                "零钱提现".into(),
                "招商银行(1234)".into(),
                "/".into(),
                "/".into(),
                "¥2.00".into(),
                "零钱".into(),
                "提现已到账".into(),
                format!("1000{i:020}"),
                "/".into(),
                "服务费¥0.10".into(),
            ]
        } else {
            [
                t,
                "商户消费".into(),
                "商店".into(),
                format!("商品{i}"),
                "支出".into(),
                format!("¥1.{:02}", i % 100),
                "零钱".into(),
                "支付成功".into(),
                format!("4200{i:020}"),
                format!("M{i:012}"),
                "/".into(),
            ]
        };
        cells.to_vec()
    });
    big_xlsx::write_xlsx(&path, rows).unwrap();
    std::fs::read(&path).unwrap()
}

#[test]
fn streamed_xlsx_bills_store_exactly_what_bills_in_memory_store() {
    let hostile = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/hostile");
    let mut cases: Vec<(String, Vec<u8>)> = owned_bill_names()
        .into_iter()
        .filter(|n| n.ends_with(".xlsx"))
        .map(|n| {
            let bytes = read(&n);
            (n, bytes)
        })
        .collect();
    assert_eq!(cases.len(), 3);
    cases.push((
        "xlsx-dimension.xlsx".into(),
        std::fs::read(hostile.join("xlsx-dimension.xlsx")).unwrap(),
    ));
    cases.push(("many.xlsx".into(), many_xlsx(40_000))); // more than two chunks
    for (name, bytes) in &cases {
        let [memory, streamed] = both_ways(name, bytes);
        assert!(memory.0.starts_with('{'), "{name}: {}", memory.0);
        assert_eq!(memory, streamed, "{name}");
    }
}

#[test]
fn broken_streamed_xlsx_bills_fail_as_in_memory_and_store_nothing() {
    let hostile = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/hostile");
    let good = many_xlsx(100);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "far.xlsx",
            std::fs::read(hostile.join("xlsx-far-cells.xlsx")).unwrap(),
        ),
        (
            "unique.xlsx",
            std::fs::read(hostile.join("xlsx-unique-count.xlsx")).unwrap(),
        ),
    ];
    for (name, bytes) in cases {
        let [memory, streamed] = both_ways(name, &bytes);
        assert!(memory.0.starts_with("error: "), "{name}: {}", memory.0);
        assert_eq!(memory, streamed, "{name}");
        assert!(streamed.1.is_empty(), "{name}: nothing stored");
    }
    // A workbook cut short: `import_file` reads it whole (its ZIP directory is gone, so it is
    // not taken for a workbook); streamed, it is refused as an XLSX and nothing is stored.
    let [_, streamed] = both_ways("cut.xlsx", &good[..good.len() / 2]);
    assert_eq!(
        streamed,
        (
            "error: cut.xlsx: file: the XLSX file is damaged or incomplete (invalid Zip archive: Could not find EOCD)".to_string(),
            vec![]
        )
    );
}

/// 200,000 rows (a big bill in a few seconds): the right counts and sums, read a chunk at a
/// time.
#[test]
fn a_200k_row_xlsx_streams_in_with_the_right_counts() {
    const N: usize = 200_000;
    let mut db = Db::new();
    let path = db.dir.path().join("big.xlsx");
    std::fs::write(&path, many_xlsx(N)).unwrap();
    let vault = db.dir.path().join("vault");
    let mut reports = 0;
    let r = stream::import_streamed_xlsx(
        &mut db.store,
        &path,
        "big.xlsx",
        &opts(),
        &vault,
        &now(),
        &mut |_| reports += 1,
    )
    .unwrap();
    // Rows: i % 100 == 1 a refund of ¥0.01, i % 50 == 25 a withdrawal of ¥2.00, the rest
    // purchases of ¥1.(i % 100).
    let (mut expense, mut income, mut neutral) = (0i64, 0i64, 0i64);
    for i in 0..N {
        if i % 100 == 1 {
            income += 1;
        } else if i % 50 == 25 {
            neutral += 200;
        } else {
            expense += 100 + (i % 100) as i64;
        }
    }
    let money = |fen: i64| crate::money::Money(fen).to_plain();
    assert_eq!(
        (
            r.format.as_str(),
            r.rows,
            r.imported,
            r.duplicates,
            r.withdrawals
        ),
        ("wechat-xlsx", N as u64, N as u64, 0, (N / 50) as u64)
    );
    assert_eq!(
        [
            r.totals.expense.to_plain(),
            r.totals.income.to_plain(),
            r.totals.neutral.to_plain()
        ],
        [money(expense), money(income), money(neutral)]
    );
    assert_eq!(
        (r.sheet.as_deref(), r.header_line, r.refunds_linked),
        (Some("Sheet1"), 7, (N / 100) as u64)
    );
    assert_eq!(db.count("transactions"), N as i64);
    assert!(reports >= 10, "the bar moved: {reports} reports");
    assert_eq!(
        std::fs::read_dir(&vault).unwrap().count(),
        1,
        "the original kept"
    );
    // The same file again: every row a duplicate, nothing recorded.
    let again = stream::import_streamed_xlsx(
        &mut db.store,
        &path,
        "big.xlsx",
        &opts(),
        &vault,
        &now(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(
        (again.imported, again.duplicates, again.import_id),
        (0, N as u64, None)
    );
}

#[test]
fn a_streamed_xlsx_import_cancelled_midway_stores_nothing() {
    let mut db = Db::new();
    let path = db.dir.path().join("big.xlsx");
    std::fs::write(&path, many_xlsx(50_000)).unwrap();
    let vault = db.dir.path().join("vault");
    let cancel = Arc::new(AtomicBool::new(false));
    let options = ImportOptions {
        cancel: Some(cancel.clone()),
        ..opts()
    };
    let mut seen = Vec::new();
    let err = stream::import_streamed_xlsx(
        &mut db.store,
        &path,
        "big.xlsx",
        &options,
        &vault,
        &now(),
        &mut |p| {
            seen.push(p);
            if p.done >= 20_000 {
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        },
    )
    .unwrap_err();
    assert!(matches!(err, CoreError::Cancelled), "{err}");
    // The bar moved, toward the rows of the sheet.
    let last = *seen.last().unwrap();
    assert!(last.done >= 20_000 && last.done < 50_000, "{last:?}");
    assert_eq!(last.total, 50_000, "{last:?}");
    let files = std::fs::read_dir(&vault).map_or(0, |d| d.count());
    assert_eq!(
        (
            files,
            db.count("transactions"),
            db.count("imports"),
            db.count("platforms")
        ),
        (0, 0, 0, 0)
    );
    fts_integrity_check(&db);
}
