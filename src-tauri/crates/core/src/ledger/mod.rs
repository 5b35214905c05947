//! Platforms and the money on them: balance snapshots and withdrawals (test withdrawals
//! included), each with add, edit and delete-with-undo.
//!
//! - [`platforms`]: the places money sits, with the facts the user records about them.
//! - [`balances`]: snapshots and the overview (total, shares, concentration).
//! - [`withdrawals`]: attempts to get money out, typed in or imported from a bill.
//! - [`undo`]: what a delete returns and [`restore`] takes back.

pub mod balances;
pub mod platforms;
pub mod undo;
pub mod withdrawals;

pub use balances::{
    add_balance, delete_balance, get_balance, list_balances, overview, share_text, update_balance,
    utc_key, BalanceSnapshot, MoneyOverview, PlatformBalance,
};
pub use platforms::{
    add_platform, delete_platform, find_platform, get_platform, list_platforms, require_platform,
    set_test_interval, update_platform, NewPlatform, Platform, PlatformEdit,
};
pub use undo::{restore, Deleted};
pub use withdrawals::{
    add_withdrawal, delete_withdrawal, get_withdrawal, list_withdrawals, set_withdrawal_status,
    update_withdrawal, NewWithdrawal, Withdrawal, WithdrawalForm, WithdrawalStatus,
};

