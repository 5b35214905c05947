//! Health on a small dataset whose every figure is worked out by hand below.

use super::*;
use crate::ledger::{
    add_balance, add_platform, add_withdrawal, NewPlatform, NewWithdrawal, WithdrawalStatus,
};
use crate::store::Store;
use crate::time::parse_time;

fn t(s: &str) -> Timestamp {
    parse_time(s, crate::Field::At).unwrap()
}

fn w(
    platform: &str,
    requested: &str,
    hours_to_arrive: Option<(&str, WithdrawalStatus)>,
    test: bool,
) -> NewWithdrawal {
    let (arrived_at, status) = match hours_to_arrive {
        Some((arrived, status)) => ((!arrived.is_empty()).then(|| t(arrived)), status),
        None => (None, WithdrawalStatus::Requested),
    };
    NewWithdrawal {
        platform: platform.into(),
        amount: Money(10_000),
        fee: Money::ZERO,
        status,
        is_test: test,
        requested_at: t(requested),
        arrived_at,
        card_tail: String::new(),
        message: String::new(),
    }
}

fn arrived(platform: &str, requested: &str, arrived_at: &str, test: bool) -> NewWithdrawal {
    w(
        platform,
        requested,
        Some((arrived_at, WithdrawalStatus::Arrived)),
        test,
    )
}

/// The dataset (all platforms added 2026-01-01 10:00 Shanghai; evaluated at 2026-07-01 09:00):
///
/// | platform | balance | test | arrivals (request → delay) | other |
/// | --- | --- | --- | --- | --- |
/// | A 微信支付 | 5000 (06-01) then 7000 (06-30) | 06-20, arrived | 02-01 1h, 02-15 2h, 03-01 2h, 03-15 3h, 05-01 4h, 06-01 5h, 06-20 26.5h | failed 06-25 |
/// | B 支付宝 | 2000 | 05-15, arrived 1h | that one | logged raised_threshold 06-01, slower_support 2025-12-01 (too old) |
/// | C 银行卡 | 1000 | never | none | |
/// | D 闲置 | no snapshot | never | none | |
///
/// Settings: monthly spending 4000.00, outside money 18000.00. Last quarterly review 2026-03-15.
fn dataset() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    let created = t("2026-01-01 10:00");
    s.transaction(|tx| {
        for (name, kind) in [
            ("微信支付", PlatformKind::Wechat),
            ("支付宝", PlatformKind::Alipay),
            ("银行卡", PlatformKind::Bank),
            ("闲置", PlatformKind::Other),
        ] {
            add_platform(
                tx,
                &NewPlatform {
                    name: name.into(),
                    kind,
                    note: String::new(),
                },
                &created,
            )?;
        }
        add_balance(
            tx,
            "微信支付",
            Money(500_000),
            &t("2026-06-01 10:00"),
            &created,
        )?;
        add_balance(
            tx,
            "微信支付",
            Money(700_000),
            &t("2026-06-30 10:00"),
            &created,
        )?;
        add_balance(
            tx,
            "支付宝",
            Money(200_000),
            &t("2026-06-30 10:00"),
            &created,
        )?;
        add_balance(
            tx,
            "银行卡",
            Money(100_000),
            &t("2026-06-30 10:00"),
            &created,
        )?;
        // A snapshot after `at` must not count.
        add_balance(
            tx,
            "银行卡",
            Money(9_900_000),
            &t("2026-07-02 10:00"),
            &created,
        )?;
        for (req, arr) in [
            ("2026-02-01 10:00", "2026-02-01 11:00"),
            ("2026-02-15 10:00", "2026-02-15 12:00"),
            ("2026-03-01 10:00", "2026-03-01 12:00"),
            ("2026-03-15 10:00", "2026-03-15 13:00"),
            ("2026-05-01 10:00", "2026-05-01 14:00"),
            ("2026-06-01 10:00", "2026-06-01 15:00"),
        ] {
            add_withdrawal(tx, &arrived("微信支付", req, arr, false), &created)?;
        }
        add_withdrawal(
            tx,
            &arrived("微信支付", "2026-06-20 10:00", "2026-06-21 12:30", true),
            &created,
        )?;
        add_withdrawal(
            tx,
            &w(
                "微信支付",
                "2026-06-25 10:00",
                Some(("", WithdrawalStatus::Failed)),
                false,
            )
            .no_arrival(),
            &created,
        )?;
        add_withdrawal(
            tx,
            &arrived("支付宝", "2026-05-15 10:00", "2026-05-15 11:00", true),
            &created,
        )?;
        log_signal(
            tx,
            "支付宝",
            SignalKind::RaisedThreshold,
            "门槛 100元 → 200元",
            &t("2026-06-01 10:00"),
            &created,
        )?;
        log_signal(
            tx,
            "支付宝",
            SignalKind::SlowerSupport,
            "",
            &t("2025-12-01 10:00"),
            &created,
        )?;
        set_health_settings(
            tx,
            &HealthSettings {
                monthly_spending: Some(Money(400_000)),
                outside_money: Some(Money(1_800_000)),
            },
            &created,
        )?;
        record_review(tx, &t("2026-03-15 20:00"), &ReviewChecklist::default())?;
        Ok(())
    })
    .unwrap();
    s
}

