//! The second layer of message matching: a message no pattern knows is compared with every
//! text of the labelled corpus, and the causes of its nearest texts become weaker evidence.
//!
//! Texts are compared as TF-IDF vectors of character unigrams and bigrams (whole words for Latin
//! letters, so error codes stay one feature) over the normalised message with the lexicon's
//! synonyms folded (收款/到账/入账 → one word), by cosine similarity. An error code quoted in the
//! message (`TRANSFER_QUOTA_EXCEED`) that a corpus text carries counts as an exact match.
//! Scores are similarities, not money: `f32` is fine here.

use super::corpus::{Corpus, CorpusText};
use super::matcher::{normalise, normalise_into};
use aho_corasick::{AhoCorasick, MatchKind};
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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
    /// A weak pattern (提现失败, 请稍后再试) the corpus vote does not confirm drops a step when
    /// some cause's best text is at least this similar (always when a cause is strong).
    pub weak_demote_similarity: f32,
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
            weak_demote_similarity: 0.3,
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

/// The vectors of every corpus text as an inverted index: each feature (character, pair, Latin
/// word or concept) has a dense id, and its postings (the texts carrying it, with their weights)
/// lie in one flat array, so a message touches only the texts that share one of its features.
#[derive(Debug)]
pub(crate) struct SimilarityIndex {
    pub params: SimilarityParams,
    folder: Option<AhoCorasick>,
    canon: Vec<String>,
    /// Finds the lexicon's concepts (canonical words) in a folded text, each one feature.
    concepts: Option<AhoCorasick>,
    /// Feature key → feature id.
    ids: FxMap<u64, u32>,
    /// Per feature id: inverse document frequency, and whether it counts as a shared pair
    /// (`single_pair_similarity`): pairs of characters and Latin words; concepts and unigrams
    /// do not.
    idf: Vec<f32>,
    pair: Vec<bool>,
    /// Per feature id `f`: its postings are `postings[starts[f]..starts[f + 1]]`, by text.
    starts: Vec<u32>,
    postings: Vec<(u32, f32)>,
    /// Per feature id: its row in `dense` (`u32::MAX`: none). A feature in many texts (失, 败,
    /// 提现) is added as a whole row, a weight per text (0 where absent), which the compiler
    /// vectorises; adding 0 leaves a score unchanged, so the sums are the same as from postings.
    dense_row: Vec<u32>,
    dense: Vec<f32>,
    /// Lower-cased error code → texts carrying it.
    codes: HashMap<String, Vec<u32>>,
    /// Which corpus texts are in the index (all, or all but one source's).
    texts: Vec<usize>,
}

/// A fast, deterministic hasher for the u64 feature keys (FxHash's multiply-rotate).
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// What one comparison needs, kept per thread between messages so that reading one allocates
/// only its result. Between calls every `slot` is `u32::MAX`: a call resets what it set.
#[derive(Default)]
struct Scratch {
    normalised: String,
    folded: String,
    features: Vec<(u64, f32)>,
    /// The message's known features in first-seen order: feature id, weight.
    query: Vec<(u32, f32)>,
    /// Per feature id: its position in `query`, or `u32::MAX`.
    slot: Vec<u32>,
    /// Per text: cosine so far, and shared pairs.
    scores: Vec<f32>,
    shared: Vec<u8>,
    /// The texts carrying an error code quoted in the message (usually none).
    exact: Vec<u32>,
    /// The nearest texts so far, in order, at most `neighbours`.
    hits: Vec<Neighbour>,
    /// Set while a call runs: a call that did not finish (a panic) leaves it, and the next one
    /// starts from clean slots.
    dirty: bool,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Scratch {
    /// Zeroed per-text slots for an index of `texts` texts, clean slots for `features`.
    fn prepare(&mut self, texts: usize, features: usize) {
        if self.dirty {
            self.slot.iter_mut().for_each(|s| *s = u32::MAX);
        }
        if self.slot.len() < features {
            self.slot.resize(features, u32::MAX);
        }
        self.scores.clear();
        self.scores.resize(texts, 0.0);
        self.shared.clear();
        self.shared.resize(texts, 0);
        self.query.clear();
        self.exact.clear();
        self.hits.clear();
        self.dirty = true;
    }

    /// Cleans the slots this call set.
    fn finish(&mut self) {
        for &(f, _) in &self.query {
            self.slot[f as usize] = u32::MAX;
        }
        self.dirty = false;
    }
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
            ids: FxMap::default(),
            idf: Vec::new(),
            pair: Vec::new(),
            starts: Vec::new(),
            postings: Vec::new(),
            dense_row: Vec::new(),
            dense: Vec::new(),
            codes: HashMap::new(),
            texts,
        };
        let counts: Vec<Vec<(u64, f32)>> = index
            .texts
            .iter()
            .map(|&i| index.term_counts(&corpus.texts[i]))
            .collect();
        let mut df: FxMap<u64, u32> = FxMap::default();
        for doc in &counts {
            for (k, _) in doc {
                *df.entry(*k).or_default() += 1;
            }
        }
        let n = counts.len() as f32;
        let mut lists: Vec<Vec<(u32, f32)>> = Vec::new();
        for (d, doc) in counts.iter().enumerate() {
            let weights: Vec<(u64, f32)> =
                doc.iter().map(|(k, tf)| (*k, tf * idf(n, df[k]))).collect();
            let norm = weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            for (k, w) in weights {
                let next = index.idf.len() as u32;
                let f = *index.ids.entry(k).or_insert(next) as usize;
                if f == lists.len() {
                    index.idf.push(idf(n, df[&k]));
                    index.pair.push(is_pair(k));
                    lists.push(Vec::new());
                }
                lists[f].push((d as u32, w / norm.max(f32::EPSILON)));
            }
        }
        index.starts.push(0);
        let texts = index.texts.len();
        for list in lists {
            if list.len() * DENSE_FRACTION >= texts && list.len() >= 8 {
                index.dense_row.push((index.dense.len() / texts) as u32);
                let start = index.dense.len();
                index.dense.resize(start + texts, 0.0);
                for &(d, w) in &list {
                    index.dense[start + d as usize] = w;
                }
            } else {
                index.dense_row.push(u32::MAX);
            }
            index.postings.extend(list);
            index.starts.push(index.postings.len() as u32);
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
        let mut out = String::new();
        self.fold_into(&normalise(message), &mut out);
        out
    }

