//! Letters and preparation aids in both languages, from a case with a broken promise and
//! evidence in both tiers.

use super::*;
use crate::cases::evidence::{self, EvidenceInput};
use crate::cases::prep::prep;
use crate::cases::test_support::{store_with_case, t};
use crate::cases::{add_contact, ContactChannel, NewContact};
use crate::store::Store;

/// The test case plus a contact whose promise is overdue by 2026-03-20, and two evidence files.
fn case_with_history() -> (Store, i64, tempfile::TempDir) {
    let (mut store, id) = store_with_case();
    let dir = tempfile::tempdir().unwrap();
    let contact = NewContact {
        at: t("2026-03-10 15:30"),
        channel: ContactChannel::Phone,
        agent: "工号 8231".into(),
        said: "已提交加急".into(),
        promise: "3个工作日内处理".into(),
        due: Some(t("2026-03-13 23:59:59")),
        limit: None,
        outcome: "未处理".into(),
    };
    store
        .transaction(|tx| {
            add_contact(
                tx,
                id,
                &contact,
                &crate::calendar::Calendar::embedded(),
                &t("2026-03-10 16:00"),
            )
        })
        .unwrap();
    for (name, caption, tier) in [
        ("a.png", "提现失败截图", Tier::Core),
        ("b.txt", "完整聊天记录", Tier::Reserve),
    ] {
        let path = dir.path().join(name);
        let bytes = if name.ends_with("png") {
            evidence::tests::png(8, 8)
        } else {
            "客服：3个工作日内处理".as_bytes().to_vec()
        };
        std::fs::write(&path, bytes).unwrap();
        let input = EvidenceInput {
            path,
            caption: caption.into(),
            tier,
            taken_at: Some(t("2026-03-10 14:05")),
        };
        store
            .transaction(|tx| {
                evidence::add_evidence(
                    tx,
                    &dir.path().join("vault"),
                    id,
                    &input,
                    &t("2026-03-11 09:00"),
                )
            })
            .unwrap();
    }
    (store, id, dir)
}

fn letter(store: &Store, id: i64, to: Recipient, lang: Lang) -> Letter {
    letter_for_case(
        store.conn(),
        id,
        to,
        lang,
        &t("2026-03-20 10:00"),
        &rules::embedded(),
    )
    .unwrap()
}

#[test]
fn platform_letter_in_chinese_has_a_precise_title_a_dated_demand_and_clear_file_names() {
    let (store, id, _dir) = case_with_history();
    let l = letter(&store, id, Recipient::Platform, Lang::Zh);
    assert_eq!(
        l.title,
        "关于微信支付账户（尾号 1234）于2026年3月10日提现¥5,000.00失败（提示“系统繁忙”）的投诉"
    );
    let demand = &l.sections[2].text;
    // Friday 2026-03-20 + 3 working days = Wednesday 2026-03-25.
    assert_eq!(l.deadline, "2026-03-25");
    assert!(
        demand.contains("3个工作日内（即2026年3月25日前）"),
        "{demand}"
    );
    assert!(demand.contains("¥5,000.00"));
    let problem = &l.sections[1].text;
    assert!(
        problem.contains("工号 8231") && problem.contains("已逾期"),
        "{problem}"
    );
    assert_eq!(l.attachments.len(), 1, "only core evidence is attached");
    assert_eq!(l.attachments[0].file_name, "01_提现失败截图_2026-03-10.png");
    assert!(l.text.contains("另有1份补充材料"));
    assert!(!l.text.contains('{'), "unfilled placeholder in {}", l.text);
}

#[test]
fn platform_letter_in_english() {
    let (store, id, _dir) = case_with_history();
    let l = letter(&store, id, Recipient::Platform, Lang::En);
    assert!(
        l.title.contains("¥5,000.00") && l.title.contains("2026-03-10"),
        "{}",
        l.title
    );
    assert!(l.title.contains("系统繁忙"));
    assert!(
        l.sections[2]
            .text
            .contains("within 3 working days, that is by 2026-03-25"),
        "{}",
        l.sections[2].text
    );
    assert!(l.sections[1].text.contains("overdue"));
    assert!(!l.text.contains('{'));
}

