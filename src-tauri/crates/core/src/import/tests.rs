//! Import tests on the shared real-layout fixtures (read in place from `../shared/fixtures/bills`
//! beside the repository) with golden figures worked out from the files themselves, and on
//! fixtures generated here for every case they lack (see `tests/fixtures/README.md`).

use super::*;
use crate::ledger::{list_withdrawals, WithdrawalStatus};
use std::io::Write;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/fixtures/bills").join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e} (is shared/ beside the repo?)"))
}

fn now() -> Timestamp {
    time::parse_time("2026-07-01T09:00:00+08:00", "now").unwrap()
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

    fn import(&mut self, file: &str, bytes: &[u8], options: &ImportOptions) -> Result<ImportReport> {
        let vault = self.dir.path().join("vault");
        import_bytes(&mut self.store, file, bytes, options, &vault, &now(), &mut |_| {})
    }

    fn count(&self, table: &str) -> i64 {
        self.store.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
    }
}

fn opts() -> ImportOptions {
    ImportOptions::default()
}

fn totals(bill: &ParsedBill) -> [String; 3] {
    [bill.totals.expense.to_plain(), bill.totals.income.to_plain(), bill.totals.neutral.to_plain()]
}

// ---- the shared fixtures, golden figures ----

#[test]
fn wechat_csv_fixture_figures() {
    let bill = parse("wechat_csv_utf8.csv", &read("wechat_csv_utf8.csv"), None).unwrap();
    assert_eq!((bill.format.as_str(), bill.rows(), bill.header_line), ("wechat-csv", 27, 17));
    assert_eq!(totals(&bill), ["2904.53", "28.49", "26100.89"]);
    let withdrawals: Vec<_> = bill.txns.iter().filter(|t| t.withdrawal.is_some()).collect();
    assert_eq!(withdrawals.len(), 3);
    assert_eq!(withdrawals.iter().map(|t| t.fee.fen()).sum::<i64>(), 120);
    assert!(withdrawals.iter().all(|t| t.withdrawal == Some(WithdrawalStatus::Arrived)));
    assert_eq!(bill.txns[0].line, 18);
    assert_eq!(bill.txns[0].cells[8], "3985734", "quoted id with TAB suffix");
    let half = bill.txns.iter().find(|t| t.cells[3] == "美团订单-54321").unwrap();
    assert_eq!(half.amount, Money(5000), "¥50.0 has one decimal");
}

#[test]
fn wechat_xlsx_2025_fixture_figures() {
    let bill = parse("x.xlsx", &read("wechat_xlsx_2025fmt.xlsx"), None).unwrap();
    assert_eq!((bill.format.as_str(), bill.rows(), bill.header_line), ("wechat-xlsx", 27, 17));
    assert_eq!(bill.sheet.as_deref(), Some("Sheet1"));
    assert_eq!(totals(&bill), ["2904.53", "28.49", "26100.89"]);
}

#[test]
fn wechat_xlsx_2026_fixture_rounds_float_cells() {
    let bill = parse("x.xlsx", &read("wechat_xlsx_2026fmt.xlsx"), None).unwrap();
    assert_eq!((bill.format.as_str(), bill.rows(), bill.header_line), ("wechat-xlsx", 27, 18));
    assert_eq!(bill.sheet.as_deref(), Some("Sheet1"), "the sheet with numeric amounts, not the Power Query copy");
    assert_eq!(totals(&bill), ["2904.53", "28.49", "26100.89"]);
    let card = bill.txns.iter().find(|t| t.cells[1] == "信用卡还款").unwrap();
    assert_eq!(card.amount, Money(54_858));
    assert_eq!(bill.txns.iter().filter(|t| t.amount == Money(7)).count(), 2);
}

#[test]
fn alipay_current_fixture_figures() {
    let bill = parse("a.csv", &read("alipay_csv_2023fmt_gbk.csv"), None).unwrap();
    assert_eq!((bill.format.as_str(), bill.rows(), bill.header_line), ("alipay-csv", 10, 25));
    assert_eq!(totals(&bill), ["211.64", "222228.50", "247.37"]);
    assert_eq!(bill.txns.iter().filter(|t| t.is_refund).count(), 2);
}

