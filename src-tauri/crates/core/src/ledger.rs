//! Platforms and the money on them: balance snapshots and withdrawals (test withdrawals included).

use crate::error::{CoreError, Result};
use crate::money::Money;
use crate::time::{self, Timestamp};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The platform kinds of the contract (`platform` values of a diagnosis case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum PlatformKind {
    Wechat,
    Alipay,
    Unionpay,
    Bank,
    Ecommerce,
    Content,
    Investment,
    Lending,
    Crossborder,
    Other,
}

impl PlatformKind {
    pub const ALL: [PlatformKind; 10] = [
        PlatformKind::Wechat,
        PlatformKind::Alipay,
        PlatformKind::Unionpay,
        PlatformKind::Bank,
        PlatformKind::Ecommerce,
        PlatformKind::Content,
        PlatformKind::Investment,
        PlatformKind::Lending,
        PlatformKind::Crossborder,
        PlatformKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PlatformKind::Wechat => "wechat",
            PlatformKind::Alipay => "alipay",
            PlatformKind::Unionpay => "unionpay",
            PlatformKind::Bank => "bank",
            PlatformKind::Ecommerce => "ecommerce",
            PlatformKind::Content => "content",
            PlatformKind::Investment => "investment",
            PlatformKind::Lending => "lending",
            PlatformKind::Crossborder => "crossborder",
            PlatformKind::Other => "other",
        }
    }
}

impl fmt::Display for PlatformKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PlatformKind {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self> {
        PlatformKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                let all: Vec<&str> = PlatformKind::ALL.iter().map(|k| k.as_str()).collect();
                CoreError::invalid(
                    "kind",
                    format!("“{s}”不是平台类型，可选：{}", all.join("、")),
                    format!("“{s}” is not a platform kind; use one of {}", all.join(", ")),
                )
            })
    }
}

/// What the user types to add a platform.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewPlatform {
    pub name: String,
    pub kind: PlatformKind,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Platform {
    pub id: i64,
    pub name: String,
    pub kind: PlatformKind,
    pub note: String,
    pub licence: String,
    pub operating_since: Option<String>,
    pub test_interval_days: i64,
    pub created_at: String,
}

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

fn validate_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::invalid("name", "请填写平台名称，如 微信支付", "the platform needs a name, e.g. 微信支付"));
    }
    if name.chars().count() > 60 {
        return Err(CoreError::invalid("name", "名称请不超过 60 个字", "keep the name under 60 characters"));
    }
    Ok(name.to_string())
}

pub fn add_platform(tx: &Transaction, new: &NewPlatform, now: &Timestamp) -> Result<Platform> {
    let name = validate_name(&new.name)?;
    if find_platform(tx, &name)?.is_some() {
        return Err(CoreError::Conflict {
            field: "name".into(),
            message: crate::lang::Text::new(
                format!("已有名为“{name}”的平台"),
                format!("a platform named “{name}” already exists"),
            ),
        });
    }
    tx.execute(
        "INSERT INTO platforms(name, kind, note, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![name, new.kind.as_str(), new.note.trim(), time::to_rfc3339(now)],
    )?;
    get_platform(tx, tx.last_insert_rowid())
}

fn platform_from_row(r: &rusqlite::Row) -> rusqlite::Result<(i64, String, String, String, String, Option<String>, i64, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
}

const PLATFORM_COLUMNS: &str =
    "id, name, kind, note, licence, operating_since, test_interval_days, created_at";

fn build_platform(row: (i64, String, String, String, String, Option<String>, i64, String)) -> Result<Platform> {
    let (id, name, kind, note, licence, operating_since, test_interval_days, created_at) = row;
    Ok(Platform {
        id,
        name,
        kind: kind.parse().map_err(|_| CoreError::Internal(format!("stored kind “{kind}” is unknown")))?,
        note,
        licence,
        operating_since,
        test_interval_days,
        created_at,
    })
}

pub fn get_platform(conn: &rusqlite::Connection, id: i64) -> Result<Platform> {
    let row = conn
        .query_row(&format!("SELECT {PLATFORM_COLUMNS} FROM platforms WHERE id = ?1"), [id], platform_from_row)
        .optional()?
        .ok_or(CoreError::NotFound { what: "platform", key: id.to_string() })?;
    build_platform(row)
}

pub fn find_platform(conn: &rusqlite::Connection, name: &str) -> Result<Option<Platform>> {
    conn.query_row(
        &format!("SELECT {PLATFORM_COLUMNS} FROM platforms WHERE name = ?1"),
        [name.trim()],
        platform_from_row,
    )
    .optional()?
    .map(build_platform)
    .transpose()
}

/// Looks a platform up by name; an unknown name is the user's error, naming the field.
pub fn require_platform(conn: &rusqlite::Connection, name: &str) -> Result<Platform> {
    find_platform(conn, name)?.ok_or_else(|| {
        CoreError::invalid(
            "platform",
            format!("没有名为“{}”的平台，请先添加（tixian platform add）", name.trim()),
            format!("no platform named “{}”; add it first (tixian platform add)", name.trim()),
        )
    })
}

pub fn list_platforms(conn: &rusqlite::Connection) -> Result<Vec<Platform>> {
    let mut stmt = conn.prepare(&format!("SELECT {PLATFORM_COLUMNS} FROM platforms ORDER BY id"))?;
    let rows = stmt.query_map([], platform_from_row)?;
    rows.map(|r| build_platform(r?)).collect()
}

