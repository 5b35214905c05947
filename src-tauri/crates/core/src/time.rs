//! Times carry their offset. A time typed without one is read as Asia/Shanghai (the contract),
//! and the current time is always passed in by the caller so tests and `--at` work.

use crate::error::{printable, CoreError, Result};
use crate::field::Field;
use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
};
use chrono_tz::Asia::Shanghai;

pub type Timestamp = DateTime<FixedOffset>;

/// Parses RFC 3339 (`2026-03-05T23:40:00+08:00`), or a local time without offset
/// (`2026-03-05 23:40`, `2026-03-05T23:40:00`, `2026/3/5 23:40`), or a bare date (midnight),
/// the latter two in Asia/Shanghai.
/// Years a time or date may have: what RFC 3339 can write and read back (four digits). Outside
/// them a stored time could not be read again, and date arithmetic near chrono's limits panics.
pub const YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

///
/// Times are kept to the second, as they are stored ([`to_rfc3339`]): a fraction typed after
/// the seconds is dropped here, so the time in memory is the one that is written and read back.
pub fn parse_time(text: &str, field: Field) -> Result<Timestamp> {
    let t = parse_time_any_year(text, &field)?;
    if !YEARS.contains(&t.year()) || !YEARS.contains(&t.naive_utc().year()) {
        return Err(year_out_of_range(text, field));
    }
    // Whole seconds (a leap second folds into the one before it).
    Ok(t.with_nanosecond(0).unwrap_or(t))
}

fn year_out_of_range(text: &str, field: Field) -> CoreError {
    let text = printable(text);
    CoreError::invalid(
        field,
        format!("“{text}”的年份超出范围（只接受 0000 到 9999 年）"),
        format!("“{text}” has a year out of range (only 0000 to 9999)"),
    )
}

fn parse_time_any_year(text: &str, field: &Field) -> Result<Timestamp> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt);
    }
    let normalised = t.replace('/', "-");
    const LOCAL_FORMATS: [&str; 4] = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ];
    for f in LOCAL_FORMATS {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&normalised, f) {
            return shanghai(naive, text, field);
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(&normalised, "%Y-%m-%d") {
        return shanghai(date.and_time(NaiveTime::MIN), text, field);
    }
    let text = printable(text);
    Err(CoreError::invalid(
        field.clone(),
        format!("“{text}”不是有效时间，请写成 2026-03-05 23:40 或 2026-03-05T23:40:00+08:00"),
        format!("“{text}” is not a time; use e.g. 2026-03-05T23:40:00+08:00 or 2026-03-05 23:40"),
    ))
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(text: &str, field: Field) -> Result<NaiveDate> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        let text = printable(text);
        CoreError::invalid(
            field.clone(),
            format!("“{text}”不是有效日期，请写成 YYYY-MM-DD，如 2026-03-05"),
            format!("“{text}” is not a date; use YYYY-MM-DD, e.g. 2026-03-05"),
        )
    })?;
    if !YEARS.contains(&date.year()) {
        return Err(year_out_of_range(text, field));
    }
    Ok(date)
}

/// A local time read as Asia/Shanghai. Before 1901 the tz database gives Shanghai its local
/// mean time, +08:05:43, an offset RFC 3339 cannot write (it would be stored as +08:06, 17 s
/// from the instant meant): such times are read as China Standard Time, +08:00, instead.
fn shanghai(naive: NaiveDateTime, text: &str, field: &Field) -> Result<Timestamp> {
    Shanghai
        .from_local_datetime(&naive)
        .single()
        .map(|dt| dt.fixed_offset())
        .map(|dt| {
            if dt.offset().local_minus_utc() % 60 == 0 {
                dt
            } else {
                let cst = FixedOffset::east_opt(8 * 3600).expect("a valid offset");
                cst.from_local_datetime(&naive).single().unwrap_or(dt)
            }
        })
        .ok_or_else(|| {
            let text = printable(text);
            CoreError::invalid(
                field.clone(),
                format!("“{text}”在北京时间中不存在"),
                format!("“{text}” does not exist in Asia/Shanghai"),
            )
        })
}

/// The user's calendar day of an instant (Asia/Shanghai, the app's time zone).
pub fn local_date(t: &Timestamp) -> NaiveDate {
    t.with_timezone(&Shanghai).date_naive()
}

/// The system clock in Asia/Shanghai. Only [`crate::workspace::Clock`] reads it (so a pinned
/// `TIXIAN_NOW` holds everywhere); core functions take `now` as input.
pub(crate) fn system_now() -> Timestamp {
    chrono::Utc::now().with_timezone(&Shanghai).fixed_offset()
}

