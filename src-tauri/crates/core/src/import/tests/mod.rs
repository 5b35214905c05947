//! Import tests on the bill fixtures the project owns (`tests/fixtures/bills`, one bill in every
//! layout with its golden report beside it) and on bills the tests write themselves for every
//! case those lack (see `tests/fixtures/README.md`). The real exports in `../shared` are checked
//! once, by the CLI's `real_exports_import_with_their_known_figures`, never here.

use super::*;

#[path = "../../../examples/support/big_xlsx.rs"]
mod big_xlsx;
mod files;
mod golden;
mod listing;
mod props;
mod storing;
mod streamed;
mod xlsx_reader;
use crate::ledger::{list_withdrawals, WithdrawalStatus};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The owned bill fixtures (written by the `gen_bill_fixtures` example).
fn owned_bills() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/bills")
}

fn read(name: &str) -> Vec<u8> {
    let p = owned_bills().join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

/// The golden `NAME.expected.json` beside an owned fixture.
fn expected(name: &str) -> serde_json::Value {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    serde_json::from_slice(&read(&format!("{stem}.expected.json"))).unwrap()
}

/// Every owned fixture's name (each has its golden file), sorted.
fn owned_bill_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(owned_bills())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".expected.json") && n != "README.md")
        .collect();
    names.sort();
    names
}

/// The password of the owned AES ZIPs.
const FIXTURE_PASSWORD: &str = "123456";

/// The sums of the seven rows every owned fixture holds: `[expense, income, neutral]`.
const OWNED_TOTALS: [&str; 3] = ["40.16", "12.35", "600.99"];

fn now() -> Timestamp {
    time::parse_time("2026-07-01T09:00:00+08:00", crate::Field::At).unwrap()
}

struct Db {
    dir: tempfile::TempDir,
    store: Store,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        Db { dir, store }
    }

    fn import(
        &mut self,
        file: &str,
        bytes: &[u8],
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        let vault = self.dir.path().join("vault");
        import_bytes(
            &mut self.store,
            file,
            bytes,
            options,
            &vault,
            &now(),
            &mut |_| {},
        )
    }

    fn count(&self, table: &str) -> i64 {
        self.store
            .conn()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }
}

fn opts() -> ImportOptions {
    ImportOptions::default()
}

fn totals(bill: &ParsedBill) -> [String; 3] {
    [
        bill.totals.expense.to_plain(),
        bill.totals.income.to_plain(),
        bill.totals.neutral.to_plain(),
    ]
}

const WECHAT_HEADER: &str =
    "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注";

fn wechat_csv(rows: &[&str]) -> Vec<u8> {
    let mut s = String::from("微信支付账单明细,,,,,,,,,,\n----------------------微信支付账单明细列表--------------------,,,,,,,,,,\n");
    s.push_str(WECHAT_HEADER);
    s.push('\n');
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

#[test]
fn a_form_with_a_blank_platform_and_password_imports_into_the_bills_own_platform() {
    let cancel = Arc::new(AtomicBool::new(false));
    let blank = ImportOptions::from_form(Some("  ".into()), Some(String::new()), cancel.clone());
    assert_eq!((blank.platform, blank.password), (None, None));
    let filled = ImportOptions::from_form(Some("零钱".into()), Some(" pw ".into()), cancel.clone());
    assert_eq!(filled.platform.as_deref(), Some("零钱"));
    // A password is taken as typed: spaces can be part of it.
    assert_eq!(filled.password.as_deref(), Some(" pw "));
    cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(filled.cancelled());
}
