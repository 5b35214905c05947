//! The time-limit patterns of the promise finder, Chinese and English, and how each turns into
//! a due time. Patterns run in priority order; a later pattern never re-reads text an earlier
//! one matched ("1-3个工作日" is one range, not also "3个工作日").

use super::{at_clock, end_of_day, last_working_day_of_week, re, weekday_from, DueBasis, Found};
use crate::calendar::Calendar;
use crate::time::Timestamp;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::{Captures, Regex};

/// Chinese or Arabic number, e.g. 3, 三, 两, 二十四, 四十八.
const N: &str = r"(\d{1,3}|[零〇一二两三四五六七八九十百]{1,4})";
/// English number word or digits.
const EN: &str = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|twenty-four|thirty|forty-eight|seventy-two)";

type Rule = fn(&Captures, &Timestamp, &Calendar) -> Option<(DueBasis, Timestamp)>;

/// What kind of limit a pattern finds; it decides the extra checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// "N units": followed by 前/了/ago it points to the past, not a deadline.
    Duration,
    /// A named point in time ("月底前", "15号前", "by Friday").
    Point,
    /// Words that often appear without any promise ("今天", "周一", "本周"): only counted when
    /// the sentence also says what will be done.
    Vague,
}
use Kind::{Duration as D, Point as P, Vague as V};

