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
    /// A message is recognised only when its nearest text is at least this similar.
    pub min_similarity: f32,
    /// Once it is, texts down to this similarity (sharing at least one pair of characters or
    /// one concept) vote too.
    pub vote_similarity: f32,
    /// A cause whose best text is at least this similar, with at least `strong_share` of the
    /// vote, counts like a pattern hit one likelihood step lower; otherwise two steps lower.
    pub strong_similarity: f32,
    pub strong_share: f32,
    /// A unigram weighs this much of a bigram: single characters say less.
    pub unigram_weight: f32,
    /// How much a vague neighbour's vote counts.
    pub vague_vote: f32,
    /// A cause is strong only if its best text is this much closer than every vague text.
    pub vague_margin: f32,
    /// A nearest text sharing only one pair of characters must be at least this similar.
    pub single_pair_similarity: f32,
    /// How fast a neighbour's vote falls off with its distance from the nearest text.
    pub vote_sharpness: i32,
    /// How much a text's second (third) cause counts of its first: `secondary_vote`^rank.
    pub secondary_vote: f32,
    /// A concept of the lexicon (额度, 实名, 冻结 …) in both texts weighs this much of a pair.
    pub concept_weight: f32,
}

impl Default for SimilarityParams {
    fn default() -> Self {
        SimilarityParams {
            neighbours: 15,
            min_similarity: 0.2,
            vote_similarity: 0.1,
            strong_similarity: 0.45,
            strong_share: 0.3,
            unigram_weight: 1.5,
            vague_vote: 0.3,
            vague_margin: 0.1,
            single_pair_similarity: 0.45,
            vote_sharpness: 1,
            secondary_vote: 0.7,
            concept_weight: 1.0,
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
    /// Finds the lexicon's concepts (canonical words) in a folded text, each one feature.
    concepts: Option<AhoCorasick>,
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
        let concepts = concept_finder(&corpus.lexicon);
        let texts: Vec<usize> = (0..corpus.texts.len())
            .filter(|&i| Some(corpus.texts[i].source) != leave_out)
            .collect();
        let mut index = SimilarityIndex {
            params,
            folder,
            canon,
            concepts,
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
        counts(&self.features(&self.folded(&t.text)))
    }

    /// The features of a folded text: its characters and pairs, and its concepts.
    fn features(&self, folded: &str) -> Vec<(u64, f32)> {
        let mut out = features(folded, self.params.unigram_weight);
        if let Some(c) = &self.concepts {
            for m in c.find_iter(folded) {
                out.push((
                    concept_key(m.pattern().as_u64()),
                    self.params.concept_weight,
                ));
            }
        }
        out
    }

    /// The nearest corpus texts (indices into the corpus), most similar first.
    /// Only a message whose nearest text is `min_similarity` alike is recognised; then texts
    /// down to `vote_similarity` are among its neighbours.
    pub fn nearest(&self, message: &str) -> Vec<Neighbour> {
        let n = self.texts.len();
        let mut best = vec![0f32; n];
        for code in codes_in(message) {
            if let Some(ds) = self.codes.get(&code) {
                for &d in ds {
                    best[d as usize] = 2.0; // marks an exact code; capped to 1.0 below
                }
            }
        }
        let mut scores = vec![0f32; n];
        let mut shared = vec![0u8; n];
        self.compare(&self.folded(message), &best, &mut scores, &mut shared);
        let exact_code = best.iter().any(|&s| s >= 2.0);
        if !keep_best(&self.params, &scores, &shared, &mut best) && !exact_code {
            return Vec::new();
        }
        let mut hits: Vec<Neighbour> = best
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0.0)
            .map(|(d, s)| Neighbour {
                text: self.texts[d],
                score: s.min(1.0),
            })
            .collect();
        let order =
            |a: &Neighbour, b: &Neighbour| b.score.total_cmp(&a.score).then(a.text.cmp(&b.text));
        let k = self.params.neighbours;
        if hits.len() > k {
            if k > 0 {
                hits.select_nth_unstable_by(k - 1, order);
            }
            hits.truncate(k);
        }
        hits.sort_by(order);
        hits
    }

    /// Cosine similarity of one folded query with every indexed text (skipping exact codes).
    fn compare(&self, folded: &str, best: &[f32], scores: &mut [f32], shared: &mut [u8]) {
        let query: Vec<(u64, f32)> = counts(&self.features(folded))
            .into_iter()
            .filter_map(|(k, tf)| self.features.get(&k).map(|(idf, _)| (k, tf * idf)))
            .collect();
        let norm = query.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm <= 0.0 {
            return;
        }
        for (k, w) in &query {
            // Concepts are not pairs: 当日 folded from 今天 is one pair, not two.
            let pair = k >> 63 == 0 && k >> 61 != 0b011;
            for &(d, dw) in &self.features[k].1 {
                let d = d as usize;
                if best[d] >= 2.0 {
                    continue;
                }
                scores[d] += w / norm * dw;
                if pair {
                    shared[d] = shared[d].saturating_add(1);
                }
            }
        }
    }

    /// The causes the nearest texts vote for, strongest first.
    pub fn vote(&self, corpus: &Corpus, neighbours: &[Neighbour]) -> Vec<CauseVote> {
        let mut votes: Vec<CauseVote> = Vec::new();
        let mut total = 0.0;
        // Measured from the nearest clear text: a vague one (系统繁忙) says little.
        let top = neighbours
            .iter()
            .find(|n| !corpus.texts[n.text].vague)
            .or(neighbours.first())
            .map_or(1.0, |n| n.score.max(f32::EPSILON));
        for n in neighbours {
            let t = &corpus.texts[n.text];
            // Texts much less alike than the nearest one barely vote: many near-copies of one
            // template ("…，核实产品设置是否准确") must not outvote the one that matches.
            let weight = n.score
                * (n.score / top).powi(self.params.vote_sharpness)
                * if t.vague { self.params.vague_vote } else { 1.0 };
            for (rank, &cause) in t.causes.iter().enumerate() {
                let w = weight * self.params.secondary_vote.powi(rank as i32);
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
        // A message at least as close to a vague text (交易失败) as to any clear one is vague:
        // no cause it suggests is strong.
        let vague_top = neighbours
            .iter()
            .filter(|n| corpus.texts[n.text].vague)
            .map(|n| n.score)
            .fold(0.0, f32::max);
        for v in &mut votes {
            v.share /= total.max(f32::EPSILON);
            if v.best < vague_top + self.params.vague_margin {
                v.best = v.best.min(self.params.strong_similarity - 0.01);
            }
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

/// Keeps each text's best score among those that may vote (`vote_similarity`, one shared pair
/// or concept at least); returns whether one of them recognises the message: one shared pair of
/// characters is weak evidence, so with only one the text must be clearly similar (short
/// texts); with two or more, `min_similarity` suffices.
fn keep_best(p: &SimilarityParams, scores: &[f32], shared: &[u8], best: &mut [f32]) -> bool {
    let mut recognised = false;
    for ((b, &s), &sh) in best.iter_mut().zip(scores).zip(shared) {
        if s >= p.vote_similarity && sh >= 1 && s > *b {
            *b = s;
        }
        recognised |= s >= p.min_similarity && (sh >= 2 || s >= p.single_pair_similarity);
    }
    recognised
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

/// One automaton finding the lexicon's canonical words (the concepts), longest first.
fn concept_finder(lexicon: &[(String, String)]) -> Option<AhoCorasick> {
    let mut words: Vec<&str> = lexicon
        .iter()
        .map(|(_, c)| c.as_str())
        .filter(|c| !c.is_empty())
        .collect();
    words.sort_unstable();
    words.dedup();
    if words.is_empty() {
        return None;
    }
    Some(
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(words)
            .expect("lexicon words are plain strings"),
    )
}

/// A concept's feature key: in the word space, apart from any Latin word.
fn concept_key(concept: u64) -> u64 {
    1 << 62 | 1 << 61 | concept
}

fn word_key(word: &str) -> u64 {
    // FNV-1a: stable across runs and builds, unlike the std hasher's random keys.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in word.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    1 << 62 | (h >> 3)
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

    #[test]
    fn a_folded_concept_is_not_a_second_shared_pair() {
        // 今天 folds to 当日: one pair and one concept shared with the corpus text, which is
        // not enough for an unrelated message to be recognised.
        let mut c = corpus(&[
            ("当日提现额度已满请明日再试", "limit.daily", None),
            ("当日提现次数已用完", "limit.daily", None),
            ("超过当日转账额度", "limit.daily", None),
            ("超过用户单月收款额度", "limit.periodic", None),
        ]);
        c.lexicon.push(("今天".into(), "当日".into()));
        let index = SimilarityIndex::build(&c, None);
        assert_eq!(index.nearest("今天天气很好"), vec![]);
        assert_eq!(index.nearest("今天提现额度已满")[0].text, 0);
    }

    #[test]
    fn a_message_about_as_close_to_a_vague_text_makes_no_cause_strong() {
        let mut c = corpus(&[
            ("交易失败请换卡重试", "bank.card_problem", None),
            ("交易失败", "bank.card_problem", None),
        ]);
        c.texts[1].vague = true;
        c.texts[1].causes.clear();
        let index = SimilarityIndex::build(&c, None);
        let near = index.nearest("交易失败");
        assert_eq!(near.iter().map(|n| n.text).collect::<Vec<_>>(), [1, 0]);
        let votes = index.vote(&c, &near);
        assert_eq!(votes.len(), 1);
        assert_eq!(votes[0].cause, cause_index("bank.card_problem").unwrap());
        assert!(!votes[0].strong(&index.params), "{votes:?}");
        // Without the vague text the same clear text is strong.
        let index = SimilarityIndex::build(
            &Corpus {
                texts: c.texts[..1].to_vec(),
                ..c.clone()
            },
            None,
        );
        let near = index.nearest("交易失败");
        assert!(index.vote(&c, &near)[0].strong(&index.params));
    }

    #[test]
    fn texts_down_to_the_vote_similarity_vote_once_the_nearest_recognises() {
        let c = corpus(&[
            ("超过用户单月收款额度", "limit.periodic", None),
            ("月累计额度不足请下月再试提现", "limit.periodic", None),
        ]);
        let index = SimilarityIndex::build(&c, None);
        let near = index.nearest("超过用户单月收款额度");
        assert_eq!(near.len(), 2, "{near:?}");
        assert_eq!(near[0].text, 0);
        assert!(near[0].score > 0.99, "{near:?}");
        assert!(near[1].score < index.params.min_similarity, "{near:?}");
    }
}
