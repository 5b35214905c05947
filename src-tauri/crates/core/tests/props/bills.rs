//! Properties of bill import: for any bytes — random, or a real layout cut, flipped, spliced,
//! wrapped in a ZIP with or without a password — `import::parse` gives a bill or a clean
//! "bad input" error, never a panic; a bill written in any real layout reads back with the
//! rows and sums it was written with; a failed import leaves the database and vault untouched.

use crate::fixtures::{self, Dir, Layout, Row, PASSWORD};
use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;
use tixian_core::import::{self, ImportOptions};
use tixian_core::{time, Store};

fn now() -> time::Timestamp {
    time::parse_time("2026-07-01T09:00:00+08:00", tixian_core::Field::At).unwrap()
}

/// Parses `bytes` as the import does (asking for the password only when the ZIP needs one)
/// and checks the outcome is a bill or a bad-input error that says something.
fn check(name: &str, bytes: &[u8]) -> Option<import::ParsedBill> {
    let mut outcome = import::parse(name, bytes, None);
    if let Err(e) = &outcome {
        if e.field_name() == Some("password") {
            outcome = import::parse(name, bytes, Some(PASSWORD));
        }
    }
    match outcome {
        Ok(bill) => {
            let t = bill.totals;
            assert!(t.expense.fen() >= 0 && t.income.fen() >= 0 && t.neutral.fen() >= 0);
            Some(bill)
        }
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{name}: not a bad-input error: {e}");
            assert!(!e.message(tixian_core::Lang::En).is_empty());
            assert!(!e.message(tixian_core::Lang::Zh).is_empty());
            None
        }
    }
}

fn seeds() -> &'static [(String, Vec<u8>)] {
    static SEEDS: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(fixtures::bill_files)
}

#[test]
fn every_generated_layout_reads_back_as_written() {
    let rows = fixtures::sample_rows();
    let want = fixtures::totals(&rows);
    for layout in Layout::ALL {
        let bytes = fixtures::render(layout, &rows);
        let bill = import::parse(layout.file_name(), &bytes, None)
            .unwrap_or_else(|e| panic!("{layout:?}: {e}"));
        assert_eq!(bill.format, layout.format(), "{layout:?}");
        assert_eq!(bill.header_line, layout.header_line(), "{layout:?}");
        assert_eq!(bill.rows(), rows.len() as u64, "{layout:?}");
        let got = [
            bill.totals.expense.fen(),
            bill.totals.income.fen(),
            bill.totals.neutral.fen(),
        ];
        assert_eq!(got, want, "{layout:?}");
    }
    for (name, bytes) in seeds() {
        let bill = check(name, bytes).unwrap_or_else(|| panic!("{name} does not import"));
        assert_eq!(bill.rows(), rows.len() as u64, "{name}");
    }
}

/// Field text the exports could hold (GBK-encodable, no CSV quoting needed).
fn field() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "[张三李四商店超市银行餐厅退款提现零钱转账红包已存入成功失败abcXYZ0-9()（）_ /:-]{1,12}",
    )
    .unwrap()
}

