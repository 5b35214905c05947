//! Desktop-notification bookkeeping across every kind of due item: test withdrawals, the
//! quarterly review, case follow-ups and broken promises; at most once a day per item, only
//! what was actually shown is recorded, and the user's switch.

use super::*;
use crate::calendar::Calendar;
use crate::cases::{self, ContactChannel, NewCase, NewContact, NewFollowUp};
use crate::ledger::{add_platform, NewPlatform, PlatformKind};
use crate::store::Store;
use crate::time::parse_time;

fn t(s: &str) -> Timestamp {
    parse_time(s, crate::Field::At).unwrap()
}

/// One platform (added 2026-03-01, never tested, never reviewed) and one case with a follow-up
/// to 12315 (filed Fri 03-13, 7 working days → due 03-24) and a promise due 03-20 18:00.
fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    let now = t("2026-03-01 10:00");
    s.transaction(|tx| {
        add_platform(
            tx,
            &NewPlatform {
                name: "支付宝".into(),
                kind: PlatformKind::Alipay,
                note: String::new(),
            },
            &now,
        )?;
        let case = cases::create_case(
            tx,
            &NewCase {
                platform: "微信支付".into(),
                amount: Money(500_000),
                occurred: t("2026-03-10 14:00"),
                summary: "提现未到账".into(),
                account: String::new(),
                message: String::new(),
                diagnosis: None,
            },
            &t("2026-03-10 15:00"),
        )?;
        let follow = NewFollowUp {
            body: "12315".into(),
            reference: String::new(),
            filed_at: t("2026-03-13 10:00"),
            working_days: 7,
        };
        cases::add_follow_up(
            tx,
            case.id,
            &follow,
            &Calendar::embedded(),
            &t("2026-03-13 10:00"),
        )?;
        cases::add_contact(
            tx,
            case.id,
            &NewContact {
                at: t("2026-03-17 10:00"),
                channel: ContactChannel::Phone,
                agent: String::new(),
                said: String::new(),
                promise: "3个工作日内处理".into(),
                due: Some(t("2026-03-20 18:00")),
                limit: None,
                outcome: String::new(),
            },
            &Calendar::embedded(),
            &t("2026-03-17 10:00"),
        )
    })
    .unwrap();
    s
}

fn keys(items: &[DueItem]) -> Vec<&str> {
    items.iter().map(|d| d.key.as_str()).collect()
}

#[test]
fn every_kind_of_due_item_is_notified_once_a_day() {
    let mut s = store();
    let at = t("2026-03-25 09:00");
    let sent = s.transaction(|tx| notifications_to_send(tx, &at)).unwrap();
    assert_eq!(
        keys(&sent),
        [
            "test_withdrawal:1",
            "quarterly_review",
            "promise_overdue:1",
            "case_deadline:1"
        ]
    );
    let follow = sent.iter().find(|d| d.what == "case_deadline").unwrap();
    assert_eq!(follow.case_id, Some(1));
    assert!(follow.title.zh.contains("12315"), "{}", follow.title.zh);
    assert!(
        follow.title.en.contains("working days"),
        "{}",
        follow.title.en
    );
    assert_eq!(home::link(follow), "#/cases/1");
    // Later the same day: nothing; the next day: all again (still due).
    assert!(s
        .transaction(|tx| notifications_to_send(tx, &t("2026-03-25 23:59")))
        .unwrap()
        .is_empty());
    assert_eq!(
        s.transaction(|tx| notifications_to_send(tx, &t("2026-03-26 00:01")))
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn a_follow_up_done_is_no_longer_notified_and_one_not_due_never_was() {
    let mut s = store();
    // 03-23: the follow-up is due tomorrow, the promise is broken.
    let before = pending_notifications(s.conn(), &t("2026-03-23 09:00")).unwrap();
    assert!(!keys(&before).contains(&"case_deadline:1"));
    assert!(keys(&before).contains(&"promise_overdue:1"));
    s.transaction(|tx| cases::mark_follow_up_done(tx, 1, 1, &t("2026-03-24 08:00")))
        .unwrap();
    let after = pending_notifications(s.conn(), &t("2026-03-24 09:00")).unwrap();
    assert!(!keys(&after).contains(&"case_deadline:1"));
    // Undo: due again, and notified.
    s.transaction(|tx| cases::reopen_follow_up(tx, 1, 1))
        .unwrap();
    let again = pending_notifications(s.conn(), &t("2026-03-24 09:00")).unwrap();
    assert!(keys(&again).contains(&"case_deadline:1"));
}

#[test]
fn only_items_marked_as_shown_wait_until_tomorrow() {
    let mut s = store();
    let at = t("2026-03-25 09:00");
    let pending = pending_notifications(s.conn(), &at).unwrap();
    assert_eq!(pending.len(), 4);
    // Reading does not record anything: an item that could not be shown stays pending.
    assert_eq!(pending_notifications(s.conn(), &at).unwrap().len(), 4);
    let first = s
        .transaction(|tx| mark_notified(tx, &pending[0].key, &at))
        .unwrap();
    assert!(first);
    let twice = s
        .transaction(|tx| mark_notified(tx, &pending[0].key, &t("2026-03-25 10:00")))
        .unwrap();
    assert!(!twice, "already notified today");
    let later = pending_notifications(s.conn(), &t("2026-03-25 10:00")).unwrap();
    assert_eq!(keys(&later), keys(&pending[1..]));
}

#[test]
fn notifications_are_on_until_turned_off() {
    let mut s = store();
    assert!(notifications_enabled(s.conn()).unwrap());
    s.transaction(|tx| set_notifications_enabled(tx, false))
        .unwrap();
    assert!(!notifications_enabled(s.conn()).unwrap());
    s.transaction(|tx| set_notifications_enabled(tx, true))
        .unwrap();
    assert!(notifications_enabled(s.conn()).unwrap());
}
