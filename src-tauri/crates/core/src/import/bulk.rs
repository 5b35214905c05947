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
use crate::error::{CoreError, Result};
use crate::ledger::{withdrawals, NewWithdrawal, Platform};
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
    /// The id the next new row will get.
    next_id: i64,
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
    known: &mut KnownSet,
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
                out.next_id = next_id;
                return out;
            }
            batch = empty.try_recv().unwrap_or_else(|_| Batch::new());
            batch.used = 0;
        }
    }
    batch.done = txns.len();
    let _ = full.send(batch);
    out.next_id = next_id;
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

/// The trigger that keeps the search index in step with each inserted row. A bulk load drops it
/// for its own inserts (one trigger program per row costs more than filling the index for all
/// the new rows in one statement at the end) and puts it back from its stored definition in the
/// same transaction; every other write to `transactions` still goes through it.
pub(super) const SEARCH_INSERT_TRIGGER: &str = "transactions_search_insert";

/// Fills the search index for the rows from `first_id` on (the new rows of a bulk load, whose
/// ids are all at least the first one assigned), from the same view the triggers use.
const FILL_SEARCH: &str = "INSERT INTO transactions_search(rowid, search)
     SELECT id, search FROM transactions_search_text WHERE id >= ?1";

/// A bulk load under way inside the caller's transaction: rows are added in chunks (the whole
/// bill when it was read into memory, a few thousand rows at a time when a CSV is streamed),
/// then [`Session::finish`] puts back what [`Session::begin`] set aside (indexes, the search
/// trigger, the page cache size), fills the search index for the new rows, stores their
/// withdrawals and links refunds. A failure or a cancel at any point leaves the transaction to
/// be rolled back by the caller, which undoes all of it (schema changes included).
pub(crate) struct Session<'p> {
    platform: &'p Platform,
    import_id: i64,
    columns: &'p Columns,
    codes: Vec<[Option<u8>; 3]>,
    known: KnownSet,
    first_id: i64,
    next_id: i64,
    dropped_indexes: Vec<(String, String)>,
    dropped_triggers: Vec<(String, String)>,
    cache_before: i64,
    withdrawals: Vec<(NewWithdrawal, i64)>,
    imported: u64,
    duplicates: u64,
}

