//! Platform health: "if I had to withdraw everything tomorrow, would I be at ease?"
//!
//! [`health`] reads the ledger as of a given time and reports, per platform, the balance share,
//! test withdrawals and when the next is due, arrival delays and their trend, failures and
//! danger signals; overall, the concentration, the emergency fund in months, a readiness score
//! with its reasons (each naming the fix), and what is due. The JSON shape is the contract's
//! (`tixian health --json`).
//!
//! - [`arrivals`]: delay statistics and the "longer arrivals" detection.
//! - [`due`]: due dates (calendar-date arithmetic), due items (with the cases' follow-ups and
//!   broken promises) and notification bookkeeping.
//! - [`records`]: danger signals, emergency-fund settings, quarterly reviews.
//! - [`readiness`]: the 0–100 score and its reasons.
//! - [`rule_text`]: payout-rule snapshots, their diff and threshold/fee rises.
//! - [`backup`]: backup/restore archives and rolling daily backups.
//! - [`series`]: the charts' data (balances and arrival delays over time, the danger line).
//!
//! Definitions (documented here because the UI explains them):
//! - *share*: latest balance snapshot at or before `at` over the total of those, four decimals,
//!   exact (`rust_decimal`), half away from zero; null when the total is zero.
//! - *test withdrawal*: a withdrawal marked `--test` with status `requested` or `arrived` (a
//!   failed or returned test proves nothing, so the test stays due).
//! - *arrival trend*: median of the last 90 days against the 90 days before; more than 25 % apart
//!   is `slower`/`faster`, else `steady`.
//! - *signals*: kinds logged in the last 180 days, plus detected `longer_arrivals` (the last three
//!   arrivals each slower than the median of at least three arrivals before them) and `failures`
//!   (a failed or returned withdrawal in the last 90 days).
//! - *quarterly review*: due three calendar months after the last one (month-end clamped).

pub mod arrivals;
pub mod backup;
pub mod due;
pub mod home;
pub mod readiness;
pub mod records;
pub mod rule_text;
pub mod series;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_backup;
#[cfg(test)]
mod tests_backup_hostile;
#[cfg(test)]
mod tests_buckets;
#[cfg(test)]
mod tests_notify;

pub use arrivals::{ArrivalHours, Trend};
pub use backup::{
    backup, restore, restore_keyed, restore_with, rolling_backup, BackupReport, RestoreKeys,
    RestoreReport, ROLLING_KEEP,
};
pub use due::{
    due_items, local_date, mark_notified, next_review_due, next_test_due, notifications_enabled,
    notifications_to_send, pending_notifications, set_notifications_enabled, DueItem,
};
pub use readiness::{Readiness, ReadinessReason};
pub use records::{
    health_settings, last_review, list_signals, log_signal, record_review, set_health_settings,
    HealthSettings, Review, ReviewChecklist, Signal, SignalKind,
};
pub use rule_text::{
    list_rule_snapshots, save_rule_snapshot, DiffLine, RuleRise, RuleSnapshot, SnapshotResult,
};

use crate::error::Result;
use crate::lang::Lang;
use crate::ledger::{share_text, PlatformKind};
use crate::money::Money;
use crate::time::{self, Timestamp};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// Logged signals older than this no longer count.
pub const SIGNAL_WINDOW_DAYS: i64 = 180;
/// A failure or return this recent is a `failures` signal.
pub const FAILURE_WINDOW_DAYS: i64 = 90;

