//! Finding imported rows by a piece of their text, through the trigram index of migration 0011
//! (`transactions_search`), so a search over a million rows reads the index, not every row.
//!
//! The text the list searches is a row's counterparty, goods, type, status, note and ids, joined
//! by U+001F and folded to lower case (ASCII, as SQLite's `lower()` does). A piece of three or
//! more characters is matched by its distinct trigrams through the index, and each row found is
//! checked against the text. (FTS5's own `GLOB` does the same but reads a repeated trigram's
//! list once per repeat: "000" fifteen times in a 25-digit order number, 6× slower at a million
//! rows.) A piece of one or two characters has no trigram
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

/// Above this many rows from the index a search's rows are "many": the newest are then found by
/// walking the time index down (a page of 200 is near), not by sorting every row found.
const MANY_ROWS: i64 = 2000;

/// How the list finds the rows holding a piece of text.
pub(super) struct TextFilter {
    /// `WHERE` clauses on `transactions t`, each with its one parameter written `?`.
    pub clauses: Vec<(String, Value)>,
    /// The FTS5 query the rows come from, when they come from the index.
    index_match: Option<Value>,
    /// Whether each row the index gives is checked against the piece again (so the index's
    /// count is only an upper bound).
    checked: bool,
}

impl TextFilter {
    /// How many rows hold the piece, straight from the index, when the index alone answers.
    pub fn count_from_index(&self, conn: &Connection) -> Result<Option<i64>> {
        match (&self.index_match, self.checked) {
            (Some(m), false) => Ok(Some(conn.query_row(
                "SELECT count(*) FROM transactions_search WHERE transactions_search MATCH ?1",
                [m],
                |r| r.get(0),
            )?)),
            _ => Ok(None),
        }
    }

    /// Whether the rows found are many (see [`MANY_ROWS`]); a piece read row by row is common.
    pub fn many(&self, conn: &Connection) -> Result<bool> {
        let Some(m) = &self.index_match else {
            return Ok(true);
        };
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM (SELECT 1 FROM transactions_search WHERE transactions_search MATCH ?1 LIMIT ?2)",
            rusqlite::params![m, MANY_ROWS + 1],
            |r| r.get(0),
        )?;
        Ok(n > MANY_ROWS)
    }
}

/// How to keep the rows whose text contains `piece`; `None` when no row can.
pub(super) fn text_filter(conn: &Connection, piece: &str) -> Result<Option<TextFilter>> {
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
        let m = Value::Text(all_trigrams(&piece));
        return Ok(Some(TextFilter {
            clauses: vec![
                (FROM_INDEX.to_string(), m.clone()),
                (format!("instr({ROW_TEXT}, ?) > 0"), Value::Text(piece)),
            ],
            index_match: Some(m),
            checked: true,
        }));
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
        return Ok(Some(TextFilter {
            clauses: vec![(format!("instr({ROW_TEXT}, ?) > 0"), Value::Text(piece))],
            index_match: None,
            checked: true,
        }));
    }
    let any = Value::Text(
        terms
            .iter()
            .map(|t| fts_string(t))
            .collect::<Vec<_>>()
            .join(" OR "),
    );
    Ok(Some(TextFilter {
        clauses: vec![(FROM_INDEX.to_string(), any.clone())],
        index_match: Some(any),
        checked: false,
    }))
}

/// The clause keeping the rows an FTS5 query finds in the index.
const FROM_INDEX: &str =
    "t.id IN (SELECT rowid FROM transactions_search WHERE transactions_search MATCH ?)";

/// An FTS5 query asking for every distinct trigram of `piece` (three or more characters).
fn all_trigrams(piece: &str) -> String {
    let chars: Vec<char> = piece.chars().collect();
    let mut seen: Vec<String> = Vec::new();
    for w in chars.windows(3) {
        let t: String = w.iter().collect();
        if !seen.contains(&t) {
            seen.push(t);
        }
    }
    seen.iter()
        .map(|t| fts_string(t))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// `text` as an FTS5 string: in double quotes, a quote doubled.
fn fts_string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::{all_trigrams, fts_string};

    #[test]
    fn a_piece_asks_for_each_trigram_once() {
        assert_eq!(all_trigrams("00000"), "\"000\"");
        assert_eq!(all_trigrams("美团外卖"), "\"美团外\" AND \"团外卖\"");
        assert_eq!(fts_string("a\"b"), "\"a\"\"b\"");
    }
}
