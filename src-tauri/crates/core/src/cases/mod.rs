//! Complaint cases: the case itself (platform, amount, when, status, stage on the escalation
//! ladder, the diagnosis it came from), plus its timeline, customer-service log, follow-ups,
//! evidence vault, promise finder and letters in the submodules.
//!
//! Every write takes a `Transaction` (one user action = one transaction) and the current time
//! from the caller; nothing here reads the clock.

pub mod bundle;
pub mod deadlines;
pub mod evidence;
pub mod evidence_text;
pub mod forms;
pub mod letters;
pub mod log;
pub mod overview;
pub mod prep;
pub mod promises;
pub mod rules_check;

pub use crate::vocab::case::{CaseStatus, ContactChannel, Stage, Tier};
pub use deadlines::{deadline_changes, DeadlineChange};
pub use log::{
    add_contact, add_event, add_follow_up, due_items, escalation, list_contacts, list_events,
    list_follow_ups, mark_follow_up_done, mark_promise_kept, preview_follow_up, reopen_follow_up,
    CaseContact, DueItem, DueKind, EscalationAdvice, FollowUp, FollowUpPreview, NewContact,
    NewEvent, NewFollowUp, TimelineEvent,
};
pub use overview::{case_ladder, case_rows, CaseLadder, CaseRow};

use crate::calendar::Calendar;
use crate::error::{CoreError, Result};
use crate::ledger;
use crate::money::Money;
use crate::time::{self, Timestamp};
use crate::Field;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

/// What a diagnosis hands to a new case: the platform's message, the causes found and the
/// first steps the user already did. Stored as JSON in `cases.diagnosis_json`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DiagnosisLink {
    pub message: String,
    /// Cause ids or titles, most likely first.
    pub causes: Vec<String>,
    pub first_steps_done: Vec<String>,
    /// The same causes as taxonomy ids (`causes` holds the titles the user read), so what
    /// depends on the cause — a letter's demand — finds it. Empty for cases before it existed.
    #[serde(default)]
    pub cause_ids: Vec<String>,
}

/// What the user gives to open a case.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub platform: String,
    pub amount: Money,
    pub occurred: Timestamp,
    pub summary: String,
    /// How the letter names the account, e.g. "尾号 1234" or a user id; may be empty.
    pub account: String,
    /// What the platform showed, verbatim; may be empty.
    pub message: String,
    pub diagnosis: Option<DiagnosisLink>,
}

impl NewCase {
    /// A case pre-filled from a diagnosis: platform, amount, the message, the causes and the
    /// first steps already done. The summary is written from them (zh; the user edits it).
    pub fn from_diagnosis(
        platform: &str,
        amount: Money,
        occurred: Timestamp,
        message: &str,
        causes: &[String],
        first_steps_done: &[String],
    ) -> NewCase {
        let message = message.trim();
        let mut summary = format!("提现 {} 未成功", amount.display());
        if !message.is_empty() {
            summary.push_str(&format!("，平台提示“{message}”"));
        }
        if let Some(first) = causes.first() {
            summary.push_str(&format!("；诊断最可能的原因：{first}"));
        }
        NewCase {
            platform: platform.trim().to_string(),
            amount,
            occurred,
            summary,
            account: String::new(),
            message: message.to_string(),
            diagnosis: Some(DiagnosisLink {
                message: message.to_string(),
                causes: causes.to_vec(),
                first_steps_done: first_steps_done.to_vec(),
                cause_ids: Vec::new(),
            }),
        }
    }
}

/// A stored case.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Case {
    pub id: i64,
    pub platform: String,
    /// Set when the platform is one of the ledger's platforms.
    pub platform_id: Option<i64>,
    pub amount: Money,
    pub occurred_at: String,
    pub summary: String,
    pub account: String,
    pub message: String,
    pub status: CaseStatus,
    pub stage: Stage,
    pub diagnosis: Option<DiagnosisLink>,
    pub created_at: String,
    pub updated_at: String,
}

