//! The knowledge base: rules, message patterns, first steps and escalation texts from the
//! top-level TOML files of `rules/` (subfolders such as `calendar/` and `routes/` belong to their
//! own modules). [`Kb::load`] validates and precompiles everything once, so a diagnosis is only
//! bit tests and one `RegexSet` scan; [`check_own`] is its part of `tixian kb check` (schema,
//! taxonomy, ids, sources and dates; `kb_check` runs the examples).

pub(crate) mod compile;
pub mod corpus;
pub(crate) mod matcher;
pub mod schema;
pub(crate) mod similar;

use crate::lang::Lang;
pub use crate::rules::Problem;
use crate::rules::RuleFile;
use compile::{EscalationText, FileProblems, Rule, Step};
use corpus::Corpus;
use matcher::{Matcher, MessageSignals};
pub use schema::{Confidence, Likelihood, Source};
use schema::{KbFile, RawEscalation, RawPattern, RawRule, RawStep};
use serde::Serialize;
use sha2::{Digest, Sha256};
pub use similar::SimilarityParams;
use similar::{CauseVote, Neighbour, SimilarityIndex};
use std::collections::HashSet;
use std::sync::OnceLock;

/// The cause taxonomy of the contract (stable ids). A cause's index is its bit in masks.
pub const TAXONOMY: [&str; 35] = [
    "account.unverified",
    "account.id_expired",
    "account.info_mismatch",
    "account.class_limit",
    "account.restricted",
    "account.frozen_by_authority",
    "account.terms_pending",
    "limit.single",
    "limit.daily",
    "limit.periodic",
    "bank.channel_limit",
    "bank.card_not_own",
    "bank.card_problem",
    "risk.frequency",
    "risk.new_device",
    "risk.remote_login",
    "risk.night",
    "risk.amount_spike",
    "risk.pending_verification",
    "risk.aml_review",
    "maintenance.platform",
    "maintenance.bank",
    "fee.insufficient_balance",
    "network.client",
    "processing.normal_delay",
    "crossplatform.not_supported",
    "crossplatform.cash_out_illegal",
    "platform.distress",
    "platform.payer_side",
    "ecommerce.deposit_insufficient",
    "ecommerce.settlement_hold",
    "content.income_review",
    "content.violation",
    "investment.trading_hours",
    "investment.settlement_period",
];

/// A set of causes: bit `i` is `TAXONOMY[i]`.
pub(crate) type CauseMask = u64;

/// Escalation stages, in order.
pub const STAGES: [&str; 5] = [
    "self_check",
    "customer_service",
    "formal_complaint",
    "regulator",
    "authority",
];

pub(crate) fn cause_index(id: &str) -> Option<usize> {
    TAXONOMY.iter().position(|c| *c == id)
}

/// The loaded, validated and precompiled knowledge base.
#[derive(Debug)]
pub struct Kb {
    pub(crate) rules: Vec<Rule>,
    /// Compiled on first use, so listing rules does not pay for the regexes.
    matcher: OnceLock<Matcher>,
    pub(crate) patterns: Vec<RawPattern>,
    /// Per pattern: its causes and the causes it suppresses.
    pattern_masks: Vec<(CauseMask, CauseMask)>,
    pub(crate) pattern_files: Vec<(String, bool)>,
    pub(crate) steps: Vec<Step>,
    pub(crate) escalations: Vec<EscalationText>,
    pub(crate) corpus: Corpus,
    /// Built on first use, like the matcher.
    similar: OnceLock<SimilarityIndex>,
    version: String,
}

/// What a message says, from both layers: pattern hits, else the nearest corpus texts.
#[derive(Debug, Clone, Default)]
pub(crate) struct MessageReading {
    pub signals: MessageSignals,
    /// Only when no pattern matched (the fast path skips the corpus).
    pub votes: Vec<CauseVote>,
    pub neighbours: Vec<Neighbour>,
}

/// A rule as `tixian kb list` and the Knowledge screen show it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RuleInfo {
    pub id: String,
    /// The first part of the cause id: account, limit, bank, risk, …
    pub category: String,
    pub cause: String,
    pub file: String,
    /// True when the file comes from the user's rule folder.
    pub overridden: bool,
    pub platforms: Vec<String>,
    pub likelihood: Likelihood,
    pub confidence: Confidence,
    pub checked: String,
    pub title: String,
    pub explanation: String,
    pub sources: Vec<Source>,
    pub conflicts: Vec<ConflictInfo>,
}

