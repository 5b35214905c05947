//! `tixian deadline` and `tixian route` from the outside: the contract's JSON keys, the
//! holiday rules, and bad input → exit 2 naming the flag without touching the database.

mod common;

use common::Sandbox;
use predicates::str::contains;

#[test]
fn deadline_in_working_days_skips_spring_festival_2026() {
    let sb = Sandbox::new();
    let v = sb.json(&["deadline", "--from", "2026-02-12", "--working-days", "3"]);
    assert_eq!(v["from"], "2026-02-12");
    assert_eq!(v["due"], "2026-02-24");
    assert_eq!(v["working_days"], 3);
    assert_eq!(v["calendar"], "official");
    assert!(v.get("days").is_none());
    assert_eq!(v["holidays"][0]["name"]["zh"], "春节");
}

#[test]
fn deadline_in_days_follows_civil_code_art_203() {
    let sb = Sandbox::new();
    let v = sb.json(&["deadline", "--from", "2026-09-30", "--days", "1"]);
    assert_eq!(v["due"], "2026-10-08");
    assert_eq!(v["days"], 1);
    assert!(v.get("working_days").is_none());
    assert_eq!(v["calendar"], "official");
    sb.cmd(&[
        "--lang",
        "en",
        "deadline",
        "--from",
        "2026-09-30",
        "--days",
        "1",
    ])
    .assert()
    .success()
    .stdout(contains("2026-10-08"))
    .stdout(contains("Art. 203"));
}

#[test]
fn deadline_national_day_2025_counts_make_up_saturday() {
    let sb = Sandbox::new();
    let v = sb.json(&["deadline", "--from", "2025-09-26", "--working-days", "6"]);
    assert_eq!(v["due"], "2025-10-11");
}

#[test]
fn deadline_into_2027_is_estimated_and_the_text_warns() {
    let sb = Sandbox::new();
    let v = sb.json(&["deadline", "--from", "2026-12-28", "--working-days", "5"]);
    assert_eq!(v["calendar"], "estimated");
    assert_eq!(v["due"], "2027-01-04");
    sb.cmd(&[
        "--lang",
        "en",
        "deadline",
        "--from",
        "2026-12-28",
        "--working-days",
        "5",
    ])
    .assert()
    .success()
    .stdout(contains("Warning"))
    .stdout(contains("2027"));
    sb.cmd(&[
        "--lang",
        "zh",
        "deadline",
        "--from",
        "2026-12-28",
        "--working-days",
        "5",
    ])
    .assert()
    .success()
    .stdout(contains("2027 年的放假安排尚未公布"));
    let official = sb.json(&["deadline", "--from", "2026-12-01", "--working-days", "5"]);
    assert_eq!(official["calendar"], "official");
}

#[test]
fn deadline_bad_input_exits_2_naming_the_flag() {
    let sb = Sandbox::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["deadline", "--from", "2026-02-30", "--days", "3"],
            "--from",
        ),
        (&["deadline", "--from", "tomorrow", "--days", "3"], "--from"),
        (&["deadline", "--days", "3"], "--from"),
        (
            &["deadline", "--from", "2026-03-02", "--days", "-3"],
            "--days",
        ),
        (
            &["deadline", "--from", "2026-03-02", "--working-days", "-1"],
            "--working-days",
        ),
        (
            &[
                "deadline",
                "--from",
                "2026-03-02",
                "--working-days",
                "three",
            ],
            "--working-days",
        ),
        (
            &[
                "deadline",
                "--from",
                "2026-03-02",
                "--working-days",
                "99999999",
            ],
            "--working-days",
        ),
        (&["deadline", "--from", "2026-03-02"], "--working-days"),
        (
            &[
                "deadline",
                "--from",
                "2026-03-02",
                "--days",
                "3",
                "--working-days",
                "3",
            ],
            "--working-days",
        ),
    ];
    for (args, flag) in cases {
        sb.cmd(args).assert().code(2).stderr(contains(*flag));
    }
    assert!(!sb.db().exists(), "deadline never needs the database");
}

