//! Reading the State Council's holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知) as
//! published: its title, document number and date, and each numbered item
//! ("二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。")
//! → that year's days off and make-up working days.
//!
//! The text is read clause by clause (split at "。" and "，"): a clause with 放假 or 补休 gives
//! days off (`A至B` a range, the end inheriting the start's month and year), one with 上班 gives
//! working days, `共N天` / `放假N天` is checked against the range, a 周X/星期X annotation is
//! checked against the date, and clauses without a date (不调休, 与周末连休) say nothing more.
//! A sentence that only encourages (鼓励…) is not a schedule and is skipped with a note; any
//! other clause with a date in it is an error naming its line, never a silent guess. Full- and
//! half-width punctuation, traditional characters of the keywords, and items wrapped over
//! several lines are all read.

use super::Holiday;
use crate::lang::Text;
use crate::Field;
use crate::{CoreError, Result};
use chrono::{Datelike, NaiveDate, Weekday};
use regex::Regex;
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// One notice, parsed: the year's holidays and where they come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ParsedNotice {
    pub year: i32,
    /// "国务院办公厅关于YYYY年部分节假日安排的通知".
    pub title: String,
    /// 国办发明电〔YYYY〕N号, when the text carries it.
    pub document: Option<String>,
    /// The notice's date (its signature line), `YYYY-MM-DD`.
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub date: NaiveDate,
    pub holidays: Vec<Holiday>,
    /// Every day off, weekends inside the ranges included, ascending.
    #[cfg_attr(feature = "specta", specta(type = Vec<String>))]
    pub days_off: Vec<NaiveDate>,
    /// Weekend days worked (调休上班), ascending.
    #[cfg_attr(feature = "specta", specta(type = Vec<String>))]
    pub make_up_working_days: Vec<NaiveDate>,
    /// What was read but not counted (an encouragement, a working day that is one anyway).
    pub notes: Vec<Text>,
}

/// Parses the notice `text`. `year` is needed when the title is missing and must agree with it
/// when present. Errors are [`CoreError::Invalid`] on field `notice` (or `year`) and name the line.
pub fn parse_notice(text: &str, year: Option<i32>) -> Result<ParsedNotice> {
    let lines: Vec<String> = text.lines().map(normalise).collect();
    let mut notes = Vec::new();
    let (year, title) = title_and_year(&lines, year, &mut notes)?;
    let document = document_number(&lines);
    let date = notice_date(&lines)?;
    let items = items(&lines)?;
    if items.is_empty() {
        return Err(bad(
            None,
            "没有找到放假条目（形如「一、元旦：1月1日放假，共1天。」的行）",
            "no holiday items found (lines like “一、元旦：1月1日放假，共1天。”)",
        ));
    }
    let mut holidays: Vec<Holiday> = Vec::new();
    let mut off_all: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut work_all: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut parsed_items = Vec::new();
    for item in &items {
        parsed_items.push(read_item(item, year, &mut notes)?);
    }
    for (item, parsed) in items.iter().zip(&parsed_items) {
        for d in &parsed.off {
            if !off_all.insert(*d) {
                return Err(bad(
                    Some(item.line),
                    format!("{} 在前面的条目里已经放假", zh_date(*d)),
                    format!("{d} is already a day off in an earlier item"),
                ));
            }
        }
    }
    for (item, parsed) in items.iter().zip(&parsed_items) {
        let mut makeup = Vec::new();
        for d in &parsed.work {
            if off_all.contains(d) {
                return Err(bad(
                    Some(item.line),
                    format!("{} 既写了放假又写了上班", zh_date(*d)),
                    format!("{d} is listed both as a day off and as a working day"),
                ));
            }
            if !is_weekend(*d) {
                notes.push(Text::new(
                    format!(
                        "第 {} 行：{}（{}）本来就是工作日，不算调休上班",
                        item.line,
                        zh_date(*d),
                        zh_weekday(d.weekday())
                    ),
                    format!(
                        "line {}: {d} ({}) is a working day anyway, not a make-up day",
                        item.line,
                        en_weekday(d.weekday())
                    ),
                ));
                continue;
            }
            if work_all.insert(*d) {
                makeup.push(*d);
            }
        }
        makeup.sort();
        let (slug, en) = holiday_slug(&item.name);
        let mut id = format!("{year}.{slug}");
        let mut n = 2;
        while holidays.iter().any(|h| h.id == id) {
            id = format!("{year}.{slug}-{n}");
            n += 1;
        }
        holidays.push(Holiday {
            id,
            name: Text::new(item.name.clone(), en),
            off_from: *parsed
                .off
                .first()
                .expect("an item without days off is an error"),
            off_to: *parsed.off.last().expect("checked"),
            makeup_workdays: makeup,
        });
    }
    // The days off are the ranges: every day from off_from to off_to.
    let days_off: Vec<NaiveDate> = holidays
        .iter()
        .flat_map(|h| h.off_from.iter_days().take_while(move |d| *d <= h.off_to))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(ParsedNotice {
        year,
        title,
        document,
        date,
        holidays,
        days_off,
        make_up_working_days: work_all.into_iter().collect(),
        notes,
    })
}

