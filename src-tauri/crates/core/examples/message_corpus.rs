//! The message corpus: how well reading generalises, and how fast it is. Prints figures;
//! asserts nothing (the thresholds live in `tixian kb check` and the core tests).
//!
//! ```sh
//! cargo run --release -p tixian-core --example message_corpus            # figures
//! cargo run --release -p tixian-core --example message_corpus -- sweep   # tune the similarity knobs
//! cargo run --release -p tixian-core --example message_corpus -- loso    # LOSO misses only
//! ```
//! Leave one source out (LOSO) is what the knobs are tuned on; the held-out set
//! (`tests/data/messages-holdout.toml`, texts from documents the corpus does not use) and the
//! second and third ones (`messages-holdout-2.toml`, `messages-holdout-3.toml`) are printed only
//! for the defaults. The fourth (`messages-holdout-4.toml`, the one never tuned on) is printed only
//! with `HELD_OUT_4=1`, so that tuning runs do not show it.

use std::time::Instant;
use tixian_core::kb::corpus::Corpus;
use tixian_core::kb::{Kb, SimilarityParams};
use tixian_core::rules::RuleFile;

#[path = "support/measure.rs"]
mod measure;

fn held_out() -> Corpus {
    held_out_set(include_str!("../tests/data/messages-holdout.toml"))
}

/// The second held-out set (2026-12-07), also never tuned on.
fn held_out_2() -> Corpus {
    held_out_set(include_str!("../tests/data/messages-holdout-2.toml"))
}

/// The third held-out set (2026-12-07, issue 15 follow-up); tuned on since the fourth was split off.
fn held_out_3() -> Corpus {
    held_out_set(include_str!("../tests/data/messages-holdout-3.toml"))
}

/// The fourth held-out set (2026-12-07, session 31), split off before any tuning, never tuned on.
fn held_out_4() -> Corpus {
    held_out_set(include_str!("../tests/data/messages-holdout-4.toml"))
}

/// One held-out set's figure and its misses.
fn print_held_out(kb: &Kb, name: &str, set: &Corpus) {
    let h = kb.score_held_out(set);
    println!(
        "{name} ({} sources): top-2 {}/{} = {}, top-1 {}, empty {}, vague read as sure {}",
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
}

fn held_out_set(text: &str) -> Corpus {
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
    if std::env::args().nth(1).as_deref() == Some("sweep1") {
        // One knob at a time: `sweep1 clause_weight 0.25 0.5 1`.
        let args: Vec<String> = std::env::args().skip(2).collect();
        for v in &args[1..] {
            let x: f32 = v.parse().unwrap();
            let mut p = SimilarityParams::default();
            match args[0].as_str() {
                "min_similarity" => p.min_similarity = x,
                "strong_similarity" => p.strong_similarity = x,
                "strong_share" => p.strong_share = x,
                "unigram_weight" => p.unigram_weight = x,
                "vague_vote" => p.vague_vote = x,
                "single_pair_similarity" => p.single_pair_similarity = x,
                "neighbours" => p.neighbours = x as usize,
                "vote_similarity" => p.vote_similarity = x,
                "secondary_vote" => p.secondary_vote = x,
                "concept_weight" => p.concept_weight = x,
                "weak_demote_similarity" => p.weak_demote_similarity = x,
                "vote_sharpness" => p.vote_sharpness = x as i32,
                other => panic!("unknown knob {other}"),
            }
            let g = kb.leave_one_source_out_with(p);
            println!(
                "{} {x}: LOSO top-2 {} ({}) top-1 {} empty {} vague-sure {}",
                args[0],
                g.top2_rate,
                g.top2,
                g.top1,
                g.empty,
                g.vague_confident.len()
            );
        }
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("why") {
        for t in std::env::args().skip(2) {
            println!("{t}\n{}", kb.debug_leave_out(&t));
        }
        return;
    }
    let speed_only = std::env::args().nth(1).as_deref() == Some("speed");
    let g = if speed_only {
        kb.score_held_out(&Corpus::default())
    } else {
        kb.leave_one_source_out()
    };
    if std::env::args().nth(1).as_deref() == Some("loso") {
        // Tuning view: the leave-one-source-out misses only (the held-out set stays unseen).
        let now = tixian_core::time::parse_time(
            "2026-06-01T12:00:00+08:00",
            tixian_core::field::Field::At,
        )
        .unwrap();
        for m in &g.misses {
            let e = kb.explain_message(&m.text, None, tixian_core::lang::Lang::En, &now);
            let pats: Vec<String> = e
                .patterns
                .iter()
                .map(|p| format!("{}{}", p.id, if p.weak { "(weak)" } else { "" }))
                .collect();
            println!(
                "  ✗ [{}] {}  expected {} got {}  ({}) patterns {}",
                m.platform,
                m.text,
                m.expected.join("|"),
                m.got.join(","),
                m.source,
                pats.join(",")
            );
        }
        for v in &g.vague_confident {
            println!("  ! vague read as sure: {v}");
        }
        println!(
            "leave one source out: top-2 {}/{} = {}, top-1 {}, empty {}, vague read as sure {}",
            g.top2,
            g.texts,
            g.top2_rate,
            g.top1,
            g.empty,
            g.vague_confident.len()
        );
        return;
    }
    println!(
        "leave one source out: top-2 {}/{} = {}, top-1 {}, empty {}, vague read as sure {}",
        g.top2,
        g.texts,
        g.top2_rate,
        g.top1,
        g.empty,
        g.vague_confident.len()
    );
    print_held_out(kb, "held-out set", &held_out());
    print_held_out(kb, "second held-out set", &held_out_2());
    print_held_out(kb, "third held-out set", &held_out_3());
    if std::env::var_os("HELD_OUT_4").is_some() {
        // Printed only when asked: the fourth set is measured once, after tuning.
        print_held_out(kb, "fourth held-out set", &held_out_4());
    }
    // Speed: every corpus text and every held-out text read (patterns, then the corpus), many times.
    let messages: Vec<String> = kb
        .corpus_texts()
        .chain(held_out().texts.into_iter().map(|t| t.text))
        .collect();
    // Build the matcher and the index, then one pass over every message: the patterns' lazy
    // DFA builds its states the first time it meets them (printed, then not counted).
    let _ = kb.message_cause_count(&messages[0]);
    let cpu0 = measure::cpu_seconds();
    for m in &messages {
        let _ = kb.message_cause_count(m);
    }
    println!(
        "first pass (lazy DFA states built): {:.0} messages/s (CPU)",
        messages.len() as f64 / (measure::cpu_seconds() - cpu0)
    );
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(200);
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
