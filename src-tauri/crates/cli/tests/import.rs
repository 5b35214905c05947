//! `tixian withdraw` and `tixian import` from outside: contract JSON, exit codes, and bad input
//! leaving the database unchanged.
mod common;

use common::{sha256_file, Sandbox};
use predicates::str::contains;
use std::io::Write;
use std::path::PathBuf;

/// The shared real-layout bills, used in place (`shared/` sits beside the repository).
fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/fixtures/bills")
        .join(name)
}

fn arg(p: &std::path::Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Folds the WAL into the main file so a byte comparison sees everything.
fn checkpointed_hash(db: &std::path::Path) -> String {
    let out = std::process::Command::new("sqlite3")
        .arg(db)
        .arg("PRAGMA wal_checkpoint(TRUNCATE);")
        .output()
        .expect("sqlite3 installed");
    assert!(out.status.success());
    sha256_file(db)
}

#[test]
fn withdraw_records_test_withdrawals_with_fee_and_arrival() {
    let sb = Sandbox::new();
    sb.json(&["platform", "add", "微信支付", "--kind", "wechat"]);
    let w = sb.json(&[
        "withdraw",
        "微信支付",
        "1.00",
        "--at",
        "2026-06-01 10:00",
        "--test",
        "--fee",
        "0.10",
        "--arrived-at",
        "2026-06-01T10:05:00+08:00",
        "--message",
        "提现已到账",
    ]);
    assert_eq!(w["amount"], "1.00");
    assert_eq!(w["fee"], "0.10");
    assert_eq!(w["status"], "arrived");
    assert_eq!(w["is_test"], true);
    assert_eq!(w["requested_at"], "2026-06-01T10:00:00+08:00");
    assert_eq!(w["arrived_at"], "2026-06-01T10:05:00+08:00");
    let f = sb.json(&[
        "withdraw",
        "微信支付",
        "5000",
        "--at",
        "2026-06-02 23:40",
        "--status",
        "failed",
    ]);
    assert_eq!(f["status"], "failed");
    assert_eq!(f["is_test"], false);
    sb.cmd(&[
        "--lang",
        "zh",
        "withdraw",
        "微信支付",
        "2",
        "--at",
        "2026-06-03",
    ])
    .assert()
    .success()
    .stdout(contains("已记录 微信支付"));
}

#[test]
fn withdraw_bad_input_exits_2_naming_the_flag_and_changes_nothing() {
    let sb = Sandbox::new();
    sb.json(&["platform", "add", "微信支付", "--kind", "wechat"]);
    sb.json(&["withdraw", "微信支付", "1", "--at", "2026-06-01"]);
    let before = checkpointed_hash(&sb.db());
    let cases: &[(&[&str], &str)] = &[
        (
            &["withdraw", "微信支付", "1.234", "--at", "2026-06-01"],
            "AMOUNT",
        ),
        (&["withdraw", "微信支付", "1", "--at", "soon"], "--at"),
        (
            &[
                "withdraw",
                "微信支付",
                "1",
                "--at",
                "2026-06-01",
                "--fee",
                "x",
            ],
            "--fee",
        ),
        (
            &[
                "withdraw",
                "微信支付",
                "1",
                "--at",
                "2026-06-01",
                "--status",
                "lost",
            ],
            "--status",
        ),
        (
            &[
                "withdraw",
                "微信支付",
                "1",
                "--at",
                "2026-06-02",
                "--arrived-at",
                "2026-06-01",
            ],
            "--arrived-at",
        ),
        (
            &[
                "withdraw",
                "微信支付",
                "1",
                "--at",
                "2026-06-01",
                "--card-tail",
                "abcd",
            ],
            "--card-tail",
        ),
        (&["withdraw", "没有", "1", "--at", "2026-06-01"], "platform"),
        (&["withdraw", "微信支付", "1"], "--at"),
    ];
    for (args, field) in cases {
        sb.cmd(args).assert().code(2).stderr(contains(*field));
    }
    assert_eq!(checkpointed_hash(&sb.db()), before, "database changed");
}

#[test]
fn import_prints_the_contract_report_and_reimport_adds_nothing() {
    let sb = Sandbox::new();
    let bill = fixture("wechat_csv_utf8.csv");
    let r = sb.json(&["import", arg(&bill)]);
    assert_eq!(r["format"], "wechat-csv");
    assert_eq!(
        (r["rows"].as_u64(), r["imported"].as_u64()),
        (Some(27), Some(27))
    );
    assert_eq!(
        (r["duplicates"].as_u64(), r["withdrawals"].as_u64()),
        (Some(0), Some(3))
    );
    assert_eq!(
        r["totals"],
        serde_json::json!({"expense": "2904.53", "income": "28.49", "neutral": "26100.89"})
    );
    assert_eq!(r["platform"], "微信支付");
    let again = sb.json(&["import", arg(&bill)]);
    assert_eq!(
        (again["imported"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(27))
    );
    let list = sb.json(&["platform", "list"]);
    assert_eq!(
        list["platforms"][0]["kind"], "wechat",
        "the platform was created with its kind"
    );
    // The original is in the vault beside the database, byte for byte.
    let kept = sb.path("vault").join(r["sha256"].as_str().unwrap());
    assert_eq!(std::fs::read(kept).unwrap(), std::fs::read(&bill).unwrap());
}

#[test]
fn import_alipay_gbk_into_a_named_platform() {
    let sb = Sandbox::new();
    sb.json(&["platform", "add", "我的支付宝", "--kind", "alipay"]);
    let r = sb.json(&[
        "import",
        arg(&fixture("alipay_csv_2019web_gbk.csv")),
        "--platform",
        "我的支付宝",
    ]);
    assert_eq!(r["format"], "alipay-web-csv");
    assert_eq!(r["platform"], "我的支付宝");
    assert_eq!(
        r["totals"],
        serde_json::json!({"expense": "3110.00", "income": "0.01", "neutral": "2808.42"})
    );
    sb.cmd(&[
        "--lang",
        "en",
        "import",
        arg(&fixture("alipay_csv_2021app_gbk.csv")),
        "--platform",
        "我的支付宝",
    ])
    .assert()
    .success()
    .stdout(contains("16 rows, 16 imported"));
}

fn encrypted_zip(dir: &std::path::Path, inner: &[u8], password: &str) -> PathBuf {
    use zip::write::SimpleFileOptions;
    let path = dir.join("微信支付账单.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = SimpleFileOptions::default().with_aes_encryption(zip::AesMode::Aes256, password);
    w.start_file("微信支付账单(20250101-20250331).xlsx", options)
        .unwrap();
    w.write_all(inner).unwrap();
    w.finish().unwrap();
    path
}

#[test]
fn import_password_zip() {
    let sb = Sandbox::new();
    let xlsx = std::fs::read(fixture("wechat_xlsx_2026fmt.xlsx")).unwrap();
    let zip = encrypted_zip(sb.dir.path(), &xlsx, "314159");
    sb.cmd(&["import", arg(&zip)])
        .assert()
        .code(2)
        .stderr(contains("--password"));
    sb.cmd(&["--lang", "en", "import", arg(&zip), "--password", "000000"])
        .assert()
        .code(2)
        .stderr(contains("password is wrong"));
    let r = sb.json(&["import", arg(&zip), "--password", "314159"]);
    assert_eq!(
        (r["format"].as_str(), r["imported"].as_u64()),
        (Some("wechat-xlsx"), Some(27))
    );
}

/// Bad files exit 2, name the file (and line and column where there is one), and leave the
/// database byte-for-byte unchanged.
#[test]
fn bad_bills_exit_2_naming_file_line_column_and_change_nothing() {
    let sb = Sandbox::new();
    sb.json(&["import", arg(&fixture("alipay_csv_2023fmt_gbk.csv"))]);
    let before = checkpointed_hash(&sb.db());
    let write = |name: &str, bytes: &[u8]| {
        let p = sb.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let header =
        "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注";
    let bad_amount = write(
        "amount.csv",
        format!("{header}\n2025-01-01 10:00:00,转账,A,/,支出,¥1.2.3,零钱,ok,1,2,/\n").as_bytes(),
    );
    let png = write("photo.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let empty = write("empty.csv", b"");
    let cases: Vec<(PathBuf, String)> = vec![
        (
            bad_amount.clone(),
            format!("{}:2:6: 金额(元)", bad_amount.display()),
        ),
        (
            png.clone(),
            format!(
                "{}: file: this is not a bill export (it is a PNG image)",
                png.display()
            ),
        ),
        (
            empty.clone(),
            format!("{}: file: the file is empty", empty.display()),
        ),
        (
            sb.path("missing.csv"),
            "missing.csv: file: cannot read the file".to_string(),
        ),
    ];
    for (path, expected) in cases {
        sb.cmd(&["--lang", "en", "import", arg(&path)])
            .assert()
            .code(2)
            .stderr(contains(expected));
    }
    assert_eq!(checkpointed_hash(&sb.db()), before, "database changed");
}
