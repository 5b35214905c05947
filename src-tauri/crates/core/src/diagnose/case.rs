//! The input of a diagnosis: what the user saw and what they know, exactly as the contract's
//! case JSON. Every field but `platform` and `action` is optional; unknown fields are an error so
//! that typos surface, and every bad value is reported with the path of its field.

use crate::error::{CoreError, Result};
use crate::ledger::PlatformKind;
use crate::money::Money;
use crate::time::{self, Timestamp};
use crate::Field;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

pub use crate::vocab::{Action, PlatformSignal, Status};

/// Account class: payment account (PBoC 2015 No. 43) or bank account (PBoC 2016 No. 302).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum AccountClass {
    I,
    II,
    III,
}

impl AccountClass {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountClass::I => "I",
            AccountClass::II => "II",
            AccountClass::III => "III",
        }
    }
}

/// A diagnosis case (contract: `diagnose`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub platform: PlatformKind,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(
        default,
        deserialize_with = "amount",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Money>,
    #[serde(
        default,
        deserialize_with = "timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(
        default,
        deserialize_with = "non_negative",
        skip_serializing_if = "Option::is_none"
    )]
    pub hours_since_request: Option<f64>,
    #[serde(default)]
    pub account: Account,
    #[serde(default)]
    pub context: Context,
}

impl Case {
    /// A failed withdrawal on `platform` with only the message known: how a message alone is read
    /// (`kb explain-message`, the corpus checks).
    pub fn for_message(platform: PlatformKind, message: &str) -> Case {
        Case {
            platform,
            action: Action::Withdraw,
            from: None,
            to: None,
            amount: None,
            at: None,
            status: Some(Status::Failed),
            message: Some(message.to_string()),
            hours_since_request: None,
            account: Account::default(),
            context: Context::default(),
        }
    }
}

/// What the user knows about their account and card.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Account {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_name_verified: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_account_class: Option<AccountClass>,
    #[serde(
        default,
        deserialize_with = "date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub id_expires_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_holder_is_self: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_bank: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_class: Option<AccountClass>,
    #[serde(
        default,
        deserialize_with = "amount",
        skip_serializing_if = "Option::is_none"
    )]
    pub withdrawn_today: Option<Money>,
    #[serde(
        default,
        deserialize_with = "amount",
        skip_serializing_if = "Option::is_none"
    )]
    pub withdrawn_this_year: Option<Money>,
    #[serde(
        default,
        deserialize_with = "amount",
        skip_serializing_if = "Option::is_none"
    )]
    pub withdrawn_lifetime: Option<Money>,
    #[serde(
        default,
        deserialize_with = "amount",
        skip_serializing_if = "Option::is_none"
    )]
    pub balance: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_verification: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_update_pending: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation_notice: Option<bool>,
    /// A shop's deposit is below what its category requires (the seller centre asks to top it up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_short: Option<bool>,
}

/// The circumstances: device, place, attempts, notices, signals about the platform.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Context {
    #[serde(
        default,
        deserialize_with = "non_negative",
        skip_serializing_if = "Option::is_none"
    )]
    pub device_age_hours: Option<f64>,
    #[serde(
        default,
        deserialize_with = "non_negative",
        skip_serializing_if = "Option::is_none"
    )]
    pub login_distance_km: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_last_10_min: Option<u32>,
    #[serde(
        default,
        deserialize_with = "amount",
        skip_serializing_if = "Option::is_none"
    )]
    pub usual_amount: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance_notice: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_maintenance_notice: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_ok: Option<bool>,
    /// The money comes from orders not yet settled: awaiting receipt, in the after-sales window
    /// or in a dispute ("待结算", "冻结").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orders_unsettled: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platform_signals: Vec<PlatformSignal>,
}

