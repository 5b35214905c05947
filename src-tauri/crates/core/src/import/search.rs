//! Finding imported rows by a piece of their text, through the trigram index of migration 0011
//! (`transactions_search`), so a search over a million rows reads the index, not every row.
//!
//! The text the list searches is a row's counterparty, goods, type, status, note and ids, joined
//! by U+001F and folded to lower case (ASCII, as SQLite's `lower()` does). A piece of three or
//! more characters is matched with `GLOB` through the index (FTS5 narrows the rows by its
//! trigrams and checks each against the text). A piece of one or two characters has no trigram
//! of its own: the index lists the trigrams that start with it (every character starts one, the
//! texts end in two separators), and the rows holding any of them are the answer. When that list
//! is very long (a single common character), the rows are read one by one instead.

use crate::error::Result;
use rusqlite::types::Value;
use rusqlite::Connection;

/// Above this many trigrams a short piece is looked for row by row.
const MAX_TERMS: usize = 400;

/// The text the index holds for row `t`, spelled as the view `transactions_search_text` does.
const ROW_TEXT: &str =
    "lower(t.counterparty || char(31) || t.goods || char(31) || t.txn_type || char(31) \
     || t.status || char(31) || t.note || char(31) || t.txn_id || char(31) || t.merchant_order_id \
     || char(31) || char(31))";

/// A `WHERE` clause on `transactions t` (its one parameter written `?`) keeping the rows whose
/// text contains `piece`, with that parameter; `None` when no row can.
pub(super) fn text_filter(conn: &Connection, piece: &str) -> Result<Option<(String, Value)>> {
    let piece: String = piece
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let chars = piece.chars().count();
    if chars == 0 {
        return Ok(None);
    }
    if chars >= 3 {
        return Ok(Some((
            "t.id IN (SELECT rowid FROM transactions_search WHERE search GLOB ?)".to_string(),
            Value::Text(format!("*{}*", glob_literal(&piece))),
        )));
    }
    let upper = format!("{piece}{}", char::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT term FROM transactions_search_terms WHERE term >= ?1 AND term < ?2 LIMIT ?3",
    )?;
    let terms = stmt
        .query_map(rusqlite::params![piece, upper, MAX_TERMS as i64 + 1], |r| {
            r.get::<_, String>(0)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if terms.is_empty() {
        return Ok(None);
    }
    if terms.len() > MAX_TERMS {
        return Ok(Some((
            format!("instr({ROW_TEXT}, ?) > 0"),
            Value::Text(piece),
        )));
    }
    let any = terms
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" OR ");
    Ok(Some((
        "t.id IN (SELECT rowid FROM transactions_search WHERE transactions_search MATCH ?)"
            .to_string(),
        Value::Text(any),
    )))
}

/// `text` as a GLOB pattern matching exactly itself: `*`, `?` and `[` each in a class of its own.
fn glob_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '*' | '?' | '[' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::glob_literal;

    #[test]
    fn glob_specials_match_only_themselves() {
        assert_eq!(glob_literal("a*b?c[d]"), "a[*]b[?]c[[]d]");
        assert_eq!(glob_literal("美团外卖"), "美团外卖");
    }
}