use crate::error::{CoreError, Result};
use crate::Field;
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
                    Field::PlatformKind,
                    format!("“{s}”不是平台类型，可选：{}", all.join("、")),
                    format!(
                        "“{s}” is not a platform kind; use one of {}",
                        all.join(", ")
                    ),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use crate::store::Store;
    use crate::time::{self, Timestamp};

    fn now() -> Timestamp {
        time::parse_time("2026-07-01T09:00:00+08:00", crate::Field::At).unwrap()
    }

    fn add(store: &mut Store, name: &str, kind: PlatformKind) {
        let new = NewPlatform {
            name: name.into(),
            kind,
            note: String::new(),
        };
        store
            .transaction(|tx| add_platform(tx, &new, &now()))
            .unwrap();
    }

    #[test]
    fn overview_uses_latest_snapshot_and_exact_shares() {
        let mut s = Store::open_in_memory().unwrap();
        add(&mut s, "微信支付", PlatformKind::Wechat);
        add(&mut s, "支付宝", PlatformKind::Alipay);
        let t1 = time::parse_time("2026-06-01 10:00", crate::Field::At).unwrap();
        let t2 = time::parse_time("2026-06-02 10:00", crate::Field::At).unwrap();
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
        let dup = NewPlatform {
            name: " 微信支付 ".into(),
            kind: PlatformKind::Wechat,
            note: String::new(),
        };
        assert_eq!(
            s.transaction(|tx| add_platform(tx, &dup, &now()))
                .unwrap_err()
                .code(),
            "conflict"
        );
        let empty = NewPlatform {
            name: "  ".into(),
            kind: PlatformKind::Wechat,
            note: String::new(),
        };
        assert_eq!(
            s.transaction(|tx| add_platform(tx, &empty, &now()))
                .unwrap_err()
                .field_name(),
            Some("name")
        );
    }

    #[test]
    fn balance_for_unknown_platform_names_the_field() {
        let mut s = Store::open_in_memory().unwrap();
        let e = s
            .transaction(|tx| add_balance(tx, "nope", Money(1), &now(), &now()))
            .unwrap_err();
        assert_eq!(e.field_name(), Some("platform"));
    }

    #[test]
    fn share_rounds_half_away_from_zero() {
        assert_eq!(share_text(1, 3), "0.3333");
        assert_eq!(share_text(2, 3), "0.6667");
        assert_eq!(share_text(5, 5), "1.0000");
    }

    fn withdrawal(platform: &str, amount: i64, status: WithdrawalStatus) -> NewWithdrawal {
        NewWithdrawal {
            platform: platform.into(),
            amount: Money(amount),
            fee: Money(10),
            status,
            is_test: true,
            requested_at: crate::time::parse_time("2026-06-01 10:00", Field::At).unwrap(),
            arrived_at: None,
            card_tail: "9876".into(),
            message: String::new(),
        }
    }

    /// A store with 微信支付 and one test withdrawal of ¥1.00 asked for on 2026-06-01 10:00.
    fn store_with_requested() -> (Store, Withdrawal) {
        let mut s = Store::open_in_memory().unwrap();
        add(&mut s, "微信支付", PlatformKind::Wechat);
        let w = s
            .transaction(|tx| {
                add_withdrawal(
                    tx,
                    &withdrawal("微信支付", 100, WithdrawalStatus::Requested),
                    &now(),
                )
            })
            .unwrap();
        (s, w)
    }

    #[test]
    fn withdrawal_round_trips_and_edits() {
        let (mut s, w) = store_with_requested();
        assert_eq!(w.requested_at, "2026-06-01T10:00:00+08:00");
        assert!(w.is_test);
        let mut edit = withdrawal("微信支付", 150, WithdrawalStatus::Arrived);
        edit.arrived_at = Some(time::parse_time("2026-06-01 12:30", Field::At).unwrap());
        let w2 = s
            .transaction(|tx| update_withdrawal(tx, w.id, &edit, &now()))
            .unwrap();
        assert_eq!(
            (w2.amount, w2.status),
            (Money(150), WithdrawalStatus::Arrived)
        );
        assert_eq!(w2.arrived_at.as_deref(), Some("2026-06-01T12:30:00+08:00"));
        assert_eq!(
            list_withdrawals(s.conn(), Some("微信支付")).unwrap().len(),
            1
        );
    }

    #[test]
    fn one_click_status_sets_the_arrival_to_now_and_keeps_the_rest() {
        let (mut s, w) = store_with_requested();
        let arrived = s
            .transaction(|tx| {
                set_withdrawal_status(tx, w.id, WithdrawalStatus::Arrived, None, &now())
            })
            .unwrap();
        assert_eq!(
            arrived.arrived_at.as_deref(),
            Some("2026-07-01T09:00:00+08:00")
        );
        assert_eq!((arrived.amount, arrived.fee), (Money(100), Money(10)));
        assert_eq!(arrived.card_tail, "9876");
        let at = s
            .transaction(|tx| {
                set_withdrawal_status(
                    tx,
                    w.id,
                    WithdrawalStatus::Arrived,
                    Some("2026-06-02 08:15"),
                    &now(),
                )
            })
            .unwrap();
        assert_eq!(at.arrived_at.as_deref(), Some("2026-06-02T08:15:00+08:00"));
        let failed = s
            .transaction(|tx| {
                set_withdrawal_status(
                    tx,
                    w.id,
                    WithdrawalStatus::Failed,
                    Some("2026-06-02"),
                    &now(),
                )
            })
            .unwrap();
        assert_eq!(
            (failed.status, failed.arrived_at),
            (WithdrawalStatus::Failed, None)
        );
    }

    #[test]
    fn withdrawal_refuses_arrival_before_request_and_bad_card_tail() {
        let mut s = Store::open_in_memory().unwrap();
        add(&mut s, "微信支付", PlatformKind::Wechat);
        let mut w = withdrawal("微信支付", 100, WithdrawalStatus::Arrived);
        w.arrived_at = Some(time::parse_time("2026-05-31 10:00", Field::At).unwrap());
        let e = s
            .transaction(|tx| add_withdrawal(tx, &w, &now()))
            .unwrap_err();
        assert_eq!(e.field_name(), Some("arrived_at"));
        let mut w = withdrawal("微信支付", 100, WithdrawalStatus::Requested);
        w.card_tail = "12ab".into();
        let e = s
            .transaction(|tx| add_withdrawal(tx, &w, &now()))
            .unwrap_err();
        assert_eq!(e.field_name(), Some("card_tail"));
        let e = s
            .transaction(|tx| {
                add_withdrawal(
                    tx,
                    &withdrawal("微信支付", 0, WithdrawalStatus::Requested),
                    &now(),
                )
            })
            .unwrap_err();
        assert_eq!(e.field_name(), Some("amount"));
    }

    #[test]
    fn deleted_withdrawal_and_balance_come_back_with_their_ids() {
        let mut s = Store::open_in_memory().unwrap();
        add(&mut s, "支付宝", PlatformKind::Alipay);
        let w = s
            .transaction(|tx| {
                add_withdrawal(
                    tx,
                    &withdrawal("支付宝", 100, WithdrawalStatus::Failed),
                    &now(),
                )
            })
            .unwrap();
        let b = s
            .transaction(|tx| add_balance(tx, "支付宝", Money(5000), &now(), &now()))
            .unwrap();
        let dw = s.transaction(|tx| delete_withdrawal(tx, w.id)).unwrap();
        let db = s.transaction(|tx| delete_balance(tx, b.id)).unwrap();
        assert!(list_withdrawals(s.conn(), None).unwrap().is_empty());
        assert!(get_balance(s.conn(), b.id).is_err());
        s.transaction(|tx| restore(tx, &dw)).unwrap();
        s.transaction(|tx| restore(tx, &db)).unwrap();
        assert_eq!(
            get_withdrawal(s.conn(), w.id).unwrap().status,
            WithdrawalStatus::Failed
        );
        assert_eq!(get_balance(s.conn(), b.id).unwrap().amount, Money(5000));
        // Restoring twice is a conflict, not a duplicate.
        assert_eq!(
            s.transaction(|tx| restore(tx, &dw)).unwrap_err().code(),
            "conflict"
        );
    }

    #[test]
    fn deleting_a_platform_takes_its_money_records_and_undo_brings_them_back() {
        let mut s = Store::open_in_memory().unwrap();
        add(&mut s, "微信支付", PlatformKind::Wechat);
        let p = find_platform(s.conn(), "微信支付").unwrap().unwrap();
        s.transaction(|tx| {
            add_balance(tx, "微信支付", Money(100), &now(), &now())?;
            add_withdrawal(
                tx,
                &withdrawal("微信支付", 100, WithdrawalStatus::Requested),
                &now(),
            )?;
            crate::health::log_signal(
                tx,
                "微信支付",
                crate::health::SignalKind::RaisedThreshold,
                "门槛从 10 元提到 50 元",
                &now(),
                &now(),
            )?;
            crate::health::rule_text::save_rule_snapshot(tx, "微信支付", "提现手续费 0.1%", &now())
        })
        .unwrap();
        let deleted = s.transaction(|tx| delete_platform(tx, p.id)).unwrap();
        let left = |table: &str| -> i64 {
            s.conn()
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!((left("danger_signals"), left("rule_snapshots")), (0, 0));
        assert!(list_platforms(s.conn()).unwrap().is_empty());
        // The record survives a trip through JSON (the UI holds it while it offers undo).
        let json = serde_json::to_string(&deleted).unwrap();
        let back: Deleted = serde_json::from_str(&json).unwrap();
        s.transaction(|tx| restore(tx, &back)).unwrap();
        assert_eq!(get_platform(s.conn(), p.id).unwrap().name, "微信支付");
        assert_eq!(list_balances(s.conn(), "微信支付").unwrap().len(), 1);
        assert_eq!(
            list_withdrawals(s.conn(), Some("微信支付")).unwrap().len(),
            1
        );
        let signals = crate::health::list_signals(s.conn(), "微信支付").unwrap();
        assert_eq!(signals.len(), 1);
        assert_eq!(signals[0].note, "门槛从 10 元提到 50 元");
        let rules = crate::health::rule_text::list_rule_snapshots(s.conn(), "微信支付").unwrap();
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].text, "提现手续费 0.1%");
    }

    #[test]
    fn platform_update_checks_name_interval_and_date() {
        let mut s = Store::open_in_memory().unwrap();
        add(&mut s, "A", PlatformKind::Bank);
        add(&mut s, "B", PlatformKind::Bank);
        let a = find_platform(s.conn(), "A").unwrap().unwrap();
        let mut edit = PlatformEdit {
            name: "A2".into(),
            kind: PlatformKind::Investment,
            note: "n".into(),
            licence: "Z2000133000019".into(),
            operating_since: Some("2013-06-13".into()),
            test_interval_days: 14,
        };
        let p = s
            .transaction(|tx| update_platform(tx, a.id, &edit, &now()))
            .unwrap();
        assert_eq!(
            (p.name.as_str(), p.kind, p.test_interval_days),
            ("A2", PlatformKind::Investment, 14)
        );
        assert_eq!(p.operating_since.as_deref(), Some("2013-06-13"));
        edit.name = "B".into();
        assert_eq!(
            s.transaction(|tx| update_platform(tx, a.id, &edit, &now()))
                .unwrap_err()
                .code(),
            "conflict"
        );
        edit.name = "A3".into();
        edit.test_interval_days = 0;
        let e = s
            .transaction(|tx| update_platform(tx, a.id, &edit, &now()))
            .unwrap_err();
        assert_eq!(e.field_name(), Some("test_interval_days"));
        edit.test_interval_days = 30;
        edit.operating_since = Some("2013-13-01".into());
        let e = s
            .transaction(|tx| update_platform(tx, a.id, &edit, &now()))
            .unwrap_err();
        assert_eq!(e.field_name(), Some("operating_since"));
    }

    fn form(amount: &str, fee: &str, requested_at: &str, arrived_at: &str) -> WithdrawalForm {
        WithdrawalForm {
            platform: "微信支付".into(),
            amount: amount.into(),
            fee: fee.into(),
            status: WithdrawalStatus::Arrived,
            is_test: false,
            requested_at: requested_at.into(),
            arrived_at: arrived_at.into(),
            card_tail: "9876".into(),
            message: String::new(),
        }
    }

    #[test]
    fn a_withdrawal_form_reads_its_times_and_blanks_mean_now_no_fee_and_not_arrived() {
        let w = form("100", " ", "", "").parse(&now()).unwrap();
        assert_eq!((w.amount, w.fee), (Money(10_000), Money::ZERO));
        assert_eq!(w.requested_at, now());
        assert_eq!(w.arrived_at, None);
        let w = form("1.5", "0.10", "2026-06-01 10:00", " 2026-06-02 08:30 ")
            .parse(&now())
            .unwrap();
        assert_eq!(w.fee, Money(10));
        assert_eq!(
            time::to_rfc3339(&w.requested_at),
            "2026-06-01T10:00:00+08:00"
        );
        assert_eq!(
            w.arrived_at.as_ref().map(time::to_rfc3339).as_deref(),
            Some("2026-06-02T08:30:00+08:00")
        );
    }

    #[test]
    fn a_withdrawal_form_names_the_field_that_does_not_read() {
        let cases = [
            (form("12,3元", "", "", ""), "amount"),
            (form("1", "x", "", ""), "fee"),
            (form("1", "", "昨天", ""), "requested_at"),
            (form("1", "", "", "2026-13-01"), "arrived_at"),
        ];
        for (f, field) in cases {
            let e = f.parse(&now()).unwrap_err();
            assert_eq!(e.field_name(), Some(field));
        }
    }

    #[test]
    fn a_test_withdrawal_from_the_form_is_requested_now() {
        let w = WithdrawalForm::test("微信支付".into(), "1".into(), "9876".into())
            .parse(&now())
            .unwrap();
        assert!(w.is_test);
        assert_eq!(w.status, WithdrawalStatus::Requested);
        assert_eq!((w.requested_at, w.arrived_at), (now(), None));
    }

    #[test]
    fn setting_the_test_interval_keeps_the_platforms_other_facts() {
        let mut s = Store::open_in_memory().unwrap();
        let new = NewPlatform {
            name: "某某理财".into(),
            kind: PlatformKind::Investment,
            note: "年化 8%".into(),
        };
        let p = s.transaction(|tx| add_platform(tx, &new, &now())).unwrap();
        let set = s
            .transaction(|tx| set_test_interval(tx, p.id, 14, &now()))
            .unwrap();
        assert_eq!(set.test_interval_days, 14);
        assert_eq!((set.name, set.kind, set.note), (p.name, p.kind, p.note));
        let e = s
            .transaction(|tx| set_test_interval(tx, p.id, 0, &now()))
            .unwrap_err();
        assert_eq!(e.field_name(), Some("test_interval_days"));
    }
}
