//! From raw cells to normalised transactions: local time with offset, amount in fen (bill cells
//! holding binary-float text are rounded to the nearest fen, never truncated), the direction the
//! file states, fee (备注 `服务费¥0.10` or the 服务费 column), refunded amount, whether the row is
//! a refund, and whether it is a withdrawal with which outcome.

use super::layout::{Columns, Layout};
use super::provider::Provider;
use super::table::{Cells, Locator, RawRow, Table};
use crate::error::{CoreError, Result};
use crate::ledger::WithdrawalStatus;
use crate::money::Money;
use crate::time::{self, Timestamp};
use crate::Field;
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Money in or out, as the file itself states it in 收/支.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// 收入
    Income,
    /// 支出
    Expense,
    /// Anything else: `/`, 不计收支, 其他, blank.
    Neutral,
}

impl Direction {
    pub fn from_bill(text: &str) -> Direction {
        match text {
            "收入" => Direction::Income,
            "支出" => Direction::Expense,
            _ => Direction::Neutral,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Income => "income",
            Direction::Expense => "expense",
            Direction::Neutral => "neutral",
        }
    }
}

impl FromStr for Direction {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "income" => Ok(Direction::Income),
            "expense" => Ok(Direction::Expense),
            "neutral" => Ok(Direction::Neutral),
            other => Err(CoreError::invalid(
                Field::Direction,
                format!("“{other}”不是收支方向，可选：income、expense、neutral"),
                format!("“{other}” is not a direction; use income, expense or neutral"),
            )),
        }
    }
}

/// One bill row, normalised; its original cells stay with it.
#[derive(Debug, Clone)]
pub(crate) struct Txn {
    pub line: u64,
    pub cells: Cells,
    pub at: Timestamp,
    pub direction: Direction,
    pub amount: Money,
    pub fee: Money,
    pub refunded: Money,
    pub is_refund: bool,
    pub withdrawal: Option<WithdrawalStatus>,
}

impl Txn {
    /// A normalised text field: the cell, with the exports' "nothing here" marker `/` as empty.
    pub fn text(&self, column: Option<usize>) -> &str {
        match column.and_then(|c| self.cells.get(c)) {
            Some("/") | None => "",
            Some(s) => s,
        }
    }
}

/// Normalises every row; the first bad cell stops everything with its file, line and column.
pub(crate) fn normalise(table: Table, provider: Provider, loc: &Locator) -> Result<Vec<Txn>> {
    normalise_rows(table.rows, &table.layout, provider, loc)
}

/// [`normalise`] for some of a bill's rows (a streamed CSV comes a chunk at a time).
pub(crate) fn normalise_rows(
    rows: Vec<RawRow>,
    layout: &Layout,
    provider: Provider,
    loc: &Locator,
) -> Result<Vec<Txn>> {
    let header = &layout.header;
    let c = &layout.columns;
    let bad = |row: &RawRow, col: usize, e: CoreError| {
        e.field(Field::Named(header[col].clone()))
            .at(loc.at(row.line, Some(col)))
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let at = parse_bill_time(&row.cells[c.time]).map_err(|e| bad(&row, c.time, e))?;
        let amount = parse_bill_amount(&row.cells[c.amount]).map_err(|e| bad(&row, c.amount, e))?;
        let fee = match c.fee {
            Some(col) if !row.cells[col].is_empty() => {
                parse_bill_amount(&row.cells[col]).map_err(|e| bad(&row, col, e))?
            }
            _ => fee_in_note(cell(&row, c.note)),
        };
        let refunded = match c.refunded {
            Some(col) if !row.cells[col].is_empty() => {
                parse_bill_amount(&row.cells[col]).map_err(|e| bad(&row, col, e))?
            }
            _ => refunded_in_status(cell(&row, c.status), amount),
        };
        let direction = Direction::from_bill(&row.cells[c.direction]);
        let is_refund = is_refund(&row, c, direction);
        let withdrawal = withdrawal_outcome(&row, c, provider);
        out.push(Txn {
            line: row.line,
            cells: row.cells,
            at,
            direction,
            amount,
            fee,
            refunded,
            is_refund,
            withdrawal,
        });
    }
    Ok(out)
}

fn cell(row: &RawRow, column: Option<usize>) -> &str {
    column.and_then(|c| row.cells.get(c)).unwrap_or("")
}

