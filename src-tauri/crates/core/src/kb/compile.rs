//! Turns the people-written TOML (`schema`) into the engine's precomputed form, collecting every
//! problem (file, id, field, message) instead of stopping at the first.

use super::schema::{
    Confidence, FeeModel, Likelihood, RawConflict, RawEscalation, RawPattern, RawRule, RawStep,
    RuleTest, Source, Texts, When,
};
use super::{cause_index, Problem};
use crate::ledger::PlatformKind;
use crate::money::Money;
use crate::rules::problem::{cites_seed, SEED_ONLY_NOT_LOW, SEED_SOURCE_NOT_LOW};
use crate::vocab::{Action, Status};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;

/// A rule ready to evaluate.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: String,
    pub cause: usize,
    pub file: String,
    pub from_user: bool,
    /// Bit per `PlatformKind::ALL` index.
    pub platforms: u16,
    pub platform_names: Vec<String>,
    /// Bit per `Action::ALL` index.
    pub actions: u8,
    pub likelihood: Likelihood,
    pub confidence: Confidence,
    pub zh: Texts,
    pub en: Texts,
    pub sources: Vec<Source>,
    pub checked: NaiveDate,
    /// `checked` as the diagnosis shows it, formatted once at load.
    pub checked_text: String,
    pub conflicts: Vec<RawConflict>,
    pub alts: Vec<Alt>,
    pub tests: Vec<RuleTest>,
}

/// One alternative: all conditions must hold.
#[derive(Debug, Clone)]
pub(crate) struct Alt {
    pub likelihood: Likelihood,
    pub conds: Vec<Cond>,
}

/// A condition on the case, with thresholds already parsed.
#[derive(Debug, Clone)]
pub(crate) enum Cond {
    Status(u8),
    Message(super::CauseMask),
    From(Vec<String>),
    To(Vec<String>),
    Flag(Flag, bool),
    PayClass(u8),
    CardClass(u8),
    IdExpired(bool),
    AmountAtLeast(i64),
    AmountAbove(i64),
    TodayPlusAbove(i64),
    YearPlusAbove(i64),
    LifetimePlusAbove(i64),
    BalanceShort(Option<Fee>),
    DeviceAgeBelow(f64),
    DistanceAbove(f64),
    AttemptsAtLeast(u32),
    TimesUsualAtLeast(u32),
    HourBetween(u32, u32),
    HoursBelow(f64),
    HoursAtLeast(f64),
    SignalsAny(Vec<String>),
    SignalsAtLeast(u32),
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Flag {
    RealName,
    CardSelf,
    PendingVerification,
    TermsPending,
    Violation,
    Maintenance,
    BankMaintenance,
    NetworkOk,
    DepositShort,
    OrdersUnsettled,
}

/// A withdrawal fee in fen: `rate_permille`‰ above the lifetime free quota, at least `min`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fee {
    pub rate_permille: i64,
    pub min: i64,
    pub free_lifetime: i64,
}

impl Fee {
    /// The fee on `amount` when `used` of the free quota is already gone.
    pub fn on(self, amount: i64, used: i64) -> i64 {
        let free_left = (self.free_lifetime - used).max(0);
        let charged = (amount - free_left).max(0);
        if charged == 0 {
            return 0;
        }
        ((charged * self.rate_permille + 500) / 1000).max(self.min)
    }
}

/// A step of the first 30 minutes.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub actions: u8,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone)]
pub(crate) struct EscalationText {
    pub stage: String,
    pub platforms: u16,
    pub zh: String,
    pub en: String,
}

/// Collects problems for one file.
pub(crate) struct FileProblems<'a> {
    pub file: &'a str,
    pub problems: &'a mut Vec<Problem>,
}

impl FileProblems<'_> {
    pub fn problem(&mut self, id: &str, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            id: id.to_string(),
            field: field.into(),
            message: message.into(),
        });
    }

    /// Deserializes one entry; a schema error names the entry's id and the field's path.
    pub fn entry<T: DeserializeOwned>(
        &mut self,
        value: toml::Value,
        section: &str,
        index: usize,
    ) -> Option<T> {
        let id = value
            .get("id")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("{section}[{index}]"));
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(v) => Some(v),
            Err(e) => {
                let path = e.path().to_string();
                let msg = e.inner().to_string();
                let field = match (
                    msg.starts_with("unknown field") || msg.starts_with("missing field"),
                    backticked(&msg),
                ) {
                    (true, Some(key)) if path == "." => key,
                    (true, Some(key)) => format!("{path}.{key}"),
                    _ => path,
                };
                self.problem(&id, field, msg.trim().to_string());
                None
            }
        }
    }
}