fn bill_row() -> impl Strategy<Value = Row> {
    let start = NaiveDate::from_ymd_opt(1992, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    (
        0i64..(108 * 365 * 86_400),
        prop_oneof![Just(Dir::Income), Just(Dir::Expense), Just(Dir::Neutral)],
        prop_oneof![0i64..100, 0i64..1_000_000_000],
        (field(), field(), field(), field(), field()),
        0u64..1_000_000_000_000,
    )
        .prop_map(
            move |(secs, dir, fen, (kind, party, goods, status, note), id)| Row {
                at: start + chrono::Duration::seconds(secs),
                dir,
                fen,
                kind,
                party,
                goods,
                status,
                note,
                id: format!("{id:012}"),
            },
        )
}

fn layout() -> impl Strategy<Value = Layout> {
    proptest::sample::select(Layout::ALL.to_vec())
}

fn seed() -> impl Strategy<Value = usize> {
    0..seeds().len()
}

/// Up to four cuts, flips and splices.
fn mutations() -> impl Strategy<Value = Vec<(u64, usize, u8, usize)>> {
    proptest::collection::vec(
        (any::<u64>(), any::<usize>(), any::<u8>(), 0usize..512),
        1..=4,
    )
}

fn mutated(seed: usize, steps: &[(u64, usize, u8, usize)]) -> (String, Vec<u8>) {
    let (name, bytes) = &seeds()[seed];
    let mut out = bytes.clone();
    for (choice, at, byte, len) in steps {
        out = fixtures::mutate(&out, *choice, *at, *byte, *len);
    }
    (name.clone(), out)
}

proptest! {
    #![proptest_config(crate::cases(400))]

    #[test]
    fn random_bytes_are_refused_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        check("random.csv", &bytes);
    }

    #[test]
    fn random_bytes_behind_a_known_start_are_refused_cleanly(
        start in proptest::sample::select(vec![
            &b"PK\x03\x04"[..], b"PK\x05\x06", b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF",
            "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态\n".as_bytes(),
            "收/支,交易对方,金额,交易状态,交易分类,交易时间\n".as_bytes(),
        ]),
        rest in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        check("start.csv", &[start, &rest].concat());
    }

    #[test]
    fn mutated_real_layouts_import_or_are_refused_cleanly(seed in seed(), steps in mutations()) {
        let (name, bytes) = mutated(seed, &steps);
        check(&name, &bytes);
    }

    #[test]
    fn truncated_real_layouts_import_or_are_refused_cleanly(seed in seed(), cut in any::<prop::sample::Index>()) {
        let (name, bytes) = &seeds()[seed];
        let cut = cut.index(bytes.len());
        if let Some(bill) = check(name, &bytes[..cut]) {
            prop_assert!(bill.rows() <= fixtures::sample_rows().len() as u64);
        }
    }

    #[test]
    fn hostile_bills_inside_a_zip_are_refused_cleanly(
        seed in seed(),
        steps in mutations(),
        lock in prop_oneof![Just(None), Just(Some(fixtures::Lock::ZipCrypto)), Just(Some(fixtures::Lock::Aes256))],
        password in prop_oneof![Just(None), Just(Some(PASSWORD.to_string())), "[0-9]{0,8}".prop_map(Some)],
    ) {
        let (_, inner) = mutated(seed, &steps);
        let zip = fixtures::zip(&[("账单.csv", &inner)], lock);
        match import::parse("bill.zip", &zip, password.as_deref()) {
            Ok(_) => {}
            Err(e) => prop_assert_eq!(e.exit_code(), 2, "{}", e),
        }
    }
}

proptest! {
    #![proptest_config(crate::cases(48))]

    #[test]
    fn any_rows_in_any_layout_read_back_with_their_count_and_sums(
        layout in layout(),
        rows in proptest::collection::vec(bill_row(), 1..40),
    ) {
        let bytes = fixtures::render(layout, &rows);
        let bill = import::parse(layout.file_name(), &bytes, None)
            .map_err(|e| TestCaseError::fail(format!("{layout:?}: {e}")))?;
        prop_assert_eq!(bill.format.as_str(), layout.format());
        prop_assert_eq!(bill.rows(), rows.len() as u64);
        let got = [bill.totals.expense.fen(), bill.totals.income.fen(), bill.totals.neutral.fen()];
        prop_assert_eq!(got, fixtures::totals(&rows));
    }

    /// Through the store: a mutated bill either imports or changes nothing at all (no rows,
    /// no import record, no platform, nothing in the vault).
    #[test]
    fn a_refused_import_leaves_the_database_and_vault_as_they_were(seed in seed(), steps in mutations()) {
        let (name, bytes) = mutated(seed, &steps);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(&name);
        std::fs::write(&path, &bytes).unwrap();
        let db = dir.path().join("t.db");
        let mut store = Store::open(&db).unwrap();
        let options = ImportOptions { platform: None, password: Some(PASSWORD.into()), ..ImportOptions::default() };
        let parsed = import::parse(&name, &bytes, Some(PASSWORD)).is_ok();
        match import::import_file(&mut store, &path, &options, &now(), &mut |_| {}) {
            Ok(report) => {
                prop_assert!(parsed, "import_file took what parse refused");
                prop_assert!(report.imported + report.duplicates == report.rows);
            }
            Err(e) => {
                prop_assert!(!parsed, "parse took what import_file refused: {}", e);
                prop_assert_eq!(e.exit_code(), 2, "{}", e);
                let count = |table: &str| -> i64 {
                    store.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
                };
                prop_assert_eq!((count("transactions"), count("imports"), count("platforms")), (0, 0, 0));
                let vault = tixian_core::store::vault_dir(&db);
                prop_assert!(!vault.exists() || std::fs::read_dir(&vault).unwrap().next().is_none());
            }
        }
    }
}

#[test]
fn times_at_the_ends_of_the_range_in_a_bill_are_read_or_refused_cleanly() {
    let mut rows = fixtures::sample_rows();
    for at in [
        "0000-01-01 00:00:00",
        "9999-12-31 23:59:59",
        "1991-09-15 00:30:00",
        "1900-01-01 00:00:00",
    ] {
        rows[0].at = NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S").unwrap();
        for layout in Layout::ALL {
            check(layout.file_name(), &fixtures::render(layout, &rows));
        }
    }
}