#[test]
fn route_json_has_the_contract_keys_for_every_kind() {
    let sb = Sandbox::new();
    for kind in [
        "wechat",
        "alipay",
        "unionpay",
        "bank",
        "ecommerce",
        "content",
        "investment",
        "lending",
        "crossborder",
        "other",
    ] {
        let v = sb.json(&["--lang", "en", "route", kind]);
        assert_eq!(v["kind"], kind);
        let steps = v["steps"].as_array().unwrap();
        assert_eq!(steps.len(), 6, "{kind}");
        assert_eq!(steps[0]["stage"], "customer_service");
        assert_eq!(steps[5]["stage"], "court");
        for s in steps {
            for key in ["stage", "body", "channel", "deadline"] {
                assert!(
                    s[key].as_str().is_some_and(|x| !x.is_empty()),
                    "{kind} {key}"
                );
            }
            assert!(s["source"]["title"].as_str().is_some(), "{kind}");
            assert!(s["source"]["confidence"].as_str().is_some(), "{kind}");
        }
    }
}

#[test]
fn route_strings_follow_lang_and_carry_the_official_numbers() {
    let sb = Sandbox::new();
    let zh = sb.json(&["--lang", "zh", "route", "wechat"]);
    assert!(zh["steps"][0]["channel"]
        .as_str()
        .unwrap()
        .contains("95017"));
    assert!(zh["steps"][3]["body"]
        .as_str()
        .unwrap()
        .contains("中国人民银行"));
    let en = sb.json(&["--lang", "en", "route", "bank"]);
    assert!(en["steps"][3]["channel"]
        .as_str()
        .unwrap()
        .contains("12378"));
    assert!(en["steps"][3]["deadline"]
        .as_str()
        .unwrap()
        .contains("15 days"));
    let inv = sb.json(&["route", "investment"]);
    assert!(inv["steps"][3]["channel"]
        .as_str()
        .unwrap()
        .contains("12386"));
    let shop = sb.json(&["route", "ecommerce"]);
    assert_eq!(shop["steps"][3]["deadlines"][0]["number"], 7);
    assert_eq!(shop["steps"][3]["deadlines"][1]["number"], 60);
    assert_eq!(shop["steps"][3]["deadlines"][1]["unit"], "days");
    let content = sb.json(&["--lang", "en", "route", "content"]);
    let conflicts = content["steps"][3]["conflicts"].as_array().unwrap();
    assert!(conflicts
        .iter()
        .any(|c| c["theirs"].as_str().unwrap().contains("Cyberspace")));
    sb.cmd(&["--lang", "zh", "route", "content"])
        .assert()
        .success()
        .stdout(contains("说法不一"));
}

#[test]
fn route_from_a_date_counts_each_steps_deadline() {
    let sb = Sandbox::new();
    let v = sb.json(&["route", "ecommerce", "--from", "2025-09-26"]);
    assert_eq!(v["from"], "2025-09-26");
    let reg = &v["steps"][3]["due"];
    assert_eq!(reg["deadlines"][0]["due"]["due"], "2025-10-13");
    assert_eq!(reg["deadlines"][0]["due"]["calendar"], "official");
}

#[test]
fn route_bad_input_exits_2_naming_the_argument() {
    let sb = Sandbox::new();
    sb.cmd(&["route", "casino"])
        .assert()
        .code(2)
        .stderr(contains("KIND"));
    sb.cmd(&["route", "wechat", "--from", "2026-13-01"])
        .assert()
        .code(2)
        .stderr(contains("--from"));
    sb.cmd(&["route"]).assert().code(2).stderr(contains("KIND"));
    assert!(!sb.db().exists());
}

