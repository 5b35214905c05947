//! The bulk load: rows prepared on a second thread (new or known, their texts made) while the
//! connection's thread inserts the previous batch, 64 rows per INSERT, with ids assigned here;
//! secondary indexes dropped and rebuilt when a bill brings more rows than the table holds.

use super::dedup::{dedup_key, identity, Identity, KnownSet};
use super::layout::Columns;
use super::normalise::Txn;
use super::original::{stored_texts, verbatim_codes, write_cells, DerivedTexts};
use super::persist::Stored;
use super::refunds::link_refunds;
use super::withdrawals::withdrawal_from_row;
use super::ImportProgress;
use crate::error::{CoreError, Result};
use crate::ledger::{withdrawals, Platform};
use crate::time::Timestamp;
use chrono::{Datelike, Timelike};
use rusqlite::Transaction;
use std::fmt::Write;
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};

/// Secondary indexes of `transactions` a bulk load keeps: new rows append to the import index
/// (one import id, rising row ids), never enter the refund-link index (`refund_of` is NULL on
/// insert), and only refund rows enter the unlinked-refunds one. Measured on 100,000 rows: CPU
/// time 2.0–2.3 s with these kept against about 3.0 s with all dropped or all kept.
pub(super) const KEPT_DURING_BULK: [&str; 3] = [
    "transactions_import",
    "transactions_refund_of",
    "transactions_unlinked_refunds",
];

/// `2019-09-26T12:45:27+08:00` without chrono's format machinery (this runs per row).
pub(super) fn write_rfc3339(out: &mut String, t: &Timestamp) {
    out.clear();
    let offset = t.offset().local_minus_utc();
    let (sign, abs) = if offset < 0 {
        ('-', -offset)
    } else {
        ('+', offset)
    };
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        abs / 3600,
        (abs % 3600) / 60
    );
}

/// The UTC ordering key, same form as `ledger::utc_key`.
pub(super) fn write_utc(out: &mut String, t: &Timestamp) {
    out.clear();
    let u = t.naive_utc();
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        u.year(),
        u.month(),
        u.day(),
        u.hour(),
        u.minute(),
        u.second()
    );
}

/// Rows per INSERT statement. SQLite opens and closes a cursor on the table, on each index and
/// on each parent table a foreign key names once per statement, not once per row, so a bulk
/// load inserts many rows per statement; 64 rows of 20 values stay far below SQLite's limit of
/// 32,766 parameters.
pub(super) const ROWS_PER_INSERT: usize = 64;

/// Rows looked at between progress reports.
pub(super) const PROGRESS_EVERY: usize = 4096;

/// Values bound per row.
pub(super) const VALUES_PER_ROW: usize = 20;

/// `INSERT INTO transactions(…) VALUES (…), (…) …` for `rows` rows of one platform and import,
/// whose ids are written into the statement (they are the same in every row, and integers);
/// `original_json` is `''` (see migration 0007).
pub(super) fn insert_sql(rows: usize, platform_id: i64, import_id: i64) -> String {
    let one = format!(
        "({platform_id}, {import_id}, '', {})",
        vec!["?"; VALUES_PER_ROW].join(", ")
    );
    format!(
        "INSERT INTO transactions(platform_id, import_id, original_json, id, line, txn_id, merchant_order_id,
             occurred_at, occurred_utc, direction, direction_text, amount_fen, txn_type, counterparty, goods,
             method, status, note, fee_fen, refunded_fen, is_refund, identity, original_cells)
         VALUES {}",
        vec![one; rows].join(", ")
    )
}

/// A new row as it will be stored: its transaction, its stored texts (see [`stored_texts`])
/// and the texts made for it.
#[derive(Default)]
pub(super) struct PendingRow<'t> {
    txn: Option<&'t Txn>,
    texts: [&'t str; 9],
    id: i64,
    at: String,
    utc: String,
    cells: String,
    derived: DerivedTexts,
    identity: Identity,
}