/// Where sources disagree: the description and both sides' sources.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConflictInfo {
    pub text: String,
    pub sources: Vec<Source>,
}

/// A known message pattern, for the Knowledge screen.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PatternInfo {
    pub id: String,
    pub causes: Vec<String>,
    pub weak: bool,
    pub examples: Vec<String>,
    pub file: String,
    pub overridden: bool,
}

impl Kb {
    /// Loads the knowledge files (embedded plus user overrides, see `rules::load`). Any problem
    /// makes the whole load fail: a half-valid knowledge base would give half-true answers.
    pub fn load(files: &[RuleFile]) -> Result<Kb, Vec<Problem>> {
        let kb = Kb::load_catalogue(files)?;
        kb.compile_matcher().map_err(|e| {
            vec![Problem {
                file: String::new(),
                id: String::new(),
                field: "match".into(),
                message: e.to_string(),
            }]
        })?;
        Ok(kb)
    }

    /// Like [`Kb::load`] but leaves the message patterns uncompiled until a diagnosis needs
    /// them: for listing and browsing (`tixian kb list`, the Knowledge screen), which must start fast.
    pub fn load_catalogue(files: &[RuleFile]) -> Result<Kb, Vec<Problem>> {
        let mut problems = Vec::new();
        let kb = build(files, &mut problems, false);
        if problems.is_empty() {
            Ok(kb)
        } else {
            Err(problems)
        }
    }

    fn compile_matcher(&self) -> Result<&Matcher, regex::Error> {
        if let Some(m) = self.matcher.get() {
            return Ok(m);
        }
        let items = self
            .patterns
            .iter()
            .zip(&self.pattern_masks)
            .map(|(p, (m, sup))| (*m, *sup, p.weak, p.regexes.as_slice(), p.unless.as_slice()));
        let built = Matcher::from_patterns(items)?;
        Ok(self.matcher.get_or_init(|| built))
    }

    /// The compiled message matcher (empty if the patterns do not compile, which `load` and
    /// `check_all` report).
    pub(crate) fn matcher(&self) -> &Matcher {
        self.compile_matcher().unwrap_or_else(|_| {
            static EMPTY: OnceLock<Matcher> = OnceLock::new();
            EMPTY.get_or_init(Matcher::empty)
        })
    }

    /// The corpus similarity index (built on first use).
    pub(crate) fn similar(&self) -> &SimilarityIndex {
        self.similar
            .get_or_init(|| SimilarityIndex::build(&self.corpus, None))
    }

    /// Reads a message: the patterns first; only if none is specific, the corpus.
    pub(crate) fn read_message(&self, message: &str) -> MessageReading {
        self.read_message_with(None, message)
    }

    /// [`Kb::read_message`] against a given corpus index (`None`: this knowledge base's own,
    /// built only when a message first needs it).
    pub(crate) fn read_message_with(
        &self,
        index: Option<&SimilarityIndex>,
        message: &str,
    ) -> MessageReading {
        let normalised = matcher::normalise(message);
        let mut signals = self.matcher().signals_normalised(&normalised);
        if signals.strong != 0 {
            return MessageReading {
                signals,
                ..Default::default()
            };
        }
        let index = index.unwrap_or_else(|| self.similar());
        let neighbours = index.nearest_normalised(message, &normalised);
        let votes = index.vote(&self.corpus, &neighbours);
        for v in &votes {
            if v.strong(&index.params) {
                signals.similar_strong |= 1 << v.cause;
            } else {
                signals.similar_weak |= 1 << v.cause;
            }
        }
        // A weak pattern the corpus does not support at all (提现失败, 请稍后再试 beside a reason
        // the corpus knows well) says less than the reason: its causes drop a step.
        let near_enough = votes
            .iter()
            .any(|v| v.best >= index.params.weak_demote_similarity);
        if signals.similar_strong != 0 || near_enough {
            let voted = signals.similar_strong | signals.similar_weak;
            let (mut confirmed, mut unconfirmed) = (0, 0);
            for g in signals.weak_groups.iter().filter(|g| **g != 0) {
                if g & voted != 0 {
                    confirmed |= g;
                } else {
                    unconfirmed |= g;
                }
            }
            let demoted = unconfirmed & !confirmed;
            signals.weak &= !demoted;
            signals.similar_weak |= demoted;
        }
        MessageReading {
            signals,
            votes,
            neighbours,
        }
    }

