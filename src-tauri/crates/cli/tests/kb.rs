mod common;

use common::Sandbox;
use predicates::str::contains;

fn diagnose_json(sb: &Sandbox, case: &str) -> serde_json::Value {
    let out = sb
        .cmd(&["--json", "diagnose", "-"])
        .write_stdin(case)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn diagnose_prints_the_contract_shape() {
    let sb = Sandbox::new();
    let d = diagnose_json(
        &sb,
        r#"{"platform":"wechat","action":"withdraw","status":"failed","amount":"5000.00","message":"当日提现金额已超过限额"}"#,
    );
    let top = &d["causes"][0];
    assert_eq!(top["id"], "limit.daily");
    assert_eq!(top["rule"], "wechat.withdraw.daily-limit");
    assert_eq!(top["likelihood"], "high");
    assert_eq!(top["because"], serde_json::json!(["message"]));
    for key in [
        "title",
        "explanation",
        "actions",
        "expected_wait",
        "sources",
    ] {
        assert!(!top[key].is_null(), "{key}");
    }
    assert!(top["sources"][0]["confidence"].is_string());
    assert!(d["first_steps"].as_array().unwrap().len() >= 6);
    assert_eq!(d["escalation"]["stage"], "self_check");
    assert!(d["kb_version"].as_str().unwrap().starts_with("0."));
}

#[test]
fn diagnose_reads_a_file_and_speaks_the_chosen_language() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.path("case.json"),
        r#"{"platform":"alipay","action":"crossplatform","from":"huabei","to":"wechat"}"#,
    )
    .unwrap();
    let file = sb.path("case.json");
    sb.cmd(&["--lang", "zh", "diagnose", file.to_str().unwrap()])
        .assert()
        .success()
        .stdout(contains("花呗额度不能转到微信"))
        .stdout(contains("前 30 分钟"));
    sb.cmd(&["--lang", "en", "diagnose", file.to_str().unwrap()])
        .assert()
        .success()
        .stdout(contains("cash-out"));
}