trait NoArrival {
    fn no_arrival(self) -> Self;
}
impl NoArrival for NewWithdrawal {
    fn no_arrival(mut self) -> Self {
        self.arrived_at = None;
        self
    }
}

#[test]
fn hand_checked_health_figures() {
    let s = dataset();
    let r = health(s.conn(), &t("2026-07-01T09:00:00+08:00")).unwrap();
    // Total = 7000 + 2000 + 1000 (the 99000 snapshot of 07-02 is after `at`; D has none).
    assert_eq!(r.total.to_plain(), "10000.00");
    let names: Vec<&str> = r.platforms.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["微信支付", "支付宝", "银行卡", "闲置"]);
    let shares: Vec<Option<&str>> = r.platforms.iter().map(|p| p.share.as_deref()).collect();
    assert_eq!(
        shares,
        [
            Some("0.7000"),
            Some("0.2000"),
            Some("0.1000"),
            Some("0.0000")
        ]
    );
    assert_eq!(r.platforms[3].balance_at, None);

    let a = &r.platforms[0];
    // Delays sorted: 1, 2, 2, 3, 4, 5, 26.5 h → median the 4th = 3.0, worst 26.5, count 7.
    assert_eq!(a.arrival_hours.median.as_deref(), Some("3.0"));
    assert_eq!(a.arrival_hours.worst.as_deref(), Some("26.5"));
    assert_eq!(a.arrival_hours.count, 7);
    // Previous 90 days (01-02 09:00 … 04-02 09:00): 1, 2, 2, 3 → (2+2)/2 = 2.0.
    // Last 90 days: 4, 5, 26.5 → 5.0; 5.0 > 2.0 × 1.25 = 2.5 → slower.
    assert_eq!(a.arrival_hours.previous_median.as_deref(), Some("2.0"));
    assert_eq!(a.arrival_hours.recent_median.as_deref(), Some("5.0"));
    assert_eq!(a.arrival_hours.trend, Some(Trend::Slower));
    // Last three (4, 5, 26.5) are each above the median before them (2.0) → longer_arrivals;
    // the failure of 06-25 is within 90 days → failures.
    assert_eq!(a.signals, ["longer_arrivals", "failures"]);
    assert_eq!((a.failures, a.recent_failures), (1, 1));
    assert_eq!(
        a.last_test_withdrawal.as_deref(),
        Some("2026-06-20T10:00:00+08:00")
    );
    // 06-20 + 30 days = 07-20.
    assert_eq!(
        (a.next_test_due.as_str(), a.test_due),
        ("2026-07-20", false)
    );

    let b = &r.platforms[1];
    assert_eq!(
        (
            b.arrival_hours.median.as_deref(),
            b.arrival_hours.worst.as_deref(),
            b.arrival_hours.count
        ),
        (Some("1.0"), Some("1.0"), 1)
    );
    assert_eq!(
        b.arrival_hours.trend, None,
        "no arrival in the previous window"
    );
    // slower_support of 2025-12-01 is older than 180 days (cut-off 2026-01-02 09:00).
    assert_eq!(b.signals, ["raised_threshold"]);
    // 05-15 + 30 = 06-14, which is before 07-01 → due since 06-14.
    assert_eq!((b.next_test_due.as_str(), b.test_due), ("2026-06-14", true));

    let c = &r.platforms[2];
    assert_eq!(
        (
            c.arrival_hours.median.clone(),
            c.arrival_hours.worst.clone(),
            c.arrival_hours.count,
            c.arrival_hours.trend
        ),
        (None, None, 0, None)
    );
    assert_eq!(
        (c.next_test_due.as_str(), c.test_due),
        ("2026-01-01", true),
        "never tested: due since it was added"
    );

    assert_eq!(r.concentration.largest.as_deref(), Some("微信支付"));
    assert_eq!(r.concentration.share.as_deref(), Some("0.7000"));
    assert!(r.concentration.warn);
    // 18000 / 4000 = 4.5 months, within 3–6.
    assert_eq!(r.emergency_fund_months.as_deref(), Some("4.5"));
    assert_eq!(r.emergency_fund.status.as_deref(), Some("within"));

    // Review 03-15 + 3 months = 06-15 → due. Due list: tests in platform order, then the review.
    let due: Vec<(&str, Option<&str>, &str)> = r
        .due
        .iter()
        .map(|d| (d.what.as_str(), d.platform.as_deref(), d.since.as_str()))
        .collect();
    assert_eq!(
        due,
        [
            ("test_withdrawal", Some("支付宝"), "2026-06-14"),
            ("test_withdrawal", Some("银行卡"), "2026-01-01"),
            ("test_withdrawal", Some("闲置"), "2026-01-01"),
            ("quarterly_review", None, "2026-06-15"),
        ]
    );

    // Readiness: tests 30 × (0.2 + 0.1) = 9 lost (D holds nothing); concentration 40 × (0.7 − 0.5)
    // = 8; emergency fund 4.5 ≥ 3 → 0; signals 20 × (0.7 + 0.2) = 18; review due 10.
    // 100 − 9 − 8 − 18 − 10 = 55.
    assert_eq!(r.readiness.score, 55);
    let fixes: Vec<(&str, &str)> = r
        .readiness
        .details
        .iter()
        .map(|d| (d.fix.as_str(), d.points.as_str()))
        .collect();
    assert_eq!(
        fixes,
        [
            ("add_test_withdrawal:支付宝", "6.0"),
            ("add_test_withdrawal:银行卡", "3.0"),
            ("spread_money", "8.0"),
            ("review_platform:微信支付", "14.0"),
            ("review_platform:支付宝", "4.0"),
            ("quarterly_review", "10.0"),
        ]
    );
    let mut en = r.clone();
    en.set_lang(Lang::En);
    assert!(
        en.readiness.reasons[0].contains("test withdrawal"),
        "{:?}",
        en.readiness.reasons
    );
    assert!(r.readiness.reasons[0].contains("测试提现"));
    // Signals are named for people in both languages, never by their ids.
    let signals_zh = &r.readiness.reasons[3];
    let signals_en = &en.readiness.reasons[3];
    assert!(
        signals_zh.starts_with("微信支付 出现危险信号（"),
        "{signals_zh}"
    );
    assert!(
        signals_en.starts_with("微信支付 shows danger signals ("),
        "{signals_en}"
    );
    for reason in [signals_zh, signals_en] {
        assert!(!reason.contains('_'), "an id leaked into {reason}");
    }
}