fn rules() -> Vec<(&'static Regex, Kind, Rule)> {
    vec![
        (
            pat(&format!(r"{N}\s*(?:-|~|至|到)\s*{N}\s*个?\s*工作日")),
            D,
            |c, b, cal| working(num(&c[2])?, b, cal),
        ),
        (pat(&format!(r"{N}\s*个?\s*工作日")), D, |c, b, cal| {
            working(num(&c[1])?, b, cal)
        }),
        (
            pat(&format!(
                r"(?i)(?:within|in)?\s*{EN}\s*(?:-|to)\s*{EN}\s+(?:working|business)\s+days?"
            )),
            D,
            |c, b, cal| working(num(&c[2])?, b, cal),
        ),
        (
            pat(&format!(r"(?i){EN}\s+(?:working|business)\s+days?")),
            D,
            |c, b, cal| working(num(&c[1])?, b, cal),
        ),
        (
            pat(&format!(r"{N}\s*(?:-|~|至|到)\s*{N}\s*个?\s*(?:小时|钟头)")),
            D,
            |c, b, _| hours(num(&c[2])?, b),
        ),
        (pat(r"半\s*个?\s*小时"), D, |_, b, _| {
            Some((DueBasis::Minutes, *b + Duration::minutes(30)))
        }),
        (
            pat(&format!(r"{N}\s*个?\s*(?:小时|钟头)")),
            D,
            |c, b, _| hours(num(&c[1])?, b),
        ),
        (
            pat(&format!(r"(?i){EN}[\s-]*(?:hours?|hrs?)\b")),
            D,
            |c, b, _| hours(num(&c[1])?, b),
        ),
        (pat(&format!(r"{N}\s*分钟")), D, |c, b, _| {
            Some((
                DueBasis::Minutes,
                *b + Duration::minutes(i64::from(num(&c[1])?)),
            ))
        }),
        (
            pat(&format!(r"(?i){EN}\s*(?:minutes?|mins?)\b")),
            D,
            |c, b, _| {
                Some((
                    DueBasis::Minutes,
                    *b + Duration::minutes(i64::from(num(&c[1])?)),
                ))
            },
        ),
        (
            pat(&format!(
                r"{N}\s*(?:(?:-|~|至|到)\s*{N}\s*)?个?\s*(?:自然日|天|日)(?:内|之内|以内|后|之后)"
            )),
            D,
            |c, b, cal| calendar_days(num(c.get(2).map_or(&c[1], |m| m.as_str()))?, b, cal),
        ),
        (pat(&format!(r"{N}\s*个?\s*自然日")), D, |c, b, cal| {
            calendar_days(num(&c[1])?, b, cal)
        }),
        (
            pat(&format!(
                r"(?i)(?:within|in)\s+{EN}\s+(?:calendar\s+)?days?\b"
            )),
            D,
            |c, b, cal| calendar_days(num(&c[1])?, b, cal),
        ),
        (
            pat(&format!(r"{N}\s*个?\s*(?:周|星期|礼拜)(?:内|之内|以内)")),
            D,
            |c, b, cal| calendar_days(num(&c[1])? * 7, b, cal),
        ),
        (
            pat(&format!(r"(?i)(?:within|in)\s+{EN}\s+weeks?\b")),
            D,
            |c, b, cal| calendar_days(num(&c[1])? * 7, b, cal),
        ),
        // Named weekdays before the bare week patterns: "本周五前" is Friday, not "this week".
        (
            pat(r"(本|这|下)?个?(?:周|星期|礼拜)([一二三四五六日天])"),
            V,
            |c, b, _| {
                weekday(
                    weekday_from(c[2].chars().next()?)?,
                    c.get(1).is_some_and(|m| m.as_str() == "下"),
                    b,
                )
            },
        ),
        (
            pat(
                r"(?i)\b(?:by|before|on|until)\s+(next\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
            ),
            P,
            |c, b, _| {
                weekday(
                    c[2].to_ascii_lowercase().parse().ok()?,
                    c.get(1).is_some(),
                    b,
                )
            },
        ),
        (pat(r"下个?(?:周|星期|礼拜)"), V, |_, b, cal| {
            end_of_week(b.date_naive() + Duration::days(7), b, cal)
                .map(|(_, t)| (DueBasis::NextWeek, t))
        }),
        (pat(r"(?i)next\s+week"), V, |_, b, cal| {
            end_of_week(b.date_naive() + Duration::days(7), b, cal)
                .map(|(_, t)| (DueBasis::NextWeek, t))
        }),
        (
            pat(r"(?:本|这|这个)(?:周|星期|礼拜)"),
            V,
            |_, b, cal| end_of_week(b.date_naive(), b, cal),
        ),
        (
            pat(r"(?i)(?:end\s+of\s+(?:this|the)\s+week|this\s+week)"),
            V,
            |_, b, cal| end_of_week(b.date_naive(), b, cal),
        ),
        (
            pat(r"(?:本月|这个月|当月)?(?:月底|月末)"),
            P,
            |_, b, _| {
                Some((
                    DueBasis::EndOfMonth,
                    end_of_day(b, last_day_of_month(b.date_naive())),
                ))
            },
        ),
        (pat(r"(?i)end\s+of\s+(?:this|the)\s+month"), P, |_, b, _| {
            Some((
                DueBasis::EndOfMonth,
                end_of_day(b, last_day_of_month(b.date_naive())),
            ))
        }),
        (
            pat(&format!(r"(?:{N}月)?{N}\s*(?:号|日)(?:前|之前|以前)")),
            P,
            |c, b, _| date_of_month(c.get(1).and_then(|m| num(m.as_str())), num(&c[2])?, b),
        ),
        (
            pat(&format!(
                r"(今天|今日|当天|今晚|明天|明日|后天)的?(上午|中午|下午|晚上|下班)?(?:{N}\s*点\s*(半|\d{{1,2}}\s*分)?)?"
            )),
            V,
            day_words,
        ),
        (
            pat(&format!(
                r"(上午|中午|下午|晚上)?{N}\s*点\s*(半|\d{{1,2}}\s*分)?(?:前|之前|以前)"
            )),
            P,
            |c, b, _| {
                clock_on(
                    b.date_naive(),
                    c.get(1).map(|m| m.as_str()),
                    num(&c[2]),
                    c.get(3).map(|m| m.as_str()),
                    b,
                )
            },
        ),
        (
            pat(r"(?i)\b(?:by\s+)?tomorrow(?:\s+(morning|afternoon|evening))?"),
            V,
            |c, b, _| {
                let part = c
                    .get(1)
                    .map(|m| match m.as_str().to_ascii_lowercase().as_str() {
                        "morning" => "上午",
                        "afternoon" => "下午",
                        _ => "晚上",
                    });
                clock_on(b.date_naive() + Duration::days(1), part, None, None, b)
            },
        ),
        (
            pat(
                r"(?i)\b(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day|today)|\btoday\b|\btonight\b",
            ),
            V,
            |_, b, _| Some((DueBasis::Day, end_of_day(b, b.date_naive()))),
        ),
    ]
}

