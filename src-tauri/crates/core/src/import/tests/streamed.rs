//! The streamed path (a large text bill read from its file a chunk at a time) stores exactly
//! what the in-memory path stores and fails with the same errors: every CSV fixture, UTF-8,
//! GBK and UTF-16, and broken files, imported both ways into two fresh databases.

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
        let outcome = if streamed {
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