#[test]
fn regulator_letter_carries_the_one_page_summary_and_the_obstacle() {
    let (store, id, _dir) = case_with_history();
    let zh = letter(&store, id, Recipient::Regulator, Lang::Zh);
    assert_eq!(
        zh.addressee.as_deref(),
        Some("有关监管部门"),
        "the platform is not in the ledger"
    );
    let summary = &zh.sections[1].text;
    for needed in [
        "平台：微信支付",
        "金额：¥5,000.00",
        "共1次",
        "目前障碍：",
        "3个工作日内处理",
    ] {
        assert!(summary.contains(needed), "missing {needed} in {summary}");
    }
    assert!(zh.title.contains("¥5,000.00") && zh.title.contains("2026年3月10日"));
    assert!(zh.sections[2].text.contains("5个工作日内"));
    let en = letter(&store, id, Recipient::Regulator, Lang::En);
    assert!(en.sections[1].text.contains("The obstacle now:"));
    assert!(en.sections[2].text.contains("within 5 working days"));
}

#[test]
fn regulator_is_chosen_by_the_ledger_platform_kind() {
    let (mut store, _, _dir) = case_with_history();
    let now = t("2026-03-20 10:00");
    let new_case = store
        .transaction(|tx| {
            crate::ledger::add_platform(
                tx,
                &crate::ledger::NewPlatform {
                    name: "某银行".into(),
                    kind: PlatformKind::Bank,
                    note: String::new(),
                },
                &now,
            )?;
            let new = super::super::NewCase::from_diagnosis(
                "某银行",
                crate::Money::from_fen(10_000),
                t("2026-03-18 10:00"),
                "",
                &[],
                &[],
            );
            super::super::create_case(tx, &new, &now)
        })
        .unwrap();
    let l = letter(&store, new_case.id, Recipient::Regulator, Lang::Zh);
    assert!(l.addressee.unwrap().contains("12378"));
}

#[test]
fn three_sentence_statement_says_when_what_and_result() {
    let (store, id, _dir) = case_with_history();
    let now = t("2026-03-20 10:00");
    let d = detail(store.conn(), id, &now, &Calendar::embedded()).unwrap();
    let zh = prep(&d, Lang::Zh, &now, &rules::embedded()).unwrap();
    assert_eq!(zh.statement, "2026年3月10日 14:00，我在微信支付申请提现¥5,000.00。系统提示“系统繁忙”。至今资金仍未到账，我已联系客服1次，对方承诺的期限已过。");
    assert!(zh.checklist.len() >= 5);
    assert!(zh.supervisor.iter().any(|p| p.text.contains("主管")));
    let en = prep(&d, Lang::En, &now, &rules::embedded()).unwrap();
    assert!(
        en.statement.starts_with(
            "On 2026-03-10 at 14:00 I requested a withdrawal of ¥5,000.00 on 微信支付."
        ),
        "{}",
        en.statement
    );
    assert!(en.polite_firm.iter().all(|p| !p.text.is_empty()));
}

