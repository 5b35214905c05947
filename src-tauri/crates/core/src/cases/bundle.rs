//! The evidence bundle's input built from a stored case: what `tixian case export` and the app's
//! Export button hand to [`crate::export::export_bundle`].

use super::letters::{self, Recipient};
use super::{detail, Tier};
use crate::calendar::Calendar;
use crate::error::CoreError;
use crate::export::catalog::{self as cat, CatalogItem, CatalogRow};
use crate::export::{BundleInput, ContactRow, EvidenceFile, Summary, TimelineRow};
use crate::rules::RuleFile;
use crate::time::{self, Timestamp};
use crate::Field;
use crate::{vault, Lang, Result};
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
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
    let included: Vec<_> = d
        .evidence
        .iter()
        .filter(|e| all_tiers || e.tier == Tier::Core)
        .collect();
    let (applicant, stored) = stored_catalog(conn, case_id)?;
    let catalog = stored
        .into_iter()
        .filter_map(|s| {
            let item = match s.key.as_str() {
                "timeline" => CatalogItem::Timeline,
                "contacts" => CatalogItem::Contacts,
                key => {
                    let id: i64 = key.strip_prefix("evidence:")?.parse().ok()?;
                    let index = included.iter().position(|e| e.id == id)?;
                    CatalogItem::Evidence {
                        index: index as u32,
                    }
                }
            };
            Some(CatalogRow {
                item,
                name: s.name,
                source: String::new(),
                purpose: s.purpose,
            })
        })
        .collect();
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
        catalog,
        applicant,
        evidence: included
            .iter()
            .map(|e| EvidenceFile {
                path: vault::path_of(vault_dir, &e.sha256),
                original_name: e.original_name.clone(),
                caption: e.caption.clone(),
                taken_at: e.taken_at.clone(),
                taken_at_source: e.taken_at_source.clone(),
                mime: e.mime.clone(),
                added_at: e.added_at.clone(),
                sha256: e.sha256.clone(),
                tier: e.tier.as_str().to_string(),
                text: e.text.clone().unwrap_or_default(),
                text_checked: e.text_source.as_deref() == Some("user"),
            })
            .collect(),
    })
}

/// One row of the 证据目录 as stored (the user's edits), keyed `timeline`, `contacts` or
/// `evidence:ID`; empty `name`/`purpose` = the suggestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CatalogEdit {
    pub key: String,
    pub name: String,
    pub purpose: String,
}

/// A row of the 目录 as the case page and the export dialog show it: the user's texts (maybe
/// empty), the suggestions, and what will be printed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CatalogRowView {
    pub key: String,
    /// 序号 as printed (1-1, 1-2 …).
    pub number: String,
    pub name: String,
    pub purpose: String,
    pub suggested_name: String,
    pub suggested_purpose: String,
    /// 证据来源 (derived from how the item came in).
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CatalogView {
    pub case_id: i64,
    pub applicant: String,
    pub rows: Vec<CatalogRowView>,
}

