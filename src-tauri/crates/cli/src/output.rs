//! Printing: one JSON document with --json, otherwise text in the user's language.

use serde::Serialize;
use tixian_core::Lang;

pub struct Out {
    pub json: bool,
    pub lang: Lang,
}

impl Out {
    /// Prints `value` as JSON, or the text `human` gives for the chosen language.
    pub fn print<T: Serialize>(&self, value: &T, human: impl FnOnce(Lang) -> String) {
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(text) => println!("{text}"),
                Err(e) => eprintln!("error: cannot print JSON: {e}"),
            }
        } else {
            println!("{}", human(self.lang));
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
