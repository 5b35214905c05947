//! What happened on a case over time: timeline entries, the customer-service log (with promises,
//! due times and overdue flags), follow-ups after an official complaint, and what is due now.
//!
//! A promise whose due time has passed without being kept is overdue; the oldest overdue promise
//! becomes the reason offered for the next step on the escalation ladder.

use super::{
    get_case, optional_text, promises, required_text, short_time, Case, ContactChannel, Stage,
};
use crate::calendar::{Calendar, CalendarKind};
use crate::error::{CoreError, Result};
use crate::lang::Text;
use crate::ledger::utc_key;
use crate::time::local_date;
use crate::time::{self, Timestamp};
use crate::Field;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

/// A timeline entry to add.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub at: Timestamp,
    pub text: String,
    /// An evidence item of the same case this entry refers to.
    pub evidence_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimelineEvent {
    pub id: i64,
    pub case_id: i64,
    pub at: String,
    pub text: String,
    pub evidence_id: Option<i64>,
}

pub fn add_event(
    tx: &Transaction,
    case_id: i64,
    new: &NewEvent,
    now: &Timestamp,
) -> Result<TimelineEvent> {
    get_case(tx, case_id)?;
    let text = required_text(&new.text, Field::Text, 4000, "发生了什么", "the entry text")?;
    if let Some(eid) = new.evidence_id {
        let owner: Option<i64> = tx
            .query_row(
                "SELECT case_id FROM evidence_items WHERE id = ?1",
                [eid],
                |r| r.get(0),
            )
            .optional()?;
        if owner != Some(case_id) {
            return Err(CoreError::invalid(
                Field::Evidence,
                format!("本案件没有编号为 {eid} 的证据"),
                format!("this case has no evidence item {eid}"),
            ));
        }
    }
    tx.execute(
        "INSERT INTO timeline_events(case_id, at, at_utc, text, evidence_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![case_id, time::to_rfc3339(&new.at), utc_key(&new.at), text, new.evidence_id, time::to_rfc3339(now)],
    )?;
    Ok(TimelineEvent {
        id: tx.last_insert_rowid(),
        case_id,
        at: time::to_rfc3339(&new.at),
        text,
        evidence_id: new.evidence_id,
    })
}

/// Timeline entries in time order.
pub fn list_events(conn: &Connection, case_id: i64) -> Result<Vec<TimelineEvent>> {
    let mut stmt = conn.prepare_cached("SELECT id, case_id, at, text, evidence_id FROM timeline_events WHERE case_id = ?1 ORDER BY at_utc, id")?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(TimelineEvent {
            id: r.get(0)?,
            case_id: r.get(1)?,
            at: r.get(2)?,
            text: r.get(3)?,
            evidence_id: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A customer-service contact to log.
#[derive(Debug, Clone)]
pub struct NewContact {
    pub at: Timestamp,
    pub channel: ContactChannel,
    /// Agent id or name ("工号 8231", "客服小王").
    pub agent: String,
    pub said: String,
    pub promise: String,
    pub due: Option<Timestamp>,
    /// The time limit the promise finder read in `promise` ("3个工作日内"), when the contact
    /// came from it: the due time is then counted again from `at` on every read (a holiday
    /// schedule added later moves it), `due` being only what it was first counted as.
    pub limit: Option<String>,
    pub outcome: String,
}

/// One customer-service contact in a case's log (`route::Contact` is a body's official channel).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseContact {
    pub id: i64,
    pub case_id: i64,
    pub at: String,
    pub channel: ContactChannel,
    pub agent: String,
    pub said: String,
    pub promise: String,
    /// The due time (RFC 3339): as typed, or — for a promise with a `limit` — counted from the
    /// contact's time on the calendar the list was read with.
    pub due: Option<String>,
    /// The time limit the due time is counted from ("3个工作日内"); `None` when it was typed.
    pub limit: Option<String>,
    /// `estimated` when the due time was counted over a year without a published holiday
    /// schedule (only a `limit` is counted).
    pub calendar: CalendarKind,
    pub outcome: String,
    pub promise_kept_at: Option<String>,
    /// The due time has passed (as of the `now` it was read with) and the promise was not kept.
    pub overdue: bool,
}

/// Logs a contact. A due time before the contact itself is a typo, refused; so is a `limit`
/// that is not in the promise. `cal` counts the due time of a promise with a limit.
pub fn add_contact(
    tx: &Transaction,
    case_id: i64,
    new: &NewContact,
    cal: &Calendar,
    now: &Timestamp,
) -> Result<CaseContact> {
    get_case(tx, case_id)?;
    validate_contact(new)?;
    tx.execute(
        "INSERT INTO contacts(case_id, at, at_utc, channel, agent, said, promise, due_at, due_utc, due_limit, outcome, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            case_id,
            time::to_rfc3339(&new.at),
            utc_key(&new.at),
            new.channel.as_str(),
            new.agent.trim(),
            new.said.trim(),
            new.promise.trim(),
            new.due.as_ref().map(time::to_rfc3339),
            new.due.as_ref().map(utc_key),
            new.limit.as_deref().map(str::trim),
            new.outcome.trim(),
            time::to_rfc3339(now),
        ],
    )?;
    let id = tx.last_insert_rowid();
    list_contacts(tx, case_id, now, cal)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| CoreError::Internal("contact vanished after insert".into()))
}