#[test]
fn a_test_becomes_due_on_its_calendar_day_not_after_30_times_24_hours() {
    let s = dataset();
    // A's test was 2026-06-20 10:00 → due on 2026-07-20 from midnight, Shanghai time.
    let before = health(s.conn(), &t("2026-07-19T23:59:59+08:00")).unwrap();
    assert!(!before.platforms[0].test_due);
    let on = health(s.conn(), &t("2026-07-20T00:00:00+08:00")).unwrap();
    assert!(on.platforms[0].test_due);
    // The same instant written in UTC (2026-07-19 16:00Z) is still 07-20 in Shanghai.
    let utc = health(s.conn(), &t("2026-07-19T16:00:00Z")).unwrap();
    assert!(utc.platforms[0].test_due);
}

#[test]
fn a_new_test_withdrawal_clears_the_due_item_and_a_failed_one_does_not() {
    let mut s = dataset();
    let at = t("2026-07-01 09:00");
    s.transaction(|tx| {
        add_withdrawal(
            tx,
            &w(
                "银行卡",
                "2026-06-30 10:00",
                Some(("", WithdrawalStatus::Failed)),
                true,
            )
            .no_arrival(),
            &at,
        )
    })
    .unwrap();
    assert!(due_items(s.conn(), &at)
        .unwrap()
        .iter()
        .any(|d| d.platform.as_deref() == Some("银行卡")));
    s.transaction(|tx| add_withdrawal(tx, &w("银行卡", "2026-06-30 11:00", None, true), &at))
        .unwrap();
    let due = due_items(s.conn(), &at).unwrap();
    assert!(
        !due.iter().any(|d| d.platform.as_deref() == Some("银行卡")),
        "{due:?}"
    );
    let r = health(s.conn(), &at).unwrap();
    assert_eq!(r.platforms[2].next_test_due, "2026-07-30");
}