fn backticked(text: &str) -> Option<String> {
    let start = text.find('`')? + 1;
    let len = text[start..].find('`')?;
    Some(text[start..start + len].to_string())
}

pub(crate) fn platform_mask(cx: &mut FileProblems, id: &str, field: &str, names: &[String]) -> u16 {
    if names.is_empty() {
        cx.problem(id, field, "empty: list platform kinds or \"*\"");
    }
    let mut mask = 0u16;
    for n in names {
        if n == "*" {
            mask = u16::MAX;
        } else if let Some(i) = PlatformKind::ALL.iter().position(|k| k.as_str() == n) {
            mask |= 1 << i;
        } else {
            cx.problem(id, field, format!("unknown platform kind \"{n}\""));
        }
    }
    mask
}

pub(crate) fn action_mask(cx: &mut FileProblems, id: &str, names: &[String]) -> u8 {
    if names.is_empty() {
        return u8::MAX;
    }
    let mut mask = 0u8;
    for n in names {
        match Action::ALL.iter().position(|a| a.as_str() == n) {
            Some(i) => mask |= 1 << i,
            None => cx.problem(id, "actions", format!("unknown action \"{n}\"")),
        }
    }
    mask
}

fn money(cx: &mut FileProblems, id: &str, field: &str, text: &str) -> i64 {
    match Money::parse_amount(text) {
        Ok(m) => m.fen(),
        Err(_) => {
            cx.problem(
                id,
                field,
                format!("\"{text}\" is not an amount like \"1000.00\""),
            );
            0
        }
    }
}

pub(crate) fn check_sources(cx: &mut FileProblems, id: &str, field: &str, sources: &[Source]) {
    if sources.is_empty() {
        cx.problem(id, field, "missing: every rule cites at least one source");
    }
    for (i, s) in sources.iter().enumerate() {
        if s.title.trim().is_empty() {
            cx.problem(id, format!("{field}[{i}].title"), "empty");
        }
        let has_url = s
            .url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://") || u.starts_with("http://"));
        let has_doc = s.document.as_deref().is_some_and(|d| !d.trim().is_empty());
        if !has_url && !has_doc {
            cx.problem(
                id,
                format!("{field}[{i}]"),
                "needs a url (http…) or a document",
            );
        }
        if cites_seed(s.document.as_deref(), s.url.as_deref()) && s.confidence != Confidence::Low {
            cx.problem(id, format!("{field}[{i}].confidence"), SEED_SOURCE_NOT_LOW);
        }
    }
}

/// True when every source is a seed article (and there is at least one).
pub(crate) fn only_seeds(sources: &[Source]) -> bool {
    !sources.is_empty()
        && sources
            .iter()
            .all(|s| cites_seed(s.document.as_deref(), s.url.as_deref()))
}

pub(crate) fn parse_checked(cx: &mut FileProblems, id: &str, text: &str) -> NaiveDate {
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) if d.year_ce().1 >= 2000 => d,
        _ => {
            cx.problem(
                id,
                "checked",
                format!("\"{text}\" is not a date YYYY-MM-DD"),
            );
            NaiveDate::MIN
        }
    }
}

use chrono::Datelike;

fn check_texts(cx: &mut FileProblems, id: &str, lang: &str, t: &Texts) {
    for (name, v) in [("title", &t.title), ("explanation", &t.explanation)] {
        if v.trim().is_empty() {
            cx.problem(id, format!("{lang}.{name}"), "empty");
        }
    }
    if t.actions.is_empty() || t.actions.iter().any(|a| a.trim().is_empty()) {
        cx.problem(
            id,
            format!("{lang}.actions"),
            "needs at least one non-empty action",
        );
    }
}

