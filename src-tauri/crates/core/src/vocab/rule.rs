//! The words a rule is written in, shared by the knowledge base (which compiles rules over them)
//! and the diagnosis (which reads a case in them): what the user was trying to do, what the app
//! showed, and the danger signals about a platform. The contract's case JSON spells them.

use serde::{Deserialize, Serialize};

/// What the user was trying to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Withdraw,
    Transfer,
    Pay,
    Crossplatform,
}

impl Action {
    pub const ALL: [Action; 4] = [
        Action::Withdraw,
        Action::Transfer,
        Action::Pay,
        Action::Crossplatform,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Withdraw => "withdraw",
            Action::Transfer => "transfer",
            Action::Pay => "pay",
            Action::Crossplatform => "crossplatform",
        }
    }
}

/// What the app showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    GreyedOut,
    Failed,
    Processing,
    UnderReview,
    NotArrived,
    Limited,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::GreyedOut,
        Status::Failed,
        Status::Processing,
        Status::UnderReview,
        Status::NotArrived,
        Status::Limited,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::GreyedOut => "greyed_out",
            Status::Failed => "failed",
            Status::Processing => "processing",
            Status::UnderReview => "under_review",
            Status::NotArrived => "not_arrived",
            Status::Limited => "limited",
        }
    }
}

/// Danger signals that a platform itself may not be able to pay (seed 003's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PlatformSignal {
    DelayedPayouts,
    RaisedThreshold,
    SupportUnreachable,
    ManyComplaints,
    FrequentMaintenance,
    RulesChanged,
}

impl PlatformSignal {
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformSignal::DelayedPayouts => "delayed_payouts",
            PlatformSignal::RaisedThreshold => "raised_threshold",
            PlatformSignal::SupportUnreachable => "support_unreachable",
            PlatformSignal::ManyComplaints => "many_complaints",
            PlatformSignal::FrequentMaintenance => "frequent_maintenance",
            PlatformSignal::RulesChanged => "rules_changed",
        }
    }
}
