//! The rules' own tests (`[[rule.tests]]` in `rules/*.toml`) run through the diagnosis, for
//! `tixian kb check`: each case must make its rule fire (or not), put the cause in the diagnosis,
//! first when `top`, at the likelihood it names.

use crate::diagnose;
use crate::kb::schema::Expect;
use crate::kb::{Kb, Problem, TAXONOMY};
use crate::lang::Lang;
use crate::Field;

/// Runs each rule's `[[rule.tests]]` through the diagnosis.
pub(crate) fn run_rule_tests(kb: &Kb, problems: &mut Vec<Problem>) {
    let default_now =
        crate::time::parse_time("2026-06-01T12:00:00+08:00", crate::Field::At).expect("constant");
    for rule in &kb.rules {
        let p = |field: String, message: String| Problem {
            file: rule.file.clone(),
            id: rule.id.clone(),
            field,
            message,
        };
        for (i, t) in rule.tests.iter().enumerate() {
            let field = format!("tests[{i}]");
            let json = match &t.case {
                toml::Value::String(s) => serde_json::from_str(s).map_err(|e| e.to_string()),
                other => serde_json::to_value(other).map_err(|e| e.to_string()),
            };
            let case = match json
                .map_err(|e| crate::CoreError::invalid(Field::named("case"), e.clone(), e))
                .and_then(diagnose::case_from_value)
            {
                Ok(c) => c,
                Err(e) => {
                    problems.push(p(format!("{field}.case"), e.message(Lang::En)));
                    continue;
                }
            };
            let now = match &t.now {
                Some(n) => match crate::time::parse_time(n, crate::Field::At) {
                    Ok(n) => n,
                    Err(e) => {
                        problems.push(p(format!("{field}.now"), e.message(Lang::En)));
                        continue;
                    }
                },
                None => default_now,
            };
            let fired = diagnose::rule_fires(kb, rule, &case, &now);
            let result = diagnose::diagnose(kb, &case, Lang::En, &now);
            let cause = TAXONOMY[rule.cause];
            let found = result.causes.iter().position(|c| c.id == cause);
            match t.expect {
                Expect::Present if fired.is_none() => problems.push(p(
                    field.clone(),
                    "expected the rule to fire; it did not".into(),
                )),
                Expect::Present if found.is_none() => problems.push(p(
                    field.clone(),
                    format!("the rule fired but {cause} is not in the diagnosis"),
                )),
                Expect::Absent if fired.is_some() => problems.push(p(
                    field.clone(),
                    "expected the rule not to fire; it did".into(),
                )),
                _ => {}
            }
            if t.expect == Expect::Present {
                if t.top && found != Some(0) {
                    let top = result
                        .causes
                        .first()
                        .map(|c| c.id.as_ref())
                        .unwrap_or("nothing");
                    problems.push(p(
                        format!("{field}.top"),
                        format!("expected {cause} first; got {top}"),
                    ));
                }
                if let (Some(want), Some(got)) = (t.likelihood, fired) {
                    if want != got {
                        problems.push(p(
                            format!("{field}.likelihood"),
                            format!("expected {want:?}, the rule gave {got:?}"),
                        ));
                    }
                }
            }
        }
    }
}
