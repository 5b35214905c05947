//! Arrival delays (seconds from request to arrival) of a platform's arrived withdrawals: count,
//! median, worst, the trend against the previous 90 days, and the "last three each slower than
//! the median before them" danger signal.
//!
//! Medians are read through the `withdrawals_arrival_delay` index (sorted by delay). SQLite can
//! only rank index entries by stepping through them, so the `arrival_buckets` table (arrivals per
//! platform and hour of delay, kept by triggers) says which hour holds the median and how many
//! arrivals come before it; then only a few index entries are read. `health` stays fast with a
//! million withdrawals. When the buckets cannot be used (many arrivals requested after the
//! evaluation time, or buckets that disagree with the index) the median is an `OFFSET` into the
//! index instead, with the same result. Everything is integer seconds or `Decimal`; the hours
//! shown are rounded to one decimal, half away from zero.

use crate::error::Result;
use crate::time::Timestamp;
use rusqlite::{params, Connection};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// The delay expression; it must match the indexed expression in `0004_health.sql` exactly.
const DELAY: &str = "(unixepoch(arrived_at) - unixepoch(requested_at))";
/// The arrived withdrawals of one platform requested up to `at` that have an arrival time. The
/// delay is NULL without one; `> -10^12` excludes NULL as an index *range* (NULL sorts first),
/// so SQLite seeks past those rows instead of testing each one.
const ARRIVED: &str = "platform_id = ?1 AND status = 'arrived' \
    AND (unixepoch(arrived_at) - unixepoch(requested_at)) > -1000000000000 AND requested_utc <= ?2";

/// Trend windows: the last 90 days against the 90 days before them.
pub const TREND_WINDOW_DAYS: i64 = 90;
/// A median moving by more than this fraction (25 %) is a trend; less is `steady`.
pub const TREND_THRESHOLD_PERCENT: i64 = 25;
/// The "longer arrivals" signal needs at least this many arrivals before the last three.
pub const LONGER_ARRIVALS_MIN_BEFORE: i64 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    Slower,
    Faster,
    Steady,
}

/// Arrival delays in hours (decimal strings, one decimal); null values when there is no data.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ArrivalHours {
    pub median: Option<String>,
    pub worst: Option<String>,
    pub count: i64,
    /// Last 90 days' median against the 90 days before: slower / faster (more than 25 %) / steady;
    /// null when either window has no arrival.
    pub trend: Option<Trend>,
    /// Median of the last 90 days and of the 90 days before them (the trend's inputs).
    pub recent_median: Option<String>,
    pub previous_median: Option<String>,
}

/// What health needs from the arrivals of one platform.
pub(crate) struct Arrivals {
    pub hours: ArrivalHours,
    /// The last three arrivals are each slower than the median of all arrivals before them.
    pub longer_arrivals: bool,
}

/// Seconds as hours with one decimal.
pub fn hours_text(secs: Decimal) -> String {
    let h = (secs / Decimal::from(3600))
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    format!("{h:.1}")
}

/// Median of sorted values (the mean of the two middle ones for an even count).
fn median_sorted(v: &[i64]) -> Option<Decimal> {
    if v.is_empty() {
        return None;
    }
    let n = v.len();
    Some(if n % 2 == 1 {
        Decimal::from(v[n / 2])
    } else {
        (Decimal::from(v[n / 2 - 1]) + Decimal::from(v[n / 2])) / Decimal::from(2)
    })
}

/// Above this many arrivals requested after the evaluation time, the bucket path is not used.
const MAX_FUTURE: i64 = 1000;

/// The bucket counts of a platform and its arrivals requested after `at`: every arrival `S` is
/// counted in the buckets, the ones after `at` are excluded from each median.
struct Buckets {
    /// (bucket, arrivals), by bucket.
    counts: Vec<(i64, i64)>,
    total: i64,
    /// (delay, id) of the arrivals requested after `at`.
    future: Vec<(i64, i64)>,
}

