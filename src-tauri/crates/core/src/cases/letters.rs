//! Complaint letters from `rules/letters/*.toml`: one for the platform's complaint channel, one
//! for the regulator with the one-page summary, each in zh and en. A letter has a precise title
//! (account, date, amount, what happened), background → problem → demand (amount and a deadline
//! in working days, with its date from the calendar) and the core evidence with clear file
//! names. The templates are data; this module only fills them from the case.

use super::evidence::{bundle_file_name, EvidenceItem};
use super::{detail, short_time, CaseDetail, CaseStatus, Tier};
use crate::calendar::{Calendar, CalendarKind};
use crate::error::{CoreError, Result};
use crate::lang::Lang;
use crate::ledger::{self, PlatformKind};
use crate::rules::{self, RuleFile};
use crate::time::Timestamp;
use crate::Field;
use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

/// Who the letter is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    Platform,
    Regulator,
}

impl std::str::FromStr for Recipient {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "platform" => Ok(Recipient::Platform),
            "regulator" => Ok(Recipient::Regulator),
            other => Err(CoreError::invalid(
                Field::Recipient,
                format!("“{other}”不是收件方，可选：platform、regulator"),
                format!("“{other}” is not a recipient; use platform or regulator"),
            )),
        }
    }
}

impl Recipient {
    pub fn as_str(self) -> &'static str {
        match self {
            Recipient::Platform => "platform",
            Recipient::Regulator => "regulator",
        }
    }
}

pub use crate::vocab::Source;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Template {
    pub id: String,
    pub to: Recipient,
    pub lang: Lang,
    pub deadline_working_days: u32,
    pub confidence: String,
    pub checked: String,
    pub headings: [String; 3],
    pub title: String,
    pub salutation: String,
    pub background: String,
    pub problem: String,
    pub demand: String,
    pub evidence_heading: String,
    pub evidence_reserve: String,
    pub closing: String,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Addressee {
    pub kinds: Vec<String>,
    pub zh: String,
    pub en: String,
    pub confidence: String,
    pub checked: String,
    pub sources: Vec<Source>,
}

/// The three-sentence statement of the preparation aids (`cases::prep`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Statement {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub confidence: String,
    pub checked: String,
    pub sources: Vec<Source>,
}

/// A checklist item or a phrase.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    pub id: String,
    /// For phrases: `polite_firm` or `supervisor`.
    #[serde(default)]
    pub kind: Option<String>,
    pub zh: String,
    pub en: String,
    pub confidence: String,
    pub checked: String,
    pub sources: Vec<Source>,
}

/// What a letter asks for when the case's diagnosis names a cause: one paragraph added to the
/// demand (ask for the deposit's breakdown, the settlement date, the rule a deduction rests on …).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CauseDemand {
    /// A taxonomy cause id (`kb::TAXONOMY`).
    pub cause: String,
    pub zh: String,
    pub en: String,
    pub confidence: String,
    pub checked: String,
    pub sources: Vec<Source>,
}

/// Everything under `rules/letters/`: templates, addressees and the preparation aids.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LetterFile {
    #[serde(default)]
    pub template: Vec<Template>,
    #[serde(default)]
    pub addressee: Vec<Addressee>,
    #[serde(default)]
    pub statement: Option<Statement>,
    #[serde(default)]
    pub checklist: Vec<Entry>,
    #[serde(default)]
    pub phrase: Vec<Entry>,
    /// Cause-specific paragraphs of the demand.
    #[serde(default)]
    pub cause: Vec<CauseDemand>,
}

/// Parses and merges every file of `rules/letters/`; a broken file names itself.
pub(crate) fn book(files: &[RuleFile]) -> Result<LetterFile> {
    let mut all = LetterFile::default();
    for f in rules::in_folder(files, "letters") {
        let part: LetterFile = toml::from_str(&f.text).map_err(|e| {
            CoreError::Internal(format!("rules/{}: {}", f.path, e.to_string().trim()))
        })?;
        all.template.extend(part.template);
        all.addressee.extend(part.addressee);
        all.statement = part.statement.or(all.statement);
        all.checklist.extend(part.checklist);
        all.phrase.extend(part.phrase);
        all.cause.extend(part.cause);
    }
    Ok(all)
}

/// One section of a letter.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LetterSection {
    pub heading: String,
    pub text: String,
}

/// One attachment line: the clear file name it should be sent under.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LetterAttachment {
    pub evidence_id: i64,
    pub file_name: String,
    pub caption: String,
    pub sha256: String,
}

