//! `tixian kb check` over the whole corpus, on top of every knowledge module: the knowledge base's
//! own files, the rules' tests run through the diagnosis, the patterns' examples, then the
//! calendar, routes and letters checking themselves. (`Problem` and the shared checks are
//! `rules::problem`, at the bottom, so the modules checked need nothing from here.)

use crate::diagnose::{self, Generalisation};
use crate::kb::Kb;
pub use crate::rules::problem::{cites_seed, Problem};
use crate::rules::{self, RuleFile, UserFile};
use serde::Serialize;
use std::path::Path;

/// `tixian kb check`: every problem in the knowledge files, including failing examples.
pub fn check_all(files: &[RuleFile]) -> Vec<Problem> {
    let (kb, mut problems) = crate::kb::check_own(files);
    crate::diagnose::examples::run_rule_tests(&kb, &mut problems);
    crate::kb::check_pattern_examples(&kb, &mut problems);
    // The other knowledge folders check themselves.
    problems.extend(crate::calendar::check(files));
    problems.extend(crate::route::check(files));
    problems.extend(crate::cases::rules_check::check(files));
    problems
}

/// What `tixian kb check` reports (the contract's JSON): every problem, the generalisation
/// floor included, the user's files in use, and the message corpus's figures.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub ok: bool,
    pub files: usize,
    pub problems: Vec<Problem>,
    /// The files of the user's rule folder laid over the built-in ones (replacing or adding).
    pub user_files: Vec<UserFile>,
    /// The message corpus and how well reading generalises (leave one source out); `None`
    /// when the knowledge base does not load.
    pub corpus: Option<CorpusReport>,
}

#[derive(Debug, Serialize)]
pub struct CorpusReport {
    pub texts: usize,
    pub sources: usize,
    pub leave_one_source_out: Generalisation,
    /// The threshold below which the check fails, as a rate ("0.850").
    pub min_top2_rate: String,
}

/// The whole check of `files`, the user's being those from `user_dir`.
pub fn check_report(files: &[RuleFile], user_dir: &Path) -> CheckReport {
    let mut problems = check_all(files);
    let corpus = Kb::load(files).ok().map(|kb| {
        let (texts, sources) = kb.corpus_size();
        let g = kb.leave_one_source_out();
        problems.extend(diagnose::generalisation_problem(&g));
        CorpusReport {
            texts,
            sources,
            leave_one_source_out: g,
            min_top2_rate: diagnose::min_top2_rate(),
        }
    });
    CheckReport {
        ok: problems.is_empty(),
        files: files.len(),
        problems,
        user_files: rules::user_files(files, user_dir),
        corpus,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_user_file_fails_the_check_naming_it_and_is_listed_as_the_users() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("limits.toml"), "[[rule]\nid = ").unwrap();
        let files = rules::load(Some(dir.path())).unwrap();
        let report = check_report(&files, dir.path());
        assert!(!report.ok);
        assert!(report
            .problems
            .iter()
            .any(|p| p.file.ends_with("limits.toml")));
        assert!(report.corpus.is_none(), "the knowledge base does not load");
        let users: Vec<&str> = report.user_files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(users, ["limits.toml"]);
    }
}
