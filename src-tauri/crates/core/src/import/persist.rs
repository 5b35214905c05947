//! Storing normalised rows: dedup against everything already imported for the platform (the
//! keys already stored are read once, so known rows skip the INSERT; the unique `dedup_key`
//! index backs that up, a conflict is a duplicate), turn new withdrawal rows into withdrawals, and link
//! refunds to their purchases. One prepared statement, reused buffers, inside the caller's
//! transaction.

use super::layout::Columns;
use super::normalise::{Direction, Txn};
use super::ImportProgress;
use crate::error::Result;
use crate::ledger::{withdrawals, NewWithdrawal, Platform};
use crate::money::Money;
use crate::time::{self, Timestamp};
use chrono::{Datelike, Timelike};
use rusqlite::{params, Transaction};
use std::collections::HashSet;
use std::fmt::Write;

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
/// the whole normalised row (ids alone are not unique — see the format notes).
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

/// For each original column, the number of the stored column that holds its cell verbatim (see
/// migration 0007): 0 txn_id, 1 merchant_order_id, 2 direction_text, 3 txn_type, 4 counterparty,
/// 5 goods, 6 method, 7 status, 8 note.
fn verbatim_codes(c: &Columns, width: usize) -> Vec<Option<u8>> {
    let mut codes = vec![None; width];
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
            slot.get_or_insert(code as u8);
        }
    }
    codes
}

/// The stored values `original_cells` numbers refer to, in that order.
pub(crate) type StoredTexts<'a> = [&'a str; 9];

/// The original row once, compactly: a JSON array of its cells in column order, where a cell
/// equal to the stored column it maps to is that column's number (see migration 0007).
fn write_cells(out: &mut String, codes: &[Option<u8>], cells: &[String], stored: &StoredTexts) {
    out.clear();
    out.push('[');
    for (i, value) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match codes.get(i).copied().flatten() {
            Some(code) if stored[code as usize] == value => {
                let _ = write!(out, "{code}");
            }
            _ => push_json_str(out, value),
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
    // cache would spill them to the WAL and read them back (a fifth of the time on 100,000
    // rows). A bigger cache for this import only; the previous size comes back afterwards.
    let cache_before: i64 = tx.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    if txns.len() > 10_000 {
        tx.execute_batch("PRAGMA cache_size = -32768")?; // 32 MiB, filled only as used
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
    let known: HashSet<String> = {
        let mut keys = tx.prepare("SELECT dedup_key FROM transactions WHERE platform_id = ?1")?;
        let rows = keys.query_map([platform.id], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<_>>()?
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
    mut known: HashSet<String>,
    dropped_indexes: &[(String, String)],
) -> Result<Stored> {
    let mut insert = tx.prepare(
        "INSERT INTO transactions(platform_id, import_id, line, txn_id, merchant_order_id, occurred_at, occurred_utc,
             direction, direction_text, amount_fen, txn_type, counterparty, goods, method, status, note, fee_fen,
             refunded_fen, is_refund, original_json, dedup_key, original_cells)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, '', ?20, ?21)
         ON CONFLICT DO NOTHING",
    )?;
    let (mut at, mut utc, mut key, mut original) =
        (String::new(), String::new(), String::new(), String::new());
    let codes = verbatim_codes(columns, header.len());
    let mut stored = Stored::default();
    let mut new_withdrawals: Vec<(usize, i64)> = Vec::new();
    let total = txns.len() as u64;
    for (i, t) in txns.iter().enumerate() {
        if (i + 1) % 4096 == 0 {
            progress(ImportProgress {
                done: i as u64 + 1,
                total,
            });
        }
        write_utc(&mut utc, &t.at);
        dedup_key(&mut key, t, columns, &utc);
        if known.contains(key.as_str()) {
            stored.duplicates += 1;
            continue;
        }
        write_rfc3339(&mut at, &t.at);
        let texts: StoredTexts = [
            t.text(columns.txn_id),
            t.text(columns.merchant_id),
            &t.cells[columns.direction],
            t.text(columns.txn_type),
            t.text(columns.counterparty),
            t.text(columns.goods),
            t.text(columns.method),
            t.text(columns.status),
            t.text(columns.note),
        ];
        write_cells(&mut original, &codes, &t.cells, &texts);
        let changed = insert.execute(params![
            platform.id,
            import_id,
            t.line as i64,
            texts[0],
            texts[1],
            at,
            utc,
            t.direction.as_str(),
            texts[2],
            t.amount.fen(),
            texts[3],
            texts[4],
            texts[5],
            texts[6],
            texts[7],
            texts[8],
            t.fee.fen(),
            t.refunded.fen(),
            t.is_refund,
            key,
            original,
        ])?;
        if changed == 1 {
            stored.imported += 1;
            if t.withdrawal.is_some() {
                new_withdrawals.push((i, tx.last_insert_rowid()));
            }
            // A row repeated later in the same file is a duplicate of this one.
            known.insert(key.clone());
        } else {
            stored.duplicates += 1;
        }
    }
    drop(known);
    drop(insert);
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
    // `<> ''` is spelled out so SQLite can use the partial indexes, and INDEXED BY names them:
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
    let mut link = tx.prepare("UPDATE transactions SET refund_of = ?1 WHERE id = ?2")?;
    let mut linked = 0;
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
        for (stmt, key) in [
            (&mut by_id, base_id),
            (&mut by_merchant, r.merchant.as_str()),
            (&mut by_goods, goods),
        ] {
            if key.is_empty() {
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
            link.execute([purchase, r.id])?;
            linked += 1;
        }
    }
    Ok(linked)
}

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
        let t = crate::time::parse_time("2019-09-26 02:45:27", "t").unwrap();
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
            direction: 1,
            txn_id: Some(2),
            note: Some(3),
            ..Columns::default()
        };
        let header: Vec<String> = ["交易时间", "收/支", "交易单号", "备注", ""]
            .map(String::from)
            .into();
        let cells: Vec<String> = ["2021-01-01 00:00:00", "支出", "/", "a\"\u{1f}", ""]
            .map(String::from)
            .into();
        let codes = verbatim_codes(&columns, header.len());
        // txn_id is stored as '' for '/', so that cell is kept as text; 收/支 and 备注 are not.
        let texts: StoredTexts = ["", "", "支出", "", "", "", "", "", "a\"\u{1f}"];
        let mut s = String::new();
        write_cells(&mut s, &codes, &cells, &texts);
        assert_eq!(s, r#"["2021-01-01 00:00:00",2,"/",8,""]"#);
        assert_eq!(read_cells(&s, &texts).unwrap(), cells);
        let (mut a, mut b) = (String::new(), String::new());
        write_original(&mut a, &header, &cells);
        write_original(&mut b, &header, &read_cells(&s, &texts).unwrap());
        assert_eq!(a, b);
        assert_eq!(read_cells("{}", &texts), None);
    }

    #[test]
    fn card_tails_come_from_brackets() {
        assert_eq!(card_tail("招商银行(9876)").as_deref(), Some("9876"));
        assert_eq!(card_tail("招商银行()"), None);
        assert_eq!(card_tail("工商银行"), None);
    }
}