#[test]
fn alipay_app_2021_fixture_figures() {
    let bill = parse("a.csv", &read("alipay_csv_2021app_gbk.csv"), None).unwrap();
    assert_eq!((bill.format.as_str(), bill.rows(), bill.header_line), ("alipay-app-csv", 16, 2));
    assert_eq!(totals(&bill), ["321.81", "161.90", "3197.41"]);
    assert_eq!(bill.txns.iter().filter(|t| t.is_refund).count(), 2);
}

#[test]
fn alipay_web_2019_fixture_figures() {
    let bill = parse("a.csv", &read("alipay_csv_2019web_gbk.csv"), None).unwrap();
    assert_eq!((bill.format.as_str(), bill.rows(), bill.header_line), ("alipay-web-csv", 6, 5));
    assert_eq!(totals(&bill), ["3110.00", "0.01", "2808.42"]);
    assert_eq!(bill.txns.iter().map(|t| t.refunded.fen()).sum::<i64>(), 280_842);
}

// ---- storing: dedup, vault, withdrawals, refunds ----

#[test]
fn import_reports_contract_figures_and_keeps_the_original() {
    let mut db = Db::new();
    let bytes = read("wechat_csv_utf8.csv");
    let r = db.import("wechat_csv_utf8.csv", &bytes, &opts()).unwrap();
    assert_eq!((r.rows, r.imported, r.duplicates, r.withdrawals), (27, 27, 0, 3));
    assert_eq!(r.platform, "微信支付");
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["totals"], serde_json::json!({"expense": "2904.53", "income": "28.49", "neutral": "26100.89"}));
    let kept = std::fs::read(vault::path_for(&db.dir.path().join("vault"), &r.sha256)).unwrap();
    assert_eq!(kept, bytes);
    // Each row traces to its line, with every original column.
    let (line, original): (i64, String) = db
        .store
        .conn()
        .query_row("SELECT line, original_json FROM transactions WHERE goods = '美团订单-54321'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(line, 42);
    let v: serde_json::Value = serde_json::from_str(&original).unwrap();
    assert_eq!(v["金额(元)"], "¥50.0");
    assert_eq!(v["备注"], "/");
}

#[test]
fn reimport_of_same_file_adds_nothing() {
    let mut db = Db::new();
    let bytes = read("alipay_csv_2023fmt_gbk.csv");
    db.import("a.csv", &bytes, &opts()).unwrap();
    let before = (db.count("transactions"), db.count("imports"), db.count("withdrawals"));
    let r = db.import("a.csv", &bytes, &opts()).unwrap();
    assert_eq!((r.rows, r.imported, r.duplicates, r.withdrawals, r.import_id), (10, 0, 10, 0, None));
    assert_eq!((db.count("transactions"), db.count("imports"), db.count("withdrawals")), before);
}

#[test]
fn csv_and_xlsx_of_the_same_period_are_the_same_transactions() {
    let mut db = Db::new();
    db.import("w.csv", &read("wechat_csv_utf8.csv"), &opts()).unwrap();
    let r = db.import("w.xlsx", &read("wechat_xlsx_2026fmt.xlsx"), &opts()).unwrap();
    assert_eq!((r.imported, r.duplicates), (0, 27));
}

