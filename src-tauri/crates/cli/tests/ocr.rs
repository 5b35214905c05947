//! `tixian ocr` and `tixian diagnose --image` on the synthetic screenshots of
//! `tests/fixtures/ocr/`, each run with its own HOME, XDG_DATA_HOME and database.

mod common;

use assert_cmd::Command;
use common::Sandbox;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/ocr")
        .join(name)
}

/// `tixian --db <temp> ARGS…` with HOME and XDG_DATA_HOME inside the sandbox too, so the user
/// rule folder and data directory of whoever runs the tests play no part.
fn cmd(s: &Sandbox, args: &[&str]) -> Command {
    let mut c = s.cmd(args);
    c.env("HOME", s.path("home"))
        .env("XDG_DATA_HOME", s.path("data"));
    c
}

fn json(s: &Sandbox, args: &[&str]) -> serde_json::Value {
    let out = cmd(s, &[&["--json"], args].concat())
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn ocr_json_has_the_contract_keys_and_the_joined_paragraph() {
    let s = Sandbox::new();
    let image = fixture("02-dialog-dark.png");
    let v = json(&s, &["ocr", image.to_str().unwrap()]);
    assert_eq!(v["width"], 1080);
    assert_eq!(v["height"], 2400);
    let text = v["text"].as_str().unwrap();
    assert!(
        text.lines()
            .any(|l| l == "支付宝账号和姓名不匹配，请确认姓名是否正确"),
        "{text}"
    );
    let lines = v["lines"].as_array().unwrap();
    assert!(lines.len() >= 4, "{lines:?}");
    for l in lines {
        assert!(l["text"].is_string());
        let b: Vec<u64> = l["box"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .collect();
        assert!(b.len() == 4 && b[0] < b[2] && b[1] < b[3] && b[2] <= 1080 && b[3] <= 2400);
        let c = l["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c));
    }
}

#[test]
fn ocr_prints_the_text_without_json() {
    let s = Sandbox::new();
    let out = cmd(&s, &["ocr", fixture("03-toast.png").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("超出用户月收款限额"));
}

#[test]
fn ocr_of_a_blank_image_exits_0_with_no_lines() {
    let s = Sandbox::new();
    let blank = s.path("blank.png");
    image::RgbImage::from_pixel(400, 300, image::Rgb([255, 255, 255]))
        .save(&blank)
        .unwrap();
    let v = json(&s, &["ocr", blank.to_str().unwrap()]);
    assert_eq!(v["lines"].as_array().unwrap().len(), 0);
    assert_eq!(v["text"], "");
}

#[test]
fn ocr_of_a_non_image_or_missing_file_exits_2_naming_it() {
    let s = Sandbox::new();
    let notes = s.path("notes.txt");
    std::fs::write(&notes, "当日提现金额已超过限额").unwrap();
    for path in [notes, s.path("missing.png")] {
        let out = cmd(&s, &["ocr", path.to_str().unwrap()]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(err.contains(name), "{err}");
    }
}

#[test]
fn diagnose_image_without_a_case_reads_the_message_and_ranks_the_typed_cause() {
    let s = Sandbox::new();
    let image = fixture("01-error-page-light.png");
    let v = json(&s, &["diagnose", "--image", image.to_str().unwrap()]);
    let message = v["message_from_image"].as_str().unwrap();
    assert!(message.contains("当日提现金额已超过限额"), "{message}");
    assert_eq!(v["causes"][0]["id"], "limit.daily");
    // The same as typing the message into the default case.
    let case = s.path("typed.json");
    std::fs::write(
        &case,
        r#"{"platform": "other", "action": "withdraw", "status": "failed", "message": "当日提现金额已超过限额"}"#,
    )
    .unwrap();
    let typed = json(&s, &["diagnose", case.to_str().unwrap()]);
    assert_eq!(typed["causes"][0]["id"], v["causes"][0]["id"]);
    assert!(typed.get("message_from_image").is_none());
}

#[test]
fn diagnose_image_fills_in_the_message_of_a_case_from_stdin() {
    let s = Sandbox::new();
    let image = fixture("11-frozen-notice.png");
    let out = cmd(
        &s,
        &[
            "--json",
            "diagnose",
            "--image",
            image.to_str().unwrap(),
            "-",
        ],
    )
    .write_stdin(r#"{"platform": "bank", "action": "withdraw", "amount": "3000.00"}"#)
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["message_from_image"]
        .as_str()
        .unwrap()
        .contains("有权机关冻结"));
    assert_eq!(v["causes"][0]["id"], "account.frozen_by_authority");
}

#[test]
fn diagnose_image_keeps_the_message_a_case_already_has() {
    let s = Sandbox::new();
    let image = fixture("11-frozen-notice.png");
    let out = cmd(
        &s,
        &["--json", "diagnose", "--image", image.to_str().unwrap()],
    )
    .write_stdin(
        r#"{"platform": "wechat", "action": "withdraw", "message": "当日提现金额已超过限额"}"#,
    )
    .output()
    .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("message_from_image").is_none());
    assert_eq!(v["causes"][0]["id"], "limit.daily");
}

#[test]
fn diagnose_image_of_a_non_image_exits_2_naming_it() {
    let s = Sandbox::new();
    let bad = s.path("case.json");
    std::fs::write(&bad, "{}").unwrap();
    let out = cmd(&s, &["diagnose", "--image", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("case.json"));
}

#[test]
fn case_texts_reads_the_evidence_images_once_searches_and_keeps_the_users_text() {
    let s = Sandbox::new();
    let id = json(
        &s,
        &[
            "case",
            "new",
            "--platform",
            "微信支付",
            "--amount",
            "5000",
            "--occurred",
            "2026-03-05 10:00",
            "--summary",
            "提现失败",
        ],
    )["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let notes = s.path("notes.txt");
    std::fs::write(&notes, "客服说三天内到账").unwrap();
    for file in [
        fixture("03-toast.png"),
        fixture("11-frozen-notice.png"),
        notes,
    ] {
        json(&s, &["case", "evidence", &id, file.to_str().unwrap()]);
    }
    let v = json(&s, &["case", "texts", &id]);
    let items = v["evidence"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let toast = items
        .iter()
        .find(|e| e["original_name"] == "03-toast.png")
        .unwrap();
    assert!(toast["text"]
        .as_str()
        .unwrap()
        .contains("超出用户月收款限额"));
    assert_eq!(toast["source"], "ocr");
    let note = items
        .iter()
        .find(|e| e["original_name"] == "notes.txt")
        .unwrap();
    assert!(note["text"].is_null());
    let found = json(&s, &["case", "texts", &id, "--search", "有权机关"]);
    assert_eq!(found["evidence"].as_array().unwrap().len(), 1);
    let toast_id = toast["evidence_id"].clone();
    let toast_arg = toast_id.to_string();
    let set = json(
        &s,
        &[
            "case",
            "texts",
            &id,
            "--set",
            &toast_arg,
            "--text",
            "超出月收款限额（已核对）",
        ],
    );
    let toast = set["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["evidence_id"] == toast_id)
        .unwrap()
        .clone();
    assert_eq!(toast["text"], "超出月收款限额（已核对）");
    assert_eq!(toast["source"], "user");
    let db = rusqlite::Connection::open(s.db()).unwrap();
    let n: i64 = db
        .query_row("SELECT count(*) FROM evidence_text", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2, "each image read once, the text file not at all");
}