/// A schedule the user adds to their rule folder beside the database (e.g. next year's, once
/// published; HOME and XDG_DATA_HOME point elsewhere, so only `--db` decides) counts for
/// `deadline` and `route --from`; a broken one is refused naming the file, not silently ignored.
#[test]
fn deadline_uses_a_calendar_year_from_the_user_rule_folder() {
    let sb = Sandbox::new();
    let folder = sb.path("rules/calendar");
    std::fs::create_dir_all(&folder).unwrap();
    let year_2027 = one_holiday_calendar(
        2027,
        "2027.new-year",
        ("2027-01-01", "2027-01-03"),
        ("2026-12-31", "2027-01-04"),
    );
    std::fs::write(folder.join("2027.toml"), &year_2027).unwrap();
    let run = |args: &[&str]| {
        sb.cmd(&[&["--json"], args].concat())
            .env("HOME", sb.path("home"))
            .env("XDG_DATA_HOME", sb.path("data"))
            .output()
            .unwrap()
    };
    let out = run(&["deadline", "--from", "2026-12-28", "--working-days", "5"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["calendar"], "official");
    assert_eq!(
        v["due"], "2027-01-05",
        "New Year's Day 2027 is off in the user's file"
    );

    std::fs::write(
        folder.join("2027.toml"),
        year_2027.replace("2027-01-03", "2027-13-03"),
    )
    .unwrap();
    let broken = run(&["deadline", "--from", "2026-12-28", "--working-days", "5"]);
    assert_eq!(broken.status.code(), Some(2));
    let err = String::from_utf8_lossy(&broken.stderr);
    assert!(err.contains("2027.toml"), "names the file: {err}");
    let route = run(&["route", "wechat", "--from", "2026-12-28"]);
    assert_eq!(route.status.code(), Some(2));
}

/// A case follow-up's working-day deadline and working days left, and a letter's deadline,
/// follow the user's calendar too
/// (here a user file that replaces 2026 and makes Friday 2026-11-20 a day off).
#[test]
fn follow_up_deadlines_use_the_user_calendar() {
    let sb = Sandbox::new();
    let run = |args: &[&str]| {
        let out = sb
            .cmd(&[&["--json"], args].concat())
            .env("HOME", sb.path("home"))
            .env("XDG_DATA_HOME", sb.path("data"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    run(&[
        "case",
        "new",
        "--platform",
        "微信支付",
        "--amount",
        "100",
        "--occurred",
        "2026-11-10 10:00",
        "--summary",
        "提现未到账",
    ]);
    let follow_up = |body: &str| {
        run(&[
            "case",
            "follow-up",
            "1",
            "--body",
            body,
            "--filed",
            "2026-11-19 10:00",
            "--working-days",
            "1",
        ])
    };
    assert_eq!(follow_up("12315")["due_on"], "2026-11-20");
    let letter = || run(&["case", "letter", "1", "--at", "2026-11-19 10:00"]);
    assert_eq!(letter()["deadline"], "2026-11-24", "3 working days");
    let left = || {
        run(&["case", "show", "1", "--at", "2026-11-19 12:00"])["follow_ups"][0]
            ["working_days_left"]
            .clone()
    };
    assert_eq!(left(), 1);

    let folder = sb.path("rules/calendar");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("2026.toml"),
        one_holiday_calendar(
            2026,
            "2026.test-day",
            ("2026-11-20", "2026-11-20"),
            ("2026-11-19", "2026-11-23"),
        ),
    )
    .unwrap();
    assert_eq!(follow_up("金融监管 12363")["due_on"], "2026-11-23");
    assert_eq!(letter()["deadline"], "2026-11-25");
    // Due days are derived, never stored: the first follow-up moves to the 23rd as well.
    let first = run(&["case", "show", "1", "--at", "2026-11-19 12:00"])["follow_ups"][0].clone();
    assert_eq!(first["body"], "12315");
    assert_eq!(first["due_on"], "2026-11-23");
    assert_eq!(left(), 1);
}

/// A user calendar file for `year` with one holiday `off` (first and last day off) and one
/// checked case: one working day after `case.0` is `case.1`.
fn one_holiday_calendar(year: i32, id: &str, off: (&str, &str), case: (&str, &str)) -> String {
    format!(
        r#"
year = {year}

[source]
title = "测试用：{year} 年的假日安排"
document = "测试用"
date = "2026-11-01"
url = "https://example.invalid/{year}"
confidence = "high"
checked = "2026-11-23"

[[holiday]]
id = "{id}"
name = {{ zh = "测试假日", en = "Test holiday" }}
off_from = "{}"
off_to = "{}"
makeup_workdays = []

[[case]]
from = "{}"
working_days = 1
due = "{}"
"#,
        off.0, off.1, case.0, case.1
    )
}