/// Splits the WeChat fixture into two exports that overlap in rows 10–15.
fn overlapping_wechat() -> (Vec<u8>, Vec<u8>) {
    let text = String::from_utf8(read("wechat_csv_utf8.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (head, rows) = lines.split_at(17);
    let a = [head, &rows[..15]].concat().join("\n") + "\n";
    let b = [head, &rows[9..]].concat().join("\n") + "\n";
    (a.into_bytes(), b.into_bytes())
}

#[test]
fn overlapping_exports_import_the_union() {
    let mut db = Db::new();
    let (a, b) = overlapping_wechat();
    let ra = db.import("a.csv", &a, &opts()).unwrap();
    let rb = db.import("b.csv", &b, &opts()).unwrap();
    assert_eq!((ra.imported, ra.duplicates), (15, 0));
    assert_eq!((rb.rows, rb.imported, rb.duplicates), (18, 12, 6));
    assert_eq!(db.count("transactions"), 27);
    assert_eq!(db.count("withdrawals"), 3, "withdrawal rows in the overlap are not doubled");
}

#[test]
fn ids_alone_do_not_make_duplicates() {
    // 3985734 is the id of eight different rows; 2024-06-07 23:40:27 holds two rows differing only in type.
    let mut db = Db::new();
    db.import("w.csv", &read("wechat_csv_utf8.csv"), &opts()).unwrap();
    let same_id: i64 = db
        .store
        .conn()
        .query_row("SELECT count(*) FROM transactions WHERE txn_id = '3985734'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(same_id, 8);
}

#[test]
fn wechat_withdrawal_rows_become_withdrawals_with_fee() {
    let mut db = Db::new();
    db.import("w.csv", &read("wechat_csv_utf8.csv"), &opts()).unwrap();
    let ws = list_withdrawals(db.store.conn(), Some("微信支付")).unwrap();
    let got: Vec<(String, String, WithdrawalStatus)> =
        ws.iter().map(|w| (w.amount.to_plain(), w.fee.to_plain(), w.status)).collect();
    assert_eq!(
        got,
        vec![
            ("100.00".into(), "0.10".into(), WithdrawalStatus::Arrived),
            ("10.00".into(), "0.10".into(), WithdrawalStatus::Arrived),
            ("1000.10".into(), "1.00".into(), WithdrawalStatus::Arrived),
        ]
    );
    assert_eq!(ws[0].requested_at, "2021-07-15T16:29:37+08:00");
    assert!(ws.iter().all(|w| w.transaction_id.is_some() && w.import_id.is_some()));
}

const WECHAT_HEADER: &str = "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注";

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
fn failed_and_pending_withdrawals_keep_their_outcome() {
    let mut db = Db::new();
    let bytes = wechat_csv(&[
        "2025-03-01 10:00:00,零钱提现,招商银行(1234),/,/,¥500.50,零钱,\"提现失败，已退回零钱\",w1\t,/\t,服务费¥0.50",
        "2025-03-02 10:00:00,零钱提现,招商银行(1234),/,/,¥200.20,零钱,提现处理中,w2\t,/\t,服务费¥0.20",
    ]);
    let r = db.import("w.csv", &bytes, &opts()).unwrap();
    assert_eq!(r.withdrawals, 2);
    let ws = list_withdrawals(db.store.conn(), None).unwrap();
    assert_eq!((ws[0].status, ws[0].amount, ws[0].card_tail.as_str()), (WithdrawalStatus::Requested, Money(20_000), "1234"));
    assert_eq!((ws[1].status, ws[1].fee, ws[1].message.as_str()), (WithdrawalStatus::Returned, Money(50), "提现失败，已退回零钱"));
}

fn refund_links(db: &Db) -> Vec<(String, String)> {
    let mut stmt = db
        .store
        .conn()
        .prepare(
            "SELECT r.txn_id, p.txn_id FROM transactions r JOIN transactions p ON p.id = r.refund_of ORDER BY r.id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect()
}

#[test]
fn alipay_web_refunds_link_to_their_purchase() {
    let mut db = Db::new();
    let r = db.import("a.csv", &read("alipay_csv_2019web_gbk.csv"), &opts()).unwrap();
    assert_eq!(r.refunds_linked, 2);
    assert_eq!(
        refund_links(&db),
        vec![("987654_321".into(), "987654".into()), ("202011_133899".into(), "202011".into())]
    );
}

#[test]
fn alipay_app_refunds_link_by_goods_when_ids_repeat() {
    let mut db = Db::new();
    db.import("a.csv", &read("alipay_csv_2021app_gbk.csv"), &opts()).unwrap();
    let goods: Vec<String> = {
        let mut stmt = db
            .store
            .conn()
            .prepare("SELECT p.goods || '|' || p.status FROM transactions r JOIN transactions p ON p.id = r.refund_of")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    assert_eq!(goods.len(), 2);
    assert!(goods.iter().all(|g| g.starts_with("【直接下单付款】滴露") && g.ends_with("交易关闭")), "{goods:?}");
}

#[test]
fn a_refund_imported_before_its_purchase_is_linked_when_the_purchase_arrives() {
    let mut db = Db::new();
    let refund = wechat_csv(&["2025-04-02 10:00:00,商户消费-退款,某店,\"退款-书\",收入,¥30.00,零钱,已退款,r9\t,m9\t,/"]);
    let purchase = wechat_csv(&["2025-04-01 10:00:00,商户消费,某店,书,支出,¥30.00,零钱,已全额退款,p9\t,m9\t,/"]);
    assert_eq!(db.import("r.csv", &refund, &opts()).unwrap().refunds_linked, 0);
    assert_eq!(db.import("p.csv", &purchase, &opts()).unwrap().refunds_linked, 1);
    assert_eq!(refund_links(&db), vec![("r9".into(), "p9".into())]);
}

// ---- Excel re-saves, BOMs and other encodings ----

/// What Excel on Chinese Windows makes of the WeChat CSV: GBK, CRLF, every field quoted,
/// TAB suffixes gone, times as 2019/9/26 12:45:27, amounts without ¥.
fn excel_resave() -> Vec<u8> {
    let text = String::from_utf8(read("wechat_csv_utf8.csv")).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(line.as_bytes());
        let rec = rdr.records().next().unwrap().unwrap();
        let cells: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(c, v)| {
                let v = v.trim();
                let v = if i >= 17 && c == 0 {
                    let t = time::parse_time(v, "t").unwrap();
                    t.format("%Y/%-m/%-d %H:%M:%S").to_string()
                } else if i >= 17 && c == 5 {
                    v.trim_start_matches('¥').to_string()
                } else {
                    v.to_string()
                };
                format!("\"{}\"", v.replace('"', "\"\""))
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    encoding_rs::GBK.encode(&out).0.into_owned()
}

#[test]
fn excel_resaved_gbk_csv_is_the_same_bill() {
    let bill = parse("resaved.csv", &excel_resave(), None).unwrap();
    assert_eq!((bill.format.as_str(), bill.rows()), ("wechat-csv", 27));
    assert_eq!(totals(&bill), ["2904.53", "28.49", "26100.89"]);
    let mut db = Db::new();
    db.import("w.csv", &read("wechat_csv_utf8.csv"), &opts()).unwrap();
    let r = db.import("resaved.csv", &excel_resave(), &opts()).unwrap();
    assert_eq!((r.imported, r.duplicates), (0, 27), "a re-save is not new transactions");
}

#[test]
fn utf8_bom_is_ignored() {
    let bytes = [&b"\xEF\xBB\xBF"[..], &read("wechat_csv_utf8.csv")].concat();
    assert_eq!(parse("bom.csv", &bytes, None).unwrap().rows(), 27);
}

// ---- ZIPs: passwords, bombs, hostile names ----

fn zip_with(entries: &[(&str, &[u8])], password: Option<&str>, aes: bool) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        let base = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let options = match (password, aes) {
            (Some(p), true) => base.with_aes_encryption(zip::AesMode::Aes256, p),
            (Some(p), false) => {
                use zip::unstable::write::FileOptionsExt;
                FileOptionsExt::with_deprecated_encryption(base, p.as_bytes()).unwrap()
            }
            (None, _) => base,
        };
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn password_zip_imports_with_the_right_password_only() {
    let xlsx = read("wechat_xlsx_2026fmt.xlsx");
    for aes in [false, true] {
        let zip = zip_with(&[("微信支付账单(20250101-20250331).xlsx", &xlsx)], Some("123456"), aes);
        let mut db = Db::new();
        let e = db.import("bill.zip", &zip, &opts()).unwrap_err();
        assert_eq!(e.field_name(), Some("--password"), "no password, aes={aes}");
        let wrong = ImportOptions { password: Some("654321".into()), ..opts() };
        let e = db.import("bill.zip", &zip, &wrong).unwrap_err();
        assert!(e.message(crate::Lang::En).contains("password is wrong"), "aes={aes}: {e}");
        assert_eq!(db.count("transactions"), 0);
        let right = ImportOptions { password: Some("123456".into()), ..opts() };
        let r = db.import("bill.zip", &zip, &right).unwrap();
        assert_eq!((r.format.as_str(), r.imported, r.container.as_deref()), ("wechat-xlsx", 27, Some("zip")));
        assert_eq!(r.sha256, vault::sha256_hex(&xlsx), "rows trace to the bill inside the ZIP");
        let vault = db.dir.path().join("vault");
        assert!(vault::path_for(&vault, &vault::sha256_hex(&zip)).exists(), "the ZIP is kept too");
    }
}

#[test]
fn zip_bomb_is_refused() {
    let zeros = vec![0u8; 40 * 1024 * 1024];
    let zip = zip_with(&[("bill.csv", &zeros)], None, false);
    assert!(zip.len() < 1024 * 1024);
    let e = parse("bomb.zip", &zip, None).unwrap_err();
    assert!(e.message(crate::Lang::En).contains("ZIP bomb"), "{e}");
}

#[test]
fn zip_entry_climbing_out_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let zip = zip_with(&[("../../x", &read("wechat_csv_utf8.csv"))], None, false);
    let cwd = std::env::current_dir().unwrap();
    let e = parse("evil.zip", &zip, None).unwrap_err();
    assert!(e.message(crate::Lang::En).contains("../../x"), "{e}");
    assert!(!cwd.join("../../x").exists() && !dir.path().join("../../x").exists());
}

// ---- bad files: a clear error naming file, line, column; nothing imported ----

#[test]
fn bad_files_import_nothing_and_say_where() {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0u8; 64]);
    // A deterministic stream of "random" bytes.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect();
    let noise_without_nul: Vec<u8> = noise.iter().map(|b| b.max(&1) | 0x80).collect();
    let full = read("wechat_csv_utf8.csv");
    let truncated = full[..full.len() - 40].to_vec();
    let bad_amount = wechat_csv(&["2025-01-01 10:00:00,转账,A,/,支出,¥12.3.4,零钱,ok,1\t,2\t,/"]);
    let bad_time = wechat_csv(&["2025-13-01 10:00:00,转账,A,/,支出,¥12.34,零钱,ok,1\t,2\t,/"]);
    let wrong_header = "交易时间,交易类型,交易对方,商品,收/支,金额,支付方式,当前状态,交易单号,商户单号,备注\n".as_bytes().to_vec();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", Vec::new(), "empty.csv: file: the file is empty"),
        ("photo.csv", png, "photo.csv: file: this is not a bill export (it is a PNG image)"),
        ("noise.csv", noise, "noise.csv: file: this is not a bill export (it is binary data)"),
        ("noise2.csv", noise_without_nul, "noise2.csv"),
        ("cut.csv", truncated, "cut.csv:44: file: the file is incomplete"),
        ("amount.csv", bad_amount, "amount.csv:4:6: 金额(元): “¥12.3.4” is not an amount"),
        ("time.csv", bad_time, "time.csv:4:1: 交易时间: “2025-13-01 10:00:00” is not a time"),
        ("header.csv", wrong_header, "header.csv:1: header: the header lacks 金额(元)"),
        ("broken.xlsx", read("wechat_xlsx_2025fmt.xlsx")[..5000].to_vec(), "broken.xlsx"),
    ];
    let mut db = Db::new();
    for (name, bytes, expected) in cases {
        let e = db.import(name, &bytes, &opts()).unwrap_err();
        assert_eq!(e.exit_code(), 2, "{name}: {e}");
        let msg = e.message(crate::Lang::En);
        assert!(msg.starts_with(expected), "{name}: got “{msg}”, want “{expected}…”");
    }
    assert_eq!((db.count("transactions"), db.count("imports"), db.count("platforms")), (0, 0, 0));
}

#[test]
fn a_bad_row_late_in_the_file_rolls_back_every_row() {
    let mut db = Db::new();
    let mut rows: Vec<String> = (0..50)
        .map(|i| format!("2025-01-01 10:00:{:02},转账,A,/,支出,¥1.00,零钱,ok,id{i}\t,/\t,/", i % 60))
        .collect();
    rows.push("2025-01-02 10:00:00,转账,A,/,支出,abc,零钱,ok,bad\t,/\t,/".into());
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let e = db.import("late.csv", &wechat_csv(&refs), &opts()).unwrap_err();
    assert!(e.to_string().starts_with("late.csv:54:6"), "{e}");
    assert_eq!(db.count("transactions"), 0);
}

#[test]
fn platform_option_must_exist_and_fit_the_bill() {
    let mut db = Db::new();
    let e = db.import("a.csv", &read("alipay_csv_2023fmt_gbk.csv"), &ImportOptions { platform: Some("微信".into()), ..opts() });
    assert_eq!(e.unwrap_err().field_name(), Some("--platform"));
    db.store
        .transaction(|tx| {
            ledger::add_platform(tx, &NewPlatform { name: "微信".into(), kind: PlatformKind::Wechat, note: String::new() }, &now())
        })
        .unwrap();
    let e = db.import("a.csv", &read("alipay_csv_2023fmt_gbk.csv"), &ImportOptions { platform: Some("微信".into()), ..opts() });
    assert_eq!(e.unwrap_err().field_name(), Some("--platform"));
    let r = db.import("w.csv", &read("wechat_csv_utf8.csv"), &ImportOptions { platform: Some("微信".into()), ..opts() });
    assert_eq!(r.unwrap().platform, "微信");
}

// ---- reading back ----

#[test]
fn query_filters_and_pages() {
    let mut db = Db::new();
    db.import("w.csv", &read("wechat_csv_utf8.csv"), &opts()).unwrap();
    db.import("a.csv", &read("alipay_csv_2023fmt_gbk.csv"), &opts()).unwrap();
    let all = query_transactions(db.store.conn(), &TxnQuery::default()).unwrap();
    assert_eq!((all.total, all.rows.len()), (37, 37));
    let q = TxnQuery { platform: Some("微信支付".into()), direction: Some(Direction::Income), ..Default::default() };
    assert_eq!(query_transactions(db.store.conn(), &q).unwrap().total, 5);
    let q = TxnQuery { text: Some("美团".into()), ..Default::default() };
    assert_eq!(query_transactions(db.store.conn(), &q).unwrap().total, 2);
    let q = TxnQuery { text: Some("100%_".into()), ..Default::default() };
    assert_eq!(query_transactions(db.store.conn(), &q).unwrap().total, 0, "LIKE wildcards are escaped");
    let q = TxnQuery { from: Some("2021-07-01".into()), to: Some("2021-07-31".into()), ..Default::default() };
    assert_eq!(query_transactions(db.store.conn(), &q).unwrap().total, 4);
    let q = TxnQuery { limit: 10, offset: 30, ..Default::default() };
    let page = query_transactions(db.store.conn(), &q).unwrap();
    assert_eq!((page.total, page.rows.len()), (37, 7));
    let q = TxnQuery { from: Some("2021-13-01".into()), ..Default::default() };
    assert_eq!(query_transactions(db.store.conn(), &q).unwrap_err().field_name(), Some("from"));
    assert_eq!(list_imports(db.store.conn(), None).unwrap().len(), 2);
}

#[test]
fn progress_reaches_the_total() {
    let mut db = Db::new();
    let mut last = None;
    let vault = db.dir.path().join("vault");
    import_bytes(&mut db.store, "w.csv", &read("wechat_csv_utf8.csv"), &opts(), &vault, &now(), &mut |p| last = Some(p))
        .unwrap();
    assert_eq!(last, Some(ImportProgress { done: 27, total: 27 }));
}