    /// Folds an already normalised text into `out` (cleared first).
    fn fold_into(&self, normalised: &str, out: &mut String) {
        out.clear();
        match &self.folder {
            Some(f) => f.replace_all_with(normalised, out, |m, _, dst| {
                dst.push_str(&self.canon[m.pattern().as_usize()]);
                true
            }),
            None => out.push_str(normalised),
        }
    }

    fn term_counts(&self, t: &CorpusText) -> Vec<(u64, f32)> {
        let mut out = Vec::new();
        self.features_into(&self.folded(&t.text), &mut out);
        counts(&out)
    }

    /// The features of a folded text: its characters and pairs, and its concepts.
    fn features_into(&self, folded: &str, out: &mut Vec<(u64, f32)>) {
        out.clear();
        features(folded, self.params.unigram_weight, out);
        if let Some(c) = &self.concepts {
            for m in c.find_iter(folded) {
                out.push((
                    concept_key(m.pattern().as_u64()),
                    self.params.concept_weight,
                ));
            }
        }
    }

    /// The nearest corpus texts (indices into the corpus), most similar first.
    /// Only a message whose nearest text is `min_similarity` alike is recognised; then texts
    /// down to `vote_similarity` are among its neighbours.
    pub fn nearest(&self, message: &str) -> Vec<Neighbour> {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => {
                let mut normalised = std::mem::take(&mut s.normalised);
                normalise_into(message, &mut normalised);
                let out = self.nearest_in(message, &normalised, &mut s);
                s.normalised = normalised;
                out
            }
            Err(_) => self.nearest_in(message, &normalise(message), &mut Scratch::default()),
        })
    }

    /// [`SimilarityIndex::nearest`] of a message already normalised (`matcher::normalise`).
    pub fn nearest_normalised(&self, message: &str, normalised: &str) -> Vec<Neighbour> {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => self.nearest_in(message, normalised, &mut s),
            Err(_) => self.nearest_in(message, normalised, &mut Scratch::default()),
        })
    }

    fn nearest_in(&self, message: &str, normalised: &str, s: &mut Scratch) -> Vec<Neighbour> {
        s.prepare(self.texts.len(), self.idf.len());
        for_each_code(message, |code| {
            if let Some(ds) = self.codes.get(code) {
                s.exact.extend_from_slice(ds);
            }
        });
        let mut folded = std::mem::take(&mut s.folded);
        self.fold_into(normalised, &mut folded);
        self.compare(&folded, s);
        s.folded = folded;
        s.finish();
        let p = &self.params;
        let k = p.neighbours;
        let mut recognised = false;
        for (d, (&sc, &sh)) in s.scores.iter().zip(&s.shared).enumerate() {
            let score = if !s.exact.is_empty() && s.exact.contains(&(d as u32)) {
                1.0 // an exact code
            } else {
                // Only texts that may vote (`vote_similarity`, one shared pair or concept at
                // least); one of them must recognise the message: one shared pair of
                // characters is weak evidence, so with only one the text must be clearly
                // similar (short texts); with two or more, `min_similarity` suffices.
                recognised |= sc >= p.min_similarity && (sh >= 2 || sc >= p.single_pair_similarity);
                if !(sc >= p.vote_similarity && sh >= 1 && sc > 0.0) {
                    continue;
                }
                sc.min(1.0)
            };
            insert_top(
                &mut s.hits,
                k,
                Neighbour {
                    text: self.texts[d],
                    score,
                },
            );
        }
        if !recognised && s.exact.is_empty() {
            return Vec::new();
        }
        s.hits.clone()
    }

    /// Cosine similarity of one folded query with every indexed text, into `s.scores`, and the
    /// pairs each shares, into `s.shared` (an exact code's text is scored too, but counts as
    /// an exact match).
    fn compare(&self, folded: &str, s: &mut Scratch) {
        let mut features = std::mem::take(&mut s.features);
        self.features_into(folded, &mut features);
        // Repeated features summed, in first-seen order (the order the sums are taken in).
        for &(k, w) in &features {
            let Some(&f) = self.ids.get(&k) else {
                continue;
            };
            let slot = &mut s.slot[f as usize];
            if *slot == u32::MAX {
                *slot = s.query.len() as u32;
                s.query.push((f, w));
            } else {
                s.query[*slot as usize].1 += w;
            }
        }
        s.features = features;
        for e in &mut s.query {
            e.1 = log_tf(e.1) * self.idf[e.0 as usize];
        }
        let norm = s.query.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm <= 0.0 {
            return;
        }
        let n = self.texts.len();
        let (scores, shared) = (&mut s.scores[..n], &mut s.shared[..n]);
        for &(f, w) in &s.query {
            let f = f as usize;
            let q = w / norm;
            // Concepts are not pairs: 当日 folded from 今天 is one pair, not two.
            let pair = self.pair[f];
            let row = self.dense_row[f];
            if row != u32::MAX {
                let row = &self.dense[row as usize * n..][..n];
                for (sc, &dw) in scores.iter_mut().zip(row) {
                    *sc += q * dw;
                }
                if pair {
                    for (sh, &dw) in shared.iter_mut().zip(row) {
                        *sh = sh.saturating_add(u8::from(dw != 0.0));
                    }
                }
                continue;
            }
            let postings = &self.postings[self.starts[f] as usize..self.starts[f + 1] as usize];
            if pair {
                for &(d, dw) in postings {
                    scores[d as usize] += q * dw;
                    shared[d as usize] = shared[d as usize].saturating_add(1);
                }
            } else {
                for &(d, dw) in postings {
                    scores[d as usize] += q * dw;
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

/// Most similar first; equal scores by corpus order (a total order: the nearest texts do not
/// depend on the order they are found in).
fn nearer(a: &Neighbour, b: &Neighbour) -> std::cmp::Ordering {
    b.score.total_cmp(&a.score).then(a.text.cmp(&b.text))
}

/// Keeps `top` the `k` nearest texts, in order, as texts are offered one by one.
fn insert_top(top: &mut Vec<Neighbour>, k: usize, n: Neighbour) {
    if top.len() == k && top.last().is_none_or(|last| nearer(&n, last).is_ge()) {
        return;
    }
    let at = top.partition_point(|t| nearer(t, &n).is_lt());
    top.insert(at, n);
    top.truncate(k);
}

/// A feature in at least one text in this many has a dense row (6 measured best with
/// callgrind: 2 → 45,300 instructions a message, 6 → 44,000, 20 → 48,600, none → 59,700).
const DENSE_FRACTION: usize = 6;

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
fn features(text: &str, unigram_weight: f32, out: &mut Vec<(u64, f32)>) {
    let mut prev: Option<char> = None;
    // The current run of Latin letters, as a byte range of `text` (ASCII: one byte each).
    let mut word: Option<(usize, usize)> = None;
    let flush = |word: &mut Option<(usize, usize)>, out: &mut Vec<(u64, f32)>| {
        if let Some((a, b)) = word.take() {
            out.push((word_key(&text[a..b]), 1.0));
        }
    };
    for (i, c) in text.char_indices() {
        if c.is_ascii_alphabetic() {
            match &mut word {
                Some((_, b)) => *b = i + 1,
                None => word = Some((i, i + 1)),
            }
            prev = None;
            continue;
        }
        flush(&mut word, out);
        out.push((1 << 63 | c as u64, unigram_weight));
        if let Some(p) = prev {
            out.push(((p as u64) << 21 | c as u64, 1.0));
        }
        prev = Some(c);
    }
    flush(&mut word, out);
}

/// Does a key count as a shared pair: a pair of characters or a Latin word, not a unigram or
/// a concept?
fn is_pair(k: u64) -> bool {
    k >> 63 == 0 && k >> 61 != 0b011
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
        e.1 = log_tf(e.1);
    }
    map
}

/// A summed term frequency, log-scaled above 1.
fn log_tf(tf: f32) -> f32 {
    if tf > 1.0 {
        1.0 + tf.ln()
    } else {
        tf
    }
}

/// Error codes quoted in a raw message: runs of capitals, digits, `_` and `.` with a letter,
/// at least four long (TRANSFER_QUOTA_EXCEED, ACQ.TRADE_HAS_CLOSE, E0001).
/// Each is passed lower-cased to `f`.
fn for_each_code(message: &str, mut f: impl FnMut(&str)) {
    let mut lower = String::new();
    for w in message
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| w.len() >= 4 && w.chars().any(|c| c.is_ascii_alphabetic()))
    {
        lower.clear();
        lower.push_str(w);
        lower.make_ascii_lowercase();
        f(&lower);
    }
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
                    checked: None,
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
