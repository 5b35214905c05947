//! Reading imported rows back for the UI: filter by platform, direction, text and date range,
//! paged; and the list of imports with their figures.

use super::normalise::Direction;
use super::original::{read_cells, write_original, DerivedTexts};
use crate::error::{CoreError, Result};
use crate::ledger::require_platform;
use crate::money::Money;
use crate::time;
use crate::Field;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};
use std::collections::hash_map::{Entry, HashMap};

/// Which imported rows to show. Dates are `YYYY-MM-DD` (inclusive, in the bill's local time).
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
    #[serde(default)]
    pub offset: u32,
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
    /// Rows matching the filter, over all pages.
    pub total: i64,
    pub offset: u32,
    pub limit: u32,
    pub rows: Vec<TxnRow>,
}

/// Imported rows matching `q`, newest first.
pub fn query_transactions(conn: &Connection, q: &TxnQuery) -> Result<TxnPage> {
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let mut bind = |clause: &str, value: Value, clauses: &mut Vec<String>| {
        values.push(value);
        clauses.push(clause.replace('?', &format!("?{}", values.len())));
    };
    if let Some(name) = q.platform.as_deref().filter(|n| !n.trim().is_empty()) {
        let p = require_platform(conn, name)?;
        bind("t.platform_id = ?", Value::Integer(p.id), &mut clauses);
    }
    if let Some(d) = q.direction {
        bind(
            "t.direction = ?",
            Value::Text(d.as_str().into()),
            &mut clauses,
        );
    }
    if let Some(id) = q.import_id {
        bind("t.import_id = ?", Value::Integer(id), &mut clauses);
    }
    if let Some(from) = q.from.as_deref().filter(|s| !s.trim().is_empty()) {
        let d = time::parse_date(from, crate::Field::From)?;
        bind(
            "substr(t.occurred_at, 1, 10) >= ?",
            Value::Text(d.to_string()),
            &mut clauses,
        );
    }
    if let Some(to) = q.to.as_deref().filter(|s| !s.trim().is_empty()) {
        let d = time::parse_date(to, crate::Field::To)?;
        bind(
            "substr(t.occurred_at, 1, 10) <= ?",
            Value::Text(d.to_string()),
            &mut clauses,
        );
    }
    if let (Some(from), Some(to)) = (&q.from, &q.to) {
        if !from.trim().is_empty() && !to.trim().is_empty() && from.trim() > to.trim() {
            return Err(CoreError::invalid(
                Field::To,
                "结束日期早于开始日期",
                "the end date is before the start date",
            ));
        }
    }
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = Value::Text(format!("%{escaped}%"));
        let cols = [
            "counterparty",
            "goods",
            "txn_type",
            "status",
            "note",
            "txn_id",
            "merchant_order_id",
        ];
        let ors: Vec<String> = cols
            .iter()
            .map(|c| format!("t.{c} LIKE ? ESCAPE '\\'"))
            .collect();
        bind(&format!("({})", ors.join(" OR ")), pattern, &mut clauses);
        // The same pattern for every column: each `?` above became the same numbered parameter.
    }
    let filter = if clauses.is_empty() {
        "1".to_string()
    } else {
        clauses.join(" AND ")
    };
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM transactions t WHERE {filter}"),
        params_from_iter(values.iter()),
        |r| r.get(0),
    )?;
    let limit = match q.limit {
        0 => 50,
        n => n.min(1000),
    };
    let sql = format!(
        "SELECT t.id, p.name, t.import_id, t.line, t.txn_id, t.merchant_order_id, t.occurred_at, t.direction,
                t.direction_text, t.amount_fen, t.txn_type, t.counterparty, t.goods, t.method, t.status, t.note,
                t.fee_fen, t.refunded_fen, t.is_refund, t.refund_of, t.original_json,
                t.original_cells
         FROM transactions t JOIN platforms p ON p.id = t.platform_id
         WHERE {filter} ORDER BY t.occurred_utc DESC, t.id DESC LIMIT {limit} OFFSET {}",
        q.offset
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(values.iter()), |r| {
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
    Ok(TxnPage {
        total,
        offset: q.offset,
        limit,
        rows,
    })
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