/// The setting that records that the promises saved before schema v12 were looked at.
pub const PROMISE_LIMITS_RECOUNTED: &str = "promise_limits_recounted";

/// Promises saved before schema v12 kept only the due time first counted, not the limit it was
/// counted from, so a holiday schedule added later would not move them. Each one whose due time
/// a limit in its own sentence gives exactly (from the contact's time, on one of `cals`: the
/// calendars it may have been counted on) is given that limit; a typed due time stays typed.
/// Runs once per database (the setting [`PROMISE_LIMITS_RECOUNTED`]); returns how many promises
/// were given a limit.
pub fn recount_old_promises(tx: &Transaction, cals: &[&Calendar]) -> Result<usize> {
    if crate::store::read_setting(tx, PROMISE_LIMITS_RECOUNTED)?.is_some() {
        return Ok(0);
    }
    let old: Vec<(i64, String, String, String)> = tx
        .prepare(
            "SELECT id, at, promise, due_at FROM contacts
             WHERE due_limit IS NULL AND due_at IS NOT NULL AND promise <> ''",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut given = 0;
    for (id, at, promise, due) in old {
        let (at, due) = (time::from_stored(&at)?, time::from_stored(&due)?);
        if let Some(limit) = promises::limit_giving(&promise, &at, &due, cals) {
            tx.execute(
                "UPDATE contacts SET due_limit = ?1 WHERE id = ?2",
                params![limit, id],
            )?;
            given += 1;
        }
    }
    crate::store::write_setting(tx, PROMISE_LIMITS_RECOUNTED, &given.to_string())?;
    Ok(given)
}

/// The checks `add_contact` makes, callable before a store is opened.
pub fn validate_contact(new: &NewContact) -> Result<()> {
    optional_text(&new.agent, Field::Agent, 100)?;
    optional_text(&new.said, Field::Said, 4000)?;
    optional_text(&new.promise, Field::Promise, 1000)?;
    optional_text(&new.outcome, Field::Outcome, 2000)?;
    if let Some(limit) = &new.limit {
        // Any calendar finds the same limit text; only the date it gives depends on one.
        if promises::recount_due(&new.promise, limit, &new.at, &Calendar::default()).is_none() {
            return Err(CoreError::invalid(
                Field::Promise,
                format!("承诺内容里没有时限“{}”，无法据此计算期限", limit.trim()),
                format!(
                    "the promise does not contain the time limit “{}” to count its due time from",
                    limit.trim()
                ),
            ));
        }
    }
    if let Some(due) = &new.due {
        if due < &new.at {
            return Err(CoreError::invalid(
                Field::Due,
                format!(
                    "承诺期限 {} 早于联系时间 {}，请检查",
                    time::to_rfc3339(due),
                    time::to_rfc3339(&new.at)
                ),
                format!(
                    "the due time {} is before the contact time {}; check both",
                    time::to_rfc3339(due),
                    time::to_rfc3339(&new.at)
                ),
            ));
        }
    }
    Ok(())
}

/// Contacts in time order, with overdue flags as of `now`. A promise saved from the promise
/// finder has its due time counted again from its time limit on `cal` (derived, like a
/// follow-up's due day, so a calendar year added later moves it); a typed due time is as typed.
pub fn list_contacts(
    conn: &Connection,
    case_id: i64,
    now: &Timestamp,
    cal: &Calendar,
) -> Result<Vec<CaseContact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, case_id, at, channel, agent, said, promise, due_at, outcome, promise_kept_at, due_limit FROM contacts WHERE case_id = ?1 ORDER BY at_utc, id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, String>(8)?,
            r.get::<_, Option<String>>(9)?,
            r.get::<_, Option<String>>(10)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (
            id,
            case_id,
            at,
            channel,
            agent,
            said,
            promise,
            stored_due,
            outcome,
            promise_kept_at,
            limit,
        ) = row?;
        // A promise read by the finder is counted again from its limit; should the patterns
        // ever stop reading a limit its promise held when saved (add_contact checks that it
        // does), the due time first counted stands. A typed due time is shown as stored.
        let recounted = match &limit {
            Some(l) => promises::recount_due(&promise, l, &time::from_stored(&at)?, cal),
            None => None,
        };
        let (due, calendar) = match recounted {
            Some((d, kind)) => (Some(time::to_rfc3339(&d)), kind),
            None => (stored_due, CalendarKind::Official),
        };
        let overdue = match (&due, &promise_kept_at) {
            (Some(d), None) => time::from_stored(d)? < *now,
            _ => false,
        };
        out.push(CaseContact {
            id,
            case_id,
            at,
            channel: ContactChannel::from_stored(&channel)?,
            agent,
            said,
            promise,
            due,
            limit,
            calendar,
            outcome,
            promise_kept_at,
            overdue,
        });
    }
    Ok(out)
}

