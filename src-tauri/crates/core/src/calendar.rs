//! The Chinese working-day calendar: which days are working days, and when a period ends.
//!
//! [`Calendar`] is built from `rules/calendar/<year>.toml`, one file per State Council holiday
//! notice (days off and make-up working days, 调休上班). Counting follows the Civil Code: the
//! start day is not counted (Art. 201); a period counted in calendar days whose last day is a
//! statutory holiday or rest day ends on the next working day (Art. 203). A span touching a year
//! without a published schedule is counted on weekends only and marked
//! [`CalendarKind::Estimated`], so the app can warn. Next year's schedule is one more data file:
//! [`notice`] reads it from the State Council notice's text and [`import`] saves it in the
//! user's rule folder beside the database.

mod check;
pub mod import;
pub mod notice;
#[cfg(test)]
mod notice_tests;
#[cfg(test)]
mod tests;

pub use check::check;
pub use import::{save_notice, SavedNotice};
pub use notice::{parse_notice, ParsedNotice};

use crate::lang::Text;
use crate::rules::RuleFile;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// Working days and holidays for the years whose schedule is known.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeMap<i32, YearSchedule>,
    /// Dates that differ from the weekday rule: `true` = make-up working day, `false` = day off.
    exceptions: HashMap<NaiveDate, bool>,
}

/// One year's schedule, as published in its notice.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct YearSchedule {
    pub year: i32,
    pub notice: Notice,
    pub holidays: Vec<Holiday>,
}

/// The State Council notice a year's schedule comes from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Notice {
    pub title: String,
    pub document: String,
    /// Date of the notice, `YYYY-MM-DD`.
    pub date: String,
    pub url: Option<String>,
    pub confidence: String,
    pub checked: String,
}

/// One holiday of the notice: its days off (inclusive range) and make-up working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Holiday {
    pub id: String,
    pub name: Text,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub off_from: NaiveDate,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub off_to: NaiveDate,
    #[cfg_attr(feature = "specta", specta(type = Vec<String>))]
    pub makeup_workdays: Vec<NaiveDate>,
}

/// Whether a result rests on published schedules only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum CalendarKind {
    /// Every year in the span has its State Council schedule.
    Official,
    /// Some year in the span has none yet: counted on weekends only, holidays unknown.
    Estimated,
}

/// A computed due date, with what it was computed from and the holidays it passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DueDate {
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub from: NaiveDate,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub due: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    pub calendar: CalendarKind,
    /// For calendar days: the nominal last day when Art. 203 moved the due date past a
    /// holiday or rest day.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub moved_from: Option<NaiveDate>,
    /// Holidays and make-up working days between `from` (exclusive) and `due` (inclusive).
    pub holidays: Vec<HolidayOnTheWay>,
}

/// A holiday met on the way to a due date: its days off and make-up days inside the span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HolidayOnTheWay {
    pub id: String,
    pub name: Text,
    #[cfg_attr(feature = "specta", specta(type = Vec<String>))]
    pub off: Vec<NaiveDate>,
    #[cfg_attr(feature = "specta", specta(type = Vec<String>))]
    pub makeup_workdays: Vec<NaiveDate>,
}

impl Calendar {
    /// Builds the calendar from the `calendar/*.toml` files among `files`; any problem
    /// [`check`] would report (schema, dates, clashes, failing cases) is an error.
    pub fn from_rules(files: &[RuleFile]) -> crate::Result<Calendar> {
        let (calendar, problems) = check::build(files);
        if let Some(p) = problems.into_iter().next() {
            return Err(p.into_error());
        }
        let calendar = calendar.expect("no problems means a calendar was built");
        if let Some(p) = check::run_cases(&calendar, files).into_iter().next() {
            return Err(p.into_error());
        }
        Ok(calendar)
    }

    /// The built-in calendar with the user's rule folder laid over it, so a schedule the user
    /// adds (next year's, once the State Council publishes it) counts everywhere; a broken file
    /// there is an error naming it rather than a silently wrong deadline.
    pub fn for_user(user_dir: &std::path::Path) -> crate::Result<Calendar> {
        if !user_dir.join("calendar").is_dir() {
            return Ok(Calendar::embedded());
        }
        Calendar::from_rules(&crate::rules::load(Some(user_dir))?)
    }

    /// The calendar that counts for the database `conn` is open on: the built-in one with the
    /// rule folder beside that file laid over it (an in-memory database has no folder). Used
    /// where a query needs deadlines but is handed only the connection (`health`, Home).
    pub fn for_database(conn: &rusqlite::Connection) -> crate::Result<Calendar> {
        match conn.path().filter(|p| !p.is_empty()) {
            Some(path) => {
                Calendar::for_user(&crate::rules::user_dir_beside(std::path::Path::new(path)))
            }
            None => Ok(Calendar::embedded()),
        }
    }

