//! Reading and validating `rules/routes/*.toml`: the schema, every step sourced and complete,
//! ids unique, every referenced step defined, each ladder in stage order from customer service to
//! court, and every platform kind covered exactly once.

use super::{CountedFrom, Route, Stage, Step};
use crate::ledger::PlatformKind;
use crate::rules::problem::{date_field, parse_problem, Problem};
use crate::rules::{self, RuleFile};
use crate::Text;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    kind: Option<PlatformKind>,
    name: Option<Text>,
    note: Option<Text>,
    /// The ladder: step ids in order (route files only).
    #[serde(default)]
    steps: Vec<String>,
    /// Step definitions (any file).
    #[serde(default)]
    step: Vec<Step>,
    /// What the route file's own words rest on (its note, the choice of ladder); each step
    /// cites its own. A route with a note must have them.
    #[serde(default)]
    sources: Vec<super::Source>,
}

struct RawRoute {
    file: String,
    kind: PlatformKind,
    name: Text,
    note: Option<Text>,
    steps: Vec<String>,
}

/// Every problem in the route files.
pub fn check(files: &[RuleFile]) -> Vec<Problem> {
    build(files).1
}

/// Parses and validates all route files; the routes are complete only when nothing is wrong.
pub(super) fn build(files: &[RuleFile]) -> (Vec<Route>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut steps: HashMap<String, (Step, String)> = HashMap::new();
    let mut raw_routes: Vec<RawRoute> = Vec::new();
    for file in rules::in_folder(files, "routes") {
        let path = file.path.as_str();
        let stem = path
            .rsplit('/')
            .next()
            .unwrap_or(path)
            .trim_end_matches(".toml");
        let raw: RawFile = match toml::from_str(&file.text) {
            Ok(raw) => raw,
            Err(e) => {
                problems.push(parse_problem(path, &file.text, stem, &e));
                continue;
            }
        };
        for step in raw.step {
            check_step(path, &step, &mut problems);
            if let Some((_, other)) = steps.get(&step.id) {
                problems.push(Problem::new(
                    path,
                    &step.id,
                    "id",
                    format!("duplicate step id (also in {other})"),
                ));
            } else {
                steps.insert(step.id.clone(), (step, path.to_string()));
            }
        }
        match (raw.kind, raw.name) {
            (Some(kind), Some(name)) => {
                if kind.as_str() != stem {
                    problems.push(Problem::new(
                        path,
                        kind.as_str(),
                        "kind",
                        format!("kind {kind} does not match the file name {stem}.toml"),
                    ));
                }
                check_text(path, kind.as_str(), "name", &name, &mut problems);
                if let Some(note) = &raw.note {
                    check_text(path, kind.as_str(), "note", note, &mut problems);
                    if raw.sources.is_empty() {
                        problems.push(Problem::new(
                            path,
                            kind.as_str(),
                            "sources",
                            "a route with a note needs sources for it",
                        ));
                    }
                }
                for (i, s) in raw.sources.iter().enumerate() {
                    check_source(
                        path,
                        kind.as_str(),
                        &format!("sources[{i}]"),
                        s,
                        &mut problems,
                    );
                }
                raw_routes.push(RawRoute {
                    file: path.to_string(),
                    kind,
                    name,
                    note: raw.note,
                    steps: raw.steps,
                });
            }
            (None, None)
                if raw.steps.is_empty() && raw.note.is_none() && raw.sources.is_empty() => {}
            (kind, _) => {
                let id = kind
                    .map(|k| k.as_str().to_string())
                    .unwrap_or_else(|| stem.to_string());
                problems.push(Problem::new(
                    path,
                    id,
                    if kind.is_none() { "kind" } else { "name" },
                    "a route file needs kind, name and steps together",
                ));
            }
        }
    }
    let mut used: HashSet<&str> = HashSet::new();
    let mut routes = Vec::new();
    for kind in PlatformKind::ALL {
        let mut of_kind = raw_routes.iter().filter(|r| r.kind == kind);
        let Some(raw) = of_kind.next() else {
            problems.push(Problem::new(
                format!("routes/{kind}.toml"),
                kind.as_str(),
                "kind",
                format!("no route for platform kind {kind}"),
            ));
            continue;
        };
        for dup in of_kind {
            problems.push(Problem::new(
                &dup.file,
                kind.as_str(),
                "kind",
                format!("a second route for {kind} (first in {})", raw.file),
            ));
        }
        used.extend(raw.steps.iter().map(String::as_str));
        if let Some(route) = resolve(raw, &steps, &mut problems) {
            routes.push(route);
        }
    }
    for (id, (_, file)) in &steps {
        if !used.contains(id.as_str()) {
            problems.push(Problem::new(file, id, "id", "defined but no route uses it"));
        }
    }
    problems.sort_by(|a, b| (&a.file, &a.id, &a.field).cmp(&(&b.file, &b.id, &b.field)));
    (routes, problems)
}

