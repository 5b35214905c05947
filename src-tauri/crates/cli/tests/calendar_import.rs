//! `tixian calendar import` from the outside: the contract's JSON keys, the file saved in the
//! rule folder beside `--db` (HOME and XDG_DATA_HOME point elsewhere, so nothing else decides),
//! deadlines that count it at once, and unreadable notices → exit 2 naming the line, nothing
//! written.

mod common;

use common::Sandbox;
use predicates::str::contains;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/calendar")
        .join(name)
}

/// `tixian --db <temp>/tixian.db ARGS` with HOME and XDG_DATA_HOME inside the sandbox.
fn cmd(sb: &Sandbox, args: &[&str]) -> assert_cmd::Command {
    let mut c = sb.cmd(args);
    c.env("HOME", sb.path("home"))
        .env("XDG_DATA_HOME", sb.path("xdg"));
    c
}

fn json(sb: &Sandbox, args: &[&str]) -> serde_json::Value {
    let out = cmd(sb, &[&["--json"], args].concat()).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn import_saves_the_year_beside_the_database_and_deadlines_count_it() {
    let sb = Sandbox::new();
    let notice = fixture("test-2027.txt");
    let before = json(
        &sb,
        &["deadline", "--from", "2026-12-28", "--working-days", "5"],
    );
    assert_eq!(before["calendar"], "estimated");
    assert_eq!(before["due"], "2027-01-04");

    let v = json(&sb, &["calendar", "import", notice.to_str().unwrap()]);
    assert_eq!(v["year"], 2027);
    let days_off = v["days_off"].as_array().unwrap();
    assert_eq!(days_off.len(), 28);
    assert_eq!(days_off[0], "2027-01-01");
    assert_eq!(
        v["make_up_working_days"],
        serde_json::json!([
            "2027-02-20",
            "2027-04-25",
            "2027-05-08",
            "2027-09-26",
            "2027-10-09"
        ])
    );
    let saved = PathBuf::from(v["saved"].as_str().unwrap());
    assert_eq!(saved, sb.path("rules/calendar/2027.toml"));
    assert!(saved.is_file());
    assert_eq!(v["replaced"], false);
    assert!(!sb.path("xdg").exists() && !sb.path("home").exists());
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(text.starts_with("# 2027 working-day calendar"), "{text}");

    // The saved year counts at once, and kb check (which lays the same folder over) accepts it.
    let after = json(
        &sb,
        &["deadline", "--from", "2026-12-28", "--working-days", "5"],
    );
    assert_eq!(after["calendar"], "official");
    assert_eq!(after["due"], "2027-01-05");
    cmd(
        &sb,
        &["kb", "check", "--rules", sb.path("rules").to_str().unwrap()],
    )
    .assert()
    .success();

    // Again: replaced, said in the text output too.
    cmd(
        &sb,
        &[
            "--lang",
            "en",
            "calendar",
            "import",
            notice.to_str().unwrap(),
        ],
    )
    .assert()
    .success()
    .stdout(contains("Replaced"))
    .stdout(contains(
        "Spring Festival: 2027-02-05 to 2027-02-12; make-up working days 2027-02-20",
    ));
}

#[test]
fn import_lists_the_open_cases_deadlines_the_new_year_moved() {
    let sb = Sandbox::new();
    let at = |args: &[&str]| {
        let mut c = cmd(&sb, args);
        c.env("TIXIAN_NOW", "2026-12-18T12:00:00+08:00");
        c
    };
    let at_json = |args: &[&str]| -> serde_json::Value {
        let out = at(&[&["--json"], args].concat()).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    at_json(&[
        "case",
        "new",
        "--platform",
        "某某商城",
        "--amount",
        "860",
        "--occurred",
        "2026-12-18 10:00",
        "--summary",
        "退款未到账",
    ]);
    at_json(&["case", "stage", "1", "platform_complaint"]);
    // Ten working days from Friday 18 December: Friday 1 January 2027 while 2027 has no schedule.
    let follow = [
        "case",
        "follow-up",
        "1",
        "--body",
        "12315",
        "--filed",
        "2026-12-18 10:00",
        "--working-days",
        "10",
    ];
    let f = at_json(&follow);
    assert_eq!(f["due_on"], "2027-01-01");
    assert_eq!(f["calendar"], "estimated");
    // The text says so beside the date, in the follow-up's confirmation and the case's list.
    at(&[
        "--lang",
        "zh",
        "case",
        "follow-up",
        "1",
        "--body",
        "12378",
        "--filed",
        "2026-12-18 10:00",
        "--working-days",
        "10",
    ])
    .assert()
    .success()
    .stdout(contains("2027-01-01（估算：该年放假安排未公布）"));
    at(&["--lang", "en", "case", "show", "1"])
        .assert()
        .success()
        .stdout(contains(
            "→ 2027-01-01 (estimated: that year's holidays are not published yet)",
        ));

    // A promise the finder read in a pasted chat and saved (--add): counted from its limit,
    // "10个工作日内" from 18 December, on every read — so the new year moves it too.
    std::fs::write(
        sb.path("chat.txt"),
        "2026-12-18 10:00 客服小王：退款我们会在10个工作日内处理完毕。\n",
    )
    .unwrap();
    let found = at_json(&[
        "case",
        "promises",
        "1",
        sb.path("chat.txt").to_str().unwrap(),
        "--add",
    ]);
    assert_eq!(found["added"], 1);
    assert_eq!(found["proposals"][0]["due"], "2027-01-01T23:59:59+08:00");
    let shown = at_json(&["case", "show", "1"]);
    assert_eq!(shown["contacts"][0]["limit"], "10个工作日内");
    assert_eq!(shown["contacts"][0]["calendar"], "estimated");

    let notice = fixture("test-2027.txt");
    let v = at_json(&["calendar", "import", notice.to_str().unwrap()]);
    let moved = v["moved"].as_array().unwrap();
    let promise = moved
        .iter()
        .find(|m| m["what"]["zh"] == "客服承诺（客服小王）：10个工作日内（2026-12-18 10:00）")
        .unwrap_or_else(|| panic!("{moved:#?}"));
    assert_eq!(
        (&promise["before"], &promise["after"]),
        (
            &serde_json::json!("2027-01-01"),
            &serde_json::json!("2027-01-04")
        )
    );
    assert_eq!(promise["after_calendar"], "official");
    // The contact's due time is counted on the new year at once.
    let shown = at_json(&["case", "show", "1"]);
    assert_eq!(shown["contacts"][0]["due"], "2027-01-04T23:59:59+08:00");
    assert_eq!(shown["contacts"][0]["calendar"], "official");
    let follow_up = moved
        .iter()
        .find(|m| m["what"]["zh"] == "跟进：12315（10 个工作日）")
        .unwrap_or_else(|| panic!("{moved:#?}"));
    assert_eq!(
        follow_up,
        &serde_json::json!({
            "case_id": 1,
            "platform": "某某商城",
            "what": { "zh": "跟进：12315（10 个工作日）", "en": "Follow-up: 12315 (10 working days)" },
            "before": "2027-01-01",
            "after": "2027-01-04",
            "before_calendar": "estimated",
            "after_calendar": "official"
        })
    );
    assert!(
        moved.iter().all(|m| m["before"] != m["after"]),
        "{moved:#?}"
    );

    // Imported again: the same year replaces itself and moves nothing.
    let again = at_json(&["calendar", "import", notice.to_str().unwrap()]);
    assert_eq!(again["moved"], serde_json::json!([]));

    // Without that year the text lists what the import moves, before and after.
    std::fs::remove_file(sb.path("rules/calendar/2027.toml")).unwrap();
    at(&["--lang", "en", "calendar", "import", notice.to_str().unwrap()])
        .assert()
        .success()
        .stdout(contains("of open cases:"))
        .stdout(contains(
            "  #1 某某商城 — Follow-up: 12315 (10 working days): 2027-01-01 (estimated: that year's holidays are not published yet) → 2027-01-04",
        ))
        .stdout(contains(
            "  #1 某某商城 — Customer-service promise (客服小王): 10个工作日内 (2026-12-18 10:00): 2027-01-01 (estimated: that year's holidays are not published yet) → 2027-01-04",
        ));
}

#[test]
fn import_without_a_database_moves_nothing_and_creates_none() {
    let sb = Sandbox::new();
    let notice = fixture("test-2027.txt");
    let v = json(&sb, &["calendar", "import", notice.to_str().unwrap()]);
    assert_eq!(v["moved"], serde_json::json!([]));
    assert!(!sb.db().exists());
}

#[test]
fn every_real_notice_imports_with_its_own_year() {
    let sb = Sandbox::new();
    for year in 2020..=2026 {
        let file = fixture(&format!("notices/{year}.txt"));
        let v = json(
            &sb,
            &[
                "calendar",
                "import",
                file.to_str().unwrap(),
                "--year",
                &year.to_string(),
            ],
        );
        assert_eq!(v["year"], year);
        assert!(sb.path(&format!("rules/calendar/{year}.toml")).is_file());
    }
    // 2026 from the notice equals the built-in 2026: the same Spring Festival deadline.
    let v = json(
        &sb,
        &["deadline", "--from", "2026-02-12", "--working-days", "3"],
    );
    assert_eq!(v["due"], "2026-02-24");
}

#[test]
fn stdin_works_and_a_wrong_year_or_a_bad_line_exits_2_writing_nothing() {
    let sb = Sandbox::new();
    let text = std::fs::read_to_string(fixture("test-2027.txt")).unwrap();
    cmd(&sb, &["calendar", "import", "-", "--year", "2028"])
        .write_stdin(text.clone())
        .assert()
        .code(2)
        .stderr(contains("year"))
        .stderr(contains("2028"));
    // The wrong weekday on line 8 (1月1日 is a Friday in 2027).
    let bad = text.replace("1月1日（周五）", "1月1日（周四）");
    std::fs::write(sb.path("bad.txt"), &bad).unwrap();
    cmd(
        &sb,
        &[
            "--lang",
            "en",
            "calendar",
            "import",
            sb.path("bad.txt").to_str().unwrap(),
        ],
    )
    .assert()
    .code(2)
    .stderr(contains("bad.txt"))
    .stderr(contains("line 8"))
    .stderr(contains("Thursday"));
    cmd(&sb, &["calendar", "import", "/no/such/notice.txt"])
        .assert()
        .code(2)
        .stderr(contains("notice.txt"));
    std::fs::write(sb.path("latin1.txt"), [0xC4u8, 0xEA, 0x0A]).unwrap();
    cmd(
        &sb,
        &[
            "calendar",
            "import",
            sb.path("latin1.txt").to_str().unwrap(),
        ],
    )
    .assert()
    .code(2)
    .stderr(contains("UTF-8"));
    cmd(&sb, &["calendar", "import", "-", "--year", "twenty"])
        .write_stdin(text.clone())
        .assert()
        .code(2)
        .stderr(contains("--year"));
    assert!(!sb.path("rules").exists(), "nothing written");
    let v = {
        let out = cmd(&sb, &["--json", "calendar", "import", "-"])
            .write_stdin(text)
            .output()
            .unwrap();
        assert!(out.status.success());
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    assert_eq!(v["year"], 2027);
}
