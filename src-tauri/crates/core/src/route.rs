//! Where to complain: the escalation ladder for each platform kind.
//!
//! Each [`Route`] runs frontline customer service → supervisor → the platform's official
//! complaint channel → the right regulator or body → mediation → court. A [`Step`] says who, by
//! which channel, what to prepare, the body's own deadline (structured, so [`with_due_dates`]
//! can count it on the working-day [`Calendar`]), how long to wait before going up, its sources
//! and, where seed 003 disagrees with the regulations, the conflict. The data lives in
//! `rules/routes/`: step definitions with global ids, and one file per kind listing its ladder.

mod check;
#[cfg(test)]
mod tests;
mod view;

pub use check::check;
pub use view::{RouteView, StepView};

use crate::calendar::{Calendar, DueDate};
use crate::ledger::PlatformKind;
use crate::rules::RuleFile;
use crate::Text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The ladder for one platform kind, first step first.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Route {
    pub kind: PlatformKind,
    pub name: Text,
    pub note: Option<Text>,
    pub steps: Vec<Step>,
}

/// The stages of the ladder, in order: the same vocabulary as a case's stage, so a case on
/// `regulator` and the ladder's `regulator` rung are one id with one name.
pub use crate::vocab::Stage;

/// One rung of the ladder.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Global id, e.g. `regulator.nfra`.
    pub id: String,
    pub stage: Stage,
    /// Who handles it.
    pub body: Text,
    /// How to reach them, in words.
    pub channel: Text,
    /// Numbers and addresses to copy.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// What to have ready.
    #[serde(default)]
    pub prepare: Vec<Text>,
    /// The body's own deadlines, counted from the day you file (or from the previous one).
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
    /// The deadlines in words (or that there is none).
    pub deadline_text: Text,
    /// How long to give this step before going up one; none for the last step.
    pub wait: Option<Wait>,
    pub note: Option<Text>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub kind: ContactKind,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Hotline,
    Site,
    MiniProgram,
    App,
    Email,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    WorkingDays,
    Days,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CountedFrom {
    /// From the day the step is started (the complaint is filed / received).
    #[default]
    Start,
    /// From the previous deadline of the same step (e.g. 12315 mediation runs from acceptance).
    Previous,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    pub number: u32,
    pub unit: Unit,
    pub what: Text,
    #[serde(default)]
    pub counted_from: CountedFrom,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Wait {
    pub number: u32,
    pub unit: Unit,
    pub text: Text,
}

pub use crate::vocab::{Confidence, Source};

/// Where another source (usually seed 003) says something else: both are shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    /// Which part of the step disagrees: `body`, `deadline`, `channel` …
    pub field: String,
    pub ours: Text,
    pub theirs: Text,
    pub theirs_source: Source,
    pub note: Text,
}

/// One step's deadlines and its "go up a step" date, counted from a start date.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepDue {
    pub id: String,
    pub stage: Stage,
    /// One per [`Step::deadlines`], in order.
    pub deadlines: Vec<DeadlineDue>,
    /// When to go up one step if nothing has happened.
    pub escalate_after: Option<DueDate>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeadlineDue {
    pub what: Text,
    pub due: DueDate,
}

/// All routes in `files`, in [`PlatformKind::ALL`] order; any problem [`check`] would report
/// is an error.
pub fn routes(files: &[RuleFile]) -> crate::Result<Vec<Route>> {
    let (routes, problems) = check::build(files);
    match problems.into_iter().next() {
        Some(p) => Err(p.into_error()),
        None => Ok(routes),
    }
}

/// The embedded route for `kind` (a test guarantees the embedded routes are valid and complete).
pub fn route_for(kind: PlatformKind) -> Route {
    static EMBEDDED: OnceLock<Vec<Route>> = OnceLock::new();
    EMBEDDED
        .get_or_init(|| {
            routes(&crate::rules::embedded())
                .unwrap_or_else(|e| panic!("embedded route rules are broken: {e}"))
        })
        .iter()
        .find(|r| r.kind == kind)
        .cloned()
        .unwrap_or_else(|| panic!("no embedded route for {kind}"))
}

/// Counts every step's deadlines and wait from `start` — "if you file this step on `start`".
/// A deadline counted from the previous one starts at that one's due date.
pub fn with_due_dates(route: &Route, calendar: &Calendar, start: NaiveDate) -> Vec<StepDue> {
    route
        .steps
        .iter()
        .map(|step| {
            let mut previous = start;
            let deadlines = step
                .deadlines
                .iter()
                .map(|d| {
                    let from = match d.counted_from {
                        CountedFrom::Start => start,
                        CountedFrom::Previous => previous,
                    };
                    let due = count(calendar, from, d.number, d.unit);
                    previous = due.due;
                    DeadlineDue {
                        what: d.what.clone(),
                        due,
                    }
                })
                .collect();
            StepDue {
                id: step.id.clone(),
                stage: step.stage,
                deadlines,
                escalate_after: step
                    .wait
                    .as_ref()
                    .map(|w| count(calendar, start, w.number, w.unit)),
            }
        })
        .collect()
}

fn count(calendar: &Calendar, from: NaiveDate, n: u32, unit: Unit) -> DueDate {
    match unit {
        Unit::WorkingDays => calendar.add_working_days(from, n),
        Unit::Days => calendar.add_calendar_days(from, n),
    }
}
