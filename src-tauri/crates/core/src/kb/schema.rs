//! The TOML shape of the knowledge files, as written by people. Unknown keys are errors so a
//! misspelt condition can never silently disable a rule; `compile` turns these into the engine's form.

use crate::lang::Text;
use serde::{Deserialize, Serialize};

/// One top-level file under `rules/`; each may hold any of the sections.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KbFile {
    #[serde(default)]
    pub meta: Option<Meta>,
    #[serde(default)]
    pub rule: Vec<toml::Value>,
    #[serde(default)]
    pub pattern: Vec<toml::Value>,
    #[serde(default)]
    pub first_step: Vec<toml::Value>,
    #[serde(default)]
    pub escalation: Vec<toml::Value>,
}

/// File-wide defaults (message patterns share their sources).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub checked: Option<String>,
}

pub use crate::vocab::{Confidence, Source};

/// How likely a cause is when its conditions hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Likelihood {
    Low,
    Medium,
    High,
}

impl Likelihood {
    pub fn lower(self) -> Likelihood {
        match self {
            Likelihood::High => Likelihood::Medium,
            _ => Likelihood::Low,
        }
    }
}

/// Texts in both languages; `actions` are parallel lists.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub title: String,
    pub explanation: String,
    pub actions: Vec<String>,
    #[serde(default)]
    pub expected_wait: Option<String>,
}

/// A rule: when its conditions hold, `cause` is a candidate with this likelihood.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: String,
    pub cause: String,
    pub platforms: Vec<String>,
    #[serde(default)]
    pub actions: Vec<String>,
    pub likelihood: Likelihood,
    pub confidence: Confidence,
    pub zh: Texts,
    pub en: Texts,
    pub sources: Vec<Source>,
    pub checked: String,
    #[serde(default)]
    pub conflicts: Vec<RawConflict>,
    #[serde(default)]
    pub fee: Option<FeeModel>,
    /// Alternatives: the rule fires when any one holds (all of its conditions).
    pub when: Vec<When>,
    #[serde(default)]
    pub tests: Vec<RuleTest>,
}

/// Two sources that disagree; both are shown.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConflict {
    pub zh: String,
    pub en: String,
    pub sources: Vec<Source>,
}

/// A withdrawal fee: `rate_permille`‰ of the part above the lifetime free quota, at least `min`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeModel {
    pub rate_permille: u32,
    pub min: String,
    pub free_lifetime: String,
}

/// One alternative of conditions, all of which must hold. Missing case fields never match.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    pub likelihood: Option<Likelihood>,
    pub status: Option<Vec<String>>,
    pub message: Option<Vec<String>>,
    pub from: Option<Vec<String>>,
    pub to: Option<Vec<String>>,
    pub real_name_verified: Option<bool>,
    pub payment_account_class: Option<Vec<String>>,
    pub id_expired: Option<bool>,
    pub card_holder_is_self: Option<bool>,
    pub card_class: Option<Vec<String>>,
    pub pending_verification: Option<bool>,
    pub terms_update_pending: Option<bool>,
    pub violation_notice: Option<bool>,
    pub maintenance_notice: Option<bool>,
    pub bank_maintenance_notice: Option<bool>,
    pub network_ok: Option<bool>,
    pub deposit_short: Option<bool>,
    pub orders_unsettled: Option<bool>,
    pub amount_at_least: Option<String>,
    pub amount_above: Option<String>,
    pub today_plus_amount_above: Option<String>,
    pub year_plus_amount_above: Option<String>,
    pub lifetime_plus_amount_above: Option<String>,
    pub balance_short: Option<bool>,
    pub device_age_hours_below: Option<f64>,
    pub login_distance_km_above: Option<f64>,
    pub attempts_last_10_min_at_least: Option<u32>,
    pub amount_times_usual_at_least: Option<u32>,
    pub local_hour_between: Option<[u32; 2]>,
    pub hours_since_request_below: Option<f64>,
    pub hours_since_request_at_least: Option<f64>,
    pub platform_signals_any: Option<Vec<String>>,
    pub platform_signals_at_least: Option<u32>,
}

/// A rule's own example: the case, and whether the rule must fire on it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTest {
    pub expect: Expect,
    /// The case as a TOML table or as JSON text.
    pub case: toml::Value,
    /// The cause must come first in the diagnosis.
    #[serde(default)]
    pub top: bool,
    #[serde(default)]
    pub likelihood: Option<Likelihood>,
    /// "Now" for the test (default 2026-06-01T12:00:00+08:00).
    #[serde(default)]
    pub now: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Present,
    Absent,
}

/// A known error message: regex alternatives over the normalised text, mapped to causes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPattern {
    pub id: String,
    pub causes: Vec<String>,
    /// "weak" for messages that say little (系统繁忙): they only count when nothing specific matched.
    #[serde(default)]
    pub weak: bool,
    #[serde(rename = "match")]
    pub regexes: Vec<String>,
    /// A hit is dropped when one of these also matches (the regex crate has no look-around).
    #[serde(default)]
    pub unless: Vec<String>,
    /// Causes this pattern's hit overrules: a more specific reading of the same words (付款方余额不足
    /// is the payer's problem, not the user's balance) removes their specific hits.
    #[serde(default)]
    pub suppresses: Vec<String>,
    #[serde(default)]
    pub platforms: Vec<String>,
    #[serde(default)]
    pub note: Option<Text>,
    pub examples: Vec<String>,
    #[serde(default)]
    pub counter_examples: Vec<String>,
}

/// One item of the time-boxed first 30 minutes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub id: String,
    #[serde(default)]
    pub actions: Vec<String>,
    pub zh: String,
    pub en: String,
}

/// What comes next at an escalation stage, per platform kind (`*` for any).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEscalation {
    pub stage: String,
    pub platforms: Vec<String>,
    pub zh: String,
    pub en: String,
}