    /// The calendar from the rules built into the binary (a test guarantees they are valid).
    pub fn embedded() -> Calendar {
        static EMBEDDED: OnceLock<Calendar> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| {
                Calendar::from_rules(&crate::rules::embedded())
                    .unwrap_or_else(|e| panic!("embedded calendar rules are broken: {e}"))
            })
            .clone()
    }

    pub(crate) fn from_years(years: Vec<YearSchedule>) -> Calendar {
        let mut calendar = Calendar::default();
        for schedule in years {
            for h in &schedule.holidays {
                let mut d = h.off_from;
                while d <= h.off_to {
                    calendar.exceptions.insert(d, false);
                    d = d
                        .succ_opt()
                        .expect("validated dates are far from the end of time");
                }
                for w in &h.makeup_workdays {
                    calendar.exceptions.insert(*w, true);
                }
            }
            calendar.years.insert(schedule.year, schedule);
        }
        calendar
    }

    /// A working day: not a holiday day off, and either a weekday or a make-up working day.
    /// In a year without a schedule, simply Monday to Friday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.exceptions.get(&d) {
            Some(working) => *working,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`th working day after `from` (the start day is not counted); `n = 0` is `from`.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> DueDate {
        let mut due = from;
        let mut left = n;
        while left > 0 {
            // Counting stops at the end of representable time instead of panicking.
            let Some(next) = due.succ_opt() else { break };
            due = next;
            if self.is_working_day(due) {
                left -= 1;
            }
        }
        self.due_date(from, due, Some(n), None, None)
    }

    /// `from` plus `n` calendar days; when that last day is a holiday or rest day, the period
    /// ends on the next working day (Civil Code Art. 203). `n = 0` is `from`.
    pub fn add_calendar_days(&self, from: NaiveDate, n: u32) -> DueDate {
        let nominal = from
            .checked_add_days(Days::new(u64::from(n)))
            .unwrap_or(NaiveDate::MAX);
        let mut due = nominal;
        if n > 0 {
            while !self.is_working_day(due) {
                let Some(next) = due.succ_opt() else { break };
                due = next;
            }
        }
        let moved_from = (due != nominal).then_some(nominal);
        self.due_date(from, due, None, Some(n), moved_from)
    }

    /// Working days after `from` up to and including `to`; negative when `to` is earlier
    /// (that many working days overdue). "3 working days left" is `between(today, due) == 3`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (start, end, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count = 0i64;
        let mut d = start;
        while d < end {
            let Some(next) = d.succ_opt() else { break };
            d = next;
            if self.is_working_day(d) {
                count += 1;
            }
        }
        sign * count
    }

    /// Years with a published schedule, ascending.
    pub fn known_years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// One year's schedule, for showing the holidays and the notice they come from.
    pub fn schedule(&self, year: i32) -> Option<&YearSchedule> {
        self.years.get(&year)
    }

    /// Official when every year from the first counted day to `due` has a schedule.
    pub fn kind_for_span(&self, from: NaiveDate, due: NaiveDate) -> CalendarKind {
        if self.unknown_years(from, due).is_empty() {
            CalendarKind::Official
        } else {
            CalendarKind::Estimated
        }
    }

    /// Years from the first counted day to `due` that have no published schedule (the reason a
    /// result is [`CalendarKind::Estimated`]).
    pub fn unknown_years(&self, from: NaiveDate, due: NaiveDate) -> Vec<i32> {
        let first = if due > from {
            from.succ_opt().unwrap_or(from)
        } else {
            due
        };
        (first.year()..=due.year().max(first.year()))
            .filter(|y| !self.years.contains_key(y))
            .collect()
    }

    fn due_date(
        &self,
        from: NaiveDate,
        due: NaiveDate,
        working_days: Option<u32>,
        days: Option<u32>,
        moved_from: Option<NaiveDate>,
    ) -> DueDate {
        DueDate {
            from,
            due,
            working_days,
            days,
            calendar: self.kind_for_span(from, due),
            moved_from,
            holidays: self.holidays_between(from, due),
        }
    }

    /// Holidays whose days off or make-up days fall in (`from`, `to`].
    fn holidays_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<HolidayOnTheWay> {
        let inside = |d: &NaiveDate| *d > from && *d <= to;
        let mut found = Vec::new();
        if to <= from {
            return found;
        }
        // Schedules may list a make-up day in the previous December, so look one year back.
        for schedule in self
            .years
            .range(from.year()..=to.year().saturating_add(1))
            .map(|(_, s)| s)
        {
            for h in &schedule.holidays {
                let off: Vec<NaiveDate> = h
                    .off_from
                    .iter_days()
                    .take_while(|d| *d <= h.off_to)
                    .filter(inside)
                    .collect();
                let makeup: Vec<NaiveDate> =
                    h.makeup_workdays.iter().copied().filter(inside).collect();
                if !off.is_empty() || !makeup.is_empty() {
                    found.push(HolidayOnTheWay {
                        id: h.id.clone(),
                        name: h.name.clone(),
                        off,
                        makeup_workdays: makeup,
                    });
                }
            }
        }
        found
    }
}