    /// The causes a message alone points to (pattern hits, else the corpus vote), as a mask.
    pub fn message_cause_count(&self, message: &str) -> usize {
        let s = self.read_message(message).signals;
        (s.strong | s.weak | s.similar_strong | s.similar_weak).count_ones() as usize
    }

    /// Every corpus text (for benchmarks).
    pub fn corpus_texts(&self) -> impl Iterator<Item = String> + '_ {
        self.corpus.texts.iter().map(|t| t.text.clone())
    }

    /// The knowledge base built into this binary, loaded once per process.
    pub fn embedded() -> &'static Kb {
        static KB: OnceLock<Kb> = OnceLock::new();
        KB.get_or_init(|| {
            Kb::load(&crate::rules::embedded()).unwrap_or_else(|p| {
                panic!("the embedded knowledge base is broken (run `tixian kb check`): {p:?}")
            })
        })
    }

    /// `<core version>+<first 12 hex of the SHA-256 of the knowledge files>`.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn list(&self, lang: Lang) -> Vec<RuleInfo> {
        self.rules
            .iter()
            .map(|r| {
                let t = match lang {
                    Lang::Zh => &r.zh,
                    Lang::En => &r.en,
                };
                let cause = TAXONOMY[r.cause];
                RuleInfo {
                    id: r.id.clone(),
                    category: cause.split('.').next().unwrap_or(cause).to_string(),
                    cause: cause.to_string(),
                    file: r.file.clone(),
                    overridden: r.from_user,
                    platforms: r.platform_names.clone(),
                    likelihood: r.likelihood,
                    confidence: r.confidence,
                    checked: r.checked.to_string(),
                    title: t.title.clone(),
                    explanation: t.explanation.clone(),
                    sources: r.sources.clone(),
                    conflicts: r
                        .conflicts
                        .iter()
                        .map(|c| ConflictInfo {
                            text: match lang {
                                Lang::Zh => c.zh.clone(),
                                Lang::En => c.en.clone(),
                            },
                            sources: c.sources.clone(),
                        })
                        .collect(),
                }
            })
            .collect()
    }

    pub fn patterns(&self) -> Vec<PatternInfo> {
        self.patterns
            .iter()
            .zip(&self.pattern_files)
            .map(|(p, (file, user))| PatternInfo {
                id: p.id.clone(),
                causes: p.causes.clone(),
                weak: p.weak,
                examples: p.examples.clone(),
                file: file.clone(),
                overridden: *user,
            })
            .collect()
    }

    /// Which known patterns a message matches (ids), for the Knowledge screen's search.
    pub fn match_message(&self, message: &str) -> Vec<String> {
        self.matcher()
            .matching_patterns(message)
            .into_iter()
            .map(|i| self.patterns[i].id.clone())
            .collect()
    }
}

/// This module's part of `tixian kb check` before the examples run: the top-level files parsed,
/// validated and compiled strictly (each regex alone, to name a broken one). `kb_check::check_all`
/// then runs the rules' own tests through the diagnosis and [`check_pattern_examples`].
pub fn check_own(files: &[RuleFile]) -> (Kb, Vec<Problem>) {
    let mut problems = Vec::new();
    let kb = build(files, &mut problems, true);
    if let Err(e) = kb.compile_matcher() {
        problems.push(Problem {
            file: String::new(),
            id: String::new(),
            field: "match".into(),
            message: e.to_string(),
        });
    }
    (kb, problems)
}

/// The files this module reads: top-level `rules/*.toml`.
fn own_files(files: &[RuleFile]) -> impl Iterator<Item = &RuleFile> {
    files.iter().filter(|f| !f.path.contains('/'))
}

