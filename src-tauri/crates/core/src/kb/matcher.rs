//! Matching the error text a platform showed against the known message patterns.
//!
//! Both the message and the patterns are normalised first, so that the same words match however
//! they were typed: full-width letters and digits become half-width, spaces and punctuation go,
//! 您/你, 的/得 and 帐/账 are folded, and every number or amount (`5000元`, `¥1,234.50`, `5万`,
//! `五千元`) becomes one `#`. All alternatives are compiled once into a single `RegexSet`.

use super::CauseMask;
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

/// One pattern as the engine needs it: which causes it points to and how strongly.
#[derive(Debug, Clone)]
pub(crate) struct PatternRef {
    /// Bitmask of cause indices (see `kb::TAXONOMY`).
    pub causes: CauseMask,
    pub weak: bool,
    /// Vetoes a hit of this pattern (e.g. "单笔限额" unless it is the bank's limit).
    pub unless: Option<Regex>,
    /// Causes whose specific hits this pattern's hit removes.
    pub suppresses: CauseMask,
}

/// All message patterns, precompiled.
#[derive(Debug)]
pub(crate) struct Matcher {
    set: RegexSet,
    /// For each regex in `set`, the index of its pattern.
    owner: Vec<usize>,
    pub patterns: Vec<PatternRef>,
}

/// The causes a message points to: strong (specific) and weak (vague) ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct MessageSignals {
    pub strong: CauseMask,
    pub weak: CauseMask,
    /// From the corpus (only when no pattern matched): causes whose nearest known texts are
    /// close (`similar_strong`) or only somewhat alike (`similar_weak`).
    pub similar_strong: CauseMask,
    pub similar_weak: CauseMask,
    /// The cause masks of the weak patterns that fired (the first four), so that the corpus can
    /// tell a weak pattern it supports from one it does not.
    pub weak_groups: [CauseMask; 4],
}

impl Matcher {
    /// Compiles the patterns: (cause mask, weak, regex alternatives, veto alternatives) each.
    pub fn from_patterns<'a>(
        items: impl Iterator<Item = (CauseMask, CauseMask, bool, &'a [String], &'a [String])>,
    ) -> Result<Matcher, regex::Error> {
        let mut refs = Vec::new();
        let mut regexes = Vec::new();
        for (causes, suppresses, weak, alts, unless) in items {
            refs.push(PatternRef {
                causes,
                weak,
                unless: Matcher::unless(unless)?,
                suppresses,
            });
            regexes.push(alts.to_vec());
        }
        Matcher::build(refs, &regexes)
    }

    /// Compiles every alternative of every pattern; `regexes[i]` belong to `patterns[i]`.
    pub fn build(
        patterns: Vec<PatternRef>,
        regexes: &[Vec<String>],
    ) -> Result<Matcher, regex::Error> {
        let mut all = Vec::new();
        let mut owner = Vec::new();
        for (i, alts) in regexes.iter().enumerate() {
            for r in alts {
                all.push(fold_pattern(r));
                owner.push(i);
            }
        }
        let set = RegexSetBuilder::new(&all)
            .case_insensitive(true)
            .size_limit(64 << 20)
            .dfa_size_limit(64 << 20)
            .build()?;
        Ok(Matcher {
            set,
            owner,
            patterns,
        })
    }

    /// An empty matcher (no patterns), for tests of the engine alone.
    pub fn empty() -> Matcher {
        Matcher {
            set: RegexSet::empty(),
            owner: Vec::new(),
            patterns: Vec::new(),
        }
    }

    /// Builds the optional veto regex of a pattern (alternatives joined).
    pub fn unless(alternatives: &[String]) -> Result<Option<Regex>, regex::Error> {
        if alternatives.is_empty() {
            return Ok(None);
        }
        let joined = alternatives
            .iter()
            .map(|a| format!("(?:{})", fold_pattern(a)))
            .collect::<Vec<_>>()
            .join("|");
        RegexBuilder::new(&joined)
            .case_insensitive(true)
            .build()
            .map(Some)
    }

    /// Indices of the patterns the (raw) message matches, vetoes applied.
    pub fn matching_patterns(&self, message: &str) -> Vec<usize> {
        let text = normalise(message);
        let mut hits: Vec<usize> = self
            .set
            .matches(&text)
            .iter()
            .map(|i| self.owner[i])
            .collect();
        hits.dedup();
        hits.retain(|&k| {
            !self.patterns[k]
                .unless
                .as_ref()
                .is_some_and(|u| u.is_match(&text))
        });
        hits
    }

    pub fn signals(&self, message: &str) -> MessageSignals {
        self.signals_normalised(&normalise(message))
    }

    /// [`Matcher::signals`] of a message already normalised ([`normalise`]).
    pub fn signals_normalised(&self, text: &str) -> MessageSignals {
        if text.is_empty() {
            return MessageSignals::default();
        }
        let mut s = MessageSignals::default();
        let mut suppressed: CauseMask = 0;
        for i in self.set.matches(text).iter() {
            let p = &self.patterns[self.owner[i]];
            if p.unless.as_ref().is_some_and(|u| u.is_match(text)) {
                continue;
            }
            if p.weak {
                s.weak |= p.causes;
                if let Some(slot) = s
                    .weak_groups
                    .iter_mut()
                    .find(|g| **g == 0 || **g == p.causes)
                {
                    *slot = p.causes;
                }
            } else {
                s.strong |= p.causes;
                suppressed |= p.suppresses;
            }
        }
        // A suppressing pattern never lists its own causes (kb check), so they survive.
        s.strong &= !suppressed;
        s
    }
}

