//! `tixian kb check` over the whole corpus, on top of every knowledge module: the knowledge base's
//! own files, the rules' tests run through the diagnosis, the patterns' examples, then the
//! calendar, routes and letters checking themselves. (`Problem` and the shared checks are
//! `rules::problem`, at the bottom, so the modules checked need nothing from here.)

pub use crate::rules::problem::{cites_seed, Problem};
use crate::rules::RuleFile;

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
