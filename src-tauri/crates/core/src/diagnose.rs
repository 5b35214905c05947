//! The diagnosis engine: a [`Case`] (what the user saw and knows) → ranked causes, the
//! time-boxed first 30 minutes and the escalation stage.
//!
//! Ranking is explainable: each rule alternative that holds names the input fields it used
//! (`because`); a cause ranks by its likelihood, then by how many specific inputs point to it.
//! Vague messages (`weak` patterns such as 系统繁忙) lower a cause by one step and only count when
//! nothing specific matched. A case with nothing recognisable gets no causes, never a guess.

mod case;
pub(crate) mod examples;
mod explain;
pub(crate) mod generalisation;
pub mod history;
pub mod interview;
mod screen;

pub use case::{
    case_from_value, parse_case, Account, AccountClass, Action, Case, Context, PlatformSignal,
    Status,
};
pub use explain::{MessageExplanation, NearestText, PatternHit};
pub use generalisation::{generalisation_problem, min_top2_rate, Generalisation, Miss};
pub use screen::{case_with_screenshot, message_from_text};

use crate::kb::compile::{Alt, Cond, Flag, Rule};
use crate::kb::matcher::MessageSignals;
use crate::kb::similar::{CauseVote, Neighbour, SimilarityIndex};
use crate::kb::{Kb, Likelihood, Source, TAXONOMY};
use crate::lang::Lang;
use crate::time::Timestamp;
use chrono::Timelike;
use chrono_tz::Asia::Shanghai;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The result of `tixian diagnose` (contract: `diagnose`).
///
/// The texts borrow from the knowledge base they came from (`'kb`), so a diagnosis allocates
/// only its lists, not a copy of every title, action and source; they serialise exactly like
/// `String`s. [`Diagnosis::into_owned`] detaches one to keep it (e.g. in a history).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Diagnosis<'kb> {
    pub causes: Vec<CauseFinding<'kb>>,
    pub first_steps: Vec<Cow<'kb, str>>,
    pub escalation: Escalation<'kb>,
    pub kb_version: Cow<'kb, str>,
    /// When no pattern knew the message: the known texts nearest to it, the reason for the
    /// message-based causes (most similar first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nearest: Vec<NearestText>,
}

/// One candidate cause, in the chosen language.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CauseFinding<'kb> {
    pub id: Cow<'kb, str>,
    pub rule: Cow<'kb, str>,
    pub likelihood: Likelihood,
    pub title: Cow<'kb, str>,
    pub explanation: Cow<'kb, str>,
    /// The input fields that point to this cause.
    pub because: Vec<Cow<'kb, str>>,
    pub actions: Vec<Cow<'kb, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_wait: Option<Cow<'kb, str>>,
    /// Shown to TypeScript as `Source[]` (a borrowed source serialises as the source).
    #[cfg_attr(feature = "specta", specta(type = Vec<Source>))]
    pub sources: Vec<Cow<'kb, Source>>,
    pub confidence: crate::kb::Confidence,
    pub checked: Cow<'kb, str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FindingConflict<'kb>>,
}

/// Where sources disagree (serialised like [`crate::kb::ConflictInfo`]), borrowed from the rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FindingConflict<'kb> {
    pub text: Cow<'kb, str>,
    /// Shown to TypeScript as `Source[]`.
    #[cfg_attr(feature = "specta", specta(type = Vec<Source>))]
    pub sources: Vec<Cow<'kb, Source>>,
}

/// Where the user stands on the escalation ladder and what comes next.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Escalation<'kb> {
    pub stage: Cow<'kb, str>,
    pub next: Cow<'kb, str>,
}

fn owned(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

impl Diagnosis<'_> {
    /// The same diagnosis, no longer tied to the knowledge base's lifetime.
    pub fn into_owned(self) -> Diagnosis<'static> {
        Diagnosis {
            causes: self
                .causes
                .into_iter()
                .map(CauseFinding::into_owned)
                .collect(),
            first_steps: self.first_steps.into_iter().map(owned).collect(),
            escalation: Escalation {
                stage: owned(self.escalation.stage),
                next: owned(self.escalation.next),
            },
            kb_version: owned(self.kb_version),
            nearest: self.nearest,
        }
    }
}