/// A notice item: "二、春节：…", with the lines it was wrapped over joined.
struct Item {
    line: usize,
    name: String,
    body: String,
}

/// What one item says: days off (sorted, a contiguous range up to weekends) and days worked.
struct ItemDays {
    off: Vec<NaiveDate>,
    work: Vec<NaiveDate>,
}

fn bad(line: Option<usize>, zh: impl Into<String>, en: impl Into<String>) -> CoreError {
    let (zh, en) = (zh.into(), en.into());
    let message = match line {
        Some(n) => Text::new(format!("第 {n} 行：{zh}"), format!("line {n}: {en}")),
        None => Text::new(zh, en),
    };
    CoreError::Invalid {
        field: Field::Notice,
        message,
        location: None,
    }
}

/// Full-width ASCII to half-width, ideographic space to space, and the traditional forms of the
/// notice's keywords to simplified ones, so both copies of a notice read the same.
fn normalise(line: &str) -> String {
    line.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' => ' ',
            '國' => '国',
            '務' => '务',
            '辦' => '办',
            '廳' => '厅',
            '關' => '关',
            '於' => '于',
            '節' => '节',
            '調' => '调',
            '週' => '周',
            '連' => '连',
            '補' => '补',
            '與' => '与',
            '勞' => '劳',
            '動' => '动',
            '慶' => '庆',
            '勵' => '励',
            '發' => '发',
            '電' => '电',
            '號' => '号',
            other => other,
        })
        .collect()
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("a valid pattern"))
}

fn title_and_year(
    lines: &[String],
    given: Option<i32>,
    notes: &mut Vec<Text>,
) -> Result<(i32, String)> {
    // `[0-9]`, never `\d`: that matches any script's digits, which `parse` then refuses.
    static TITLE: OnceLock<Regex> = OnceLock::new();
    let title_re = re(&TITLE, r"国务院办公厅关于([0-9]{4})年部分节假日安排的通知");
    // The title may be wrapped over two lines ("…关于2024年" / "部分节假日安排的通知"), so it is
    // searched in the text without whitespace, remembering each character's line.
    let mut joined = String::new();
    let mut line_of = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        for c in l.chars().filter(|c| !c.is_whitespace()) {
            joined.push(c);
            line_of.extend(std::iter::repeat_n(i + 1, c.len_utf8()));
        }
    }
    let found = title_re.captures(&joined).map(|c| {
        let m = c.get(0).expect("whole match");
        let year: i32 = c[1].parse().expect("four digits");
        (year, m.as_str().to_string(), line_of[m.start()])
    });
    match (found, given) {
        (Some((year, _, line)), Some(given)) if given != year => Err(CoreError::Invalid {
            field: Field::Year,
            message: Text::new(
                format!("第 {line} 行：通知标题是 {year} 年，但指定的年份是 {given}"),
                format!("line {line}: the notice's title says {year}, but the year given is {given}"),
            ),
            location: None,
        }),
        (Some((year, title, _)), _) => Ok((year, title)),
        (None, Some(year)) => {
            notes.push(Text::new(
                format!("文本里没有通知标题，按指定的年份记为 {year} 年的通知"),
                format!("the text has no notice title; recorded as the notice for {year}, the year given"),
            ));
            Ok((year, format!("国务院办公厅关于{year}年部分节假日安排的通知")))
        }
        (None, None) => Err(bad(
            None,
            "没有找到通知标题「国务院办公厅关于YYYY年部分节假日安排的通知」；请连同标题一起粘贴，或指定年份",
            "no notice title “国务院办公厅关于YYYY年部分节假日安排的通知” found; paste the title too, or give the year",
        )),
    }
}

fn document_number(lines: &[String]) -> Option<String> {
    static DOC: OnceLock<Regex> = OnceLock::new();
    let doc = re(
        &DOC,
        r"国办发明电\s*[〔\[(［]\s*([0-9]{4})\s*[〕\])］]\s*([0-9]+)\s*号",
    );
    lines
        .iter()
        .find_map(|l| doc.captures(l))
        .map(|c| format!("国办发明电〔{}〕{}号", &c[1], &c[2]))
}