/// Validates and compiles one rule; `None` when it is too broken to evaluate.
pub(crate) fn rule(cx: &mut FileProblems, raw: RawRule, from_user: bool) -> Option<Rule> {
    let id = raw.id.clone();
    if !valid_id(&id) {
        cx.problem(
            &id,
            "id",
            "ids are lower-case dotted words, e.g. wechat.withdraw.daily-limit",
        );
    }
    let cause = cause_index(&raw.cause);
    if cause.is_none() {
        cx.problem(
            &id,
            "cause",
            format!("\"{}\" is not in the cause taxonomy", raw.cause),
        );
    }
    let platforms = platform_mask(cx, &id, "platforms", &raw.platforms);
    let actions = action_mask(cx, &id, &raw.actions);
    check_texts(cx, &id, "zh", &raw.zh);
    check_texts(cx, &id, "en", &raw.en);
    if raw.zh.actions.len() != raw.en.actions.len() {
        cx.problem(
            &id,
            "en.actions",
            "zh and en must list the same number of actions",
        );
    }
    if raw.zh.expected_wait.is_some() != raw.en.expected_wait.is_some() {
        cx.problem(
            &id,
            "en.expected_wait",
            "give expected_wait in both languages or neither",
        );
    }
    check_sources(cx, &id, "sources", &raw.sources);
    if let Some(best) = raw.sources.iter().map(|s| s.confidence).max() {
        if raw.confidence > best {
            cx.problem(&id, "confidence", "higher than any of its sources");
        }
    }
    if only_seeds(&raw.sources) && raw.confidence != Confidence::Low {
        cx.problem(&id, "confidence", SEED_ONLY_NOT_LOW);
    }
    for (i, c) in raw.conflicts.iter().enumerate() {
        check_sources(cx, &id, &format!("conflicts[{i}].sources"), &c.sources);
        if c.zh.trim().is_empty() || c.en.trim().is_empty() {
            cx.problem(
                &id,
                format!("conflicts[{i}]"),
                "describe the disagreement in zh and en",
            );
        }
    }
    let checked = parse_checked(cx, &id, &raw.checked);
    let fee = raw.fee.as_ref().map(|f| fee(cx, &id, f));
    if raw.when.is_empty() {
        cx.problem(
            &id,
            "when",
            "a rule needs at least one [[rule.when]] alternative",
        );
    }
    let alts = raw
        .when
        .iter()
        .enumerate()
        .map(|(i, w)| alt(cx, &id, i, w, raw.likelihood, fee))
        .collect();
    if raw.tests.is_empty() {
        cx.problem(&id, "tests", "a rule needs its own [[rule.tests]] cases");
    } else if !raw
        .tests
        .iter()
        .any(|t| t.expect == super::schema::Expect::Present)
    {
        cx.problem(
            &id,
            "tests",
            "needs at least one case where the rule fires (expect = \"present\")",
        );
    }
    Some(Rule {
        cause: cause?,
        id,
        file: cx.file.to_string(),
        from_user,
        platforms,
        platform_names: raw.platforms,
        actions,
        likelihood: raw.likelihood,
        confidence: raw.confidence,
        zh: raw.zh,
        en: raw.en,
        sources: raw.sources,
        checked,
        checked_text: checked.to_string(),
        conflicts: raw.conflicts,
        alts,
        tests: raw.tests,
    })
}

fn fee(cx: &mut FileProblems, id: &str, f: &FeeModel) -> Fee {
    Fee {
        rate_permille: i64::from(f.rate_permille),
        min: money(cx, id, "fee.min", &f.min),
        free_lifetime: money(cx, id, "fee.free_lifetime", &f.free_lifetime),
    }
}

pub(crate) fn valid_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// An amount threshold in the TOML, its key, and the condition it becomes.
type AmountCond<'a> = (&'a Option<String>, &'static str, fn(i64) -> Cond);

