//! What `tixian kb check` reports: one broken thing in one rule file. Each knowledge module
//! (`calendar`, `route`, …) offers `check(files) -> Vec<Problem>`; `kb_check::check_all` gathers
//! them. Also the checks they share (seed citations, TOML errors with their line, dates).

use serde::Serialize;
use std::fmt;

/// One problem found in a rule file: which file, which entry, which field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Problem {
    /// Path under `rules/`, e.g. `calendar/2026.toml` (with `:line` when the parser knows it).
    pub file: String,
    /// The entry's id (`2026.spring-festival`, `regulator.nfra`), or the file's subject when the
    /// problem concerns the whole file.
    pub id: String,
    /// The field at fault (`off_to`, `steps[2]`, `sources`).
    pub field: String,
    /// What is wrong, in English (the rule files are maintained in both languages by developers).
    pub message: String,
}

impl Problem {
    pub fn new(
        file: impl Into<String>,
        id: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            file: file.into(),
            id: id.into(),
            field: field.into(),
            message: message.into(),
        }
    }

    /// The core error for a rule set that cannot be used: bad data in a rule file is input the
    /// user (or a user override) supplied, so it is `Invalid` at the file.
    pub fn into_error(self) -> crate::CoreError {
        crate::CoreError::invalid(
            crate::Field::Named(self.field),
            format!("知识库文件有误（{}）：{}", self.id, self.message),
            format!("broken rule file ({}): {}", self.id, self.message),
        )
        .at(self.file)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}: {}",
            self.file, self.id, self.field, self.message
        )
    }
}

/// Whether a source cites one of the seed articles (`shared/seeds/003_….txt`, `seeds/003`): the
/// user research the product was specified from, whose figures are often invented. Such a source
/// is never shown as fact: `tixian kb check` fails unless its confidence is `low`, and an entry
/// that rests on seed articles alone must be `low` itself.
pub fn cites_seed(document: Option<&str>, url: Option<&str>) -> bool {
    [document, url]
        .into_iter()
        .flatten()
        .any(|d| d.split(['/', '\\']).any(|part| part == "seeds"))
}

/// What `kb check` says about a seed article cited with more than `low` confidence.
pub(crate) const SEED_SOURCE_NOT_LOW: &str =
    "cites a seed article (user research, figures unverified): its confidence must be low";

/// What `kb check` says about an entry whose only sources are seed articles.
pub(crate) const SEED_ONLY_NOT_LOW: &str =
    "rests only on seed articles (user research, figures unverified): its confidence must be low";

/// The line (1-based) of a byte offset in `text`, for problems found by the TOML parser.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// A TOML/serde error as a problem: the parser's message, the file with its line.
pub(crate) fn parse_problem(path: &str, text: &str, id: &str, e: &toml::de::Error) -> Problem {
    let file = match e.span() {
        Some(span) => format!("{path}:{}", line_of(text, span.start)),
        None => path.to_string(),
    };
    let message = e.message().trim().to_string();
    let field = field_in_message(&message).unwrap_or_else(|| "toml".to_string());
    Problem::new(file, id, field, message)
}

/// serde names the field in messages such as "missing field `due`" or "unknown field `dues`".
fn field_in_message(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_string())
}

/// Checks a `YYYY-MM-DD` value, naming the field when it is not one.
pub(crate) fn date_field(
    problems: &mut Vec<Problem>,
    file: &str,
    id: &str,
    field: &str,
    value: &str,
) -> Option<chrono::NaiveDate> {
    match chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            problems.push(Problem::new(
                file,
                id,
                field,
                format!("“{value}” is not a date (YYYY-MM-DD)"),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_carry_line_and_field() {
        let text = "a = 1\nb = \n";
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        let p = parse_problem("x/y.toml", text, "y", &e);
        assert_eq!(p.file, "x/y.toml:2");

        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct S {
            due: String,
        }
        let text = "due = \"x\"\ndues = 1\n";
        let e = toml::from_str::<S>(text).unwrap_err();
        let p = parse_problem("f.toml", text, "f", &e);
        assert_eq!(p.field, "dues");
        assert!(p.file.starts_with("f.toml:"), "{p}");
    }

    #[test]
    fn seed_articles_are_recognised_by_their_folder() {
        assert!(cites_seed(Some("seeds/003"), None));
        assert!(cites_seed(
            Some("shared/seeds/003_1d07ed7b6f15b65f.txt"),
            None
        ));
        assert!(cites_seed(None, Some("file:///work/shared/seeds/000.txt")));
        assert!(!cites_seed(Some("中国人民银行令〔2020〕第5号"), None));
        assert!(!cites_seed(Some("overseeds/003"), None));
        assert!(!cites_seed(None, None));
    }

    #[test]
    fn into_error_is_invalid_at_the_file() {
        let e = Problem::new("calendar/2026.toml", "2026", "year", "bad").into_error();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("calendar/2026.toml"));
    }
}
