//! The promise finder: from a pasted customer-service chat or email, find the promises and time
//! limits ("3个工作日内处理", "24小时内回复", "本周内", "within 24 hours" …) and propose contact
//! entries with due times from the working-day calendar. The user confirms each proposal.
//!
//! How it reads a paste: line by line, it tracks the latest timestamp (a full date-time, or a
//! clock time on the received day), the speaker label (`客服小王：`, `我：`, `Agent Tom:`) and the
//! agent's name or id (`工号 8231`, `客服小王`, `my name is Tom`). The user's own lines are never
//! promises; neither are time limits that are demands on the user ("请您在24小时内完成验证") or
//! that point to the past ("3个工作日前"). Due rules: working days → end of that working day;
//! hours and minutes → exact; calendar days → end of day (moved past rest days by the calendar);
//! 本周内 → 18:00 on the week's last working day; 月底 → end of the month's last day.

use super::{ContactChannel, NewContact};
use crate::calendar::{Calendar, CalendarKind};
use crate::error::Result;
use crate::time::{self, Timestamp};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Weekday};
use regex::{Captures, Regex};
use serde::Serialize;
use std::sync::OnceLock;

/// How a due time was worked out from the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DueBasis {
    WorkingDays,
    Hours,
    Minutes,
    CalendarDays,
    EndOfWeek,
    NextWeek,
    Weekday,
    EndOfMonth,
    Date,
    Day,
}

/// A contact entry the finder proposes; the user confirms it before it is stored.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PromiseProposal {
    /// When the promise was made: the transcript's timestamp, else the time the text was received.
    pub at: String,
    pub channel: ContactChannel,
    pub agent: Option<String>,
    /// The whole message line the promise sits in.
    pub said: String,
    /// The sentence that holds the promise.
    pub promise: String,
    /// The time limit as written, e.g. "3个工作日内".
    pub limit: String,
    pub basis: DueBasis,
    pub due: String,
    /// `estimated` when the due time was counted on the calendar (working days, calendar days,
    /// end of the week) over a year without a published holiday schedule.
    pub calendar: CalendarKind,
}

impl PromiseProposal {
    /// The contact entry to store once the user confirmed the proposal.
    pub fn to_contact(&self) -> Result<NewContact> {
        Ok(NewContact {
            at: time::parse_time(&self.at, crate::Field::At)?,
            channel: self.channel,
            agent: self.agent.clone().unwrap_or_default(),
            // When the whole message is the promise, it is stored once.
            said: if self.said == self.promise {
                String::new()
            } else {
                self.said.clone()
            },
            promise: self.promise.clone(),
            due: Some(time::parse_time(&self.due, crate::Field::Due)?),
            // The due time is counted again from this limit on every read.
            limit: Some(self.limit.clone()),
            outcome: String::new(),
        })
    }
}

/// Finds the promises in `text`, received at `received` (the time base when the text has none).
pub fn find_promises(text: &str, received: &Timestamp, cal: &Calendar) -> Vec<PromiseProposal> {
    let text = normalise(text);
    let channel = if re(r"(?im)^\s*(?:subject|主题|发件人|收件人|from|to)\s*[:：]").is_match(&text)
    {
        ContactChannel::Email
    } else {
        ContactChannel::Chat
    };
    let mut state = State {
        at: *received,
        agent_name: None,
        agent_id: None,
        user_speaking: false,
    };
    let mut out: Vec<PromiseProposal> = Vec::new();
    for raw_line in text.lines() {
        let line = state.take_timestamp(raw_line, received);
        let content = state.take_speaker(&line, line != raw_line);
        if content.is_empty() || state.user_speaking {
            continue;
        }
        state.find_agent(&content);
        for sentence in sentences(&content) {
            if is_demand_on_user(sentence) {
                continue;
            }
            for found in find_limits(sentence, &state.at, cal) {
                let (due, calendar) = due_of(&found, &state.at, cal);
                let proposal = PromiseProposal {
                    at: time::to_rfc3339(&state.at),
                    channel,
                    agent: state.agent(),
                    said: content.clone(),
                    promise: sentence.to_string(),
                    limit: found.text,
                    basis: found.basis,
                    due: time::to_rfc3339(&due),
                    calendar,
                };
                if !out
                    .iter()
                    .any(|p| p.promise == proposal.promise && p.due == proposal.due)
                {
                    out.push(proposal);
                }
            }
        }
    }
    out
}