/// A written letter, both as parts (for the editor) and as one text (to copy or save).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Letter {
    pub template: String,
    pub to: Recipient,
    pub lang: Lang,
    pub title: String,
    pub addressee: Option<String>,
    pub sections: Vec<LetterSection>,
    pub attachments: Vec<LetterAttachment>,
    /// The demand's deadline (YYYY-MM-DD): `deadline_working_days` working days after today.
    pub deadline: String,
    /// `estimated` when a year up to the deadline has no published holiday schedule yet (the
    /// text then says so beside the date).
    pub deadline_calendar: CalendarKind,
    pub deadline_working_days: u32,
    pub text: String,
    pub sources: Vec<Source>,
}

/// Writes the letter for a stored case as of `now`.
pub fn letter_for_case(
    conn: &Connection,
    case_id: i64,
    to: Recipient,
    lang: Lang,
    now: &Timestamp,
    files: &[RuleFile],
) -> Result<Letter> {
    // The calendar from the same rules, so a year in the user's folder counts.
    let calendar = Calendar::from_rules(files)?;
    let d = detail(conn, case_id, now, &calendar)?;
    let kind = match d.case.platform_id {
        Some(id) => Some(ledger::get_platform(conn, id)?.kind),
        None => None,
    };
    write_letter(&d, kind, to, lang, now.date_naive(), &calendar, files)
}

/// Fills the template for `to` and `lang` from the case.
pub fn write_letter(
    d: &CaseDetail,
    kind: Option<PlatformKind>,
    to: Recipient,
    lang: Lang,
    today: NaiveDate,
    cal: &Calendar,
    files: &[RuleFile],
) -> Result<Letter> {
    let book = book(files)?;
    let t = book
        .template
        .iter()
        .find(|t| t.to == to && t.lang == lang)
        .ok_or_else(|| {
            CoreError::Internal(format!(
                "no {} letter template in {}",
                to.as_str(),
                lang.as_str()
            ))
        })?;
    let counted = cal.add_working_days(today, t.deadline_working_days);
    let deadline = counted.due;
    let addressee =
        (to == Recipient::Regulator).then(|| addressee_for(&book.addressee, kind, lang));
    let core: Vec<&EvidenceItem> = d.evidence.iter().filter(|e| e.tier == Tier::Core).collect();
    let reserve = d.evidence.len() - core.len();
    let mut vars = Vars::new(
        d,
        lang,
        today,
        deadline,
        t.deadline_working_days,
        addressee.clone().unwrap_or_default(),
        reserve,
    );
    // A date counted over a year without a published schedule says so beside it, in the
    // letter and so in the bundle's summary, which is the letter's text.
    if counted.calendar == CalendarKind::Estimated {
        let marked = format!(
            "{}{}",
            date_text(deadline, lang),
            estimated_note(&cal.unknown_years(today, deadline), lang)
        );
        vars.set("deadline_date", marked);
    }
    let mut sections = vec![
        LetterSection {
            heading: t.headings[0].clone(),
            text: vars.fill(&t.background),
        },
        LetterSection {
            heading: t.headings[1].clone(),
            text: vars.fill(&t.problem),
        },
        LetterSection {
            heading: t.headings[2].clone(),
            text: vars.fill(&t.demand),
        },
    ];
    // The diagnosis the case came from: its most likely cause with a paragraph of its own
    // adds what to ask for about it (causes are ids, most likely first).
    let mut sources = t.sources.clone();
    if let Some(c) = cause_demand(&book.cause, d) {
        let extra = vars.fill(if lang == Lang::Zh { &c.zh } else { &c.en });
        sections[2].text = format!("{}\n{extra}", sections[2].text);
        sources.extend(c.sources.iter().cloned());
    }
    let attachments: Vec<LetterAttachment> = core
        .iter()
        .enumerate()
        .map(|(i, e)| LetterAttachment {
            evidence_id: e.id,
            file_name: bundle_file_name(i + 1, e),
            caption: e.caption.clone(),
            sha256: e.sha256.clone(),
        })
        .collect();
    let mut list: Vec<String> = attachments
        .iter()
        .map(|a| {
            if a.caption.is_empty() {
                a.file_name.clone()
            } else {
                format!("{}（{}）", a.file_name, a.caption)
            }
        })
        .collect();
    if lang == Lang::En {
        list = attachments
            .iter()
            .map(|a| {
                if a.caption.is_empty() {
                    a.file_name.clone()
                } else {
                    format!("{} ({})", a.file_name, a.caption)
                }
            })
            .collect();
    }
    if reserve > 0 {
        list.push(vars.fill(&t.evidence_reserve));
    }
    if !list.is_empty() {
        sections.push(LetterSection {
            heading: t.evidence_heading.clone(),
            text: numbered(&list),
        });
    }
    let title = vars.fill(&t.title);
    let mut text = format!("{title}\n\n{}\n", vars.fill(&t.salutation));
    for s in &sections {
        text.push_str(&format!("\n{}\n{}\n", s.heading, s.text));
    }
    text.push_str(&format!("\n{}\n", vars.fill(&t.closing)));
    Ok(Letter {
        template: t.id.clone(),
        to,
        lang,
        title,
        addressee,
        sections,
        attachments,
        deadline: deadline.to_string(),
        deadline_calendar: counted.calendar,
        deadline_working_days: t.deadline_working_days,
        text,
        sources,
    })
}

