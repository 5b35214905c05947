//! Saving a parsed notice as `calendar/YYYY.toml` in the user's rule folder, in exactly the
//! format of `rules/calendar/*.toml`, so [`Calendar::for_user`] lays it over the built-in
//! calendar. The file is checked as the loader will read it (with every other calendar file)
//! before anything is written, and written atomically: a temporary file in the same folder,
//! synced, then renamed over the old one.

use super::notice::ParsedNotice;
use super::Calendar;
use crate::rules::{self, RuleFile};
use crate::{CoreError, Result};
use chrono::{Days, NaiveDate};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where a notice was saved.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SavedNotice {
    pub year: i32,
    /// The file written, `<rules>/calendar/YYYY.toml`.
    pub saved: String,
    /// An earlier file of the user's for that year was replaced.
    pub replaced: bool,
}

/// The path of year `year`'s file in the user's rule folder `user_dir`.
pub fn user_file(user_dir: &Path, year: i32) -> PathBuf {
    user_dir.join("calendar").join(format!("{year}.toml"))
}

/// Whether the user already has a file for `year` (saving again asks first in the app).
pub fn user_file_exists(user_dir: &Path, year: i32) -> bool {
    user_file(user_dir, year).is_file()
}

/// The calendar as it would be with `notice` saved: the built-in files, the user folder, and
/// this year's file in place of any other for that year. Any problem the loader would report
/// is an error, so nothing unreadable is ever written.
pub fn calendar_with(
    user_dir: &Path,
    notice: &ParsedNotice,
    checked: NaiveDate,
) -> Result<Calendar> {
    let mut files = rules::load(Some(user_dir))?;
    let path = format!("calendar/{}.toml", notice.year);
    let file = RuleFile {
        path: path.clone(),
        text: to_toml(notice, checked),
        from_user: true,
    };
    match files.iter_mut().find(|f| f.path == path) {
        Some(existing) => *existing = file,
        None => files.push(file),
    }
    Calendar::from_rules(&files)
}

/// Checks and writes `notice` as `calendar/YYYY.toml` under `user_dir`; `checked` is today.
pub fn save_notice(
    user_dir: &Path,
    notice: &ParsedNotice,
    checked: NaiveDate,
) -> Result<SavedNotice> {
    calendar_with(user_dir, notice, checked)?;
    let path = user_file(user_dir, notice.year);
    let dir = path
        .parent()
        .expect("the file is inside calendar/")
        .to_path_buf();
    std::fs::create_dir_all(&dir)?;
    let replaced = path.is_file();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.toml.", notice.year))
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    tmp.write_all(to_toml(notice, checked).as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(&path).map_err(|e| CoreError::Io(e.error))?;
    // The rename itself is made durable by syncing the folder (where the platform allows it).
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(SavedNotice {
        year: notice.year,
        saved: path.to_string_lossy().into_owned(),
        replaced,
    })
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The file in the format of `rules/calendar/*.toml`, with one example case per holiday: from
/// the day before its first day off, one working day lands on the first working day after it.
pub fn to_toml(n: &ParsedNotice, checked: NaiveDate) -> String {
    let year = n.year;
    let mut out = format!(
        "# {year} working-day calendar: the State Council's holiday schedule as data.\n\
         # Imported from the notice's text by Tixian (`tixian calendar import` or Knowledge → calendar)\n\
         # on {checked}. Days off (off_from..=off_to, weekends inside the range included) and make-up\n\
         # working days (调休上班, always a Saturday or Sunday). Every other day follows the weekday rule.\n\n\
         year = {year}\n\n[source]\ntitle = {}\ndocument = {}\ndate = \"{}\"\nconfidence = \"high\"\nchecked = \"{checked}\"\n",
        quoted(&n.title),
        quoted(n.document.as_deref().unwrap_or("（通知文本中未见发文字号）")),
        n.date,
    );
    for h in &n.holidays {
        let makeup: Vec<String> = h
            .makeup_workdays
            .iter()
            .map(|d| format!("\"{d}\""))
            .collect();
        out.push_str(&format!(
            "\n[[holiday]]\nid = {}\nname = {{ zh = {}, en = {} }}\noff_from = \"{}\"\noff_to = \"{}\"\nmakeup_workdays = [{}]\n",
            quoted(&h.id),
            quoted(&h.name.zh),
            quoted(&h.name.en),
            h.off_from,
            h.off_to,
            makeup.join(", ")
        ));
    }
    let cal = Calendar::from_years(vec![super::YearSchedule {
        year,
        notice: super::Notice {
            title: n.title.clone(),
            document: String::new(),
            date: n.date.to_string(),
            url: None,
            confidence: "high".into(),
            checked: checked.to_string(),
        },
        holidays: n.holidays.clone(),
    }]);
    out.push_str("\n# Cases `tixian kb check` runs: the start day is not counted.\n");
    for h in &n.holidays {
        let Some(from) = h.off_from.checked_sub_days(Days::new(1)) else {
            continue;
        };
        let due = cal.add_working_days(from, 1).due;
        out.push_str(&format!(
            "[[case]]\nfrom = \"{from}\"\nworking_days = 1\ndue = \"{due}\"\n\n"
        ));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
