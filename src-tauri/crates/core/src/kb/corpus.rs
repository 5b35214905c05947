//! The labelled message corpus (`rules/messages/*.toml`): real texts that platforms, banks and
//! apps show when money does not move, each with the causes it means and the document it was
//! read from, plus `rules/messages/lexicon.toml`, the concept groups that fold synonyms
//! (收款/到账/入账 …) before texts are compared. The similarity layer (`kb::similar`) learns from it;
//! `tixian kb check` validates it and measures how well it generalises (leave one source out).

use super::cause_index;
use super::schema::{Confidence, Source};
use crate::ledger::PlatformKind;
use crate::rules::problem::Problem;
use crate::rules::RuleFile;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// The folder of corpus files under `rules/`.
pub const FOLDER: &str = "messages";
const LEXICON_FILE: &str = "messages/lexicon.toml";

/// One document the texts were read from.
#[derive(Debug, Clone)]
pub struct CorpusSource {
    pub id: String,
    pub kind: SourceKind,
    pub checked: String,
    /// As every other fact's source: title, where it is published, confidence.
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The platform's own document or SDK.
    Official,
    /// A third-party SDK or library copying the platform's codes.
    Sdk,
    HelpCentre,
    /// A user quoting what they saw (forum, Q&A, issue).
    UserReport,
    Article,
}

/// Who sees the text: the paying merchant/platform, the person paid, or anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Payer,
    Receiver,
    User,
}

/// One known text and what it means.
#[derive(Debug, Clone)]
pub struct CorpusText {
    pub text: String,
    pub code: Option<String>,
    pub platform: PlatformKind,
    pub side: Option<Side>,
    /// Cause indices, most likely first.
    pub causes: Vec<usize>,
    /// Says that something failed but not why (系统繁忙): only ever weak evidence.
    pub vague: bool,
    /// Index into [`Corpus::sources`].
    pub source: usize,
    pub file: String,
}

/// The corpus and its lexicon, validated.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub sources: Vec<CorpusSource>,
    pub texts: Vec<CorpusText>,
    /// (variant, canonical) pairs; every variant is replaced by its group's canonical word.
    pub lexicon: Vec<(String, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    source: Vec<RawSource>,
    #[serde(default)]
    text: Vec<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: String,
    title: String,
    published: String,
    #[serde(default)]
    url: Option<String>,
    read_at: String,
    kind: SourceKind,
    confidence: Confidence,
    checked: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    source: String,
    platform: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    side: Option<Side>,
    text: String,
    causes: Vec<String>,
    #[serde(default)]
    vague: bool,
    #[serde(default)]
    #[allow(dead_code)] // for people reading the file
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    #[allow(dead_code)]
    description: String,
    /// Where the folding comes from, as every fact says: the lexicon is the project's own
    /// reading of the corpus texts (which word pairs mean the same there), so its source says so.
    sources: Vec<Source>,
    #[allow(dead_code)] // for people reading the file, as for every fact
    confidence: Confidence,
    checked: String,
    group: Vec<RawGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    /// The word every variant becomes.
    canonical: String,
    variants: Vec<String>,
}

