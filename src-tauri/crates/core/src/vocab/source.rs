//! Where a statement in the knowledge files comes from and how far to trust it: one `Source`
//! and one `Confidence` for the rules, the routes, the letters and the message corpus.

use serde::{Deserialize, Serialize};

/// How far a source (or what rests on it) is trusted. Ordered `Low < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// A document cited by the knowledge files. `checked` (`YYYY-MM-DD`, when someone last read it)
/// is required where the files' check says so (routes); rules carry it once per rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    pub confidence: Confidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_orders_low_to_high_and_spells_its_file_words() {
        assert!(Confidence::Low < Confidence::Medium && Confidence::Medium < Confidence::High);
        let words: Vec<_> = [Confidence::Low, Confidence::Medium, Confidence::High]
            .iter()
            .map(|c| c.as_str())
            .collect();
        assert_eq!(words, ["low", "medium", "high"]);
    }

    #[test]
    fn a_source_without_url_document_or_checked_reads_and_writes_without_them() {
        let s: Source = toml::from_str("title = \"t\"\nconfidence = \"high\"").unwrap();
        assert_eq!((s.url.as_deref(), s.checked.as_deref()), (None, None));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"title":"t","confidence":"high"}"#
        );
        let e = toml::from_str::<Source>("title = \"t\"\nconfidence = \"sure\"").unwrap_err();
        assert!(e.to_string().contains("sure"), "{e}");
    }
}
