//! Balance snapshots: record, edit, delete (with undo), list, and the overview Home shows.

use super::platforms::require_platform;
use super::undo::{self, Deleted};
use super::PlatformKind;
use crate::error::{CoreError, Result};
use crate::money::Money;
use crate::time::{self, Timestamp};
use crate::Field;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

/// A balance as seen at a moment.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BalanceSnapshot {
    pub id: i64,
    pub platform: String,
    pub amount: Money,
    pub at: String,
}

/// A platform's latest balance and its share of all platform money.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlatformBalance {
    pub id: i64,
    pub name: String,
    pub kind: PlatformKind,
    /// Latest snapshot, or null when none was recorded yet.
    pub balance: Option<Money>,
    pub balance_at: Option<String>,
    /// Four decimals, e.g. "0.7000"; null when the total is zero.
    pub share: Option<String>,
}

/// The figures Home shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MoneyOverview {
    pub total: Money,
    pub platforms: Vec<PlatformBalance>,
    /// Name of the platform with the largest share when that share is above one half.
    pub concentration_warning: Option<String>,
}
/// Records a balance snapshot for the named platform.
pub fn add_balance(
    tx: &Transaction,
    platform: &str,
    amount: Money,
    at: &Timestamp,
    now: &Timestamp,
) -> Result<BalanceSnapshot> {
    check_balance(amount)?;
    let p = require_platform(tx, platform)?;
    let at_text = time::to_rfc3339(at);
    tx.execute(
        "INSERT INTO balance_snapshots(platform_id, amount_fen, at, at_utc, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![p.id, amount.fen(), at_text, utc_key(at), time::to_rfc3339(now)],
    )?;
    Ok(BalanceSnapshot {
        id: tx.last_insert_rowid(),
        platform: p.name,
        amount,
        at: at_text,
    })
}

/// A sortable UTC key so times with different offsets order correctly.
pub fn utc_key(t: &Timestamp) -> String {
    t.with_timezone(&chrono::Utc)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Latest balance per platform, their total and each share (four decimals).
pub fn overview(conn: &rusqlite::Connection) -> Result<MoneyOverview> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.name, p.kind,
                (SELECT amount_fen FROM balance_snapshots b WHERE b.platform_id = p.id ORDER BY at_utc DESC, id DESC LIMIT 1),
                (SELECT at FROM balance_snapshots b WHERE b.platform_id = p.id ORDER BY at_utc DESC, id DESC LIMIT 1)
         FROM platforms p ORDER BY p.id",
    )?;
    type Row = (i64, String, String, Option<i64>, Option<String>);
    let rows: Vec<Row> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let total = rows
        .iter()
        .filter_map(|r| r.3)
        .try_fold(Money::ZERO, |acc, f| acc.checked_add(Money(f)))
        .ok_or_else(|| CoreError::Internal("total overflows".into()))?;
    let mut platforms = Vec::with_capacity(rows.len());
    for (id, name, kind, fen, at) in rows {
        let share = match (fen, total.fen()) {
            (Some(f), t) if t > 0 => Some(share_text(f, t)),
            _ => None,
        };
        platforms.push(PlatformBalance {
            id,
            name,
            kind: kind.parse()?,
            balance: fen.map(Money),
            balance_at: at,
            share,
        });
    }
    let concentration_warning = platforms
        .iter()
        .filter_map(|p| p.balance.map(|b| (b.fen(), &p.name)))
        .max_by_key(|(fen, _)| *fen)
        .filter(|(fen, _)| total.fen() > 0 && fen * 2 > total.fen())
        .map(|(_, name)| name.clone());
    Ok(MoneyOverview {
        total,
        platforms,
        concentration_warning,
    })
}

/// `part / total` as a four-decimal string, rounded half away from zero, exactly.
pub fn share_text(part: i64, total: i64) -> String {
    use rust_decimal::Decimal;
    let ratio = Decimal::from(part) / Decimal::from(total);
    let r = ratio.round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("{r:.4}")
}

fn check_balance(amount: Money) -> Result<()> {
    if amount.fen() < 0 {
        return Err(CoreError::invalid(
            Field::Amount,
            "余额不能为负数",
            "a balance cannot be negative",
        ));
    }
    Ok(())
}

/// One snapshot by id.
pub fn get_balance(conn: &rusqlite::Connection, id: i64) -> Result<BalanceSnapshot> {
    conn.query_row(
        "SELECT b.id, p.name, b.amount_fen, b.at FROM balance_snapshots b JOIN platforms p ON p.id = b.platform_id
         WHERE b.id = ?1",
        [id],
        |r| Ok(BalanceSnapshot { id: r.get(0)?, platform: r.get(1)?, amount: Money(r.get(2)?), at: r.get(3)? }),
    )
    .optional()?
    .ok_or(CoreError::NotFound { what: "balance", key: id.to_string() })
}

/// A platform's snapshots, newest first.
pub fn list_balances(conn: &rusqlite::Connection, platform: &str) -> Result<Vec<BalanceSnapshot>> {
    let p = require_platform(conn, platform)?;
    let mut stmt = conn.prepare(
        "SELECT id, amount_fen, at FROM balance_snapshots WHERE platform_id = ?1 ORDER BY at_utc DESC, id DESC",
    )?;
    let rows = stmt.query_map([p.id], |r| {
        Ok(BalanceSnapshot {
            id: r.get(0)?,
            platform: p.name.clone(),
            amount: Money(r.get(1)?),
            at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Corrects a snapshot's amount and time.
pub fn update_balance(
    tx: &Transaction,
    id: i64,
    amount: Money,
    at: &Timestamp,
    now: &Timestamp,
) -> Result<BalanceSnapshot> {
    check_balance(amount)?;
    get_balance(tx, id)?;
    tx.execute(
        "UPDATE balance_snapshots SET amount_fen = ?1, at = ?2, at_utc = ?3, updated_at = ?4 WHERE id = ?5",
        params![amount.fen(), time::to_rfc3339(at), utc_key(at), time::to_rfc3339(now), id],
    )?;
    get_balance(tx, id)
}

/// Deletes a snapshot; [`undo::restore`] with the result puts it back.
pub fn delete_balance(tx: &Transaction, id: i64) -> Result<Deleted> {
    get_balance(tx, id)?;
    let tables = vec![undo::capture(tx, "balance_snapshots", "id = ?1", id)?];
    tx.execute("DELETE FROM balance_snapshots WHERE id = ?1", [id])?;
    Ok(Deleted {
        what: "balance".into(),
        id,
        tables,
        cleared: vec![],
    })
}
