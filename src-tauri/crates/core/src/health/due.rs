//! What is due, and when: test withdrawals (every `test_interval_days` calendar days, 30 by
//! default), the quarterly review (three calendar months after the last one), the cases' items
//! (follow-ups whose body's deadline has come, overdue customer-service promises), and the
//! once-a-day bookkeeping for desktop notifications (plus the user's on/off switch for them).
//!
//! All of it is date arithmetic on Asia/Shanghai calendar dates (`chrono::NaiveDate`), never
//! "30 × 24 h" on instants: a test at 23:30 on 31 January is a test on 31 January, and its next
//! one is due 30 calendar days later, 2 March (2 March in 2026, 1 March in a leap year).

use crate::cases;
use crate::error::Result;
use crate::lang::Text;
use crate::time::Timestamp;
use chrono::{Days, Months, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

pub use crate::time::local_date;

/// The day the next test withdrawal is due: `interval_days` calendar days after the last one;
/// for a platform never tested, the day it was added.
pub fn next_test_due(
    last_test: Option<NaiveDate>,
    created: NaiveDate,
    interval_days: i64,
) -> NaiveDate {
    match last_test {
        Some(d) => d
            .checked_add_days(Days::new(interval_days.max(1) as u64))
            .unwrap_or(NaiveDate::MAX),
        None => created,
    }
}

/// The day the next quarterly review is due: three calendar months after the last one, clamped
/// to the month's end (30 November → 28 or 29 February); never reviewed → the day the first
/// platform was added; no platforms → nothing to review.
pub fn next_review_due(
    last_review: Option<NaiveDate>,
    first_platform: Option<NaiveDate>,
) -> Option<NaiveDate> {
    match last_review {
        Some(d) => Some(
            d.checked_add_months(Months::new(3))
                .unwrap_or(NaiveDate::MAX),
        ),
        None => first_platform,
    }
}

/// Something that needs doing now. `what` is one of the contract's `due[].what` values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DueItem {
    /// `test_withdrawal` | `quarterly_review` | `case_deadline` (a follow-up to chase) |
    /// `promise_overdue` (a customer-service promise past its due time).
    pub what: String,
    /// The platform's name for a test withdrawal or a case item, null for the review.
    pub platform: Option<String>,
    /// `YYYY-MM-DD`, the day it became due.
    pub since: String,
    /// Stable id for notification bookkeeping and UI links, e.g. `test_withdrawal:3`,
    /// `case_deadline:7` (follow-up 7), `promise_overdue:12` (contact 12).
    pub key: String,
    /// The case a `case_deadline` or `promise_overdue` item belongs to, null otherwise.
    pub case_id: Option<i64>,
    /// A one-line title in both languages (for Home and the notification).
    pub title: Text,
}

impl DueItem {
    pub(crate) fn test_withdrawal(platform_id: i64, platform: &str, since: NaiveDate) -> DueItem {
        DueItem {
            what: "test_withdrawal".into(),
            platform: Some(platform.to_string()),
            since: since.to_string(),
            key: format!("test_withdrawal:{platform_id}"),
            case_id: None,
            title: Text::new(
                format!("该给{platform}做一次小额测试提现了（自 {since} 起）"),
                format!("Time for a small test withdrawal from {platform} (due since {since})"),
            ),
        }
    }

    pub(crate) fn quarterly_review(since: NaiveDate) -> DueItem {
        DueItem {
            what: "quarterly_review".into(),
            platform: None,
            since: since.to_string(),
            key: "quarterly_review".into(),
            case_id: None,
            title: Text::new(
                format!("该做季度检查了（自 {since} 起）：牌照、规则、测试提现、资金占比"),
                format!(
                    "Quarterly review due since {since}: licences, rules, test withdrawals, shares"
                ),
            ),
        }
    }
}

/// A case's due item (follow-up or broken promise) in the health list's shape.
impl From<cases::DueItem> for DueItem {
    fn from(d: cases::DueItem) -> DueItem {
        let what = match d.what {
            cases::DueKind::CaseDeadline => "case_deadline",
            cases::DueKind::PromiseOverdue => "promise_overdue",
        };
        DueItem {
            what: what.into(),
            platform: Some(d.platform),
            since: d.since,
            key: format!("{what}:{}", d.ref_id),
            case_id: Some(d.case_id),
            title: d.text,
        }
    }
}

/// Everything due at `at` (the same list as `health(conn, at).due`).
pub fn due_items(conn: &rusqlite::Connection, at: &Timestamp) -> Result<Vec<DueItem>> {
    Ok(super::health(conn, at)?.due)
}

