//! What the user records for health: danger signals per platform, the two figures behind the
//! emergency fund (monthly spending, money kept outside platforms) and quarterly reviews.

use crate::error::{CoreError, Result};
use crate::ledger::require_platform;
use crate::money::Money;
use crate::time::{self, Timestamp};
use crate::Field;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A danger signal the user noticed on a platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// A withdrawal threshold or fee went up.
    RaisedThreshold,
    /// More (or longer) maintenance windows than before.
    MoreMaintenance,
    /// Customer service answers later or not at all.
    SlowerSupport,
    /// Withdrawals take longer to arrive.
    LongerArrivals,
    Other,
}

impl SignalKind {
    pub const ALL: [SignalKind; 5] = [
        SignalKind::RaisedThreshold,
        SignalKind::MoreMaintenance,
        SignalKind::SlowerSupport,
        SignalKind::LongerArrivals,
        SignalKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SignalKind::RaisedThreshold => "raised_threshold",
            SignalKind::MoreMaintenance => "more_maintenance",
            SignalKind::SlowerSupport => "slower_support",
            SignalKind::LongerArrivals => "longer_arrivals",
            SignalKind::Other => "other",
        }
    }
}

/// A signal's name for people, for a logged kind or a detected one (`failures`); an unknown id
/// (e.g. from a newer version) is shown as it is.
pub fn signal_label(id: &str) -> crate::lang::Text {
    use crate::lang::Text;
    match id {
        "raised_threshold" => Text::new("门槛或手续费上调", "raised threshold or fee"),
        "more_maintenance" => Text::new("维护变多", "more maintenance"),
        "slower_support" => Text::new("客服变慢", "slower support"),
        "longer_arrivals" => Text::new("到账变慢", "longer arrivals"),
        "failures" => Text::new("近期提现失败", "recent failed withdrawals"),
        "other" => Text::new("其他", "other"),
        other => Text::new(other, other),
    }
}

impl FromStr for SignalKind {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self> {
        SignalKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                let all: Vec<&str> = SignalKind::ALL.iter().map(|k| k.as_str()).collect();
                CoreError::invalid(
                    Field::SignalKind,
                    format!("“{s}”不是危险信号类型，可选：{}", all.join("、")),
                    format!(
                        "“{s}” is not a danger signal kind; use one of {}",
                        all.join(", ")
                    ),
                )
            })
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Signal {
    pub id: i64,
    pub platform: String,
    pub kind: SignalKind,
    pub note: String,
    pub at: String,
}

/// Logs a danger signal on the named platform.
pub fn log_signal(
    tx: &Transaction,
    platform: &str,
    kind: SignalKind,
    note: &str,
    at: &Timestamp,
    now: &Timestamp,
) -> Result<Signal> {
    let p = require_platform(tx, platform)?;
    let note = note.trim();
    if note.chars().count() > 2000 {
        return Err(CoreError::invalid(
            Field::Note,
            "备注请不超过 2000 字",
            "keep the note under 2000 characters",
        ));
    }
    tx.execute(
        "INSERT INTO danger_signals(platform_id, kind, note, at, at_utc, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![p.id, kind.as_str(), note, time::to_rfc3339(at), super::utc(at), time::to_rfc3339(now)],
    )?;
    Ok(Signal {
        id: tx.last_insert_rowid(),
        platform: p.name,
        kind,
        note: note.to_string(),
        at: time::to_rfc3339(at),
    })
}

/// A platform's logged signals, newest first.
pub fn list_signals(conn: &Connection, platform: &str) -> Result<Vec<Signal>> {
    let p = require_platform(conn, platform)?;
    let mut stmt = conn.prepare_cached("SELECT id, kind, note, at FROM danger_signals WHERE platform_id = ?1 ORDER BY at_utc DESC, id DESC")?;
    let rows: Vec<(i64, String, String, String)> = stmt
        .query_map([p.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(id, kind, note, at)| {
            Ok(Signal {
                id,
                platform: p.name.clone(),
                kind: kind.parse()?,
                note,
                at,
            })
        })
        .collect()
}

/// The figures the emergency fund is measured with; `None` = not set yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HealthSettings {
    pub monthly_spending: Option<Money>,
    pub outside_money: Option<Money>,
}

pub fn health_settings(conn: &Connection) -> Result<HealthSettings> {
    let row: Option<(Option<i64>, Option<i64>)> = conn
        .query_row(
            "SELECT monthly_spending_fen, outside_money_fen FROM health_settings WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (spending, outside) = row.unwrap_or((None, None));
    Ok(HealthSettings {
        monthly_spending: spending.map(Money),
        outside_money: outside.map(Money),
    })
}

/// Replaces both figures (the Settings form sends both; the CLI reads, changes one, writes).
pub fn set_health_settings(
    tx: &Transaction,
    s: &HealthSettings,
    now: &Timestamp,
) -> Result<HealthSettings> {
    if s.monthly_spending.is_some_and(|m| m.fen() < 0) {
        return Err(CoreError::invalid(
            Field::MonthlySpending,
            "每月开销不能为负数",
            "monthly spending cannot be negative",
        ));
    }
    if s.outside_money.is_some_and(|m| m.fen() < 0) {
        return Err(CoreError::invalid(
            Field::OutsideMoney,
            "平台外的钱不能为负数",
            "money outside platforms cannot be negative",
        ));
    }
    tx.execute(
        "INSERT INTO health_settings(id, monthly_spending_fen, outside_money_fen, updated_at) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT(id) DO UPDATE SET monthly_spending_fen = excluded.monthly_spending_fen,
             outside_money_fen = excluded.outside_money_fen, updated_at = excluded.updated_at",
        params![s.monthly_spending.map(Money::fen), s.outside_money.map(Money::fen), time::to_rfc3339(now)],
    )?;
    health_settings(tx)
}

/// The quarterly review checklist (issue 7): licences still valid, rules re-read, test
/// withdrawals done, shares within limits, plus a free note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReviewChecklist {
    #[serde(default)]
    pub licences_valid: bool,
    #[serde(default)]
    pub rules_reread: bool,
    #[serde(default)]
    pub tests_done: bool,
    #[serde(default)]
    pub shares_within_limits: bool,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Review {
    pub id: i64,
    pub done_at: String,
    pub checklist: ReviewChecklist,
}

/// Records a quarterly review as done at `at`.
pub fn record_review(
    tx: &Transaction,
    at: &Timestamp,
    checklist: &ReviewChecklist,
) -> Result<Review> {
    let json = serde_json::to_string(checklist).map_err(|e| CoreError::Internal(e.to_string()))?;
    tx.execute(
        "INSERT INTO quarterly_reviews(done_at, done_utc, checklist_json) VALUES (?1, ?2, ?3)",
        params![time::to_rfc3339(at), super::utc(at), json],
    )?;
    Ok(Review {
        id: tx.last_insert_rowid(),
        done_at: time::to_rfc3339(at),
        checklist: checklist.clone(),
    })
}

/// The latest review done at or before `at`.
pub fn last_review(conn: &Connection, at: &Timestamp) -> Result<Option<Review>> {
    let row: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT id, done_at, checklist_json FROM quarterly_reviews WHERE done_utc <= ?1 ORDER BY done_utc DESC, id DESC LIMIT 1",
            [super::utc(at)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    row.map(|(id, done_at, json)| {
        let checklist = serde_json::from_str(&json)
            .map_err(|e| CoreError::Internal(format!("review {id}: {e}")))?;
        Ok(Review {
            id,
            done_at,
            checklist,
        })
    })
    .transpose()
}
