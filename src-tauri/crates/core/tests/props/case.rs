//! Properties of the diagnosis case JSON: any text or JSON value is a case or a clean error
//! naming the field; text and value parsing agree; any case written as JSON reads back the
//! same; every case that parses can be diagnosed (and the diagnosis written as JSON).

use crate::fixtures;
use chrono::{FixedOffset, NaiveDate, TimeZone};
use proptest::prelude::*;
use serde_json::{json, Value};
use tixian_core::diagnose::{
    self, Account, AccountClass, Action, Case, Context, PlatformSignal, Status,
};
use tixian_core::kb::Kb;
use tixian_core::ledger::PlatformKind;
use tixian_core::{time, Lang, Money};

fn now() -> time::Timestamp {
    time::parse_time("2026-07-01T09:00:00+08:00", tixian_core::Field::At).unwrap()
}

fn check(text: &str) -> Option<Case> {
    match diagnose::parse_case(text) {
        Ok(case) => {
            let d = diagnose::diagnose(Kb::embedded(), &case, Lang::En, &now());
            serde_json::to_string(&d).unwrap();
            Some(case)
        }
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{text:?}: {e}");
            assert!(
                e.field_name().is_some_and(|f| !f.is_empty()),
                "{text:?}: {e}"
            );
            None
        }
    }
}

fn without_floats(c: &Case) -> Case {
    let mut c = c.clone();
    c.hours_since_request = None;
    c.context.device_age_hours = None;
    c.context.login_distance_km = None;
    c
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= a.abs() * 1e-12,
        (a, b) => a.is_none() && b.is_none(),
    }
}

fn assert_same(a: &Case, b: &Case) {
    assert_eq!(without_floats(a), without_floats(b));
    assert!(close(a.hours_since_request, b.hours_since_request));
    assert!(close(
        a.context.device_age_hours,
        b.context.device_age_hours
    ));
    assert!(close(
        a.context.login_distance_km,
        b.context.login_distance_km
    ));
}

/// Any JSON, with the case's own keys (and a few others) most of the time.
fn json_value() -> impl Strategy<Value = Value> {
    const KEYS: [&str; 24] = [
        "platform",
        "action",
        "from",
        "to",
        "amount",
        "at",
        "status",
        "message",
        "hours_since_request",
        "account",
        "context",
        "balance",
        "id_expires_on",
        "card_class",
        "payment_account_class",
        "withdrawn_today",
        "device_age_hours",
        "attempts_last_10_min",
        "platform_signals",
        "usual_amount",
        "network_ok",
        "real_name_verified",
        "colour",
        "",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        proptest::sample::select(vec![
            "wechat",
            "alipay",
            "withdraw",
            "failed",
            "II",
            "1234.50",
            "-1",
            "2026-03-05",
            "2026-03-05T23:40:00+08:00",
            "+10000-01-01",
            "delayed_payouts",
            "１２３",
        ])
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        proptest::sample::select(KEYS.to_vec()).prop_map(String::from),
                        any::<String>()
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn opt<T: std::fmt::Debug + Clone>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    proptest::option::of(s)
}

fn money() -> impl Strategy<Value = Money> {
    (0i64..=1_000_000_000_000_000).prop_map(Money::from_fen)
}

fn class() -> impl Strategy<Value = AccountClass> {
    proptest::sample::select(vec![AccountClass::I, AccountClass::II, AccountClass::III])
}

fn non_negative() -> impl Strategy<Value = f64> {
    prop_oneof![
        0.0f64..1e12,
        (0u32..100_000).prop_map(|n| f64::from(n) / 4.0)
    ]
}

fn when() -> impl Strategy<Value = time::Timestamp> {
    let lo = NaiveDate::from_ymd_opt(1, 1, 2)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    let hi = NaiveDate::from_ymd_opt(9998, 12, 30)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    // Whole seconds: what `parse_time` keeps.
    (lo..hi, -1439i32..=1439).prop_map(|(s, m)| {
        FixedOffset::east_opt(m * 60)
            .unwrap()
            .timestamp_opt(s, 0)
            .unwrap()
    })
}

fn account() -> impl Strategy<Value = Account> {
    (
        (
            opt(any::<bool>()),
            opt(class()),
            opt((1i32..9999, 1u32..=365).prop_map(|(y, d)| NaiveDate::from_yo_opt(y, d).unwrap())),
            opt(any::<bool>()),
        ),
        (
            opt(any::<String>()),
            opt(class()),
            opt(money()),
            opt(money()),
            opt(money()),
            opt(money()),
        ),
        (
            opt(any::<bool>()),
            opt(any::<bool>()),
            opt(any::<bool>()),
            opt(any::<bool>()),
        ),
    )
        .prop_map(
            |((rn, pac, exp, holder), (bank, cc, today, year, life, bal), (pv, tu, vn, ds))| {
                Account {
                    real_name_verified: rn,
                    payment_account_class: pac,
                    id_expires_on: exp,
                    card_holder_is_self: holder,
                    card_bank: bank,
                    card_class: cc,
                    withdrawn_today: today,
                    withdrawn_this_year: year,
                    withdrawn_lifetime: life,
                    balance: bal,
                    pending_verification: pv,
                    terms_update_pending: tu,
                    violation_notice: vn,
                    deposit_short: ds,
                }
            },
        )
}

fn context() -> impl Strategy<Value = Context> {
    let signal = proptest::sample::select(vec![
        PlatformSignal::DelayedPayouts,
        PlatformSignal::RaisedThreshold,
        PlatformSignal::SupportUnreachable,
        PlatformSignal::ManyComplaints,
        PlatformSignal::FrequentMaintenance,
        PlatformSignal::RulesChanged,
    ]);
    (
        (
            opt(non_negative()),
            opt(non_negative()),
            opt(any::<u32>()),
            opt(money()),
        ),
        (
            opt(any::<bool>()),
            opt(any::<bool>()),
            opt(any::<bool>()),
            opt(any::<bool>()),
        ),
        proptest::collection::vec(signal, 0..4),
    )
        .prop_map(
            |((age, km, tries, usual), (m, bm, net, un), signals)| Context {
                device_age_hours: age,
                login_distance_km: km,
                attempts_last_10_min: tries,
                usual_amount: usual,
                maintenance_notice: m,
                bank_maintenance_notice: bm,
                network_ok: net,
                orders_unsettled: un,
                platform_signals: signals,
            },
        )
}

fn message() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::sample::select(
            tixian_core::kb::Kb::embedded()
                .corpus_texts()
                .take(200)
                .collect::<Vec<_>>()
        ),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        (
            proptest::sample::select(PlatformKind::ALL.to_vec()),
            proptest::sample::select(Action::ALL.to_vec()),
        ),
        (
            opt(any::<String>()),
            opt(any::<String>()),
            opt(money()),
            opt(when()),
        ),
        (
            opt(proptest::sample::select(Status::ALL.to_vec())),
            opt(message()),
            opt(non_negative()),
        ),
        account(),
        context(),
    )
        .prop_map(
            |(
                (platform, action),
                (from, to, amount, at),
                (status, message, hours),
                account,
                context,
            )| Case {
                platform,
                action,
                from,
                to,
                amount,
                at,
                status,
                message,
                hours_since_request: hours,
                account,
                context,
            },
        )
}

