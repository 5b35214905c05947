//! The data behind the Health screen's charts: each platform's balance snapshots over time and
//! its arrival delays over time, with the danger line the arrival chart marks.
//!
//! The *danger line* is the platform's median arrival time plus 25 % — the same band the trend
//! uses ([`super::arrivals::TREND_THRESHOLD_PERCENT`]): arrivals above it are slower than usual
//! by more than the trend tolerates. Points are capped per platform (the newest ones), and the
//! arrivals (the bulk: 300 points a platform) are sent for the one platform the chart draws, so
//! a ledger of 200 platforms and a million withdrawals still sends a chart-sized answer.

use crate::error::Result;
use crate::money::Money;
use crate::time::Timestamp;
use rusqlite::{params, Connection};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::str::FromStr;

/// At most this many balance snapshots per platform (the newest).
pub const MAX_BALANCE_POINTS: i64 = 500;
/// At most this many arrivals per platform (the newest).
pub const MAX_ARRIVAL_POINTS: i64 = 300;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HealthSeries {
    pub platforms: Vec<PlatformSeries>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlatformSeries {
    pub id: i64,
    pub name: String,
    /// Oldest first.
    pub balances: Vec<BalancePoint>,
    /// Whether the platform has an arrived withdrawal up to `at` (it can be picked for the
    /// arrivals chart).
    pub has_arrivals: bool,
    /// Oldest first (by request time); only for the platform the arrivals chart draws (empty
    /// for the others).
    pub arrivals: Vec<ArrivalPoint>,
    /// Median arrival time plus 25 %, hours with one decimal; null without arrivals and for the
    /// platforms the chart does not draw.
    pub danger_hours: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BalancePoint {
    /// RFC 3339 as recorded.
    pub at: String,
    pub amount: Money,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ArrivalPoint {
    /// When the withdrawal was requested (RFC 3339 as recorded).
    pub requested_at: String,
    /// Hours from request to arrival, one decimal.
    pub hours: String,
    pub is_test: bool,
}

/// `median` hours (text) plus the trend band, one decimal.
pub fn danger_line(median_hours: &str) -> Option<String> {
    let m = Decimal::from_str(median_hours).ok()?;
    let factor = Decimal::from(100 + super::arrivals::TREND_THRESHOLD_PERCENT) / Decimal::from(100);
    let v = (m * factor).round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    Some(format!("{v:.1}"))
}

/// Chart series as of `at` (nothing recorded after `at` is included): every platform's
/// balances, and the arrivals of `arrivals_of` (a platform id), else of the first platform with
/// any.
pub fn series(conn: &Connection, at: &Timestamp, arrivals_of: Option<i64>) -> Result<HealthSeries> {
    let at_key = super::utc(at);
    let ids: Vec<(i64, String)> = conn
        .prepare("SELECT id, name FROM platforms ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut platforms = Vec::with_capacity(ids.len());
    for (id, name) in ids {
        let mut balances: Vec<BalancePoint> = conn
            .prepare_cached(
                "SELECT at, amount_fen FROM balance_snapshots WHERE platform_id = ?1 AND at_utc <= ?2
                 ORDER BY at_utc DESC, id DESC LIMIT ?3",
            )?
            .query_map(params![id, at_key, MAX_BALANCE_POINTS], |r| {
                Ok(BalancePoint {
                    at: r.get(0)?,
                    amount: Money(r.get(1)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        balances.reverse();
        // One index probe (withdrawals_platform_status).
        let has_arrivals: bool = conn
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM withdrawals WHERE platform_id = ?1 AND status = 'arrived'
                 AND requested_utc <= ?2 AND arrived_at IS NOT NULL)",
            )?
            .query_row(params![id, at_key], |r| r.get(0))?;
        platforms.push(PlatformSeries {
            id,
            name,
            balances,
            has_arrivals,
            arrivals: Vec::new(),
            danger_hours: None,
        });
    }
    let drawn = match arrivals_of {
        Some(id) => platforms.iter_mut().find(|p| p.id == id && p.has_arrivals),
        None => platforms.iter_mut().find(|p| p.has_arrivals),
    };
    if let Some(p) = drawn {
        p.arrivals = arrival_points(conn, p.id, &at_key)?;
        let stats = super::arrivals::arrivals(conn, p.id, at)?;
        p.danger_hours = stats.hours.median.as_deref().and_then(danger_line);
    }
    Ok(HealthSeries { platforms })
}

/// The newest [`MAX_ARRIVAL_POINTS`] arrivals of platform `id` up to `at_key`, oldest first.
fn arrival_points(conn: &Connection, id: i64, at_key: &str) -> Result<Vec<ArrivalPoint>> {
    let rows: Vec<(String, i64, bool)> = conn
        .prepare_cached(
            "SELECT requested_at, unixepoch(arrived_at) - unixepoch(requested_at), is_test
             FROM withdrawals WHERE platform_id = ?1 AND status = 'arrived' AND arrived_at IS NOT NULL
             AND requested_utc <= ?2 ORDER BY requested_utc DESC, id DESC LIMIT ?3",
        )?
        .query_map(params![id, at_key, MAX_ARRIVAL_POINTS], |r| {
            Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0), r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .rev()
        .map(|(requested_at, secs, is_test)| ArrivalPoint {
            requested_at,
            hours: super::arrivals::hours_text(Decimal::from(secs.max(0))),
            is_test,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{self, NewPlatform, NewWithdrawal, PlatformKind, WithdrawalStatus};
    use crate::{time, Store};

    #[test]
    fn danger_line_is_the_median_plus_a_quarter() {
        assert_eq!(danger_line("2.0").as_deref(), Some("2.5"));
        // 26.5 × 1.25 = 33.125 → 33.1
        assert_eq!(danger_line("26.5").as_deref(), Some("33.1"));
        assert_eq!(danger_line("nope"), None);
    }

    #[test]
    fn series_lists_balances_and_arrivals_oldest_first_up_to_at() {
        let mut s = Store::open_in_memory().unwrap();
        let t = |x: &str| time::parse_time(x, crate::Field::At).unwrap();
        let now = t("2026-01-01 09:00");
        s.transaction(|tx| {
            ledger::add_platform(
                tx,
                &NewPlatform {
                    name: "甲".into(),
                    kind: PlatformKind::Alipay,
                    note: String::new(),
                },
                &now,
            )?;
            ledger::add_balance(
                tx,
                "甲",
                Money::from_fen(10_000),
                &t("2026-02-01 10:00"),
                &now,
            )?;
            ledger::add_balance(
                tx,
                "甲",
                Money::from_fen(30_000),
                &t("2026-03-01 10:00"),
                &now,
            )?;
            ledger::add_balance(
                tx,
                "甲",
                Money::from_fen(90_000),
                &t("2026-05-01 10:00"),
                &now,
            )?;
            for (req, arr) in [
                ("2026-02-02 10:00", "2026-02-02 12:00"), // 2 h
                ("2026-02-10 10:00", "2026-02-10 14:00"), // 4 h
                ("2026-02-20 10:00", "2026-02-20 16:00"), // 6 h
            ] {
                ledger::add_withdrawal(
                    tx,
                    &NewWithdrawal {
                        platform: "甲".into(),
                        amount: Money(100),
                        fee: Money(0),
                        status: WithdrawalStatus::Arrived,
                        is_test: req.starts_with("2026-02-10"),
                        requested_at: t(req),
                        arrived_at: Some(t(arr)),
                        card_tail: String::new(),
                        message: String::new(),
                    },
                    &now,
                )?;
            }
            Ok(())
        })
        .unwrap();
        let out = series(s.conn(), &t("2026-04-01 09:00"), None).unwrap();
        let p = &out.platforms[0];
        let amounts: Vec<String> = p.balances.iter().map(|b| b.amount.to_plain()).collect();
        assert_eq!(
            amounts,
            ["100.00", "300.00"],
            "the May snapshot is after `at`"
        );
        let hours: Vec<&str> = p.arrivals.iter().map(|a| a.hours.as_str()).collect();
        assert_eq!(hours, ["2.0", "4.0", "6.0"]);
        assert!(p.arrivals[1].is_test && !p.arrivals[0].is_test);
        // Median 4 h + 25 % = 5 h.
        assert_eq!(p.danger_hours.as_deref(), Some("5.0"));
    }

    /// 200 platforms of 300 arrivals each made a 3.6 MB answer for a chart that draws one: the
    /// arrivals come for the platform asked for (else the first with any), the others only say
    /// that they have some.
    #[test]
    fn arrivals_are_sent_for_the_drawn_platform_only() {
        let mut s = Store::open_in_memory().unwrap();
        let t = |x: &str| time::parse_time(x, crate::Field::At).unwrap();
        let now = t("2026-01-01 09:00");
        s.transaction(|tx| {
            for (name, hours) in [("甲", 2), ("乙", 0), ("丙", 8)] {
                ledger::add_platform(
                    tx,
                    &NewPlatform {
                        name: name.into(),
                        kind: PlatformKind::Other,
                        note: String::new(),
                    },
                    &now,
                )?;
                if hours == 0 {
                    continue;
                }
                ledger::add_withdrawal(
                    tx,
                    &NewWithdrawal {
                        platform: name.into(),
                        amount: Money(100),
                        fee: Money(0),
                        status: WithdrawalStatus::Arrived,
                        is_test: false,
                        requested_at: t("2026-02-02 10:00"),
                        arrived_at: Some(t(&format!("2026-02-02 {:02}:00", 10 + hours))),
                        card_tail: String::new(),
                        message: String::new(),
                    },
                    &now,
                )?;
            }
            Ok(())
        })
        .unwrap();
        let at = t("2026-04-01 09:00");
        let view = |out: &HealthSeries| -> Vec<(String, bool, usize, Option<String>)> {
            out.platforms
                .iter()
                .map(|p| {
                    (
                        p.name.clone(),
                        p.has_arrivals,
                        p.arrivals.len(),
                        p.danger_hours.clone(),
                    )
                })
                .collect()
        };
        let first = series(s.conn(), &at, None).unwrap();
        assert_eq!(
            view(&first),
            [
                ("甲".into(), true, 1, Some("2.5".into())),
                ("乙".into(), false, 0, None),
                ("丙".into(), true, 0, None),
            ]
        );
        let third = first.platforms[2].id;
        assert_eq!(
            view(&series(s.conn(), &at, Some(third)).unwrap()),
            [
                ("甲".into(), true, 0, None),
                ("乙".into(), false, 0, None),
                ("丙".into(), true, 1, Some("10.0".into())),
            ]
        );
        // A platform without arrivals draws nothing (not another platform's points).
        let second = first.platforms[1].id;
        let none = series(s.conn(), &at, Some(second)).unwrap();
        assert!(none.platforms.iter().all(|p| p.arrivals.is_empty()));
    }
}
