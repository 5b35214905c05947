//! Properties of the other texts a user pastes: a customer-service chat or email (the promise
//! finder), a platform's payout rules (figures, diff, rises) and a screenshot's text (the
//! message picked out of it). Any text gives a result, never a panic; every promise found can
//! be stored (or is refused as bad input); figures written out are read back.

use proptest::prelude::*;
use rust_decimal::Decimal;
use tixian_core::calendar::Calendar;
use tixian_core::cases::promises;
use tixian_core::health::rule_text;
use tixian_core::kb::Kb;
use tixian_core::time;

fn received() -> time::Timestamp {
    time::parse_time("2026-03-10 20:00", tixian_core::Field::Received).unwrap()
}

fn check_chat(text: &str, received: &time::Timestamp) {
    for p in promises::find_promises(text, received, &Calendar::embedded()) {
        assert!(
            p.said.contains(p.promise.trim()) || !p.said.is_empty(),
            "{p:?}"
        );
        if let Err(e) = p.to_contact() {
            assert_eq!(e.exit_code(), 2, "{text:?}: {e}");
        }
    }
}

/// Chat lines as the finder meets them: timestamps, speaker labels, promises and limits.
fn chat_line() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "(\\[?[0-9]{1,4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日? [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?\\]? ?|[0-9]{1,2}:[0-9]{2} )?(客服小王|我|在线客服（工号 [0-9]{2,8}）|Agent Tom|主题|From)?[：:]?(我们会在|预计|请您在|将于|within )?([0-9]{1,3}|[一二三十百两]{1,3})?(个工作日|小时|分钟|天|日|周|hours|days)?(内|之内|前|以前)?(处理|到账|回复|本周内|下周一|月底|今天下午3点前|明天)?[，。,.!]?",
    )
    .unwrap()
}

proptest! {
    #![proptest_config(crate::cases(300))]

    #[test]
    fn any_pasted_chat_gives_promises_that_can_be_stored(text in any::<String>()) {
        check_chat(&text, &received());
    }

    #[test]
    fn chat_like_text_gives_promises_that_can_be_stored(lines in proptest::collection::vec(chat_line(), 1..8), days in -3_650_000i64..3_650_000) {
        let text = lines.join("\n");
        check_chat(&text, &received());
        // Received at any time a user could have given, up to the ends of the range.
        let at = received() + chrono::Duration::days(days % 2_900_000);
        if time::YEARS.contains(&chrono::Datelike::year(&at)) {
            check_chat(&text, &at);
        }
    }

    #[test]
    fn any_rule_text_gives_figures_a_diff_and_rises(old in any::<String>(), new in any::<String>()) {
        let _ = rule_text::figures(&old);
        let d = rule_text::diff_lines(&old, &new);
        prop_assert!(d.iter().all(|l| matches!(l.tag.as_str(), "equal" | "delete" | "insert")));
        let _ = rule_text::rises(&old, &new);
        prop_assert!(rule_text::rises(&old, &old).is_empty());
        prop_assert!(rule_text::diff_lines(&old, &old).iter().all(|l| l.tag == "equal"));
    }

    #[test]
    fn figures_written_out_are_read_back(n in any::<u64>(), scale in 0u32..=6, unit in proptest::sample::select(vec!["元", "万元", "%", "％", "笔", "天", "小时"])) {
        let value = Decimal::new(n as i64 & i64::MAX, scale);
        let text = format!("单笔提现门槛 {value}{unit}，其他说明");
        let got = rule_text::figures(&text);
        let want = match unit {
            "万元" => value.checked_mul(Decimal::from(10_000)).map(|v| ("元", v)),
            "％" => Some(("%", value)),
            u => Some((u, value)),
        };
        prop_assert_eq!(got, want.into_iter().map(|(u, v)| (u.to_string(), v)).collect::<Vec<_>>());
    }

    #[test]
    fn any_screenshot_text_gives_a_message(text in any::<String>()) {
        let _ = tixian_core::diagnose::message_from_text(Kb::embedded(), &text);
    }
}