#[test]
fn leap_day_test_is_due_30_calendar_days_later() {
    let mut s = Store::open_in_memory().unwrap();
    let created = t("2024-01-01 10:00");
    s.transaction(|tx| {
        add_platform(
            tx,
            &NewPlatform {
                name: "P".into(),
                kind: PlatformKind::Other,
                note: String::new(),
            },
            &created,
        )?;
        add_withdrawal(tx, &w("P", "2024-02-29 23:30", None, true), &created)
    })
    .unwrap();
    let r = health(s.conn(), &t("2024-03-29 12:00")).unwrap();
    assert_eq!(
        (
            r.platforms[0].next_test_due.as_str(),
            r.platforms[0].test_due
        ),
        ("2024-03-30", false)
    );
    // Nothing recorded: emergency fund unknown, no money so no shares and no concentration.
    assert_eq!(r.emergency_fund_months, None);
    assert_eq!(
        (r.concentration.largest.clone(), r.concentration.warn),
        (None, false)
    );
    assert_eq!(r.platforms[0].share, None);
}

#[test]
fn notifications_go_out_once_a_day_per_item() {
    let mut s = dataset();
    let morning = t("2026-07-01 09:00");
    let first = s
        .transaction(|tx| notifications_to_send(tx, &morning))
        .unwrap();
    assert_eq!(first.len(), 4);
    assert_eq!(first[0].key, "test_withdrawal:2");
    let again = s
        .transaction(|tx| notifications_to_send(tx, &t("2026-07-01 23:59")))
        .unwrap();
    assert!(again.is_empty(), "same day: nothing new");
    let next_day = s
        .transaction(|tx| notifications_to_send(tx, &t("2026-07-02 00:01")))
        .unwrap();
    assert_eq!(next_day.len(), 4);
}

