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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn original_row_is_valid_json_in_column_order() {
        let header = vec!["交易时间".to_string(), "商品".into(), String::new()];
        let cells = vec!["2021".to_string(), "点击\"多多\"\t\\".into(), String::new()];
        let mut s = String::new();
        write_original(&mut s, &header, &cells);
        assert_eq!(s, r#"{"交易时间":"2021","商品":"点击\"多多\"\t\\"}"#);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["商品"], "点击\"多多\"\t\\");
    }

    #[test]
    fn compact_cells_read_back_to_the_same_row() {
        let columns = Columns {
            time: 0,
            direction: 1,
            txn_id: Some(2),
            note: Some(3),
            amount: 4,
            ..Columns::default()
        };
        let header: Vec<String> = ["交易时间", "收/支", "交易单号", "备注", "金额", "", ""]
            .map(String::from)
            .into();
        let codes = verbatim_codes(&columns, header.len());
        let derived = DerivedTexts::new("2021-01-01T00:00:00+08:00", 1230);
        // txn_id is stored as '' for '/'; 收/支 and 备注 verbatim; time and amount derived.
        let texts = derived.with(["", "", "支出", "", "", "", "", "", "a\"\u{1f}"]);
        let rows = [
            (
                [
                    "2021-01-01 00:00:00",
                    "支出",
                    "/",
                    "a\"\u{1f}",
                    "¥12.30",
                    "/",
                    "",
                ],
                r#"[9,2,12,8,10,12,""]"#,
            ),
            (
                [
                    "2021/1/1 0:00",
                    "收入",
                    "x",
                    "b",
                    "12.30",
                    "12.30",
                    "¥12.30",
                ],
                r#"["2021/1/1 0:00","收入","x","b",11,"12.30","¥12.30"]"#,
            ),
            (
                ["2021-01-01 00:00:00", "支出", "", "", "12.3", "9", "12"],
                r#"[9,2,0,"","12.3","9","12"]"#,
            ),
        ];
        for (cells, compact) in rows {
            let cells: Vec<String> = cells.map(String::from).into();
            let mut s = String::new();
            write_cells(&mut s, &codes, &cells.iter().collect(), &texts);
            assert_eq!(s, compact);
            assert_eq!(read_cells(&s, &texts).unwrap(), cells);
            let (mut a, mut b) = (String::new(), String::new());
            write_original(&mut a, &header, &cells);
            write_original(&mut b, &header, &read_cells(&s, &texts).unwrap());
            assert_eq!(a, b);
        }
        assert_eq!(read_cells("{}", &texts), None);
        assert_eq!(read_cells("[13]", &texts), None);
    }

    #[test]
    fn derived_texts_render_bill_time_and_amounts() {
        let d = DerivedTexts::new("2019-09-26T12:45:27+08:00", 5);
        assert_eq!(
            d.with([""; 9])[9..],
            ["2019-09-26 12:45:27", "¥0.05", "0.05", "/"]
        );
        let d = DerivedTexts::new("2019-09-26T12:45:27+08:00", 123_456_789);
        assert_eq!(d.with([""; 9])[10], "¥1234567.89");
    }
}