/// Applies the message's character folding to a regex source (only to CJK letters, so the
/// regex syntax itself is untouched).
pub(crate) fn fold_pattern(regex: &str) -> String {
    regex.chars().map(fold_cjk).collect()
}

fn fold_cjk(c: char) -> char {
    match c {
        '您' => '你',
        '得' => '的',
        '帐' | '帳' => '账',
        _ => c,
    }
}

/// Full-width forms to ASCII, ideographic space to space, then the CJK folds; ASCII lower-cased.
fn fold_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '￥' => '¥',
        _ => c,
    };
    fold_cjk(c.to_ascii_lowercase())
}

fn cn_digit(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '万'
            | '亿'
    )
}

/// The normal form both messages and patterns are compared in (see the module doc).
pub fn normalise(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    normalise_into(message, &mut out);
    out
}

/// [`normalise`] into `out` (cleared first), without allocating once `out` is large enough.
pub fn normalise_into(message: &str, out: &mut String) {
    thread_local! {
        static CHARS: std::cell::RefCell<Vec<char>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    out.clear();
    CHARS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut chars) => {
            chars.clear();
            chars.extend(message.chars().map(fold_char));
            normalise_chars(&chars, out);
        }
        Err(_) => normalise_chars(&message.chars().map(fold_char).collect::<Vec<_>>(), out),
    });
}

fn normalise_chars(chars: &[char], out: &mut String) {
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts_number = c.is_ascii_digit()
            || (matches!(c, '¥' | '$') && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()));
        if starts_number {
            i = skip_number(chars, i);
            push_hash(out);
            continue;
        }
        if cn_digit(c) {
            let mut j = i;
            while j < chars.len() && cn_digit(chars[j]) {
                j += 1;
            }
            if matches!(chars.get(j), Some('元' | '块')) {
                i = j + 1;
                push_hash(out);
                continue;
            }
        }
        if c.is_alphanumeric() {
            out.push(c);
        }
        i += 1;
    }
}

/// Skips `¥1,234.50万元` and similar from `i`; returns the index after it.
fn skip_number(chars: &[char], mut i: usize) -> usize {
    if matches!(chars[i], '¥' | '$') {
        i += 1;
    }
    while i < chars.len() {
        let c = chars[i];
        let inner_sep =
            matches!(c, ',' | '.') && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c.is_ascii_digit() || inner_sep {
            i += 1;
        } else {
            break;
        }
    }
    // A unit may follow after spaces ("5,000.00 元"); the spaces alone are dropped anyway.
    let mut j = i;
    while chars.get(j).is_some_and(|c| c.is_whitespace()) {
        j += 1;
    }
    if matches!(chars.get(j), Some('万' | '千' | '百' | '亿' | 'w' | 'k')) {
        j += 1;
        i = j;
    }
    while chars.get(j).is_some_and(|c| c.is_whitespace()) {
        j += 1;
    }
    if matches!(chars.get(j), Some('元' | '块')) {
        i = j + 1;
    }
    i
}

fn push_hash(out: &mut String) {
    if !out.ends_with('#') {
        out.push('#');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_width_punctuation_numbers_and_variants() {
        assert_eq!(normalise("单笔限额5000元"), "单笔限额#");
        assert_eq!(normalise("单笔限额 ５,０００.００ 元！"), "单笔限额#");
        assert_eq!(normalise("超出¥1,234.50，请明日再试"), "超出#请明日再试");
        assert_eq!(normalise("您的帐户存在风险"), "你的账户存在风险");
        assert_eq!(normalise("单日最多5万元"), "单日最多#");
        assert_eq!(normalise("不能超过五千元"), "不能超过#");
        assert_eq!(normalise("ＳＭＳ 验证"), "sms验证");
        assert_eq!(normalise("获得"), "获的");
    }

    #[test]
    fn weak_matches_are_kept_apart_from_strong_ones() {
        let m = Matcher::build(
            vec![
                PatternRef {
                    causes: 1,
                    weak: false,
                    unless: None,
                    suppresses: 0,
                },
                PatternRef {
                    causes: 2,
                    weak: true,
                    unless: None,
                    suppresses: 0,
                },
            ],
            &[vec!["单笔.{0,6}限额".into()], vec!["限额".into()]],
        )
        .unwrap();
        assert_eq!(
            m.signals("单笔限额５０００元"),
            MessageSignals {
                strong: 1,
                weak: 2,
                weak_groups: [2, 0, 0, 0],
                ..Default::default()
            }
        );
        assert_eq!(
            m.signals("超过限额"),
            MessageSignals {
                weak: 2,
                weak_groups: [2, 0, 0, 0],
                ..Default::default()
            }
        );
        assert_eq!(m.signals("！！"), MessageSignals::default());
    }
}
