//! One module per command group; each parses its own arguments and calls core.

pub mod backup;
pub mod balance;
pub mod bundle;
pub mod calendar;
pub mod case;
mod case_text;
mod case_texts;
pub mod deadline;
pub mod diagnose;
mod erase;
pub mod health;
pub mod import;
pub mod kb;
pub mod lock;
pub mod ocr;
pub mod platform;
pub mod review;
pub mod route;
pub mod rules_snapshot;
pub mod settings;
pub mod signal;
pub mod withdraw;

/// Beside a counted date: nothing when every year it spans has its State Council schedule,
/// "estimated" (with why) when one has none yet and the date was counted on weekends only.
pub(crate) fn estimated(kind: tixian_core::calendar::CalendarKind, zh: bool) -> &'static str {
    match (kind, zh) {
        (tixian_core::calendar::CalendarKind::Official, _) => "",
        (_, true) => "（估算：该年放假安排未公布）",
        (_, false) => " (estimated: that year's holidays are not published yet)",
    }
}