/// Drops the named schema objects of `kind` (`index` or `trigger`) on `transactions`, returning
/// their stored definitions so they can be created again exactly as they were.
fn drop_objects(
    tx: &Transaction,
    kind: &str,
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<(String, String)>> {
    let all: Vec<(String, String)> = {
        let mut q = tx.prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = ?1 AND tbl_name = 'transactions'
               AND sql IS NOT NULL ORDER BY name",
        )?;
        let rows = q.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let dropped: Vec<(String, String)> = all.into_iter().filter(|(n, _)| !keep(n)).collect();
    for (name, _) in &dropped {
        tx.execute_batch(&format!(
            "DROP {} \"{}\"",
            kind.to_uppercase(),
            name.replace('"', "\"\"")
        ))?;
    }
    Ok(dropped)
}

impl<'p> Session<'p> {
    /// Starts a bulk load of about `expected` rows (exact for a bill in memory, estimated from
    /// the file size when streaming: it only chooses the page cache size and whether indexes
    /// are rebuilt, never what is stored).
    pub(crate) fn begin(
        tx: &Transaction,
        platform: &'p Platform,
        import_id: i64,
        columns: &'p Columns,
        width: usize,
        expected: usize,
    ) -> Result<Session<'p>> {
        // A large bill touches many pages of the table and its indexes; SQLite's default 2 MB
        // page cache would spill them to the WAL before the commit and read them back (a fifth
        // of the time on 100,000 rows). For this import only, a cache that holds what the bill
        // adds (about 400 bytes a row with its indexes, so 640 leaves room), at most 128 MiB,
        // filled only as used; the previous size comes back afterwards.
        let cache_before: i64 = tx.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        if expected > 10_000 {
            let kib = (expected * 640 / 1024).min(128 * 1024);
            tx.execute_batch(&format!("PRAGMA cache_size = -{kib}"))?;
        }
        // Every key the platform already has, read once from the unique index (before the
        // bulk path below drops it): a duplicate is then a set lookup, with no row to build and
        // no INSERT to attempt.
        let known: KnownSet = {
            let mut keys =
                tx.prepare("SELECT identity FROM transactions WHERE platform_id = ?1")?;
            let mut rows = keys.query([platform.id])?;
            let mut known = KnownSet::default();
            while let Some(row) = rows.next()? {
                if let Ok(id) = Identity::try_from(row.get_ref(0)?.as_blob().unwrap_or_default()) {
                    known.insert(id);
                }
            }
            known
        };
        // Bulk load: when the bill brings more rows than the table holds, updating the
        // secondary indexes row by row costs more than building them again afterwards (one sort
        // each). They are dropped and re-created from their own stored definitions inside this
        // transaction, so the schema ends up exactly as before and a failed import rolls the
        // drop back too. That includes the unique dedup index: `known` holds every key of the
        // platform (the index is per platform), so no duplicate reaches the INSERT, and sorting
        // 100,000 keys once costs less than as many random inserts into the index; were a
        // duplicate ever to slip through, re-creating the unique index would fail the import
        // and roll it all back. The indexes that cost almost nothing per new row stay (see
        // KEPT_DURING_BULK): building one again means reading the whole table once more.
        let existing: i64 = tx.query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))?;
        let dropped_indexes = if expected > 10_000 && (expected as i64) > existing {
            drop_objects(tx, "index", |name| KEPT_DURING_BULK.contains(&name))?
        } else {
            Vec::new()
        };
        let dropped_triggers = drop_objects(tx, "trigger", |name| name != SEARCH_INSERT_TRIGGER)?;
        let next_id: i64 =
            tx.query_row("SELECT ifnull(max(id), 0) + 1 FROM transactions", [], |r| {
                r.get(0)
            })?;
        Ok(Session {
            platform,
            import_id,
            columns,
            codes: verbatim_codes(columns, width),
            known,
            first_id: next_id,
            next_id,
            dropped_indexes,
            dropped_triggers,
            cache_before,
            withdrawals: Vec::new(),
            imported: 0,
            duplicates: 0,
        })
    }

    /// Stores the new rows of `txns` (the next rows of the bill, in order). `progress` gets how
    /// many of them have been looked at; `cancelled` is asked between batches of
    /// [`ROWS_PER_INSERT`] rows, and a yes stops with [`CoreError::Cancelled`].
    pub(crate) fn add(
        &mut self,
        tx: &Transaction,
        txns: &[Txn],
        progress: &mut dyn FnMut(usize),
        cancelled: &dyn Fn() -> bool,
    ) -> Result<()> {
        let mut inserter = Inserter::new(tx, self.platform.id, self.import_id)?;
        let (columns, codes, next_id) = (self.columns, &self.codes, self.next_id);
        let known = &mut self.known;
        let prepared = std::thread::scope(|scope| -> Result<Prepared> {
            let (full_tx, full_rx) = sync_channel::<Batch>(4);
            let (empty_tx, empty_rx) = channel::<Batch>();
            let worker = scope.spawn(move || {
                prepare_rows(txns, columns, codes, known, next_id, full_tx, empty_rx)
            });
            let mut inserted = Ok(());
            let mut reported = 0;
            for batch in &full_rx {
                if cancelled() {
                    inserted = Err(CoreError::Cancelled);
                    break;
                }
                inserted = inserter.insert(&batch.rows[..batch.used]);
                if inserted.is_err() {
                    break;
                }
                if batch.done - reported >= PROGRESS_EVERY {
                    reported = batch.done;
                    progress(batch.done);
                }
                let _ = empty_tx.send(batch);
            }
            drop(full_rx); // a worker still sending stops
            let prepared = worker.join();
            inserted?;
            prepared.map_err(|_| CoreError::Internal("preparing the rows failed".into()))
        })?;
        self.next_id = prepared.next_id;
        self.imported += prepared.imported;
        self.duplicates += prepared.duplicates;
        for (i, row_id) in prepared.withdrawals {
            let w = withdrawal_from_row(&txns[i], self.columns, &self.platform.name);
            self.withdrawals.push((w, row_id));
        }
        if cancelled() {
            return Err(CoreError::Cancelled);
        }
        Ok(())
    }

    /// Puts back the indexes and the search trigger, fills the search index for the new rows,
    /// stores the withdrawals and links refunds; returns the counts.
    pub(crate) fn finish(&mut self, tx: &Transaction, now: &Timestamp) -> Result<Stored> {
        // Back before anything reads through them (withdrawals, refund links).
        for (_, sql) in self.dropped_indexes.drain(..) {
            tx.execute_batch(&sql)?;
        }
        if self.next_id > self.first_id {
            tx.execute(FILL_SEARCH, [self.first_id])?;
        }
        for (_, sql) in self.dropped_triggers.drain(..) {
            tx.execute_batch(&sql)?;
        }
        let mut stored = Stored {
            imported: self.imported,
            duplicates: self.duplicates,
            ..Stored::default()
        };
        for (w, row_id) in self.withdrawals.drain(..) {
            withdrawals::insert(tx, &w, Some((self.import_id, row_id)), now)?;
            stored.withdrawals += 1;
        }
        stored.refunds_linked = link_refunds(tx, self.platform.id)?;
        Ok(stored)
    }

    /// Gives the connection its page cache size back (a pragma, not undone by a rollback):
    /// called whether the load succeeded or not.
    pub(crate) fn close(self, tx: &Transaction) -> Result<()> {
        tx.execute_batch(&format!("PRAGMA cache_size = {}", self.cache_before))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time;

    #[test]
    fn hand_written_time_formats_match_chrono() {
        let t = crate::time::parse_time("2019-09-26 02:45:27", crate::Field::At).unwrap();
        let mut s = String::new();
        write_rfc3339(&mut s, &t);
        assert_eq!(s, time::to_rfc3339(&t));
        write_utc(&mut s, &t);
        assert_eq!(s, crate::ledger::utc_key(&t));
    }
}