/// Marks a contact's promise as kept: it no longer counts as overdue.
pub fn mark_promise_kept(
    tx: &Transaction,
    case_id: i64,
    contact_id: i64,
    at: &Timestamp,
) -> Result<()> {
    stamp(
        tx,
        "UPDATE contacts SET promise_kept_at = ?1 WHERE id = ?2 AND case_id = ?3",
        "contact",
        contact_id,
        case_id,
        at,
    )
}

/// What to do next on the ladder, and why.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EscalationAdvice {
    pub stage: Stage,
    pub next: Option<Stage>,
    /// Set when a broken promise justifies the next step.
    pub reason: Option<Text>,
    pub overdue_contacts: Vec<i64>,
}

/// Offers the oldest overdue promise as the reason to move one rung up.
pub fn escalation(case: &Case, contacts: &[CaseContact]) -> EscalationAdvice {
    let overdue: Vec<&CaseContact> = contacts.iter().filter(|c| c.overdue).collect();
    let reason = overdue.first().map(|c| {
        let who_zh = if c.agent.is_empty() { "客服".to_string() } else { format!("客服（{}）", c.agent) };
        let who_en = if c.agent.is_empty() { "Customer service".to_string() } else { format!("Customer service ({})", c.agent) };
        let promise = if c.promise.is_empty() { "处理".to_string() } else { c.promise.clone() };
        let due = c.due.as_deref().map(short_time).unwrap_or_default();
        let at = short_time(&c.at);
        Text::new(
            format!("{who_zh}于 {at} 承诺“{promise}”，期限 {due} 已过仍未兑现"),
            format!("{who_en} promised “{promise}” on {at}; the deadline {due} has passed and the promise was not kept"),
        )
    });
    EscalationAdvice {
        stage: case.stage,
        next: case.stage.next(),
        reason,
        overdue_contacts: overdue.iter().map(|c| c.id).collect(),
    }
}

/// A follow-up to schedule after an official complaint.
#[derive(Debug, Clone)]
pub struct NewFollowUp {
    /// Who the complaint went to, e.g. "12315" or "平台投诉邮箱".
    pub body: String,
    /// Their complaint or ticket number, if any.
    pub reference: String,
    pub filed_at: Timestamp,
    /// The body's own deadline in working days (e.g. 7 for 12315 acceptance).
    pub working_days: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FollowUp {
    pub id: i64,
    pub case_id: i64,
    pub body: String,
    pub reference: String,
    pub filed_at: String,
    pub deadline_working_days: i64,
    /// The day to chase if nothing came back (YYYY-MM-DD): `deadline_working_days` working
    /// days after the filing day, counted on the calendar at every read (never stored), so a
    /// year's schedule added later moves it.
    pub due_on: String,
    /// `estimated` when a year up to `due_on` has no published holiday schedule yet.
    pub calendar: CalendarKind,
    pub done_at: Option<String>,
    /// Working days from today to `due_on` (negative when past), as of `now`.
    pub working_days_left: i64,
    /// Not done and `due_on` is today or earlier.
    pub due: bool,
}

/// When a follow-up would come due, shown before it is saved.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FollowUpPreview {
    /// The day to chase (YYYY-MM-DD): `working_days` working days after the filing day.
    pub due_on: String,
    /// `estimated` when a year up to `due_on` has no published holiday schedule yet.
    pub calendar: CalendarKind,
    /// Working days from today to `due_on` (negative when already past).
    pub working_days_left: i64,
    /// `due_on` is today or earlier: it would show on Home at once.
    pub due: bool,
}

