//! Reading and validating `rules/calendar/*.toml`: the schema, real dates inside the file's
//! year, make-up days only on weekends, no clashes between holidays or files, a cited notice,
//! and the file's own `[[case]]` examples.

use super::{Calendar, Holiday, Notice, YearSchedule};
use crate::lang::Text;
use crate::rules::problem::{date_field, parse_problem, Problem};
use crate::rules::{self, RuleFile};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    year: i32,
    source: RawNotice,
    #[serde(default)]
    holiday: Vec<RawHoliday>,
    #[serde(default)]
    case: Vec<RawCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotice {
    title: String,
    document: String,
    date: String,
    url: Option<String>,
    confidence: String,
    checked: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    id: String,
    name: Text,
    off_from: String,
    off_to: String,
    #[serde(default)]
    makeup_workdays: Vec<String>,
}

/// An example the file carries: counting from `from` must give `due`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    from: String,
    working_days: Option<u32>,
    days: Option<u32>,
    due: String,
}

/// Every problem in the calendar files, including failing `[[case]]` examples.
pub fn check(files: &[RuleFile]) -> Vec<Problem> {
    let (calendar, mut problems) = build(files);
    if let Some(calendar) = calendar {
        problems.extend(run_cases(&calendar, files));
    }
    problems
}

/// Parses and validates all calendar files; the calendar is built only when nothing is wrong.
pub(super) fn build(files: &[RuleFile]) -> (Option<Calendar>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut years: Vec<YearSchedule> = Vec::new();
    let mut year_files: HashMap<i32, String> = HashMap::new();
    let mut holiday_ids: HashMap<String, String> = HashMap::new();
    let mut day_owner: HashMap<NaiveDate, (String, bool)> = HashMap::new();
    for file in rules::in_folder(files, "calendar") {
        let Some(schedule) = parse_file(file, &mut problems) else {
            continue;
        };
        let id = schedule.year.to_string();
        if let Some(other) = year_files.insert(schedule.year, file.path.clone()) {
            problems.push(Problem::new(
                &file.path,
                &id,
                "year",
                format!("year {} is also in {other}", schedule.year),
            ));
        }
        for h in &schedule.holidays {
            if let Some(other) = holiday_ids.insert(h.id.clone(), file.path.clone()) {
                problems.push(Problem::new(
                    &file.path,
                    &h.id,
                    "id",
                    format!("duplicate holiday id (also in {other})"),
                ));
            }
            let days = h
                .off_from
                .iter_days()
                .take_while(|d| *d <= h.off_to)
                .map(|d| (d, false));
            for (day, working) in days.chain(h.makeup_workdays.iter().map(|d| (*d, true))) {
                match day_owner.get(&day) {
                    Some((owner, _)) => problems.push(Problem::new(
                        &file.path,
                        &h.id,
                        if working {
                            "makeup_workdays"
                        } else {
                            "off_from"
                        },
                        format!("{day} is already listed by {owner}"),
                    )),
                    None => {
                        day_owner.insert(day, (h.id.clone(), working));
                    }
                }
            }
        }
        years.push(schedule);
    }
    if problems.is_empty() {
        (Some(Calendar::from_years(years)), problems)
    } else {
        (None, problems)
    }
}

fn parse_file(file: &RuleFile, problems: &mut Vec<Problem>) -> Option<YearSchedule> {
    let path = file.path.as_str();
    let stem = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".toml");
    let raw: RawFile = match toml::from_str(&file.text) {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(parse_problem(path, &file.text, stem, &e));
            return None;
        }
    };
    let before = problems.len();
    let year = raw.year;
    let id = year.to_string();
    if stem != id {
        problems.push(Problem::new(
            path,
            &id,
            "year",
            format!("year {year} does not match the file name {stem}.toml"),
        ));
    }
    let notice = check_notice(path, &id, raw.source, problems);
    if raw.holiday.is_empty() {
        problems.push(Problem::new(
            path,
            &id,
            "holiday",
            "a schedule without holidays",
        ));
    }
    let holidays: Vec<Holiday> = raw
        .holiday
        .into_iter()
        .filter_map(|h| check_holiday(path, year, h, problems))
        .collect();
    if problems.len() == before {
        Some(YearSchedule {
            year,
            notice,
            holidays,
        })
    } else {
        None
    }
}