fn pat(p: &str) -> &'static Regex {
    // Patterns are built once per distinct text; `re` caches by a 'static key.
    re(Box::leak(p.to_string().into_boxed_str()))
}

/// Every time limit in the sentence, in text order.
pub(super) fn find_limits(sentence: &str, base: &Timestamp, cal: &Calendar) -> Vec<Found> {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut found: Vec<(usize, Found)> = Vec::new();
    for (regex, kind, rule) in rules_cached() {
        for c in regex.captures_iter(sentence) {
            let m = c.get(0).expect("group 0");
            let (start, end) = (m.start(), m.end());
            if m.as_str().trim().is_empty() || taken.iter().any(|&(s, e)| start < e && s < end) {
                continue;
            }
            taken.push((start, end));
            let after = &sentence[end..];
            if (*kind == D && points_to_the_past(after))
                || (*kind == V && !says_what_will_be_done(sentence))
            {
                continue;
            }
            if let Some((basis, due)) = rule(&c, base, cal) {
                found.push((
                    start,
                    Found {
                        text: limit_text(sentence, start, end),
                        basis,
                        due,
                    },
                ));
            }
        }
    }
    found.sort_by_key(|(start, _)| *start);
    found.into_iter().map(|(_, f)| f).collect()
}

fn rules_cached() -> &'static [(&'static Regex, Kind, Rule)] {
    static RULES: std::sync::OnceLock<Vec<(&'static Regex, Kind, Rule)>> =
        std::sync::OnceLock::new();
    RULES.get_or_init(rules)
}

/// A verb of doing or paying: "会…", "回复", "到账", "we will", "refund" …
fn says_what_will_be_done(sentence: &str) -> bool {
    re(r"(?i)会|将|给您|为您|回复|答复|处理|到账|联系|回电|反馈|解决|通知|退还|退回|核实|恢复|结果|发放|打款|审核|解冻|\bwill\b|we'll|update|resolve|refund|contact|reply|respond|arrive|credited|back to you")
        .is_match(sentence)
}

/// "3个工作日前" is three working days ago; "已经两天了" is a complaint, not a promise.
fn points_to_the_past(after: &str) -> bool {
    let a = after.trim_start();
    (a.starts_with('前') && !a.starts_with("前后"))
        || a.starts_with('了')
        || a.starts_with("之前")
        || a.to_ascii_lowercase().starts_with("ago")
}

/// The matched limit plus a directly following 内/之内/以内/前 so the user sees the whole phrase.
fn limit_text(sentence: &str, start: usize, end: usize) -> String {
    let mut text = sentence[start..end].trim().to_string();
    for suffix in ["之内", "以内", "内", "之前", "以前", "前"] {
        if sentence[end..].starts_with(suffix) && !text.ends_with(suffix) {
            text.push_str(suffix);
            break;
        }
    }
    text
}

/// 3, 三, 两, 十五, 二十四, "twenty-four" → the number; 0 is not a limit.
pub(super) fn num(s: &str) -> Option<u32> {
    let s = s.trim();
    let n = if let Ok(n) = s.parse::<u32>() {
        n
    } else if let Some(n) = english(s) {
        n
    } else {
        let (mut total, mut current) = (0u32, 0u32);
        for ch in s.chars() {
            match ch {
                '零' | '〇' => current = 0,
                '一' => current = 1,
                '二' | '两' => current = 2,
                '三' => current = 3,
                '四' => current = 4,
                '五' => current = 5,
                '六' => current = 6,
                '七' => current = 7,
                '八' => current = 8,
                '九' => current = 9,
                '十' => {
                    total += current.max(1) * 10;
                    current = 0;
                }
                '百' => {
                    total += current.max(1) * 100;
                    current = 0;
                }
                _ => return None,
            }
        }
        total + current
    };
    (n > 0).then_some(n)
}

fn english(s: &str) -> Option<u32> {
    const WORDS: [(&str, u32); 18] = [
        ("one", 1),
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("fifteen", 15),
        ("twenty", 20),
        ("twenty-four", 24),
        ("thirty", 30),
        ("forty-eight", 48),
        ("seventy-two", 72),
    ];
    let lower = s.to_ascii_lowercase();
    WORDS.iter().find(|(w, _)| *w == lower).map(|(_, n)| *n)
}

fn working(n: u32, b: &Timestamp, cal: &Calendar) -> Option<(DueBasis, Timestamp)> {
    Some((
        DueBasis::WorkingDays,
        end_of_day(b, cal.add_working_days(b.date_naive(), n).due),
    ))
}

fn hours(n: u32, b: &Timestamp) -> Option<(DueBasis, Timestamp)> {
    Some((DueBasis::Hours, *b + Duration::hours(i64::from(n))))
}

fn calendar_days(n: u32, b: &Timestamp, cal: &Calendar) -> Option<(DueBasis, Timestamp)> {
    Some((
        DueBasis::CalendarDays,
        end_of_day(b, cal.add_calendar_days(b.date_naive(), n).due),
    ))
}

/// 18:00 on the last working day of the week holding `day` (end of Sunday if none is left).
fn end_of_week(day: NaiveDate, b: &Timestamp, cal: &Calendar) -> Option<(DueBasis, Timestamp)> {
    let t = match last_working_day_of_week(cal, day) {
        Some(d) => at_clock(b, d, 18, 0, 0),
        None => end_of_day(
            b,
            day + Duration::days(i64::from(6 - day.weekday().num_days_from_monday())),
        ),
    };
    Some((DueBasis::EndOfWeek, t))
}

/// The named weekday, end of day: this week's unless it has passed (or "下周…"), then next week's.
fn weekday(target: Weekday, next_week: bool, b: &Timestamp) -> Option<(DueBasis, Timestamp)> {
    let today = b.date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let mut d = monday + Duration::days(i64::from(target.num_days_from_monday()));
    if next_week || d < today {
        d += Duration::days(7);
    }
    Some((DueBasis::Weekday, end_of_day(b, d)))
}

fn last_day_of_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).map_or(d, |first| first - Duration::days(1))
}

