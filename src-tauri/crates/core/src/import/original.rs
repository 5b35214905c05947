//! The original row's codec: each bill row kept once, compactly — a JSON array of its cells where
//! a cell equal to a value the row already stores (or follows from its time and amount) is that
//! value's number (migrations 0007, 0008) — and read back as the bill wrote it.

use super::layout::Columns;
use super::normalise::Txn;
use super::table::Cells;
use std::fmt::Write;

/// For each original column, the numbers a cell of it may be written as, tried in order (see
/// migrations 0007 and 0008): the stored column holding it verbatim — 0 txn_id,
/// 1 merchant_order_id, 2 direction_text, 3 txn_type, 4 counterparty, 5 goods, 6 method,
/// 7 status, 8 note — or a text following from the row's time and amount — 9 the local time as
/// bills write it, 10 the amount with `¥`, 11 without — and, for any column, 12 for `/`.
pub(super) fn verbatim_codes(c: &Columns, width: usize) -> Vec<[Option<u8>; 3]> {
    let mut codes = vec![[None, None, Some(SLASH)]; width];
    let fields = [
        c.txn_id,
        c.merchant_id,
        Some(c.direction),
        c.txn_type,
        c.counterparty,
        c.goods,
        c.method,
        c.status,
        c.note,
    ];
    for (code, col) in fields.iter().enumerate() {
        if let Some(slot) = col.and_then(|i| codes.get_mut(i)) {
            slot[0].get_or_insert(code as u8);
        }
    }
    if let Some(slot) = codes.get_mut(c.time) {
        slot[0].get_or_insert(9);
    }
    if let Some(slot) = codes.get_mut(c.amount) {
        if slot[0].is_none() {
            *slot = [Some(10), Some(11), Some(SLASH)];
        }
    }
    codes
}

/// Code of a `/` cell (the exports' "nothing here").
pub(super) const SLASH: u8 = 12;

/// The values `original_cells` numbers refer to, in that order (see [`verbatim_codes`]).
pub(crate) type StoredTexts<'a> = [&'a str; 13];

/// The texts codes 9–11 stand for, from a row's stored `occurred_at` and `amount_fen`.
#[derive(Debug, Default, Clone)]
pub(crate) struct DerivedTexts {
    time: String,
    yuan_sign: String,
    yuan: String,
}

impl DerivedTexts {
    pub(crate) fn new(occurred_at: &str, amount_fen: i64) -> Self {
        let mut texts = DerivedTexts::default();
        texts.fill(occurred_at, amount_fen);
        texts
    }

    /// `2019-09-26T12:45:27+08:00` and 1234 fen → `2019-09-26 12:45:27`, `¥12.34`, `12.34`.
    pub(crate) fn fill(&mut self, occurred_at: &str, amount_fen: i64) {
        self.time.clear();
        if let (Some(day), Some(clock)) = (occurred_at.get(..10), occurred_at.get(11..19)) {
            self.time.push_str(day);
            self.time.push(' ');
            self.time.push_str(clock);
        }
        self.yuan.clear();
        let _ = write!(self.yuan, "{}.{:02}", amount_fen / 100, amount_fen % 100);
        self.yuan_sign.clear();
        self.yuan_sign.push('¥');
        self.yuan_sign.push_str(&self.yuan);
    }

    /// The row's 13 values: its nine stored texts, then these.
    pub(crate) fn with<'a>(&'a self, stored: [&'a str; 9]) -> StoredTexts<'a> {
        let [a, b, c, d, e, f, g, h, i] = stored;
        [
            a,
            b,
            c,
            d,
            e,
            f,
            g,
            h,
            i,
            &self.time,
            &self.yuan_sign,
            &self.yuan,
            "/",
        ]
    }
}

/// The original row once, compactly: a JSON array of its cells in column order, where a cell
/// equal to a value it may be written as is that value's number (see [`verbatim_codes`]).
pub(super) fn write_cells(
    out: &mut String,
    codes: &[[Option<u8>; 3]],
    cells: &Cells,
    stored: &StoredTexts,
) {
    out.clear();
    out.push('[');
    for (i, value) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let code = codes
            .get(i)
            .into_iter()
            .flatten()
            .flatten()
            .find(|&&code| stored[code as usize] == value);
        match code {
            Some(code) => {
                let _ = write!(out, "{code}");
            }
            None => push_json_str(out, value),
        }
    }
    out.push(']');
}

/// The cells `write_cells` wrote, given the row's stored values; None if the text is not such
/// an array.
pub(crate) fn read_cells(text: &str, stored: &StoredTexts) -> Option<Vec<String>> {
    let items: Vec<serde_json::Value> = serde_json::from_str(text).ok()?;
    items
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Number(n) => stored
                .get(usize::try_from(n.as_u64()?).ok()?)
                .map(|s| s.to_string()),
            _ => None,
        })
        .collect()
}

/// The original row as a JSON object `{"header": "value", …}` in column order.
pub(crate) fn write_original(out: &mut String, header: &[String], cells: &[String]) {
    out.clear();
    out.push('{');
    let mut first = true;
    for (i, value) in cells.iter().enumerate() {
        let name = header.get(i).map(String::as_str).unwrap_or("");
        if name.is_empty() && value.is_empty() {
            continue; // the column a trailing comma makes
        }
        if !first {
            out.push(',');
        }
        first = false;
        if name.is_empty() {
            push_json_str(out, &format!("column {}", i + 1));
        } else {
            push_json_str(out, name);
        }
        out.push(':');
        push_json_str(out, value);
    }
    out.push('}');
}

pub(super) fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The row's stored texts `original_cells` numbers 0–8 refer to (see [`verbatim_codes`]).
pub(super) fn stored_texts<'a>(t: &'a Txn, columns: &Columns) -> [&'a str; 9] {
    [
        t.text(columns.txn_id),
        t.text(columns.merchant_id),
        &t.cells[columns.direction],
        t.text(columns.txn_type),
        t.text(columns.counterparty),
        t.text(columns.goods),
        t.text(columns.method),
        t.text(columns.status),
        t.text(columns.note),
    ]
}