/// The signature date: the last line that is only a date, "2024年11月12日".
fn notice_date(lines: &[String]) -> Result<NaiveDate> {
    static DATE: OnceLock<Regex> = OnceLock::new();
    let date_re = re(
        &DATE,
        r"^\s*([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日\s*$",
    );
    for (i, l) in lines.iter().enumerate().rev() {
        if let Some(c) = date_re.captures(l) {
            let (y, m, d) = (c[1].parse(), c[2].parse(), c[3].parse());
            return match (y, m, d) {
                (Ok(y), Ok(m), Ok(d)) => NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
                    bad(
                        Some(i + 1),
                        format!("落款日期「{}」不是真实的日期", l.trim()),
                        format!("the notice's date “{}” is not a real date", l.trim()),
                    )
                }),
                _ => Err(bad(
                    Some(i + 1),
                    "落款日期读不出来",
                    "the notice's date cannot be read",
                )),
            };
        }
    }
    Err(bad(
        None,
        "没有找到通知的落款日期（单独一行的「YYYY年M月D日」）；请连同落款一起粘贴",
        "no notice date found (a line with only “YYYY年M月D日”); paste the signature too",
    ))
}

/// The numbered items, each with the lines it wraps over: an item goes on until it ends with
/// "。" or an empty line comes.
fn items(lines: &[String]) -> Result<Vec<Item>> {
    static ITEM: OnceLock<Regex> = OnceLock::new();
    let item_re = re(
        &ITEM,
        r"^\s*[一二三四五六七八九十]+\s*[、.]\s*([^:]{1,30}?)\s*:\s*(.*)$",
    );
    static NUMBERED: OnceLock<Regex> = OnceLock::new();
    let numbered = re(&NUMBERED, r"^\s*[一二三四五六七八九十]+\s*、");
    let mut out: Vec<Item> = Vec::new();
    let mut open = false;
    for (i, raw) in lines.iter().enumerate() {
        let l = raw.trim();
        if let Some(c) = item_re.captures(l) {
            out.push(Item {
                line: i + 1,
                name: c[1].split_whitespace().collect(),
                body: c[2].trim().to_string(),
            });
            open = !c[2].trim().ends_with('。');
        } else if numbered.is_match(l) && l.contains('日') {
            return Err(bad(
                Some(i + 1),
                format!("「{l}」看起来是放假条目，但缺少节日名称后的冒号"),
                format!(
                    "“{l}” looks like a holiday item but has no colon after the holiday's name"
                ),
            ));
        } else if l.is_empty() {
            open = false;
        } else if open {
            let item = out.last_mut().expect("open only after an item");
            item.body.push_str(l);
            open = !l.ends_with('。');
        }
    }
    Ok(out)
}

/// A date as written: "2022年12月31日", "2月4日", "3日", with what follows it in brackets.
struct Written {
    year: Option<i32>,
    month: Option<u32>,
    day: u32,
    note: Option<String>,
    text: String,
    /// Whether "至" joins it to the date before.
    after_to: bool,
}

fn written_dates(clause: &str) -> Vec<Written> {
    static DATE: OnceLock<Regex> = OnceLock::new();
    let date_re = re(
        &DATE,
        r"(至\s*)?(?:([0-9]{4})\s*年\s*)?(?:([0-9]{1,2})\s*月\s*)?([0-9]{1,2})\s*日(?:\s*\(([^)]*)\))?",
    );
    date_re
        .captures_iter(clause)
        .map(|c| Written {
            after_to: c.get(1).is_some(),
            year: c.get(2).and_then(|m| m.as_str().parse().ok()),
            month: c.get(3).and_then(|m| m.as_str().parse().ok()),
            day: c[4].parse().unwrap_or(0),
            note: c.get(5).map(|m| m.as_str().to_string()),
            text: c[0].trim_start_matches('至').trim().to_string(),
        })
        .collect()
}

