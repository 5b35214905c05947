//! Withdrawals: attempts to move money off a platform, typed in or imported from a bill, and the
//! small scheduled **test** withdrawals. Record, edit, delete (with undo), list.
//!
//! `amount` is what was asked to be paid out to the card; `fee` is charged on top (a WeChat
//! 零钱提现 row of ¥100.10 with 服务费¥0.10 is amount 100.00 + fee 0.10).

use super::balances::utc_key;
use super::platforms::require_platform;
use super::undo::{self, Deleted};
use crate::error::{CoreError, Result};
use crate::money::Money;
use crate::time::{self, Timestamp};
use crate::Field;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Where a withdrawal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum WithdrawalStatus {
    /// Asked for, not arrived yet.
    Requested,
    /// Reached the card.
    Arrived,
    /// Refused or failed; the money never left.
    Failed,
    /// Left, then came back to the platform balance (e.g. 提现失败，已退回零钱).
    Returned,
}

impl WithdrawalStatus {
    pub const ALL: [WithdrawalStatus; 4] = [
        WithdrawalStatus::Requested,
        WithdrawalStatus::Arrived,
        WithdrawalStatus::Failed,
        WithdrawalStatus::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WithdrawalStatus::Requested => "requested",
            WithdrawalStatus::Arrived => "arrived",
            WithdrawalStatus::Failed => "failed",
            WithdrawalStatus::Returned => "returned",
        }
    }
}

impl FromStr for WithdrawalStatus {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self> {
        WithdrawalStatus::ALL.into_iter().find(|k| k.as_str() == s.trim()).ok_or_else(|| {
            CoreError::invalid(
                Field::WithdrawalStatus,
                format!("“{s}”不是提现状态，可选：requested、arrived、failed、returned"),
                format!("“{s}” is not a withdrawal status; use requested, arrived, failed or returned"),
            )
        })
    }
}

/// What the user (or an import) records, its times parsed (see [`WithdrawalForm`] for the
/// form as typed).
#[derive(Debug, Clone)]
pub struct NewWithdrawal {
    pub platform: String,
    pub amount: Money,
    pub fee: Money,
    pub status: WithdrawalStatus,
    pub is_test: bool,
    pub requested_at: Timestamp,
    pub arrived_at: Option<Timestamp>,
    /// Last digits of the destination card, e.g. "9876".
    pub card_tail: String,
    /// What the app said (e.g. the failure message), verbatim.
    pub message: String,
}

/// A withdrawal as the app's form sends it: amounts and times are the text the user typed, so
/// an error names the field it is in.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WithdrawalForm {
    pub platform: String,
    pub amount: String,
    /// Empty: no fee.
    pub fee: String,
    pub status: WithdrawalStatus,
    pub is_test: bool,
    /// RFC 3339 or a local Asia/Shanghai time; empty: now.
    pub requested_at: String,
    /// Empty: not arrived.
    pub arrived_at: String,
    pub card_tail: String,
    pub message: String,
}

impl WithdrawalForm {
    /// A test withdrawal of `amount` asked for now (status requested); the user marks it
    /// arrived later.
    pub fn test(platform: String, amount: String, card_tail: String) -> WithdrawalForm {
        WithdrawalForm {
            platform,
            amount,
            fee: String::new(),
            status: WithdrawalStatus::Requested,
            is_test: true,
            requested_at: String::new(),
            arrived_at: String::new(),
            card_tail,
            message: String::new(),
        }
    }