impl CauseFinding<'_> {
    /// The same finding, no longer tied to the knowledge base's lifetime.
    pub fn into_owned(self) -> CauseFinding<'static> {
        CauseFinding {
            id: owned(self.id),
            rule: owned(self.rule),
            likelihood: self.likelihood,
            title: owned(self.title),
            explanation: owned(self.explanation),
            because: self.because.into_iter().map(owned).collect(),
            actions: self.actions.into_iter().map(owned).collect(),
            expected_wait: self.expected_wait.map(owned),
            sources: self
                .sources
                .into_iter()
                .map(|s| Cow::Owned(s.into_owned()))
                .collect(),
            confidence: self.confidence,
            checked: owned(self.checked),
            conflicts: self
                .conflicts
                .into_iter()
                .map(|k| FindingConflict {
                    text: owned(k.text),
                    sources: k
                        .sources
                        .into_iter()
                        .map(|s| Cow::Owned(s.into_owned()))
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Everything derived from the case once, before the rules run.
struct Facts<'a> {
    case: &'a Case,
    status: u8,
    message: MessageSignals,
    /// The corpus vote (only when no pattern was specific): ranks causes the message points to.
    votes: Vec<CauseVote>,
    neighbours: Vec<Neighbour>,
    hour: Option<u32>,
    id_expired: Option<bool>,
    from: Option<String>,
    to: Option<String>,
}

enum Hit {
    No,
    Yes,
    /// Holds, but on vague evidence: one likelihood step lower.
    Weak,
    /// Holds on evidence weaker still (a corpus text only somewhat alike): two steps lower.
    Weaker,
}

impl<'a> Facts<'a> {
    fn new(kb: &Kb, index: Option<&SimilarityIndex>, case: &'a Case, now: &Timestamp) -> Facts<'a> {
        let status = case
            .status
            .map(|s| 1u8 << Status::ALL.iter().position(|x| *x == s).unwrap_or(0))
            .unwrap_or(0);
        let reading = case
            .message
            .as_deref()
            .map(|m| kb.read_message_with(index, m))
            .unwrap_or_default();
        let hour = case.at.map(|t| t.with_timezone(&Shanghai).hour());
        let today = case
            .at
            .unwrap_or(*now)
            .with_timezone(&Shanghai)
            .date_naive();
        let id_expired = case.account.id_expires_on.map(|d| d < today);
        let norm = |s: &Option<String>| s.as_deref().map(|v| v.trim().to_lowercase());
        Facts {
            case,
            status,
            message: reading.signals,
            votes: reading.votes,
            neighbours: reading.neighbours,
            hour,
            id_expired,
            from: norm(&case.from),
            to: norm(&case.to),
        }
    }

    fn eval(&self, cond: &Cond) -> Hit {
        let c = self.case;
        let yes = |b: bool| if b { Hit::Yes } else { Hit::No };
        let amount = c.amount.map(|m| m.fen());
        let plus = |other: Option<crate::Money>, limit: i64| match (amount, other) {
            (Some(a), Some(o)) => yes(a + o.fen() > limit),
            _ => Hit::No,
        };
        match cond {
            Cond::Status(mask) => yes(self.status & mask != 0),
            Cond::Message(mask) => {
                let m = &self.message;
                if m.strong & mask != 0 {
                    Hit::Yes
                } else if m.strong != 0 {
                    Hit::No
                } else if (m.weak | m.similar_strong) & mask != 0 {
                    Hit::Weak
                } else if m.similar_weak & mask != 0 {
                    Hit::Weaker
                } else {
                    Hit::No
                }
            }
            Cond::From(list) => yes(self.from.as_ref().is_some_and(|f| list.contains(f))),
            Cond::To(list) => yes(self.to.as_ref().is_some_and(|t| list.contains(t))),
            Cond::Flag(flag, want) => yes(flag_value(c, *flag) == Some(*want)),
            Cond::PayClass(mask) => yes(c
                .account
                .payment_account_class
                .is_some_and(|k| mask & class_bit(k) != 0)),
            Cond::CardClass(mask) => yes(c
                .account
                .card_class
                .is_some_and(|k| mask & class_bit(k) != 0)),
            Cond::IdExpired(want) => yes(self.id_expired == Some(*want)),
            Cond::AmountAtLeast(x) => yes(amount.is_some_and(|a| a >= *x)),
            Cond::AmountAbove(x) => yes(amount.is_some_and(|a| a > *x)),
            Cond::TodayPlusAbove(x) => plus(c.account.withdrawn_today, *x),
            Cond::YearPlusAbove(x) => plus(c.account.withdrawn_this_year, *x),
            Cond::LifetimePlusAbove(x) => plus(c.account.withdrawn_lifetime, *x),
            Cond::BalanceShort(fee) => match (amount, c.account.balance) {
                (Some(a), Some(b)) => {
                    let b = b.fen();
                    match (fee, c.account.withdrawn_lifetime) {
                        _ if b < a => Hit::Yes,
                        (None, _) => Hit::No,
                        (Some(f), Some(used)) => yes(b < a + f.on(a, used.fen())),
                        // Unknown use of the free quota: short only if it is used up, so say so softly.
                        (Some(f), None) => {
                            if b < a + f.on(a, f.free_lifetime) {
                                Hit::Weak
                            } else {
                                Hit::No
                            }
                        }
                    }
                }
                _ => Hit::No,
            },
            Cond::DeviceAgeBelow(h) => yes(c.context.device_age_hours.is_some_and(|v| v < *h)),
            Cond::DistanceAbove(km) => yes(c.context.login_distance_km.is_some_and(|v| v > *km)),
            Cond::AttemptsAtLeast(n) => {
                yes(c.context.attempts_last_10_min.is_some_and(|v| v >= *n))
            }
            Cond::TimesUsualAtLeast(n) => match (amount, c.context.usual_amount) {
                (Some(a), Some(u)) if u.fen() > 0 => yes(a >= u.fen() * i64::from(*n)),
                _ => Hit::No,
            },
            Cond::HourBetween(start, end) => yes(self.hour.is_some_and(|h| {
                if start <= end {
                    h >= *start && h < *end
                } else {
                    h >= *start || h < *end
                }
            })),
            Cond::HoursBelow(x) => yes(c.hours_since_request.is_some_and(|h| h < *x)),
            Cond::HoursAtLeast(x) => yes(c.hours_since_request.is_some_and(|h| h >= *x)),
            Cond::SignalsAny(list) => yes(c
                .context
                .platform_signals
                .iter()
                .any(|s| list.iter().any(|l| l == s.as_str()))),
            Cond::SignalsAtLeast(n) => yes(c.context.platform_signals.len() >= *n as usize),
        }
    }

    /// For an alternative that holds on the corpus vote: the cause's rank in it (0–90, most
    /// voted highest). `None` when the alternative does not rest on the vote.
    fn corpus_bonus(&self, cause: usize, alt: &Alt) -> Option<u32> {
        let mask = alt.conds.iter().find_map(|c| match c {
            Cond::Message(m) => Some(*m),
            _ => None,
        })?;
        if self.message.strong != 0 || mask & (1 << cause) == 0 {
            return None;
        }
        self.votes
            .iter()
            .find(|v| v.cause == cause)
            .map(|v| (v.share * v.best * 90.0).round().clamp(0.0, 90.0) as u32)
    }

    /// How likely a cause only the corpus vote points to is.
    fn corpus_likelihood(&self, cause: usize) -> Likelihood {
        if self.message.similar_strong & (1 << cause) != 0 {
            Likelihood::Medium
        } else {
            Likelihood::Low
        }
    }

    /// The alternative's likelihood and the fields it used, if all its conditions hold.
    fn eval_alt(&self, alt: &Alt, because: &mut Vec<&'static str>) -> Option<Likelihood> {
        let mut likelihood = alt.likelihood;
        because.clear();
        for cond in &alt.conds {
            match self.eval(cond) {
                Hit::No => return None,
                Hit::Yes => {}
                Hit::Weak => likelihood = likelihood.lower(),
                Hit::Weaker => likelihood = likelihood.lower().lower(),
            }
            for f in fields(cond) {
                if !because.contains(f) {
                    because.push(f);
                }
            }
        }
        Some(likelihood)
    }
}

fn class_bit(k: AccountClass) -> u8 {
    match k {
        AccountClass::I => 1,
        AccountClass::II => 2,
        AccountClass::III => 4,
    }
}

fn flag_value(c: &Case, flag: Flag) -> Option<bool> {
    match flag {
        Flag::RealName => c.account.real_name_verified,
        Flag::CardSelf => c.account.card_holder_is_self,
        Flag::PendingVerification => c.account.pending_verification,
        Flag::TermsPending => c.account.terms_update_pending,
        Flag::Violation => c.account.violation_notice,
        Flag::Maintenance => c.context.maintenance_notice,
        Flag::BankMaintenance => c.context.bank_maintenance_notice,
        Flag::NetworkOk => c.context.network_ok,
        Flag::DepositShort => c.account.deposit_short,
        Flag::OrdersUnsettled => c.context.orders_unsettled,
    }
}

/// The case fields a condition reads (its `because`).
fn fields(cond: &Cond) -> &'static [&'static str] {
    match cond {
        Cond::Status(_) => &["status"],
        Cond::Message(_) => &["message"],
        Cond::From(_) => &["from"],
        Cond::To(_) => &["to"],
        Cond::Flag(f, _) => match f {
            Flag::RealName => &["account.real_name_verified"],
            Flag::CardSelf => &["account.card_holder_is_self"],
            Flag::PendingVerification => &["account.pending_verification"],
            Flag::TermsPending => &["account.terms_update_pending"],
            Flag::Violation => &["account.violation_notice"],
            Flag::Maintenance => &["context.maintenance_notice"],
            Flag::BankMaintenance => &["context.bank_maintenance_notice"],
            Flag::NetworkOk => &["context.network_ok"],
            Flag::DepositShort => &["account.deposit_short"],
            Flag::OrdersUnsettled => &["context.orders_unsettled"],
        },
        Cond::PayClass(_) => &["account.payment_account_class"],
        Cond::CardClass(_) => &["account.card_class"],
        Cond::IdExpired(_) => &["account.id_expires_on"],
        Cond::AmountAtLeast(_) | Cond::AmountAbove(_) => &["amount"],
        Cond::TodayPlusAbove(_) => &["amount", "account.withdrawn_today"],
        Cond::YearPlusAbove(_) => &["amount", "account.withdrawn_this_year"],
        Cond::LifetimePlusAbove(_) => &["amount", "account.withdrawn_lifetime"],
        Cond::BalanceShort(_) => &["amount", "account.balance"],
        Cond::DeviceAgeBelow(_) => &["context.device_age_hours"],
        Cond::DistanceAbove(_) => &["context.login_distance_km"],
        Cond::AttemptsAtLeast(_) => &["context.attempts_last_10_min"],
        Cond::TimesUsualAtLeast(_) => &["amount", "context.usual_amount"],
        Cond::HourBetween(..) => &["at"],
        Cond::HoursBelow(_) | Cond::HoursAtLeast(_) => &["hours_since_request"],
        Cond::SignalsAny(_) | Cond::SignalsAtLeast(_) => &["context.platform_signals"],
    }
}

fn applies(rule: &Rule, case: &Case) -> bool {
    let (platform, action) = case_bits(case);
    rule.platforms & platform != 0 && rule.actions & action != 0
}

/// The case's platform and action as rule mask bits.
fn case_bits(case: &Case) -> (u16, u8) {
    let p = crate::ledger::PlatformKind::ALL
        .iter()
        .position(|k| *k == case.platform)
        .unwrap_or(0);
    let a = Action::ALL
        .iter()
        .position(|k| *k == case.action)
        .unwrap_or(0);
    (1 << p, 1 << a)
}

/// The best alternative of one rule on a case (`None` if it does not fire). Used by `kb check`.
pub(crate) fn rule_fires(kb: &Kb, rule: &Rule, case: &Case, now: &Timestamp) -> Option<Likelihood> {
    if !applies(rule, case) {
        return None;
    }
    let facts = Facts::new(kb, None, case, now);
    let mut because = Vec::new();
    rule.alts
        .iter()
        .filter_map(|a| facts.eval_alt(a, &mut because))
        .max()
}

/// A rule that fired: its rank key and evidence.
struct Candidate {
    score: u32,
    rule: usize,
    likelihood: Likelihood,
    because: Vec<&'static str>,
}

/// Diagnoses one case. `now` is the current time (for ID expiry when `at` is missing).
pub fn diagnose<'kb>(kb: &'kb Kb, case: &Case, lang: Lang, now: &Timestamp) -> Diagnosis<'kb> {
    diagnose_with(kb, None, case, lang, now)
}