/// Splits at `sep` outside brackets.
fn split_outside_brackets(text: &str, sep: &[char]) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut depth = 0u32;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && sep.contains(&c) {
            parts.push(String::new());
        } else {
            parts.last_mut().expect("never empty").push(c);
        }
    }
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn read_item(item: &Item, year: i32, notes: &mut Vec<Text>) -> Result<ItemDays> {
    static COUNT: OnceLock<Regex> = OnceLock::new();
    let count_re = re(&COUNT, r"(?:共|放假)\s*([0-9]+)\s*天");
    let line = item.line;
    let mut off: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut work: Vec<NaiveDate> = Vec::new();
    let mut counts: Vec<(u32, Vec<NaiveDate>)> = Vec::new();
    let mut month: Option<u32> = None;
    for sentence in split_outside_brackets(&item.body, &['。', ';']) {
        if sentence.starts_with("鼓励") {
            if !written_dates(&sentence).is_empty() {
                notes.push(Text::new(
                    format!("第 {line} 行：「{sentence}」是鼓励性的安排，不是法定放假，未计入"),
                    format!("line {line}: “{sentence}” only encourages; it is not a statutory day off and was not counted"),
                ));
            }
            continue;
        }
        let mut sentence_off: Vec<NaiveDate> = Vec::new();
        // Dates in a clause without a keyword belong to the next clause that has one
        // ("1月26日（周日），2月8日（周六）上班" written with a comma instead of 、).
        let mut pending: Vec<Written> = Vec::new();
        let mut pending_text = String::new();
        for clause in split_outside_brackets(&sentence, &[',']) {
            let is_work = clause.contains("上班");
            let is_off = clause.contains("放假") || clause.contains("补休");
            if let Some(c) = count_re.captures(&clause) {
                counts.push((c[1].parse().unwrap_or(0), Vec::new()));
            }
            pending.extend(written_dates(&clause));
            if !is_work && !is_off {
                if !pending.is_empty() {
                    pending_text.push_str(&clause);
                    pending_text.push(',');
                }
                continue;
            }
            let written = std::mem::take(&mut pending);
            pending_text.clear();
            if written.is_empty() {
                continue;
            }
            if is_work && is_off {
                return Err(bad(
                    Some(line),
                    format!("「{clause}」里同时写了放假和上班，请分成两句"),
                    format!("“{clause}” says both 放假 and 上班; split it into two sentences"),
                ));
            }
            let mut start: Option<NaiveDate> = None;
            for w in &written {
                let range_start = if w.after_to { start } else { None };
                let d = resolve(w, year, range_start, &mut month, line)?;
                check_weekday(w, d, line)?;
                check_in_year(w, d, year, line)?;
                if is_work {
                    work.push(d);
                } else if let Some(s) = range_start {
                    if d < s {
                        return Err(bad(
                            Some(line),
                            format!("「{}」在起始日之前", w.text),
                            format!("“{}” is before the start of its range", w.text),
                        ));
                    }
                    sentence_off.extend(s.iter_days().take_while(|x| *x <= d).skip(1));
                } else {
                    sentence_off.push(d);
                }
                start = Some(d);
            }
        }
        if !pending.is_empty() {
            let clause = pending_text.trim_end_matches(',');
            return Err(bad(
                Some(line),
                format!("看不懂「{clause}」：其中的日期既不是放假也不是上班"),
                format!("cannot read “{clause}”: its dates are neither days off nor working days"),
            ));
        }
        // A count in this sentence (共N天 / 放假N天) is about the days off it names.
        if let Some(last) = counts.last_mut() {
            if last.1.is_empty() {
                last.1 = sentence_off.clone();
            }
        }
        off.extend(sentence_off);
    }
    if off.is_empty() {
        return Err(bad(
            Some(line),
            format!("「{}」这一条没有放假日期", item.name),
            format!("the item “{}” has no days off", item.name),
        ));
    }
    for (n, days) in &counts {
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            continue;
        };
        let span = (*last - *first).num_days() + 1;
        if i64::from(*n) != span {
            return Err(bad(
                Some(line),
                format!(
                    "写的是共 {n} 天，但 {} 至 {} 是 {span} 天",
                    zh_date(*first),
                    zh_date(*last)
                ),
                format!("it says {n} days, but {first} to {last} is {span} days"),
            ));
        }
    }
    let off: Vec<NaiveDate> = off.into_iter().collect();
    let (first, last) = (off[0], off[off.len() - 1]);
    // A holiday is one range; a gap may only be a weekend (4月5日放假，4月7日（星期一）补休).
    if let Some(gap) = first
        .iter_days()
        .take_while(|d| *d <= last)
        .find(|d| !off.contains(d) && !is_weekend(*d))
    {
        return Err(bad(
            Some(line),
            format!("放假日期不连续：{} 是工作日却夹在放假日之间", zh_date(gap)),
            format!("the days off are not one range: {gap} is a working day between them"),
        ));
    }
    Ok(ItemDays {
        off: first.iter_days().take_while(|d| *d <= last).collect(),
        work,
    })
}

