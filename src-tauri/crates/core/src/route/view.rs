//! A route in one language, for the CLI's output (and any other place that wants plain
//! strings): `{"kind", "steps": [{"stage", "body", "channel", "deadline", "source", …}]}`.

use super::{Confidence, Contact, CountedFrom, Route, Source, Stage, StepDue, Unit};
use crate::calendar::DueDate;
use crate::ledger::PlatformKind;
use crate::Lang;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RouteView {
    pub kind: PlatformKind,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The start date deadlines were counted from, when they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub steps: Vec<StepView>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepView {
    pub stage: Stage,
    pub stage_name: String,
    pub id: String,
    pub body: String,
    pub channel: String,
    /// The body's deadlines in words.
    pub deadline: String,
    /// The strongest source (highest confidence, first listed).
    pub source: Source,
    pub sources: Vec<Source>,
    pub contacts: Vec<Contact>,
    pub prepare: Vec<String>,
    pub deadlines: Vec<DeadlineView>,
    pub wait: Option<WaitView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub conflicts: Vec<ConflictView>,
    /// Due dates, when counted from a start date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<StepDue>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeadlineView {
    pub number: u32,
    pub unit: Unit,
    pub what: String,
    pub counted_from: CountedFrom,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WaitView {
    pub number: u32,
    pub unit: Unit,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConflictView {
    pub field: String,
    pub ours: String,
    pub theirs: String,
    pub theirs_source: Source,
    pub note: String,
}

impl RouteView {
    /// `route` in `lang`; with `due` (from [`super::with_due_dates`]) each step carries its dates.
    pub fn new(route: &Route, lang: Lang, due: Option<&[StepDue]>) -> RouteView {
        let steps = route
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepView {
                stage: s.stage,
                stage_name: s.stage.label(lang).to_string(),
                id: s.id.clone(),
                body: s.body.get(lang).to_string(),
                channel: s.channel.get(lang).to_string(),
                deadline: s.deadline_text.get(lang).to_string(),
                source: strongest(&s.sources),
                sources: s.sources.clone(),
                contacts: s.contacts.clone(),
                prepare: s.prepare.iter().map(|p| p.get(lang).to_string()).collect(),
                deadlines: s
                    .deadlines
                    .iter()
                    .map(|d| DeadlineView {
                        number: d.number,
                        unit: d.unit,
                        what: d.what.get(lang).to_string(),
                        counted_from: d.counted_from,
                    })
                    .collect(),
                wait: s.wait.as_ref().map(|w| WaitView {
                    number: w.number,
                    unit: w.unit,
                    text: w.text.get(lang).to_string(),
                }),
                note: s.note.as_ref().map(|n| n.get(lang).to_string()),
                conflicts: s
                    .conflicts
                    .iter()
                    .map(|c| ConflictView {
                        field: c.field.clone(),
                        ours: c.ours.get(lang).to_string(),
                        theirs: c.theirs.get(lang).to_string(),
                        theirs_source: c.theirs_source.clone(),
                        note: c.note.get(lang).to_string(),
                    })
                    .collect(),
                due: due.and_then(|d| d.get(i)).cloned(),
            })
            .collect();
        RouteView {
            kind: route.kind,
            name: route.name.get(lang).to_string(),
            note: route.note.as_ref().map(|n| n.get(lang).to_string()),
            from: due.and_then(|d| d.first()).and_then(first_from),
            steps,
        }
    }
}

fn first_from(step: &StepDue) -> Option<String> {
    let due: &DueDate = step
        .escalate_after
        .as_ref()
        .or(step.deadlines.first().map(|d| &d.due))?;
    Some(due.from.to_string())
}

fn strongest(sources: &[Source]) -> Source {
    let rank = |c: Confidence| match c {
        Confidence::High => 0,
        Confidence::Medium => 1,
        Confidence::Low => 2,
    };
    sources
        .iter()
        .min_by_key(|s| rank(s.confidence))
        .cloned()
        .expect("validated routes cite at least one source per step")
}