impl Buckets {
    fn read(conn: &Connection, platform_id: i64, at_key: &str) -> Result<Option<Buckets>> {
        let counts: Vec<(i64, i64)> = conn
            .prepare_cached(
                "SELECT bucket, n FROM arrival_buckets WHERE platform_id = ?1 AND n <> 0 ORDER BY bucket",
            )?
            .query_map([platform_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if counts.iter().any(|(_, n)| *n < 0) {
            return Ok(None);
        }
        let future: Vec<(i64, i64)> = conn
            .prepare_cached(&format!(
                "SELECT {DELAY}, id FROM withdrawals INDEXED BY withdrawals_platform_status
                 WHERE platform_id = ?1 AND status = 'arrived' AND {DELAY} > -1000000000000
                   AND requested_utc > ?2 LIMIT ?3"
            ))?
            .query_map(params![platform_id, at_key, MAX_FUTURE + 1], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let total: i64 = counts.iter().map(|(_, n)| n).sum();
        if future.len() as i64 > MAX_FUTURE || (future.len() as i64) > total {
            return Ok(None);
        }
        if total == 0 {
            // No buckets: make sure there are no arrivals either (one index probe).
            let any: bool = conn
                .prepare_cached(&format!(
                    "SELECT EXISTS (SELECT 1 FROM withdrawals INDEXED BY withdrawals_arrival_delay
                     WHERE platform_id = ?1 AND status = 'arrived' AND {DELAY} > -1000000000000)"
                ))?
                .query_row([platform_id], |r| r.get(0))?;
            if any {
                return Ok(None);
            }
        }
        Ok(Some(Buckets {
            counts,
            total,
            future,
        }))
    }

    /// The arrivals of ranks `lo ..= hi` among all of the platform's arrivals (by delay, id), or
    /// `None` when the index disagrees with the buckets.
    fn rows(
        &self,
        conn: &Connection,
        platform_id: i64,
        lo: i64,
        hi: i64,
    ) -> Result<Option<Vec<(i64, i64)>>> {
        let mut before = 0;
        let Some(bucket) = self.counts.iter().find_map(|(b, n)| {
            if lo < before + n {
                Some(*b)
            } else {
                before += n;
                None
            }
        }) else {
            return Ok(None);
        };
        // The smallest delay d with d / 3600 == bucket (integer division truncates toward zero).
        let lowest = match bucket {
            b if b > 0 => b * 3600,
            0 => -3599,
            b => b * 3600 - 3599,
        };
        let rows: Vec<(i64, i64)> = conn
            .prepare_cached(&format!(
                "SELECT {DELAY}, id FROM withdrawals INDEXED BY withdrawals_arrival_delay
                 WHERE platform_id = ?1 AND status = 'arrived' AND {DELAY} >= ?2
                 ORDER BY {DELAY}, id LIMIT ?3 OFFSET ?4"
            ))?
            .query_map(
                params![platform_id, lowest, hi - lo + 1, lo - before],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .collect::<rusqlite::Result<_>>()?;
        let consistent = rows.len() as i64 == (hi - lo + 1).min(self.total - lo)
            && rows.first().is_some_and(|(d, _)| d / 3600 == bucket);
        Ok(consistent.then_some(rows))
    }
}

pub(crate) fn arrivals(conn: &Connection, platform_id: i64, at: &Timestamp) -> Result<Arrivals> {
    arrivals_with(conn, platform_id, at, true)
}

/// [`arrivals`], through the buckets or (`use_buckets` false, for tests) by counting.
pub(crate) fn arrivals_with(
    conn: &Connection,
    platform_id: i64,
    at: &Timestamp,
    use_buckets: bool,
) -> Result<Arrivals> {
    let at_key = super::utc(at);
    let buckets = if use_buckets {
        Buckets::read(conn, platform_id, &at_key)?
    } else {
        None
    };
    // INDEXED BY pins the plans: without it the planner picked the (platform, status, time) index
    // and sorted every arrival for a median, which took seconds at 1M withdrawals.
    let count: i64 = match &buckets {
        Some(b) => b.total - b.future.len() as i64,
        None => conn
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM withdrawals INDEXED BY withdrawals_arrival_delay WHERE {ARRIVED}"
            ))?
            .query_row(params![platform_id, at_key], |r| r.get(0))?,
    };
    let worst: Option<i64> = if count == 0 {
        None
    } else {
        Some(
            conn.prepare_cached(&format!(
                "SELECT {DELAY} FROM withdrawals INDEXED BY withdrawals_arrival_delay WHERE {ARRIVED}
                 ORDER BY {DELAY} DESC, id DESC LIMIT 1"
            ))?
            .query_row(params![platform_id, at_key], |r| r.get(0))?,
        )
    };

    // The last three arrivals, for the "longer arrivals" signal.
    let last: Vec<(i64, i64)> = if count >= 3 + LONGER_ARRIVALS_MIN_BEFORE {
        conn.prepare_cached(&format!(
            "SELECT {DELAY}, id FROM withdrawals INDEXED BY withdrawals_platform_status WHERE {ARRIVED}
             ORDER BY requested_utc DESC, id DESC LIMIT 3"
        ))?
        .query_map(params![platform_id, at_key], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?
    } else {
        Vec::new()
    };

    // Both medians (all arrivals; all but the last three) come from one slice of the delay index:
    // of every arrival, less those requested after `at`, through the buckets; else of the
    // arrivals up to `at`, by OFFSET.
    let medians =
        |window: &SortedWindow, n: i64, all_but: &[(i64, i64)], before_last: &[(i64, i64)]| {
            Ok::<_, crate::CoreError>((window.median(n, all_but)?, window.median(n, before_last)?))
        };
    let fast = match &buckets {
        Some(b) => {
            let before_last: Vec<(i64, i64)> = b.future.iter().chain(&last).copied().collect();
            SortedWindow::read_ranked(conn, platform_id, b, &[&b.future, &before_last])?
                .and_then(|w| medians(&w, b.total, &b.future, &before_last).ok())
        }
        None => None,
    };
    let (median, before) = match (fast, &buckets) {
        (Some(found), _) => found,
        // The buckets disagree with the index: count everything instead.
        (None, Some(_)) => return arrivals_with(conn, platform_id, at, false),
        (None, None) => {
            let window = SortedWindow::read(conn, platform_id, &at_key, count, &[&[], &last])?;
            medians(&window, count, &[], &last)?
        }
    };
    let longer_arrivals = match before {
        Some(before) if !last.is_empty() => last.iter().all(|(d, _)| Decimal::from(*d) > before),
        _ => false,
    };

    // Trend: the two 90-day windows are small enough to read and sort.
    let recent_from = super::utc(&(*at - chrono::Duration::days(TREND_WINDOW_DAYS)));
    let previous_from = super::utc(&(*at - chrono::Duration::days(2 * TREND_WINDOW_DAYS)));
    let recent = window_median(conn, platform_id, &recent_from, &at_key)?;
    let previous = window_median(conn, platform_id, &previous_from, &recent_from)?;
    let trend = match (recent, previous) {
        (Some(r), Some(p)) => Some(trend_of(r, p)),
        _ => None,
    };

    Ok(Arrivals {
        hours: ArrivalHours {
            median: median.map(hours_text),
            worst: worst.map(|w| hours_text(Decimal::from(w))),
            count,
            trend,
            recent_median: recent.map(hours_text),
            previous_median: previous.map(hours_text),
        },
        longer_arrivals,
    })
}

/// `slower` when the recent median is more than 25 % above the previous one, `faster` when the
/// previous one is more than 25 % above the recent one, else `steady`.
pub fn trend_of(recent: Decimal, previous: Decimal) -> Trend {
    let factor = Decimal::from(100 + TREND_THRESHOLD_PERCENT) / Decimal::from(100);
    if recent > previous * factor {
        Trend::Slower
    } else if previous > recent * factor {
        Trend::Faster
    } else {
        Trend::Steady
    }
}

fn window_median(
    conn: &Connection,
    platform_id: i64,
    from_key: &str,
    to_key: &str,
) -> Result<Option<Decimal>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DELAY} FROM withdrawals INDEXED BY withdrawals_platform_status WHERE {ARRIVED} AND requested_utc > ?3"
    ))?;
    let mut v: Vec<i64> = stmt
        .query_map(params![platform_id, to_key, from_key], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    v.sort_unstable();
    Ok(median_sorted(&v))
}