const CASE_COLUMNS: &str = "id, platform_name, platform_id, amount_fen, occurred_at, summary, account, message, status, stage, diagnosis_json, created_at, updated_at";

type CaseColumns = (
    i64,
    String,
    Option<i64>,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
);

fn case_row(r: &rusqlite::Row) -> rusqlite::Result<CaseColumns> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
    ))
}

fn build_case(row: CaseColumns) -> Result<Case> {
    let (
        id,
        platform,
        platform_id,
        fen,
        occurred_at,
        summary,
        account,
        message,
        status,
        stage,
        diagnosis,
        created_at,
        updated_at,
    ) = row;
    let diagnosis = diagnosis
        .map(|j| {
            serde_json::from_str(&j).map_err(|e| {
                CoreError::Internal(format!("case {id}: stored diagnosis unreadable: {e}"))
            })
        })
        .transpose()?;
    Ok(Case {
        id,
        platform,
        platform_id,
        amount: Money::from_fen(fen),
        occurred_at,
        summary,
        account,
        message,
        status: CaseStatus::from_stored(&status)?,
        stage: Stage::from_stored(&stage)?,
        diagnosis,
        created_at,
        updated_at,
    })
}

/// "2026-03-10T15:30:00+08:00" → "2026-03-10 15:30", how letters and reasons show a time.
pub(crate) fn short_time(stored: &str) -> String {
    match (stored.get(..10), stored.get(11..16)) {
        (Some(d), Some(t)) => format!("{d} {t}"),
        _ => stored.to_string(),
    }
}

/// Checks a required free text: trimmed, not empty, at most `max` characters.
pub(crate) fn required_text(
    value: &str,
    field: Field,
    max: usize,
    zh_what: &str,
    en_what: &str,
) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(CoreError::invalid(
            field,
            format!("请填写{zh_what}"),
            format!("{en_what} is required"),
        ));
    }
    optional_text(v, field, max)
}

/// Checks an optional free text: trimmed, at most `max` characters.
pub(crate) fn optional_text(value: &str, field: Field, max: usize) -> Result<String> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(CoreError::invalid(
            field,
            format!("请不超过 {max} 个字"),
            format!("keep it under {max} characters"),
        ));
    }
    Ok(v.to_string())
}

/// Opens a case. A platform name found in the ledger links the case to it; any other name is
/// kept as typed (cases can be about platforms the user never tracked).
pub fn create_case(tx: &Transaction, new: &NewCase, now: &Timestamp) -> Result<Case> {
    let platform = required_text(
        &new.platform,
        Field::Platform,
        60,
        "平台名称",
        "the platform name",
    )?;
    let summary = required_text(
        &new.summary,
        Field::Summary,
        4000,
        "事情经过（一两句话）",
        "a short summary",
    )?;
    let account = optional_text(&new.account, Field::Account, 100)?;
    let message = optional_text(&new.message, Field::Message, 500)?;
    if new.amount.fen() <= 0 {
        return Err(CoreError::invalid(
            Field::Amount,
            "涉及金额须大于 0",
            "the amount must be above zero",
        ));
    }
    // A few minutes of clock skew between devices is not an error; a date in the future is.
    if new.occurred > *now + chrono::Duration::minutes(10) {
        return Err(CoreError::invalid(
            Field::Occurred,
            "发生时间晚于现在，请检查日期",
            "the time it happened is in the future; check the date",
        ));
    }
    let platform_id = ledger::find_platform(tx, &platform)?.map(|p| p.id);
    let diagnosis = new
        .diagnosis
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| CoreError::Internal(e.to_string()))?;
    let now_text = time::to_rfc3339(now);
    tx.execute(
        "INSERT INTO cases(platform_id, platform_name, amount_fen, occurred_at, occurred_utc, summary, account, message, diagnosis_json, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        params![platform_id, platform, new.amount.fen(), time::to_rfc3339(&new.occurred), ledger::utc_key(&new.occurred), summary, account, message, diagnosis, now_text],
    )?;
    get_case(tx, tx.last_insert_rowid())
}

