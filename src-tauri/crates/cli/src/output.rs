//! Printing: one JSON document with --json, otherwise text in the user's language.

use serde::Serialize;
use tixian_core::Lang;

pub struct Out {
    pub json: bool,
    pub lang: Lang,
}

impl Out {
    /// Prints `value` as JSON, or the text `human` gives for the chosen language. The text is
    /// made printable line by line: it quotes files (bill cells, rule files from the user's
    /// folder) whose escape sequences must not reach the terminal.
    pub fn print<T: Serialize>(&self, value: &T, human: impl FnOnce(Lang) -> String) {
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(text) => println!("{text}"),
                Err(e) => eprintln!("error: cannot print JSON: {e}"),
            }
        } else {
            let text = human(self.lang);
            let lines: Vec<_> = text.lines().map(tixian_core::error::printable).collect();
            println!("{}", lines.join("\n"));
        }
    }

    /// Picks the text for the chosen language.
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}
