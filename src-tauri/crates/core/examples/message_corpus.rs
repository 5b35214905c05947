//! The message corpus: how well reading generalises, and how fast it is. Prints figures;
//! asserts nothing (the thresholds live in `tixian kb check` and the core tests).
//!
//! ```sh
//! cargo run --release -p tixian-core --example message_corpus            # figures
//! cargo run --release -p tixian-core --example message_corpus -- sweep   # tune the similarity knobs
//! ```
//! Leave one source out (LOSO) is what the knobs are tuned on; the held-out set
//! (`tests/data/messages-holdout.toml`, texts from documents the corpus does not use) is printed
//! only for the defaults, so it is never tuned on.

use std::time::Instant;
use tixian_core::kb::corpus::Corpus;
use tixian_core::kb::{Kb, SimilarityParams};
use tixian_core::rules::RuleFile;

#[path = "support/measure.rs"]
mod measure;

fn held_out() -> Corpus {
    let text = include_str!("../tests/data/messages-holdout.toml");
    let files = [RuleFile {
        path: "messages/holdout.toml".into(),
        text: text.into(),
        from_user: false,
    }];
    let mut problems = Vec::new();
    let c = Corpus::load(&files, &mut problems);
    assert!(problems.is_empty(), "held-out set: {problems:?}");
    c
}

fn main() {
    let kb = Kb::embedded();
    let (texts, sources) = kb.corpus_size();
    println!("corpus: {texts} texts from {sources} sources");
    if std::env::args().nth(1).as_deref() == Some("sweep") {
        let base = SimilarityParams::default();
        for min_similarity in [0.15, 0.2, 0.25] {
            for vote_sharpness in [2, 4, 8, 16] {
                for unigram_weight in [0.4, 0.6, 0.8] {
                    let p = SimilarityParams {
                        min_similarity,
                        vote_sharpness,
                        unigram_weight,
                        ..base
                    };
                    let g = kb.leave_one_source_out_with(p);
                    println!(
                        "min {min_similarity:.2} sharpness {vote_sharpness} unigram {unigram_weight:.1}: LOSO top-2 {} top-1 {} empty {} vague-sure {}",
                        g.top2_rate, g.top1, g.empty, g.vague_confident.len()
                    );
                }
            }
        }
        return;
    }
    let g = kb.leave_one_source_out();
    println!(
        "leave one source out: top-2 {}/{} = {}, top-1 {}, empty {}, vague read as sure {}",
        g.top2,
        g.texts,
        g.top2_rate,
        g.top1,
        g.empty,
        g.vague_confident.len()
    );
    let h = kb.score_held_out(&held_out());
    println!(
        "held-out set ({} sources): top-2 {}/{} = {}, top-1 {}, empty {}, vague read as sure {}",
        h.sources,
        h.top2,
        h.texts,
        h.top2_rate,
        h.top1,
        h.empty,
        h.vague_confident.len()
    );
    for m in &h.misses {
        println!(
            "  ✗ [{}] {}  expected {} got {}",
            m.platform,
            m.text,
            m.expected.join("|"),
            m.got.join(",")
        );
    }
    // Speed: every corpus text and every held-out text read (patterns, then the corpus), many times.
    let messages: Vec<String> = kb
        .corpus_texts()
        .chain(held_out().texts.into_iter().map(|t| t.text))
        .collect();
    let _ = kb.message_cause_count(&messages[0]); // build the matcher and the index first
    let rounds = 200;
    let cpu0 = measure::cpu_seconds();
    let t0 = Instant::now();
    let mut sure = 0usize;
    for _ in 0..rounds {
        for m in &messages {
            sure += kb.message_cause_count(m);
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = measure::cpu_seconds() - cpu0;
    let n = (rounds * messages.len()) as f64;
    println!(
        "matching: {} messages in {wall:.2} s wall, {cpu:.2} s CPU → {:.0} messages/s (CPU), {sure} causes found",
        n as u64,
        n / cpu
    );
}