/// Parses one case from JSON text. Errors name the field (`account.balance`, `status` …).
pub fn parse_case(json: &str) -> Result<Case> {
    // Fast path without path tracking; only a failing case is parsed again to name the field.
    if let Ok(case) = serde_json::from_str(json) {
        return Ok(case);
    }
    let mut de = serde_json::Deserializer::from_str(json);
    let case = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| path_error(e.path().to_string(), e.inner()))?;
    de.end().map_err(|e| {
        CoreError::invalid(
            Field::named("json"),
            format!("JSON 之后还有多余内容：{e}"),
            format!("trailing text after the JSON: {e}"),
        )
    })?;
    Ok(case)
}

/// Parses one case from an already parsed JSON value (rule test cases written as TOML tables).
pub fn case_from_value(value: serde_json::Value) -> Result<Case> {
    serde_path_to_error::deserialize(value).map_err(|e| path_error(e.path().to_string(), e.inner()))
}

fn path_error(path: String, inner: &serde_json::Error) -> CoreError {
    let text = inner.to_string();
    let text = text.split(" at line ").next().unwrap_or(&text).to_string();
    if inner.is_syntax() || inner.is_eof() {
        return CoreError::invalid(
            Field::named("json"),
            format!("不是有效的 JSON：{inner}"),
            format!("not valid JSON: {inner}"),
        );
    }
    // For an unknown or missing key serde reports the enclosing object; name the key itself.
    let field = match quoted(&text) {
        Some(key) if text.starts_with("unknown field") || text.starts_with("missing field") => {
            if path == "." {
                key
            } else {
                format!("{path}.{key}")
            }
        }
        _ if path == "." => "json".to_string(),
        _ => path,
    };
    let zh = if text.starts_with("unknown field") {
        format!("未知字段（可能是拼写错误）：{text}")
    } else if text.starts_with("missing field") {
        format!("缺少必填字段：{text}")
    } else {
        format!("取值无效：{text}")
    };
    CoreError::invalid(Field::Named(field), zh, text)
}

fn quoted(text: &str) -> Option<String> {
    let start = text.find('`')? + 1;
    let len = text[start..].find('`')?;
    Some(text[start..start + len].to_string())
}

/// Hands a JSON string to `f` without copying it (borrowed when it has no escapes).
fn with_str<'de, D, T>(
    d: D,
    f: impl FnOnce(&str) -> std::result::Result<T, String>,
) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct StrVisitor<F>(F);
    impl<'de, T, F: FnOnce(&str) -> std::result::Result<T, String>> serde::de::Visitor<'de>
        for StrVisitor<F>
    {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<T, E> {
            (self.0)(v).map_err(E::custom)
        }
    }
    d.deserialize_str(StrVisitor(f))
}

/// `1234` or `1234.5` / `1234.50` in plain ASCII: the common case, without the general
/// parser's normalising and decimal arithmetic. Anything else (or too large) goes the long way,
/// which gives the same value or the error.
fn plain_amount(text: &str) -> Option<Money> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    if int.is_empty() || int.len() > 12 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut fen = int
        .bytes()
        .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'))
        * 100;
    if let Some(f) = frac {
        let b = f.as_bytes();
        if b.is_empty() || b.len() > 2 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        fen += i64::from(b[0] - b'0') * 10 + b.get(1).map_or(0, |d| i64::from(d - b'0'));
    }
    Some(Money(fen))
}

fn amount<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Money>, D::Error> {
    with_str(d, |text| {
        if let Some(m) = plain_amount(text) {
            return Ok(Some(m));
        }
        Money::parse_amount(text)
            .map(Some)
            .map_err(|e| e.message(crate::Lang::En))
    })
}

fn timestamp<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Timestamp>, D::Error> {
    with_str(d, |text| {
        time::parse_time(text, crate::Field::At)
            .map(Some)
            .map_err(|e| e.message(crate::Lang::En))
    })
}

fn date<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<NaiveDate>, D::Error> {
    with_str(d, |text| {
        time::parse_date(text, crate::Field::At)
            .map(Some)
            .map_err(|e| e.message(crate::Lang::En))
    })
}

