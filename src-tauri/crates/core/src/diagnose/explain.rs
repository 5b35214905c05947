//! `tixian kb explain-message` and the app's "为什么这样判断": how one message is understood —
//! its normal form, the patterns that fired, the nearest known texts with their sources, and the
//! causes that result.

use crate::diagnose::{self, Case};
use crate::kb::schema::Source;
use crate::kb::{Kb, TAXONOMY};
use crate::lang::Lang;
use crate::ledger::PlatformKind;
use crate::time::Timestamp;
use serde::Serialize;

/// One pattern that fired.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PatternHit {
    pub id: String,
    pub causes: Vec<String>,
    pub weak: bool,
}

/// A known corpus text near the message.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NearestText {
    pub text: String,
    pub platform: PlatformKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub causes: Vec<String>,
    /// The causes as people read them (the title of the cause's first rule), in the language asked.
    pub cause_titles: Vec<String>,
    pub vague: bool,
    /// Cosine similarity, two decimals as a string ("0.83"): exact and stable across IPC.
    pub score: String,
    pub source: Source,
    pub checked: String,
}

/// How a message is understood.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessageExplanation {
    pub message: String,
    /// What the patterns compare against: width, punctuation and numbers folded.
    pub normalised: String,
    /// What the corpus is compared against: the normal form with synonyms folded.
    pub folded: String,
    pub patterns: Vec<PatternHit>,
    /// Whether the corpus was consulted (only when no specific pattern fired).
    pub used_corpus: bool,
    pub nearest: Vec<NearestText>,
    /// The platform kind the message was diagnosed as: the one asked for, else the nearest
    /// known text's, else `other`.
    pub platform: PlatformKind,
    /// The diagnosis of the message alone (platform, a failed withdrawal, the message).
    pub diagnosis: diagnose::Diagnosis<'static>,
    /// True when nothing recognisable was found: the app asks questions instead of guessing.
    pub unknown: bool,
}

impl Kb {
    /// A corpus text as shown beside a diagnosis.
    pub(crate) fn nearest_text(&self, text: usize, score: f32, lang: Lang) -> NearestText {
        let t = &self.corpus.texts[text];
        let s = &self.corpus.sources[t.source];
        NearestText {
            text: t.text.clone(),
            platform: t.platform,
            code: t.code.clone(),
            causes: t.causes.iter().map(|&c| TAXONOMY[c].to_string()).collect(),
            cause_titles: t
                .causes
                .iter()
                .map(|&c| self.cause_title(c, lang))
                .collect(),
            vague: t.vague,
            score: format!("{score:.2}"),
            source: s.source.clone(),
            checked: s.checked.clone(),
        }
    }

    /// A cause's name for people: the title of its first, most general rule.
    fn cause_title(&self, cause: usize, lang: Lang) -> String {
        let rule = self
            .rules
            .iter()
            .filter(|r| r.cause == cause)
            .max_by_key(|r| r.platforms.count_ones());
        match (rule, lang) {
            (Some(r), Lang::Zh) => r.zh.title.clone(),
            (Some(r), Lang::En) => r.en.title.clone(),
            (None, _) => TAXONOMY[cause].to_string(),
        }
    }

    /// Explains how `message` is read, as diagnosed for `platform` (default: other).
    pub fn explain_message(
        &self,
        message: &str,
        platform: Option<PlatformKind>,
        lang: Lang,
        now: &Timestamp,
    ) -> MessageExplanation {
        let patterns = self
            .matcher()
            .matching_patterns(message)
            .into_iter()
            .map(|i| {
                let p = &self.patterns[i];
                PatternHit {
                    id: p.id.clone(),
                    causes: p.causes.clone(),
                    weak: p.weak,
                }
            })
            .collect();
        let index = self.similar();
        let reading = self.read_message(message);
        let used_corpus = reading.signals.strong == 0;
        // Shown even when a pattern decided (then looked up here): the nearest texts are the
        // reason a person can check.
        let neighbours = if used_corpus {
            reading.neighbours
        } else {
            index.nearest(message)
        };
        let nearest: Vec<NearestText> = neighbours
            .into_iter()
            .map(|n| self.nearest_text(n.text, n.score, lang))
            .collect();
        let platform = platform
            .or_else(|| nearest.first().map(|n| n.platform))
            .unwrap_or(PlatformKind::Other);
        let case = Case::for_message(platform, message);
        let diagnosis = diagnose::diagnose(self, &case, lang, now).into_owned();
        MessageExplanation {
            message: message.to_string(),
            normalised: crate::kb::matcher::normalise(message),
            folded: index.folded(message),
            patterns,
            used_corpus,
            unknown: diagnosis.causes.is_empty(),
            nearest,
            platform,
            diagnosis,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::field::Field;
    use crate::kb::Kb;
    use crate::ledger::PlatformKind;
    use crate::Lang;

    /// The corpus labels list a text's causes most likely first; when every label counted the
    /// same, the merchant-side second label of a whole family of WeChat texts ("…，核实产品设置
    /// 是否准确") outvoted the limit the receiver actually hit.
    #[test]
    fn a_receivers_daily_count_limit_ranked_below_the_payer_side_label() {
        let now = crate::time::parse_time("2026-11-28T10:00:00+08:00", Field::At).unwrap();
        let e = Kb::embedded().explain_message(
            "超过用户单日收款次数，核实产品设置是否准确",
            Some(PlatformKind::Wechat),
            Lang::Zh,
            &now,
        );
        let ids: Vec<&str> = e.diagnosis.causes.iter().map(|c| c.id.as_ref()).collect();
        assert_eq!(ids.first(), Some(&"limit.daily"), "{ids:?}");
        assert!(ids.contains(&"platform.payer_side"), "{ids:?}");
    }
}
