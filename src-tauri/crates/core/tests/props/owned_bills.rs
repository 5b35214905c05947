//! The bill fixtures the project owns: every layout the importer reads, written by
//! [`crate::fixtures`] from [`fixtures::sample_rows`], into `tests/fixtures/bills/` at the
//! repository root (by `cargo run -p tixian-core --example gen_bill_fixtures`), each with its
//! golden `NAME.expected.json` beside it: the exact import report a fresh database gives and a few
//! rows as the ledger stores them. The golden values are worked out here from the rows the
//! file was written with, never by running the importer, so a test comparing the two can fail.
//!
//! Every file is deterministic except the password ZIPs (AES takes a random salt): their
//! committed bytes differ from a fresh run, but what they unlock to does not
//! (`committed_bill_fixtures_are_what_the_generator_writes` checks both).
#![allow(dead_code)]

use crate::fixtures::{self, Dir, Layout, Lock, Row};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The password of the owned password ZIPs (six digits, as the exports' are).
pub const PASSWORD: &str = fixtures::PASSWORD;

/// One owned fixture: its file name, bytes and golden report.
pub struct Owned {
    pub name: String,
    pub bytes: Vec<u8>,
    /// The ZIP's password, when it has one.
    pub password: Option<&'static str>,
    /// For a ZIP: the entry inside (name, bytes).
    pub inner: Option<(String, Vec<u8>)>,
    pub expected: Value,
}

/// `tests/fixtures/bills/` in the repository.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/bills")
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// Whether the layout's fee is the 备注's `服务费¥…` (the 2021 app layout has no 备注; the web
/// layout has its own 服务费（元） column, which the generator fills with 0.00).
fn fee_in_note(layout: Layout) -> bool {
    !matches!(layout, Layout::AlipayAppCsv | Layout::AlipayWebCsv)
}

/// `服务费¥0.10` in a note → 10.
fn fee_fen(note: &str) -> i64 {
    let Some(rest) = note.split("服务费¥").nth(1) else {
        return 0;
    };
    let (y, f) = rest.split_once('.').unwrap_or((rest, "0"));
    y.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap()
}

/// A row as `transactions` holds it (the columns every layout fills the same way).
fn stored(layout: Layout, line: u64, r: &Row) -> Value {
    json!({
        "line": line,
        "txn_id": r.id,
        "occurred_at": r.at.format("%Y-%m-%dT%H:%M:%S+08:00").to_string(),
        "direction": match r.dir {
            Dir::Income => "income",
            Dir::Expense => "expense",
            Dir::Neutral => "neutral",
        },
        "amount": yuan(r.fen),
        "txn_type": r.kind,
        "counterparty": r.party,
        "status": r.status,
        "fee": yuan(if fee_in_note(layout) { fee_fen(&r.note) } else { 0 }),
    })
}

/// The rows the golden file spells out: the first purchase, the first withdrawal, the refund.
pub const SAMPLED: [usize; 3] = [0, 2, 4];

fn expected(layout: Layout, rows: &[Row], zip: Option<&str>) -> Value {
    let [expense, income, neutral] = fixtures::totals(rows);
    let first = layout.header_line() + 1;
    let sampled: Vec<Value> = SAMPLED
        .iter()
        .map(|&i| stored(layout, first + i as u64, &rows[i]))
        .collect();
    let xlsx = matches!(
        layout,
        Layout::WechatXlsx | Layout::WechatXlsxNumeric | Layout::AlipayXlsx
    );
    json!({
        "format": layout.format(),
        "platform": if layout.is_wechat() { "微信支付" } else { "支付宝" },
        "container": zip.map(|_| "zip"),
        "entry": zip,
        "sheet": if xlsx { Some("Sheet1") } else { None },
        "header_line": layout.header_line(),
        "rows": rows.len(),
        "imported": rows.len(),
        "duplicates": 0,
        "withdrawals": rows.iter().filter(|r| r.kind.contains("提现")).count(),
        "totals": {
            "expense": yuan(expense),
            "income": yuan(income),
            "neutral": yuan(neutral),
        },
        "transactions": sampled,
    })
}

/// Every owned fixture, in a fixed order.
pub fn all() -> Vec<Owned> {
    let rows = fixtures::sample_rows();
    let plain = [
        (Layout::WechatCsv, "wechat-csv-utf8.csv"),
        (Layout::WechatXlsx, "wechat-xlsx-2025.xlsx"),
        (Layout::WechatXlsxNumeric, "wechat-xlsx-2026.xlsx"),
        (Layout::AlipayCsv, "alipay-csv-2023-gbk.csv"),
        (Layout::AlipayAppCsv, "alipay-csv-2021-app-gbk.csv"),
        (Layout::AlipayWebCsv, "alipay-csv-2019-web-gbk.csv"),
        (Layout::AlipayXlsx, "alipay-xlsx-2023.xlsx"),
    ];
    let mut out: Vec<Owned> = plain
        .iter()
        .map(|(layout, name)| Owned {
            name: name.to_string(),
            bytes: fixtures::render(*layout, &rows),
            password: None,
            inner: None,
            expected: expected(*layout, &rows, None),
        })
        .collect();
    // The password ZIPs as they are mailed: AES-256 around the bill.
    for (layout, name, entry) in [
        (
            Layout::AlipayCsv,
            "alipay-aes.zip",
            "支付宝交易明细(20250301-20250331).csv",
        ),
        (
            Layout::WechatXlsxNumeric,
            "wechat-aes.zip",
            "微信支付账单流水文件(20250301-20250331).xlsx",
        ),
    ] {
        let inner = fixtures::render(layout, &rows);
        out.push(Owned {
            name: name.to_string(),
            bytes: fixtures::zip(&[(entry, &inner)], Some(Lock::Aes256)),
            password: Some(PASSWORD),
            inner: Some((entry.to_string(), inner)),
            expected: expected(layout, &rows, Some(entry)),
        });
    }
    for o in &mut out {
        o.expected["file"] = json!(o.name);
        o.expected["password"] = json!(o.password);
    }
    out
}

/// The golden file's name beside `name`.
pub fn expected_name(name: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    format!("{stem}.expected.json")
}

/// The golden JSON as written (pretty, keys sorted, a final newline).
pub fn expected_text(o: &Owned) -> String {
    serde_json::to_string_pretty(&o.expected).unwrap() + "\n"
}

/// Writes every fixture and its golden file into `dir`.
pub fn write_all(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for o in all() {
        std::fs::write(dir.join(&o.name), &o.bytes).unwrap();
        std::fs::write(dir.join(expected_name(&o.name)), expected_text(&o)).unwrap();
    }
}

/// The entries of a ZIP, opened with `password` when given: `(name, bytes)`.
pub fn unzip(bytes: &[u8], password: Option<&str>) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..a.len())
        .map(|i| {
            let mut f = match password {
                Some(p) => a.by_index_decrypt(i, p.as_bytes()).unwrap(),
                None => a.by_index(i).unwrap(),
            };
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            (f.name().unwrap().to_string(), out)
        })
        .collect()
}