#[test]
fn rule_snapshot_versions_diff_and_offer_a_signal() {
    let mut s = dataset();
    let at = t("2026-07-01 09:00");
    let first = s
        .transaction(|tx| save_rule_snapshot(tx, "支付宝", "提现门槛 100元\r\n到账 2小时\r\n", &at))
        .unwrap();
    assert!(first.changed && first.previous.is_none() && first.rises.is_empty());
    let same = s
        .transaction(|tx| save_rule_snapshot(tx, "支付宝", "提现门槛 100元\n到账 2小时", &at))
        .unwrap();
    assert!(!same.changed, "line endings alone are not a change");
    let second = s
        .transaction(|tx| {
            save_rule_snapshot(
                tx,
                "支付宝",
                "提现门槛 150元\n到账 2小时",
                &t("2026-07-02 09:00"),
            )
        })
        .unwrap();
    assert!(second.changed);
    assert_eq!(second.suggest_signal.as_deref(), Some("raised_threshold"));
    assert_eq!(
        (
            second.rises[0].before.as_str(),
            second.rises[0].after.as_str()
        ),
        ("100", "150")
    );
    assert!(second.unified.contains("-提现门槛 100元"));
    assert_eq!(list_rule_snapshots(s.conn(), "支付宝").unwrap().len(), 2);
    let e = s
        .transaction(|tx| save_rule_snapshot(tx, "支付宝", "  \n", &at))
        .unwrap_err();
    assert_eq!(e.field_name(), Some("text"));
}

/// The index-window median minus the last three must equal a brute-force median, including
/// ties (equal delays ordered by id) and exclusions at the low end, middle and high end.
#[test]
fn median_before_the_last_three_matches_brute_force() {
    let cases: &[&[i64]] = &[
        &[5, 5, 5, 5, 5, 5, 5],
        &[1, 9, 2, 8, 3, 7, 4, 6],
        &[10, 20, 30, 1, 2, 3],
        &[3, 1, 2, 100, 0, 50, 50, 50, 1],
        &[7, 7, 1, 1, 7, 7, 1, 1, 7, 2],
    ];
    for delays_h in cases {
        let mut s = Store::open_in_memory().unwrap();
        let created = t("2026-01-01 10:00");
        s.transaction(|tx| {
            add_platform(
                tx,
                &NewPlatform {
                    name: "P".into(),
                    kind: PlatformKind::Other,
                    note: String::new(),
                },
                &created,
            )?;
            for (i, h) in delays_h.iter().enumerate() {
                let req = t("2026-02-01 00:00") + chrono::Duration::days(i as i64);
                let arr = req + chrono::Duration::hours(*h);
                add_withdrawal(
                    tx,
                    &arrived("P", &time::to_rfc3339(&req), &time::to_rfc3339(&arr), false),
                    &created,
                )?;
            }
            Ok(())
        })
        .unwrap();
        let n = delays_h.len();
        let mut before: Vec<i64> = delays_h[..n - 3].to_vec();
        before.sort_unstable();
        let m = before.len();
        let med_before = if m % 2 == 1 {
            Decimal::from(before[m / 2])
        } else {
            Decimal::from(before[m / 2 - 1] + before[m / 2]) / Decimal::from(2)
        };
        let expected_longer = delays_h[n - 3..]
            .iter()
            .all(|h| Decimal::from(*h) > med_before);
        let mut all = delays_h.to_vec();
        all.sort_unstable();
        let med_all = if n % 2 == 1 {
            Decimal::from(all[n / 2])
        } else {
            Decimal::from(all[n / 2 - 1] + all[n / 2]) / Decimal::from(2)
        };
        let r = health(s.conn(), &t("2026-03-01 00:00")).unwrap();
        let p = &r.platforms[0];
        assert_eq!(
            p.arrival_hours.median.as_deref(),
            Some(format!("{med_all:.1}").as_str()),
            "{delays_h:?}"
        );
        assert_eq!(
            p.signals.contains(&"longer_arrivals".to_string()),
            expected_longer,
            "{delays_h:?}: median before {med_before}"
        );
    }
}