/// The due items not yet notified today (Asia/Shanghai); reads only. The app shows these, then
/// records each one it could hand to the notification service with [`mark_notified`]. One not
/// shown (no service running) stays pending and is tried again at the next check.
pub fn pending_notifications(conn: &Connection, at: &Timestamp) -> Result<Vec<DueItem>> {
    let today = local_date(at).to_string();
    let mut stmt =
        conn.prepare_cached("SELECT last_notified_on FROM notifications_sent WHERE item_key = ?1")?;
    let mut out = Vec::new();
    for item in due_items(conn, at)? {
        let last: Option<String> = stmt.query_row([&item.key], |r| r.get(0)).optional()?;
        if last.as_deref() != Some(today.as_str()) {
            out.push(item);
        }
    }
    Ok(out)
}

/// Records that the item `key` was notified on `at`'s day; returns false if it already was.
pub fn mark_notified(tx: &Transaction, key: &str, at: &Timestamp) -> Result<bool> {
    let changed = tx.execute(
        "INSERT INTO notifications_sent(item_key, last_notified_on) VALUES (?1, ?2)
         ON CONFLICT(item_key) DO UPDATE SET last_notified_on = excluded.last_notified_on
         WHERE last_notified_on <> excluded.last_notified_on",
        params![key, local_date(at).to_string()],
    )?;
    Ok(changed > 0)
}

/// The due items to notify about now: those not yet notified today (Asia/Shanghai). Marks them
/// as notified in the same transaction, so each item is sent at most once a day even if the app
/// checks every few minutes. If showing the notification fails, the caller may roll back.
pub fn notifications_to_send(tx: &Transaction, at: &Timestamp) -> Result<Vec<DueItem>> {
    let mut send = Vec::new();
    for item in due_items(tx, at)? {
        if mark_notified(tx, &item.key, at)? {
            send.push(item);
        }
    }
    Ok(send)
}

/// The `settings` key of the desktop-notification switch.
const NOTIFICATIONS_SETTING: &str = "notifications";

/// Whether the user wants desktop notifications (on until they turn them off in Settings).
pub fn notifications_enabled(conn: &Connection) -> Result<bool> {
    let v = crate::store::read_setting(conn, NOTIFICATIONS_SETTING)?;
    Ok(v.as_deref() != Some("off"))
}

/// Turns desktop notifications on or off (Home and `tixian health --due` are unaffected).
pub fn set_notifications_enabled(tx: &Transaction, on: bool) -> Result<()> {
    crate::store::write_setting(tx, NOTIFICATIONS_SETTING, if on { "on" } else { "off" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_time;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn test_due_counts_calendar_days_across_month_ends_and_leap_years() {
        let created = d("2020-01-01");
        // 2024 is a leap year: 29 Feb + 1 day = 1 Mar, so + 30 days = 30 Mar.
        assert_eq!(
            next_test_due(Some(d("2024-02-29")), created, 30),
            d("2024-03-30")
        );
        // 31 Jan 2026 + 30 days: 28 days of February 2026 → 2 March.
        assert_eq!(
            next_test_due(Some(d("2026-01-31")), created, 30),
            d("2026-03-02")
        );
        // Same in a leap year: 29 days of February 2024 → 1 March.
        assert_eq!(
            next_test_due(Some(d("2024-01-31")), created, 30),
            d("2024-03-01")
        );
        // 30 Jan 2024 + 30 = 29 Feb 2024 (the leap day itself).
        assert_eq!(
            next_test_due(Some(d("2024-01-30")), created, 30),
            d("2024-02-29")
        );
        // Across the year end, and a weekly interval.
        assert_eq!(
            next_test_due(Some(d("2025-12-15")), created, 30),
            d("2026-01-14")
        );
        assert_eq!(
            next_test_due(Some(d("2026-02-25")), created, 7),
            d("2026-03-04")
        );
        // Never tested → due since the day the platform was added.
        assert_eq!(next_test_due(None, d("2026-05-10"), 30), d("2026-05-10"));
    }

    #[test]
    fn a_late_evening_test_counts_on_its_shanghai_date() {
        // 23:30 in Shanghai is 15:30 UTC the same day; 00:30 Shanghai is the previous UTC day.
        let late = parse_time("2026-01-31T23:30:00+08:00", crate::Field::At).unwrap();
        assert_eq!(local_date(&late), d("2026-01-31"));
        let utc_previous_day = parse_time("2026-01-31T16:30:00Z", crate::Field::At).unwrap();
        assert_eq!(local_date(&utc_previous_day), d("2026-02-01"));
    }

    #[test]
    fn review_due_three_calendar_months_later_clamped_to_month_end() {
        assert_eq!(
            next_review_due(Some(d("2025-11-30")), None),
            Some(d("2026-02-28"))
        );
        assert_eq!(
            next_review_due(Some(d("2023-11-30")), None),
            Some(d("2024-02-29"))
        );
        assert_eq!(
            next_review_due(Some(d("2026-03-31")), None),
            Some(d("2026-06-30"))
        );
        assert_eq!(
            next_review_due(Some(d("2026-04-15")), None),
            Some(d("2026-07-15"))
        );
        assert_eq!(
            next_review_due(None, Some(d("2026-01-05"))),
            Some(d("2026-01-05"))
        );
        assert_eq!(next_review_due(None, None), None);
    }
}