/// The middle ranks of the delay-sorted arrivals `S` (each `(delay, id)`): enough of them to
/// answer the medians of `S` minus each given exclusion set, read with one `OFFSET` query.
struct SortedWindow {
    lo: i64,
    rows: Vec<(i64, i64)>,
}

/// The ranks the median of `m` values needs.
fn middle_ranks(m: i64) -> [i64; 2] {
    [(m - 1) / 2, m / 2]
}

/// The ranks `lo ..= hi` a window must hold to answer the medians of `S` (of `n` values) minus
/// each exclusion set; `None` when no median is asked for.
fn window_ranks(n: i64, exclusions: &[&[(i64, i64)]]) -> Option<(i64, i64)> {
    let mut lo = i64::MAX;
    let mut hi = -1;
    for ex in exclusions {
        let m = n - ex.len() as i64;
        if m <= 0 {
            continue;
        }
        for k in middle_ranks(m) {
            lo = lo.min(k);
            hi = hi.max(k + ex.len() as i64);
        }
    }
    (hi >= 0).then_some((lo, hi))
}

impl SortedWindow {
    /// The window over all of the platform's arrivals, found through the buckets; `None` when
    /// the buckets and the index disagree (then the caller counts instead).
    fn read_ranked(
        conn: &Connection,
        platform_id: i64,
        buckets: &Buckets,
        exclusions: &[&[(i64, i64)]],
    ) -> Result<Option<SortedWindow>> {
        let Some((lo, hi)) = window_ranks(buckets.total, exclusions) else {
            return Ok(Some(SortedWindow {
                lo: 0,
                rows: Vec::new(),
            }));
        };
        Ok(buckets
            .rows(conn, platform_id, lo, hi)?
            .map(|rows| SortedWindow { lo, rows }))
    }

