//! The open cases' deadlines on two calendars: what a year's holiday schedule, once added,
//! moves. Deadlines are derived (follow-ups from their filing day, promises the promise finder
//! read from their time limit and the contact's time, the ladder from the day it happened), so
//! this only counts both ways and lists the dates that differ.

use super::{list_cases, list_contacts, list_follow_ups, short_time, CaseStatus};
use crate::calendar::{Calendar, CalendarKind};
use crate::ledger::{self, PlatformKind};
use crate::route;
use crate::time::{self, Timestamp};
use crate::{Result, Text};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

/// One deadline of an open case whose date differs between the two calendars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeadlineChange {
    pub case_id: i64,
    pub platform: String,
    /// What the deadline is ("跟进：12315", "客服承诺：3个工作日内", or the ladder step's body
    /// and deadline).
    pub what: Text,
    /// `YYYY-MM-DD` on the calendar before, and after.
    pub before: String,
    pub after: String,
    pub before_calendar: CalendarKind,
    pub after_calendar: CalendarKind,
}

/// A deadline of one open case: a key to match it on both calendars, its label and its date.
struct Counted {
    key: String,
    case_id: i64,
    platform: String,
    what: Text,
    due: NaiveDate,
    calendar: CalendarKind,
}

/// The open cases' deadlines (follow-ups not yet done, promises not yet kept whose due time is
/// counted from a time limit, the ladder's step deadlines) whose date
/// is different on `after` than on `before`, in case order. `route_of` gives the ladder for a
/// platform kind (the workspace's, with the user's routes folder laid over the built-in one).
pub fn deadline_changes(
    conn: &Connection,
    now: &Timestamp,
    before: &Calendar,
    after: &Calendar,
    route_of: &dyn Fn(PlatformKind) -> Result<route::Route>,
) -> Result<Vec<DeadlineChange>> {
    let old = counted(conn, now, before, route_of)?;
    let new = counted(conn, now, after, route_of)?;
    Ok(old
        .into_iter()
        .zip(new)
        .filter(|(o, n)| o.key == n.key && o.due != n.due)
        .map(|(o, n)| DeadlineChange {
            case_id: o.case_id,
            platform: o.platform,
            what: o.what,
            before: o.due.to_string(),
            after: n.due.to_string(),
            before_calendar: o.calendar,
            after_calendar: n.calendar,
        })
        .collect())
}

