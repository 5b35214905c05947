//! Tests for the timeline, contact log, follow-ups and due items.

use super::super::test_support::*;
use super::*;

fn contact(at: &str, due: Option<&str>) -> NewContact {
    NewContact {
        at: t(at),
        channel: ContactChannel::Phone,
        agent: "工号 8231".into(),
        said: "已提交加急".into(),
        promise: "3个工作日内处理".into(),
        due: due.map(t),
        limit: None,
        outcome: String::new(),
    }
}

#[test]
fn a_promise_past_due_is_overdue_and_becomes_the_escalation_reason() {
    let (mut store, id) = store_with_case();
    let logged = t("2026-03-10 16:00");
    store
        .transaction(|tx| {
            add_contact(
                tx,
                id,
                &contact("2026-03-10 15:30", Some("2026-03-13 23:59")),
                &Calendar::embedded(),
                &logged,
            )
        })
        .unwrap();
    let before = list_contacts(
        store.conn(),
        id,
        &t("2026-03-13 23:00"),
        &Calendar::embedded(),
    )
    .unwrap();
    assert!(!before[0].overdue);
    let after = list_contacts(
        store.conn(),
        id,
        &t("2026-03-14 09:00"),
        &Calendar::embedded(),
    )
    .unwrap();
    assert!(after[0].overdue);
    let case = get_case(store.conn(), id).unwrap();
    let advice = escalation(&case, &after);
    assert_eq!(advice.next, Some(Stage::Supervisor));
    assert!(advice.reason.unwrap().zh.contains("3个工作日内处理"));
    let due = due_items(store.conn(), &t("2026-03-14 09:00")).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].what, DueKind::PromiseOverdue);
    assert_eq!(due[0].since, "2026-03-13");
    assert_eq!(due[0].due_at.as_deref(), Some("2026-03-13T23:59:00+08:00"));
    // Kept promises are no longer overdue.
    store
        .transaction(|tx| mark_promise_kept(tx, id, after[0].id, &t("2026-03-15 10:00")))
        .unwrap();
    assert!(
        !list_contacts(
            store.conn(),
            id,
            &t("2026-03-16 09:00"),
            &Calendar::embedded()
        )
        .unwrap()[0]
            .overdue
    );
}

#[test]
fn a_due_time_before_the_contact_is_refused() {
    let (mut store, id) = store_with_case();
    let e = store
        .transaction(|tx| {
            add_contact(
                tx,
                id,
                &contact("2026-03-10 15:30", Some("2026-03-10 15:00")),
                &Calendar::embedded(),
                &t("2026-03-11 00:00"),
            )
        })
        .unwrap_err();
    assert_eq!(e.field_name(), Some("due"));
    assert!(list_contacts(
        store.conn(),
        id,
        &t("2026-03-11 00:00"),
        &Calendar::embedded()
    )
    .unwrap()
    .is_empty());
}

#[test]
fn follow_up_is_due_after_the_bodys_working_days() {
    let (mut store, id) = store_with_case();
    let cal = Calendar::embedded();
    // Filed Friday 2026-03-13; 7 working days → Tuesday 2026-03-24 (weekends skipped).
    let new = NewFollowUp {
        body: "12315".into(),
        reference: "No. 1".into(),
        filed_at: t("2026-03-13 10:00"),
        working_days: 7,
    };
    let f = store
        .transaction(|tx| add_follow_up(tx, id, &new, &cal, &t("2026-03-13 10:00")))
        .unwrap();
    assert_eq!(f.due_on, "2026-03-24");
    assert!(!f.due);
    assert_eq!(f.working_days_left, 7);
    assert!(due_items(store.conn(), &t("2026-03-23 12:00"))
        .unwrap()
        .is_empty());
    let due = due_items(store.conn(), &t("2026-03-24 08:00")).unwrap();
    assert_eq!(due[0].what, DueKind::CaseDeadline);
    assert_eq!(due[0].since, "2026-03-24");
    store
        .transaction(|tx| mark_follow_up_done(tx, id, f.id, &t("2026-03-24 09:00")))
        .unwrap();
    assert!(due_items(store.conn(), &t("2026-03-25 08:00"))
        .unwrap()
        .is_empty());
}

#[test]
fn closed_cases_have_nothing_due() {
    let (mut store, id) = store_with_case();
    store
        .transaction(|tx| {
            add_contact(
                tx,
                id,
                &contact("2026-03-10 15:30", Some("2026-03-11 18:00")),
                &Calendar::embedded(),
                &t("2026-03-10 16:00"),
            )
        })
        .unwrap();
    assert_eq!(
        due_items(store.conn(), &t("2026-03-20 09:00"))
            .unwrap()
            .len(),
        1
    );
    store
        .transaction(|tx| {
            super::super::set_status(
                tx,
                id,
                super::super::CaseStatus::Closed,
                &t("2026-03-20 09:00"),
            )
        })
        .unwrap();
    assert!(due_items(store.conn(), &t("2026-03-20 09:00"))
        .unwrap()
        .is_empty());
}