/// Turns a route's step ids into steps, checking the ladder's shape.
fn resolve(
    raw: &RawRoute,
    steps: &HashMap<String, (Step, String)>,
    problems: &mut Vec<Problem>,
) -> Option<Route> {
    let id = raw.kind.as_str();
    let before = problems.len();
    let mut resolved: Vec<Step> = Vec::new();
    for (i, step_id) in raw.steps.iter().enumerate() {
        match steps.get(step_id) {
            Some((step, _)) => resolved.push(step.clone()),
            None => problems.push(Problem::new(
                &raw.file,
                id,
                format!("steps[{i}]"),
                format!("no step with id “{step_id}”"),
            )),
        }
    }
    if problems.len() == before {
        for pair in resolved.windows(2) {
            if pair[1].stage < pair[0].stage {
                problems.push(Problem::new(
                    &raw.file,
                    id,
                    "steps",
                    format!(
                        "{} ({}) comes after {} ({})",
                        pair[1].id,
                        pair[1].stage.as_str(),
                        pair[0].id,
                        pair[0].stage.as_str()
                    ),
                ));
            }
        }
        for &stage in Stage::ALL {
            if !resolved.iter().any(|s| s.stage == stage) {
                problems.push(Problem::new(
                    &raw.file,
                    id,
                    "steps",
                    format!("the ladder has no {} step", stage.as_str()),
                ));
            }
        }
    }
    (problems.len() == before).then(|| Route {
        kind: raw.kind,
        name: raw.name.clone(),
        note: raw.note.clone(),
        steps: resolved,
    })
}

fn check_step(file: &str, step: &Step, problems: &mut Vec<Problem>) {
    let id = step.id.as_str();
    if id.trim().is_empty() || id.contains(char::is_whitespace) {
        problems.push(Problem::new(
            file,
            id,
            "id",
            "ids are non-empty, without spaces",
        ));
    }
    check_text(file, id, "body", &step.body, problems);
    check_text(file, id, "channel", &step.channel, problems);
    check_text(file, id, "deadline_text", &step.deadline_text, problems);
    if step.prepare.is_empty() {
        problems.push(Problem::new(file, id, "prepare", "say what to prepare"));
    }
    for (i, p) in step.prepare.iter().enumerate() {
        check_text(file, id, &format!("prepare[{i}]"), p, problems);
    }
    for (i, c) in step.contacts.iter().enumerate() {
        let ok = match c.kind {
            super::ContactKind::Hotline => {
                !c.value.is_empty() && c.value.chars().all(|ch| ch.is_ascii_digit() || ch == '-')
            }
            _ => !c.value.trim().is_empty(),
        };
        if !ok {
            problems.push(Problem::new(
                file,
                id,
                format!("contacts[{i}].value"),
                format!("“{}” is not a usable {:?} contact", c.value, c.kind),
            ));
        }
    }
    for (i, d) in step.deadlines.iter().enumerate() {
        if d.number == 0 {
            problems.push(Problem::new(
                file,
                id,
                format!("deadlines[{i}].number"),
                "must be at least 1",
            ));
        }
        if i == 0 && d.counted_from == CountedFrom::Previous {
            problems.push(Problem::new(
                file,
                id,
                "deadlines[0].counted_from",
                "the first deadline has no previous one",
            ));
        }
        check_text(file, id, &format!("deadlines[{i}].what"), &d.what, problems);
    }
    match (&step.wait, step.stage) {
        (None, Stage::Court) => {}
        (None, _) => problems.push(Problem::new(
            file,
            id,
            "wait",
            "say how long to wait before going up a step",
        )),
        (Some(w), _) => {
            if w.number == 0 {
                problems.push(Problem::new(file, id, "wait.number", "must be at least 1"));
            }
            check_text(file, id, "wait.text", &w.text, problems);
        }
    }
    if let Some(note) = &step.note {
        check_text(file, id, "note", note, problems);
    }
    if step.sources.is_empty() {
        problems.push(Problem::new(
            file,
            id,
            "sources",
            "every step cites at least one source",
        ));
    }
    for (i, s) in step.sources.iter().enumerate() {
        check_source(file, id, &format!("sources[{i}]"), s, problems);
    }
    for (i, c) in step.conflicts.iter().enumerate() {
        let field = format!("conflicts[{i}]");
        if c.field.trim().is_empty() {
            problems.push(Problem::new(
                file,
                id,
                format!("{field}.field"),
                "name the field that disagrees",
            ));
        }
        check_text(file, id, &format!("{field}.ours"), &c.ours, problems);
        check_text(file, id, &format!("{field}.theirs"), &c.theirs, problems);
        check_text(file, id, &format!("{field}.note"), &c.note, problems);
        check_source(
            file,
            id,
            &format!("{field}.theirs_source"),
            &c.theirs_source,
            problems,
        );
    }
}

fn check_source(file: &str, id: &str, field: &str, s: &super::Source, problems: &mut Vec<Problem>) {
    if s.title.trim().is_empty() {
        problems.push(Problem::new(
            file,
            id,
            format!("{field}.title"),
            "must not be empty",
        ));
    }
    if crate::rules::problem::cites_seed(s.document.as_deref(), s.url.as_deref())
        && s.confidence != super::Confidence::Low
    {
        problems.push(Problem::new(
            file,
            id,
            format!("{field}.confidence"),
            crate::rules::problem::SEED_SOURCE_NOT_LOW,
        ));
    }
    match &s.checked {
        Some(checked) => {
            date_field(problems, file, id, &format!("{field}.checked"), checked);
        }
        None => problems.push(Problem::new(
            file,
            id,
            format!("{field}.checked"),
            "missing: when the source was last read (YYYY-MM-DD)",
        )),
    }
}

fn check_text(file: &str, id: &str, field: &str, text: &Text, problems: &mut Vec<Problem>) {
    if text.zh.trim().is_empty() || text.en.trim().is_empty() {
        problems.push(Problem::new(file, id, field, "needs both zh and en"));
    }
}
