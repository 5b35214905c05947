//! Refunds linked to their purchases: the same order id or merchant order, or the same goods and
//! counterparty, earlier and at least as large; the best match wins.

use crate::error::Result;
use rusqlite::{params, Transaction};

/// Links every unlinked refund of the platform to its purchase: the same order id (Alipay
/// refund ids are the purchase id plus `_…`) or merchant order, or the same goods and
/// counterparty; earlier than the refund and at least as large; the best match wins. Each way
/// of matching is its own indexed lookup, so linking stays linear in the number of refunds.
pub(super) fn link_refunds(tx: &Transaction, platform_id: i64) -> Result<u64> {
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
pub(super) const LINKS_PER_UPDATE: usize = 256;

pub(super) struct Refund {
    id: i64,
    txn_id: String,
    merchant: String,
    goods: String,
    counterparty: String,
    utc: String,
    amount: i64,
}