fn counted(
    conn: &Connection,
    now: &Timestamp,
    cal: &Calendar,
    route_of: &dyn Fn(PlatformKind) -> Result<route::Route>,
) -> Result<Vec<Counted>> {
    let mut out = Vec::new();
    for case in list_cases(conn)? {
        if matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed) {
            continue;
        }
        let mut follow_ups = list_follow_ups(conn, case.id, now, cal)?;
        // The same order on both calendars, whatever their due days.
        follow_ups.sort_by_key(|f| f.id);
        for f in follow_ups.into_iter().filter(|f| f.done_at.is_none()) {
            out.push(Counted {
                key: format!("follow_up:{}", f.id),
                case_id: case.id,
                platform: case.platform.clone(),
                what: Text::new(
                    format!("跟进：{}（{} 个工作日）", f.body, f.deadline_working_days),
                    format!(
                        "Follow-up: {} ({} working days)",
                        f.body, f.deadline_working_days
                    ),
                ),
                due: NaiveDate::parse_from_str(&f.due_on, "%Y-%m-%d")
                    .map_err(|e| crate::CoreError::Internal(e.to_string()))?,
                calendar: f.calendar,
            });
        }
        // Contacts come in time order on every calendar; only a promise counted from its
        // limit can move (a typed due time is the same on both).
        for c in list_contacts(conn, case.id, now, cal)? {
            let (Some(limit), Some(due), None) = (&c.limit, &c.due, &c.promise_kept_at) else {
                continue;
            };
            let agent_zh = if c.agent.is_empty() {
                String::new()
            } else {
                format!("（{}）", c.agent)
            };
            let agent_en = if c.agent.is_empty() {
                String::new()
            } else {
                format!(" ({})", c.agent)
            };
            out.push(Counted {
                key: format!("promise:{}", c.id),
                case_id: case.id,
                platform: case.platform.clone(),
                what: Text::new(
                    format!("客服承诺{agent_zh}：{limit}（{}）", short_time(&c.at)),
                    format!(
                        "Customer-service promise{agent_en}: {limit} ({})",
                        short_time(&c.at)
                    ),
                ),
                due: time::local_date(&time::from_stored(due)?),
                calendar: c.calendar,
            });
        }
        let kind = match case.platform_id {
            Some(id) => ledger::get_platform(conn, id)?.kind,
            None => PlatformKind::Other,
        };
        let start = time::from_stored(&case.occurred_at)?.date_naive();
        let route = route_of(kind)?;
        for (step, due) in route
            .steps
            .iter()
            .zip(route::with_due_dates(&route, cal, start))
        {
            for (i, d) in due.deadlines.iter().enumerate() {
                out.push(Counted {
                    key: format!("ladder:{}:{}", step.id, i),
                    case_id: case.id,
                    platform: case.platform.clone(),
                    what: Text::new(
                        format!("投诉路径：{}，{}", step.body.zh, d.what.zh),
                        format!("Ladder: {}, {}", step.body.en, d.what.en),
                    ),
                    due: d.due.due,
                    calendar: d.due.calendar,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::test_support::{t, with_2027};
    use crate::cases::{add_follow_up, create_case, NewCase, NewFollowUp};
    use crate::money::Money;
    use crate::store::Store;

    /// Ten working days from Friday 18 December 2026 end on Friday 1 January 2027 while 2027 is
    /// unknown, and on Monday 4 January once its New Year's Day is: listed as moved, official.
    #[test]
    fn a_new_year_moves_a_follow_up_into_2027_and_nothing_else_of_a_closed_case() {
        let mut store = Store::open_in_memory().unwrap();
        let now = t("2026-12-20 10:00");
        for platform in ["某某商城", "已结案平台"] {
            let new = NewCase {
                platform: platform.into(),
                amount: Money::parse_amount("860").unwrap(),
                occurred: t("2026-12-18 10:00"),
                summary: "退款未到".into(),
                account: String::new(),
                message: String::new(),
                diagnosis: None,
            };
            store
                .transaction(|tx| {
                    let case = create_case(tx, &new, &now)?;
                    let follow = NewFollowUp {
                        body: "12315".into(),
                        reference: String::new(),
                        filed_at: t("2026-12-18 10:00"),
                        working_days: 10,
                    };
                    add_follow_up(tx, case.id, &follow, &Calendar::embedded(), &now)
                })
                .unwrap();
        }
        store
            .transaction(|tx| crate::cases::set_status(tx, 2, CaseStatus::Closed, &now))
            .unwrap();
        let moved = deadline_changes(
            store.conn(),
            &now,
            &Calendar::embedded(),
            &with_2027(),
            &|kind| Ok(route::route_for(kind)),
        )
        .unwrap();
        let follow: Vec<&DeadlineChange> = moved
            .iter()
            .filter(|m| m.what.zh.starts_with("跟进"))
            .collect();
        assert_eq!(follow.len(), 1, "{moved:#?}");
        assert_eq!(follow[0].case_id, 1);
        assert_eq!(
            (follow[0].before.as_str(), follow[0].after.as_str()),
            ("2027-01-01", "2027-01-04")
        );
        assert_eq!(follow[0].before_calendar, CalendarKind::Estimated);
        assert_eq!(follow[0].after_calendar, CalendarKind::Official);
        assert!(
            moved.iter().all(|m| m.case_id == 1),
            "closed cases are left out"
        );
        // The ladder comes from the route the caller hands in (the workspace's, with the
        // user's routes folder laid over the built-in one): its error is this call's error.
        let broken = deadline_changes(
            store.conn(),
            &now,
            &Calendar::embedded(),
            &with_2027(),
            &|_| Err(crate::CoreError::Internal("the user's route file".into())),
        );
        assert!(broken
            .unwrap_err()
            .to_string()
            .contains("the user's route file"));
        // The same calendar twice moves nothing.
        let cal = with_2027();
        assert!(deadline_changes(store.conn(), &now, &cal, &cal, &|kind| Ok(
            route::route_for(kind)
        ))
        .unwrap()
        .is_empty());
    }

    /// A promise the finder read ("10个工作日内" on Friday 18 December 2026) is counted from
    /// its limit on every read, so adding 2027 moves it like a follow-up: listed as moved, the
    /// contact's due time and overdue flag follow; a typed due time and a kept promise do not.
    #[test]
    fn a_new_year_moves_a_promise_counted_from_its_time_limit() {
        use crate::cases::promises::find_promises;
        use crate::cases::{
            add_contact, list_contacts, mark_promise_kept, ContactChannel, NewContact,
        };
        let mut store = Store::open_in_memory().unwrap();
        let now = t("2026-12-20 10:00");
        let new = NewCase {
            platform: "某某商城".into(),
            amount: Money::parse_amount("860").unwrap(),
            occurred: t("2026-12-18 10:00"),
            summary: "退款未到".into(),
            account: String::new(),
            message: String::new(),
            diagnosis: None,
        };
        let old = Calendar::embedded();
        let chat = "客服小王：您好，退款我们会在10个工作日内处理完毕。\n客服小王：另外发票会在3个工作日内寄出。";
        let proposals = find_promises(chat, &t("2026-12-18 10:00"), &old);
        assert_eq!(proposals.len(), 2, "{proposals:#?}");
        assert_eq!(proposals[0].due, "2027-01-01T23:59:59+08:00");
        assert_eq!(proposals[0].calendar, CalendarKind::Estimated);
        store
            .transaction(|tx| {
                let case = create_case(tx, &new, &now)?;
                for p in &proposals {
                    add_contact(tx, case.id, &p.to_contact()?, &old, &now)?;
                }
                // Typed by hand: the same words, a due time of the user's own.
                let typed = NewContact {
                    at: t("2026-12-18 11:00"),
                    channel: ContactChannel::Phone,
                    agent: String::new(),
                    said: String::new(),
                    promise: "10个工作日内处理完毕".into(),
                    due: Some(t("2027-01-01 18:00")),
                    limit: None,
                    outcome: String::new(),
                };
                add_contact(tx, case.id, &typed, &old, &now)?;
                Ok(())
            })
            .unwrap();
        // The invoice promise (due 23 December, before anything changes) is kept.
        store
            .transaction(|tx| mark_promise_kept(tx, 1, 2, &now))
            .unwrap();
        let new_cal = with_2027();
        let moved = deadline_changes(store.conn(), &now, &old, &new_cal, &|kind| {
            Ok(route::route_for(kind))
        })
        .unwrap();
        let promises: Vec<&DeadlineChange> = moved
            .iter()
            .filter(|m| m.what.zh.starts_with("客服承诺"))
            .collect();
        assert_eq!(promises.len(), 1, "{moved:#?}");
        assert_eq!(
            promises[0].what.zh,
            "客服承诺（客服小王）：10个工作日内（2026-12-18 10:00）"
        );
        assert_eq!(
            (promises[0].before.as_str(), promises[0].after.as_str()),
            ("2027-01-01", "2027-01-04")
        );
        assert_eq!(promises[0].before_calendar, CalendarKind::Estimated);
        assert_eq!(promises[0].after_calendar, CalendarKind::Official);
        // The contact itself: due 4 January on the new calendar, so not overdue on 2 January.
        let on_2 = t("2027-01-02 09:00");
        let before = list_contacts(store.conn(), 1, &on_2, &old).unwrap();
        let after = list_contacts(store.conn(), 1, &on_2, &new_cal).unwrap();
        assert!(before[0].overdue);
        assert_eq!(after[0].due.as_deref(), Some("2027-01-04T23:59:59+08:00"));
        assert_eq!(after[0].limit.as_deref(), Some("10个工作日内"));
        assert_eq!(after[0].calendar, CalendarKind::Official);
        assert!(!after[0].overdue);
        // The typed due time stays as typed on any calendar.
        assert_eq!(after[2].due.as_deref(), Some("2027-01-01T18:00:00+08:00"));
        assert_eq!(after[2].limit, None);
        assert!(after[2].overdue);
    }
}
