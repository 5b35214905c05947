//! The platform's message among the text read from a screenshot (`tixian diagnose --image`,
//! the app's Diagnose screen). A screenshot shows more than the message — the clock, the page
//! title, amounts, buttons — so the message is the paragraphs the knowledge base recognises:
//! those with a specific pattern if any, else those with a vague one, else (nothing known) the
//! whole text, which then diagnoses like an unknown message.

use super::case::{parse_case, Case};
use crate::error::Result;
use crate::kb::Kb;
use std::path::Path;

/// `case` with its message read from the screenshot at `image` when it has none; no case is a
/// failed withdrawal on a platform not known from a screenshot alone (`other` keeps every rule
/// general). Also gives the message read, `None` when the case had its own and the screenshot
/// was not read.
pub fn case_with_screenshot(
    kb: &Kb,
    case: Option<Case>,
    image: &Path,
) -> Result<(Case, Option<String>)> {
    let mut case = match case {
        Some(c) => c,
        None => parse_case(r#"{"platform": "other", "action": "withdraw", "status": "failed"}"#)?,
    };
    if case
        .message
        .as_deref()
        .is_some_and(|m| !m.trim().is_empty())
    {
        return Ok((case, None));
    }
    let read = crate::ocr::read_file(image)?;
    let message = message_from_text(kb, &read.text);
    case.message = (!message.is_empty()).then(|| message.clone());
    Ok((case, Some(message)))
}

/// The message to diagnose from a screenshot's `text` (paragraphs on lines of their own).
pub fn message_from_text(kb: &Kb, text: &str) -> String {
    let paragraphs: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let signals: Vec<_> = paragraphs.iter().map(|p| kb.matcher().signals(p)).collect();
    let pick = |strong: bool| -> Vec<&str> {
        paragraphs
            .iter()
            .zip(&signals)
            .filter(|(_, s)| if strong { s.strong != 0 } else { s.weak != 0 })
            .map(|(p, _)| *p)
            .collect()
    };
    let strong = pick(true);
    let chosen = if strong.is_empty() {
        pick(false)
    } else {
        strong
    };
    if chosen.is_empty() {
        paragraphs.join("\n")
    } else {
        chosen.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_with_its_own_message_does_not_read_the_screenshot() {
        let case =
            parse_case(r#"{"platform": "wechat", "action": "withdraw", "message": "提现失败"}"#)
                .unwrap();
        let (case, read) =
            case_with_screenshot(Kb::embedded(), Some(case), Path::new("/no/such.png")).unwrap();
        assert_eq!(case.message.as_deref(), Some("提现失败"));
        assert_eq!(read, None);
    }

    #[test]
    fn no_case_is_a_failed_withdrawal_with_the_message_from_the_screenshot() {
        let image = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../tests/fixtures/ocr/01-error-page-light.png");
        let (case, read) = case_with_screenshot(Kb::embedded(), None, &image).unwrap();
        let read = read.expect("the screenshot was read");
        assert!(read.contains("限额"), "{read}");
        assert_eq!(case.message.as_deref(), Some(read.as_str()));
        let missing = case_with_screenshot(Kb::embedded(), None, Path::new("/no/such.png"));
        assert_eq!(missing.unwrap_err().field_name(), Some("image"));
    }

    #[test]
    fn the_recognised_paragraph_is_the_message() {
        let kb = Kb::embedded();
        let text = "10:24\n提现详情\n提现失败\n当日提现金额已超过限额，请明日再试\n提现金额 ¥5,000.00\n我知道了";
        assert_eq!(
            message_from_text(kb, text),
            "当日提现金额已超过限额，请明日再试"
        );
    }

    #[test]
    fn with_nothing_recognised_the_whole_text_is_the_message() {
        let kb = Kb::embedded();
        assert_eq!(
            message_from_text(kb, " 10:24\n\n在线客服 "),
            "10:24\n在线客服"
        );
        assert_eq!(message_from_text(kb, ""), "");
    }
}