/// The due time a found limit gives from `at` (never before `at`: a limit that already passed
/// is the end of that day), and whether it was counted over a year without a schedule.
fn due_of(found: &Found, at: &Timestamp, cal: &Calendar) -> (Timestamp, CalendarKind) {
    let due = if found.due < *at {
        end_of_day(at, at.date_naive())
    } else {
        found.due
    };
    let counted_on_calendar = matches!(
        found.basis,
        DueBasis::WorkingDays | DueBasis::CalendarDays | DueBasis::EndOfWeek | DueBasis::NextWeek
    );
    let calendar = if counted_on_calendar {
        cal.kind_for_span(at.date_naive(), due.date_naive())
    } else {
        CalendarKind::Official
    };
    (due, calendar)
}

/// A stored promise's due time counted again from what it said: the time limit `limit` (as
/// the finder wrote it, e.g. "3个工作日内") read in the sentence `promise`, from the contact's
/// time `at`, on `cal` — so a holiday schedule added later moves it exactly as it would have
/// moved the proposal. `None` when the sentence does not hold that limit.
pub fn recount_due(
    promise: &str,
    limit: &str,
    at: &Timestamp,
    cal: &Calendar,
) -> Option<(Timestamp, CalendarKind)> {
    let sentence = normalise(promise);
    let limit = normalise(limit);
    find_limits(sentence.trim(), at, cal)
        .into_iter()
        .find(|f| f.text == limit.trim())
        .map(|f| due_of(&f, at, cal))
}

/// The time limit in `promise` that gives exactly the due time `due` from `at` on one of `cals`:
/// how a promise saved before limits were stored (schema v12) is recognised as one the finder
/// counted. `None` when no limit gives that time (the due time was typed).
pub fn limit_giving(
    promise: &str,
    at: &Timestamp,
    due: &Timestamp,
    cals: &[&Calendar],
) -> Option<String> {
    let sentence = normalise(promise);
    cals.iter().find_map(|cal| {
        find_limits(sentence.trim(), at, cal)
            .into_iter()
            .find(|f| due_of(f, at, cal).0 == *due)
            .map(|f| f.text)
    })
}

/// A regex compiled once per pattern text.
fn re(pattern: &'static str) -> &'static Regex {
    static CACHE: OnceLock<std::sync::Mutex<Vec<(&'static str, &'static Regex)>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut guard = cache.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, r)) = guard.iter().find(|(p, _)| *p == pattern) {
        return r;
    }
    let compiled: &'static Regex = Box::leak(Box::new(
        Regex::new(pattern).expect("promise pattern compiles"),
    ));
    guard.push((pattern, compiled));
    compiled
}

/// Full-width digits, colons and dashes to ASCII so one set of patterns fits both.
fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '：' => ':',
            '－' | '—' | '–' | '～' | '〜' => '-',
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

struct State {
    at: Timestamp,
    agent_name: Option<String>,
    agent_id: Option<String>,
    user_speaking: bool,
}

