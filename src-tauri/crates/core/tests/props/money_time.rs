//! Properties of what people type: amounts (`money`) and times and dates (`time`). For any
//! text the parsers return a value or a clean error, never panic; what they accept is inside
//! the documented range; and formatting then parsing gives back the same fen and instant.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use proptest::prelude::*;
use tixian_core::calendar::Calendar;
use tixian_core::time::{self, YEARS};
use tixian_core::Money;

/// The largest amount `Money` accepts (10^13 yuan).
const MAX_FEN: i64 = 1_000_000_000_000_000;

/// Text made of what amounts are typed with, so most cases get past the first check.
fn amountish() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[-+ ¥￥０-９0-9.．,，元−－e]{0,24}").unwrap()
}

fn fen() -> impl Strategy<Value = i64> {
    prop_oneof![
        -MAX_FEN..=MAX_FEN,
        -10_000i64..10_000,
        Just(MAX_FEN),
        Just(-MAX_FEN),
        Just(0),
    ]
}

fn check_parsed(text: &str, parsed: tixian_core::Result<Money>) {
    match parsed {
        Ok(m) => {
            assert!(m.fen().abs() <= MAX_FEN, "{text:?} gave {m:?}");
            // What was accepted has one normal form, and that form reads back the same.
            assert_eq!(Money::parse_signed(&m.to_plain()).unwrap(), m, "{text:?}");
        }
        Err(e) => {
            assert_eq!(e.field_name(), Some("amount"), "{text:?}: {e}");
            assert_eq!(e.exit_code(), 2, "{text:?}: {e}");
        }
    }
}

proptest! {
    #![proptest_config(crate::cases(2_000))]

    #[test]
    fn any_text_is_an_amount_or_a_clean_error(text in any::<String>()) {
        check_parsed(&text, Money::parse_signed(&text));
        let amount = Money::parse_amount(&text);
        if let Ok(m) = &amount {
            prop_assert!(m.fen() >= 0);
        }
        check_parsed(&text, amount);
    }

    #[test]
    fn amount_like_text_is_an_amount_or_a_clean_error(text in amountish()) {
        check_parsed(&text, Money::parse_signed(&text));
        check_parsed(&text, Money::parse_amount(&text));
        let json = serde_json::to_string(&text).unwrap();
        let _ = serde_json::from_str::<Money>(&json);
    }

    #[test]
    fn formatted_amounts_parse_back_to_the_same_fen(fen in fen()) {
        let m = Money::from_fen(fen);
        prop_assert_eq!(Money::parse_signed(&m.to_plain()).unwrap(), m);
        prop_assert_eq!(Money::parse_signed(&m.display()).unwrap(), m);
        prop_assert_eq!(Money::parse_signed(&format!(" {}元 ", m.to_plain())).unwrap(), m);
        // As typed on a phone keyboard: full-width digits, point and comma.
        let wide: String = m.display().chars().map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
            '.' => '．',
            ',' => '，',
            other => other,
        }).collect();
        prop_assert_eq!(Money::parse_signed(&wide).unwrap(), m);
        let json = serde_json::to_string(&m).unwrap();
        prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        prop_assert_eq!(Money::from_decimal(m.to_decimal()), Some(m));
        if fen >= 0 {
            prop_assert_eq!(Money::parse_amount(&m.to_plain()).unwrap(), m);
        } else {
            prop_assert!(Money::parse_amount(&m.to_plain()).is_err());
        }
    }

    #[test]
    fn amounts_past_the_limit_are_refused(extra in 1i64..1_000_000) {
        let m = Money::from_fen(MAX_FEN + extra);
        prop_assert!(Money::parse_signed(&m.to_plain()).is_err());
        let ten_times = format!("{}0", m.to_plain());
        prop_assert!(Money::parse_signed(&ten_times).is_err());
    }

    #[test]
    fn rounding_any_decimal_never_panics(mantissa in any::<i64>(), scale in 0u32..=28) {
        let d = rust_decimal::Decimal::new(mantissa, scale);
        if let Some(m) = Money::from_decimal_rounded(d) {
            prop_assert!(m.fen().abs() <= MAX_FEN);
        }
        let _ = Money::from_decimal(d);
    }
}

/// Text shaped like a time, with years of any length and sign, so the year checks are reached.
fn timeish() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "[ ]?[+-]?[0-9]{1,7}[-/][0-9]{1,2}[-/][0-9]{1,2}([ T][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\\.[0-9]{1,10})?)?)?(Z|z|[+-][0-9]{2}:?[0-9]{2})?[ ]?",
    )
    .unwrap()
}