/// Refund rows: a type or category naming 退款 (微信红包-退款, Alipay 退款), goods starting with
/// 退款 (Alipay `退款-…`), or money coming back with a 退款 status. A purchase that *was*
/// refunded (支出, 已全额退款) is not itself a refund.
fn is_refund(row: &RawRow, c: &Columns, direction: Direction) -> bool {
    cell(row, c.txn_type).contains("退款")
        || cell(row, c.goods).starts_with("退款")
        || (direction != Direction::Expense && cell(row, c.status).contains("退款"))
}

/// Withdrawal rows (which ones is the provider's rule) and their outcome.
fn withdrawal_outcome(row: &RawRow, c: &Columns, provider: Provider) -> Option<WithdrawalStatus> {
    provider
        .is_withdrawal(cell(row, c.txn_type), cell(row, c.goods))
        .then(|| super::provider::withdrawal_outcome(cell(row, c.status)))
}

/// `服务费¥0.10` anywhere in 备注 → 10 fen; no fee mentioned → zero.
pub(crate) fn fee_in_note(note: &str) -> Money {
    note.find("服务费")
        .map(|i| amount_after(&note[i + "服务费".len()..]))
        .unwrap_or(Money::ZERO)
}

/// `已退款(￥12.34)` → 12.34; `已全额退款` → the whole amount; otherwise zero.
fn refunded_in_status(status: &str, amount: Money) -> Money {
    if status.contains("全额退款") {
        return amount;
    }
    match status.find("已退款") {
        Some(i) => amount_after(&status[i + "已退款".len()..]),
        None => Money::ZERO,
    }
}

fn amount_after(text: &str) -> Money {
    let rest = text.trim_start_matches(['¥', '￥', '(', '（', ':', '：', ' ']);
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(rest.len());
    parse_bill_amount(&rest[..end]).unwrap_or(Money::ZERO)
}

/// A bill amount: `¥12.34`, `12.34`, `¥50.0`, `1,234.00`, `548.58000000000004`,
/// `7.0000000000000007E-2`. More than two decimals are rounded half away from zero to fen.
pub(crate) fn parse_bill_amount(text: &str) -> Result<Money> {
    let s = text.trim().trim_start_matches(['¥', '￥']);
    let s = s.strip_suffix('元').unwrap_or(s).trim();
    if let Some(m) = fast_amount(s) {
        return Ok(m);
    }
    // A cell quoted in a message is shown without its control characters.
    let shown = crate::error::printable(text);
    let bad = || {
        CoreError::invalid(
            Field::Amount,
            format!("“{shown}”不是有效金额"),
            format!("“{shown}” is not an amount"),
        )
    };
    if s.starts_with('-') {
        return Err(CoreError::invalid(
            Field::Amount,
            format!("“{shown}”是负数；账单金额应为正数，收支方向在“收/支”列"),
            format!(
                "“{shown}” is negative; bill amounts are positive and 收/支 gives the direction"
            ),
        ));
    }
    let plain = strip_thousands(s).ok_or_else(bad)?;
    let value = Decimal::from_str(&plain)
        .or_else(|_| Decimal::from_scientific(&plain))
        .map_err(|_| bad())?;
    if value.is_sign_negative() {
        return Err(bad());
    }
    Money::from_decimal_rounded(value).ok_or_else(bad)
}

/// Digits with at most two decimals, parsed without allocating (the common case).
fn fast_amount(s: &str) -> Option<Money> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || int.len() > 13 || frac.len() > 2 || (s.contains('.') && frac.is_empty()) {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    Some(Money(whole * 100 + cents))
}

/// "1,234.56" → "1234.56" when the commas group thousands; other commas are an error.
fn strip_thousands(s: &str) -> Option<String> {
    if !s.contains(',') {
        return Some(s.to_string());
    }
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let groups: Vec<&str> = int.split(',').collect();
    let ok =
        !groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
    ok.then(|| match frac {
        Some(f) => format!("{}.{f}", groups.concat()),
        None => groups.concat(),
    })
}

