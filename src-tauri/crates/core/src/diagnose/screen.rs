//! The platform's message among the text read from a screenshot (`tixian diagnose --image`,
//! the app's Diagnose screen). A screenshot shows more than the message — the clock, the page
//! title, amounts, buttons — so the message is the paragraphs the knowledge base recognises:
//! those with a specific pattern if any, else those with a vague one, else (nothing known) the
//! whole text, which then diagnoses like an unknown message.

use crate::kb::Kb;

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