fn alt(
    cx: &mut FileProblems,
    id: &str,
    i: usize,
    w: &When,
    base: Likelihood,
    fee: Option<Fee>,
) -> Alt {
    let f = |name: &str| format!("when[{i}].{name}");
    let mut conds = Vec::new();
    if let Some(list) = &w.status {
        let mut mask = 0u8;
        for s in list {
            match Status::ALL.iter().position(|x| x.as_str() == s) {
                Some(k) => mask |= 1 << k,
                None => cx.problem(id, f("status"), format!("unknown status \"{s}\"")),
            }
        }
        conds.push(Cond::Status(mask));
    }
    if let Some(list) = &w.message {
        let mut mask: super::CauseMask = 0;
        for c in list {
            match cause_index(c) {
                Some(k) => mask |= 1 << k,
                None => cx.problem(
                    id,
                    f("message"),
                    format!("\"{c}\" is not in the cause taxonomy"),
                ),
            }
        }
        conds.push(Cond::Message(mask));
    }
    let lower = |v: &Vec<String>| {
        v.iter()
            .map(|s| s.trim().to_lowercase())
            .collect::<Vec<_>>()
    };
    if let Some(v) = &w.from {
        conds.push(Cond::From(lower(v)));
    }
    if let Some(v) = &w.to {
        conds.push(Cond::To(lower(v)));
    }
    let flags = [
        (w.real_name_verified, Flag::RealName),
        (w.card_holder_is_self, Flag::CardSelf),
        (w.pending_verification, Flag::PendingVerification),
        (w.terms_update_pending, Flag::TermsPending),
        (w.violation_notice, Flag::Violation),
        (w.maintenance_notice, Flag::Maintenance),
        (w.bank_maintenance_notice, Flag::BankMaintenance),
        (w.network_ok, Flag::NetworkOk),
        (w.deposit_short, Flag::DepositShort),
        (w.orders_unsettled, Flag::OrdersUnsettled),
    ];
    for (value, flag) in flags {
        if let Some(v) = value {
            conds.push(Cond::Flag(flag, v));
        }
    }
    for (list, name, pay) in [
        (&w.payment_account_class, "payment_account_class", true),
        (&w.card_class, "card_class", false),
    ] {
        if let Some(list) = list {
            let mut mask = 0u8;
            for c in list {
                match ["I", "II", "III"].iter().position(|x| x == c) {
                    Some(k) => mask |= 1 << k,
                    None => cx.problem(id, f(name), format!("\"{c}\" is not I, II or III")),
                }
            }
            conds.push(if pay {
                Cond::PayClass(mask)
            } else {
                Cond::CardClass(mask)
            });
        }
    }
    if let Some(v) = w.id_expired {
        conds.push(Cond::IdExpired(v));
    }
    let amounts: [AmountCond; 5] = [
        (&w.amount_at_least, "amount_at_least", Cond::AmountAtLeast),
        (&w.amount_above, "amount_above", Cond::AmountAbove),
        (
            &w.today_plus_amount_above,
            "today_plus_amount_above",
            Cond::TodayPlusAbove,
        ),
        (
            &w.year_plus_amount_above,
            "year_plus_amount_above",
            Cond::YearPlusAbove,
        ),
        (
            &w.lifetime_plus_amount_above,
            "lifetime_plus_amount_above",
            Cond::LifetimePlusAbove,
        ),
    ];
    for (value, name, make) in amounts {
        if let Some(text) = value {
            let fen = money(cx, id, &f(name), text);
            conds.push(make(fen));
        }
    }
    if let Some(v) = w.balance_short {
        if !v {
            cx.problem(id, f("balance_short"), "only `true` is meaningful");
        }
        conds.push(Cond::BalanceShort(fee));
    }
    if let Some(v) = w.device_age_hours_below {
        conds.push(Cond::DeviceAgeBelow(v));
    }
    if let Some(v) = w.login_distance_km_above {
        conds.push(Cond::DistanceAbove(v));
    }
    if let Some(v) = w.attempts_last_10_min_at_least {
        conds.push(Cond::AttemptsAtLeast(v));
    }
    if let Some(v) = w.amount_times_usual_at_least {
        if v < 2 {
            cx.problem(
                id,
                f("amount_times_usual_at_least"),
                "use a multiple of at least 2",
            );
        }
        conds.push(Cond::TimesUsualAtLeast(v));
    }
    if let Some([a, b]) = w.local_hour_between {
        if a > 23 || b > 24 {
            cx.problem(id, f("local_hour_between"), "hours are 0–24");
        }
        conds.push(Cond::HourBetween(a, b));
    }
    if let Some(v) = w.hours_since_request_below {
        conds.push(Cond::HoursBelow(v));
    }
    if let Some(v) = w.hours_since_request_at_least {
        conds.push(Cond::HoursAtLeast(v));
    }
    if let Some(v) = &w.platform_signals_any {
        for s in v {
            if serde_json::from_value::<crate::vocab::PlatformSignal>(serde_json::Value::String(
                s.clone(),
            ))
            .is_err()
            {
                cx.problem(
                    id,
                    f("platform_signals_any"),
                    format!("unknown platform signal \"{s}\""),
                );
            }
        }
        conds.push(Cond::SignalsAny(v.clone()));
    }
    if let Some(v) = w.platform_signals_at_least {
        conds.push(Cond::SignalsAtLeast(v));
    }
    if conds.is_empty() {
        cx.problem(
            id,
            format!("when[{i}]"),
            "an alternative without conditions would fire on every case",
        );
    }
    Alt {
        likelihood: w.likelihood.unwrap_or(base),
        conds,
    }
}

