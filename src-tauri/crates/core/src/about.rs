//! What the About dialog shows: the version, the knowledge base's date, and the licences of
//! Tixian and of the works it carries (the font in every bundle, the OCR models and engine).

use crate::kb::Kb;
use crate::Lang;

/// Tixian's own licence, then the bundled works' licences, as one text.
pub fn licences() -> String {
    [
        include_str!("../../../../LICENSE"),
        "\n---\n\nNoto Sans SC (embedded in every PDF bundle) — SIL Open Font License 1.1\n\n",
        include_str!("../../../../assets/fonts/OFL.txt"),
        "\n---\n\n",
        crate::ocr::LICENCES,
    ]
    .concat()
}

/// The newest `checked` date of any rule: how current the knowledge base is.
pub fn kb_checked(kb: &Kb) -> String {
    kb.list(Lang::Zh)
        .into_iter()
        .map(|r| r.checked)
        .max()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licences_name_every_bundled_work() {
        let text = licences();
        for name in [
            "MIT License",
            "SIL OPEN FONT LICENSE",
            "PaddleOCR",
            "RapidOCR",
            "RTen",
        ] {
            assert!(text.contains(name), "licences lack {name}");
        }
    }

    #[test]
    fn kb_checked_is_the_newest_rule_date() {
        let kb = Kb::embedded();
        let newest = kb_checked(kb);
        assert_eq!(newest.len(), 10, "{newest}");
        assert!(kb.list(Lang::Zh).iter().all(|r| r.checked <= newest));
        assert!(kb.list(Lang::Zh).iter().any(|r| r.checked == newest));
    }
}
