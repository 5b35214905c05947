//! The calendar against the published schedules, day by day, and the counting rules.

use super::*;
use crate::rules::RuleFile;
use chrono::{Datelike, NaiveDate, Weekday};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cal() -> Calendar {
    Calendar::embedded()
}

/// Written out from the notices by hand (not from the data files), so a typo in either shows.
/// (weekdays off, weekend days worked)
fn published(year: i32) -> (Vec<&'static str>, Vec<&'static str>) {
    match year {
        // 国办发明电〔2024〕12号
        2025 => (
            vec![
                "2025-01-01",
                "2025-01-28",
                "2025-01-29",
                "2025-01-30",
                "2025-01-31",
                "2025-02-03",
                "2025-02-04",
                "2025-04-04",
                "2025-05-01",
                "2025-05-02",
                "2025-05-05",
                "2025-06-02",
                "2025-10-01",
                "2025-10-02",
                "2025-10-03",
                "2025-10-06",
                "2025-10-07",
                "2025-10-08",
            ],
            vec![
                "2025-01-26",
                "2025-02-08",
                "2025-04-27",
                "2025-09-28",
                "2025-10-11",
            ],
        ),
        // Notice of 2025-11-04
        2026 => (
            vec![
                "2026-01-01",
                "2026-01-02",
                "2026-02-16",
                "2026-02-17",
                "2026-02-18",
                "2026-02-19",
                "2026-02-20",
                "2026-02-23",
                "2026-04-06",
                "2026-05-01",
                "2026-05-04",
                "2026-05-05",
                "2026-06-19",
                "2026-09-25",
                "2026-10-01",
                "2026-10-02",
                "2026-10-05",
                "2026-10-06",
                "2026-10-07",
            ],
            vec![
                "2026-01-04",
                "2026-02-14",
                "2026-02-28",
                "2026-05-09",
                "2026-09-20",
                "2026-10-10",
            ],
        ),
        _ => unreachable!(),
    }
}

#[test]
fn every_day_of_2025_and_2026_matches_the_published_schedule() {
    let cal = cal();
    for year in [2025, 2026] {
        let (off, worked) = published(year);
        let off: Vec<NaiveDate> = off.iter().map(|s| d(s)).collect();
        let worked: Vec<NaiveDate> = worked.iter().map(|s| d(s)).collect();
        // The hand-written lists themselves: weekdays off really are weekdays, and so on.
        assert!(
            off.iter()
                .all(|x| !matches!(x.weekday(), Weekday::Sat | Weekday::Sun)),
            "{year}: off list"
        );
        assert!(
            worked
                .iter()
                .all(|x| matches!(x.weekday(), Weekday::Sat | Weekday::Sun)),
            "{year}: worked list"
        );
        let mut day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        let mut working_days = 0;
        while day.year() == year {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            let expected = if off.contains(&day) {
                false
            } else if worked.contains(&day) {
                true
            } else {
                !weekend
            };
            assert_eq!(
                cal.is_working_day(day),
                expected,
                "{day} ({:?})",
                day.weekday()
            );
            working_days += i32::from(expected);
            day = day.succ_opt().unwrap();
        }
        // 261 weekdays in each year, minus the weekdays off, plus the weekend days worked.
        let expected_total = 261 - off.len() as i32 + worked.len() as i32;
        assert_eq!(working_days, expected_total, "{year}");
        assert_eq!(working_days, 248, "{year}");
    }
}

#[test]
fn spring_festival_2026_is_nine_days_not_seven() {
    let cal = cal();
    for day in d("2026-02-15").iter_days().take(9) {
        assert!(!cal.is_working_day(day), "{day}");
    }
    assert!(cal.is_working_day(d("2026-02-14")), "Saturday make-up day");
    assert!(cal.is_working_day(d("2026-02-24")));
}

#[test]
fn working_days_across_spring_festival_2026() {
    let cal = cal();
    // Fri 13 → Sat 14 (make-up) is 1; then nine days off; Tue 24 is 2.
    let due = cal.add_working_days(d("2026-02-12"), 3);
    assert_eq!(due.due, d("2026-02-24"));
    assert_eq!(due.calendar, CalendarKind::Official);
    assert_eq!(due.working_days, Some(3));
    assert_eq!(due.days, None);
    let names: Vec<&str> = due.holidays.iter().map(|h| h.name.zh.as_str()).collect();
    assert_eq!(names, ["春节"]);
    assert_eq!(due.holidays[0].off.len(), 9);
    assert_eq!(due.holidays[0].makeup_workdays, vec![d("2026-02-14")]);
    // 7 working days from the Friday before: 14, 24, 25, 26, 27, 28 (Sat make-up), Mar 2.
    assert_eq!(
        cal.add_working_days(d("2026-02-13"), 7).due,
        d("2026-03-02")
    );
}