fn stored_catalog(conn: &Connection, case_id: i64) -> Result<(String, Vec<CatalogEdit>)> {
    let applicant: Option<String> = conn
        .query_row(
            "SELECT applicant FROM cases WHERE id = ?1",
            [case_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(applicant) = applicant else {
        return Err(CoreError::NotFound {
            what: "case",
            key: case_id.to_string(),
        });
    };
    let mut stmt = conn.prepare(
        "SELECT item, name, purpose FROM bundle_catalog WHERE case_id = ?1 ORDER BY position",
    )?;
    let rows = stmt
        .query_map([case_id], |r| {
            Ok(CatalogEdit {
                key: r.get(0)?,
                name: r.get(1)?,
                purpose: r.get(2)?,
            })
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok((applicant, rows))
}

/// The 目录 of case `case_id` as it would be exported now (same arguments as
/// [`bundle_input`]).
pub fn catalog_view(
    conn: &Connection,
    case_id: i64,
    lang: Lang,
    all_tiers: bool,
    vault_dir: &Path,
    now: &Timestamp,
    files: &[RuleFile],
) -> Result<CatalogView> {
    let input = bundle_input(conn, case_id, lang, all_tiers, vault_dir, now, files)?;
    let ids: Vec<i64> = super::evidence::list_evidence(conn, case_id)?
        .into_iter()
        .filter(|e| all_tiers || e.tier == Tier::Core)
        .map(|e| e.id)
        .collect();
    let suggested = cat::suggest(&input);
    let resolved = cat::resolve(&input);
    let numbers = cat::numbers(&resolved);
    let rows = resolved
        .iter()
        .zip(numbers)
        .map(|(r, number)| {
            let key = match r.item {
                CatalogItem::Timeline => "timeline".to_string(),
                CatalogItem::Contacts => "contacts".to_string(),
                CatalogItem::Evidence { index } => {
                    format!("evidence:{}", ids.get(index as usize).copied().unwrap_or(0))
                }
            };
            let base = suggested.iter().find(|s| s.item == r.item);
            let mine = input.catalog.iter().find(|c| c.item == r.item);
            CatalogRowView {
                key,
                number,
                name: mine.map(|m| m.name.clone()).unwrap_or_default(),
                purpose: mine.map(|m| m.purpose.clone()).unwrap_or_default(),
                suggested_name: base.map(|b| b.name.clone()).unwrap_or_default(),
                suggested_purpose: base.map(|b| b.purpose.clone()).unwrap_or_default(),
                source: r.source.clone(),
            }
        })
        .collect();
    Ok(CatalogView {
        case_id,
        applicant: input.applicant,
        rows,
    })
}

/// Stores the user's 目录 for case `case_id`: `rows` in the order given (replacing the stored
/// one), and the applicant's name. Keys must be `timeline`, `contacts` or `evidence:ID` of this
/// case's evidence, each at most once; names at most 200 characters, purposes 500.
pub fn save_catalog(
    tx: &Transaction,
    case_id: i64,
    applicant: &str,
    rows: &[CatalogEdit],
) -> Result<()> {
    let _ = stored_catalog(tx, case_id)?;
    let evidence: Vec<i64> = super::evidence::list_evidence(tx, case_id)?
        .into_iter()
        .map(|e| e.id)
        .collect();
    if applicant.chars().count() > 100 {
        return Err(CoreError::invalid(
            Field::Applicant,
            "申请人姓名最多 100 个字",
            "the applicant's name is at most 100 characters",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, r) in rows.iter().enumerate() {
        let known = match r.key.as_str() {
            "timeline" | "contacts" => true,
            key => key
                .strip_prefix("evidence:")
                .and_then(|id| id.parse::<i64>().ok())
                .is_some_and(|id| evidence.contains(&id)),
        };
        if !known {
            return Err(CoreError::invalid(
                Field::catalog_row(i, "key"),
                format!("第 {} 行：“{}”不是本案的证据", i + 1, r.key),
                format!("row {}: “{}” is not an item of this case", i + 1, r.key),
            ));
        }
        if !seen.insert(r.key.as_str()) {
            return Err(CoreError::invalid(
                Field::catalog_row(i, "key"),
                format!("第 {} 行：“{}”重复", i + 1, r.key),
                format!("row {}: “{}” is listed twice", i + 1, r.key),
            ));
        }
        if r.name.chars().count() > 200 {
            return Err(CoreError::invalid(
                Field::catalog_row(i, "name"),
                format!("第 {} 行：证据名称最多 200 个字", i + 1),
                format!("row {}: the name is at most 200 characters", i + 1),
            ));
        }
        if r.purpose.chars().count() > 500 {
            return Err(CoreError::invalid(
                Field::catalog_row(i, "purpose"),
                format!("第 {} 行：证明目的最多 500 个字", i + 1),
                format!("row {}: the purpose is at most 500 characters", i + 1),
            ));
        }
    }
    tx.execute("DELETE FROM bundle_catalog WHERE case_id = ?1", [case_id])?;
    let mut insert = tx.prepare(
        "INSERT INTO bundle_catalog(case_id, item, position, name, purpose) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, r) in rows.iter().enumerate() {
        insert.execute(rusqlite::params![
            case_id,
            r.key,
            i as i64,
            r.name.trim(),
            r.purpose.trim()
        ])?;
    }
    tx.execute(
        "UPDATE cases SET applicant = ?2 WHERE id = ?1",
        rusqlite::params![case_id, applicant.trim()],
    )?;
    Ok(())
}

/// The name a case's bundle is offered under on `date`: `案件12_证据包_2026-11-23.pdf`
/// (English: `case12_evidence_2026-11-23.pdf`).
pub fn default_file_name(case_id: i64, lang: Lang, date: chrono::NaiveDate) -> String {
    let date = date.format("%Y-%m-%d");
    match lang {
        Lang::Zh => format!("案件{case_id}_证据包_{date}.pdf"),
        Lang::En => format!("case{case_id}_evidence_{date}.pdf"),
    }
}

/// Changes to a case's 目录 by row key, as `tixian case catalog` takes them: new names and
/// purposes for some rows, the order of some (the rest follow as they were), a new applicant.
#[derive(Debug, Clone, Default)]
pub struct CatalogChanges {
    pub applicant: Option<String>,
    /// `(key, name)`: an empty name goes back to the suggestion.
    pub names: Vec<(String, String)>,
    /// `(key, purpose)`.
    pub purposes: Vec<(String, String)>,
    /// Keys of the rows to put first, in this order.
    pub order: Vec<String>,
}

impl CatalogChanges {
    pub fn is_empty(&self) -> bool {
        self.applicant.is_none()
            && self.names.is_empty()
            && self.purposes.is_empty()
            && self.order.is_empty()
    }

    /// The stored 目录 after these changes to `view`: the applicant and the present rows (in
    /// the order asked for), each with its new texts. A key that is not a row of the case is
    /// refused naming it, on the field it was given for.
    pub fn apply(&self, view: &CatalogView) -> Result<(String, Vec<CatalogEdit>)> {
        let mut rows: Vec<CatalogEdit> = view
            .rows
            .iter()
            .map(|r| CatalogEdit {
                key: r.key.clone(),
                name: r.name.clone(),
                purpose: r.purpose.clone(),
            })
            .collect();
        for (key, text) in &self.names {
            row_of(&mut rows, view, key, Field::CatalogName)?.name = text.clone();
        }
        for (key, text) in &self.purposes {
            row_of(&mut rows, view, key, Field::CatalogPurpose)?.purpose = text.clone();
        }
        let mut ordered = Vec::with_capacity(rows.len());
        for key in &self.order {
            let at = rows.iter().position(|r| &r.key == key);
            let at = at.ok_or_else(|| not_a_row(view, key, Field::CatalogOrder))?;
            ordered.push(rows.remove(at));
        }
        ordered.extend(rows);
        let applicant = self.applicant.as_ref().unwrap_or(&view.applicant);
        Ok((applicant.clone(), ordered))
    }
}

/// The row keyed `key` among `rows`, else [`not_a_row`].
fn row_of<'a>(
    rows: &'a mut [CatalogEdit],
    view: &CatalogView,
    key: &str,
    field: Field,
) -> Result<&'a mut CatalogEdit> {
    let row = rows.iter_mut().find(|r| r.key == key);
    row.ok_or_else(|| not_a_row(view, key, field))
}

/// Bad input on `field`: `key` is not a row of the case's 目录 (the keys are listed).
fn not_a_row(view: &CatalogView, key: &str, field: Field) -> CoreError {
    let keys: Vec<&str> = view.rows.iter().map(|r| r.key.as_str()).collect();
    CoreError::invalid(
        field,
        format!("“{key}”不是本案证据目录中的一项；可选：{}", keys.join("、")),
        format!(
            "“{key}” is not a row of this case's list; the rows are: {}",
            keys.join(", ")
        ),
    )
}

#[cfg(test)]
mod changes_tests {
    use super::*;

    fn view() -> CatalogView {
        let row = |key: &str, name: &str| CatalogRowView {
            key: key.into(),
            number: String::new(),
            name: name.into(),
            purpose: String::new(),
            suggested_name: String::new(),
            suggested_purpose: String::new(),
            source: String::new(),
        };
        CatalogView {
            case_id: 1,
            applicant: "张三".into(),
            rows: vec![
                row("evidence:1", "截图"),
                row("evidence:2", ""),
                row("timeline", ""),
            ],
        }
    }

    fn keys(rows: &[CatalogEdit]) -> Vec<&str> {
        rows.iter().map(|r| r.key.as_str()).collect()
    }

    #[test]
    fn changes_rename_reorder_and_keep_the_rest_in_place() {
        let changes = CatalogChanges {
            applicant: None,
            names: vec![("evidence:2".into(), "聊天记录".into())],
            purposes: vec![("timeline".into(), "证明经过".into())],
            order: vec!["timeline".into()],
        };
        let (applicant, rows) = changes.apply(&view()).unwrap();
        assert_eq!(applicant, "张三");
        assert_eq!(keys(&rows), ["timeline", "evidence:1", "evidence:2"]);
        assert_eq!(rows[0].purpose, "证明经过");
        assert_eq!(
            (rows[1].name.as_str(), rows[2].name.as_str()),
            ("截图", "聊天记录")
        );
    }

    #[test]
    fn a_key_that_is_not_a_row_is_refused_on_its_field_naming_it() {
        let bad = |changes: CatalogChanges, field: Field| {
            let e = changes.apply(&view()).unwrap_err();
            assert_eq!(e.named_field(), Some(&field));
            assert!(e.message(Lang::En).contains("“evidence:9”"), "{e:?}");
            assert!(e
                .message(Lang::En)
                .contains("evidence:1, evidence:2, timeline"));
        };
        let pair = vec![("evidence:9".to_string(), "x".to_string())];
        let names = CatalogChanges {
            names: pair.clone(),
            ..Default::default()
        };
        bad(names, Field::CatalogName);
        let purposes = CatalogChanges {
            purposes: pair,
            ..Default::default()
        };
        bad(purposes, Field::CatalogPurpose);
        let order = CatalogChanges {
            order: vec!["evidence:9".into()],
            ..Default::default()
        };
        bad(order, Field::CatalogOrder);
    }

    #[test]
    fn the_default_file_name_says_case_and_day_in_the_language() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            default_file_name(12, Lang::Zh, day),
            "案件12_证据包_2026-11-23.pdf"
        );
        assert_eq!(
            default_file_name(12, Lang::En, day),
            "case12_evidence_2026-11-23.pdf"
        );
    }

    #[test]
    fn a_new_applicant_replaces_the_stored_one() {
        let changes = CatalogChanges {
            applicant: Some("李四".into()),
            ..Default::default()
        };
        assert!(!changes.is_empty());
        assert!(CatalogChanges::default().is_empty());
        assert_eq!(changes.apply(&view()).unwrap().0, "李四");
    }
}
