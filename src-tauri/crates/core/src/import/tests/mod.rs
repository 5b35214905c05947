//! Import tests on the shared real-layout fixtures (read in place from `../shared/fixtures/bills`
//! beside the repository) with golden figures worked out from the files themselves, and on
//! fixtures generated here for every case they lack (see `tests/fixtures/README.md`).

use super::*;

mod files;
mod golden;
mod listing;
mod props;
mod storing;
mod streamed;
use crate::ledger::{list_withdrawals, WithdrawalStatus};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/fixtures/bills")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name))
        .unwrap_or_else(|e| panic!("fixture {name}: {e} (is shared/ beside the repo?)"))
}

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