/// [`diagnose`] against another corpus index (leave-one-source-out in `kb check`); `None` is
/// the knowledge base's own, built only if a message needs it.
pub(crate) fn diagnose_with<'kb>(
    kb: &'kb Kb,
    index: Option<&SimilarityIndex>,
    case: &Case,
    lang: Lang,
    now: &Timestamp,
) -> Diagnosis<'kb> {
    let facts = Facts::new(kb, index, case, now);
    let mut best: [Option<Candidate>; TAXONOMY.len()] = std::array::from_fn(|_| None);
    let mut because = Vec::with_capacity(8);
    let (platform_bit, action_bit) = case_bits(case);
    for (i, rule) in kb.rules.iter().enumerate() {
        if rule.platforms & platform_bit == 0 || rule.actions & action_bit == 0 {
            continue;
        }
        for alt in &rule.alts {
            let Some(mut likelihood) = facts.eval_alt(alt, &mut because) else {
                continue;
            };
            // Ties go to a rule written for this platform kind. A cause the corpus vote found
            // ranks by the vote, not by how many other fields its rule happens to read, and its
            // likelihood is the vote's (medium when close texts agree, else low; never above
            // the rule's own), not the rule's: the corpus's causes are ordered by how
            // strongly the corpus points to them.
            let specific = if rule.platforms == u16::MAX { 0 } else { 5 };
            let score = match facts.corpus_bonus(rule.cause, alt) {
                // A weak pattern names this cause too: it ranks as a weak pattern hit does.
                Some(vote) if facts.message.weak & (1 << rule.cause) != 0 => {
                    likelihood as u32 * 100 + because.len() as u32 + specific + vote * 2 / 3
                }
                Some(vote) => {
                    likelihood = facts.corpus_likelihood(rule.cause).min(alt.likelihood);
                    likelihood as u32 * 100 + vote + u32::from(specific > 0)
                }
                None => likelihood as u32 * 100 + because.len() as u32 * 10 + specific,
            };
            match &mut best[rule.cause] {
                Some(c) if c.score >= score => merge(&mut c.because, &because),
                slot => {
                    let mut fields = because.clone();
                    if let Some(old) = slot.take() {
                        merge(&mut fields, &old.because);
                    }
                    *slot = Some(Candidate {
                        score,
                        rule: i,
                        likelihood,
                        because: fields,
                    });
                }
            }
        }
    }
    let mut found: Vec<Candidate> = best.into_iter().flatten().collect();
    // Stable: equal scores keep taxonomy order, which lists the more basic causes first.
    found.sort_by_key(|c| std::cmp::Reverse(c.score));
    let causes: Vec<CauseFinding<'kb>> = found
        .iter()
        .map(|c| finding(&kb.rules[c.rule], c, lang))
        .collect();
    let escalation = escalation(kb, case, &causes, lang);
    let first_steps = kb
        .steps
        .iter()
        .filter(|s| s.actions & action_bit != 0)
        .map(|s| match lang {
            Lang::Zh => Cow::Borrowed(s.zh.as_str()),
            Lang::En => Cow::Borrowed(s.en.as_str()),
        })
        .collect();
    let nearest = facts
        .neighbours
        .iter()
        .take(3)
        .map(|n| kb.nearest_text(n.text, n.score, lang))
        .collect();
    Diagnosis {
        causes,
        first_steps,
        escalation,
        kb_version: Cow::Borrowed(kb.version()),
        nearest,
    }
}

