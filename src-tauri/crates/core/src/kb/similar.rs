//! The second layer of message matching: a message no pattern knows is compared with every
//! text of the labelled corpus, and the causes of its nearest texts become weaker evidence.
//!
//! Texts are compared as TF-IDF vectors of character unigrams and bigrams (whole words for Latin
//! letters, so error codes stay one feature) over the normalised message with the lexicon's
//! synonyms folded (收款/到账/入账 → one word), by cosine similarity. An error code quoted in the
//! message (`TRANSFER_QUOTA_EXCEED`) that a corpus text carries counts as an exact match.
//! Scores are similarities, not money: `f32` is fine here.

use super::corpus::{Corpus, CorpusText};
use super::matcher::normalise;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;

/// The knobs of the similarity layer, set by leave-one-source-out on the corpus
/// (`cargo run --release -p tixian-core --example message_corpus` sweeps them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimilarityParams {
    /// How many nearest texts vote on the causes.
    pub neighbours: usize,
    /// Texts less similar than this say nothing about the message.
    pub min_similarity: f32,
    /// A cause whose best text is at least this similar, with at least `strong_share` of the
    /// vote, counts like a pattern hit one likelihood step lower; otherwise two steps lower.
    pub strong_similarity: f32,
    pub strong_share: f32,
    /// A unigram weighs this much of a bigram: single characters say less.
    pub unigram_weight: f32,
    /// How much a vague neighbour's vote counts.
    pub vague_vote: f32,
    /// A neighbour sharing only one pair of characters must be at least this similar.
    pub single_pair_similarity: f32,
    /// How fast a neighbour's vote falls off with its distance from the nearest text.
    pub vote_sharpness: i32,
}

impl Default for SimilarityParams {
    fn default() -> Self {
        SimilarityParams {
            neighbours: 7,
            min_similarity: 0.2,
            strong_similarity: 0.45,
            strong_share: 0.4,
            unigram_weight: 0.6,
            vague_vote: 0.3,
            single_pair_similarity: 0.45,
            vote_sharpness: 2,
        }
    }
}

/// One nearest corpus text and how similar it is (0–1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Neighbour {
    pub text: usize,
    pub score: f32,
}

/// A cause the neighbours point to: its share of the vote and its best text's similarity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CauseVote {
    pub cause: usize,
    pub share: f32,
    pub best: f32,
}

impl CauseVote {
    /// Strong enough to count like a pattern hit (one step lower)?
    pub fn strong(&self, p: &SimilarityParams) -> bool {
        self.best >= p.strong_similarity && self.share >= p.strong_share
    }
}

/// The vectors of every corpus text, indexed by feature.
#[derive(Debug)]
pub(crate) struct SimilarityIndex {
    pub params: SimilarityParams,
    folder: Option<AhoCorasick>,
    canon: Vec<String>,
    /// Feature key → (inverse document frequency, postings: text index and weight).
    features: HashMap<u64, (f32, Vec<(u32, f32)>)>,
    /// Lower-cased error code → texts carrying it.
    codes: HashMap<String, Vec<u32>>,
    /// Which corpus texts are in the index (all, or all but one source's).
    texts: Vec<usize>,
}

impl SimilarityIndex {
    /// Indexes the corpus; `leave_out` drops one source's texts (for leave-one-source-out).
    pub fn build(corpus: &Corpus, leave_out: Option<usize>) -> SimilarityIndex {
        SimilarityIndex::build_with(corpus, leave_out, SimilarityParams::default())
    }

    pub fn build_with(
        corpus: &Corpus,
        leave_out: Option<usize>,
        params: SimilarityParams,
    ) -> SimilarityIndex {
        let (folder, canon) = folder(&corpus.lexicon);
        let texts: Vec<usize> = (0..corpus.texts.len())
            .filter(|&i| Some(corpus.texts[i].source) != leave_out)
            .collect();
        let mut index = SimilarityIndex {
            params,
            folder,
            canon,
            features: HashMap::new(),
            codes: HashMap::new(),
            texts,
        };
        let counts: Vec<Vec<(u64, f32)>> = index
            .texts
            .iter()
            .map(|&i| index.term_counts(&corpus.texts[i]))
            .collect();
        let mut df: HashMap<u64, u32> = HashMap::new();
        for doc in &counts {
            for (k, _) in doc {
                *df.entry(*k).or_default() += 1;
            }
        }
        let n = counts.len() as f32;
        for (d, doc) in counts.iter().enumerate() {
            let weights: Vec<(u64, f32)> =
                doc.iter().map(|(k, tf)| (*k, tf * idf(n, df[k]))).collect();
            let norm = weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            for (k, w) in weights {
                let entry = index
                    .features
                    .entry(k)
                    .or_insert_with(|| (idf(n, df[&k]), Vec::new()));
                entry.1.push((d as u32, w / norm.max(f32::EPSILON)));
            }
        }
        for (d, &i) in index.texts.iter().enumerate() {
            if let Some(code) = &corpus.texts[i].code {
                index
                    .codes
                    .entry(code.to_ascii_lowercase())
                    .or_default()
                    .push(d as u32);
            }
        }
        index
    }

