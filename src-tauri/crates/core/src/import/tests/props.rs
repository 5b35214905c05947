//! Properties of the import's inner steps, which the bill-level properties
//! (`tests/props/bills.rs`) reach only through whole files: the bill amount and time cells,
//! text decoding, sniffing, header recognition and the CSV reader. Any input gives a value or
//! a clean error; amounts and times written as the exports write them read back the same.

use super::super::{layout, normalise, source, table};
use crate::money::Money;
use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        ..ProptestConfig::default()
    }
}

const MAX_FEN: i64 = 1_000_000_000_000_000;

fn loc() -> table::Locator {
    table::Locator {
        file: "bill.csv".into(),
        sheet: None,
    }
}

proptest! {
    #![proptest_config(config(2_000))]

    #[test]
    fn any_cell_is_an_amount_or_a_clean_error(text in prop_oneof![any::<String>(), "[¥￥ 0-9.,eE+-元]{0,30}"]) {
        match normalise::parse_bill_amount(&text) {
            Ok(m) => prop_assert!((0..=MAX_FEN).contains(&m.fen()), "{:?} gave {:?}", text, m),
            Err(e) => prop_assert_eq!(e.field_name(), Some("amount")),
        }
        let fee = normalise::fee_in_note(&text);
        prop_assert!(fee.fen() >= 0);
    }

    #[test]
    fn amounts_as_the_exports_write_them_read_back(fen in prop_oneof![0i64..=MAX_FEN, 0i64..100_000]) {
        let m = Money::from_fen(fen);
        for text in [m.to_plain(), format!("¥{}", m.to_plain()), format!("￥{} ", m.to_plain()), format!("{}元", m.to_plain()), m.display()] {
            prop_assert_eq!(normalise::parse_bill_amount(&text).unwrap(), m, "{}", text);
        }
        prop_assert_eq!(normalise::fee_in_note(&format!("服务费¥{}", m.to_plain())), m);
    }

    /// What Excel stores for a cell of yuan: the nearest double, written in its shortest form
    /// or in scientific notation; read back it rounds to the fen it was.
    #[test]
    fn float_text_of_an_amount_rounds_back_to_its_fen(fen in 0i64..1_000_000_000_000) {
        let f = fen as f64 / 100.0;
        for text in [format!("{f}"), format!("{f:e}"), format!("{f:.15}")] {
            prop_assert_eq!(normalise::parse_bill_amount(&text).unwrap().fen(), fen, "{}", text);
        }
    }

    #[test]
    fn any_cell_is_a_time_or_a_clean_error(text in prop_oneof![
        any::<String>(),
        "[0-9+ -]{4}-[0-9+ -]{2}-[0-9+ -]{2}[ T][0-9+ -]{2}:[0-9+ -]{2}:[0-9+ -]{2}",
        "(19|20)[0-9]{2}-([+0-1][0-9])-([+0-3][0-9]) ([+0-2][0-9]):([+0-5][0-9]):([+0-5][0-9])",
    ]) {
        let fast = normalise::parse_bill_time(&text);
        // The fast path for `YYYY-MM-DD HH:MM:SS` never takes what the general reader refuses,
        // and agrees with it on what both take.
        match (&fast, crate::time::parse_time(&text, crate::Field::At)) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, &b, "{:?}", text),
            (Ok(a), Err(e)) => prop_assert!(false, "{:?}: the fast path read {} but the general reader says {}", text, a, e),
            _ => {}
        }
        if let Ok(t) = fast {
            prop_assert!(crate::time::YEARS.contains(&chrono::Datelike::year(&t)));
        }
    }

    #[test]
    fn times_as_the_exports_write_them_read_back(secs in 0i64..(8000 * 365 * 86_400)) {
        let at = NaiveDate::from_ymd_opt(1992, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap() + chrono::Duration::seconds(secs);
        for text in [at.format("%Y-%m-%d %H:%M:%S").to_string(), at.format("%Y/%-m/%-d %H:%M:%S").to_string(), at.format("%Y-%m-%dT%H:%M:%S").to_string()] {
            let t = normalise::parse_bill_time(&text).unwrap();
            prop_assert_eq!(t.naive_local(), at, "{}", text);
            prop_assert_eq!(t.offset().local_minus_utc(), 8 * 3600);
        }
        let minutes = NaiveDateTime::parse_from_str(&at.format("%Y/%-m/%-d %H:%M").to_string(), "%Y/%m/%d %H:%M").unwrap();
        prop_assert_eq!(normalise::parse_bill_time(&at.format("%Y/%-m/%-d %H:%M").to_string()).unwrap().naive_local(), minutes);
    }

    #[test]
    fn any_bytes_decode_as_text_or_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = source::sniff(&bytes);
        if let Err(e) = source::decode_text("f", &bytes) {
            prop_assert_eq!(e.field_name(), Some("file"));
        }
    }

    #[test]
    fn text_in_every_encoding_the_exports_use_decodes_back(text in "[交易时间金额收支零钱提现微信支付宝,a-z0-9 ./:¥\n-]{0,64}") {
        prop_assert_eq!(source::decode_text("f", text.as_bytes()).unwrap(), text.as_str());
        let bom = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
        prop_assert_eq!(source::decode_text("f", &bom).unwrap(), text.as_str());
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        prop_assert_eq!(source::decode_text("f", &le).unwrap(), text.as_str());
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect();
        prop_assert_eq!(source::decode_text("f", &be).unwrap(), text.as_str());
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
        if !unmappable && std::str::from_utf8(&gbk).is_err() {
            prop_assert_eq!(source::decode_text("f", &gbk).unwrap(), text.as_str());
        }
    }

    #[test]
    fn any_row_is_a_header_or_not(cells in proptest::collection::vec(prop_oneof![
        any::<String>(),
        proptest::sample::select(vec!["交易时间", "交易类型", "收/支", "金额(元)", "金额（元） ", "当前状态", "交易分类", "金额", "交易状态", "交易号", "交易创建时间", "备注", "服务费（元）", "成功退款（元）"]).prop_map(String::from),
    ], 0..20)) {
        if let Some(l) = layout::recognise(&cells) {
            let c = &l.columns;
            prop_assert!(c.time < cells.len() && c.direction < cells.len() && c.amount < cells.len());
        }
        let _ = layout::near_miss(&cells);
    }

    #[test]
    fn any_text_is_a_csv_bill_or_a_clean_error(text in prop_oneof![
        any::<String>(),
        "(交易时间,交易类型,交易对方,商品,收/支,金额\\(元\\),支付方式,当前状态\n)?([\",\t\n\r a-z0-9¥./:-]|收入|支出|2025-03-01 12:00:00){0,80}",
    ]) {
        match table::read_csv(&text, &loc()) {
            Ok(t) => {
                for row in &t.rows {
                    prop_assert!(row.line > t.header_line);
                }
            }
            Err(e) => prop_assert!(matches!(e.field_name(), Some("file" | "header" | "row")), "{}", e),
        }
    }
}
