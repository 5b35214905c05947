//! Reading imported rows back for the UI: filter by platform, direction, text and date range,
//! paged; and the list of imports with their figures.

use super::normalise::Direction;
use super::original::{read_cells, write_original, DerivedTexts};
use super::search;
use crate::error::{CoreError, Result};
use crate::ledger::require_platform;
use crate::money::Money;
use crate::time;
use crate::Field;
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::hash_map::{Entry, HashMap};

/// Which imported rows to show. Dates are `YYYY-MM-DD` (inclusive, in the bill's local time).
///
/// Pages are read by key, not by position: the next page starts after the last row shown
/// (`after_id`), the page above before the first one (`before_id`), so a page deep into a
/// million rows costs what the first one does.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TxnQuery {
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub direction: Option<Direction>,
    /// Matched against counterparty, goods, type, status, note and ids.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub import_id: Option<i64>,
    /// The rows that come after this one in the list (older; the next page).
    #[serde(default)]
    pub after_id: Option<i64>,
    /// The rows that come before this one in the list (newer; the page above), still listed
    /// newest first.
    #[serde(default)]
    pub before_id: Option<i64>,
    /// Page size; 0 means 50, at most 1000.
    #[serde(default)]
    pub limit: u32,
}

/// One imported row as the UI lists it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TxnRow {
    pub id: i64,
    pub platform: String,
    pub import_id: i64,
    /// Line (CSV) or row (XLSX) in the original file.
    pub line: i64,
    pub txn_id: String,
    pub merchant_order_id: String,
    pub occurred_at: String,
    pub direction: Direction,
    /// 收/支 as the file states it.
    pub direction_text: String,
    pub amount: Money,
    pub txn_type: String,
    pub counterparty: String,
    pub goods: String,
    pub method: String,
    pub status: String,
    pub note: String,
    pub fee: Money,
    pub refunded: Money,
    pub is_refund: bool,
    /// The purchase this refund belongs to.
    pub refund_of: Option<i64>,
    /// The original row, `{"header": "value", …}` in column order (JSON text).
    pub original_json: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TxnPage {
    /// Rows matching the filter, over all pages; counted for the first page only (no
    /// `after_id`/`before_id`), null for the others.
    pub total: Option<i64>,
    pub limit: u32,
    pub rows: Vec<TxnRow>,
    /// Whether rows follow the last one (older) / precede the first one (newer).
    pub more_after: bool,
    pub more_before: bool,
}