/// "15号前" / "3月20日前": that day's end, this month (or year) unless already past.
fn date_of_month(month: Option<u32>, day: u32, b: &Timestamp) -> Option<(DueBasis, Timestamp)> {
    let today = b.date_naive();
    let d = match month {
        Some(m) => {
            let this_year = NaiveDate::from_ymd_opt(today.year(), m, day)?;
            if this_year < today {
                NaiveDate::from_ymd_opt(today.year() + 1, m, day)?
            } else {
                this_year
            }
        }
        None => {
            let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), day)?;
            if this_month < today {
                this_month.checked_add_months(chrono::Months::new(1))?
            } else {
                this_month
            }
        }
    };
    Some((DueBasis::Date, end_of_day(b, d)))
}

fn day_words(c: &Captures, b: &Timestamp, _: &Calendar) -> Option<(DueBasis, Timestamp)> {
    let offset = match &c[1] {
        "明天" | "明日" => 1,
        "后天" => 2,
        _ => 0,
    };
    let part = if &c[1] == "今晚" {
        Some("晚上")
    } else {
        c.get(2).map(|m| m.as_str())
    };
    clock_on(
        b.date_naive() + Duration::days(offset),
        part,
        c.get(3).and_then(|m| num(m.as_str())),
        c.get(4).map(|m| m.as_str()),
        b,
    )
}

/// A time on `day`: an explicit clock ("下午3点半") or the end of the named part of the day.
fn clock_on(
    day: NaiveDate,
    part: Option<&str>,
    hour: Option<u32>,
    minutes: Option<&str>,
    b: &Timestamp,
) -> Option<(DueBasis, Timestamp)> {
    let t = match hour {
        Some(h) => {
            let h = if matches!(part, Some("下午" | "晚上")) && h < 12 {
                h + 12
            } else {
                h
            };
            let m = match minutes.map(str::trim) {
                Some("半") => 30,
                Some(text) => text.trim_end_matches('分').trim().parse().unwrap_or(0),
                None => 0,
            };
            at_clock(b, day, h, m, 0)
        }
        None => match part {
            Some("上午") => at_clock(b, day, 12, 0, 0),
            Some("中午") => at_clock(b, day, 13, 0, 0),
            Some("下午" | "下班") => at_clock(b, day, 18, 0, 0),
            _ => end_of_day(b, day),
        },
    };
    Some((DueBasis::Day, t))
}