#[test]
fn working_days_across_national_day_2025() {
    let cal = cal();
    // Fri Sep 26: Sun 28 (make-up), Mon 29, Tue 30, then Oct 1–8 off, Thu 9, Fri 10, Sat 11 (make-up).
    assert_eq!(
        cal.add_working_days(d("2025-09-26"), 3).due,
        d("2025-09-30")
    );
    assert_eq!(
        cal.add_working_days(d("2025-09-26"), 4).due,
        d("2025-10-09")
    );
    assert_eq!(
        cal.add_working_days(d("2025-09-26"), 6).due,
        d("2025-10-11")
    );
    assert_eq!(
        cal.add_working_days(d("2025-09-26"), 7).due,
        d("2025-10-13")
    );
    let due = cal.add_working_days(d("2025-09-26"), 7);
    assert_eq!(due.holidays.len(), 1);
    assert_eq!(due.holidays[0].off.len(), 8);
    assert_eq!(
        due.holidays[0].makeup_workdays,
        vec![d("2025-09-28"), d("2025-10-11")]
    );
}

#[test]
fn start_day_is_not_counted() {
    let cal = cal();
    assert_eq!(
        cal.add_working_days(d("2026-03-02"), 1).due,
        d("2026-03-03")
    );
    assert_eq!(
        cal.add_working_days(d("2026-03-02"), 0).due,
        d("2026-03-02")
    );
    assert_eq!(
        cal.add_calendar_days(d("2026-03-02"), 1).due,
        d("2026-03-03")
    );
    // Starting on a rest day changes nothing: the first counted day is the next working day.
    assert_eq!(
        cal.add_working_days(d("2026-03-07"), 1).due,
        d("2026-03-09")
    );
}

#[test]
fn calendar_days_ending_on_a_holiday_end_on_the_next_working_day() {
    let cal = cal();
    let due = cal.add_calendar_days(d("2026-09-30"), 1);
    assert_eq!(due.due, d("2026-10-08"));
    assert_eq!(due.moved_from, Some(d("2026-10-01")));
    assert_eq!(due.days, Some(1));
    assert_eq!(due.working_days, None);
    assert_eq!(due.holidays[0].id, "2026.national-day");
    // Ending on an ordinary Sunday → Monday.
    assert_eq!(
        cal.add_calendar_days(d("2026-03-01"), 7).due,
        d("2026-03-09")
    );
    // Ending on a Saturday make-up working day: that day is a working day, no move.
    let due = cal.add_calendar_days(d("2026-10-03"), 7);
    assert_eq!(due.due, d("2026-10-10"));
    assert_eq!(due.moved_from, None);
    // Ending on a working day: unchanged.
    assert_eq!(
        cal.add_calendar_days(d("2026-03-02"), 15).due,
        d("2026-03-17")
    );
}

#[test]
fn spans_reaching_2027_are_estimated() {
    let cal = cal();
    assert!(!cal.known_years().contains(&2027));
    let due = cal.add_working_days(d("2026-12-28"), 5);
    assert_eq!(due.calendar, CalendarKind::Estimated);
    // Weekends only: Dec 29, 30, 31, Jan 1 (Fri — a holiday in reality, unknown here), Jan 4.
    assert_eq!(due.due, d("2027-01-04"));
    assert_eq!(
        cal.add_working_days(d("2026-12-28"), 3).calendar,
        CalendarKind::Official
    );
    assert_eq!(
        cal.add_calendar_days(d("2026-12-31"), 1).calendar,
        CalendarKind::Estimated
    );
    assert_eq!(
        cal.add_working_days(d("2023-06-01"), 1).calendar,
        CalendarKind::Estimated
    );
    assert_eq!(cal.known_years(), vec![2024, 2025, 2026]);
}

#[test]
fn working_days_between_counts_both_ways() {
    let cal = cal();
    assert_eq!(
        cal.working_days_between(d("2026-02-12"), d("2026-02-24")),
        3
    );
    assert_eq!(
        cal.working_days_between(d("2026-02-24"), d("2026-02-12")),
        -3
    );
    assert_eq!(
        cal.working_days_between(d("2026-02-12"), d("2026-02-12")),
        0
    );
    // Round trip with add_working_days.
    for n in [1, 5, 15, 45] {
        let due = cal.add_working_days(d("2025-09-20"), n).due;
        assert_eq!(cal.working_days_between(d("2025-09-20"), due), i64::from(n));
    }
}

#[test]
fn huge_counts_stop_at_the_end_of_time_without_panicking() {
    let cal = cal();
    let due = cal.add_calendar_days(d("2026-01-01"), u32::MAX);
    assert_eq!(due.calendar, CalendarKind::Estimated);
}

