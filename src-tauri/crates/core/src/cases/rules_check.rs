//! `kb check` for `rules/letters/`: every file parses, ids are unique, each recipient has a zh
//! and an en template, placeholders are ones the letter writer fills, and every entry carries
//! `confidence`, a `checked` date and sources.

use super::letters::{LetterFile, Recipient, Source, Vars};
use crate::lang::Lang;
use crate::rules::{self, RuleFile};
use crate::vocab::Confidence;
use std::collections::HashSet;

/// One broken thing in a letters file.
/// Letter problems are ordinary `kb check` problems.
pub use crate::rules::problem::Problem as LetterProblem;

/// Every problem in `rules/letters/` (empty when all is well).
pub fn check(files: &[RuleFile]) -> Vec<LetterProblem> {
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    let mut pairs: Vec<(Recipient, Lang)> = Vec::new();
    let mut has_fallback = false;
    let mut any = false;
    for f in rules::in_folder(files, "letters") {
        any = true;
        let mut p = |id: &str, field: &str, message: String| {
            problems.push(LetterProblem {
                file: format!("rules/{}", f.path),
                id: id.into(),
                field: field.into(),
                message,
            })
        };
        let parsed: LetterFile = match toml::from_str(&f.text) {
            Ok(x) => x,
            Err(e) => {
                p("", "toml", e.to_string().trim().to_string());
                continue;
            }
        };
        for t in &parsed.template {
            if !ids.insert(t.id.clone()) {
                p(&t.id, "id", "duplicate id".into());
            }
            pairs.push((t.to, t.lang));
            meta(&mut p, &t.id, &t.confidence, &t.checked, &t.sources);
            for (field, text) in [
                ("title", &t.title),
                ("salutation", &t.salutation),
                ("background", &t.background),
                ("problem", &t.problem),
                ("demand", &t.demand),
                ("evidence_reserve", &t.evidence_reserve),
                ("closing", &t.closing),
            ] {
                placeholders(&mut p, &t.id, field, text, &[]);
            }
            for needed in ["{amount}", "{date}"] {
                if !t.title.contains(needed) {
                    p(&t.id, "title", format!("a precise title needs {needed}"));
                }
            }
            for needed in ["{amount}", "{deadline_days}"] {
                if !t.demand.contains(needed) {
                    p(&t.id, "demand", format!("the demand needs {needed}"));
                }
            }
        }
        for a in &parsed.addressee {
            has_fallback |= a.kinds.iter().any(|k| k == "*");
            let id = a.kinds.join(",");
            meta(&mut p, &id, &a.confidence, &a.checked, &a.sources);
        }
        if let Some(s) = &parsed.statement {
            meta(&mut p, &s.id, &s.confidence, &s.checked, &s.sources);
            placeholders(&mut p, &s.id, "zh", &s.zh, &["what", "result"]);
            placeholders(&mut p, &s.id, "en", &s.en, &["what", "result"]);
        }
        for c in &parsed.cause {
            if crate::kb::TAXONOMY.iter().all(|t| *t != c.cause) {
                p(
                    &c.cause,
                    "cause",
                    format!("“{}” is not a cause of the taxonomy", c.cause),
                );
            }
            if !ids.insert(format!("cause:{}", c.cause)) {
                p(
                    &c.cause,
                    "cause",
                    "a second paragraph for this cause".into(),
                );
            }
            meta(&mut p, &c.cause, &c.confidence, &c.checked, &c.sources);
            if c.zh.trim().is_empty() || c.en.trim().is_empty() {
                p(&c.cause, "zh/en", "both languages are needed".into());
            }
            placeholders(&mut p, &c.cause, "zh", &c.zh, &[]);
            placeholders(&mut p, &c.cause, "en", &c.en, &[]);
        }
        for e in parsed.checklist.iter().chain(&parsed.phrase) {
            if !ids.insert(e.id.clone()) {
                p(&e.id, "id", "duplicate id".into());
            }
            meta(&mut p, &e.id, &e.confidence, &e.checked, &e.sources);
            if e.zh.trim().is_empty() || e.en.trim().is_empty() {
                p(&e.id, "zh/en", "both languages are needed".into());
            }
        }
    }
    if any {
        for to in [Recipient::Platform, Recipient::Regulator] {
            for lang in [Lang::Zh, Lang::En] {
                if !pairs.contains(&(to, lang)) {
                    problems.push(LetterProblem {
                        file: "rules/letters/".into(),
                        id: format!("letter.{}.{}", to.as_str(), lang.as_str()),
                        field: "template".into(),
                        message: "missing template".into(),
                    });
                }
            }
        }
        if !has_fallback {
            problems.push(LetterProblem {
                file: "rules/letters/".into(),
                id: "addressee".into(),
                field: "kinds".into(),
                message: "no fallback addressee with kinds = [\"*\"]".into(),
            });
        }
    }
    problems
}