/// The paths of the full case's leaves (`account.balance` …), to put other values there.
fn leaf_paths() -> Vec<Vec<String>> {
    let full: Value = serde_json::from_str(fixtures::FULL_CASE).unwrap();
    let mut out = Vec::new();
    for (k, v) in full.as_object().unwrap() {
        match v {
            Value::Object(inner) => {
                for k2 in inner.keys() {
                    out.push(vec![k.clone(), k2.clone()]);
                }
            }
            _ => out.push(vec![k.clone()]),
        }
    }
    out
}

proptest! {
    #![proptest_config(crate::cases(600))]

    #[test]
    fn any_text_is_a_case_or_a_clean_error(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn any_json_is_a_case_or_a_clean_error_and_text_and_value_agree(value in json_value()) {
        let text = value.to_string();
        let from_text = check(&text);
        match (diagnose::case_from_value(value), from_text) {
            (Ok(a), Some(b)) => assert_same(&a, &b),
            (Err(_), None) => {}
            (a, b) => prop_assert!(false, "{}: value {:?}, text {:?}", text, a.map(|_| ()), b.map(|_| ())),
        }
    }

    #[test]
    fn mutated_case_text_is_a_case_or_a_clean_error(steps in proptest::collection::vec((any::<u64>(), any::<usize>(), any::<u8>(), 0usize..64), 1..4)) {
        let mut bytes = fixtures::FULL_CASE.as_bytes().to_vec();
        for (c, at, b, len) in steps {
            bytes = fixtures::mutate(&bytes, c, at, b, len);
        }
        check(&String::from_utf8_lossy(&bytes));
    }

    /// Any value in any field: accepted, or an error naming that field's path.
    #[test]
    fn a_bad_value_in_a_field_is_reported_at_its_path(path in proptest::sample::select(leaf_paths()), value in json_value()) {
        let mut full: Value = serde_json::from_str(fixtures::FULL_CASE).unwrap();
        let slot = path.iter().fold(&mut full, |v, k| &mut v[k.as_str()]);
        *slot = value;
        let text = full.to_string();
        if let Err(e) = diagnose::parse_case(&text) {
            let field = e.field_name().unwrap_or_default().to_string();
            let joined = path.join(".");
            prop_assert!(field.starts_with(&joined) || field == "json", "{} for a bad {}: {}", field, joined, e);
        }
        check(&text);
    }

    #[test]
    fn any_case_written_as_json_reads_back_the_same_and_can_be_diagnosed(case in case()) {
        let text = serde_json::to_string(&case).unwrap();
        let back = check(&text).unwrap_or_else(|| panic!("{text} does not read back"));
        assert_same(&back, &case);
        let value = serde_json::to_value(&case).unwrap();
        assert_same(&diagnose::case_from_value(value).unwrap(), &case);
    }
}

#[test]
fn the_full_case_parses() {
    let case = check(fixtures::FULL_CASE).unwrap();
    assert_eq!(case.amount, Some(Money::from_fen(123_450)));
    for (name, text) in fixtures::case_files() {
        assert!(check(&text).is_some(), "{name}");
    }
    let _ = json!({});
}