#[test]
fn checks_2024_spot_dates() {
    let cal = cal();
    for off in [
        "2024-02-09",
        "2024-02-18",
        "2024-04-07",
        "2024-04-28",
        "2024-05-11",
        "2024-09-14",
        "2024-09-29",
        "2024-10-12",
    ] {
        assert!(cal.is_working_day(d(off)), "{off} is a working day");
    }
    for off in [
        "2024-01-01",
        "2024-02-12",
        "2024-02-16",
        "2024-04-04",
        "2024-05-02",
        "2024-06-10",
        "2024-09-16",
        "2024-10-04",
    ] {
        assert!(!cal.is_working_day(d(off)), "{off} is off");
    }
}

fn file(path: &str, text: &str) -> RuleFile {
    RuleFile {
        path: path.into(),
        text: text.into(),
        from_user: true,
    }
}

const NOTICE: &str = "[source]\ntitle = \"t\"\ndocument = \"d\"\ndate = \"2026-11-01\"\nconfidence = \"high\"\nchecked = \"2026-11-23\"\n";

#[test]
fn the_embedded_calendar_files_have_no_problems() {
    let problems = check(&crate::rules::embedded());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn adding_next_year_is_one_data_file() {
    let mut files = crate::rules::embedded();
    let text = format!(
        "year = 2027\n{NOTICE}\n[[holiday]]\nid = \"2027.new-year\"\nname = {{ zh = \"元旦\", en = \"New Year's Day\" }}\noff_from = \"2027-01-01\"\noff_to = \"2027-01-01\"\n"
    );
    files.push(file("calendar/2027.toml", &text));
    let cal = Calendar::from_rules(&files).unwrap();
    assert_eq!(cal.known_years(), vec![2024, 2025, 2026, 2027]);
    let due = cal.add_working_days(d("2026-12-31"), 1);
    assert_eq!(due.due, d("2027-01-04"));
    assert_eq!(due.calendar, CalendarKind::Official);
}

#[test]
fn broken_files_are_reported_with_file_id_and_field() {
    let bad = format!(
        "year = 2027\n{NOTICE}\n[[holiday]]\nid = \"2027.x\"\nname = {{ zh = \"甲\", en = \"\" }}\noff_from = \"2027-02-30\"\noff_to = \"2027-02-03\"\nmakeup_workdays = [\"2027-02-03\"]\n"
    );
    let problems = check(&[file("calendar/2027.toml", &bad)]);
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert!(fields.contains(&"name"), "{problems:#?}");
    assert!(fields.contains(&"off_from"), "{problems:#?}");
    assert!(
        fields.contains(&"makeup_workdays[0]"),
        "2027-02-03 is a Wednesday: {problems:#?}"
    );
    assert!(problems
        .iter()
        .all(|p| p.file == "calendar/2027.toml" && p.id == "2027.x"));

    let typo = format!("year = 2027\n{NOTICE}\n[[holidays]]\nid = \"2027.x\"\n");
    let problems = check(&[file("calendar/2027.toml", &typo)]);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "holidays");
    assert!(problems[0].file.starts_with("calendar/2027.toml:"));

    let wrong_name = format!("year = 2026\n{NOTICE}\n[[holiday]]\nid = \"2026.a\"\nname = {{ zh = \"甲\", en = \"A\" }}\noff_from = \"2026-01-01\"\noff_to = \"2026-01-01\"\n");
    let problems = check(&[file("calendar/2027.toml", &wrong_name)]);
    assert_eq!(problems[0].field, "year");
    assert!(Calendar::from_rules(&[file("calendar/2027.toml", &wrong_name)]).is_err());
}

#[test]
fn duplicate_years_ids_and_days_are_problems() {
    let one = format!("year = 2027\n{NOTICE}\n[[holiday]]\nid = \"2027.a\"\nname = {{ zh = \"甲\", en = \"A\" }}\noff_from = \"2027-01-01\"\noff_to = \"2027-01-01\"\n[[holiday]]\nid = \"2027.a\"\nname = {{ zh = \"乙\", en = \"B\" }}\noff_from = \"2027-01-01\"\noff_to = \"2027-01-02\"\n");
    let problems = check(&[file("calendar/2027.toml", &one)]);
    assert!(
        problems
            .iter()
            .any(|p| p.field == "id" && p.message.contains("duplicate")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("already listed")),
        "{problems:#?}"
    );
}

#[test]
fn a_failing_case_is_a_problem() {
    let text = format!("year = 2027\n{NOTICE}\n[[holiday]]\nid = \"2027.a\"\nname = {{ zh = \"甲\", en = \"A\" }}\noff_from = \"2027-01-01\"\noff_to = \"2027-01-01\"\n[[case]]\nfrom = \"2026-12-31\"\nworking_days = 1\ndue = \"2027-01-01\"\n");
    let problems = check(&[file("calendar/2027.toml", &text)]);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].field, "due");
    assert!(problems[0].message.contains("2027-01-04"));
}