/// The paragraph for the case's most likely cause that has one (the diagnosis's cause ids;
/// a link written by hand may hold ids in `causes`).
fn cause_demand<'a>(list: &'a [CauseDemand], d: &CaseDetail) -> Option<&'a CauseDemand> {
    let link = d.case.diagnosis.as_ref()?;
    link.cause_ids
        .iter()
        .chain(&link.causes)
        .find_map(|id| list.iter().find(|c| c.cause == *id))
}

fn numbered(lines: &[String]) -> String {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{}. {l}", i + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

fn addressee_for(list: &[Addressee], kind: Option<PlatformKind>, lang: Lang) -> String {
    let key = kind.map_or("*", |k| k.as_str());
    list.iter()
        .find(|a| a.kinds.iter().any(|k| k == key))
        .or_else(|| list.iter().find(|a| a.kinds.iter().any(|k| k == "*")))
        .map(|a| {
            if lang == Lang::Zh {
                a.zh.clone()
            } else {
                a.en.clone()
            }
        })
        .unwrap_or_default()
}

/// A date as people write it: 2026年3月10日 / 2026-03-10.
pub(crate) fn date_text(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.to_string(),
    }
}

/// What follows a date counted over years without a published holiday schedule.
pub fn estimated_note(years: &[i32], lang: Lang) -> String {
    let list: Vec<String> = years.iter().map(|y| y.to_string()).collect();
    match lang {
        Lang::Zh => format!("（估算：{} 年放假安排尚未公布）", list.join("、")),
        Lang::En => format!(
            " (estimated: no holiday schedule for {} yet)",
            list.join(", ")
        ),
    }
}

