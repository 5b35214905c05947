//! The evidence bundle's input built from a stored case: what `tixian case export` and the app's
//! Export button hand to [`crate::export::export_bundle`].

use super::letters::{self, Recipient};
use super::{detail, Tier};
use crate::calendar::Calendar;
use crate::export::{BundleInput, ContactRow, EvidenceFile, Summary, TimelineRow};
use crate::rules::RuleFile;
use crate::time::{self, Timestamp};
use crate::{vault, Lang, Result};
use rusqlite::Connection;
use std::path::Path;

/// Everything of case `case_id` the bundle shows, as of `now`. `all_tiers` adds the reserve
/// evidence to the core evidence; the summary is the platform letter's background, problem and
/// demand.
pub fn bundle_input(
    conn: &Connection,
    case_id: i64,
    lang: Lang,
    all_tiers: bool,
    vault_dir: &Path,
    now: &Timestamp,
    files: &[RuleFile],
) -> Result<BundleInput> {
    let d = detail(conn, case_id, now, &Calendar::from_rules(files)?)?;
    let letter = letters::letter_for_case(conn, case_id, Recipient::Platform, lang, now, files)?;
    let section = |i: usize| {
        letter
            .sections
            .get(i)
            .map(|s| s.text.clone())
            .unwrap_or_default()
    };
    let overdue = d.contacts.iter().filter(|c| c.overdue).count();
    let mut key_facts = vec![
        d.case.amount.display(),
        d.case.occurred_at.chars().take(10).collect(),
        d.case.platform.clone(),
    ];
    if overdue > 0 {
        key_facts.push(match lang {
            Lang::Zh => format!("{overdue} 个客服承诺已逾期"),
            Lang::En => format!("{overdue} customer-service promise(s) overdue"),
        });
    }
    Ok(BundleInput {
        case_id,
        title: letter.title.clone(),
        platform: d.case.platform.clone(),
        amount: d.case.amount,
        occurred_at: d.case.occurred_at.clone(),
        created_at: d.case.created_at.clone(),
        exported_at: time::to_rfc3339(now),
        lang,
        summary: Summary {
            background: section(0),
            problem: section(1),
            demand: section(2),
            key_facts,
        },
        timeline: d
            .timeline
            .iter()
            .map(|e| TimelineRow {
                at: e.at.clone(),
                text: e.text.clone(),
            })
            .collect(),
        contacts: d
            .contacts
            .iter()
            .map(|c| ContactRow {
                at: c.at.clone(),
                channel: c.channel.label(lang).to_string(),
                agent: c.agent.clone(),
                said: c.said.clone(),
                promise: c.promise.clone(),
                due: c.due.clone(),
                outcome: c.outcome.clone(),
                overdue: c.overdue,
            })
            .collect(),
        evidence: d
            .evidence
            .iter()
            .filter(|e| all_tiers || e.tier == Tier::Core)
            .map(|e| EvidenceFile {
                path: vault::path_of(vault_dir, &e.sha256),
                original_name: e.original_name.clone(),
                caption: e.caption.clone(),
                taken_at: e.taken_at.clone(),
                added_at: e.added_at.clone(),
                sha256: e.sha256.clone(),
                tier: e.tier.as_str().to_string(),
                text: e.text.clone().unwrap_or_default(),
                text_checked: e.text_source.as_deref() == Some("user"),
            })
            .collect(),
    })
}