/// Imported rows matching `q`, newest first.
pub fn query_transactions(conn: &Connection, q: &TxnQuery) -> Result<TxnPage> {
    let mut filter = Filter::default();
    if let Some(name) = q.platform.as_deref().filter(|n| !n.trim().is_empty()) {
        let p = require_platform(conn, name)?;
        filter.bind("t.platform_id = ?", Value::Integer(p.id));
    }
    if let Some(d) = q.direction {
        filter.bind("t.direction = ?", Value::Text(d.as_str().into()));
    }
    if let Some(id) = q.import_id {
        filter.bind("t.import_id = ?", Value::Integer(id));
    }
    let from = date_bound(q.from.as_deref(), Field::From)?;
    let to = date_bound(q.to.as_deref(), Field::To)?;
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(CoreError::invalid(
                Field::To,
                "结束日期早于开始日期",
                "the end date is before the start date",
            ));
        }
    }
    // The bill's local days, as UTC keys: the index on occurred_utc answers the range.
    if let Some(from) = from {
        filter.bind(
            "t.occurred_utc >= ?",
            Value::Text(day_start_key(from, Field::From)?),
        );
    }
    if let Some(to) = to {
        let next = to.succ_opt().ok_or_else(|| date_out_of_range(Field::To))?;
        filter.bind(
            "t.occurred_utc < ?",
            Value::Text(day_start_key(next, Field::To)?),
        );
    }
    // A search finding many rows walks the time index down to the newest (SQLite would
    // otherwise read every row found and sort them: 0.35 s for 83,000 rows of "美团"); with the
    // text the only filter and the index answering alone, the index counts them.
    let mut many_rows = false;
    let mut index_count = None;
    let first_page = q.after_id.is_none() && q.before_id.is_none();
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        match search::text_filter(conn, text)? {
            Some(found) => {
                many_rows = found.many(conn)?;
                if first_page && filter.clauses.is_empty() {
                    index_count = found.count_from_index(conn)?;
                }
                for (clause, value) in found.clauses {
                    filter.bind(&clause, value);
                }
            }
            None => return Ok(TxnPage::empty(limit_of(q))),
        }
    }
    let total = match (first_page, index_count) {
        (true, Some(n)) => Some(n),
        (true, None) => Some(conn.query_row(
            &format!("SELECT count(*) FROM transactions t WHERE {}", filter.sql()),
            params_from_iter(filter.values.iter()),
            |r| r.get(0),
        )?),
        (false, _) => None,
    };
    let limit = limit_of(q);
    // Newest first is (occurred_utc, id) descending; the page above is read ascending from its
    // key and turned round.
    let (anchor, upward) = match (q.after_id, q.before_id) {
        (Some(id), _) => (Some(id), false),
        (None, Some(id)) => (Some(id), true),
        (None, None) => (None, false),
    };
    let mut keyed = filter.clone();
    if let Some(id) = anchor {
        let key: Option<String> = conn
            .query_row(
                "SELECT occurred_utc FROM transactions WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let key = key.ok_or_else(|| {
            CoreError::invalid(
                Field::named(if upward { "before_id" } else { "after_id" }),
                "这一行已不在列表里，请重新加载",
                "that row is no longer in the list; reload it",
            )
        })?;
        let op = if upward { ">" } else { "<" };
        keyed.values.push(Value::Text(key));
        let k = keyed.values.len();
        keyed.values.push(Value::Integer(id));
        let i = keyed.values.len();
        keyed
            .clauses
            .push(format!("(t.occurred_utc, t.id) {op} (?{k}, ?{i})"));
    }
    let order = if upward { "ASC" } else { "DESC" };
    // One more than the page tells whether another page follows.
    let sql = format!(
        "SELECT t.id, p.name, t.import_id, t.line, t.txn_id, t.merchant_order_id, t.occurred_at, t.direction,
                t.direction_text, t.amount_fen, t.txn_type, t.counterparty, t.goods, t.method, t.status, t.note,
                t.fee_fen, t.refunded_fen, t.is_refund, t.refund_of, t.original_json,
                t.original_cells
         FROM transactions t {} JOIN platforms p ON p.id = t.platform_id
         WHERE {} ORDER BY t.occurred_utc {order}, t.id {order} LIMIT {}",
        if many_rows {
            "INDEXED BY transactions_time"
        } else {
            ""
        },
        keyed.sql(),
        limit + 1
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt
        .query_map(params_from_iter(keyed.values.iter()), |r| {
            let direction: String = r.get(7)?;
            let row = TxnRow {
                id: r.get(0)?,
                platform: r.get(1)?,
                import_id: r.get(2)?,
                line: r.get(3)?,
                txn_id: r.get(4)?,
                merchant_order_id: r.get(5)?,
                occurred_at: r.get(6)?,
                direction: direction.parse().unwrap_or(Direction::Neutral),
                direction_text: r.get(8)?,
                amount: Money(r.get(9)?),
                txn_type: r.get(10)?,
                counterparty: r.get(11)?,
                goods: r.get(12)?,
                method: r.get(13)?,
                status: r.get(14)?,
                note: r.get(15)?,
                fee: Money(r.get(16)?),
                refunded: Money(r.get(17)?),
                is_refund: r.get(18)?,
                refund_of: r.get(19)?,
                original_json: r.get(20)?,
            };
            Ok((row, r.get::<_, Option<String>>(21)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    if upward {
        rows.reverse();
    }
    let mut headers: HashMap<i64, Vec<String>> = HashMap::new();
    let rows = rows
        .into_iter()
        .map(|(mut row, cells)| {
            if let Some(cells) = cells {
                row.original_json = original_json(conn, &mut headers, &row, &cells)?;
            }
            Ok(row)
        })
        .collect::<Result<Vec<_>>>()?;
    let (more_after, more_before) = match (q.after_id, q.before_id) {
        (None, None) => (more, false),
        (Some(_), _) => (more, true),
        (None, Some(_)) => (true, more),
    };
    Ok(TxnPage {
        total,
        limit,
        rows,
        more_after,
        more_before,
    })
}

impl TxnPage {
    fn empty(limit: u32) -> TxnPage {
        TxnPage {
            total: Some(0),
            limit,
            rows: Vec::new(),
            more_after: false,
            more_before: false,
        }
    }
}

fn limit_of(q: &TxnQuery) -> u32 {
    match q.limit {
        0 => 50,
        n => n.min(1000),
    }
}

/// `WHERE` clauses with numbered parameters.
#[derive(Debug, Clone, Default)]
struct Filter {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Filter {
    /// Adds `clause`, whose every `?` is the one new parameter `value`.
    fn bind(&mut self, clause: &str, value: Value) {
        self.values.push(value);
        self.clauses
            .push(clause.replace('?', &format!("?{}", self.values.len())));
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "1".to_string()
        } else {
            self.clauses.join(" AND ")
        }
    }
}

fn date_bound(text: Option<&str>, field: Field) -> Result<Option<NaiveDate>> {
    text.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| time::parse_date(s, field))
        .transpose()
}

/// The UTC key (as `occurred_utc` stores it) of 00:00 of `day` in the bill's local time.
fn day_start_key(day: NaiveDate, field: Field) -> Result<String> {
    let start = time::parse_time(&format!("{day}T00:00:00"), field)?;
    Ok(crate::ledger::utc_key(&start))
}

fn date_out_of_range(field: Field) -> CoreError {
    CoreError::invalid(field, "日期超出范围", "the date is out of range")
}

/// The `{"header": "value", …}` object of a row stored with `original_cells` (migration 0007):
/// the import's header names with the row's cells, exactly as rows stored before v7 hold it.
fn original_json(
    conn: &Connection,
    headers: &mut HashMap<i64, Vec<String>>,
    row: &TxnRow,
    cells: &str,
) -> Result<String> {
    let header = match headers.entry(row.import_id) {
        Entry::Occupied(e) => e.into_mut(),
        Entry::Vacant(e) => {
            let text: String = conn.query_row(
                "SELECT header_json FROM imports WHERE id = ?1",
                [row.import_id],
                |r| r.get(0),
            )?;
            e.insert(serde_json::from_str(&text).map_err(|e| CoreError::Internal(e.to_string()))?)
        }
    };
    let derived = DerivedTexts::new(&row.occurred_at, row.amount.fen());
    let stored = derived.with([
        &row.txn_id,
        &row.merchant_order_id,
        &row.direction_text,
        &row.txn_type,
        &row.counterparty,
        &row.goods,
        &row.method,
        &row.status,
        &row.note,
    ]);
    let cells = read_cells(cells, &stored).ok_or_else(|| {
        CoreError::Internal(format!("transaction {}: unreadable original cells", row.id))
    })?;
    let mut out = String::new();
    write_original(&mut out, header, &cells);
    Ok(out)
}

/// One recorded import.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportRecord {
    pub id: i64,
    pub platform: Option<String>,
    pub file_name: String,
    pub format: String,
    pub sha256: String,
    pub container_sha256: Option<String>,
    pub entry_name: String,
    pub rows: i64,
    pub imported: i64,
    pub duplicates: i64,
    pub withdrawals: i64,
    pub imported_at: String,
}

/// Imports, newest first; only one platform's when `platform` is given.
pub fn list_imports(conn: &Connection, platform: Option<&str>) -> Result<Vec<ImportRecord>> {
    let platform_id = platform
        .map(|n| require_platform(conn, n).map(|p| p.id))
        .transpose()?;
    let mut stmt = conn.prepare(
        "SELECT i.id, p.name, i.file_name, i.format, i.sha256, i.container_sha256, i.entry_name, i.rows,
                i.imported, i.duplicates, i.withdrawals, i.imported_at
         FROM imports i LEFT JOIN platforms p ON p.id = i.platform_id
         WHERE ?1 IS NULL OR i.platform_id = ?1 ORDER BY i.id DESC",
    )?;
    let rows = stmt.query_map([platform_id], |r| {
        Ok(ImportRecord {
            id: r.get(0)?,
            platform: r.get(1)?,
            file_name: r.get(2)?,
            format: r.get(3)?,
            sha256: r.get(4)?,
            container_sha256: r.get(5)?,
            entry_name: r.get(6)?,
            rows: r.get(7)?,
            imported: r.get(8)?,
            duplicates: r.get(9)?,
            withdrawals: r.get(10)?,
            imported_at: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