/// A letter written on 2026-12-30 asks for an answer in January 2027, a year without a schedule
/// here: the date says it is estimated, in the letter and in the bundle's summary; once the
/// year is known (a user file), it is not.
#[test]
fn a_deadline_in_a_year_without_a_schedule_says_estimated_in_the_letter_and_the_bundle() {
    let (store, id) = store_with_case();
    let at = t("2026-12-30 10:00");
    let files = rules::embedded();
    for (lang, mark) in [
        (Lang::Zh, "（估算：2027 年放假安排尚未公布）"),
        (Lang::En, " (estimated: no holiday schedule for 2027 yet)"),
    ] {
        let l = letter_for_case(store.conn(), id, Recipient::Platform, lang, &at, &files).unwrap();
        assert_eq!(l.deadline_calendar, CalendarKind::Estimated);
        assert!(l.text.contains(mark), "{}", l.text);
        let dir = tempfile::tempdir().unwrap();
        let input = crate::cases::bundle::bundle_input(
            store.conn(),
            id,
            lang,
            false,
            dir.path(),
            &at,
            &files,
        )
        .unwrap();
        assert!(
            input.summary.demand.contains(mark),
            "{}",
            input.summary.demand
        );
    }
    let mut with_2027 = files.clone();
    with_2027.push(rules::RuleFile {
        path: "calendar/2027.toml".into(),
        text: crate::calendar::import::to_toml(
            &crate::calendar::parse_notice(
                include_str!("../../../../../tests/fixtures/calendar/test-2027.txt"),
                None,
            )
            .unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        ),
        from_user: true,
    });
    let l = letter_for_case(
        store.conn(),
        id,
        Recipient::Platform,
        Lang::Zh,
        &at,
        &with_2027,
    )
    .unwrap();
    assert_eq!(l.deadline_calendar, CalendarKind::Official);
    assert!(!l.text.contains("估算"), "{}", l.text);
}

/// The seven causes added for the mission's platforms each have what a letter asks for about
/// them; a case opened from a diagnosis of one adds that paragraph to the demand, in both
/// languages and to both recipients, with its sources; a case without a diagnosis does not.
#[test]
fn a_letter_asks_for_what_the_cause_of_the_case_needs() {
    let files = crate::rules::embedded();
    let b = book(&files).unwrap();
    for cause in [
        "platform.payer_side",
        "ecommerce.deposit_insufficient",
        "ecommerce.settlement_hold",
        "content.income_review",
        "content.violation",
        "investment.trading_hours",
        "investment.settlement_period",
    ] {
        assert!(b.cause.iter().any(|c| c.cause == cause), "{cause}");
    }
    let mut store = Store::open_in_memory().unwrap();
    let now = t("2026-03-20 10:00");
    let mut new = crate::cases::NewCase::from_diagnosis(
        "某视频平台",
        crate::money::Money::parse_amount("1200").unwrap(),
        t("2026-03-10 14:00"),
        "因违规行为，收益已扣除",
        &["因违规被扣除收益或限制提现".to_string()],
        &[],
    );
    new.diagnosis.as_mut().unwrap().cause_ids = vec!["content.violation".into()];
    let id = store
        .transaction(|tx| crate::cases::create_case(tx, &new, &now))
        .unwrap()
        .id;
    for (to, lang, words) in [
        (Recipient::Platform, Lang::Zh, "认定违规的事实"),
        (Recipient::Regulator, Lang::Zh, "认定违规的事实"),
        (Recipient::Platform, Lang::En, "the facts found"),
    ] {
        let l = letter_for_case(store.conn(), id, to, lang, &now, &files).unwrap();
        let demand = &l.sections[2].text;
        assert!(demand.contains(words), "{demand}");
        assert!(l.text.contains(words));
        assert!(
            l.sources.iter().any(|s| s.title.contains("违规行为")),
            "{:?}",
            l.sources
        );
    }
    let (store, plain, _dir) = case_with_history();
    let l = letter_for_case(
        store.conn(),
        plain,
        Recipient::Platform,
        Lang::Zh,
        &now,
        &files,
    )
    .unwrap();
    assert!(!l.sections[2].text.contains("认定违规"));
}

/// A paragraph for a cause the taxonomy does not have is a problem naming it.
#[test]
fn a_letter_paragraph_for_an_unknown_cause_is_a_problem() {
    let mut files = crate::rules::embedded();
    let i = files
        .iter()
        .position(|f| f.path == "letters/causes.toml")
        .unwrap();
    files[i].text = files[i].text.replace(
        "cause = \"content.violation\"",
        "cause = \"content.banned\"",
    );
    let problems = crate::cases::rules_check::check(&files);
    assert!(
        problems
            .iter()
            .any(|p| p.id == "content.banned" && p.field == "cause"),
        "{problems:#?}"
    );
}
