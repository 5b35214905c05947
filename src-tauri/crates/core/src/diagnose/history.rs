//! Past diagnoses from the Diagnose wizard: saved when a result is shown, listed newest first,
//! read back whole. The stored result is what the user saw then, not recomputed.

use super::interview::Interview;
use super::Diagnosis;
use crate::error::{CoreError, Result};
use crate::ledger;
use crate::time::{self, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

/// One past diagnosis.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DiagnosisRecord {
    pub id: i64,
    pub created_at: String,
    pub interview: Interview,
    pub diagnosis: Diagnosis<'static>,
}

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| CoreError::Internal(format!("diagnosis to JSON: {e}")))
}

/// Saves a diagnosis; returns its id.
pub fn save(
    tx: &Transaction,
    interview: &Interview,
    diagnosis: &Diagnosis<'_>,
    now: &Timestamp,
) -> Result<i64> {
    let top = diagnosis.causes.first();
    let symptom = serde_json::to_value(interview.symptom)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    tx.execute(
        "INSERT INTO diagnoses(created_at, created_utc, symptom, platform, message, top_cause, top_title, interview_json, diagnosis_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            time::to_rfc3339(now),
            ledger::utc_key(now),
            symptom,
            interview.platform.as_str(),
            interview.message.trim(),
            top.map(|c| c.id.as_ref()),
            top.map(|c| c.title.as_ref()),
            json(interview)?,
            json(diagnosis)?,
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn record(row: &rusqlite::Row) -> rusqlite::Result<(i64, String, String, String)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

fn decode(
    (id, created_at, interview, diagnosis): (i64, String, String, String),
) -> Result<DiagnosisRecord> {
    let bad = |e: serde_json::Error| {
        CoreError::Internal(format!("stored diagnosis {id} is unreadable: {e}"))
    };
    Ok(DiagnosisRecord {
        id,
        created_at,
        interview: serde_json::from_str(&interview).map_err(bad)?,
        diagnosis: serde_json::from_str(&diagnosis).map_err(bad)?,
    })
}

/// The newest `limit` diagnoses, newest first.
pub fn list(conn: &Connection, limit: u32) -> Result<Vec<DiagnosisRecord>> {
    let mut stmt = conn.prepare(
        "SELECT id, created_at, interview_json, diagnosis_json FROM diagnoses ORDER BY created_utc DESC, id DESC LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([limit], record)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(decode).collect()
}

/// One diagnosis by id.
pub fn get(conn: &Connection, id: i64) -> Result<DiagnosisRecord> {
    let row = conn
        .query_row(
            "SELECT id, created_at, interview_json, diagnosis_json FROM diagnoses WHERE id = ?1",
            [id],
            record,
        )
        .optional()?;
    match row {
        Some(r) => decode(r),
        None => Err(CoreError::NotFound {
            what: "diagnosis",
            key: id.to_string(),
        }),
    }
}

/// Opens a complaint case from saved diagnosis `id`: the platform's message, the causes found
/// (most likely first) and the first steps the user already did go into the case, which
/// starts when the diagnosis was made.
pub fn open_case(
    tx: &Transaction,
    id: i64,
    platform: &str,
    amount: crate::Money,
    first_steps_done: &[String],
    now: &Timestamp,
) -> Result<crate::cases::Case> {
    let record = get(tx, id)?;
    let causes: Vec<String> = record
        .diagnosis
        .causes
        .iter()
        .map(|c| c.title.to_string())
        .collect();
    let mut new = crate::cases::NewCase::from_diagnosis(
        platform,
        amount,
        time::from_stored(&record.created_at)?,
        &record.interview.message,
        &causes,
        first_steps_done,
    );
    if let Some(link) = new.diagnosis.as_mut() {
        link.cause_ids = record
            .diagnosis
            .causes
            .iter()
            .map(|c| c.id.to_string())
            .collect();
    }
    crate::cases::create_case(tx, &new, now)
}

#[cfg(test)]
mod tests {
    use super::super::interview::{self, Symptom};
    use super::*;
    use crate::kb::Kb;
    use crate::ledger::PlatformKind;
    use crate::{Lang, Store};

    /// A failed WeChat withdrawal over the daily limit, nothing answered yet.
    fn daily_limit() -> Interview {
        Interview {
            symptom: Symptom::Failed,
            platform: PlatformKind::Wechat,
            message: "当日提现金额已超过限额".into(),
            answers: vec![],
        }
    }

    #[test]
    fn saved_diagnoses_list_newest_first_and_read_back() {
        let mut store = Store::open_in_memory().unwrap();
        let iv = daily_limit();
        let t1 = time::parse_time("2026-03-10T10:00:00+08:00", crate::Field::At).unwrap();
        let t2 = time::parse_time("2026-03-11T10:00:00+08:00", crate::Field::At).unwrap();
        let step = interview::step(Kb::embedded(), &iv, Lang::Zh, &t1).unwrap();
        let a = store
            .transaction(|tx| save(tx, &iv, &step.diagnosis, &t1))
            .unwrap();
        let b = store
            .transaction(|tx| save(tx, &iv, &step.diagnosis, &t2))
            .unwrap();
        let all = list(store.conn(), 10).unwrap();
        assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), vec![b, a]);
        assert_eq!(all[0].diagnosis.causes[0].id, "limit.daily");
        assert_eq!(get(store.conn(), a).unwrap().interview, iv);
        assert!(get(store.conn(), 999).is_err());
    }

    #[test]
    fn a_case_opened_from_a_diagnosis_carries_its_message_causes_and_steps() {
        let mut store = Store::open_in_memory().unwrap();
        let iv = daily_limit();
        let made = time::parse_time("2026-03-10T10:00:00+08:00", crate::Field::At).unwrap();
        let later = time::parse_time("2026-03-12T09:00:00+08:00", crate::Field::At).unwrap();
        let step = interview::step(Kb::embedded(), &iv, Lang::Zh, &made).unwrap();
        let id = store
            .transaction(|tx| save(tx, &iv, &step.diagnosis, &made))
            .unwrap();
        let steps = vec!["截图保存提示".to_string()];
        let case = store
            .transaction(|tx| open_case(tx, id, "微信支付", crate::Money(500_000), &steps, &later))
            .unwrap();
        assert_eq!(case.occurred_at, "2026-03-10T10:00:00+08:00");
        assert_eq!(case.message, "当日提现金额已超过限额");
        let link = case.diagnosis.expect("linked to the diagnosis");
        assert_eq!(link.first_steps_done, steps);
        assert_eq!(link.causes[0], step.diagnosis.causes[0].title.to_string());
        // The ids too, so a letter finds the cause (the titles are in the user's language).
        assert_eq!(link.cause_ids[0], "limit.daily");
        assert_eq!(link.cause_ids.len(), link.causes.len());
        assert!(
            case.summary.starts_with("提现 ¥5,000.00 未成功"),
            "{}",
            case.summary
        );
    }
}
