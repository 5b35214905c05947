//! `tixian case …` end to end on a temp database: the happy path, and every bad input
//! (missing file, bomb image, truncated image, unknown case, due before contact) exits 2 with
//! the database, the vault and the original files unchanged.

mod common;

use common::{sha256_file, Sandbox};
use image::{ImageFormat, Rgb, RgbImage};
use predicates::str::contains;
use std::path::{Path, PathBuf};

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([x as u8, y as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid PNG signature and IHDR claiming 100000×100000 pixels, then nothing.
fn bomb_png() -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    out
}

fn write(sb: &Sandbox, name: &str, bytes: &[u8]) -> PathBuf {
    let p = sb.path(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Folds the WAL into the main file so a byte comparison sees everything.
fn checkpoint(db: &Path) {
    let out = std::process::Command::new("sqlite3")
        .arg(db)
        .arg("PRAGMA wal_checkpoint(TRUNCATE);")
        .output()
        .expect("sqlite3 installed");
    assert!(out.status.success());
}

fn vault_listing(sb: &Sandbox) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(sb.path("vault"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn new_case(sb: &Sandbox) -> i64 {
    let c = sb.json(&[
        "case",
        "new",
        "--platform",
        "微信支付",
        "--amount",
        "5,000",
        "--occurred",
        "2026-03-10 14:00",
        "--summary",
        "提现 5000 元显示处理中，三天未到账",
        "--account",
        "尾号 1234",
        "--message",
        "系统繁忙",
    ]);
    c["id"].as_i64().expect("id")
}

#[test]
fn a_case_with_timeline_evidence_contacts_and_letters_works_end_to_end() {
    let sb = Sandbox::new();
    let id = new_case(&sb);
    assert_eq!(id, 1);
    let shot = write(&sb, "提现失败.png", &png(64, 48));
    let before = sha256_file(&shot);
    let ev = sb.json(&[
        "case",
        "evidence",
        "1",
        s(&shot),
        "--caption",
        "提现失败截图",
        "--taken-at",
        "2026-03-10 14:05",
    ]);
    assert_eq!(ev["mime"], "image/png");
    assert_eq!(ev["tier"], "core");
    assert_eq!(ev["sha256"], before);
    assert_eq!(sha256_file(&shot), before, "the original was modified");
    assert_eq!(vault_listing(&sb), vec![before.clone()]);
    sb.json(&[
        "case",
        "event",
        "1",
        "--at",
        "2026-03-10 14:00",
        "--text",
        "第一次提现失败",
        "--evidence",
        "1",
    ]);
    let c = sb.json(&[
        "case",
        "contact",
        "1",
        "--at",
        "2026-03-10 15:30",
        "--channel",
        "phone",
        "--agent",
        "工号 8231",
        "--promise",
        "3个工作日内处理",
        "--due",
        "2026-03-13 23:59",
        "--outcome",
        "未处理",
    ]);
    assert_eq!(c["due"], "2026-03-13T23:59:00+08:00");

    let before_due = sb.json(&["case", "show", "1", "--at", "2026-03-13 12:00"]);
    assert_eq!(before_due["contacts"][0]["overdue"], false);
    let shown = sb.json(&["case", "show", "1", "--at", "2026-03-20 10:00"]);
    assert_eq!(shown["contacts"][0]["overdue"], true);
    assert_eq!(shown["escalation"]["next"], "supervisor");
    assert!(shown["escalation"]["reason"]["zh"]
        .as_str()
        .unwrap()
        .contains("3个工作日内处理"));
    assert_eq!(shown["timeline"][0]["evidence_id"], 1);
    assert_eq!(shown["evidence"][0]["caption"], "提现失败截图");

    let zh = sb
        .cmd(&[
            "--lang",
            "zh",
            "case",
            "letter",
            "1",
            "--at",
            "2026-03-20 10:00",
        ])
        .output()
        .unwrap();
    assert!(zh.status.success());
    let zh = String::from_utf8(zh.stdout).unwrap();
    let title = zh.lines().next().unwrap();
    assert!(
        title.contains("¥5,000.00")
            && title.contains("2026年3月10日")
            && title.contains("尾号 1234"),
        "{title}"
    );
    assert!(zh.contains("3个工作日内（即2026年3月25日前）"), "{zh}");
    assert!(zh.contains("01_提现失败截图_2026-03-10.png"));
    let en = sb.json(&[
        "--lang",
        "en",
        "case",
        "letter",
        "1",
        "--to",
        "regulator",
        "--at",
        "2026-03-20 10:00",
    ]);
    assert!(en["title"].as_str().unwrap().contains("¥5,000.00"));
    assert!(en["title"].as_str().unwrap().contains("2026-03-10"));
    assert_eq!(en["deadline"], "2026-03-27");
    assert!(en["text"]
        .as_str()
        .unwrap()
        .contains("within 5 working days, that is by 2026-03-27"));

    let due = sb.json(&["case", "due", "--at", "2026-03-20 10:00"]);
    assert_eq!(due[0]["what"], "promise_overdue");
    sb.cmd(&["--lang", "en", "case", "list", "--at", "2026-03-20 10:00"])
        .assert()
        .success()
        .stdout(contains("1 promise(s) overdue"));
}

#[test]
fn promises_are_found_in_a_pasted_chat_and_stored_only_with_add() {
    let sb = Sandbox::new();
    new_case(&sb);
    let chat = "2026-03-10 10:02 我：提现还没到账\n2026-03-10 10:03 客服小王（工号 8231）：已为您加急，3个工作日内处理完毕。\n";
    let file = write(&sb, "chat.txt", chat.as_bytes());
    let found = sb.json(&[
        "case",
        "promises",
        "1",
        s(&file),
        "--received",
        "2026-03-10 12:00",
    ]);
    assert_eq!(found["added"], 0);
    assert_eq!(found["proposals"][0]["due"], "2026-03-13T23:59:59+08:00");
    assert_eq!(found["proposals"][0]["agent"], "客服小王 工号 8231");
    assert_eq!(
        sb.json(&["case", "show", "1"])["contacts"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let added = sb.json(&[
        "case",
        "promises",
        "1",
        "-",
        "--received",
        "2026-03-10 12:00",
        "--add",
    ]);
    assert_eq!(added["added"], 0, "stdin was empty");
    let out = sb
        .cmd(&[
            "--json",
            "case",
            "promises",
            "1",
            "-",
            "--received",
            "2026-03-10 12:00",
            "--add",
        ])
        .write_stdin(chat)
        .output()
        .unwrap();
    assert!(out.status.success());
    let contacts = sb.json(&["case", "show", "1", "--at", "2026-03-16 09:00"]);
    assert_eq!(contacts["contacts"][0]["agent"], "客服小王 工号 8231");
    assert_eq!(contacts["contacts"][0]["overdue"], true);
}

#[test]
fn a_case_links_a_ledger_platform_by_name_and_keeps_other_names() {
    let sb = Sandbox::new();
    sb.json(&["platform", "add", "支付宝", "--kind", "alipay"]);
    let linked = sb.json(&[
        "case",
        "new",
        "--platform",
        "支付宝",
        "--amount",
        "10",
        "--occurred",
        "2026-03-10",
        "--summary",
        "x",
    ]);
    assert!(linked["platform_id"].is_i64());
    let loose = sb.json(&[
        "case",
        "new",
        "--platform",
        "某直播平台",
        "--amount",
        "10",
        "--occurred",
        "2026-03-10",
        "--summary",
        "x",
    ]);
    assert!(loose["platform_id"].is_null());
    let letter = sb.json(&["case", "letter", "1", "--to", "regulator"]);
    assert!(letter["addressee"].as_str().unwrap().contains("12363"));
}

#[test]
fn follow_ups_come_due_after_the_bodys_working_days() {
    let sb = Sandbox::new();
    new_case(&sb);
    sb.json(&["case", "stage", "1", "platform_complaint"]);
    let f = sb.json(&[
        "case",
        "follow-up",
        "1",
        "--body",
        "12315",
        "--filed",
        "2026-03-13 10:00",
        "--working-days",
        "7",
    ]);
    assert_eq!(f["due_on"], "2026-03-24");
    assert_eq!(
        sb.json(&["case", "due", "--at", "2026-03-23 18:00"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        sb.json(&["case", "due", "--at", "2026-03-24 09:00"])[0]["what"],
        "case_deadline"
    );
    assert_eq!(
        sb.json(&["case", "show", "1"])["case"]["status"],
        "escalated"
    );
}

/// Bad input exits 2, names what is wrong, and changes nothing: database, vault, originals.
#[test]
fn bad_input_exits_2_and_changes_nothing() {
    let sb = Sandbox::new();
    new_case(&sb);
    let good = write(&sb, "good.png", &png(10, 10));
    sb.json(&["case", "evidence", "1", s(&good)]);
    let bomb = write(&sb, "bomb.png", &bomb_png());
    let full = png(80, 80);
    let cut = write(&sb, "cut.png", &full[..full.len() / 2]);
    let fresh = write(&sb, "fresh.png", &png(12, 12));
    let missing = sb.path("missing.png");
    let originals: Vec<(PathBuf, String)> = [&bomb, &cut, &fresh, &good]
        .iter()
        .map(|p| (p.to_path_buf(), sha256_file(p)))
        .collect();
    checkpoint(&sb.db());
    let db_before = sha256_file(&sb.db());
    let vault_before = vault_listing(&sb);

    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["case", "evidence", "1", s(&missing)], "FILE"),
        (
            vec!["case", "evidence", "1", s(&bomb)],
            "decompression bomb",
        ),
        (
            vec!["case", "evidence", "1", s(&cut)],
            "damaged or truncated",
        ),
        (
            vec!["case", "evidence", "99", s(&fresh)],
            "case not found: 99",
        ),
        (vec!["case", "evidence", "1", s(&good)], "already evidence"),
        (
            vec!["case", "evidence", "1", s(&fresh), "--tier", "gold"],
            "--tier",
        ),
        (
            vec![
                "case",
                "evidence",
                "1",
                s(&fresh),
                "--taken-at",
                "yesterday",
            ],
            "--taken-at",
        ),
        (
            vec![
                "case",
                "contact",
                "1",
                "--at",
                "2026-03-10 15:30",
                "--channel",
                "phone",
                "--due",
                "2026-03-10 15:00",
            ],
            "--due",
        ),
        (
            vec![
                "case",
                "contact",
                "1",
                "--at",
                "2026-03-10 15:30",
                "--channel",
                "fax",
            ],
            "--channel",
        ),
        (
            vec![
                "case",
                "contact",
                "99",
                "--at",
                "2026-03-10 15:30",
                "--channel",
                "chat",
            ],
            "case not found",
        ),
        (
            vec!["case", "event", "99", "--at", "2026-03-10", "--text", "x"],
            "case not found",
        ),
        (
            vec![
                "case",
                "event",
                "1",
                "--at",
                "2026-03-10",
                "--text",
                "x",
                "--evidence",
                "42",
            ],
            "--evidence",
        ),
        (
            vec!["case", "event", "1", "--at", "2026-03-10", "--text", "  "],
            "--text",
        ),
        (
            vec![
                "case",
                "new",
                "--platform",
                "X",
                "--amount",
                "12,3",
                "--occurred",
                "2026-03-10",
                "--summary",
                "s",
            ],
            "--amount",
        ),
        (
            vec![
                "case",
                "new",
                "--platform",
                "X",
                "--amount",
                "0",
                "--occurred",
                "2026-03-10",
                "--summary",
                "s",
            ],
            "--amount",
        ),
        (
            vec![
                "case",
                "new",
                "--platform",
                "X",
                "--amount",
                "1",
                "--occurred",
                "2099-01-01",
                "--summary",
                "s",
            ],
            "--occurred",
        ),
        (
            vec![
                "case",
                "new",
                "--platform",
                "",
                "--amount",
                "1",
                "--occurred",
                "2026-03-10",
                "--summary",
                "s",
            ],
            "--platform",
        ),
        (
            vec![
                "case",
                "new",
                "--platform",
                "X",
                "--amount",
                "1",
                "--occurred",
                "soon",
                "--summary",
                "s",
            ],
            "--occurred",
        ),
        (vec!["case", "letter", "1", "--to", "mayor"], "--to"),
        (vec!["case", "letter", "99"], "case not found"),
        (vec!["case", "status", "1", "done"], "STATUS"),
        (vec!["case", "stage", "1", "police"], "STAGE"),
        (
            vec!["case", "promises", "99", s(&good), "--add"],
            "not UTF-8",
        ),
        (vec!["case", "promises", "1", s(&missing)], "FILE"),
        (
            vec![
                "case",
                "follow-up",
                "1",
                "--body",
                "12315",
                "--filed",
                "2026-03-13",
                "--working-days",
                "0",
            ],
            "--working-days",
        ),
        (vec!["case", "kept", "1", "7"], "contact not found"),
    ];
    for (args, needle) in &cases {
        let mut full = vec!["--lang", "en"];
        full.extend(args);
        sb.cmd(&full).assert().code(2).stderr(contains(*needle));
    }
    // Unknown case with a readable chat and --add: nothing stored.
    let chat = write(&sb, "chat.txt", "客服：3个工作日内处理".as_bytes());
    sb.cmd(&["case", "promises", "99", s(&chat), "--add"])
        .assert()
        .code(2);

    checkpoint(&sb.db());
    assert_eq!(sha256_file(&sb.db()), db_before, "database changed");
    assert_eq!(vault_listing(&sb), vault_before, "vault changed");
    for (path, hash) in originals {
        assert_eq!(sha256_file(&path), hash, "{} changed", path.display());
    }
}

#[test]
fn human_output_names_the_overdue_promise_in_chinese() {
    let sb = Sandbox::new();
    new_case(&sb);
    sb.cmd(&[
        "case",
        "contact",
        "1",
        "--at",
        "2026-03-10 15:30",
        "--channel",
        "chat",
        "--promise",
        "24小时内回复",
        "--due",
        "2026-03-11 15:30",
    ])
    .assert()
    .success();
    sb.cmd(&[
        "--lang",
        "zh",
        "case",
        "show",
        "1",
        "--at",
        "2026-03-12 09:00",
    ])
    .assert()
    .success()
    .stdout(contains("⚠ 已逾期"))
    .stdout(contains("下一步：客服主管"));
    sb.cmd(&["--lang", "zh", "case", "prep", "1"])
        .assert()
        .success()
        .stdout(contains("三句话陈述"))
        .stdout(contains("主管"));
}

/// `case export` builds the bundle from the stored case: the PDF, its files folder with
/// SHA256SUMS, and a bundle that `tixian verify` accepts.
#[test]
fn case_export_writes_a_bundle_that_verify_accepts() {
    let sb = Sandbox::new();
    let id = sb.json(&[
        "case",
        "new",
        "--platform",
        "某电商平台",
        "--amount",
        "1,234.50",
        "--occurred",
        "2026-03-10 09:00",
        "--summary",
        "提现三天未到账",
    ])["id"]
        .as_i64()
        .unwrap();
    let png = sb.path("shot.png");
    image::RgbImage::from_pixel(40, 80, image::Rgb([200, 30, 30]))
        .save(&png)
        .unwrap();
    sb.cmd(&[
        "case",
        "evidence",
        &id.to_string(),
        png.to_str().unwrap(),
        "--caption",
        "提现失败截图",
    ])
    .assert()
    .success();
    sb.cmd(&[
        "case",
        "event",
        &id.to_string(),
        "--at",
        "2026-03-10 09:05",
        "--text",
        "申请提现 1234.50 元",
    ])
    .assert()
    .success();
    let out = sb.path("bundle.pdf");
    let report = sb.json(&[
        "case",
        "export",
        &id.to_string(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(report["files"].as_array().unwrap().len(), 1);
    assert!(out.exists());
    let files = std::path::PathBuf::from(report["files_dir"].as_str().unwrap());
    assert!(files.join("SHA256SUMS").exists(), "{files:?}");
    sb.cmd(&["verify", out.to_str().unwrap()])
        .assert()
        .success();
    sb.cmd(&[
        "case",
        "export",
        &id.to_string(),
        "--out",
        out.to_str().unwrap(),
        "--tier",
        "best",
    ])
    .assert()
    .code(2)
    .stderr(predicates::str::contains("--tier"));
}
