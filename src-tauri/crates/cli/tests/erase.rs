//! Permanent erase from the outside: nothing happens without `--yes` (exit 2 saying what would
//! go); with it the rows and the originals only they used are gone, and the rest stays.

mod common;

use common::{sha256_file, Sandbox};
use predicates::str::contains;

fn case_with_chat(sb: &Sandbox, chat: &std::path::Path) -> (i64, i64) {
    let c = sb.json(&[
        "case",
        "new",
        "--platform",
        "微信支付",
        "--amount",
        "88.80",
        "--occurred",
        "2026-11-02 10:00",
        "--summary",
        "提现未到账",
    ]);
    let id = c["id"].as_i64().unwrap();
    let e = sb.json(&["case", "evidence", &id.to_string(), chat.to_str().unwrap()]);
    (id, e["id"].as_i64().unwrap())
}

fn vault_file(sb: &Sandbox, sha: &str) -> std::path::PathBuf {
    let db = sb.db();
    let vault = tixian_core::store::vault_dir(&db);
    vault.join(sha)
}

#[test]
fn case_erase_without_yes_changes_nothing_and_says_what_would_go() {
    let sb = Sandbox::new();
    let chat = sb.path("客服聊天.txt");
    std::fs::write(&chat, "客服：3个工作日内到账\n").unwrap();
    let (id, _) = case_with_chat(&sb, &chat);
    sb.cmd(&["--lang", "en", "case", "erase", &id.to_string()])
        .assert()
        .code(2)
        .stderr(contains("--yes"))
        .stderr(contains("cannot be undone"));
    assert_eq!(sb.json(&["case", "list"]).as_array().unwrap().len(), 1);
    assert!(vault_file(&sb, &sha256_file(&chat)).is_file());
}

#[test]
fn case_erase_removes_the_case_and_the_original_only_it_used() {
    let sb = Sandbox::new();
    let chat = sb.path("客服聊天.txt");
    std::fs::write(&chat, "客服：3个工作日内到账\n").unwrap();
    let (first, _) = case_with_chat(&sb, &chat);
    let (second, second_item) = case_with_chat(&sb, &chat);
    let original = vault_file(&sb, &sha256_file(&chat));

    let erased = sb.json(&["case", "erase", &first.to_string(), "--yes"]);
    assert_eq!(erased["what"], "case");
    assert_eq!(erased["rows"], 2);
    assert_eq!(erased["files_still_used"], 1);
    assert!(original.is_file(), "the second case still holds the file");
    let left = sb.json(&["case", "list"]);
    assert_eq!(left.as_array().unwrap().len(), 1);

    let erased = sb.json(&["case", "erase-evidence", &second_item.to_string(), "--yes"]);
    assert_eq!(erased["files_removed"].as_array().unwrap().len(), 1);
    assert!(!original.exists());
    let shown = sb.json(&["case", "show", &second.to_string()]);
    assert_eq!(shown["evidence"].as_array().unwrap().len(), 0);
    // The chat file the user picked is theirs: never touched.
    assert!(chat.is_file());
}

#[test]
fn platform_erase_removes_its_balances_and_refuses_an_unknown_name() {
    let sb = Sandbox::new();
    sb.json(&["platform", "add", "支付宝", "--kind", "alipay"]);
    sb.json(&["balance", "支付宝", "1,200.50", "--at", "2026-11-01 09:00"]);
    sb.cmd(&["platform", "erase", "没有这个平台", "--yes"])
        .assert()
        .code(2);
    let erased = sb.json(&["platform", "erase", "支付宝", "--yes"]);
    assert_eq!(erased["rows"], 2);
    let overview = sb.json(&["platform", "list"]);
    assert_eq!(overview["platforms"].as_array().unwrap().len(), 0);
}