fn merge(into: &mut Vec<&'static str>, from: &[&'static str]) {
    for f in from {
        if !into.contains(f) {
            into.push(f);
        }
    }
}

fn finding<'kb>(rule: &'kb Rule, c: &Candidate, lang: Lang) -> CauseFinding<'kb> {
    let t = match lang {
        Lang::Zh => &rule.zh,
        Lang::En => &rule.en,
    };
    CauseFinding {
        id: Cow::Borrowed(TAXONOMY[rule.cause]),
        rule: Cow::Borrowed(&rule.id),
        likelihood: c.likelihood,
        title: Cow::Borrowed(&t.title),
        explanation: Cow::Borrowed(&t.explanation),
        because: c.because.iter().map(|s| Cow::Borrowed(*s)).collect(),
        actions: t
            .actions
            .iter()
            .map(|a| Cow::Borrowed(a.as_str()))
            .collect(),
        expected_wait: t.expected_wait.as_deref().map(Cow::Borrowed),
        sources: rule.sources.iter().map(Cow::Borrowed).collect(),
        confidence: rule.confidence,
        checked: Cow::Borrowed(&rule.checked_text),
        conflicts: rule
            .conflicts
            .iter()
            .map(|k| FindingConflict {
                text: Cow::Borrowed(match lang {
                    Lang::Zh => k.zh.as_str(),
                    Lang::En => k.en.as_str(),
                }),
                sources: k.sources.iter().map(Cow::Borrowed).collect(),
            })
            .collect(),
    }
}