/// Parses and validates; `strict` also compiles each regex alone to name the broken one.
fn build(files: &[RuleFile], problems: &mut Vec<Problem>, strict: bool) -> Kb {
    let mut hasher = Sha256::new();
    let mut rules = Vec::new();
    let mut raw_patterns: Vec<(RawPattern, (CauseMask, CauseMask), String, bool)> = Vec::new();
    let mut steps = Vec::new();
    let mut escalations = Vec::new();
    let mut ids: HashSet<String> = HashSet::new();
    for file in crate::rules::in_folder(files, corpus::FOLDER) {
        hasher.update(file.path.as_bytes());
        hasher.update(file.text.as_bytes());
    }
    let corpus = Corpus::load(files, problems);
    for file in own_files(files) {
        hasher.update(file.path.as_bytes());
        hasher.update(file.text.as_bytes());
        let mut cx = FileProblems {
            file: &file.path,
            problems,
        };
        let parsed: KbFile = match toml::from_str(&file.text) {
            Ok(p) => p,
            Err(e) => {
                cx.problem("", "toml", e.to_string().trim().to_string());
                continue;
            }
        };
        if let Some(meta) = &parsed.meta {
            compile::check_sources(&mut cx, "meta", "meta.sources", &meta.sources);
            if let Some(c) = &meta.checked {
                compile::parse_checked(&mut cx, "meta", c);
            }
        } else if !parsed.pattern.is_empty() {
            cx.problem(
                "meta",
                "meta",
                "a file of message patterns needs [meta] with sources and checked",
            );
        }
        for (i, v) in parsed.rule.into_iter().enumerate() {
            if let Some(raw) = cx.entry::<RawRule>(v, "rule", i) {
                if !ids.insert(raw.id.clone()) {
                    cx.problem(
                        &raw.id,
                        "id",
                        "duplicate id (ids are unique across all files)",
                    );
                }
                if let Some(rule) = compile::rule(&mut cx, raw, file.from_user) {
                    rules.push(rule);
                }
            }
        }
        for (i, v) in parsed.pattern.into_iter().enumerate() {
            if let Some(raw) = cx.entry::<RawPattern>(v, "pattern", i) {
                if !ids.insert(raw.id.clone()) {
                    cx.problem(
                        &raw.id,
                        "id",
                        "duplicate id (ids are unique across all files)",
                    );
                }
                let mask = compile::pattern(&mut cx, &raw, strict);
                raw_patterns.push((raw, mask, file.path.clone(), file.from_user));
            }
        }
        for (i, v) in parsed.first_step.into_iter().enumerate() {
            if let Some(raw) = cx.entry::<RawStep>(v, "first_step", i) {
                steps.push(compile::step(&mut cx, raw));
            }
        }
        for (i, v) in parsed.escalation.into_iter().enumerate() {
            if let Some(raw) = cx.entry::<RawEscalation>(v, "escalation", i) {
                escalations.push(compile::escalation(&mut cx, raw));
            }
        }
    }
    let pattern_masks = raw_patterns.iter().map(|(_, mask, ..)| *mask).collect();
    let pattern_files = raw_patterns
        .iter()
        .map(|(_, _, f, u)| (f.clone(), *u))
        .collect();
    let patterns = raw_patterns.into_iter().map(|(p, ..)| p).collect();
    let hash = hex::encode(hasher.finalize());
    Kb {
        rules,
        matcher: OnceLock::new(),
        patterns,
        pattern_masks,
        pattern_files,
        steps,
        escalations,
        corpus,
        similar: OnceLock::new(),
        version: format!("{}+{}", crate::VERSION, &hash[..12]),
    }
}

/// Runs each pattern's examples and counter-examples against the compiled base.
pub fn check_pattern_examples(kb: &Kb, problems: &mut Vec<Problem>) {
    for (k, pat) in kb.patterns.iter().enumerate() {
        let file = &kb.pattern_files[k].0;
        for (i, ex) in pat.examples.iter().enumerate() {
            if !kb.matcher().matching_patterns(ex).contains(&k) {
                problems.push(Problem {
                    file: file.clone(),
                    id: pat.id.clone(),
                    field: format!("examples[{i}]"),
                    message: format!("\"{ex}\" does not match"),
                });
            }
        }
        for (i, ex) in pat.counter_examples.iter().enumerate() {
            if kb.matcher().matching_patterns(ex).contains(&k) {
                problems.push(Problem {
                    file: file.clone(),
                    id: pat.id.clone(),
                    field: format!("counter_examples[{i}]"),
                    message: format!("\"{ex}\" matches but must not"),
                });
            }
        }
    }
}

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod tests;