/// Records a balance snapshot for the named platform.
pub fn add_balance(tx: &Transaction, platform: &str, amount: Money, at: &Timestamp, now: &Timestamp) -> Result<BalanceSnapshot> {
    if amount.fen() < 0 {
        return Err(CoreError::invalid("amount", "余额不能为负数", "a balance cannot be negative"));
    }
    let p = require_platform(tx, platform)?;
    let at_text = time::to_rfc3339(at);
    tx.execute(
        "INSERT INTO balance_snapshots(platform_id, amount_fen, at, at_utc, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![p.id, amount.fen(), at_text, utc_key(at), time::to_rfc3339(now)],
    )?;
    Ok(BalanceSnapshot { id: tx.last_insert_rowid(), platform: p.name, amount, at: at_text })
}

/// A sortable UTC key so times with different offsets order correctly.
pub fn utc_key(t: &Timestamp) -> String {
    t.with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Latest balance per platform, their total and each share (four decimals).
pub fn overview(conn: &rusqlite::Connection) -> Result<MoneyOverview> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.name, p.kind,
                (SELECT amount_fen FROM balance_snapshots b WHERE b.platform_id = p.id ORDER BY at_utc DESC, id DESC LIMIT 1),
                (SELECT at FROM balance_snapshots b WHERE b.platform_id = p.id ORDER BY at_utc DESC, id DESC LIMIT 1)
         FROM platforms p ORDER BY p.id",
    )?;
    let rows: Vec<(i64, String, String, Option<i64>, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let total = rows.iter().filter_map(|r| r.3).try_fold(Money::ZERO, |acc, f| acc.checked_add(Money(f)))
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
    Ok(MoneyOverview { total, platforms, concentration_warning })
}

/// `part / total` as a four-decimal string, rounded half away from zero, exactly.
pub fn share_text(part: i64, total: i64) -> String {
    use rust_decimal::Decimal;
    let ratio = Decimal::from(part) / Decimal::from(total);
    let r = ratio.round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("{r:.4}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn now() -> Timestamp {
        time::parse_time("2026-07-01T09:00:00+08:00", "now").unwrap()
    }

    fn add(store: &mut Store, name: &str, kind: PlatformKind) {
        let new = NewPlatform { name: name.into(), kind, note: String::new() };
        store.transaction(|tx| add_platform(tx, &new, &now())).unwrap();
    }

    #[test]
    fn overview_uses_latest_snapshot_and_exact_shares() {
        let mut s = Store::open_in_memory().unwrap();
        add(&mut s, "微信支付", PlatformKind::Wechat);
        add(&mut s, "支付宝", PlatformKind::Alipay);
        let t1 = time::parse_time("2026-06-01 10:00", "at").unwrap();
        let t2 = time::parse_time("2026-06-02 10:00", "at").unwrap();
        s.transaction(|tx| {
            add_balance(tx, "微信支付", Money(100_000), &t1, &now())?;
            add_balance(tx, "微信支付", Money(700_000), &t2, &now())?;
            add_balance(tx, "支付宝", Money(300_000), &t1, &now())
        })
        .unwrap();
        let o = overview(s.conn()).unwrap();
        assert_eq!(o.total.to_plain(), "10000.00");
        assert_eq!(o.platforms[0].share.as_deref(), Some("0.7000"));
        assert_eq!(o.platforms[1].share.as_deref(), Some("0.3000"));
        assert_eq!(o.concentration_warning.as_deref(), Some("微信支付"));
    }

    #[test]
    fn exactly_half_is_not_a_concentration_warning() {
        let mut s = Store::open_in_memory().unwrap();
        add(&mut s, "A", PlatformKind::Bank);
        add(&mut s, "B", PlatformKind::Bank);
        s.transaction(|tx| {
            add_balance(tx, "A", Money(500), &now(), &now())?;
            add_balance(tx, "B", Money(500), &now(), &now())
        })
        .unwrap();
        assert_eq!(overview(s.conn()).unwrap().concentration_warning, None);
    }

    #[test]
    fn duplicate_and_empty_names_are_refused() {
        let mut s = Store::open_in_memory().unwrap();
        add(&mut s, "微信支付", PlatformKind::Wechat);
        let dup = NewPlatform { name: " 微信支付 ".into(), kind: PlatformKind::Wechat, note: String::new() };
        assert_eq!(s.transaction(|tx| add_platform(tx, &dup, &now())).unwrap_err().code(), "conflict");
        let empty = NewPlatform { name: "  ".into(), kind: PlatformKind::Wechat, note: String::new() };
        assert_eq!(s.transaction(|tx| add_platform(tx, &empty, &now())).unwrap_err().field_name(), Some("name"));
    }

    #[test]
    fn balance_for_unknown_platform_names_the_field() {
        let mut s = Store::open_in_memory().unwrap();
        let e = s.transaction(|tx| add_balance(tx, "nope", Money(1), &now(), &now())).unwrap_err();
        assert_eq!(e.field_name(), Some("platform"));
    }

    #[test]
    fn share_rounds_half_away_from_zero() {
        assert_eq!(share_text(1, 3), "0.3333");
        assert_eq!(share_text(2, 3), "0.6667");
        assert_eq!(share_text(5, 5), "1.0000");
    }
}