/// Fills in the month and year a written date leaves out: a range's end takes its start's
/// (the next year when its month is earlier: 12月31日至1月2日); otherwise the month of the date
/// before in the item, and the notice's year.
fn resolve(
    w: &Written,
    year: i32,
    range_start: Option<NaiveDate>,
    month: &mut Option<u32>,
    line: usize,
) -> Result<NaiveDate> {
    let m = match (w.month, range_start) {
        (Some(m), _) => m,
        (None, Some(s)) => s.month(),
        (None, None) => month.ok_or_else(|| {
            bad(
                Some(line),
                format!("「{}」没有月份", w.text),
                format!("“{}” has no month", w.text),
            )
        })?,
    };
    let y = match (w.year, range_start) {
        (Some(y), _) => y,
        (None, Some(s)) if m < s.month() => s.year() + 1,
        (None, Some(s)) => s.year(),
        (None, None) => year,
    };
    *month = Some(m);
    NaiveDate::from_ymd_opt(y, m, w.day).ok_or_else(|| {
        bad(
            Some(line),
            format!("「{}」不是真实的日期", w.text),
            format!("“{}” is not a real date", w.text),
        )
    })
}

/// "（周三）", "（星期日）", "（农历除夕、周二）": the weekday written must be the date's.
fn check_weekday(w: &Written, d: NaiveDate, line: usize) -> Result<()> {
    static WEEKDAY: OnceLock<Regex> = OnceLock::new();
    let weekday_re = re(&WEEKDAY, r"(?:周|星期|礼拜)([一二三四五六日天])");
    let Some(note) = &w.note else { return Ok(()) };
    let Some(c) = weekday_re.captures(note) else {
        return Ok(());
    };
    let written = match &c[1] {
        "一" => Weekday::Mon,
        "二" => Weekday::Tue,
        "三" => Weekday::Wed,
        "四" => Weekday::Thu,
        "五" => Weekday::Fri,
        "六" => Weekday::Sat,
        _ => Weekday::Sun,
    };
    if written == d.weekday() {
        return Ok(());
    }
    Err(bad(
        Some(line),
        format!(
            "「{}」写的是{}，但 {} 是{}：年份对吗？",
            w.text,
            zh_weekday(written),
            zh_date(d),
            zh_weekday(d.weekday())
        ),
        format!(
            "“{}” says {}, but {d} is a {}: is the year right?",
            w.text,
            en_weekday(written),
            en_weekday(d.weekday())
        ),
    ))
}

/// Dates stay inside the notice's year, or its previous December (元旦 may start there).
fn check_in_year(w: &Written, d: NaiveDate, year: i32, line: usize) -> Result<()> {
    if d.year() == year || (d.year() == year - 1 && d.month() == 12) {
        return Ok(());
    }
    Err(bad(
        Some(line),
        format!("「{}」不在 {year} 年", w.text),
        format!("“{}” is outside {year}", w.text),
    ))
}

/// The id part and English name of a holiday from its Chinese name ("国庆节、中秋节" →
/// national-day-mid-autumn, "National Day and Mid-Autumn Festival").
fn holiday_slug(zh: &str) -> (String, String) {
    const KNOWN: [(&str, &str, &str); 7] = [
        ("元旦", "new-year", "New Year's Day"),
        ("春节", "spring-festival", "Spring Festival"),
        ("清明节", "qingming", "Qingming Festival"),
        ("劳动节", "labour-day", "Labour Day"),
        ("端午节", "dragon-boat", "Dragon Boat Festival"),
        ("中秋节", "mid-autumn", "Mid-Autumn Festival"),
        ("国庆节", "national-day", "National Day"),
    ];
    let parts: Vec<Option<(&str, &str)>> = zh
        .split(['、', '和', ','])
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let p = p.trim();
            KNOWN
                .iter()
                .find(|(name, _, _)| *name == p || name.trim_end_matches('节') == p)
                .map(|(_, slug, en)| (*slug, *en))
        })
        .collect();
    if parts.is_empty() || parts.iter().any(Option::is_none) {
        return ("holiday".into(), format!("Holiday ({zh})"));
    }
    let parts: Vec<(&str, &str)> = parts.into_iter().flatten().collect();
    let slug = parts.iter().map(|p| p.0).collect::<Vec<_>>().join("-");
    let en = parts.iter().map(|p| p.1).collect::<Vec<_>>().join(" and ");
    (slug, en)
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn zh_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn zh_weekday(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

fn en_weekday(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}
