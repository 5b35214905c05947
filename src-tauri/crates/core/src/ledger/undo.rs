//! Undo for deletions: a delete captures every row it removes (and every reference it clears)
//! into a [`Deleted`] record; [`restore`] puts them back with their original ids, in one
//! transaction. The record is plain data, so the UI can hold it while it shows "undo".

use crate::error::{CoreError, Result};
use crate::Field;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{params_from_iter, Connection, Transaction};
use serde::{Deserialize, Serialize};

/// One SQLite value, serialisable so a deletion can cross IPC and come back for undo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Text(String),
    /// Bytes (a transaction's 16-byte `identity`), kept as bytes: stored back as text they
    /// would no longer match the digest a re-import computes, and every row would come twice.
    Blob(Vec<u8>),
}

/// Rows removed from one table, in the order they must be put back.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TableRows {
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<SqlValue>>,
}

/// A reference the delete set to NULL (`ON DELETE SET NULL`); undo sets it back.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClearedRef {
    pub table: String,
    pub column: String,
    pub row_ids: Vec<i64>,
    pub value: i64,
}

/// Everything one delete removed. Pass it to [`restore`] to undo the delete.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Deleted {
    /// What was deleted, e.g. "platform", "balance", "withdrawal".
    pub what: String,
    pub id: i64,
    pub tables: Vec<TableRows>,
    pub cleared: Vec<ClearedRef>,
}

/// Tables whose names may appear in a [`Deleted`] record; restore refuses anything else, so a
/// record edited on its way back through the UI cannot write to arbitrary tables.
const RESTORABLE: [&str; 7] = [
    "platforms",
    "balance_snapshots",
    "withdrawals",
    "imports",
    "transactions",
    "danger_signals",
    "rule_snapshots",
];
const RESTORABLE_REFS: [(&str, &str); 3] = [
    ("imports", "platform_id"),
    ("cases", "platform_id"),
    ("withdrawals", "transaction_id"),
];

/// Reads the rows of `table` matching `filter` (a WHERE clause with `?1` = `id`), ordered by id.
pub(crate) fn capture(conn: &Connection, table: &str, filter: &str, id: i64) -> Result<TableRows> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} WHERE {filter} ORDER BY id"))?;
    let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
    let width = columns.len();
    let rows = stmt
        .query_map([id], |r| {
            (0..width)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        ValueRef::Null => SqlValue::Null,
                        ValueRef::Integer(n) => SqlValue::Integer(n),
                        ValueRef::Text(t) => {
                            SqlValue::Text(String::from_utf8_lossy(t).into_owned())
                        }
                        // No money or key column is REAL; keep the text form if one appears.
                        ValueRef::Real(f) => SqlValue::Text(f.to_string()),
                        ValueRef::Blob(b) => SqlValue::Blob(b.to_vec()),
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(TableRows {
        table: table.to_string(),
        columns,
        rows,
    })
}

/// Ids of rows in `table` whose `column` equals `value` (before a SET NULL clears them).
pub(crate) fn capture_ref(
    conn: &Connection,
    table: &str,
    column: &str,
    value: i64,
) -> Result<ClearedRef> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id FROM {table} WHERE {column} = ?1 ORDER BY id"
    ))?;
    let row_ids = stmt
        .query_map([value], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ClearedRef {
        table: table.into(),
        column: column.into(),
        row_ids,
        value,
    })
}

/// Puts back everything a delete removed, with the original ids. Fails (changing nothing) if
/// an id has been reused meanwhile.
pub fn restore(tx: &Transaction, deleted: &Deleted) -> Result<()> {
    // Rows may point at each other in any order (a refund before its purchase); checking
    // foreign keys at commit lets them go back in table order.
    tx.pragma_update(None, "defer_foreign_keys", "ON")?;
    for t in &deleted.tables {
        if !RESTORABLE.contains(&t.table.as_str()) {
            return Err(CoreError::invalid(
                Field::Deleted,
                "撤销记录无效",
                "the undo record is not valid",
            ));
        }
        if t.columns
            .iter()
            .any(|c| !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
        {
            return Err(CoreError::invalid(
                Field::Deleted,
                "撤销记录无效",
                "the undo record is not valid",
            ));
        }
        let placeholders: Vec<String> = (1..=t.columns.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            t.table,
            t.columns.join(", "),
            placeholders.join(", ")
        );
        let mut stmt = tx.prepare(&sql)?;
        for row in &t.rows {
            let values = row.iter().map(|v| match v {
                SqlValue::Null => Value::Null,
                SqlValue::Integer(n) => Value::Integer(*n),
                SqlValue::Text(s) => Value::Text(s.clone()),
                SqlValue::Blob(b) => Value::Blob(b.clone()),
            });
            stmt.execute(params_from_iter(values))
                .map_err(|e| match e {
                    rusqlite::Error::SqliteFailure(f, _)
                        if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                    {
                        CoreError::Conflict {
                            field: Field::Deleted,
                            message: crate::lang::Text::new(
                                "无法撤销：相关记录已被改动",
                                "cannot undo: the records were changed since the delete",
                            ),
                        }
                    }
                    other => other.into(),
                })?;
        }
    }
    for r in &deleted.cleared {
        if !RESTORABLE_REFS.contains(&(r.table.as_str(), r.column.as_str())) {
            return Err(CoreError::invalid(
                Field::Deleted,
                "撤销记录无效",
                "the undo record is not valid",
            ));
        }
        let mut stmt = tx.prepare(&format!(
            "UPDATE {} SET {} = ?1 WHERE id = ?2 AND {} IS NULL",
            r.table, r.column, r.column
        ))?;
        for id in &r.row_ids {
            stmt.execute([r.value, *id])?;
        }
    }
    Ok(())
}
