//! The workspace from the outside: `--db` moves the user's rule folder with it (routes, the
//! knowledge base and the calendar all read `rules/` beside that database, as the app does), and
//! `TIXIAN_NOW` pins "now" for every command or is refused when it is not a time.

mod common;

use assert_cmd::Command;
use common::Sandbox;
use predicates::str::contains;

fn json(mut c: Command) -> serde_json::Value {
    let out = c.output().expect("runs");
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

const BANK_ROUTE: &str = include_str!("../../../../rules/routes/bank.toml");

#[test]
fn route_ignored_the_user_rule_folder_beside_the_database() {
    let sb = Sandbox::new();
    let elsewhere = sb.path("elsewhere");
    let folder = elsewhere.join("rules").join("routes");
    std::fs::create_dir_all(&folder).unwrap();
    let edited = BANK_ROUTE.replacen("银行客服或网点", "我的开户行客服", 1);
    assert_ne!(edited, BANK_ROUTE, "the built-in first step's body changed");
    std::fs::write(folder.join("bank.toml"), edited).unwrap();

    let db = elsewhere.join("tixian.db");
    let mine = json(sb.cmd_at(&db, &["--json", "route", "bank"]));
    assert_eq!(mine["steps"][0]["body"], "我的开户行客服");
    // The default sandbox database has no rule folder: the built-in ladder.
    let built_in = sb.json(&["route", "bank"]);
    assert_eq!(built_in["steps"][0]["body"], "银行客服或网点");
}

#[test]
fn db_elsewhere_reads_the_calendar_and_messages_beside_it() {
    let sb = Sandbox::new();
    let elsewhere = sb.path("elsewhere");
    std::fs::create_dir_all(elsewhere.join("rules")).unwrap();
    // A broken knowledge file beside the other database: diagnose there refuses, naming it,
    // while the sandbox's own database (no folder) diagnoses with the built-in rules.
    std::fs::write(elsewhere.join("rules").join("limits.toml"), "not = = toml").unwrap();
    let db = elsewhere.join("tixian.db");
    sb.cmd_at(&db, &["diagnose"])
        .write_stdin(r#"{"platform":"wechat","action":"withdraw"}"#)
        .assert()
        .code(2)
        .stderr(contains("limits.toml"));
    sb.cmd(&["diagnose"])
        .write_stdin(r#"{"platform":"wechat","action":"withdraw"}"#)
        .assert()
        .success();
}

#[test]
fn tixian_now_pins_the_time_a_command_records() {
    let sb = Sandbox::new();
    let out = sb
        .cmd(&["--json", "review"])
        .env("TIXIAN_NOW", "2027-01-04 09:30")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["done_at"], "2027-01-04T09:30:00+08:00");
}

#[test]
fn tixian_now_that_is_not_a_time_was_silently_ignored() {
    let sb = Sandbox::new();
    sb.cmd(&["health"])
        .env("TIXIAN_NOW", "tomorrow")
        .assert()
        .code(2)
        .stderr(contains("TIXIAN_NOW"));
    assert!(!sb.db().exists(), "nothing is created on bad input");
}