/// The whole health report (`tixian health --json`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HealthReport {
    pub at: String,
    pub total: Money,
    pub platforms: Vec<PlatformHealth>,
    pub concentration: Concentration,
    /// Money outside platforms / monthly spending, one decimal; null until both are set.
    pub emergency_fund_months: Option<String>,
    pub emergency_fund: EmergencyFund,
    pub readiness: Readiness,
    pub due: Vec<DueItem>,
    pub last_quarterly_review: Option<String>,
    /// `YYYY-MM-DD`; null when there is nothing to review (no platforms).
    pub next_quarterly_review: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlatformHealth {
    pub id: i64,
    pub name: String,
    pub kind: PlatformKind,
    /// Latest snapshot at or before `at`; "0.00" when none (then `balance_at` is null).
    pub balance: Money,
    pub balance_at: Option<String>,
    /// Four decimals; null when the total is zero.
    pub share: Option<String>,
    pub last_test_withdrawal: Option<String>,
    /// `YYYY-MM-DD`.
    pub next_test_due: String,
    pub test_interval_days: i64,
    pub test_due: bool,
    pub arrival_hours: ArrivalHours,
    /// Failed plus returned withdrawals, all time (up to `at`).
    pub failures: i64,
    pub returned: i64,
    /// Failed or returned in the last 90 days.
    pub recent_failures: i64,
    /// Logged kinds (last 180 days) then detected ones: `longer_arrivals`, `failures`.
    pub signals: Vec<String>,
    /// Of `signals`, the ones the user logged.
    pub logged_signals: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Concentration {
    pub largest: Option<String>,
    pub share: Option<String>,
    /// The largest share is above one half.
    pub warn: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EmergencyFund {
    pub monthly_spending: Option<Money>,
    pub outside_money: Option<Money>,
    pub target_min_months: i64,
    pub target_max_months: i64,
    /// `below` (under 3 months), `within` (3–6), `above` (over 6); null without data.
    pub status: Option<String>,
}

/// Sortable UTC key of an instant, as stored in the `*_utc` columns.
pub(crate) fn utc(t: &Timestamp) -> String {
    crate::ledger::utc_key(t)
}

struct PlatformRow {
    id: i64,
    name: String,
    kind: String,
    interval: i64,
    created_at: String,
}

/// The health report as of `at`; reasons are in Chinese (see [`HealthReport::set_lang`]).
pub fn health(conn: &Connection, at: &Timestamp) -> Result<HealthReport> {
    crate::store::read_snapshot(conn, || report(conn, at))
}

/// [`health`] inside its read transaction.
fn report(conn: &Connection, at: &Timestamp) -> Result<HealthReport> {
    let at_key = utc(at);
    let today = local_date(at);
    let signal_from = utc(&(*at - chrono::Duration::days(SIGNAL_WINDOW_DAYS)));
    let failure_from = utc(&(*at - chrono::Duration::days(FAILURE_WINDOW_DAYS)));

    let mut stmt = conn.prepare(
        "SELECT id, name, kind, test_interval_days, created_at FROM platforms ORDER BY id",
    )?;
    let rows: Vec<PlatformRow> = stmt
        .query_map([], |r| {
            Ok(PlatformRow {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                interval: r.get(3)?,
                created_at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;

    let mut platforms = Vec::with_capacity(rows.len());
    let mut due = Vec::new();
    let mut first_created: Option<chrono::NaiveDate> = None;
    for p in rows {
        let created = local_date(&time::from_stored(&p.created_at)?);
        first_created = Some(first_created.map_or(created, |f| f.min(created)));
        let balance: Option<(i64, String)> = conn
            .prepare_cached(
                "SELECT amount_fen, at FROM balance_snapshots WHERE platform_id = ?1 AND at_utc <= ?2
                 ORDER BY at_utc DESC, id DESC LIMIT 1",
            )?
            .query_row(params![p.id, at_key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let last_test: Option<String> = conn
            .prepare_cached(
                "SELECT requested_at FROM withdrawals WHERE platform_id = ?1 AND requested_utc <= ?2
                 AND is_test = 1 AND status IN ('requested', 'arrived') ORDER BY requested_utc DESC, id DESC LIMIT 1",
            )?
            .query_row(params![p.id, at_key], |r| r.get(0))
            .optional()?;
        let last_test_date = last_test
            .as_deref()
            .map(time::from_stored)
            .transpose()?
            .map(|t| local_date(&t));
        let next_due = next_test_due(last_test_date, created, p.interval);
        let test_due = today >= next_due;
        if test_due {
            due.push(DueItem::test_withdrawal(p.id, &p.name, next_due));
        }
        let count = |status: &str, from: &str| -> Result<i64> {
            Ok(conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM withdrawals WHERE platform_id = ?1 AND status = ?2
                     AND requested_utc <= ?3 AND requested_utc > ?4",
                )?
                .query_row(params![p.id, status, at_key, from], |r| r.get(0))?)
        };
        let failed = count("failed", "")?;
        let returned = count("returned", "")?;
        let recent_failures = count("failed", &failure_from)? + count("returned", &failure_from)?;
        let arr = arrivals::arrivals(conn, p.id, at)?;

        let logged: Vec<String> = conn
            .prepare_cached(
                "SELECT DISTINCT kind FROM danger_signals WHERE platform_id = ?1 AND at_utc <= ?2 AND at_utc > ?3",
            )?
            .query_map(params![p.id, at_key, signal_from], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let logged_signals: Vec<String> = SignalKind::ALL
            .iter()
            .map(|k| k.as_str().to_string())
            .filter(|k| logged.contains(k))
            .collect();
        let mut signals = logged_signals.clone();
        if arr.longer_arrivals && !signals.iter().any(|s| s == "longer_arrivals") {
            signals.push("longer_arrivals".into());
        }
        if recent_failures > 0 {
            signals.push("failures".into());
        }

        platforms.push(PlatformHealth {
            id: p.id,
            name: p.name,
            kind: p.kind.parse()?,
            balance: Money(balance.as_ref().map_or(0, |b| b.0)),
            balance_at: balance.map(|b| b.1),
            share: None,
            last_test_withdrawal: last_test,
            next_test_due: next_due.to_string(),
            test_interval_days: p.interval,
            test_due,
            arrival_hours: arr.hours,
            failures: failed + returned,
            returned,
            recent_failures,
            signals,
            logged_signals,
        });
    }

    let total_fen: i64 = platforms
        .iter()
        .try_fold(0i64, |acc, p| acc.checked_add(p.balance.fen()))
        .ok_or_else(|| crate::CoreError::Internal("total overflows".into()))?;
    if total_fen > 0 {
        for p in &mut platforms {
            p.share = Some(share_text(p.balance.fen(), total_fen));
        }
    }
    // Largest balance; ties go to the platform added first.
    let largest =
        platforms
            .iter()
            .filter(|_| total_fen > 0)
            .fold(None::<&PlatformHealth>, |best, p| match best {
                Some(b) if b.balance.fen() >= p.balance.fen() => Some(b),
                _ => Some(p),
            });
    let concentration = Concentration {
        largest: largest.map(|p| p.name.clone()),
        share: largest.and_then(|p| p.share.clone()),
        warn: largest.is_some_and(|p| p.balance.fen() * 2 > total_fen),
    };

    let settings = health_settings(conn)?;
    let months = match (settings.outside_money, settings.monthly_spending) {
        (Some(out), Some(spend)) if spend.fen() > 0 => {
            Some(Decimal::from(out.fen()) / Decimal::from(spend.fen()))
        }
        _ => None,
    };
    let months_text = months.map(|m| {
        format!(
            "{:.1}",
            m.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        )
    });
    let emergency_fund = EmergencyFund {
        monthly_spending: settings.monthly_spending,
        outside_money: settings.outside_money,
        target_min_months: 3,
        target_max_months: 6,
        status: months.map(|m| {
            if m < Decimal::from(3) {
                "below".into()
            } else if m > Decimal::from(6) {
                "above".into()
            } else {
                "within".into()
            }
        }),
    };

    let review = last_review(conn, at)?;
    let review_date = review
        .as_ref()
        .map(|r| time::from_stored(&r.done_at))
        .transpose()?
        .map(|t| local_date(&t));
    let next_review = next_review_due(review_date, first_created);
    let review_due = next_review.is_some_and(|d| today >= d);
    if let (true, Some(since)) = (review_due, next_review) {
        due.push(DueItem::quarterly_review(since));
    }
    // The cases' items (follow-ups to chase, broken promises) after the platform ones.
    due.extend(
        crate::cases::due_items(conn, at)?
            .into_iter()
            .map(DueItem::from),
    );

    let readiness = readiness::score(&platforms, total_fen, months, review_due);
    Ok(HealthReport {
        at: time::to_rfc3339(at),
        total: Money(total_fen),
        platforms,
        concentration,
        emergency_fund_months: months_text,
        emergency_fund,
        readiness,
        due,
        last_quarterly_review: review.map(|r| r.done_at),
        next_quarterly_review: next_review.map(|d| d.to_string()),
    })
}

impl HealthReport {
    /// Rewrites `readiness.reasons` (the contract's plain strings) in `lang`; the bilingual
    /// originals stay in `readiness.details`.
    pub fn set_lang(&mut self, lang: Lang) {
        self.readiness.reasons = self
            .readiness
            .details
            .iter()
            .map(|d| d.text.get(lang).to_string())
            .collect();
    }
}