/// Up to [`ROWS_PER_INSERT`] new rows, and how many of the bill's rows were looked at up to
/// and including them (for the progress bar).
pub(super) struct Batch<'t> {
    rows: Vec<PendingRow<'t>>,
    used: usize,
    done: usize,
}

impl Batch<'_> {
    fn new() -> Self {
        Batch {
            rows: (0..ROWS_PER_INSERT)
                .map(|_| PendingRow::default())
                .collect(),
            used: 0,
            done: 0,
        }
    }
}

/// What deciding which rows are new found.
#[derive(Default)]
pub(super) struct Prepared {
    imported: u64,
    duplicates: u64,
    /// (index in the bill, row id) of each new withdrawal row.
    withdrawals: Vec<(usize, i64)>,
}

/// Decides which rows are new and makes their texts, in batches, on its own thread while the
/// connection's thread inserts the previous batch: the two halves of storing a row take about
/// the same time, so the import takes about the time of one. Each new row gets the next id
/// (after the largest, as SQLite would assign it), so every row's id is known without asking.
/// Stops early when the inserting side hangs up (an error there).
#[allow(clippy::too_many_arguments)]
pub(super) fn prepare_rows<'t>(
    txns: &'t [Txn],
    columns: &Columns,
    codes: &[[Option<u8>; 3]],
    mut known: KnownSet,
    mut next_id: i64,
    full: SyncSender<Batch<'t>>,
    empty: Receiver<Batch<'t>>,
) -> Prepared {
    let (mut utc, mut key) = (String::new(), String::new());
    let mut out = Prepared::default();
    let mut batch = Batch::new();
    for (i, t) in txns.iter().enumerate() {
        write_utc(&mut utc, &t.at);
        dedup_key(&mut key, t, columns, &utc);
        let identity = identity(&key);
        // Also a row repeated later in the same file: a duplicate of its first copy.
        if known.insert(identity) {
            let row = &mut batch.rows[batch.used];
            row.txn = Some(t);
            row.texts = stored_texts(t, columns);
            row.id = next_id;
            row.identity = identity;
            write_rfc3339(&mut row.at, &t.at);
            row.utc.clear();
            row.utc.push_str(&utc);
            row.derived.fill(&row.at, t.amount.fen());
            let stored = row.derived.with(row.texts);
            write_cells(&mut row.cells, codes, &t.cells, &stored);
            batch.used += 1;
            out.imported += 1;
            if t.withdrawal.is_some() {
                out.withdrawals.push((i, next_id));
            }
            next_id += 1;
        } else {
            out.duplicates += 1;
        }
        // Full, or every PROGRESS_EVERY rows looked at (so the bar moves through duplicates).
        if batch.used == ROWS_PER_INSERT || (i + 1) % PROGRESS_EVERY == 0 {
            batch.done = i + 1;
            if full.send(batch).is_err() {
                return out;
            }
            batch = empty.try_recv().unwrap_or_else(|_| Batch::new());
            batch.used = 0;
        }
    }
    batch.done = txns.len();
    let _ = full.send(batch);
    out
}

/// Inserts batches of new rows, [`ROWS_PER_INSERT`] per statement. Every row reaching it is
/// new: a unique-index conflict is an error that rolls the import back, never a silent skip
/// that would shift the ids.
pub(super) struct Inserter<'c> {
    tx: &'c Transaction<'c>,
    full: rusqlite::Statement<'c>,
    platform_id: i64,
    import_id: i64,
}

impl<'c> Inserter<'c> {
    fn new(tx: &'c Transaction<'c>, platform_id: i64, import_id: i64) -> Result<Self> {
        Ok(Inserter {
            tx,
            full: tx.prepare(&insert_sql(ROWS_PER_INSERT, platform_id, import_id))?,
            platform_id,
            import_id,
        })
    }