/// The stage on the ladder: who can act now, given the top cause and how long it has lasted.
fn stage(case: &Case, causes: &[CauseFinding]) -> &'static str {
    let top = causes.first().map(|c| c.id.as_ref()).unwrap_or("");
    let hours = case.hours_since_request.unwrap_or(0.0);
    if causes.iter().any(|c| c.id == "account.frozen_by_authority") {
        "authority"
    } else if top.starts_with("crossplatform.") {
        "self_check"
    } else if hours >= 30.0 * 24.0 {
        "regulator"
    } else if hours >= 7.0 * 24.0 || top == "platform.distress" {
        "formal_complaint"
    } else if top == "processing.normal_delay" {
        "self_check"
    } else if matches!(top, "account.restricted" | "risk.aml_review")
        || (matches!(
            case.status,
            Some(Status::NotArrived | Status::UnderReview | Status::Processing)
        ) && hours >= 24.0)
    {
        "customer_service"
    } else {
        "self_check"
    }
}

fn escalation<'kb>(
    kb: &'kb Kb,
    case: &Case,
    causes: &[CauseFinding],
    lang: Lang,
) -> Escalation<'kb> {
    let stage = stage(case, causes);
    let p = crate::ledger::PlatformKind::ALL
        .iter()
        .position(|k| *k == case.platform)
        .unwrap_or(0);
    let text = kb
        .escalations
        .iter()
        .filter(|e| e.stage == stage && e.platforms & (1 << p) != 0)
        // A text for this platform kind wins over the generic `*` one.
        .min_by_key(|e| e.platforms.count_ones())
        .map(|e| match lang {
            Lang::Zh => Cow::Borrowed(e.zh.as_str()),
            Lang::En => Cow::Borrowed(e.en.as_str()),
        })
        .unwrap_or_default();
    Escalation {
        stage: Cow::Borrowed(stage),
        next: text,
    }
}

#[cfg(test)]
mod tests;