/// Validates a message pattern (its examples are checked later, against the compiled set).
pub(crate) fn pattern(
    cx: &mut FileProblems,
    p: &RawPattern,
    strict: bool,
) -> (super::CauseMask, super::CauseMask) {
    if !valid_id(&p.id) {
        cx.problem(
            &p.id,
            "id",
            "ids are lower-case dotted words, e.g. msg.limit.daily",
        );
    }
    let mut mask: super::CauseMask = 0;
    if p.causes.is_empty() {
        cx.problem(&p.id, "causes", "map the pattern to at least one cause");
    }
    for c in &p.causes {
        match cause_index(c) {
            Some(k) => mask |= 1 << k,
            None => cx.problem(
                &p.id,
                "causes",
                format!("\"{c}\" is not in the cause taxonomy"),
            ),
        }
    }
    if p.regexes.is_empty() {
        cx.problem(&p.id, "match", "needs at least one regex");
    }
    for (i, r) in p.regexes.iter().enumerate().filter(|_| strict) {
        if let Err(e) = regex::Regex::new(&super::matcher::fold_pattern(r)) {
            cx.problem(&p.id, format!("match[{i}]"), format!("bad regex: {e}"));
        }
    }
    for (i, r) in p.unless.iter().enumerate().filter(|_| strict) {
        if let Err(e) = regex::Regex::new(&super::matcher::fold_pattern(r)) {
            cx.problem(&p.id, format!("unless[{i}]"), format!("bad regex: {e}"));
        }
    }
    if !p.platforms.is_empty() {
        platform_mask(cx, &p.id, "platforms", &p.platforms);
    }
    if p.examples.is_empty() {
        cx.problem(
            &p.id,
            "examples",
            "a pattern needs example messages it must match",
        );
    }
    let mut suppresses: super::CauseMask = 0;
    for c in &p.suppresses {
        match cause_index(c) {
            Some(k) if mask & (1 << k) != 0 => cx.problem(
                &p.id,
                "suppresses",
                format!("\"{c}\" is one of the pattern's own causes"),
            ),
            Some(k) => suppresses |= 1 << k,
            None => cx.problem(
                &p.id,
                "suppresses",
                format!("\"{c}\" is not in the cause taxonomy"),
            ),
        }
    }
    (mask, suppresses)
}

pub(crate) fn step(cx: &mut FileProblems, s: RawStep) -> Step {
    if s.zh.trim().is_empty() || s.en.trim().is_empty() {
        cx.problem(&s.id, "zh", "a step needs zh and en text");
    }
    Step {
        actions: action_mask(cx, &s.id, &s.actions),
        zh: s.zh,
        en: s.en,
    }
}

pub(crate) fn escalation(cx: &mut FileProblems, e: RawEscalation) -> EscalationText {
    let id = format!("escalation.{}", e.stage);
    if !super::STAGES.contains(&e.stage.as_str()) {
        cx.problem(
            &id,
            "stage",
            format!(
                "unknown stage \"{}\"; use one of {}",
                e.stage,
                super::STAGES.join(", ")
            ),
        );
    }
    let platforms = platform_mask(cx, &id, "platforms", &e.platforms);
    EscalationText {
        stage: e.stage,
        platforms,
        zh: e.zh,
        en: e.en,
    }
}