/// Bill times are Beijing time without offset: `2019-09-26 12:45:27` (fast path), or what
/// Excel re-saves make of it (`2019/9/26 12:45`), read by the general parser.
pub(crate) fn parse_bill_time(text: &str) -> Result<Timestamp> {
    let b = text.as_bytes();
    if b.len() == 19
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b' ' || b[10] == b'T')
        && b[13] == b':'
        && b[16] == b':'
    {
        // Digits only: `u32::from_str` also takes a leading `+` ("2019-+1-26").
        let num = |r: std::ops::Range<usize>| {
            text.get(r)
                .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|s| s.parse::<u32>().ok())
        };
        if let (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(s)) = (
            num(0..4),
            num(5..7),
            num(8..10),
            num(11..13),
            num(14..16),
            num(17..19),
        ) {
            if let Some(naive) = NaiveDate::from_ymd_opt(y as i32, mo, d)
                .zip(NaiveTime::from_hms_opt(h, mi, s))
                .map(|(d, t)| NaiveDateTime::new(d, t))
            {
                // China has kept UTC+8 all year since 1992; earlier dates go through the tz database.
                if y >= 1992 {
                    if let Some(t) = FixedOffset::east_opt(8 * 3600)
                        .and_then(|o| o.from_local_datetime(&naive).single())
                    {
                        return Ok(t);
                    }
                }
            }
        }
    }
    time::parse_time(text, crate::Field::At)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(s: &str) -> i64 {
        parse_bill_amount(s).unwrap().fen()
    }

    #[test]
    fn amounts_in_every_form_the_bills_use() {
        assert_eq!(fen("¥28.16"), 2816);
        assert_eq!(fen("¥50.0"), 5000);
        assert_eq!(fen("27.00   "), 2700);
        assert_eq!(fen("￥1,234.5"), 123_450);
        assert_eq!(fen("10000"), 1_000_000);
        assert_eq!(fen("12元"), 1200);
    }

    #[test]
    fn binary_float_text_is_rounded_not_truncated() {
        assert_eq!(fen("548.58000000000004"), 54_858);
        assert_eq!(fen("7.0000000000000007E-2"), 7);
        assert_eq!(
            fen("12.299999999999999"),
            1230,
            "truncation would give 12.29"
        );
        assert_eq!(fen("0.069999999999999993"), 7);
    }

    /// The fast path for `YYYY-MM-DD HH:MM:SS` read each field with `u32::from_str`, which
    /// takes a leading `+`: `1992-+1-+1 00:00:+0` became 1992-01-01 00:00:00 where the general
    /// reader (and every other cell) refuses it. Found by the property
    /// `import::tests::props::any_cell_is_a_time_or_a_clean_error`.
    #[test]
    fn bill_time_fast_path_took_a_plus_sign_for_a_digit() {
        for text in [
            "1992-+1-+1 00:00:+0",
            "2019-+9-26 12:45:27",
            "2019-09-26 +2:45:27",
        ] {
            let e = parse_bill_time(text).unwrap_err();
            assert_eq!(e.field_name(), Some("at"), "{text}");
        }
        assert!(parse_bill_time("2019-09-26 12:45:27").is_ok());
    }

    #[test]
    fn bad_and_negative_amounts_are_refused() {
        for bad in ["", "abc", "¥", "12,3", "1.2.3", "NaN", "-5.00"] {
            assert!(parse_bill_amount(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fee_and_refund_text() {
        assert_eq!(fee_in_note("服务费¥0.10"), Money(10));
        assert_eq!(fee_in_note("服务费￥1.00"), Money(100));
        assert_eq!(fee_in_note("/"), Money::ZERO);
        assert_eq!(
            refunded_in_status("已退款(￥12.34)", Money(5000)),
            Money(1234)
        );
        assert_eq!(refunded_in_status("已全额退款", Money(5000)), Money(5000));
        assert_eq!(refunded_in_status("支付成功", Money(5000)), Money::ZERO);
    }

    #[test]
    fn bill_times_fast_path_matches_general_parser() {
        let fast = parse_bill_time("2019-09-26 12:45:27").unwrap();
        assert_eq!(time::to_rfc3339(&fast), "2019-09-26T12:45:27+08:00");
        let excel = parse_bill_time("2019/9/26 12:45").unwrap();
        assert_eq!(time::to_rfc3339(&excel), "2019-09-26T12:45:00+08:00");
        // 1988 had daylight saving time in China.
        let dst = parse_bill_time("1988-07-01 12:00:00").unwrap();
        assert_eq!(time::to_rfc3339(&dst), "1988-07-01T12:00:00+09:00");
        assert!(parse_bill_time("2019-02-30 12:00:00").is_err());
        assert!(parse_bill_time("昨天").is_err());
    }
}