    /// The normalised message with the lexicon's synonyms folded.
    pub fn folded(&self, message: &str) -> String {
        let text = normalise(message);
        match &self.folder {
            Some(f) => f.replace_all(&text, &self.canon),
            None => text,
        }
    }

    fn term_counts(&self, t: &CorpusText) -> Vec<(u64, f32)> {
        counts(&features(&self.folded(&t.text), self.params.unigram_weight))
    }

    /// The nearest corpus texts (indices into the corpus), most similar first.
    pub fn nearest(&self, message: &str) -> Vec<Neighbour> {
        let mut scores = vec![0f32; self.texts.len()];
        for code in codes_in(message) {
            if let Some(ds) = self.codes.get(&code) {
                for &d in ds {
                    scores[d as usize] = 2.0; // marks an exact code; capped to 1.0 below
                }
            }
        }
        let query: Vec<(u64, f32)> =
            counts(&features(&self.folded(message), self.params.unigram_weight))
                .into_iter()
                .filter_map(|(k, tf)| self.features.get(&k).map(|(idf, _)| (k, tf * idf)))
                .collect();
        let norm = query.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        // One shared pair of characters is weak evidence: with only one, a neighbour must be
        // clearly similar (short texts); with two or more, `min_similarity` suffices.
        let mut shared = vec![0u8; self.texts.len()];
        if norm > 0.0 {
            for (k, w) in &query {
                let pair = k >> 63 == 0;
                for &(d, dw) in &self.features[k].1 {
                    let s = &mut scores[d as usize];
                    if *s < 2.0 {
                        *s += w / norm * dw;
                    }
                    if pair {
                        shared[d as usize] = shared[d as usize].saturating_add(1);
                    }
                }
            }
        }
        let mut hits: Vec<Neighbour> = scores
            .iter()
            .enumerate()
            .filter(|(d, s)| {
                **s >= 2.0
                    || (**s >= self.params.min_similarity
                        && (shared[*d] >= 2 || **s >= self.params.single_pair_similarity))
            })
            .map(|(d, s)| Neighbour {
                text: self.texts[d],
                score: s.min(1.0),
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.text.cmp(&b.text)));
        hits.truncate(self.params.neighbours);
        hits
    }

    /// The causes the nearest texts vote for, strongest first.
    pub fn vote(&self, corpus: &Corpus, neighbours: &[Neighbour]) -> Vec<CauseVote> {
        let mut votes: Vec<CauseVote> = Vec::new();
        let mut total = 0.0;
        let top = neighbours
            .first()
            .map_or(1.0, |n| n.score.max(f32::EPSILON));
        for n in neighbours {
            let t = &corpus.texts[n.text];
            // Texts much less alike than the nearest one barely vote: many near-copies of one
            // template ("…，核实产品设置是否准确") must not outvote the one that matches.
            let weight = n.score
                * (n.score / top).powi(self.params.vote_sharpness)
                * if t.vague { self.params.vague_vote } else { 1.0 };
            for (rank, &cause) in t.causes.iter().enumerate() {
                let w = weight / (1.0 + rank as f32);
                total += w;
                // A vague text never makes its causes strong.
                let best = if t.vague {
                    n.score.min(self.params.strong_similarity - 0.01)
                } else {
                    n.score
                };
                match votes.iter_mut().find(|v| v.cause == cause) {
                    Some(v) => {
                        v.share += w;
                        v.best = v.best.max(best);
                    }
                    None => votes.push(CauseVote {
                        cause,
                        share: w,
                        best,
                    }),
                }
            }
        }
        for v in &mut votes {
            v.share /= total.max(f32::EPSILON);
        }
        votes.sort_by(|a, b| {
            (b.share * b.best)
                .total_cmp(&(a.share * a.best))
                .then(a.cause.cmp(&b.cause))
        });
        votes
    }

    /// How many texts are indexed.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.texts.len()
    }
}

fn idf(n: f32, df: u32) -> f32 {
    ((n + 1.0) / (df as f32 + 1.0)).ln() + 1.0
}

/// One automaton replacing every lexicon variant (longest first) by its canonical word.
fn folder(lexicon: &[(String, String)]) -> (Option<AhoCorasick>, Vec<String>) {
    if lexicon.is_empty() {
        return (None, Vec::new());
    }
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(lexicon.iter().map(|(v, _)| v.as_str()))
        .expect("lexicon variants are plain strings");
    (
        Some(automaton),
        lexicon.iter().map(|(_, c)| c.clone()).collect(),
    )
}