    /// The withdrawal the form describes (an empty request time is `now`), or the first field
    /// that does not read.
    pub fn parse(self, now: &Timestamp) -> Result<NewWithdrawal> {
        let amount = Money::parse_amount(&self.amount).map_err(|e| e.field(Field::Amount))?;
        let fee = match self.fee.trim() {
            "" => Money::ZERO,
            text => Money::parse_amount(text).map_err(|e| e.field(Field::Fee))?,
        };
        let requested_at = match self.requested_at.trim() {
            "" => *now,
            text => time::parse_time(text, Field::RequestedAt)?,
        };
        let arrived_at = match self.arrived_at.trim() {
            "" => None,
            text => Some(time::parse_time(text, Field::ArrivedAt)?),
        };
        Ok(NewWithdrawal {
            platform: self.platform,
            amount,
            fee,
            status: self.status,
            is_test: self.is_test,
            requested_at,
            arrived_at,
            card_tail: self.card_tail,
            message: self.message,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Withdrawal {
    pub id: i64,
    pub platform: String,
    pub amount: Money,
    pub fee: Money,
    pub status: WithdrawalStatus,
    pub is_test: bool,
    pub requested_at: String,
    pub arrived_at: Option<String>,
    pub card_tail: String,
    pub message: String,
    /// The import that created it, if it came from a bill.
    pub import_id: Option<i64>,
    /// The bill row it came from, if any.
    pub transaction_id: Option<i64>,
    pub created_at: String,
}

/// A checked withdrawal, ready to store.
struct Valid {
    platform_id: i64,
    requested: Timestamp,
    arrived: Option<Timestamp>,
    card_tail: String,
    message: String,
}

fn validate(conn: &rusqlite::Connection, w: &NewWithdrawal) -> Result<Valid> {
    if w.amount.fen() <= 0 {
        return Err(CoreError::invalid(
            Field::Amount,
            "提现金额须大于 0",
            "the amount must be above zero",
        ));
    }
    if w.fee.fen() < 0 {
        return Err(CoreError::invalid(
            Field::Fee,
            "手续费不能为负数",
            "the fee cannot be negative",
        ));
    }
    let (requested, arrived) = (w.requested_at, w.arrived_at);
    if let Some(a) = arrived {
        if a < requested {
            return Err(CoreError::invalid(
                Field::ArrivedAt,
                "到账时间早于申请时间",
                "the arrival time is before the request time",
            ));
        }
        if w.status != WithdrawalStatus::Arrived {
            return Err(CoreError::invalid(
                Field::ArrivedAt,
                "只有状态为 arrived（已到账）时才填到账时间",
                "an arrival time needs status arrived",
            ));
        }
    }
    let card_tail = w.card_tail.trim().to_string();
    if !card_tail.is_empty()
        && (card_tail.len() > 6 || !card_tail.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(CoreError::invalid(
            Field::CardTail,
            "卡号尾号请填最多 6 位数字，如 9876",
            "the card tail is up to 6 digits, e.g. 9876",
        ));
    }
    let message = w.message.trim().to_string();
    if message.chars().count() > 2000 {
        return Err(CoreError::invalid(
            Field::Message,
            "提示信息过长",
            "the message is too long",
        ));
    }
    let platform_id = require_platform(conn, &w.platform)?.id;
    Ok(Valid {
        platform_id,
        requested,
        arrived,
        card_tail,
        message,
    })
}

/// Records a withdrawal. `source` links it to an import and bill row when it came from a file.
pub fn add_withdrawal(tx: &Transaction, w: &NewWithdrawal, now: &Timestamp) -> Result<Withdrawal> {
    insert(tx, w, None, now)
}

pub(crate) fn insert(
    tx: &Transaction,
    w: &NewWithdrawal,
    source: Option<(i64, i64)>,
    now: &Timestamp,
) -> Result<Withdrawal> {
    let v = validate(tx, w)?;
    // Cached: an import inserts one withdrawal per withdrawal row of the bill.
    tx.prepare_cached(
        "INSERT INTO withdrawals(platform_id, amount_fen, fee_fen, status, is_test, requested_at, requested_utc,
                                 arrived_at, card_tail, message, import_id, transaction_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
            v.platform_id,
            w.amount.fen(),
            w.fee.fen(),
            w.status.as_str(),
            w.is_test,
            time::to_rfc3339(&v.requested),
            utc_key(&v.requested),
            v.arrived.as_ref().map(time::to_rfc3339),
            v.card_tail,
            v.message,
            source.map(|s| s.0),
            source.map(|s| s.1),
            time::to_rfc3339(now),
        ])?;
    get_withdrawal(tx, tx.last_insert_rowid())
}

/// Replaces every editable field of a withdrawal (platform included).
pub fn update_withdrawal(
    tx: &Transaction,
    id: i64,
    w: &NewWithdrawal,
    now: &Timestamp,
) -> Result<Withdrawal> {
    get_withdrawal(tx, id)?;
    let v = validate(tx, w)?;
    tx.execute(
        "UPDATE withdrawals SET platform_id = ?1, amount_fen = ?2, fee_fen = ?3, status = ?4, is_test = ?5,
                requested_at = ?6, requested_utc = ?7, arrived_at = ?8, card_tail = ?9, message = ?10,
                updated_at = ?11
         WHERE id = ?12",
        params![
            v.platform_id,
            w.amount.fen(),
            w.fee.fen(),
            w.status.as_str(),
            w.is_test,
            time::to_rfc3339(&v.requested),
            utc_key(&v.requested),
            v.arrived.as_ref().map(time::to_rfc3339),
            v.card_tail,
            v.message,
            time::to_rfc3339(now),
            id
        ],
    )?;
    get_withdrawal(tx, id)
}

/// One click from a row: marks withdrawal `id` arrived / failed / returned, keeping everything
/// else. An arrival is at `arrived_at` (a time as typed) or, when none is given, `now`; any other
/// status clears the arrival time.
pub fn set_withdrawal_status(
    tx: &Transaction,
    id: i64,
    status: WithdrawalStatus,
    arrived_at: Option<&str>,
    now: &Timestamp,
) -> Result<Withdrawal> {
    let w = get_withdrawal(tx, id)?;
    let arrived_at = match (status, arrived_at.map(str::trim)) {
        (WithdrawalStatus::Arrived, None | Some("")) => Some(*now),
        (WithdrawalStatus::Arrived, Some(text)) => Some(time::parse_time(text, Field::ArrivedAt)?),
        _ => None,
    };
    let next = NewWithdrawal {
        platform: w.platform,
        amount: w.amount,
        fee: w.fee,
        status,
        is_test: w.is_test,
        requested_at: time::parse_time(&w.requested_at, Field::RequestedAt)?,
        arrived_at,
        card_tail: w.card_tail,
        message: w.message,
    };
    update_withdrawal(tx, id, &next, now)
}

/// Deletes a withdrawal; [`undo::restore`] with the result puts it back.
pub fn delete_withdrawal(tx: &Transaction, id: i64) -> Result<Deleted> {
    get_withdrawal(tx, id)?;
    let tables = vec![undo::capture(tx, "withdrawals", "id = ?1", id)?];
    tx.execute("DELETE FROM withdrawals WHERE id = ?1", [id])?;
    Ok(Deleted {
        what: "withdrawal".into(),
        id,
        tables,
        cleared: vec![],
    })
}

const COLUMNS: &str =
    "w.id, p.name, w.amount_fen, w.fee_fen, w.status, w.is_test, w.requested_at, w.arrived_at,
                       w.card_tail, w.message, w.import_id, w.transaction_id, w.created_at";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Withdrawal> {
    let status: String = r.get(4)?;
    Ok(Withdrawal {
        id: r.get(0)?,
        platform: r.get(1)?,
        amount: Money(r.get(2)?),
        fee: Money(r.get(3)?),
        // The CHECK constraint keeps the column to the four values.
        status: status.parse().unwrap_or(WithdrawalStatus::Requested),
        is_test: r.get(5)?,
        requested_at: r.get(6)?,
        arrived_at: r.get(7)?,
        card_tail: r.get(8)?,
        message: r.get(9)?,
        import_id: r.get(10)?,
        transaction_id: r.get(11)?,
        created_at: r.get(12)?,
    })
}

pub fn get_withdrawal(conn: &rusqlite::Connection, id: i64) -> Result<Withdrawal> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM withdrawals w JOIN platforms p ON p.id = w.platform_id WHERE w.id = ?1"
    ))?
    .query_row([id], from_row)
    .optional()?
    .ok_or(CoreError::NotFound { what: "withdrawal", key: id.to_string() })
}

/// Withdrawals, newest request first; all platforms when `platform` is `None`.
pub fn list_withdrawals(
    conn: &rusqlite::Connection,
    platform: Option<&str>,
) -> Result<Vec<Withdrawal>> {
    let platform_id = platform
        .map(|name| require_platform(conn, name).map(|p| p.id))
        .transpose()?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM withdrawals w JOIN platforms p ON p.id = w.platform_id
         WHERE ?1 IS NULL OR w.platform_id = ?1 ORDER BY w.requested_utc DESC, w.id DESC"
    ))?;
    let rows = stmt.query_map([platform_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