fn check_notice(path: &str, id: &str, raw: RawNotice, problems: &mut Vec<Problem>) -> Notice {
    for (field, value) in [
        ("source.title", &raw.title),
        ("source.document", &raw.document),
    ] {
        if value.trim().is_empty() {
            problems.push(Problem::new(path, id, field, "must not be empty"));
        }
    }
    date_field(problems, path, id, "source.date", &raw.date);
    date_field(problems, path, id, "source.checked", &raw.checked);
    if !matches!(raw.confidence.as_str(), "high" | "medium" | "low") {
        problems.push(Problem::new(
            path,
            id,
            "source.confidence",
            "must be high, medium or low",
        ));
    }
    Notice {
        title: raw.title,
        document: raw.document,
        date: raw.date,
        url: raw.url,
        confidence: raw.confidence,
        checked: raw.checked,
    }
}

fn check_holiday(
    path: &str,
    year: i32,
    raw: RawHoliday,
    problems: &mut Vec<Problem>,
) -> Option<Holiday> {
    let id = raw.id.as_str();
    let before = problems.len();
    if !id.starts_with(&format!("{year}.")) {
        problems.push(Problem::new(
            path,
            id,
            "id",
            format!("holiday ids start with the year: {year}.…"),
        ));
    }
    if raw.name.zh.trim().is_empty() || raw.name.en.trim().is_empty() {
        problems.push(Problem::new(path, id, "name", "needs both zh and en"));
    }
    let from = date_field(problems, path, id, "off_from", &raw.off_from);
    let to = date_field(problems, path, id, "off_to", &raw.off_to);
    // A notice may start New Year's Day in the previous December; nothing else leaves the year.
    let in_range = |d: NaiveDate| d.year() == year || (d.year() == year - 1 && d.month() == 12);
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            problems.push(Problem::new(path, id, "off_to", "ends before off_from"));
        } else if (to - from).num_days() > 14 {
            problems.push(Problem::new(
                path,
                id,
                "off_to",
                "more than 15 days off: a typo?",
            ));
        }
        for (field, d) in [("off_from", from), ("off_to", to)] {
            if !in_range(d) {
                problems.push(Problem::new(
                    path,
                    id,
                    field,
                    format!("{d} is outside {year}"),
                ));
            }
        }
    }
    let mut makeup = Vec::new();
    for (i, text) in raw.makeup_workdays.iter().enumerate() {
        let field = format!("makeup_workdays[{i}]");
        let Some(d) = date_field(problems, path, id, &field, text) else {
            continue;
        };
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            problems.push(Problem::new(
                path,
                id,
                &field,
                format!(
                    "{d} is a {:?}: make-up working days fall on weekends",
                    d.weekday()
                ),
            ));
        }
        if !in_range(d) {
            problems.push(Problem::new(
                path,
                id,
                &field,
                format!("{d} is outside {year}"),
            ));
        }
        makeup.push(d);
    }
    (problems.len() == before).then(|| Holiday {
        id: raw.id,
        name: raw.name,
        off_from: from.expect("checked"),
        off_to: to.expect("checked"),
        makeup_workdays: makeup,
    })
}

/// Runs each file's `[[case]]` examples against the built calendar.
pub(super) fn run_cases(calendar: &Calendar, files: &[RuleFile]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for file in rules::in_folder(files, "calendar") {
        // Files that did not parse were reported by `build`; a calendar exists only without them.
        let Ok(raw) = toml::from_str::<RawFile>(&file.text) else {
            continue;
        };
        for (i, case) in raw.case.iter().enumerate() {
            let id = format!("{}.case[{i}]", raw.year);
            let from = date_field(&mut problems, &file.path, &id, "from", &case.from);
            let due = date_field(&mut problems, &file.path, &id, "due", &case.due);
            let (Some(from), Some(due)) = (from, due) else {
                continue;
            };
            let got = match (case.working_days, case.days) {
                (Some(n), None) => calendar.add_working_days(from, n).due,
                (None, Some(n)) => calendar.add_calendar_days(from, n).due,
                _ => {
                    problems.push(Problem::new(
                        &file.path,
                        &id,
                        "working_days",
                        "give exactly one of working_days or days",
                    ));
                    continue;
                }
            };
            if got != due {
                problems.push(Problem::new(
                    &file.path,
                    &id,
                    "due",
                    format!("expected {due}, the calendar gives {got}"),
                ));
            }
        }
    }
    problems
}
