//! Money is integer fen. `Money` parses what people type ("1,234.50", "¥12", "12.5元") strictly,
//! formats as a two-decimal yuan string at every boundary, and never passes through a float.

use crate::error::{CoreError, Result};
use crate::Field;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// An amount of money in fen (1/100 yuan). Serialises as a decimal string in yuan: `"1234.50"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(pub i64);

/// Largest amount we accept: 10^13 yuan in fen keeps every sum of a million rows inside i64.
const MAX_FEN: i64 = 1_000_000_000_000_000;

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    /// Parses an amount that must not be negative (amounts, fees, balances).
    pub fn parse_amount(text: &str) -> Result<Money> {
        let m = Self::parse_signed(text)?;
        if m.0 < 0 {
            return Err(CoreError::invalid(
                Field::Amount,
                format!("“{text}”是负数；金额请不带负号填写"),
                format!("“{text}” is negative; enter the amount without a minus sign"),
            ));
        }
        Ok(m)
    }

    /// Parses a signed amount. Accepts an optional sign, `¥`/`￥`, a trailing `元`,
    /// full-width digits and thousands separators in groups of three; at most two decimals.
    pub fn parse_signed(text: &str) -> Result<Money> {
        let bad = |zh: &str, en: &str| {
            CoreError::invalid(
                Field::Amount,
                format!("“{text}”{zh}"),
                format!("“{text}” {en}"),
            )
        };
        const NOT_AMOUNT: (&str, &str) = (
            "不是有效金额，请填写如 1234.50（最多两位小数，千位分隔须为三位一组）",
            "is not an amount: use digits, an optional point and at most two decimals, e.g. 1234.50",
        );
        let normalised: String = text
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '．' => '.',
                '，' => ',',
                '－' | '−' => '-',
                _ => c,
            })
            .collect();
        let mut s = normalised.as_str();
        let negative = if let Some(rest) = s.strip_prefix('-') {
            s = rest;
            true
        } else {
            s = s.strip_prefix('+').unwrap_or(s);
            false
        };
        s = s.trim_start_matches(['¥', '￥']).trim();
        s = s.strip_suffix('元').unwrap_or(s).trim();
        if s.is_empty() {
            return Err(bad(NOT_AMOUNT.0, NOT_AMOUNT.1));
        }
        let (int_part, frac_part) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        let digits = strip_thousands(int_part).ok_or_else(|| bad(NOT_AMOUNT.0, NOT_AMOUNT.1))?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(NOT_AMOUNT.0, NOT_AMOUNT.1));
        }
        if let Some(f) = frac_part {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(NOT_AMOUNT.0, NOT_AMOUNT.1));
            }
            if f.len() > 2 {
                return Err(bad(
                    "超过两位小数（最小单位是分）",
                    "has more than two decimals (fen is the smallest unit)",
                ));
            }
        }
        let value = Decimal::from_str(&match frac_part {
            Some(f) => format!("{digits}.{f}"),
            None => digits,
        })
        .map_err(|_| bad("金额过大", "is too large"))?;
        Self::from_decimal(if negative { -value } else { value })
            .ok_or_else(|| bad("金额过大", "is too large"))
    }

    /// Exact conversion from a decimal in yuan; `None` if it has fractions of a fen or is too large.
    pub fn from_decimal(yuan: Decimal) -> Option<Money> {
        let fen = yuan.checked_mul(Decimal::from(100))?;
        if fen.fract() != Decimal::ZERO {
            return None;
        }
        let fen = i64::try_from(fen).ok()?;
        (fen.abs() <= MAX_FEN).then_some(Money(fen))
    }

    /// Rounds a decimal yuan value half away from zero to whole fen (for bill cells that hold
    /// binary-float text such as `12.299999999999999`).
    pub fn from_decimal_rounded(yuan: Decimal) -> Option<Money> {
        let rounded =
            yuan.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        Self::from_decimal(rounded)
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// `"1234.50"`: the contract's JSON form.
    pub fn to_plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// `"¥1,234.50"`: how people read it.
    pub fn display(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}¥{}.{:02}", group_thousands(abs / 100), abs % 100)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

/// Removes thousands separators when they sit in proper groups of three ("1,234,567");
/// `None` for anything else ("12,3", "1,23").
fn strip_thousands(int_part: &str) -> Option<String> {
    if !int_part.contains(',') {
        return Some(int_part.to_string());
    }
    let groups: Vec<&str> = int_part.split(',').collect();
    let first_ok = !groups[0].is_empty() && groups[0].len() <= 3;
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    (first_ok && rest_ok).then(|| groups.concat())
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_plain())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_plain())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Money::parse_signed(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "specta")]
impl specta::Type for Money {
    // Crosses IPC as its decimal string, so TypeScript sees `string`.
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        <String as specta::Type>::definition(types)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(s: &str) -> i64 {
        Money::parse_amount(s).unwrap().0
    }

    #[test]
    fn parses_the_ways_people_type_amounts() {
        assert_eq!(fen("1234.5"), 123_450);
        assert_eq!(fen("1,234.50"), 123_450);
        assert_eq!(fen("¥12"), 1_200);
        assert_eq!(fen("￥0.01"), 1);
        assert_eq!(fen("12.5元"), 1_250);
        assert_eq!(fen(" １２３．４ "), 12_340);
        assert_eq!(fen("1,000,000"), 100_000_000);
    }

    #[test]
    fn rejects_ambiguous_or_malformed_amounts_naming_the_field() {
        for bad in [
            "12,3元", "1,23", "abc", "", "1.234", "1..2", "12.", ".5", "1e3", "NaN", "--1",
        ] {
            let err = Money::parse_amount(bad).unwrap_err();
            assert_eq!(err.field_name(), Some("amount"), "{bad}");
            assert_eq!(err.exit_code(), 2);
        }
    }

    #[test]
    fn negative_amount_is_refused_but_signed_parse_keeps_it() {
        assert!(Money::parse_amount("-5").is_err());
        assert_eq!(Money::parse_signed("-5.10").unwrap().0, -510);
    }

    #[test]
    fn formats_plain_and_for_display() {
        assert_eq!(Money(123_450).to_plain(), "1234.50");
        assert_eq!(Money(-5).to_plain(), "-0.05");
        assert_eq!(Money(123_456_789).display(), "¥1,234,567.89");
        assert_eq!(Money(0).display(), "¥0.00");
    }

    #[test]
    fn float_text_in_bill_cells_is_rounded_not_truncated() {
        let d = Decimal::from_str("12.299999999999999").unwrap();
        assert_eq!(Money::from_decimal_rounded(d).unwrap().0, 1_230);
        let d = Decimal::from_str("0.105").unwrap();
        assert_eq!(Money::from_decimal_rounded(d).unwrap().0, 11);
    }

    #[test]
    fn serde_round_trip_is_a_string() {
        let json = serde_json::to_string(&Money(100)).unwrap();
        assert_eq!(json, "\"1.00\"");
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Money(100));
    }
}
