mod common;

use common::{sha256_file, Sandbox};
use predicates::str::contains;

#[test]
fn platform_add_and_balance_work_end_to_end() {
    let sb = Sandbox::new();
    let p = sb.json(&["platform", "add", "微信支付", "--kind", "wechat"]);
    assert_eq!(p["name"], "微信支付");
    assert_eq!(p["kind"], "wechat");
    let b = sb.json(&["balance", "微信支付", "1,234.5", "--at", "2026-06-01 10:00"]);
    assert_eq!(b["amount"], "1234.50");
    assert_eq!(b["at"], "2026-06-01T10:00:00+08:00");
    let list = sb.json(&["platform", "list"]);
    assert_eq!(list["total"], "1234.50");
    assert_eq!(list["platforms"][0]["share"], "1.0000");
}

#[test]
fn human_output_follows_lang() {
    let sb = Sandbox::new();
    sb.cmd(&["--lang", "zh", "platform", "add", "支付宝", "--kind", "alipay"])
        .assert()
        .success()
        .stdout(contains("已添加平台 支付宝"));
    sb.cmd(&["--lang", "en", "balance", "支付宝", "10"]).assert().success().stdout(contains("¥10.00"));
}

/// Bad input exits 2, names the field, and leaves the database byte-for-byte unchanged.
#[test]
fn bad_input_exits_2_naming_the_field_and_changes_nothing() {
    let sb = Sandbox::new();
    sb.json(&["platform", "add", "微信支付", "--kind", "wechat"]);
    sb.json(&["balance", "微信支付", "100"]);
    // Fold the WAL into the main file so the byte comparison sees everything.
    let c = rusqlite_checkpoint(&sb.db());
    let before = sha256_file(&sb.db());
    let cases: &[(&[&str], &str)] = &[
        (&["balance", "微信支付", "12,3元"], "AMOUNT"),
        (&["balance", "微信支付", "-5"], "AMOUNT"),
        (&["balance", "不存在", "5"], "platform"),
        (&["balance", "微信支付", "5", "--at", "tomorrow"], "--at"),
        (&["platform", "add", "X", "--kind", "casino"], "--kind"),
        (&["platform", "add", "微信支付", "--kind", "wechat"], "name"),
        (&["platform", "add", "Y", "--kind", "bank", "--bogus"], "--bogus"),
    ];
    for (args, field) in cases {
        sb.cmd(args).assert().code(2).stderr(contains(*field));
    }
    drop(c);
    assert_eq!(sha256_file(&sb.db()), before, "database changed");
}

#[test]
fn unknown_language_is_usage_error() {
    let sb = Sandbox::new();
    sb.cmd(&["--lang", "fr", "platform", "list"]).assert().code(2).stderr(contains("--lang"));
}

fn rusqlite_checkpoint(db: &std::path::Path) -> std::process::Output {
    std::process::Command::new("sqlite3")
        .arg(db)
        .arg("PRAGMA wal_checkpoint(TRUNCATE);")
        .output()
        .expect("sqlite3 installed")
}