impl State {
    /// Removes a timestamp from the line, making it the time base for what follows.
    fn take_timestamp(&mut self, line: &str, received: &Timestamp) -> String {
        let full =
            re(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?[ T]*(\d{1,2}):(\d{2})(?::(\d{2}))?");
        if let Some(c) = full.captures(line) {
            let n = |i: usize| {
                c.get(i)
                    .map_or(0, |m| m.as_str().parse::<u32>().unwrap_or(0))
            };
            if let Some(t) = NaiveDate::from_ymd_opt(n(1) as i32, n(2), n(3))
                .zip(NaiveTime::from_hms_opt(n(4), n(5), n(6)))
                .and_then(|(d, t)| {
                    received
                        .offset()
                        .from_local_datetime(&d.and_time(t))
                        .single()
                })
            {
                self.at = t;
            }
            return strip_brackets(&line.replacen(&c[0], "", 1));
        }
        let clock = re(r"^\s*[\[【(（]?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*[\]】)）]?");
        if let Some(c) = clock.captures(line) {
            let n = |i: usize| {
                c.get(i)
                    .map_or(0, |m| m.as_str().parse::<u32>().unwrap_or(0))
            };
            if let Some(t) = NaiveTime::from_hms_opt(n(1), n(2), n(3)).and_then(|t| {
                received
                    .offset()
                    .from_local_datetime(&received.date_naive().and_time(t))
                    .single()
            }) {
                self.at = t;
            }
            return line[c[0].len()..].to_string();
        }
        let trailing = re(r"^(.{1,24}?)\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$");
        if let Some(c) = trailing.captures(line) {
            let n = |i: usize| {
                c.get(i)
                    .map_or(0, |m| m.as_str().parse::<u32>().unwrap_or(0))
            };
            if let Some(t) = NaiveTime::from_hms_opt(n(2), n(3), n(4)).and_then(|t| {
                received
                    .offset()
                    .from_local_datetime(&received.date_naive().and_time(t))
                    .single()
            }) {
                self.at = t;
            }
            return c[1].to_string();
        }
        line.to_string()
    }

    /// Removes a speaker label (`客服小王:`, or a line that is only a speaker name beside its
    /// timestamp), noting whether the user is speaking and who the agent is.
    fn take_speaker(&mut self, line: &str, had_timestamp: bool) -> String {
        let label = re(r"^\s*([^:。，,！!？?\s][^:。，,！!？?]{0,23}?)\s*:\s*");
        let (name, content) = match label.captures(line) {
            Some(c) => (
                c[1].trim().to_string(),
                line[c[0].len()..].trim().to_string(),
            ),
            None if had_timestamp && line.trim().chars().count() <= 24 => {
                (line.trim().to_string(), String::new())
            }
            None => return line.trim().to_string(),
        };
        let user = re(
            r"^(?:我|本人|用户|顾客|客户|买家)\S{0,12}$|^(?i:me|i|you|customer|user)(?:\s+\S{1,12})?$",
        );
        let agentish = re(
            r"(?i)客服|专员|主管|经理|工号|助手|官方|小二|agent|support|service|team|^[A-Z][a-zA-Z]*(?: [A-Z][a-zA-Z]*)?$",
        );
        let generic = re(
            r"(?i)^(?:客服|在线客服|人工客服|官方客服|agent|support|service|customer service|date|subject|from|to|sent|主题|发件人|收件人|时间|发送时间|回复)$",
        );
        if !user.is_match(&name) && !agentish.is_match(&name) && !generic.is_match(&name) {
            // "温馨提示: 3个工作日内到账" — a colon inside the message, not a speaker.
            return line.trim().to_string();
        }
        if user.is_match(&name) && !agentish.is_match(&name) {
            self.user_speaking = true;
        } else {
            self.user_speaking = false;
            if !generic.is_match(&name) {
                let without_id = re(r"\s*[（(]?\s*工号\s*:?\s*#?\s*[A-Za-z]{0,3}\d{2,8}\s*[)）]?")
                    .replace_all(&name, "");
                let cleaned = without_id
                    .trim()
                    .trim_matches(|c| c == '-' || c == '·')
                    .trim()
                    .to_string();
                if !cleaned.is_empty()
                    && !generic.is_match(&cleaned)
                    && self.agent_name.as_deref() != Some(&cleaned)
                {
                    self.agent_name = Some(cleaned);
                    self.agent_id = None;
                }
                self.find_agent(&name);
            }
        }
        content
    }

    /// Picks up agent names and ids mentioned in a message.
    fn find_agent(&mut self, text: &str) {
        let name = re(
            r"客服(?:专员|代表)?[-·\s]?((?:小|阿|老)\p{Han})|我是\s*(\p{Han}{1,5}?)(?:[,，。!！\s]|很高兴|为您|$)|(?:[Mm]y name is|[Tt]his is|I am|I'm)\s+([A-Z][a-z]+)",
        );
        if let Some(c) = name.captures(text) {
            let found = if let Some(m) = c.get(1) {
                format!("客服{}", m.as_str())
            } else {
                first_group(&c, &[2, 3])
            };
            if !found.is_empty() && self.agent_name.as_deref() != Some(&found) {
                self.agent_name = Some(found);
                self.agent_id = None;
            }
        }
        let id = re(
            r"工号\s*:?\s*#?\s*([A-Za-z]{0,3}\d{2,8})|(\d{3,8})\s*号(?:客服|专员)|(?i:agent\s*(?:id|no\.?|number|#)?\s*[:#]?\s*)([A-Za-z]{0,3}\d{3,8})",
        );
        if let Some(c) = id.captures(text) {
            self.agent_id = Some(first_group(&c, &[1, 2, 3]));
        }
    }

    fn agent(&self) -> Option<String> {
        match (&self.agent_name, &self.agent_id) {
            (Some(n), Some(i)) => Some(format!("{n} 工号 {i}")),
            (Some(n), None) => Some(n.clone()),
            (None, Some(i)) => Some(format!("工号 {i}")),
            (None, None) => None,
        }
    }
}

fn first_group(c: &Captures, groups: &[usize]) -> String {
    groups
        .iter()
        .find_map(|&i| c.get(i))
        .map(|m| m.as_str().trim().to_string())
        .unwrap_or_default()
}

fn strip_brackets(s: &str) -> String {
    s.trim()
        .trim_start_matches(['[', ']', '【', '】', '(', ')', '（', '）'])
        .trim()
        .to_string()
}

/// Splits a message into sentences (Chinese and English end marks; a line is at least one).
fn sentences(content: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = content.char_indices().collect();
    for (i, &(pos, ch)) in chars.iter().enumerate() {
        let next = chars.get(i + 1).map(|c| c.1);
        let end = matches!(ch, '。' | '！' | '？' | '；' | '!' | '?' | ';')
            || (ch == '.' && next.is_none_or(char::is_whitespace));
        if end {
            let s = content[start..pos + ch.len_utf8()].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = pos + ch.len_utf8();
        }
    }
    let rest = content[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// A time limit that asks the user to do something is not the platform's promise.
fn is_demand_on_user(sentence: &str) -> bool {
    let demand = re(
        r"(?i)请您|您需|您需要|您可以|请在|请于|麻烦您|建议您|请务必|please|you need|you must|you can|you should",
    );
    let commitment = re(
        r"(?i)我们|我这边|我会|会在|将在|为您|给您|帮您|we will|we'll|i will|i'll|we are going|our team",
    );
    demand.is_match(sentence) && !commitment.is_match(sentence)
}

struct Found {
    text: String,
    basis: DueBasis,
    due: Timestamp,
}

#[path = "promise_limits.rs"]
mod limits;
use limits::find_limits;

fn end_of_day(base: &Timestamp, d: NaiveDate) -> Timestamp {
    at_clock(base, d, 23, 59, 59)
}

fn at_clock(base: &Timestamp, d: NaiveDate, h: u32, m: u32, s: u32) -> Timestamp {
    let t = NaiveTime::from_hms_opt(h.min(23), m.min(59), s.min(59)).unwrap_or(NaiveTime::MIN);
    base.offset()
        .from_local_datetime(&d.and_time(t))
        .single()
        .unwrap_or(*base)
}

/// The last working day of the Monday–Sunday week holding `d` that is not before `d`.
fn last_working_day_of_week(cal: &Calendar, d: NaiveDate) -> Option<NaiveDate> {
    let monday = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
    (0..7)
        .rev()
        .map(|i| monday + Duration::days(i))
        .find(|day| *day >= d && cal.is_working_day(*day))
}

fn weekday_from(c: char) -> Option<Weekday> {
    Some(match c {
        '一' => Weekday::Mon,
        '二' => Weekday::Tue,
        '三' => Weekday::Wed,
        '四' => Weekday::Thu,
        '五' => Weekday::Fri,
        '六' => Weekday::Sat,
        '日' | '天' => Weekday::Sun,
        _ => return None,
    })
}

#[cfg(test)]
#[path = "promises_tests.rs"]
mod tests;
