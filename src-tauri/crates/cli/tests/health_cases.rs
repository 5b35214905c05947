//! `tixian health --json [--due]` lists the cases' items beside the platform ones: follow-ups
//! whose body's deadline has come (`case_deadline`) and broken promises (`promise_overdue`).
//! A follow-up not yet due, or done, is not listed; `--due` exits 1 only while something is due.

mod common;

use common::Sandbox;
use predicates::str::contains;
use serde_json::Value;

/// A case with three follow-ups and one promise; no platforms, so only case items can be due.
/// - #1 12315, filed Fri 2026-03-13, 7 working days → due Tue 2026-03-24;
/// - #2 金融监管 12363, filed 2026-03-20, 15 working days → due Mon 2026-04-13 (Qingming
///   holiday 04-04 to 04-06 skipped);
/// - #3 平台投诉邮箱, filed 2026-03-11, 3 working days → due 2026-03-16, done on 03-17;
/// - contact 1: promise "3个工作日内处理" due 2026-03-20 18:00.
fn setup(sb: &Sandbox) {
    sb.json(&[
        "case",
        "new",
        "--platform",
        "微信支付",
        "--amount",
        "5000",
        "--occurred",
        "2026-03-10 14:00",
        "--summary",
        "提现 5000 元三天未到账",
    ]);
    for (body, filed, days) in [
        ("12315", "2026-03-13 10:00", "7"),
        ("金融监管 12363", "2026-03-20 10:00", "15"),
        ("平台投诉邮箱", "2026-03-11 10:00", "3"),
    ] {
        sb.json(&[
            "case",
            "follow-up",
            "1",
            "--body",
            body,
            "--filed",
            filed,
            "--working-days",
            days,
        ]);
    }
    sb.json(&[
        "case",
        "follow-up-done",
        "1",
        "3",
        "--at",
        "2026-03-17 09:00",
    ]);
    sb.json(&[
        "case",
        "contact",
        "1",
        "--at",
        "2026-03-17 10:00",
        "--channel",
        "phone",
        "--promise",
        "3个工作日内处理",
        "--due",
        "2026-03-20 18:00",
    ]);
}

fn due_json(sb: &Sandbox, at: &str) -> (i32, Value) {
    let out = sb
        .cmd(&["--json", "health", "--due", "--at", at])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

fn whats(v: &Value) -> Vec<(String, String)> {
    v["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["what"].as_str().unwrap().to_string(),
                d["key"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn follow_ups_and_broken_promises_are_due_in_health_until_done() {
    let sb = Sandbox::new();
    setup(&sb);
    // 03-19: #1 not due yet, #3 done, the promise not yet broken.
    let (code, v) = due_json(&sb, "2026-03-19 09:00");
    assert_eq!((code, v["due"].clone()), (0, serde_json::json!([])));

    let (code, v) = due_json(&sb, "2026-03-25 09:00");
    assert_eq!(code, 1);
    assert_eq!(
        whats(&v),
        [
            (
                "promise_overdue".to_string(),
                "promise_overdue:1".to_string()
            ),
            ("case_deadline".to_string(), "case_deadline:1".to_string()),
        ],
        "#2 is not due yet and #3 is done: {v}"
    );
    // Oldest first: the promise broke on 03-20, the follow-up came due on 03-24.
    let d = &v["due"][1];
    assert_eq!(d["since"], "2026-03-24");
    assert_eq!(d["case_id"], 1);
    assert_eq!(d["platform"], "微信支付");
    assert_eq!(v["due"][0]["since"], "2026-03-20");

    // The full report carries the same items.
    let full = sb.json(&["health", "--at", "2026-03-25 09:00"]);
    assert_eq!(full["due"], v["due"]);

    // Human text names the body and the promise.
    sb.cmd(&[
        "--lang",
        "en",
        "health",
        "--due",
        "--at",
        "2026-03-25 09:00",
    ])
    .assert()
    .code(1)
    .stdout(contains("12315"))
    .stdout(contains("3个工作日内处理"));

    // Chasing #1 and the promise kept: nothing due (and #2 still a fortnight away).
    sb.json(&[
        "case",
        "follow-up-done",
        "1",
        "1",
        "--at",
        "2026-03-25 10:00",
    ]);
    sb.json(&["case", "kept", "1", "1", "--at", "2026-03-25 10:00"]);
    let (code, v) = due_json(&sb, "2026-03-26 09:00");
    assert_eq!((code, v["due"].clone()), (0, serde_json::json!([])));
    // #2 comes due on its day: 15 working days skip the Qingming holiday (04-04 to 04-06).
    assert_eq!(due_json(&sb, "2026-04-10 23:00").0, 0);
    let (code, v) = due_json(&sb, "2026-04-13 09:00");
    assert_eq!(code, 1);
    assert_eq!(
        whats(&v),
        [("case_deadline".into(), "case_deadline:2".into())]
    );
}

#[test]
fn a_resolved_case_has_nothing_due() {
    let sb = Sandbox::new();
    setup(&sb);
    sb.json(&["case", "status", "1", "resolved"]);
    let (code, v) = due_json(&sb, "2026-03-25 09:00");
    assert_eq!((code, v["due"].clone()), (0, serde_json::json!([])));
}

#[test]
fn follow_up_done_on_an_unknown_follow_up_or_case_changes_nothing() {
    let sb = Sandbox::new();
    setup(&sb);
    for args in [
        ["case", "follow-up-done", "1", "9"],
        ["case", "follow-up-done", "7", "1"],
    ] {
        sb.cmd(&args)
            .assert()
            .failure()
            .stderr(contains("follow-up"));
    }
    let (code, v) = due_json(&sb, "2026-03-25 09:00");
    assert_eq!(code, 1);
    assert_eq!(v["due"].as_array().unwrap().len(), 2);
}

#[test]
fn the_notification_switch_is_set_from_the_cli_and_bad_values_change_nothing() {
    let sb = Sandbox::new();
    setup(&sb);
    let db = || {
        rusqlite::Connection::open(sb.db())
            .unwrap()
            .query_row(
                "SELECT value FROM settings WHERE key = 'notifications'",
                [],
                |r| r.get::<_, String>(0),
            )
            .ok()
    };
    assert_eq!(db(), None, "on until turned off");
    sb.cmd(&["--lang", "en", "settings", "set", "notifications", "maybe"])
        .assert()
        .code(2)
        .stderr(contains("on or off"));
    assert_eq!(db(), None);
    let v = sb.json(&["settings", "set", "notifications", "off"]);
    assert_eq!(v["notifications"], false);
    assert_eq!(db().as_deref(), Some("off"));
    sb.json(&["settings", "set", "notifications", "on"]);
    assert_eq!(db().as_deref(), Some("on"));
    // The switch is about desktop notifications only: --due still lists and exits 1.
    sb.json(&["settings", "set", "notifications", "off"]);
    assert_eq!(due_json(&sb, "2026-03-25 09:00").0, 1);
}