fn non_negative<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<f64>, D::Error> {
    let v = f64::deserialize(d)?;
    if v.is_finite() && v >= 0.0 {
        Ok(Some(v))
    } else {
        Err(serde::de::Error::custom(format!(
            "{v} must be a number ≥ 0"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_contract_example_parses() {
        let json = r#"{"platform":"wechat","action":"withdraw","from":"huabei","to":"wechat","amount":"5000.00",
          "at":"2026-03-05T23:40:00+08:00","status":"failed","message":"当日提现金额已超过限额","hours_since_request":30,
          "account":{"real_name_verified":true,"payment_account_class":"II","id_expires_on":"2025-12-31",
            "card_holder_is_self":true,"card_bank":"ICBC","card_class":"I","withdrawn_today":"0.00",
            "withdrawn_this_year":"0.00","withdrawn_lifetime":"0.00","balance":"5003.00",
            "pending_verification":false,"terms_update_pending":false,"violation_notice":false},
          "context":{"device_age_hours":5,"login_distance_km":800,"attempts_last_10_min":4,"usual_amount":"300.00",
            "maintenance_notice":false,"bank_maintenance_notice":false,"network_ok":true,
            "platform_signals":["delayed_payouts","raised_threshold","support_unreachable","many_complaints"]}}"#;
        let case = parse_case(json).unwrap();
        assert_eq!(case.amount, Some(Money(500_000)));
        assert_eq!(case.account.payment_account_class, Some(AccountClass::II));
        assert_eq!(case.context.platform_signals.len(), 4);
    }

    #[test]
    fn plain_amount_agrees_with_the_general_parser() {
        for text in [
            "0",
            "5",
            "5.0",
            "5.5",
            "5.05",
            "0123",
            "1234.50",
            "999999999999.99",
            "1.",
            ".5",
            "1.234",
            "1,234",
            "-1",
            "+1",
            "¥5",
            "5元",
            " 5",
            "１２",
            "9999999999999",
            "",
        ] {
            if let Some(m) = plain_amount(text) {
                assert_eq!(Money::parse_amount(text).ok(), Some(m), "{text}");
            }
        }
        assert_eq!(plain_amount("1234.5"), Some(Money(123_450)));
        assert_eq!(plain_amount("1."), None);
        assert_eq!(plain_amount(" 5"), None);
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (r#"{"platform":"wechat"}"#, "action"),
            (r#"{"platform":"casino","action":"withdraw"}"#, "platform"),
            (
                r#"{"platform":"wechat","action":"withdraw","status":"stuck"}"#,
                "status",
            ),
            (
                r#"{"platform":"wechat","action":"withdraw","amount":"12,3"}"#,
                "amount",
            ),
            (
                r#"{"platform":"wechat","action":"withdraw","amount":5000}"#,
                "amount",
            ),
            (
                r#"{"platform":"wechat","action":"withdraw","amount":"-1"}"#,
                "amount",
            ),
            (
                r#"{"platform":"wechat","action":"withdraw","at":"yesterday"}"#,
                "at",
            ),
            (
                r#"{"platform":"wechat","action":"withdraw","amout":"1"}"#,
                "amout",
            ),
            (
                r#"{"platform":"wechat","action":"withdraw","account":{"balanse":"1"}}"#,
                "account.balanse",
            ),
            (
                r#"{"platform":"wechat","action":"withdraw","account":{"balance":"x"}}"#,
                "account.balance",
            ),
            (
                r#"{"platform":"wechat","action":"withdraw","account":{"id_expires_on":"2025-13-01"}}"#,
                "account.id_expires_on",
            ),
            (
                r#"{"platform":"wechat","action":"withdraw","context":{"device_age_hours":-3}}"#,
                "context.device_age_hours",
            ),
            (
                r#"{"platform":"wechat","action":"withdraw","context":{"platform_signals":["x"]}}"#,
                "context.platform_signals",
            ),
            (r#"{"platform":"wechat","action":"withdraw""#, "json"),
            (r#"{"platform":"wechat","action":"withdraw"} x"#, "json"),
        ];
        for (json, field) in cases {
            let err = parse_case(json).unwrap_err();
            let got = err.field_name().unwrap_or_default().to_string();
            assert!(got.starts_with(field), "{json}: field {got}, want {field}");
            assert_eq!(err.exit_code(), 2);
        }
    }
}