    fn insert(&mut self, rows: &[PendingRow]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut partial;
        let stmt = if rows.len() == ROWS_PER_INSERT {
            &mut self.full
        } else {
            partial = self
                .tx
                .prepare(&insert_sql(rows.len(), self.platform_id, self.import_id))?;
            &mut partial
        };
        let mut n = 0;
        for row in rows {
            let t = row
                .txn
                .ok_or_else(|| CoreError::Internal("a batch row without its transaction".into()))?;
            let [txn_id, merchant, direction_text, txn_type, counterparty, goods, method, status, note] =
                row.texts;
            // In the order of `insert_sql`'s columns after the three written into it.
            let values: [&dyn rusqlite::ToSql; VALUES_PER_ROW] = [
                &row.id,
                &(t.line as i64),
                &txn_id,
                &merchant,
                &row.at,
                &row.utc,
                &t.direction.as_str(),
                &direction_text,
                &t.amount.fen(),
                &txn_type,
                &counterparty,
                &goods,
                &method,
                &status,
                &note,
                &t.fee.fen(),
                &t.refunded.fen(),
                &t.is_refund,
                &&row.identity[..],
                &row.cells,
            ];
            for value in values {
                n += 1;
                stmt.raw_bind_parameter(n, value)?;
            }
        }
        let inserted = stmt.raw_execute()?;
        if inserted != rows.len() {
            return Err(CoreError::Internal(format!(
                "inserted {inserted} of {} rows",
                rows.len()
            )));
        }
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn store_rows(
    tx: &Transaction,
    platform: &Platform,
    import_id: i64,
    columns: &Columns,
    header: &[String],
    txns: &[Txn],
    now: &Timestamp,
    progress: &mut dyn FnMut(ImportProgress),
    known: KnownSet,
    dropped_indexes: &[(String, String)],
) -> Result<Stored> {
    let codes = verbatim_codes(columns, header.len());
    let next_id: i64 =
        tx.query_row("SELECT ifnull(max(id), 0) + 1 FROM transactions", [], |r| {
            r.get(0)
        })?;
    let mut inserter = Inserter::new(tx, platform.id, import_id)?;
    let total = txns.len() as u64;
    let prepared = std::thread::scope(|scope| -> Result<Prepared> {
        let (full_tx, full_rx) = sync_channel::<Batch>(4);
        let (empty_tx, empty_rx) = channel::<Batch>();
        let codes = &codes;
        let worker = scope
            .spawn(move || prepare_rows(txns, columns, codes, known, next_id, full_tx, empty_rx));
        let mut inserted = Ok(());
        let mut reported = 0;
        for batch in &full_rx {
            inserted = inserter.insert(&batch.rows[..batch.used]);
            if inserted.is_err() {
                break;
            }
            if batch.done - reported >= PROGRESS_EVERY {
                reported = batch.done;
                progress(ImportProgress {
                    done: batch.done as u64,
                    total,
                });
            }
            let _ = empty_tx.send(batch);
        }
        drop(full_rx); // a worker still sending stops
        let prepared = worker.join();
        inserted?;
        prepared.map_err(|_| CoreError::Internal("preparing the rows failed".into()))
    })?;
    drop(inserter);
    let mut stored = Stored {
        imported: prepared.imported,
        duplicates: prepared.duplicates,
        ..Stored::default()
    };
    let new_withdrawals = prepared.withdrawals;
    // Back before anything reads through them (withdrawals, refund links).
    for (_, sql) in dropped_indexes {
        tx.execute_batch(sql)?;
    }
    for (i, row_id) in new_withdrawals {
        let t = &txns[i];
        let w = withdrawal_from_row(t, columns, &platform.name);
        withdrawals::insert(tx, &w, Some((import_id, row_id)), now)?;
        stored.withdrawals += 1;
    }
    stored.refunds_linked = link_refunds(tx, platform.id)?;
    progress(ImportProgress { done: total, total });
    Ok(stored)
}
