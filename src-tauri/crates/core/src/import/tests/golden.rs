//! The owned fixtures, parsed, against their golden reports (`NAME.expected.json`, worked out
//! from the rows the generator writes, not by running the importer), and the traits of single
//! layouts that the golden reports do not show.

use super::*;

fn parse_owned(name: &str) -> ParsedBill {
    let password = name.ends_with(".zip").then_some(FIXTURE_PASSWORD);
    parse(name, &read(name), password).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_owned_fixture_parses_to_its_golden_report() {
    let names = owned_bill_names();
    assert_eq!(names.len(), 9, "{names:?}");
    for name in names {
        let bill = parse_owned(&name);
        let want = expected(&name);
        assert_eq!(bill.format, want["format"], "{name}");
        assert_eq!(bill.rows(), want["rows"].as_u64().unwrap(), "{name}");
        assert_eq!(
            bill.header_line,
            want["header_line"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(bill.sheet.as_deref(), want["sheet"].as_str(), "{name}");
        assert_eq!(bill.entry.as_deref(), want["entry"].as_str(), "{name}");
        assert_eq!(
            bill.provider.default_platform().0,
            want["platform"],
            "{name}"
        );
        assert_eq!(
            totals(&bill),
            ["expense", "income", "neutral"]
                .map(|k| want["totals"][k].as_str().unwrap().to_string()),
            "{name}"
        );
        let withdrawals = bill.txns.iter().filter(|t| t.withdrawal.is_some()).count();
        assert_eq!(
            withdrawals as u64,
            want["withdrawals"].as_u64().unwrap(),
            "{name}"
        );
        for w in want["transactions"].as_array().unwrap() {
            let id = w["txn_id"].as_str().unwrap();
            let t = bill
                .txns
                .iter()
                .find(|t| bill.columns.txn_id.is_some_and(|c| t.cells[c].trim() == id))
                .unwrap_or_else(|| panic!("{name}: no row {id}"));
            let got = (
                t.line,
                time::to_rfc3339(&t.at),
                t.direction.as_str(),
                t.amount.to_plain(),
                t.fee.to_plain(),
                t.text(bill.columns.status).trim().to_string(),
            );
            let want = (
                w["line"].as_u64().unwrap(),
                w["occurred_at"].as_str().unwrap().to_string(),
                w["direction"].as_str().unwrap(),
                w["amount"].as_str().unwrap().to_string(),
                w["fee"].as_str().unwrap().to_string(),
                w["status"].as_str().unwrap().to_string(),
            );
            assert_eq!(got, want, "{name}: row {id}");
        }
    }
}

#[test]
fn wechat_csv_withdrawals_keep_fee_and_outcome_and_ids_lose_their_tab() {
    let bill = parse_owned("wechat-csv-utf8.csv");
    assert_eq!(totals(&bill), OWNED_TOTALS);
    let withdrawals: Vec<_> = bill
        .txns
        .iter()
        .filter_map(|t| Some((t.withdrawal?, t.fee.fen())))
        .collect();
    assert_eq!(
        withdrawals,
        [
            (WithdrawalStatus::Arrived, 10),
            (WithdrawalStatus::Returned, 50)
        ]
    );
    assert_eq!(bill.txns[0].line, 18);
    assert_eq!(
        &bill.txns[0].cells[8], "4200000001",
        "quoted id with TAB suffix"
    );
    assert_eq!(bill.txns.iter().filter(|t| t.is_refund).count(), 1);
}

#[test]
fn an_amount_with_one_decimal_is_read_exactly() {
    let bill = parse(
        "w.csv",
        &wechat_csv(&["2023-07-09 13:30:22,商户消费,美团,美团订单-54321,支出,¥50.0,零钱,支付成功,3985734\t,m1\t,/"]),
        None,
    )
    .unwrap();
    assert_eq!(bill.txns[0].amount, Money(5000), "¥50.0 has one decimal");
}

#[test]
fn wechat_xlsx_2026_rounds_float_cells_and_reads_the_sheet_with_amounts() {
    let bill = parse_owned("wechat-xlsx-2026.xlsx");
    assert_eq!(
        bill.sheet.as_deref(),
        Some("Sheet1"),
        "the sheet with numeric amounts"
    );
    let amounts: Vec<i64> = bill.txns.iter().map(|t| t.amount.fen()).collect();
    assert_eq!(amounts, [2816, 35, 10000, 1200, 1200, 50000, 99]);
    let times: Vec<String> = bill.txns.iter().map(|t| time::to_rfc3339(&t.at)).collect();
    assert_eq!(times[0], "2025-03-01T12:45:27+08:00", "a date serial");
    assert_eq!(
        times[5], "2025-03-06T23:59:59+08:00",
        "a serial just before midnight"
    );
}

#[test]
fn alipay_layouts_mark_the_refund_row() {
    for name in [
        "alipay-csv-2023-gbk.csv",
        "alipay-csv-2021-app-gbk.csv",
        "alipay-csv-2019-web-gbk.csv",
        "alipay-xlsx-2023.xlsx",
    ] {
        let bill = parse_owned(name);
        let refunds: Vec<u64> = bill
            .txns
            .iter()
            .filter(|t| t.is_refund)
            .map(|t| t.line)
            .collect();
        assert_eq!(refunds, [bill.header_line + 5], "{name}");
    }
}

#[test]
fn alipay_web_reads_the_refunded_column() {
    // The web layout states each purchase's refunded amount in 成功退款（元）.
    let text = encoding_rs::GBK
        .decode(&read("alipay-csv-2019-web-gbk.csv"))
        .0
        .into_owned();
    let purchase = text
        .lines()
        .find(|l| l.starts_with("4200000004\t"))
        .unwrap();
    let cells: Vec<&str> = purchase.split(',').collect();
    let mut refunded = cells.clone();
    refunded[13] = "12.00";
    let text = text.replacen(purchase, &refunded.join(","), 1);
    let bill = parse("a.csv", &encoding_rs::GBK.encode(&text).0, None).unwrap();
    let got: Vec<i64> = bill.txns.iter().map(|t| t.refunded.fen()).collect();
    assert_eq!(got, [0, 0, 0, 1200, 0, 0, 0]);
}