impl Corpus {
    /// Loads and validates every corpus file; problems name file, id and field.
    pub fn load(files: &[RuleFile], problems: &mut Vec<Problem>) -> Corpus {
        let mut corpus = Corpus::default();
        let mut source_ids: HashMap<String, usize> = HashMap::new();
        let mut parsed = Vec::new();
        for file in crate::rules::in_folder(files, FOLDER) {
            let p = |id: &str, field: &str, message: String| Problem {
                file: file.path.clone(),
                id: id.to_string(),
                field: field.to_string(),
                message,
            };
            if file.path == LEXICON_FILE {
                match toml::from_str::<RawLexicon>(&file.text) {
                    Ok(lex) => corpus.lexicon = lexicon(lex, &file.path, problems),
                    Err(e) => problems.push(crate::rules::problem::parse_problem(
                        &file.path, &file.text, "lexicon", &e,
                    )),
                }
                continue;
            }
            let raw: RawFile = match toml::from_str(&file.text) {
                Ok(r) => r,
                Err(e) => {
                    problems.push(p("", "toml", e.to_string().trim().to_string()));
                    continue;
                }
            };
            for s in raw.source {
                if crate::time::parse_date(&s.checked, crate::Field::named("checked")).is_err() {
                    problems.push(p(&s.id, "checked", format!("not a date: {}", s.checked)));
                }
                if s.title.trim().is_empty() || s.read_at.trim().is_empty() {
                    problems.push(p(
                        &s.id,
                        "title",
                        "a source needs a title and read_at".into(),
                    ));
                }
                if source_ids
                    .insert(s.id.clone(), corpus.sources.len())
                    .is_some()
                {
                    problems.push(p(&s.id, "id", "duplicate source id".into()));
                }
                corpus.sources.push(CorpusSource {
                    id: s.id,
                    kind: s.kind,
                    checked: s.checked,
                    source: Source {
                        title: s.title,
                        url: s.url,
                        document: Some(format!("{} (read at {})", s.published, s.read_at)),
                        confidence: s.confidence,
                        checked: None,
                    },
                });
            }
            parsed.push((file.path.clone(), raw.text));
        }
        let mut seen: HashSet<String> = HashSet::new();
        for (path, texts) in parsed {
            for (i, t) in texts.into_iter().enumerate() {
                let field = |f: &str| format!("text[{i}].{f}");
                let p = |field: String, message: String| Problem {
                    file: path.clone(),
                    id: t.text.clone(),
                    field,
                    message,
                };
                let Some(&source) = source_ids.get(&t.source) else {
                    problems.push(p(
                        field("source"),
                        format!("no [[source]] \"{}\"", t.source),
                    ));
                    continue;
                };
                let Some(platform) = PlatformKind::ALL
                    .into_iter()
                    .find(|k| k.as_str() == t.platform)
                else {
                    problems.push(p(
                        field("platform"),
                        format!("unknown platform \"{}\"", t.platform),
                    ));
                    continue;
                };
                if super::matcher::normalise(&t.text).chars().count() < 2 {
                    problems.push(p(field("text"), "too short to mean anything".into()));
                    continue;
                }
                if !seen.insert(format!("{}\u{0}{}", t.platform, t.text)) {
                    problems.push(p(field("text"), "listed twice for this platform".into()));
                    continue;
                }
                let mut causes = Vec::new();
                for c in &t.causes {
                    match cause_index(c) {
                        Some(k) if !causes.contains(&k) => causes.push(k),
                        Some(_) => {}
                        None => problems.push(p(
                            field("causes"),
                            format!("\"{c}\" is not in the cause taxonomy"),
                        )),
                    }
                }
                if causes.is_empty() && !t.vague {
                    problems.push(p(
                        field("causes"),
                        "name at least one cause, or mark the text vague".into(),
                    ));
                    continue;
                }
                corpus.texts.push(CorpusText {
                    text: t.text,
                    code: t.code.filter(|c| !c.trim().is_empty()),
                    platform,
                    side: t.side,
                    causes,
                    vague: t.vague,
                    source,
                    file: path.clone(),
                });
            }
        }
        corpus
    }
}

fn lexicon(raw: RawLexicon, file: &str, problems: &mut Vec<Problem>) -> Vec<(String, String)> {
    let p = |field: String, message: &str| Problem {
        file: file.to_string(),
        id: "lexicon".into(),
        field,
        message: message.to_string(),
    };
    if raw.sources.is_empty() {
        problems.push(p("sources".into(), "the lexicon needs at least one source"));
    }
    for (i, s) in raw.sources.iter().enumerate() {
        if s.title.trim().is_empty() {
            problems.push(p(format!("sources[{i}].title"), "must not be empty"));
        }
        if crate::rules::problem::cites_seed(s.document.as_deref(), s.url.as_deref())
            && s.confidence != Confidence::Low
        {
            problems.push(p(
                format!("sources[{i}].confidence"),
                crate::rules::problem::SEED_SOURCE_NOT_LOW,
            ));
        }
    }
    if crate::time::parse_date(&raw.checked, crate::Field::named("checked")).is_err() {
        problems.push(p("checked".into(), &format!("not a date: {}", raw.checked)));
    }
    let mut pairs = Vec::new();
    let mut seen = HashSet::new();
    for g in raw.group {
        let canonical = super::matcher::normalise(&g.canonical);
        for v in g.variants.iter().chain(std::iter::once(&g.canonical)) {
            let v = super::matcher::normalise(v);
            if v.is_empty() {
                continue;
            }
            if !seen.insert(v.clone()) {
                problems.push(Problem {
                    file: file.to_string(),
                    id: g.canonical.clone(),
                    field: "variants".into(),
                    message: format!("\"{v}\" is in two groups"),
                });
                continue;
            }
            if v != canonical {
                pairs.push((v, canonical.clone()));
            }
        }
    }
    pairs
}
