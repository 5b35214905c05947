//! Times carry their offset. A time typed without one is read as Asia/Shanghai (the contract),
//! and the current time is always passed in by the caller so tests and `--at` work.

use crate::error::{CoreError, Result};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Asia::Shanghai;

pub type Timestamp = DateTime<FixedOffset>;

/// Parses RFC 3339 (`2026-03-05T23:40:00+08:00`), or a local time without offset
/// (`2026-03-05 23:40`, `2026-03-05T23:40:00`, `2026/3/5 23:40`), or a bare date (midnight),
/// the latter two in Asia/Shanghai.
pub fn parse_time(text: &str, field: &str) -> Result<Timestamp> {
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
    Err(CoreError::invalid(
        field,
        format!("“{text}”不是有效时间，请写成 2026-03-05 23:40 或 2026-03-05T23:40:00+08:00"),
        format!("“{text}” is not a time; use e.g. 2026-03-05T23:40:00+08:00 or 2026-03-05 23:40"),
    ))
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(text: &str, field: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        CoreError::invalid(
            field,
            format!("“{text}”不是有效日期，请写成 YYYY-MM-DD，如 2026-03-05"),
            format!("“{text}” is not a date; use YYYY-MM-DD, e.g. 2026-03-05"),
        )
    })
}

fn shanghai(naive: NaiveDateTime, text: &str, field: &str) -> Result<Timestamp> {
    Shanghai
        .from_local_datetime(&naive)
        .single()
        .map(|dt| dt.fixed_offset())
        .ok_or_else(|| {
            CoreError::invalid(
                field,
                format!("“{text}”在北京时间中不存在"),
                format!("“{text}” does not exist in Asia/Shanghai"),
            )
        })
}

/// The current time in Asia/Shanghai; only the binaries call this, core takes `now` as input.
/// `TIXIAN_NOW` (a time as `--at` takes it) pins the clock, for end-to-end tests that need a
/// fixed day (a deadline crossing into a year without a schedule).
pub fn now() -> Timestamp {
    if let Some(pinned) = std::env::var("TIXIAN_NOW")
        .ok()
        .and_then(|v| parse_time(&v, "TIXIAN_NOW").ok())
    {
        return pinned;
    }
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
        let t = parse_time("2026-03-05 23:40", "at").unwrap();
        assert_eq!(to_rfc3339(&t), "2026-03-05T23:40:00+08:00");
        let d = parse_time("2026/3/5", "at").unwrap();
        assert_eq!(to_rfc3339(&d), "2026-03-05T00:00:00+08:00");
    }

    #[test]
    fn rfc3339_keeps_its_offset() {
        let t = parse_time("2026-03-05T15:40:00Z", "at").unwrap();
        assert_eq!(to_rfc3339(&t), "2026-03-05T15:40:00+00:00");
    }

    #[test]
    fn bad_time_names_the_field() {
        let e = parse_time("yesterday", "--at").unwrap_err();
        assert_eq!(e.field_name(), Some("--at"));
        assert!(parse_date("2026-02-30", "from").is_err());
    }
}
