//! TEMPORARY STUB — replaced by the real calendar on merge
//!
//! Weekends only: no statutory holidays, no make-up working days. The cases work depends on this
//! exact API (`Calendar::embedded`, `is_working_day`, `add_working_days`, `add_calendar_days`,
//! `working_days_between`, `DueDate.due`); the real module in `calendar.rs` provides it.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The working-day calendar (stub: Monday to Friday are working days).
pub struct Calendar;

/// A computed due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDate {
    pub due: NaiveDate,
}

impl Calendar {
    pub fn embedded() -> Calendar {
        Calendar
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// `n` working days after `from`; the start day is not counted.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> DueDate {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        DueDate { due: d }
    }

    /// `n` calendar days after `from`; a last day on a rest day moves to the next working day.
    pub fn add_calendar_days(&self, from: NaiveDate, n: u32) -> DueDate {
        let mut d = from + Duration::days(i64::from(n));
        while !self.is_working_day(d) {
            d += Duration::days(1);
        }
        DueDate { due: d }
    }

    /// Working days after `from` up to and including `to` (negative when `to` is earlier).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (a, b, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count = 0;
        let mut d = a;
        while d < b {
            d += Duration::days(1);
            if self.is_working_day(d) {
                count += 1;
            }
        }
        sign * count
    }
}