fn check_time(text: &str) {
    match time::parse_time(text, tixian_core::Field::At) {
        Ok(t) => {
            assert!(YEARS.contains(&t.year()), "{text:?} gave {t}");
            assert!(YEARS.contains(&t.naive_utc().year()), "{text:?} gave {t}");
            // Stored as RFC 3339 and read back: the same instant and the same offset.
            let stored = time::to_rfc3339(&t);
            let back = time::from_stored(&stored).unwrap();
            assert_eq!((back, back.offset()), (t, t.offset()), "{text:?}");
            let again = time::parse_time(&stored, tixian_core::Field::At).unwrap();
            assert_eq!((again, again.offset()), (t, t.offset()), "{text:?}");
            // Whatever was accepted can be counted on the calendar without panicking.
            let cal = Calendar::embedded();
            let due = cal.add_working_days(t.date_naive(), 15);
            let _ = cal.add_calendar_days(t.date_naive(), 30);
            let _ = cal.working_days_between(t.date_naive(), due.due);
        }
        Err(e) => {
            assert_eq!(e.field_name(), Some("at"), "{text:?}: {e}");
            assert_eq!(e.exit_code(), 2, "{text:?}: {e}");
        }
    }
    match time::parse_date(text, tixian_core::Field::From) {
        Ok(d) => {
            assert!(YEARS.contains(&d.year()), "{text:?} gave {d}");
            assert_eq!(
                time::parse_date(&d.format("%Y-%m-%d").to_string(), tixian_core::Field::From)
                    .unwrap(),
                d
            );
        }
        Err(e) => assert_eq!(e.field_name(), Some("from"), "{text:?}: {e}"),
    }
}

fn instant() -> impl Strategy<Value = DateTime<FixedOffset>> {
    // Every second from 0001 to 9998 (so the offset cannot push the UTC year out), any offset
    // RFC 3339 can write.
    let lo = NaiveDate::from_ymd_opt(1, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    let hi = NaiveDate::from_ymd_opt(9998, 12, 31)
        .unwrap()
        .and_hms_opt(23, 59, 59)
        .unwrap()
        .and_utc()
        .timestamp();
    (lo..=hi, -(23 * 3600 + 59 * 60)..=(23 * 3600 + 59 * 60)).prop_map(|(secs, off)| {
        let off = FixedOffset::east_opt(off / 60 * 60).unwrap();
        off.timestamp_opt(secs, 0).unwrap()
    })
}

proptest! {
    #![proptest_config(crate::cases(2_000))]

    #[test]
    fn any_text_is_a_time_or_a_clean_error(text in any::<String>()) {
        check_time(&text);
    }

    #[test]
    fn time_like_text_is_a_time_or_a_clean_error(text in timeish()) {
        check_time(&text);
    }

    #[test]
    fn formatted_times_parse_back_to_the_same_instant(t in instant()) {
        let text = time::to_rfc3339(&t);
        let back = time::parse_time(&text, tixian_core::Field::At).unwrap();
        prop_assert_eq!((back, back.offset()), (t, t.offset()));
        prop_assert_eq!(time::from_stored(&text).unwrap(), t);
        // Without its offset, the same wall time read as Shanghai time (when it exists there).
        let local = t.naive_local();
        for text in [
            local.format("%Y-%m-%d %H:%M:%S").to_string(),
            local.format("%Y/%m/%d %H:%M:%S").to_string(),
            local.format("%Y-%m-%dT%H:%M:%S").to_string(),
        ] {
            if let Ok(read) = time::parse_time(&text, tixian_core::Field::At) {
                prop_assert_eq!(read.naive_local(), local, "{}", text);
            }
        }
        let day = t.date_naive();
        prop_assert_eq!(time::parse_date(&day.format("%Y-%m-%d").to_string(), tixian_core::Field::From).unwrap(), day);
    }

    #[test]
    fn dates_outside_0000_to_9999_are_refused(year in prop_oneof![-262_000i32..0, 10_000i32..262_000], month in 1u32..=12, day in 1u32..=28) {
        let d = NaiveDate::from_ymd_opt(year, month, day).unwrap();
        let text = d.format("%Y-%m-%d").to_string();
        prop_assert!(time::parse_date(&text, tixian_core::Field::From).is_err());
        let at = NaiveDateTime::new(d, chrono::NaiveTime::MIN);
        for text in [at.format("%Y-%m-%d %H:%M").to_string(), format!("{}Z", at.format("%Y-%m-%dT%H:%M:%S"))] {
            let e = time::parse_time(&text, tixian_core::Field::At).unwrap_err();
            prop_assert!(e.message(tixian_core::Lang::En).contains("out of range") || e.message(tixian_core::Lang::En).contains("not a time"), "{}", e);
        }
    }
}
