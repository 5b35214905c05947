//! Preparing to contact customer service (seed 003): the three-sentence statement built from the
//! case (when, what, result), the checklist of what to have ready, polite-and-firm phrases and
//! how to ask for a supervisor. The texts are data in `rules/letters/prep.toml`.

use super::letters::{book, Entry, Vars};
use super::{detail, CaseDetail, CaseStatus};
use crate::calendar::Calendar;
use crate::error::{CoreError, Result};
use crate::lang::Lang;
use crate::rules::RuleFile;
use crate::time::Timestamp;
use rusqlite::Connection;
use serde::Serialize;

/// One line of the preparation aids, with where it comes from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PrepItem {
    pub id: String,
    pub text: String,
    pub confidence: String,
}

/// What to have in hand before calling.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Prep {
    /// When, what, result — three sentences to say first.
    pub statement: String,
    pub checklist: Vec<PrepItem>,
    pub polite_firm: Vec<PrepItem>,
    pub supervisor: Vec<PrepItem>,
}

pub fn prep_for_case(
    conn: &Connection,
    case_id: i64,
    lang: Lang,
    now: &Timestamp,
    files: &[RuleFile],
) -> Result<Prep> {
    let calendar = Calendar::from_rules(files)?;
    prep(&detail(conn, case_id, now, &calendar)?, lang, now, files)
}

pub fn prep(d: &CaseDetail, lang: Lang, now: &Timestamp, files: &[RuleFile]) -> Result<Prep> {
    let book = book(files)?;
    let statement = book
        .statement
        .as_ref()
        .ok_or_else(|| CoreError::Internal("rules/letters has no [statement]".into()))?;
    let today = now.date_naive();
    let vars = Vars::new(d, lang, today, today, 0, String::new(), 0);
    let what = match (lang, d.case.message.trim()) {
        (Lang::Zh, "") => "提现一直没有到账".to_string(),
        (Lang::Zh, m) => format!("系统提示“{m}”"),
        (Lang::En, "") => "The money never arrived".to_string(),
        (Lang::En, m) => format!("The app said “{m}”"),
    };
    let template = if lang == Lang::Zh {
        &statement.zh
    } else {
        &statement.en
    };
    let result = result(d, lang);
    // One pass: the message the user typed goes in as it is, never read as a placeholder.
    let text = vars.fill_with(template, &[("what", &what), ("result", &result)]);
    let item = |e: &Entry| PrepItem {
        id: e.id.clone(),
        text: if lang == Lang::Zh {
            e.zh.clone()
        } else {
            e.en.clone()
        },
        confidence: e.confidence.clone(),
    };
    let phrases = |kind: &str| {
        book.phrase
            .iter()
            .filter(|p| p.kind.as_deref() == Some(kind))
            .map(item)
            .collect::<Vec<_>>()
    };
    Ok(Prep {
        statement: text,
        checklist: book.checklist.iter().map(item).collect(),
        polite_firm: phrases("polite_firm"),
        supervisor: phrases("supervisor"),
    })
}

/// The third sentence: where things stand now.
fn result(d: &CaseDetail, lang: Lang) -> String {
    let n = d.contacts.len();
    let overdue = d.contacts.iter().any(|c| c.overdue);
    let resolved = matches!(d.case.status, CaseStatus::Resolved | CaseStatus::Closed);
    match lang {
        Lang::Zh if resolved => "问题已经处理".into(),
        Lang::Zh if n == 0 => "至今资金仍未到账".into(),
        Lang::Zh => format!(
            "至今资金仍未到账，我已联系客服{n}次{}",
            if overdue {
                "，对方承诺的期限已过"
            } else {
                ""
            }
        ),
        Lang::En if resolved => "It has since been dealt with".into(),
        Lang::En if n == 0 => "The money has still not arrived".into(),
        Lang::En => format!(
            "The money has still not arrived; I have contacted customer service {n} time(s){}",
            if overdue {
                " and the promised deadline has passed"
            } else {
                ""
            }
        ),
    }
}
