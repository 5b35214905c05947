//! Read models of the case screens: one row per case for the list (overdue promises and the
//! next deadline) and a case's escalation ladder with the working days left on each step.

use super::{get_case, list_cases, list_contacts, list_follow_ups, Case};
use crate::calendar::Calendar;
use crate::error::Result;
use crate::lang::Lang;
use crate::ledger::{self, PlatformKind};
use crate::route::{self, Route, RouteView};
use crate::time::{self, Timestamp};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

/// One row of the case list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseRow {
    pub case: Case,
    pub overdue_promises: u32,
    /// The earliest open promise due time or follow-up date, if any.
    pub next_deadline: Option<String>,
}

/// Every case with its overdue promises and next open deadline, as of `now`.
pub fn case_rows(conn: &Connection, now: &Timestamp, calendar: &Calendar) -> Result<Vec<CaseRow>> {
    let mut rows = Vec::new();
    for case in list_cases(conn)? {
        let contacts = list_contacts(conn, case.id, now, calendar)?;
        let follow_ups = list_follow_ups(conn, case.id, now, calendar)?;
        let promise_dues = contacts
            .iter()
            .filter(|c| c.promise_kept_at.is_none())
            .filter_map(|c| c.due.clone());
        let follow_dues = follow_ups
            .iter()
            .filter(|f| f.done_at.is_none())
            .map(|f| f.due_on.clone());
        // Promise dues are RFC 3339 times and follow-up dues plain dates, all in the user's
        // +08:00 calendar; both start with YYYY-MM-DD, so string order is date order.
        let next_deadline = promise_dues.chain(follow_dues).min();
        rows.push(CaseRow {
            overdue_promises: contacts.iter().filter(|c| c.overdue).count() as u32,
            next_deadline,
            case,
        });
    }
    Ok(rows)
}

/// The escalation ladder for a case's platform kind, counted from the day the problem started,
/// with working days left on each step's clock.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseLadder {
    pub kind: PlatformKind,
    pub view: RouteView,
    /// Per step (same order as `view.steps`): working days left until its first deadline, or
    /// until it is time to go up a step (negative = that many working days overdue).
    pub working_days_left: Vec<Option<i64>>,
}

/// The platform kind a case's ladder follows (a case without a platform: `Other`).
pub fn case_kind(conn: &Connection, case: &Case) -> Result<PlatformKind> {
    match case.platform_id {
        Some(id) => Ok(ledger::get_platform(conn, id)?.kind),
        None => Ok(PlatformKind::Other),
    }
}

/// Case `id`'s ladder on `route` (the one for its kind, see [`case_kind`]), as of `today`.
pub fn case_ladder(
    conn: &Connection,
    id: i64,
    route_of: impl FnOnce(PlatformKind) -> Result<Route>,
    calendar: &Calendar,
    today: NaiveDate,
    lang: Lang,
) -> Result<CaseLadder> {
    let case = get_case(conn, id)?;
    let kind = case_kind(conn, &case)?;
    let route = route_of(kind)?;
    let start = time::from_stored(&case.occurred_at)?.date_naive();
    let due = route::with_due_dates(&route, calendar, start);
    let working_days_left = due
        .iter()
        .map(|step| {
            let first = step
                .deadlines
                .first()
                .map(|d| d.due.due)
                .or(step.escalate_after.as_ref().map(|d| d.due));
            first.map(|d| calendar.working_days_between(today, d))
        })
        .collect();
    Ok(CaseLadder {
        kind,
        view: RouteView::new(&route, lang, Some(&due)),
        working_days_left,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::test_support::t;
    use crate::cases::{add_contact, create_case, ContactChannel, NewCase, NewContact};
    use crate::ledger::{add_platform, NewPlatform};
    use crate::money::Money;
    use crate::store::Store;

    fn store_with_case(kind: PlatformKind) -> (Store, i64) {
        let mut store = Store::open_in_memory().unwrap();
        let id = store
            .transaction(|tx| {
                add_platform(
                    tx,
                    &NewPlatform {
                        name: "某银行".into(),
                        kind,
                        note: String::new(),
                    },
                    &t("2026-11-01 09:00"),
                )?;
                create_case(
                    tx,
                    &NewCase {
                        platform: "某银行".into(),
                        amount: Money(123_400),
                        occurred: t("2026-11-02 10:00"),
                        summary: "转账被退回".into(),
                        account: String::new(),
                        message: String::new(),
                        diagnosis: None,
                    },
                    &t("2026-11-02 10:00"),
                )
            })
            .unwrap()
            .id;
        (store, id)
    }

    #[test]
    fn a_row_names_the_earliest_open_promise_and_counts_the_overdue_ones() {
        let (mut store, id) = store_with_case(PlatformKind::Bank);
        for (due, agent) in [("2026-11-05 18:00", "A01"), ("2026-11-20 18:00", "A02")] {
            store
                .transaction(|tx| {
                    add_contact(
                        tx,
                        id,
                        &NewContact {
                            at: t("2026-11-03 10:00"),
                            channel: ContactChannel::Phone,
                            agent: agent.into(),
                            said: "正在处理".into(),
                            promise: "尽快到账".into(),
                            due: Some(t(due)),
                            limit: None,
                            outcome: String::new(),
                        },
                        &Calendar::embedded(),
                        &t("2026-11-03 10:00"),
                    )
                })
                .unwrap();
        }
        let rows = case_rows(store.conn(), &t("2026-11-10 09:00"), &Calendar::embedded()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].overdue_promises, 1);
        assert_eq!(
            rows[0].next_deadline.as_deref(),
            Some("2026-11-05T18:00:00+08:00")
        );
    }

    #[test]
    fn the_ladder_counts_working_days_left_from_the_day_it_happened() {
        let (store, id) = store_with_case(PlatformKind::Bank);
        let today = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        let ladder = case_ladder(
            store.conn(),
            id,
            |kind| Ok(route::route_for(kind)),
            &Calendar::embedded(),
            today,
            Lang::Zh,
        )
        .unwrap();
        assert_eq!(ladder.kind, PlatformKind::Bank);
        assert_eq!(ladder.view.steps.len(), ladder.working_days_left.len());
        // The bank's own service has 1 working day from Mon 2 Nov: due Tue 3 Nov, 0 left today.
        assert_eq!(ladder.working_days_left[0], Some(0));
    }
}
