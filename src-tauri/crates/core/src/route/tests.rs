//! The embedded routes: valid, complete for every kind, with the official numbers and the
//! regulator each kind belongs to; and the validator catching what it should.

use super::*;
use crate::rules::RuleFile;
use crate::Lang;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn hotlines(route: &Route) -> Vec<String> {
    route
        .steps
        .iter()
        .flat_map(|s| s.contacts.iter())
        .filter(|c| c.kind == ContactKind::Hotline)
        .map(|c| c.value.clone())
        .collect()
}

fn regulator(route: &Route) -> &Step {
    route
        .steps
        .iter()
        .find(|s| s.stage == Stage::Regulator)
        .unwrap()
}

#[test]
fn the_embedded_route_files_have_no_problems() {
    let problems = check(&crate::rules::embedded());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_kind_has_a_full_ladder_in_order() {
    for kind in PlatformKind::ALL {
        let route = route_for(kind);
        assert_eq!(route.kind, kind);
        let stages: Vec<Stage> = route.steps.iter().map(|s| s.stage).collect();
        assert_eq!(stages, Stage::ALL, "{kind}");
        for step in &route.steps {
            assert!(!step.sources.is_empty(), "{kind}: {}", step.id);
            assert!(!step.prepare.is_empty(), "{kind}: {}", step.id);
            assert_eq!(
                step.wait.is_none(),
                step.stage == Stage::Court,
                "{kind}: {}",
                step.id
            );
        }
    }
}

#[test]
fn each_kind_goes_to_its_own_regulator() {
    let expect: [(PlatformKind, &str, Option<&str>); 10] = [
        (PlatformKind::Wechat, "regulator.pboc", Some("12363")),
        (PlatformKind::Alipay, "regulator.pboc", Some("12363")),
        (PlatformKind::Unionpay, "regulator.pboc", Some("12363")),
        (PlatformKind::Bank, "regulator.nfra", Some("12378")),
        (
            PlatformKind::Ecommerce,
            "regulator.samr_12315",
            Some("12315"),
        ),
        (PlatformKind::Content, "content.regulator", Some("12315")),
        (PlatformKind::Investment, "regulator.csrc", Some("12386")),
        (PlatformKind::Lending, "regulator.local_finance", None),
        (
            PlatformKind::Crossborder,
            "regulator.crossborder",
            Some("12315"),
        ),
        (PlatformKind::Other, "regulator.samr_12315", Some("12315")),
    ];
    for (kind, id, hotline) in expect {
        let route = route_for(kind);
        let reg = regulator(&route);
        assert_eq!(reg.id, id, "{kind}");
        if let Some(h) = hotline {
            assert!(
                reg.contacts.iter().any(|c| c.value == h),
                "{kind} regulator has {h}"
            );
        }
    }
    assert!(hotlines(&route_for(PlatformKind::Wechat)).contains(&"95017".to_string()));
    assert!(hotlines(&route_for(PlatformKind::Alipay)).contains(&"95188".to_string()));
}

#[test]
fn the_12315_deadlines_are_7_working_days_then_60_days_of_mediation() {
    let route = route_for(PlatformKind::Ecommerce);
    let reg = regulator(&route);
    let numbers: Vec<(u32, Unit, CountedFrom)> = reg
        .deadlines
        .iter()
        .map(|d| (d.number, d.unit, d.counted_from))
        .collect();
    // SAMR Order No. 121 (in force 2026-04-15): mediation ends 60 days after acceptance.
    assert_eq!(
        numbers,
        [
            (7, Unit::WorkingDays, CountedFrom::Start),
            (60, Unit::Days, CountedFrom::Previous)
        ]
    );
    // Acceptance: 7 working days, Order No. 121 Art. 15 as read in its text (the unsourced
    // "10 working days" reading is gone). The repealed Order No. 20's 45 working days of
    // mediation stay visible as a conflict, and so do seed 003's "15–30 working days".
    assert!(reg.deadlines[0].what.zh.contains("第121号令第十五条"));
    assert!(
        !reg.deadline_text.zh.contains("未核实"),
        "{}",
        reg.deadline_text.zh
    );
    let theirs: Vec<(&str, Confidence)> = reg
        .conflicts
        .iter()
        .map(|c| (c.theirs.zh.as_str(), c.theirs_source.confidence))
        .collect();
    assert!(theirs
        .iter()
        .any(|(t, c)| t.contains("45个工作日") && t.contains("第20号") && *c == Confidence::High));
    assert!(!theirs.iter().any(|(t, _)| t.contains("10个工作日")));
    assert!(theirs
        .iter()
        .any(|(t, c)| t.contains("15–30") && *c == Confidence::Low));
    // The content kind's own 12315 step counts the same way.
    let content = route_for(PlatformKind::Content);
    let numbers: Vec<(u32, Unit)> = regulator(&content)
        .deadlines
        .iter()
        .map(|d| (d.number, d.unit))
        .collect();
    assert_eq!(numbers, [(7, Unit::WorkingDays), (60, Unit::Days)]);
}

#[test]
fn the_ecommerce_ladder_tells_merchants_that_a_12315_complaint_presumes_a_consumer() {
    let note = route_for(PlatformKind::Ecommerce).note.expect("a note");
    assert!(note.zh.contains("总局令第121号第三条"), "{}", note.zh);
    assert!(note.zh.contains("电子商务法第三十五条、第八十二条"));
    assert!(note.en.contains("Order No. 121 Art. 3"));
}

#[test]
fn nfra_institutions_decide_in_15_days_up_to_30() {
    let route = route_for(PlatformKind::Bank);
    let numbers: Vec<u32> = regulator(&route)
        .deadlines
        .iter()
        .map(|d| d.number)
        .collect();
    assert_eq!(numbers, [15, 30, 60]);
    assert!(regulator(&route)
        .deadlines
        .iter()
        .all(|d| d.unit == Unit::Days));
}

#[test]
fn seed_003_on_creator_payouts_is_shown_as_a_conflict() {
    let route = route_for(PlatformKind::Content);
    let reg = regulator(&route);
    assert!(!reg.body.zh.contains("网信办"));
    let c = reg
        .conflicts
        .iter()
        .find(|c| c.field == "body")
        .expect("a body conflict");
    assert!(c.theirs.zh.contains("网信办") && c.theirs.zh.contains("版权局"));
    assert_eq!(c.theirs_source.confidence, Confidence::Low);
    assert!(c.note.zh.contains("12377"));
    // 12377 is never offered as a channel for payout disputes.
    for kind in PlatformKind::ALL {
        assert!(
            !hotlines(&route_for(kind)).contains(&"12377".to_string()),
            "{kind}"
        );
    }
}

#[test]
fn due_dates_follow_the_working_day_calendar() {
    let cal = Calendar::embedded();
    let route = route_for(PlatformKind::Ecommerce);
    // Filed Fri 2025-09-26: 7 working days → Sep 28 (Sun, make-up), 29, 30, Oct 9, 10, 11 (Sat), 13.
    let due = with_due_dates(&route, &cal, d("2025-09-26"));
    let reg = due.iter().find(|s| s.stage == Stage::Regulator).unwrap();
    assert_eq!(reg.deadlines[0].due.due, d("2025-10-13"));
    // Mediation runs 60 days from acceptance, chained from the first deadline:
    // Mon 13 Oct + 60 days = Fri 12 Dec 2025.
    assert_eq!(reg.deadlines[1].due.from, d("2025-10-13"));
    assert_eq!(reg.deadlines[1].due.due, d("2025-12-12"));
    // A calendar-day deadline ending on a holiday moves (Art. 203): bank, 15 days from 2026-09-16.
    let bank = with_due_dates(&route_for(PlatformKind::Bank), &cal, d("2026-09-16"));
    let complaint = bank
        .iter()
        .find(|s| s.stage == Stage::PlatformComplaint)
        .unwrap();
    assert_eq!(complaint.deadlines[0].due.due, d("2026-10-08"));
    assert!(bank.last().unwrap().escalate_after.is_none());
}

#[test]
fn view_is_in_one_language_with_the_strongest_source() {
    let route = route_for(PlatformKind::Wechat);
    let en = RouteView::new(&route, Lang::En, None);
    assert_eq!(en.kind, PlatformKind::Wechat);
    assert!(en.steps[0].channel.contains("95017"));
    assert!(en.steps[0].body.is_ascii());
    let zh = RouteView::new(&route, Lang::Zh, None);
    assert!(zh.steps[0].body.contains("微信支付"));
    let supervisor = &zh.steps[1];
    assert_eq!(supervisor.source.confidence, Confidence::High);
    let json = serde_json::to_value(&en).unwrap();
    for key in ["stage", "body", "channel", "deadline", "source"] {
        assert!(json["steps"][0].get(key).is_some(), "{key}");
    }
    assert_eq!(json["steps"][0]["stage"], "customer_service");
}

fn file(path: &str, text: &str) -> RuleFile {
    RuleFile {
        path: path.into(),
        text: text.into(),
        from_user: true,
    }
}

#[test]
fn a_missing_kind_an_unsourced_step_and_a_bad_reference_are_problems() {
    let mut files: Vec<RuleFile> = crate::rules::embedded()
        .into_iter()
        .filter(|f| f.path != "routes/lending.toml")
        .collect();
    let problems = check(&files);
    assert!(
        problems
            .iter()
            .any(|p| p.id == "lending" && p.field == "kind"),
        "{problems:#?}"
    );
    assert!(routes(&files).is_err());

    let text = r#"
kind = "lending"
name = { zh = "借贷", en = "Lending" }
steps = ["shared.customer_service", "shared.supervisor", "lending.nowhere", "regulator.local_finance", "mediation.financial", "court.small_claims"]

[[step]]
id = "lending.platform_complaint"
stage = "platform_complaint"
body = { zh = "甲", en = "A" }
channel = { zh = "乙", en = "" }
prepare = [{ zh = "丙", en = "C" }]
deadline_text = { zh = "丁", en = "D" }
wait = { number = 0, unit = "days", text = { zh = "戊", en = "E" } }
"#;
    files.push(file("routes/lending.toml", text));
    let problems = check(&files);
    let has = |id: &str, field: &str| problems.iter().any(|p| p.id == id && p.field == field);
    assert!(has("lending", "steps[2]"), "{problems:#?}");
    assert!(
        has("lending.platform_complaint", "sources"),
        "{problems:#?}"
    );
    assert!(
        has("lending.platform_complaint", "channel"),
        "{problems:#?}"
    );
    assert!(
        has("lending.platform_complaint", "wait.number"),
        "{problems:#?}"
    );
    assert!(problems.iter().all(|p| !p.file.is_empty()));
}

#[test]
fn a_seed_article_cited_above_low_confidence_fails_the_check() {
    let mut files = crate::rules::embedded();
    let f = files
        .iter_mut()
        .find(|f| f.path == "routes/regulators.toml")
        .unwrap();
    f.text = f.text.replacen(
        r#"theirs_source = { title = "种子文章003", document = "seeds/003", confidence = "low""#,
        r#"theirs_source = { title = "种子文章003", document = "seeds/003", confidence = "medium""#,
        1,
    );
    let problems: Vec<_> = check(&files)
        .into_iter()
        .map(|p| (p.id, p.field, p.message))
        .collect();
    assert_eq!(
        problems,
        vec![(
            "regulator.pboc".to_string(),
            "conflicts[0].theirs_source.confidence".to_string(),
            crate::rules::problem::SEED_SOURCE_NOT_LOW.to_string()
        )]
    );
}

#[test]
fn duplicate_ids_and_stage_order_are_problems() {
    let mut files = crate::rules::embedded();
    let other = files
        .iter()
        .position(|f| f.path == "routes/other.toml")
        .unwrap();
    files[other].text = files[other].text.replace(
        r#"["shared.customer_service", "shared.supervisor""#,
        r#"["shared.supervisor", "shared.customer_service""#,
    );
    let dup = files
        .iter()
        .find(|f| f.path == "routes/shared.toml")
        .unwrap()
        .clone();
    files.push(file("routes/copy.toml", &dup.text));
    let problems = check(&files);
    assert!(
        problems
            .iter()
            .any(|p| p.id == "other" && p.field == "steps" && p.message.contains("comes after")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.file == "routes/copy.toml"
            && p.field == "id"
            && p.message.contains("duplicate")),
        "{problems:#?}"
    );
}

#[test]
fn an_unknown_field_names_the_file_line_and_field() {
    let files = vec![file(
        "routes/x.toml",
        "[[step]]\nid = \"x\"\nstagee = \"court\"\n",
    )];
    let problems = check(&files);
    let p = problems
        .iter()
        .find(|p| p.file.starts_with("routes/x.toml:"))
        .expect("parse problem");
    assert_eq!(p.field, "stagee");
}

/// A route file's own words cite what they rest on, like every step: `other.toml` (which had
/// none) cites Order No. 121 and the consumer law; a note without sources is a problem.
#[test]
fn a_route_note_needs_sources() {
    let mut files = crate::rules::embedded();
    assert!(check(&files).is_empty(), "{:#?}", check(&files));
    let other = files
        .iter()
        .position(|f| f.path == "routes/other.toml")
        .unwrap();
    assert!(files[other].text.contains("总局令第121号"));
    let start = files[other].text.find("sources = [").unwrap();
    let end = start + files[other].text[start..].find("\n]\n").unwrap() + 3;
    files[other].text.replace_range(start..end, "");
    let problems = check(&files);
    assert!(
        problems
            .iter()
            .any(|p| p.file == "routes/other.toml" && p.id == "other" && p.field == "sources"),
        "{problems:#?}"
    );
}

/// The ladders know the causes added for the mission's platforms: each kind's note says what
/// to do about them before (or instead of) climbing the ladder.
#[test]
fn the_ladders_know_the_new_causes() {
    let note = |kind| route_for(kind).note.expect("a note").zh;
    for kind in [PlatformKind::Wechat, PlatformKind::Alipay] {
        assert!(note(kind).contains("付款方"), "{kind}: platform.payer_side");
    }
    let ecommerce = note(PlatformKind::Ecommerce);
    assert!(ecommerce.contains("保证金") && ecommerce.contains("结算周期"));
    let content = note(PlatformKind::Content);
    assert!(content.contains("审核") && content.contains("违规"));
    let investment = note(PlatformKind::Investment);
    assert!(investment.contains("非交易时间") && investment.contains("交收期"));
}