/// Checks a follow-up (who it went to, reference, 1–365 working days) and computes its due day
/// with the working-day calendar (filing day not counted, weekends and holidays skipped).
pub fn preview_follow_up(
    new: &NewFollowUp,
    cal: &Calendar,
    now: &Timestamp,
) -> Result<FollowUpPreview> {
    required_text(
        &new.body,
        Field::Body,
        100,
        "投诉对象（如 12315、平台投诉邮箱）",
        "who the complaint went to (e.g. 12315)",
    )?;
    optional_text(&new.reference, Field::Reference, 100)?;
    if new.working_days == 0 || new.working_days > 365 {
        return Err(CoreError::invalid(
            Field::WorkingDays,
            "期限须为 1 到 365 个工作日",
            "the deadline must be 1 to 365 working days",
        ));
    }
    if new.filed_at > *now + chrono::Duration::days(1) {
        return Err(CoreError::invalid(
            Field::Filed,
            "投诉提交时间在未来，请检查",
            "the complaint's filing time is in the future; check it",
        ));
    }
    let today = local_date(now);
    let counted = cal.add_working_days(local_date(&new.filed_at), new.working_days);
    let due = counted.due;
    Ok(FollowUpPreview {
        due_on: due.to_string(),
        calendar: counted.calendar,
        working_days_left: cal.working_days_between(today, due),
        due: due <= today,
    })
}

/// Schedules a chase `working_days` working days after filing (start day not counted).
pub fn add_follow_up(
    tx: &Transaction,
    case_id: i64,
    new: &NewFollowUp,
    cal: &Calendar,
    now: &Timestamp,
) -> Result<FollowUp> {
    get_case(tx, case_id)?;
    // The checks; the due day itself is not stored (every read counts it from filed_at on the
    // calendar of that read — migration 0012 dropped the column once written here).
    preview_follow_up(new, cal, now)?;
    tx.execute(
        "INSERT INTO follow_ups(case_id, body, reference, filed_at, deadline_working_days, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![case_id, new.body.trim(), new.reference.trim(), time::to_rfc3339(&new.filed_at), new.working_days, time::to_rfc3339(now)],
    )?;
    let id = tx.last_insert_rowid();
    list_follow_ups(tx, case_id, now, cal)?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| CoreError::Internal("follow-up vanished after insert".into()))
}

/// Undoes [`mark_follow_up_done`]: the follow-up is open (and due, if its day has come) again.
pub fn reopen_follow_up(tx: &Transaction, case_id: i64, follow_up_id: i64) -> Result<()> {
    let n = tx.execute(
        "UPDATE follow_ups SET done_at = NULL WHERE id = ?1 AND case_id = ?2",
        params![follow_up_id, case_id],
    )?;
    if n == 0 {
        return Err(CoreError::NotFound {
            what: "follow-up",
            key: follow_up_id.to_string(),
        });
    }
    Ok(())
}

pub fn mark_follow_up_done(
    tx: &Transaction,
    case_id: i64,
    follow_up_id: i64,
    at: &Timestamp,
) -> Result<()> {
    stamp(
        tx,
        "UPDATE follow_ups SET done_at = ?1 WHERE id = ?2 AND case_id = ?3",
        "follow-up",
        follow_up_id,
        case_id,
        at,
    )
}

/// Sets a time column on one row of a case (`sql` takes time, row id, case id); a row that is
/// not in that case is not found.
fn stamp(
    tx: &Transaction,
    sql: &str,
    what: &'static str,
    id: i64,
    case_id: i64,
    at: &Timestamp,
) -> Result<()> {
    let n = tx.execute(sql, params![time::to_rfc3339(at), id, case_id])?;
    if n == 0 {
        return Err(CoreError::NotFound {
            what,
            key: id.to_string(),
        });
    }
    Ok(())
}