#[test]
fn timeline_is_in_time_order_and_evidence_links_must_belong_to_the_case() {
    let (mut store, id) = store_with_case();
    let now = t("2026-03-12 10:00");
    for (at, text) in [
        ("2026-03-11 09:00", "第二次提现"),
        ("2026-03-10 14:00", "第一次提现失败"),
    ] {
        store
            .transaction(|tx| {
                add_event(
                    tx,
                    id,
                    &NewEvent {
                        at: t(at),
                        text: text.into(),
                        evidence_id: None,
                    },
                    &now,
                )
            })
            .unwrap();
    }
    let events = list_events(store.conn(), id).unwrap();
    assert_eq!(events[0].text, "第一次提现失败");
    let e = store
        .transaction(|tx| {
            add_event(
                tx,
                id,
                &NewEvent {
                    at: now,
                    text: "x".into(),
                    evidence_id: Some(42),
                },
                &now,
            )
        })
        .unwrap_err();
    assert_eq!(e.field_name(), Some("evidence"));
}

#[test]
fn a_follow_up_is_previewed_before_saving_and_can_be_reopened() {
    let (mut store, id) = store_with_case();
    let cal = Calendar::embedded();
    let mut new = NewFollowUp {
        body: "12315".into(),
        reference: String::new(),
        filed_at: t("2026-03-13 10:00"),
        working_days: 7,
    };
    // Seen on Thursday 03-19: due Tue 03-24, three working days away.
    let p = preview_follow_up(&new, &cal, &t("2026-03-19 09:00")).unwrap();
    assert_eq!(
        (p.due_on.as_str(), p.working_days_left, p.due),
        ("2026-03-24", 3, false)
    );
    // Filed after midnight in Shanghai (still the previous day in UTC) counts from the Shanghai day.
    new.filed_at = t("2026-03-12T16:30:00Z");
    assert_eq!(
        preview_follow_up(&new, &cal, &t("2026-03-19 09:00"))
            .unwrap()
            .due_on,
        "2026-03-24"
    );
    for (bad, field) in [
        (
            NewFollowUp {
                body: " ".into(),
                ..new.clone()
            },
            "body",
        ),
        (
            NewFollowUp {
                working_days: 0,
                ..new.clone()
            },
            "working_days",
        ),
        (
            NewFollowUp {
                working_days: 366,
                ..new.clone()
            },
            "working_days",
        ),
        (
            NewFollowUp {
                filed_at: t("2026-03-25 10:00"),
                ..new.clone()
            },
            "filed",
        ),
    ] {
        let e = preview_follow_up(&bad, &cal, &t("2026-03-19 09:00")).unwrap_err();
        assert_eq!(e.field_name(), Some(field));
    }
    let f = store
        .transaction(|tx| add_follow_up(tx, id, &new, &cal, &t("2026-03-19 09:00")))
        .unwrap();
    store
        .transaction(|tx| mark_follow_up_done(tx, id, f.id, &t("2026-03-24 09:00")))
        .unwrap();
    assert!(due_items(store.conn(), &t("2026-03-25 08:00"))
        .unwrap()
        .is_empty());
    store
        .transaction(|tx| reopen_follow_up(tx, id, f.id))
        .unwrap();
    assert_eq!(
        due_items(store.conn(), &t("2026-03-25 08:00"))
            .unwrap()
            .len(),
        1
    );
    let missing = store
        .transaction(|tx| reopen_follow_up(tx, id, 99))
        .unwrap_err();
    assert!(matches!(missing, CoreError::NotFound { .. }));
}

/// A limit the promise does not hold cannot be counted from: refused on the promise, nothing
/// stored (the app sends the proposal's limit; a hand-edited promise could lose it).
#[test]
fn a_time_limit_missing_from_the_promise_is_refused() {
    let (mut store, id) = store_with_case();
    let mut new = contact("2026-03-10 15:30", Some("2026-03-13 23:59"));
    new.limit = Some("5个工作日内".into());
    let e = store
        .transaction(|tx| add_contact(tx, id, &new, &Calendar::embedded(), &t("2026-03-10 16:00")))
        .unwrap_err();
    assert_eq!(e.field_name(), Some("promise"), "{e}");
    assert!(e.to_string().contains("5个工作日内"), "{e}");
    assert!(list_contacts(
        store.conn(),
        id,
        &t("2026-03-11 00:00"),
        &Calendar::embedded()
    )
    .unwrap()
    .is_empty());
}

/// The limit is counted from the contact's time on the calendar of the read: 3 working days
/// from Tuesday 10 March 2026 end on Friday 13 March, whatever due time was handed in.
#[test]
fn a_promise_with_a_limit_is_counted_on_every_read() {
    let (mut store, id) = store_with_case();
    let mut new = contact("2026-03-10 15:30", Some("2026-03-20 23:59"));
    new.limit = Some("3个工作日内".into());
    let c = store
        .transaction(|tx| add_contact(tx, id, &new, &Calendar::embedded(), &t("2026-03-10 16:00")))
        .unwrap();
    assert_eq!(c.due.as_deref(), Some("2026-03-13T23:59:59+08:00"));
    assert_eq!(c.calendar, CalendarKind::Official);
    assert!(
        list_contacts(
            store.conn(),
            id,
            &t("2026-03-14 09:00"),
            &Calendar::embedded()
        )
        .unwrap()[0]
            .overdue
    );
}