/// The case with this id; an unknown id is the user's error (exit 2).
pub fn get_case(conn: &Connection, id: i64) -> Result<Case> {
    let row = conn
        .query_row(
            &format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?1"),
            [id],
            case_row,
        )
        .optional()?
        .ok_or(CoreError::NotFound {
            what: "case",
            key: id.to_string(),
        })?;
    build_case(row)
}

/// All cases, newest first.
pub fn list_cases(conn: &Connection) -> Result<Vec<Case>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {CASE_COLUMNS} FROM cases ORDER BY occurred_utc DESC, id DESC"
    ))?;
    let rows = stmt.query_map([], case_row)?;
    rows.map(|r| build_case(r?)).collect()
}

/// Moves the case to another status (any status may follow any other: cases reopen).
pub fn set_status(tx: &Transaction, id: i64, status: CaseStatus, now: &Timestamp) -> Result<Case> {
    get_case(tx, id)?;
    tx.execute(
        "UPDATE cases SET status = ?1, updated_at = ?2 WHERE id = ?3",
        params![status.as_str(), time::to_rfc3339(now), id],
    )?;
    get_case(tx, id)
}

/// Puts the case on another rung of the escalation ladder. Moving up past customer service
/// marks an open case as escalated.
pub fn set_stage(tx: &Transaction, id: i64, stage: Stage, now: &Timestamp) -> Result<Case> {
    let case = get_case(tx, id)?;
    let status = if stage != Stage::CustomerService && case.status == CaseStatus::Open {
        CaseStatus::Escalated
    } else {
        case.status
    };
    tx.execute(
        "UPDATE cases SET stage = ?1, status = ?2, updated_at = ?3 WHERE id = ?4",
        params![stage.as_str(), status.as_str(), time::to_rfc3339(now), id],
    )?;
    get_case(tx, id)
}

/// Everything the case page shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseDetail {
    pub case: Case,
    pub timeline: Vec<TimelineEvent>,
    pub contacts: Vec<CaseContact>,
    pub evidence: Vec<evidence::EvidenceItem>,
    pub follow_ups: Vec<FollowUp>,
    pub escalation: EscalationAdvice,
}