/// The case's follow-ups as of `now`, soonest due first; `cal` counts each due day from its
/// filing day (a derived value, so a calendar year added later moves it) and the days left.
pub fn list_follow_ups(
    conn: &Connection,
    case_id: i64,
    now: &Timestamp,
    cal: &Calendar,
) -> Result<Vec<FollowUp>> {
    let today = local_date(now);
    let mut stmt = conn.prepare_cached(
        "SELECT id, case_id, body, reference, filed_at, deadline_working_days, done_at FROM follow_ups WHERE case_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, Option<String>>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, case_id, body, reference, filed_at, deadline_working_days, done_at) = row?;
        let filed = local_date(&time::from_stored(&filed_at)?);
        let days = u32::try_from(deadline_working_days).map_err(|_| {
            CoreError::Internal(format!(
                "stored deadline {deadline_working_days} working days"
            ))
        })?;
        let counted = cal.add_working_days(filed, days);
        let due_date = counted.due;
        out.push(FollowUp {
            id,
            case_id,
            body,
            reference,
            filed_at,
            deadline_working_days,
            working_days_left: cal.working_days_between(today, due_date),
            due: done_at.is_none() && due_date <= today,
            due_on: due_date.to_string(),
            calendar: counted.calendar,
            done_at,
        });
    }
    out.sort_by(|a, b| a.due_on.cmp(&b.due_on).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// The `due[].what` values of the contract that cases produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// A follow-up whose body's deadline has passed: chase it.
    CaseDeadline,
    /// A customer-service promise past its due time.
    PromiseOverdue,
}

/// One thing Home shows as due.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DueItem {
    pub what: DueKind,
    pub case_id: i64,
    pub platform: String,
    /// The follow-up or contact id.
    pub ref_id: i64,
    /// The day it became due (YYYY-MM-DD), as in `health`'s `due[].since`.
    pub since: String,
    /// For promises: the exact due time (RFC 3339).
    pub due_at: Option<String>,
    pub text: Text,
}

/// Everything due across open cases as of `now`: follow-ups to chase and overdue promises.
/// Resolved and closed cases are left out.
pub fn due_items(conn: &Connection, now: &Timestamp) -> Result<Vec<DueItem>> {
    let mut out = Vec::new();
    let calendar = Calendar::for_database(conn)?;
    let mut stmt = conn.prepare("SELECT id, platform_name FROM cases WHERE status NOT IN ('resolved', 'closed') ORDER BY id")?;
    let cases: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (case_id, platform) in cases {
        // The due day is counted on the calendar of this database's rule folder, so a year the
        // user adds moves what is due on Home, in `health` and in the notifications too.
        for f in list_follow_ups(conn, case_id, now, &calendar)?
            .into_iter()
            .filter(|f| f.due)
        {
            out.push(DueItem {
                what: DueKind::CaseDeadline,
                case_id,
                platform: platform.clone(),
                ref_id: f.id,
                since: f.due_on.clone(),
                due_at: None,
                // The platform first: with several cases, it says which one.
                text: Text::new(
                    format!(
                        "{platform}：{} 的处理期限（{} 个工作日）已到，请追问进度",
                        f.body, f.deadline_working_days
                    ),
                    format!(
                        "{platform}: {}'s deadline ({} working days) has arrived; chase them for progress",
                        f.body, f.deadline_working_days
                    ),
                ),
            });
        }
        for c in list_contacts(conn, case_id, now, &calendar)?
            .into_iter()
            .filter(|c| c.overdue)
        {
            let promise = if c.promise.is_empty() {
                c.said.clone()
            } else {
                c.promise.clone()
            };
            out.push(DueItem {
                what: DueKind::PromiseOverdue,
                case_id,
                platform: platform.clone(),
                ref_id: c.id,
                since: c
                    .due
                    .as_deref()
                    .and_then(|d| d.get(..10))
                    .unwrap_or_default()
                    .to_string(),
                due_at: c.due.clone(),
                text: Text::new(
                    format!("{platform}：客服承诺已逾期：{promise}"),
                    format!("{platform}: customer-service promise overdue: {promise}"),
                ),
            });
        }
    }
    out.sort_by(|a, b| (&a.since, &a.due_at).cmp(&(&b.since, &b.due_at)));
    Ok(out)
}

#[cfg(test)]
#[path = "log_tests.rs"]
mod tests;