/// The values a template can use.
pub(crate) struct Vars(Vec<(&'static str, String)>);

impl Vars {
    /// Replaces the value of `key`.
    pub(crate) fn set(&mut self, key: &str, value: String) {
        if let Some(slot) = self.0.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = value;
        }
    }

    pub(crate) fn new(
        d: &CaseDetail,
        lang: Lang,
        today: NaiveDate,
        deadline: NaiveDate,
        days: u32,
        addressee: String,
        reserve: usize,
    ) -> Vars {
        let c = &d.case;
        let zh = lang == Lang::Zh;
        let occurred = short_time(&c.occurred_at);
        let date = NaiveDate::parse_from_str(&occurred[..10.min(occurred.len())], "%Y-%m-%d")
            .map(|d| date_text(d, lang))
            .unwrap_or_else(|_| occurred.clone());
        let account = match (zh, c.account.trim().is_empty()) {
            (true, true) => format!("我的{}账户", c.platform),
            (true, false) => format!("{}账户（{}）", c.platform, c.account.trim()),
            (false, true) => format!("my {} account", c.platform),
            (false, false) => format!("my {} account ({})", c.platform, c.account.trim()),
        };
        let what = what_happened(&c.message, lang);
        let contacts = contact_lines(d, lang);
        let obstacle = obstacle(d, lang);
        Vars(vec![
            ("platform", c.platform.clone()),
            ("account", account),
            ("date", date),
            ("time", occurred.get(11..).unwrap_or("").to_string()),
            ("amount", c.amount.display()),
            ("what", what),
            ("summary", full_stop(&c.summary, lang)),
            ("contact_count", d.contacts.len().to_string()),
            ("contacts", contacts),
            ("deadline_days", days.to_string()),
            ("deadline_date", date_text(deadline, lang)),
            ("today", date_text(today, lang)),
            ("reserve_count", reserve.to_string()),
            ("addressee", addressee),
            ("obstacle", obstacle),
            ("status", c.status.label(lang).to_string()),
        ])
    }

    pub(crate) fn fill(&self, template: &str) -> String {
        self.fill_with(template, &[])
    }

    /// Fills the template's `{name}` placeholders in one pass over the template, `extra` before
    /// the case's values. A value is inserted as it is: a case title or a note saying
    /// “{amount}” stays that text (it is never read as a placeholder again). An unknown
    /// `{name}` is left as written.
    pub(crate) fn fill_with(&self, template: &str, extra: &[(&str, &str)]) -> String {
        let lookup = |key: &str| {
            extra
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| *v)
                .or_else(|| {
                    self.0
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map(|(_, v)| v.as_str())
                })
        };
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let filled = after
                .find('}')
                .and_then(|close| lookup(&after[..close]).map(|v| (v, close)));
            match filled {
                Some((value, close)) => {
                    out.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    pub(crate) fn names() -> &'static [&'static str] {
        &[
            "platform",
            "account",
            "date",
            "time",
            "amount",
            "what",
            "summary",
            "contact_count",
            "contacts",
            "deadline_days",
            "deadline_date",
            "today",
            "reserve_count",
            "addressee",
            "obstacle",
            "status",
        ]
    }
}

/// Ends a free text with a full stop so the next sentence does not run into it.
fn full_stop(text: &str, lang: Lang) -> String {
    let t = text.trim();
    if t.is_empty() || t.ends_with(['。', '！', '？', '.', '!', '?', '…']) {
        return t.to_string();
    }
    format!("{t}{}", if lang == Lang::Zh { "。" } else { "." })
}

/// What happened, short enough for a title.
fn what_happened(message: &str, lang: Lang) -> String {
    let m = message.trim();
    match (lang, m.is_empty()) {
        (Lang::Zh, false) => format!("失败（提示“{m}”）"),
        (Lang::Zh, true) => "未能到账".into(),
        (Lang::En, false) => format!("failed with the message “{m}”"),
        (Lang::En, true) => "has not been paid out".into(),
    }
}

fn contact_lines(d: &CaseDetail, lang: Lang) -> String {
    if d.contacts.is_empty() {
        return if lang == Lang::Zh {
            "（尚无记录）".into()
        } else {
            "(none recorded)".into()
        };
    }
    d.contacts
        .iter()
        .map(|c| {
            let zh = lang == Lang::Zh;
            let mut line = format!("· {} {}", short_time(&c.at), c.channel.label(lang));
            if !c.agent.is_empty() {
                line.push_str(&if zh {
                    format!("（{}）", c.agent)
                } else {
                    format!(" ({})", c.agent)
                });
            }
            if !c.said.is_empty() {
                line.push_str(&if zh {
                    format!("：{}", c.said)
                } else {
                    format!(": {}", c.said)
                });
            }
            if !c.promise.is_empty() {
                line.push_str(&if zh {
                    format!("；承诺“{}”", c.promise)
                } else {
                    format!("; promised “{}”", c.promise)
                });
            }
            if let Some(due) = &c.due {
                let flag = match (c.overdue, zh) {
                    (true, true) => "，已逾期",
                    (true, false) => ", overdue",
                    _ => "",
                };
                line.push_str(&if zh {
                    format!("（期限 {}{flag}）", short_time(due))
                } else {
                    format!(" (due {}{flag})", short_time(due))
                });
            }
            if !c.outcome.is_empty() {
                line.push_str(&if zh {
                    format!("；结果：{}", c.outcome)
                } else {
                    format!("; outcome: {}", c.outcome)
                });
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The obstacle now: a broken promise, else the latest answer, else the plain fact.
fn obstacle(d: &CaseDetail, lang: Lang) -> String {
    if let Some(reason) = &d.escalation.reason {
        return reason.get(lang).to_string();
    }
    if d.case.status == CaseStatus::Resolved {
        return if lang == Lang::Zh {
            "问题已解决".into()
        } else {
            "the problem has been solved".into()
        };
    }
    match d.contacts.iter().rev().find(|c| !c.outcome.is_empty()) {
        Some(c) if lang == Lang::Zh => format!(
            "平台最近一次答复（{}）：{}，问题仍未解决",
            short_time(&c.at),
            c.outcome
        ),
        Some(c) => format!(
            "the platform's latest answer ({}): {}; the problem is still not solved",
            short_time(&c.at),
            c.outcome
        ),
        None if lang == Lang::Zh => "平台未给出处理时限和限制原因，资金至今未到账".into(),
        None => {
            "the platform has given neither a deadline nor a reason, and the money has not arrived"
                .into()
        }
    }
}

#[cfg(test)]
#[path = "letters_tests.rs"]
mod tests;
