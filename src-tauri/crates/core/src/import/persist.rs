//! Storing normalised rows: dedup against everything already imported for the platform (the
//! identities already stored are read once, so known rows never reach the INSERT; the unique
//! `identity` index backs that up, a conflict fails the import), turn new withdrawal rows into
//! withdrawals, and link refunds to their purchases. Rows are prepared on a second thread and
//! inserted in batches inside the caller's transaction.

use super::bulk::Session;
use super::layout::Columns;
use super::normalise::{Direction, Txn};
use super::ImportProgress;
use crate::error::Result;
use crate::ledger::Platform;
use crate::money::Money;
use crate::time::Timestamp;
use rusqlite::Transaction;

/// What storing did.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Stored {
    pub imported: u64,
    pub duplicates: u64,
    pub withdrawals: u64,
    pub refunds_linked: u64,
}

/// Stores `txns` for `platform` under `import_id`; returns the counts. `cancelled` is asked
/// between batches: a yes stops with [`crate::CoreError::Cancelled`] (the caller rolls back).
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
    cancelled: &dyn Fn() -> bool,
) -> Result<Stored> {
    let mut session = Session::begin(tx, platform, import_id, columns, header.len(), txns.len())?;
    let total = txns.len() as u64;
    let result = session
        .add(
            tx,
            txns,
            &mut |done| {
                progress(ImportProgress {
                    done: done as u64,
                    total,
                })
            },
            cancelled,
        )
        .and_then(|()| session.finish(tx, now));
    session.close(tx)?;
    let stored = result?;
    progress(ImportProgress { done: total, total });
    Ok(stored)
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