/// Feature keys of a folded text: each CJK character and each pair of neighbours, and each run of
/// Latin letters as one word.
fn features(text: &str, unigram_weight: f32) -> Vec<(u64, f32)> {
    let mut out = Vec::with_capacity(text.len());
    let mut prev: Option<char> = None;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<(u64, f32)>| {
        if !word.is_empty() {
            out.push((word_key(word), 1.0));
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            word.push(c);
            prev = None;
            continue;
        }
        flush(&mut word, &mut out);
        out.push((1 << 63 | c as u64, unigram_weight));
        if let Some(p) = prev {
            out.push(((p as u64) << 21 | c as u64, 1.0));
        }
        prev = Some(c);
    }
    flush(&mut word, &mut out);
    out
}

fn word_key(word: &str) -> u64 {
    // FNV-1a: stable across runs and builds, unlike the std hasher's random keys.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in word.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    1 << 62 | (h >> 2)
}

/// Sums repeated features into log-scaled term frequencies.
fn counts(features: &[(u64, f32)]) -> Vec<(u64, f32)> {
    let mut map: Vec<(u64, f32)> = Vec::with_capacity(features.len());
    for &(k, w) in features {
        match map.iter_mut().find(|(key, _)| *key == k) {
            Some(e) => e.1 += w,
            None => map.push((k, w)),
        }
    }
    for e in &mut map {
        e.1 = if e.1 > 1.0 { 1.0 + e.1.ln() } else { e.1 };
    }
    map
}

/// Error codes quoted in a raw message: runs of capitals, digits, `_` and `.` with a letter,
/// at least four long (TRANSFER_QUOTA_EXCEED, ACQ.TRADE_HAS_CLOSE, E0001).
fn codes_in(message: &str) -> impl Iterator<Item = String> + '_ {
    message
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| w.len() >= 4 && w.chars().any(|c| c.is_ascii_alphabetic()))
        .map(|w| w.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::cause_index;
    use crate::kb::corpus::{Corpus, CorpusSource, CorpusText, SourceKind};
    use crate::kb::schema::{Confidence, Source};
    use crate::ledger::PlatformKind;

    fn corpus(texts: &[(&str, &str, Option<&str>)]) -> Corpus {
        Corpus {
            sources: vec![CorpusSource {
                id: "s".into(),
                kind: SourceKind::Official,
                checked: "2026-12-03".into(),
                source: Source {
                    title: "t".into(),
                    url: None,
                    document: None,
                    confidence: Confidence::High,
                },
            }],
            texts: texts
                .iter()
                .map(|(text, cause, code)| CorpusText {
                    text: text.to_string(),
                    code: code.map(str::to_string),
                    platform: PlatformKind::Wechat,
                    side: None,
                    causes: vec![cause_index(cause).unwrap()],
                    vague: false,
                    source: 0,
                    file: "messages/x.toml".into(),
                })
                .collect(),
            lexicon: vec![
                ("到账".into(), "收款".into()),
                ("限额".into(), "额度".into()),
            ],
        }
    }

    #[test]
    fn the_nearest_text_shares_the_most_telling_characters() {
        let c = corpus(&[
            ("超过用户单月收款额度", "limit.periodic", None),
            ("超过用户单笔收款额度", "limit.single", None),
            ("收款人姓名校验不通过", "account.info_mismatch", None),
        ]);
        let index = SimilarityIndex::build(&c, None);
        let near = index.nearest("超出用户月到账限额");
        assert_eq!(near[0].text, 0, "{near:?}");
        let votes = index.vote(&c, &near);
        assert_eq!(votes[0].cause, cause_index("limit.periodic").unwrap());
    }

    #[test]
    fn a_quoted_error_code_is_an_exact_match() {
        let c = corpus(&[
            (
                "超过用户单月收款额度",
                "limit.periodic",
                Some("MONTH_RECEIVED_QUOTA_EXCEED"),
            ),
            (
                "超过用户单笔收款额度",
                "limit.single",
                Some("TRANSFER_QUOTA_EXCEED"),
            ),
        ]);
        let index = SimilarityIndex::build(&c, None);
        let near = index.nearest("错误码 TRANSFER_QUOTA_EXCEED");
        assert_eq!(near[0].text, 1);
        assert_eq!(near[0].score, 1.0);
    }

    #[test]
    fn unrelated_text_finds_nothing() {
        let c = corpus(&[("超过用户单月收款额度", "limit.periodic", None)]);
        let index = SimilarityIndex::build(&c, None);
        assert_eq!(index.nearest("今天天气很好"), vec![]);
        assert_eq!(index.nearest(""), vec![]);
    }

    #[test]
    fn leaving_a_source_out_removes_its_texts() {
        let c = corpus(&[("超过用户单月收款额度", "limit.periodic", None)]);
        assert_eq!(SimilarityIndex::build(&c, Some(0)).len(), 0);
        assert_eq!(SimilarityIndex::build(&c, None).len(), 1);
    }
}