    fn read(
        conn: &Connection,
        platform_id: i64,
        at_key: &str,
        n: i64,
        exclusions: &[&[(i64, i64)]],
    ) -> Result<SortedWindow> {
        let Some((lo, hi)) = window_ranks(n, exclusions) else {
            return Ok(SortedWindow {
                lo: 0,
                rows: Vec::new(),
            });
        };
        let rows = conn
            .prepare_cached(&format!(
                "SELECT {DELAY}, id FROM withdrawals INDEXED BY withdrawals_arrival_delay WHERE {ARRIVED}
                 ORDER BY {DELAY}, id LIMIT ?3 OFFSET ?4"
            ))?
            .query_map(params![platform_id, at_key, hi - lo + 1, lo], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(SortedWindow { lo, rows })
    }

    /// The k-th smallest of `S` minus `excluded` (all members of `S`): it is `S[k + j]` for the one
    /// `j` where that row is not excluded and exactly `j` excluded rows sort before it.
    fn kth(&self, k: i64, excluded: &[(i64, i64)]) -> Result<i64> {
        let start = (k - self.lo) as usize;
        let end = (start + excluded.len() + 1).min(self.rows.len());
        for (j, cand) in self.rows.get(start..end).unwrap_or(&[]).iter().enumerate() {
            if !excluded.contains(cand) && excluded.iter().filter(|e| *e < cand).count() == j {
                return Ok(cand.0);
            }
        }
        Err(crate::CoreError::Internal(
            "arrival median: index window inconsistent".into(),
        ))
    }

    /// Median delay of the `n` arrivals minus `excluded`.
    fn median(&self, n: i64, excluded: &[(i64, i64)]) -> Result<Option<Decimal>> {
        let m = n - excluded.len() as i64;
        if m <= 0 {
            return Ok(None);
        }
        let [a, b] = middle_ranks(m);
        Ok(Some(if a == b {
            Decimal::from(self.kth(a, excluded)?)
        } else {
            (Decimal::from(self.kth(a, excluded)?) + Decimal::from(self.kth(b, excluded)?))
                / Decimal::from(2)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_round_half_away_and_keep_one_decimal() {
        assert_eq!(hours_text(Decimal::from(7200)), "2.0");
        assert_eq!(hours_text(Decimal::from(95400)), "26.5");
        // 180 s = 0.05 h → 0.1 (half away from zero).
        assert_eq!(hours_text(Decimal::from(180)), "0.1");
    }

    #[test]
    fn trend_uses_a_25_percent_band() {
        let d = Decimal::from;
        assert_eq!(
            trend_of(d(125), d(100)),
            Trend::Steady,
            "exactly +25 % is still steady"
        );
        assert_eq!(trend_of(d(126), d(100)), Trend::Slower);
        assert_eq!(trend_of(d(100), d(126)), Trend::Faster);
        assert_eq!(trend_of(d(100), d(125)), Trend::Steady);
    }

    #[test]
    fn median_of_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median_sorted(&[1, 2, 4, 9]), Some(Decimal::from(3)));
        assert_eq!(median_sorted(&[5]), Some(Decimal::from(5)));
        assert_eq!(median_sorted(&[]), None);
    }
}
