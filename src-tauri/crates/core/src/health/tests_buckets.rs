//! The arrival medians through `arrival_buckets` equal the medians by counting, after inserts,
//! edits (status, times, platform) and deletes, with arrivals requested after the evaluation
//! time, and when a platform's buckets have been lost.

use super::arrivals::arrivals_with;
use crate::ledger::utc_key;
use crate::ledger::{add_platform, NewPlatform, PlatformKind};
use crate::store::Store;
use crate::time::{parse_time, to_rfc3339};
use rusqlite::params;

fn same(store: &Store, platforms: i64, at: &str) {
    let at = parse_time(at, crate::Field::At).unwrap();
    for p in 1..=platforms {
        let fast = arrivals_with(store.conn(), p, &at, true).unwrap();
        let slow = arrivals_with(store.conn(), p, &at, false).unwrap();
        assert_eq!(fast.hours, slow.hours, "platform {p} at {at}");
        assert_eq!(fast.longer_arrivals, slow.longer_arrivals, "platform {p}");
    }
}

#[test]
fn bucket_medians_match_counted_medians() {
    let mut store = Store::open_in_memory().unwrap();
    let start = parse_time("2026-01-01 00:00", crate::Field::At).unwrap();
    let mut rng: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    store
        .transaction(|tx| {
            for p in 0..3 {
                let new = NewPlatform {
                    name: format!("P{p}"),
                    kind: PlatformKind::Other,
                    note: String::new(),
                };
                add_platform(tx, &new, &start)?;
            }
            for i in 0..600i64 {
                let t = start + chrono::Duration::minutes(i * 397);
                let roll = next() % 10;
                // Delays from a minute to three days, many equal ones (whole hours).
                let delay = if roll < 3 {
                    3600 * (next() % 72) as i64
                } else {
                    60 + (next() % 259_200) as i64
                };
                let (status, arrived) = match roll {
                    0..=7 => ("arrived", Some(to_rfc3339(&(t + chrono::Duration::seconds(delay))))),
                    8 => ("failed", None),
                    _ => ("arrived", None), // arrived without an arrival time: no delay
                };
                tx.execute(
                    "INSERT INTO withdrawals(platform_id, amount_fen, status, is_test, requested_at, requested_utc, arrived_at, created_at)
                     VALUES (?1, 100, ?2, 0, ?3, ?4, ?5, ?3)",
                    params![i % 3 + 1, status, to_rfc3339(&t), utc_key(&t), arrived],
                )?;
            }
            Ok(())
        })
        .unwrap();
    // Up to the last request, in the middle (many arrivals after it), and long before.
    for at in [
        "2026-12-31 00:00",
        "2026-03-01 00:00",
        "2026-01-02 00:00",
        "2025-06-01 00:00",
    ] {
        same(&store, 3, at);
    }
    store
        .transaction(|tx| {
            tx.execute("UPDATE withdrawals SET status = 'failed' WHERE id % 7 = 0", [])?;
            tx.execute(
                "UPDATE withdrawals SET arrived_at = datetime(arrived_at, '+5 hours') WHERE id % 11 = 0 AND arrived_at IS NOT NULL",
                [],
            )?;
            tx.execute("UPDATE withdrawals SET platform_id = 1 WHERE id % 13 = 0", [])?;
            tx.execute("DELETE FROM withdrawals WHERE id % 17 = 0", [])?;
            Ok(())
        })
        .unwrap();
    for at in ["2026-12-31 00:00", "2026-03-01 00:00"] {
        same(&store, 3, at);
    }
    // Lost buckets are noticed: the figures are counted instead.
    store
        .conn()
        .execute("DELETE FROM arrival_buckets WHERE platform_id = 3", [])
        .unwrap();
    same(&store, 3, "2026-12-31 00:00");
}

#[test]
fn buckets_follow_every_change() {
    let mut store = Store::open_in_memory().unwrap();
    let at = parse_time("2026-01-01 00:00", crate::Field::At).unwrap();
    store
        .transaction(|tx| {
            let new = NewPlatform {
                name: "P".into(),
                kind: PlatformKind::Other,
                note: String::new(),
            };
            add_platform(tx, &new, &at)?;
            tx.execute(
                "INSERT INTO withdrawals(platform_id, amount_fen, status, is_test, requested_at, requested_utc, arrived_at, created_at)
                 VALUES (1, 100, 'arrived', 0, '2026-01-01T00:00:00+08:00', '2025-12-31T16:00:00Z', '2026-01-01T02:30:00+08:00', 'x')",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    let buckets = |s: &Store| -> Vec<(i64, i64, i64)> {
        s.conn()
            .prepare(
                "SELECT platform_id, bucket, n FROM arrival_buckets WHERE n <> 0 ORDER BY 1, 2",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    assert_eq!(buckets(&store), vec![(1, 2, 1)], "2.5 h is in hour 2");
    store
        .conn()
        .execute(
            "UPDATE withdrawals SET arrived_at = '2026-01-02T00:00:00+08:00'",
            [],
        )
        .unwrap();
    assert_eq!(buckets(&store), vec![(1, 24, 1)]);
    store
        .conn()
        .execute(
            "UPDATE withdrawals SET status = 'failed', arrived_at = NULL",
            [],
        )
        .unwrap();
    assert_eq!(buckets(&store), vec![]);
    store
        .conn()
        .execute(
            "UPDATE withdrawals SET status = 'arrived', arrived_at = '2026-01-01T00:10:00+08:00'",
            [],
        )
        .unwrap();
    assert_eq!(buckets(&store), vec![(1, 0, 1)]);
    store.conn().execute("DELETE FROM withdrawals", []).unwrap();
    assert_eq!(buckets(&store), vec![]);
}