#[test]
fn diagnose_bad_input_exits_2_naming_the_field() {
    let sb = Sandbox::new();
    let cases = [
        (
            r#"{"platform":"wechat","action":"withdraw","amount":"12,3"}"#,
            "amount",
        ),
        (
            r#"{"platform":"wechat","action":"withdraw","at":"tomorrow"}"#,
            "at",
        ),
        (r#"{"platform":"casino","action":"withdraw"}"#, "platform"),
        (
            r#"{"platform":"wechat","action":"withdraw","status":"stuck"}"#,
            "status",
        ),
        (
            r#"{"platform":"wechat","action":"withdraw","acount":{}}"#,
            "acount",
        ),
        (
            r#"{"platform":"wechat","action":"withdraw","account":{"balance":"-3"}}"#,
            "account.balance",
        ),
        (r#"{"platform":"wechat""#, "json"),
    ];
    for (case, field) in cases {
        sb.cmd(&["--lang", "en", "diagnose"])
            .write_stdin(case)
            .assert()
            .code(2)
            .stderr(contains(field));
    }
    sb.cmd(&["diagnose", "/no/such/file.json"])
        .assert()
        .code(2)
        .stderr(contains("FILE"));
}

#[test]
fn batch_keeps_order_and_names_the_bad_line() {
    let sb = Sandbox::new();
    let input = [
        r#"{"platform":"wechat","action":"withdraw","context":{"network_ok":false}}"#,
        r#"{"platform":"alipay","action":"withdraw","message":"身份证已过期"}"#,
        r#"{"platform":"bank","action":"transfer","message":"不认识的提示"}"#,
    ]
    .join("\n");
    let out = sb
        .cmd(&["diagnose", "--batch", "-"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["causes"][0]["id"], "network.client");
    assert_eq!(lines[1]["causes"][0]["id"], "account.id_expired");
    assert_eq!(lines[2]["causes"], serde_json::json!([]));

    let bad = format!(
        "{input}\n{}\n{}",
        r#"{"platform":"wechat","action":"withdraw","amount":"abc"}"#,
        r#"{"platform":"wechat","action":"withdraw"}"#
    );
    let out = sb
        .cmd(&["--lang", "en", "diagnose", "--batch"])
        .write_stdin(bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("line 4")
            && err.contains("amount")
            && err.contains("later lines were not processed"),
        "{err}"
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 3);
}

#[test]
fn kb_check_passes_on_the_built_in_rules() {
    let sb = Sandbox::new();
    let empty = sb.path("rules");
    std::fs::create_dir_all(&empty).unwrap();
    sb.cmd(&[
        "--lang",
        "en",
        "kb",
        "check",
        "--rules",
        empty.to_str().unwrap(),
    ])
    .assert()
    .success()
    .stdout(contains("knowledge base OK"));
}

#[test]
fn kb_check_lists_file_id_and_field_of_a_broken_user_rule() {
    let sb = Sandbox::new();
    let dir = sb.path("rules");
    std::fs::create_dir_all(&dir).unwrap();
    let network = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../rules/network.toml"
    ))
    .unwrap();
    std::fs::write(
        dir.join("network.toml"),
        network.replace("cause = \"network.client\"", "cause = \"network.wifi\""),
    )
    .unwrap();
    std::fs::write(
        dir.join("extra.toml"),
        "[[rule]]\nid = \"mine.rule\"\ncause = \"limit.daily\"\n",
    )
    .unwrap();
    let d = dir.to_str().unwrap();
    sb.cmd(&["--lang", "en", "kb", "check", "--rules", d])
        .assert()
        .code(1)
        .stdout(contains("network.toml: generic.network.client: cause:"))
        .stdout(contains("extra.toml: mine.rule: platforms"));
    let out = sb
        .cmd(&["--json", "kb", "check", "--rules", d])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert!(report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["file"] == "network.toml" && p["field"] == "cause"));
    // diagnose refuses to run on a broken knowledge base rather than give half-true answers.
    sb.cmd(&["diagnose", "--rules", d])
        .write_stdin(r#"{"platform":"wechat","action":"withdraw"}"#)
        .assert()
        .code(2)
        .stderr(contains("kb check"));
}

#[test]
fn kb_list_shows_ids_categories_confidence_and_sources() {
    let sb = Sandbox::new();
    let empty = sb.path("rules");
    std::fs::create_dir_all(&empty).unwrap();
    let out = sb
        .cmd(&["--json", "kb", "list", "--rules", empty.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = list["rules"].as_array().unwrap();
    let rule = rules
        .iter()
        .find(|r| r["id"] == "wechat.withdraw.fee-balance")
        .unwrap();
    assert_eq!(rule["category"], "fee");
    assert_eq!(rule["confidence"], "high");
    assert!(rule["sources"][0]["title"]
        .as_str()
        .unwrap()
        .contains("微信"));
    assert!(list["messages"].as_array().unwrap().len() >= 80);
    sb.cmd(&["kb", "list", "--rules", "/no/such/dir"])
        .assert()
        .code(2)
        .stderr(contains("--rules"));
}

#[test]
fn explain_message_reads_a_receiver_side_text_with_its_sources() {
    let sb = Sandbox::new();
    let e = sb.json(&[
        "kb",
        "explain-message",
        "超出用户月收款限额",
        "--platform",
        "wechat",
    ]);
    assert_eq!(e["normalised"], "超出用户月收款限额");
    assert_eq!(e["platform"], "wechat");
    assert_eq!(e["diagnosis"]["causes"][0]["id"], "limit.periodic");
    let nearest = e["nearest"].as_array().unwrap();
    assert!(!nearest.is_empty());
    assert!(nearest[0]["source"]["title"].as_str().unwrap().len() > 4);
    let score: f64 = nearest[0]["score"].as_str().unwrap().parse().unwrap();
    assert!((0.5..=1.0).contains(&score), "{score}");
    assert_eq!(e["unknown"], false);
    sb.cmd(&[
        "--lang",
        "zh",
        "kb",
        "explain-message",
        "超出用户月收款限额",
    ])
    .assert()
    .success()
    .stdout(contains("相近的已知提示"))
    .stdout(contains("limit.periodic"));
}

#[test]
fn explain_message_says_an_unknown_text_is_unknown() {
    let sb = Sandbox::new();
    let e = sb.json(&["kb", "explain-message", "今天天气很好"]);
    assert_eq!(e["unknown"], true);
    assert_eq!(e["diagnosis"]["causes"], serde_json::json!([]));
    sb.cmd(&["--lang", "en", "kb", "explain-message", "今天天气很好"])
        .assert()
        .success()
        .stdout(contains("not recognised"));
}

#[test]
fn explain_message_refuses_an_unknown_platform_kind() {
    let sb = Sandbox::new();
    sb.cmd(&["kb", "explain-message", "x", "--platform", "paypal"])
        .assert()
        .code(2)
        .stderr(contains("--platform"));
}

#[test]
fn kb_check_prints_the_leave_one_source_out_figure() {
    let sb = Sandbox::new();
    let report = sb.json(&["kb", "check"]);
    let corpus = &report["corpus"];
    assert!(corpus["texts"].as_u64().unwrap() >= 400);
    let g = &corpus["leave_one_source_out"];
    assert!(g["top2_rate"].as_str().unwrap() >= corpus["min_top2_rate"].as_str().unwrap());
    assert!(g["misses"].is_array());
    sb.cmd(&["--lang", "en", "kb", "check"])
        .assert()
        .success()
        .stdout(contains("leave one source out"))
        .stdout(contains("✗"));
}

#[test]
fn db_moves_the_user_rule_folder_with_it() {
    // Regression: the CLI read the rule folder beside the default database, ignoring --db.
    let sb = Sandbox::new();
    let rules = sb.path("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(rules.join("broken.toml"), "this is not toml =").unwrap();
    sb.cmd(&["--lang", "en", "kb", "check"])
        .assert()
        .code(1)
        .stdout(contains("broken.toml"));
    let elsewhere = Sandbox::new();
    elsewhere.cmd(&["kb", "check"]).assert().success();
}
