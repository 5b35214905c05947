//! Storing normalised rows: dedup against everything already imported for the platform (the
//! identities already stored are read once, so known rows never reach the INSERT; the unique
//! `identity` index backs that up, a conflict fails the import), turn new withdrawal rows into
//! withdrawals, and link refunds to their purchases. Rows are prepared on a second thread and
//! inserted in batches inside the caller's transaction.

use super::layout::Columns;
use super::normalise::{Direction, Txn};
use super::table::Cells;
use super::ImportProgress;
use crate::error::{CoreError, Result};
use crate::ledger::{withdrawals, NewWithdrawal, Platform};
use crate::money::Money;
use crate::time::{self, Timestamp};
use chrono::{Datelike, Timelike};
use rusqlite::{params, Transaction};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fmt::Write;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};

/// Secondary indexes of `transactions` a bulk load keeps: new rows append to the import index
/// (one import id, rising row ids), never enter the refund-link index (`refund_of` is NULL on
/// insert), and only refund rows enter the unlinked-refunds one. Measured on 100,000 rows: CPU
/// time 2.0–2.3 s with these kept against about 3.0 s with all dropped or all kept.
const KEPT_DURING_BULK: [&str; 3] = [
    "transactions_import",
    "transactions_refund_of",
    "transactions_unlinked_refunds",
];

/// What storing did.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Stored {
    pub imported: u64,
    pub duplicates: u64,
    pub withdrawals: u64,
    pub refunds_linked: u64,
}

/// Field separator inside a dedup key (a control character no bill cell holds).
const SEP: char = '\u{1f}';

/// The identity of a transaction: id AND time, amount, direction and type; without an id,
/// the whole normalised row (ids alone are not unique — see the format notes). Stored as its
/// [`identity`] digest.
pub(crate) fn dedup_key(out: &mut String, t: &Txn, c: &Columns, utc: &str) {
    out.clear();
    let id = t.text(c.txn_id);
    let _ = write!(
        out,
        "{id}{SEP}{utc}{SEP}{}{SEP}{}{SEP}{}",
        t.amount.fen(),
        t.direction.as_str(),
        t.text(c.txn_type)
    );
    if id.is_empty() {
        for col in [
            c.merchant_id,
            c.counterparty,
            c.goods,
            c.method,
            c.status,
            c.note,
        ] {
            let _ = write!(out, "{SEP}{}", t.text(col));
        }
    }
}

/// A dedup key's stored form (migration 0008): the first 16 bytes of its SHA-256.
pub fn identity(key: &str) -> Identity {
    let digest = Sha256::digest(key.as_bytes());
    let mut out = [0; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

pub type Identity = [u8; 16];

/// Hashes an [`Identity`] by its first 8 bytes: it is already a uniform digest, so hashing it
/// again (SipHash) would only cost time.
#[derive(Default)]
pub(crate) struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Hash for [u8; 16] writes the 16 bytes in one call.
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(word);
        }
    }
}

/// Identities already stored or seen in this bill.
type KnownSet = HashSet<Identity, BuildHasherDefault<DigestHasher>>;

