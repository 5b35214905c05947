//! The small closed vocabularies at the bottom of the core, used by modules that must not
//! depend on each other: the rule words (`vocab/rule`: action, status, platform signal — the
//! knowledge base compiles rules over them, the diagnosis reads cases in them) and a case's words
//! (`vocab/case`: case status, the escalation stage shared by routes, diagnosis and cases, contact
//! channel, evidence tier) and where a statement comes from (`vocab/source`: one `Source` and
//! `Confidence` for rules, routes, letters and the corpus). Each depends on nothing above `error`, `field` and `lang`.

pub mod case;
pub mod rule;
pub mod source;

pub use case::{CaseStatus, ContactChannel, Stage, Tier};
pub use rule::{Action, PlatformSignal, Status};
pub use source::{Confidence, Source};
