//! The open cases' deadlines on two calendars: what a year's holiday schedule, once added,
//! moves. Deadlines are derived (follow-ups from their filing day, the ladder from the day it
//! happened), so this only counts both ways and lists the dates that differ.

use super::{list_cases, list_follow_ups, CaseStatus};
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
    /// What the deadline is ("跟进：12315", or the ladder step's body and deadline).
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

/// The open cases' deadlines (follow-ups not yet done, the ladder's step deadlines) whose date
/// is different on `after` than on `before`, in case order.
pub fn deadline_changes(
    conn: &Connection,
    now: &Timestamp,
    before: &Calendar,
    after: &Calendar,
) -> Result<Vec<DeadlineChange>> {
    let old = counted(conn, now, before)?;
    let new = counted(conn, now, after)?;
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

fn counted(conn: &Connection, now: &Timestamp, cal: &Calendar) -> Result<Vec<Counted>> {
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
        let kind = match case.platform_id {
            Some(id) => ledger::get_platform(conn, id)?.kind,
            None => PlatformKind::Other,
        };
        let start = time::from_stored(&case.occurred_at)?.date_naive();
        let route = route::route_for(kind);
        for (step, due) in route.steps.iter().zip(route::with_due_dates(&route, cal, start)) {
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