/// `2019-09-26T12:45:27+08:00` without chrono's format machinery (this runs per row).
fn write_rfc3339(out: &mut String, t: &Timestamp) {
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
fn write_utc(out: &mut String, t: &Timestamp) {
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

/// For each original column, the numbers a cell of it may be written as, tried in order (see
/// migrations 0007 and 0008): the stored column holding it verbatim — 0 txn_id,
/// 1 merchant_order_id, 2 direction_text, 3 txn_type, 4 counterparty, 5 goods, 6 method,
/// 7 status, 8 note — or a text following from the row's time and amount — 9 the local time as
/// bills write it, 10 the amount with `¥`, 11 without — and, for any column, 12 for `/`.
fn verbatim_codes(c: &Columns, width: usize) -> Vec<[Option<u8>; 3]> {
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
const SLASH: u8 = 12;

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
fn write_cells(out: &mut String, codes: &[[Option<u8>; 3]], cells: &Cells, stored: &StoredTexts) {
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

fn push_json_str(out: &mut String, s: &str) {
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

/// Stores `txns` for `platform` under `import_id`; returns the counts.
#[allow(clippy::too_many_arguments)]
pub(crate) fn store(
    tx: &Transaction,
    platform: &Platform,
    import_id: i64,
    columns: &Columns,
    header: &[String],
    txns: &[Txn],
    now: &Timestamp,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<Stored> {
    // A large bill touches many pages of the table and its indexes; SQLite's default 2 MB page
    // cache would spill them to the WAL before the commit and read them back (a fifth of the
    // time on 100,000 rows). For this import only, a cache that holds what the bill adds (about
    // 400 bytes a row with its indexes, so 640 leaves room), at most 128 MiB, filled only as
    // used; the previous size comes back afterwards.
    let cache_before: i64 = tx.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    if txns.len() > 10_000 {
        let kib = (txns.len() * 640 / 1024).min(128 * 1024);
        tx.execute_batch(&format!("PRAGMA cache_size = -{kib}"))?;
    }
    // Bulk load: when the bill brings more rows than the table holds, updating the secondary
    // indexes row by row costs more than building them again afterwards (one sort each). They
    // are dropped and re-created from their own stored definitions inside this transaction, so
    // the schema ends up exactly as before and a failed import rolls the drop back too. That
    // includes the unique dedup index: `known` holds every key of the platform (the index is per
    // platform), so no duplicate reaches the INSERT, and sorting 100,000 keys once costs less
    // than as many random inserts into the index (CPU 1.9 s against 2.2 s, medians of 5); were a
    // duplicate ever to slip through, re-creating the unique index would fail the import and
    // roll it all back. The indexes that cost almost nothing per new row stay (see
    // KEPT_DURING_BULK): building one again means reading the whole table once more, which cost
    // more than keeping it up to date.
    // Every key the platform already has, read once from the unique index (before the bulk
    // path below drops it): a duplicate is then a set lookup, with no row to build and no INSERT
    // to attempt.
    let known: KnownSet = {
        let mut keys = tx.prepare("SELECT identity FROM transactions WHERE platform_id = ?1")?;
        let mut rows = keys.query([platform.id])?;
        let mut known = KnownSet::default();
        while let Some(row) = rows.next()? {
            if let Ok(id) = Identity::try_from(row.get_ref(0)?.as_blob().unwrap_or_default()) {
                known.insert(id);
            }
        }
        known
    };
    let existing: i64 = tx.query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))?;
    let dropped = if txns.len() > 10_000 && (txns.len() as i64) > existing {
        let indexes: Vec<(String, String)> = {
            let mut q = tx.prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'transactions'
                   AND sql IS NOT NULL ORDER BY name",
            )?;
            let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let all: Vec<(String, String)> = rows.collect::<rusqlite::Result<_>>()?;
            all.into_iter()
                .filter(|(name, _)| !KEPT_DURING_BULK.contains(&name.as_str()))
                .collect()
        };
        for (name, _) in &indexes {
            tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        }
        indexes
    } else {
        Vec::new()
    };
    let result = store_rows(
        tx, platform, import_id, columns, header, txns, now, progress, known, &dropped,
    );
    tx.execute_batch(&format!("PRAGMA cache_size = {cache_before}"))?;
    result
}

/// Rows per INSERT statement. SQLite opens and closes a cursor on the table, on each index and
/// on each parent table a foreign key names once per statement, not once per row, so a bulk
/// load inserts many rows per statement; 64 rows of 20 values stay far below SQLite's limit of
/// 32,766 parameters.
const ROWS_PER_INSERT: usize = 64;

/// Rows looked at between progress reports.
const PROGRESS_EVERY: usize = 4096;

/// Values bound per row.
const VALUES_PER_ROW: usize = 20;

/// `INSERT INTO transactions(…) VALUES (…), (…) …` for `rows` rows of one platform and import,
/// whose ids are written into the statement (they are the same in every row, and integers);
/// `original_json` is `''` (see migration 0007).
fn insert_sql(rows: usize, platform_id: i64, import_id: i64) -> String {
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
struct PendingRow<'t> {
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
struct Batch<'t> {
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
struct Prepared {
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
fn prepare_rows<'t>(
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
struct Inserter<'c> {
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

/// The row's stored texts `original_cells` numbers 0–8 refer to (see [`verbatim_codes`]).
fn stored_texts<'a>(t: &'a Txn, columns: &Columns) -> [&'a str; 9] {
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

#[allow(clippy::too_many_arguments)]
fn store_rows(
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

/// A 零钱提现 / 提现 row as a withdrawal. The bill's amount left the balance including the fee,
/// so the amount paid out is the row amount minus the fee.
fn withdrawal_from_row(t: &Txn, c: &Columns, platform: &str) -> NewWithdrawal {
    let (amount, fee) = if t.amount.fen() > t.fee.fen() {
        (Money(t.amount.fen() - t.fee.fen()), t.fee)
    } else {
        (t.amount, Money::ZERO)
    };
    NewWithdrawal {
        platform: platform.to_string(),
        amount,
        fee,
        status: t
            .withdrawal
            .unwrap_or(crate::ledger::WithdrawalStatus::Requested),
        is_test: false,
        requested_at: time::to_rfc3339(&t.at),
        arrived_at: None,
        card_tail: card_tail(t.text(c.counterparty))
            .or_else(|| card_tail(t.text(c.method)))
            .unwrap_or_default(),
        message: t.text(c.status).to_string(),
    }
}

/// `招商银行(9876)` → `9876`.
fn card_tail(text: &str) -> Option<String> {
    let open = text.rfind(['(', '（'])?;
    let inner = text[open..].trim_start_matches(['(', '（']);
    let digits: String = inner.chars().take_while(|c| c.is_ascii_digit()).collect();
    (!digits.is_empty() && digits.len() <= 6).then_some(digits)
}

/// Links every unlinked refund of the platform to its purchase: the same order id (Alipay
/// refund ids are the purchase id plus `_…`) or merchant order, or the same goods and
/// counterparty; earlier than the refund and at least as large; the best match wins. Each way
/// of matching is its own indexed lookup, so linking stays linear in the number of refunds.
fn link_refunds(tx: &Transaction, platform_id: i64) -> Result<u64> {
    let mut refunds = tx.prepare(
        "SELECT id, txn_id, merchant_order_id, goods, counterparty, occurred_utc, amount_fen
         FROM transactions INDEXED BY transactions_unlinked_refunds
         WHERE platform_id = ?1 AND is_refund = 1 AND refund_of IS NULL",
    )?;
    let pending: Vec<Refund> = refunds
        .query_map([platform_id], |r| {
            Ok(Refund {
                id: r.get(0)?,
                txn_id: r.get(1)?,
                merchant: r.get(2)?,
                goods: r.get(3)?,
                counterparty: r.get(4)?,
                utc: r.get(5)?,
                amount: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if pending.is_empty() {
        return Ok(0);
    }
    // The partial indexes' conditions (`<> ''`, not a refund, not income; migration 0008) are
    // spelled out so SQLite can use them, and INDEXED BY names them:
    // without statistics SQLite would rather walk the time index for the `occurred_utc <=`
    // range, which makes linking quadratic on large bills.
    let purchase = |index: &str, column: &str| {
        format!(
            "SELECT id, txn_id, merchant_order_id, goods, counterparty, occurred_utc
             FROM transactions INDEXED BY {index}
             WHERE platform_id = ?1 AND {column} = ?2 AND {column} <> '' AND is_refund = 0
               AND direction <> 'income' AND occurred_utc <= ?3 AND amount_fen >= ?4
             LIMIT 200"
        )
    };
    let mut by_id = tx.prepare(&purchase("transactions_txn_id", "txn_id"))?;
    let mut by_merchant = tx.prepare(&purchase("transactions_merchant", "merchant_order_id"))?;
    let mut by_goods = tx.prepare(&purchase("transactions_goods", "goods"))?;
    let mut links: Vec<(i64, i64)> = Vec::new();
    for r in pending {
        let base_id = r
            .txn_id
            .split_once('_')
            .map_or(r.txn_id.as_str(), |(base, _)| base);
        let goods = r
            .goods
            .strip_prefix("退款-")
            .or_else(|| r.goods.strip_prefix("退款"))
            .unwrap_or(&r.goods);
        let mut best: Option<(u32, String, i64)> = None;
        for (by, (stmt, key)) in [
            (&mut by_id, base_id),
            (&mut by_merchant, r.merchant.as_str()),
            (&mut by_goods, goods),
        ]
        .into_iter()
        .enumerate()
        {
            // The id lookup finds every purchase with the refund's id. A purchase without it
            // scores at most 5 (merchant 2, goods 2, counterparty 1), so after an id match
            // scoring 6 or more the other lookups cannot change the winner.
            if key.is_empty() || (by > 0 && best.as_ref().is_some_and(|b| b.0 > 5)) {
                continue;
            }
            let rows = stmt.query_map(params![platform_id, key, r.utc, r.amount], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                ))
            })?;
            for row in rows {
                let (id, txn_id, merchant, p_goods, counterparty, utc) = row?;
                let score = 4 * u32::from(!base_id.is_empty() && txn_id == base_id)
                    + 2 * u32::from(!r.merchant.is_empty() && merchant == r.merchant)
                    + 2 * u32::from(!goods.is_empty() && p_goods == goods)
                    + u32::from(counterparty == r.counterparty);
                // Goods alone could be a coincidence: require the counterparty too.
                if score == 2 && p_goods == goods && counterparty != r.counterparty {
                    continue;
                }
                let candidate = (score, utc, id);
                if best.as_ref().is_none_or(|b| candidate > *b) {
                    best = Some(candidate);
                }
            }
        }
        if let Some((_, _, purchase)) = best {
            links.push((r.id, purchase));
        }
    }
    // Written after all lookups (none of them reads `refund_of`), many per statement: each
    // UPDATE statement journals the pages it changes, so one per refund cost more than finding
    // the purchases.
    for chunk in links.chunks(LINKS_PER_UPDATE) {
        let pairs = vec!["(?, ?)"; chunk.len()].join(", ");
        let mut update = tx.prepare_cached(&format!(
            "UPDATE transactions SET refund_of = links.purchase
             FROM (SELECT column1 AS refund, column2 AS purchase FROM (VALUES {pairs})) AS links
             WHERE transactions.id = links.refund"
        ))?;
        let values = chunk
            .iter()
            .flat_map(|&(refund, purchase)| [refund, purchase]);
        update.execute(rusqlite::params_from_iter(values))?;
    }
    Ok(links.len() as u64)
}

/// Refund links set per UPDATE statement (two parameters each).
const LINKS_PER_UPDATE: usize = 256;

struct Refund {
    id: i64,
    txn_id: String,
    merchant: String,
    goods: String,
    counterparty: String,
    utc: String,
    amount: i64,
}

/// Sums by direction, over every row of the file whatever its status.
pub(crate) fn totals(txns: &[Txn]) -> Option<[Money; 3]> {
    let mut sums = [0i64; 3];
    for t in txns {
        let slot = match t.direction {
            Direction::Expense => 0,
            Direction::Income => 1,
            Direction::Neutral => 2,
        };
        sums[slot] = sums[slot].checked_add(t.amount.fen())?;
    }
    Some(sums.map(Money))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_written_time_formats_match_chrono() {
        let t = crate::time::parse_time("2019-09-26 02:45:27", crate::Field::At).unwrap();
        let mut s = String::new();
        write_rfc3339(&mut s, &t);
        assert_eq!(s, time::to_rfc3339(&t));
        write_utc(&mut s, &t);
        assert_eq!(s, crate::ledger::utc_key(&t));
    }

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

    #[test]
    fn card_tails_come_from_brackets() {
        assert_eq!(card_tail("招商银行(9876)").as_deref(), Some("9876"));
        assert_eq!(card_tail("招商银行()"), None);
        assert_eq!(card_tail("工商银行"), None);
    }
}