/// RFC 3339 with seconds and offset, the stored and JSON form.
pub fn to_rfc3339(t: &Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Reads a stored RFC 3339 time; a malformed value is our fault, not the user's.
pub fn from_stored(text: &str) -> Result<Timestamp> {
    DateTime::parse_from_rfc3339(text)
        .map_err(|e| CoreError::Internal(format!("stored time “{text}” is unreadable: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_without_offset_is_shanghai() {
        let t = parse_time("2026-03-05 23:40", crate::Field::At).unwrap();
        assert_eq!(to_rfc3339(&t), "2026-03-05T23:40:00+08:00");
        let d = parse_time("2026/3/5", crate::Field::At).unwrap();
        assert_eq!(to_rfc3339(&d), "2026-03-05T00:00:00+08:00");
    }

    #[test]
    fn rfc3339_keeps_its_offset() {
        let t = parse_time("2026-03-05T15:40:00Z", crate::Field::At).unwrap();
        assert_eq!(to_rfc3339(&t), "2026-03-05T15:40:00+00:00");
    }

    /// `withdraw --at '+10000-01-01 10:00'` stored a time RFC 3339 cannot read back (every
    /// later `health` failed) and `health --at=-262143-03-01` panicked in date arithmetic.
    #[test]
    fn years_outside_0000_to_9999_were_accepted() {
        for text in [
            "+10000-01-01 10:00",
            "+10000-01-01",
            "-262143-03-01",
            "0000-01-01T00:00:00+08:00",
            "9999-12-31T23:00:00-08:00",
        ] {
            let e = parse_time(text, crate::Field::At).unwrap_err();
            assert_eq!(
                e.message_naming(crate::Lang::En, |f| Some(f.key().into())),
                format!("at: “{text}” has a year out of range (only 0000 to 9999)")
            );
        }
        assert!(parse_date("+10000-01-01", crate::Field::From).is_err());
        assert!(parse_date("-0001-01-01", crate::Field::From).is_err());
        assert_eq!(
            to_rfc3339(&parse_time("9999-12-31T23:59:59Z", crate::Field::At).unwrap()),
            "9999-12-31T23:59:59+00:00"
        );
    }

    /// `--at 2026-03-05T15:40:00.5Z` kept the half second in memory (and in the UTC sort key's
    /// instant) while the stored text dropped it: the time read back was not the time parsed.
    /// Found by the `time` fuzz check (`fuzz/src/checks.rs`) on its seed corpus.
    #[test]
    fn fractions_of_a_second_were_kept_in_memory_but_dropped_when_stored() {
        for text in [
            "2026-03-05T15:40:00.123456789Z",
            "2026-03-05T15:40:00.999Z",
            "2026-03-05T15:40:00.5+08:00",
        ] {
            let t = parse_time(text, crate::Field::At).unwrap();
            assert_eq!(t.nanosecond(), 0, "{text}");
            assert_eq!(from_stored(&to_rfc3339(&t)).unwrap(), t, "{text}");
        }
        assert_eq!(
            to_rfc3339(&parse_time("2026-03-05T15:40:00.9Z", crate::Field::At).unwrap()),
            "2026-03-05T15:40:00+00:00"
        );
    }

    /// `1900-01-01 10:00` was read in Shanghai's local mean time (+08:05:43), stored as
    /// +08:06 and so read back 17 seconds from the instant parsed (and its UTC sort key).
    /// Found by the property `time_like_text_is_a_time_or_a_clean_error` ("0-1/2").
    #[test]
    fn shanghai_local_mean_time_before_1901_was_stored_17_seconds_off() {
        for text in [
            "0-1/2",
            "1900-01-01 10:00",
            "0000-01-02",
            "1899-12-31T23:59:59",
        ] {
            let t = parse_time(text, crate::Field::At).unwrap();
            assert_eq!(t.offset().local_minus_utc(), 8 * 3600, "{text}");
            assert_eq!(from_stored(&to_rfc3339(&t)).unwrap(), t, "{text}");
        }
        assert_eq!(
            to_rfc3339(&parse_time("1900-01-01 10:00", crate::Field::At).unwrap()),
            "1900-01-01T10:00:00+08:00"
        );
    }

    #[test]
    fn bad_time_names_the_field() {
        let e = parse_time("yesterday", crate::Field::At).unwrap_err();
        assert_eq!(e.named_field(), Some(&crate::Field::At));
        assert!(parse_date("2026-02-30", crate::Field::From).is_err());
    }
}
