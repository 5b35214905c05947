mod common;

use common::{sha256_file, Sandbox};
use predicates::str::contains;
use serde_json::Value;

const AT: &str = "2026-07-01T09:00:00+08:00";

/// 微信支付 7000 (tested 06-20, 2 h), 支付宝 3000 (never tested), spending 4000, outside 18000.
fn setup(sb: &Sandbox) {
    sb.json(&["platform", "add", "微信支付", "--kind", "wechat"]);
    sb.json(&["platform", "add", "支付宝", "--kind", "alipay"]);
    sb.json(&["balance", "微信支付", "7000", "--at", "2026-06-30 10:00"]);
    sb.json(&["balance", "支付宝", "3000", "--at", "2026-06-30 10:00"]);
    sb.json(&[
        "withdraw",
        "微信支付",
        "1",
        "--at",
        "2026-06-20 10:00",
        "--arrived-at",
        "2026-06-20 12:00",
        "--test",
    ]);
    sb.json(&[
        "withdraw",
        "支付宝",
        "50",
        "--at",
        "2026-06-25 10:00",
        "--status",
        "failed",
    ]);
    sb.json(&["settings", "set", "monthly-spending", "4000"]);
    sb.json(&["settings", "set", "outside-money", "18000"]);
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn health_json_has_the_contract_keys_and_figures() {
    let sb = Sandbox::new();
    setup(&sb);
    let h = sb.json(&["health", "--at", AT]);
    for k in [
        "at",
        "total",
        "platforms",
        "concentration",
        "emergency_fund_months",
        "readiness",
        "due",
    ] {
        assert!(keys(&h).contains(&k), "missing {k}");
    }
    assert_eq!(h["at"], AT);
    assert_eq!(h["total"], "10000.00");
    let p = &h["platforms"][0];
    for k in [
        "name",
        "kind",
        "balance",
        "share",
        "last_test_withdrawal",
        "next_test_due",
        "arrival_hours",
        "failures",
        "signals",
    ] {
        assert!(keys(p).contains(&k), "platform misses {k}");
    }
    assert_eq!(
        (
            p["name"].as_str(),
            p["kind"].as_str(),
            p["balance"].as_str(),
            p["share"].as_str()
        ),
        (
            Some("微信支付"),
            Some("wechat"),
            Some("7000.00"),
            Some("0.7000")
        )
    );
    assert_eq!(p["last_test_withdrawal"], "2026-06-20T10:00:00+08:00");
    assert_eq!(p["next_test_due"], "2026-07-20");
    assert_eq!(p["arrival_hours"]["median"], "2.0");
    assert_eq!(p["arrival_hours"]["worst"], "2.0");
    assert_eq!(p["arrival_hours"]["count"], 1);
    assert!(
        p["arrival_hours"]["trend"].is_null(),
        "one arrival, nothing to compare"
    );
    let q = &h["platforms"][1];
    assert!(q["arrival_hours"]["median"].is_null() && q["arrival_hours"]["worst"].is_null());
    assert_eq!(q["failures"], 1);
    assert_eq!(q["signals"], serde_json::json!(["failures"]));
    assert_eq!(
        h["concentration"],
        serde_json::json!({"largest": "微信支付", "share": "0.7000", "warn": true})
    );
    assert_eq!(h["emergency_fund_months"], "4.5");
    assert!(h["readiness"]["score"]
        .as_i64()
        .is_some_and(|s| (0..=100).contains(&s)));
    assert!(h["readiness"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .all(Value::is_string));
    // Platforms are added with the real clock, after AT: nothing is due yet at AT. Much later,
    // 微信支付's test is due since 06-20 + 30 days, 支付宝's since the day it was added.
    assert_eq!(h["due"], serde_json::json!([]));
    let late = sb.json(&["health", "--at", "2099-01-01 00:00"]);
    let due = late["due"].as_array().unwrap();
    for k in ["what", "platform", "since"] {
        assert!(keys(&due[0]).contains(&k), "due item misses {k}");
    }
    assert_eq!(
        (
            due[0]["what"].as_str(),
            due[0]["platform"].as_str(),
            due[0]["since"].as_str()
        ),
        (
            Some("test_withdrawal"),
            Some("微信支付"),
            Some("2026-07-20")
        )
    );
    assert_eq!(
        (due[1]["what"].as_str(), due[1]["platform"].as_str()),
        (Some("test_withdrawal"), Some("支付宝"))
    );
    assert_eq!(due[1]["since"].as_str().unwrap().len(), 10);
    assert_eq!(
        (due[2]["what"].as_str(), due[2]["platform"].is_null()),
        (Some("quarterly_review"), true)
    );
}

#[test]
fn due_exits_1_while_something_is_due_and_0_once_done() {
    let sb = Sandbox::new();
    setup(&sb);
    let later = "2026-07-02T09:00:00+08:00";
    // Evaluated today (platforms were just added), the never-tested 支付宝 and the review are due.
    sb.cmd(&["health", "--due"])
        .assert()
        .code(1)
        .stdout(contains("支付宝"));
    sb.json(&[
        "withdraw",
        "支付宝",
        "1",
        "--at",
        "2026-07-01 10:00",
        "--test",
    ]);
    sb.json(&["review", "--at", "2026-07-01 10:00"]);
    sb.cmd(&["--lang", "en", "health", "--due", "--at", later])
        .assert()
        .code(0)
        .stdout(contains("Nothing is due"));
    let out = sb
        .cmd(&["--json", "health", "--due", "--at", later])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["due"], serde_json::json!([]));
    // 30 days after 06-20 the 微信支付 test is due again.
    sb.cmd(&["health", "--due", "--at", "2026-07-20 00:00"])
        .assert()
        .code(1)
        .stdout(contains("微信支付"));
}

fn checkpoint(db: &std::path::Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

#[test]
fn bad_input_exits_2_naming_the_field_and_changes_nothing() {
    let sb = Sandbox::new();
    setup(&sb);
    std::fs::write(sb.path("garbage.zip"), b"not a zip").unwrap();
    std::fs::write(sb.path("latin1.txt"), [0xE9u8, 0x20, 0x31]).unwrap();
    checkpoint(&sb.db());
    let before = sha256_file(&sb.db());
    let garbage = sb.path("garbage.zip");
    let latin1 = sb.path("latin1.txt");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["health", "--at", "yesterday"], "--at"),
        (vec!["signal", "微信支付", "casino"], "KIND"),
        (vec!["signal", "不存在", "other"], "platform"),
        (
            vec!["signal", "微信支付", "other", "--at", "2026-02-30"],
            "--at",
        ),
        (vec!["settings", "set", "monthly-spending", "lots"], "VALUE"),
        (vec!["settings", "set", "outside-money", "-5"], "VALUE"),
        (vec!["settings", "set", "colour", "blue"], "KEY"),
        (
            vec![
                "settings",
                "set",
                "test-interval",
                "0",
                "--platform",
                "微信支付",
            ],
            "VALUE",
        ),
        (vec!["settings", "set", "test-interval", "7"], "--platform"),
        (
            vec!["rules-snapshot", "微信支付", "/no/such/file.txt"],
            "FILE",
        ),
        (
            vec!["rules-snapshot", "微信支付", latin1.to_str().unwrap()],
            "FILE",
        ),
        (vec!["restore", garbage.to_str().unwrap()], "--yes"),
        (vec!["restore", garbage.to_str().unwrap(), "--yes"], "FILE"),
    ];
    for (args, field) in &cases {
        sb.cmd(args).assert().code(2).stderr(contains(*field));
    }
    assert_eq!(sha256_file(&sb.db()), before, "database changed");
    let leftovers: Vec<_> = std::fs::read_dir(sb.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn signal_and_rules_snapshot_show_up_in_health() {
    let sb = Sandbox::new();
    setup(&sb);
    sb.json(&[
        "signal",
        "微信支付",
        "slower_support",
        "--note",
        "客服三天未回复",
        "--at",
        "2026-06-28 10:00",
    ]);
    std::fs::write(sb.path("v1.txt"), "提现门槛 100元\n手续费 0.1%\n").unwrap();
    std::fs::write(sb.path("v2.txt"), "提现门槛 100元\n手续费 0.6%\n").unwrap();
    let first = sb.json(&[
        "rules-snapshot",
        "微信支付",
        sb.path("v1.txt").to_str().unwrap(),
    ]);
    assert_eq!(first["changed"], true);
    sb.cmd(&[
        "rules-snapshot",
        "微信支付",
        sb.path("v2.txt").to_str().unwrap(),
    ])
    .assert()
    .success()
    .stdout(contains("+手续费 0.6%"))
    .stdout(contains("tixian signal 微信支付 raised_threshold"));
    let h = sb.json(&["health", "--at", AT]);
    assert_eq!(
        h["platforms"][0]["signals"],
        serde_json::json!(["slower_support"])
    );
}

#[test]
fn backup_and_restore_round_trip_through_the_cli() {
    let sb = Sandbox::new();
    setup(&sb);
    let archive = sb.path("backup.zip");
    let b = sb.json(&["backup", archive.to_str().unwrap()]);
    assert_eq!(b["vault_files"], 0);
    let before = sb.json(&["health", "--at", AT]);
    sb.json(&["platform", "add", "后来的", "--kind", "other"]);
    let r = sb.json(&["restore", archive.to_str().unwrap(), "--yes"]);
    assert!(r["previous_kept_at"]
        .as_str()
        .unwrap()
        .contains("tixian.db.before-restore-"));
    let after = sb.json(&["health", "--at", AT]);
    assert_eq!(after, before, "restored data equals the backed-up data");
}

#[test]
fn rolling_backup_once_a_day() {
    let sb = Sandbox::new();
    setup(&sb);
    let dir = sb.path("rolling");
    let first = sb.json(&["backup", "--rolling", dir.to_str().unwrap()]);
    assert_eq!(first["made"], true);
    let second = sb.json(&["backup", "--rolling", dir.to_str().unwrap()]);
    assert_eq!(second["made"], false);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    sb.cmd(&["backup"]).assert().code(2);
}