fn meta(
    p: &mut impl FnMut(&str, &str, String),
    id: &str,
    confidence: &str,
    checked: &str,
    sources: &[Source],
) {
    let ok = |c: &str| matches!(c, "high" | "medium" | "low");
    if !ok(confidence) {
        p(
            id,
            "confidence",
            format!("“{confidence}” is not high, medium or low"),
        );
    }
    if chrono::NaiveDate::parse_from_str(checked, "%Y-%m-%d").is_err() {
        p(
            id,
            "checked",
            format!("“{checked}” is not a YYYY-MM-DD date"),
        );
    }
    if sources.is_empty() {
        p(id, "sources", "at least one source is needed".into());
    }
    let seed =
        |s: &Source| crate::rules::problem::cites_seed(s.document.as_deref(), s.url.as_deref());
    if sources
        .iter()
        .any(|s| seed(s) && s.confidence != Confidence::Low)
    {
        p(
            id,
            "sources.confidence",
            crate::rules::problem::SEED_SOURCE_NOT_LOW.into(),
        );
    }
    if !sources.is_empty() && sources.iter().all(seed) && confidence != "low" {
        p(
            id,
            "confidence",
            crate::rules::problem::SEED_ONLY_NOT_LOW.into(),
        );
    }
}

fn placeholders(
    p: &mut impl FnMut(&str, &str, String),
    id: &str,
    field: &str,
    text: &str,
    extra: &[&str],
) {
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            p(id, field, "an unclosed {".into());
            return;
        };
        let name = &after[..end];
        if !Vars::names().contains(&name) && !extra.contains(&name) {
            p(id, field, format!("unknown placeholder {{{name}}}"));
        }
        rest = &after[end + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_letter_files_are_clean() {
        assert_eq!(check(&rules::embedded()), vec![]);
    }

    #[test]
    fn an_entry_resting_only_on_a_seed_article_must_be_low() {
        let mut files = rules::embedded();
        let f = files
            .iter_mut()
            .find(|f| f.path == "letters/prep.toml")
            .unwrap();
        // The timeline checklist entry: raise the entry, then its seed source as well.
        let entry = "id = \"prep.checklist.timeline\"";
        let at = f.text.find(entry).unwrap();
        let (head, tail) = f.text.split_at(at);
        let tail = tail.replacen("confidence = \"low\"", "confidence = \"medium\"", 1);
        f.text = format!("{head}{tail}");
        let fields = |files: &[RuleFile]| -> Vec<(String, String, String)> {
            check(files)
                .into_iter()
                .map(|p| (p.id, p.field, p.message))
                .collect()
        };
        assert_eq!(
            fields(&files),
            vec![(
                "prep.checklist.timeline".to_string(),
                "confidence".to_string(),
                crate::rules::problem::SEED_ONLY_NOT_LOW.to_string()
            )]
        );
        let f = files
            .iter_mut()
            .find(|f| f.path == "letters/prep.toml")
            .unwrap();
        f.text = f.text.replacen(
            "整理时间线\", document = \"shared/seeds/003_1d07ed7b6f15b65f.txt\", confidence = \"low\"",
            "整理时间线\", document = \"shared/seeds/003_1d07ed7b6f15b65f.txt\", confidence = \"medium\"",
            1,
        );
        assert_eq!(
            fields(&files),
            vec![
                (
                    "prep.checklist.timeline".to_string(),
                    "sources.confidence".to_string(),
                    crate::rules::problem::SEED_SOURCE_NOT_LOW.to_string()
                ),
                (
                    "prep.checklist.timeline".to_string(),
                    "confidence".to_string(),
                    crate::rules::problem::SEED_ONLY_NOT_LOW.to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_broken_template_is_reported_with_file_id_and_field() {
        let mut files = rules::embedded();
        let f = files
            .iter_mut()
            .find(|f| f.path == "letters/platform.toml")
            .unwrap();
        f.text = f
            .text
            .replacen(
                "{deadline_days}个工作日内（即",
                "{deadlin}个工作日内（即",
                1,
            )
            .replacen("confidence = \"low\"", "confidence = \"sure\"", 1);
        let problems = check(&files);
        assert!(
            problems.iter().any(|p| p.id == "letter.platform.zh"
                && p.field == "demand"
                && p.message.contains("{deadlin}")),
            "{problems:#?}"
        );
        assert!(
            problems.iter().any(|p| p.field == "confidence"),
            "{problems:#?}"
        );
        assert!(problems.iter().all(|p| p.file.starts_with("rules/letters")));
    }
}