/// The case with its timeline, contacts (overdue flags as of `now`, a promise's due time
/// counted from its time limit on `cal`), evidence and follow-ups (working days left by `cal`).
pub fn detail(conn: &Connection, id: i64, now: &Timestamp, cal: &Calendar) -> Result<CaseDetail> {
    let case = get_case(conn, id)?;
    let contacts = list_contacts(conn, id, now, cal)?;
    let escalation = escalation(&case, &contacts);
    Ok(CaseDetail {
        timeline: list_events(conn, id)?,
        evidence: evidence::list_evidence(conn, id)?,
        follow_ups: list_follow_ups(conn, id, now, cal)?,
        contacts,
        escalation,
        case,
    })
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::store::Store;

    pub fn t(s: &str) -> Timestamp {
        time::parse_time(s, crate::Field::At).unwrap()
    }

    /// A store with one case: 微信支付, ¥5,000.00, 2026-03-10 14:00.
    pub fn store_with_case() -> (Store, i64) {
        let mut store = Store::open_in_memory().unwrap();
        let new = NewCase {
            platform: "微信支付".into(),
            amount: Money::parse_amount("5000").unwrap(),
            occurred: t("2026-03-10 14:00"),
            summary: "提现 5000 元显示处理中，三天未到账".into(),
            account: "尾号 1234".into(),
            message: "系统繁忙".into(),
            diagnosis: None,
        };
        let id = store
            .transaction(|tx| create_case(tx, &new, &t("2026-03-10 15:00")))
            .unwrap()
            .id;
        (store, id)
    }

    /// The built-in calendar with 2027 added from the test notice (New Year's Day 1–3 January
    /// off): what a user's import of next year gives.
    pub fn with_2027() -> Calendar {
        let notice = crate::calendar::parse_notice(
            include_str!("../../../../../tests/fixtures/calendar/test-2027.txt"),
            None,
        )
        .unwrap();
        let mut files = crate::rules::embedded();
        files.push(crate::rules::RuleFile {
            path: "calendar/2027.toml".into(),
            text: crate::calendar::import::to_toml(
                &notice,
                chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            ),
            from_user: true,
        });
        Calendar::from_rules(&files).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use crate::ledger::{NewPlatform, PlatformKind};
    use crate::store::Store;

    #[test]
    fn a_case_links_a_known_platform_and_keeps_an_unknown_name() {
        let mut store = Store::open_in_memory().unwrap();
        let now = t("2026-03-20 10:00");
        store
            .transaction(|tx| {
                ledger::add_platform(
                    tx,
                    &NewPlatform {
                        name: "支付宝".into(),
                        kind: PlatformKind::Alipay,
                        note: String::new(),
                    },
                    &now,
                )
            })
            .unwrap();
        let mut new = NewCase::from_diagnosis(
            "支付宝",
            Money::from_fen(50_000),
            t("2026-03-10 23:40"),
            "当日提现金额已超过限额",
            &["limit.daily".into()],
            &["截图".into()],
        );
        let linked = store.transaction(|tx| create_case(tx, &new, &now)).unwrap();
        assert!(linked.platform_id.is_some());
        assert_eq!(linked.status, CaseStatus::Open);
        assert_eq!(linked.stage, Stage::CustomerService);
        assert_eq!(
            linked.diagnosis.as_ref().unwrap().causes,
            vec!["limit.daily".to_string()]
        );
        assert!(linked.summary.contains("当日提现金额已超过限额"));
        new.platform = "某某直播".into();
        let loose = store.transaction(|tx| create_case(tx, &new, &now)).unwrap();
        assert_eq!(loose.platform_id, None);
        assert_eq!(loose.platform, "某某直播");
        assert_eq!(list_cases(store.conn()).unwrap().len(), 2);
    }

    #[test]
    fn bad_case_input_names_the_field() {
        let (mut store, _) = store_with_case();
        let now = t("2026-03-20 10:00");
        let base = NewCase::from_diagnosis(
            "微信支付",
            Money::from_fen(100),
            t("2026-03-10 10:00"),
            "",
            &[],
            &[],
        );
        let cases: Vec<(NewCase, &str)> = vec![
            (
                NewCase {
                    platform: " ".into(),
                    ..base.clone()
                },
                "platform",
            ),
            (
                NewCase {
                    amount: Money::ZERO,
                    ..base.clone()
                },
                "amount",
            ),
            (
                NewCase {
                    summary: String::new(),
                    ..base.clone()
                },
                "summary",
            ),
            (
                NewCase {
                    occurred: t("2026-04-01 10:00"),
                    ..base.clone()
                },
                "occurred",
            ),
        ];
        for (new, field) in cases {
            let e = store
                .transaction(|tx| create_case(tx, &new, &now))
                .unwrap_err();
            assert_eq!(e.field_name(), Some(field));
        }
        assert_eq!(get_case(store.conn(), 99).unwrap_err().code(), "not_found");
    }

    #[test]
    fn stage_up_marks_an_open_case_escalated() {
        let (mut store, id) = store_with_case();
        let now = t("2026-03-20 10:00");
        let c = store
            .transaction(|tx| set_stage(tx, id, Stage::Supervisor, &now))
            .unwrap();
        assert_eq!(c.status, CaseStatus::Escalated);
        let c = store
            .transaction(|tx| set_status(tx, id, CaseStatus::Resolved, &now))
            .unwrap();
        assert_eq!(c.status, CaseStatus::Resolved);
        assert_eq!(c.stage, Stage::Supervisor);
    }
}
