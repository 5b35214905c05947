//! The shared real-layout fixtures, parsed, against golden figures worked out from the files.

use super::*;

// ---- the shared fixtures, golden figures ----

#[test]
fn wechat_csv_fixture_figures() {
    let bill = parse("wechat_csv_utf8.csv", &read("wechat_csv_utf8.csv"), None).unwrap();
    assert_eq!(
        (bill.format.as_str(), bill.rows(), bill.header_line),
        ("wechat-csv", 27, 17)
    );
    assert_eq!(totals(&bill), ["2904.53", "28.49", "26100.89"]);
    let withdrawals: Vec<_> = bill
        .txns
        .iter()
        .filter(|t| t.withdrawal.is_some())
        .collect();
    assert_eq!(withdrawals.len(), 3);
    assert_eq!(withdrawals.iter().map(|t| t.fee.fen()).sum::<i64>(), 120);
    assert!(withdrawals
        .iter()
        .all(|t| t.withdrawal == Some(WithdrawalStatus::Arrived)));
    assert_eq!(bill.txns[0].line, 18);
    assert_eq!(
        &bill.txns[0].cells[8], "3985734",
        "quoted id with TAB suffix"
    );
    let half = bill
        .txns
        .iter()
        .find(|t| &t.cells[3] == "美团订单-54321")
        .unwrap();
    assert_eq!(half.amount, Money(5000), "¥50.0 has one decimal");
}

#[test]
fn wechat_xlsx_2025_fixture_figures() {
    let bill = parse("x.xlsx", &read("wechat_xlsx_2025fmt.xlsx"), None).unwrap();
    assert_eq!(
        (bill.format.as_str(), bill.rows(), bill.header_line),
        ("wechat-xlsx", 27, 17)
    );
    assert_eq!(bill.sheet.as_deref(), Some("Sheet1"));
    assert_eq!(totals(&bill), ["2904.53", "28.49", "26100.89"]);
}

#[test]
fn wechat_xlsx_2026_fixture_rounds_float_cells() {
    let bill = parse("x.xlsx", &read("wechat_xlsx_2026fmt.xlsx"), None).unwrap();
    assert_eq!(
        (bill.format.as_str(), bill.rows(), bill.header_line),
        ("wechat-xlsx", 27, 18)
    );
    assert_eq!(
        bill.sheet.as_deref(),
        Some("Sheet1"),
        "the sheet with numeric amounts, not the Power Query copy"
    );
    assert_eq!(totals(&bill), ["2904.53", "28.49", "26100.89"]);
    let card = bill
        .txns
        .iter()
        .find(|t| &t.cells[1] == "信用卡还款")
        .unwrap();
    assert_eq!(card.amount, Money(54_858));
    assert_eq!(bill.txns.iter().filter(|t| t.amount == Money(7)).count(), 2);
}

#[test]
fn alipay_current_fixture_figures() {
    let bill = parse("a.csv", &read("alipay_csv_2023fmt_gbk.csv"), None).unwrap();
    assert_eq!(
        (bill.format.as_str(), bill.rows(), bill.header_line),
        ("alipay-csv", 10, 25)
    );
    assert_eq!(totals(&bill), ["211.64", "222228.50", "247.37"]);
    assert_eq!(bill.txns.iter().filter(|t| t.is_refund).count(), 2);
}

#[test]
fn alipay_app_2021_fixture_figures() {
    let bill = parse("a.csv", &read("alipay_csv_2021app_gbk.csv"), None).unwrap();
    assert_eq!(
        (bill.format.as_str(), bill.rows(), bill.header_line),
        ("alipay-app-csv", 16, 2)
    );
    assert_eq!(totals(&bill), ["321.81", "161.90", "3197.41"]);
    assert_eq!(bill.txns.iter().filter(|t| t.is_refund).count(), 2);
}

#[test]
fn alipay_web_2019_fixture_figures() {
    let bill = parse("a.csv", &read("alipay_csv_2019web_gbk.csv"), None).unwrap();
    assert_eq!(
        (bill.format.as_str(), bill.rows(), bill.header_line),
        ("alipay-web-csv", 6, 5)
    );
    assert_eq!(totals(&bill), ["3110.00", "0.01", "2808.42"]);
    assert_eq!(
        bill.txns.iter().map(|t| t.refunded.fen()).sum::<i64>(),
        280_842
    );
}