#[test]
fn committed_bill_fixtures_are_what_the_generator_writes() {
    let committed = dir();
    let hint = "run `cargo run -p tixian-core --example gen_bill_fixtures` and commit the result";
    let mut names: Vec<String> = Vec::new();
    for o in all() {
        let path = committed.join(&o.name);
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} ({hint})", path.display()));
        match &o.inner {
            // AES salts differ per run: compare what the ZIP unlocks to.
            Some((entry, inner)) => {
                assert_eq!(
                    unzip(&bytes, o.password),
                    vec![(entry.clone(), inner.clone())],
                    "{} unlocks to something else ({hint})",
                    o.name
                );
                assert!(
                    zip::ZipArchive::new(std::io::Cursor::new(&bytes[..]))
                        .unwrap()
                        .by_index(0)
                        .is_err(),
                    "{} opens without its password",
                    o.name
                );
            }
            None => assert!(bytes == o.bytes, "{} differs ({hint})", o.name),
        }
        let golden = committed.join(expected_name(&o.name));
        assert_eq!(
            std::fs::read_to_string(&golden)
                .unwrap_or_else(|e| panic!("{}: {e} ({hint})", golden.display())),
            expected_text(&o),
            "{} ({hint})",
            golden.display()
        );
        names.push(o.name.clone());
        names.push(expected_name(&o.name));
    }
    // Nothing else in the folder but its README.
    names.push("README.md".into());
    let mut present: Vec<String> = std::fs::read_dir(&committed)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    present.sort();
    names.sort();
    assert_eq!(
        present,
        names,
        "stray or missing files in {}",
        committed.display()
    );
}

#[test]
fn the_generator_writes_the_same_bytes_twice() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write_all(a.path());
    write_all(b.path());
    for o in all() {
        if o.inner.is_none() {
            assert!(
                std::fs::read(a.path().join(&o.name)).unwrap()
                    == std::fs::read(b.path().join(&o.name)).unwrap(),
                "{} is not deterministic",
                o.name
            );
        }
    }
}
