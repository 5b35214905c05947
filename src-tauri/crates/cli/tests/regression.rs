//! One test per defect found by the hostile-file review (issue 17), each named after what
//! broke, run against the built `tixian` binary. The hostile files are in
//! `tests/fixtures/hostile/` (made by its `generate.py`) or built here.
mod common;

use common::Sandbox;
use std::path::{Path, PathBuf};

fn hostile(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures/hostile")
        .join(name)
}

fn arg(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Runs the command and returns (exit code, stdout, stderr).
fn run(sb: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let out = sb.cmd(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn count(db: &Path, table: &str) -> i64 {
    let c = rusqlite::Connection::open(db).expect("db opens");
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

#[test]
fn xlsx_with_huge_unique_count_aborted_the_process() {
    let sb = Sandbox::new();
    let file = hostile("xlsx-unique-count.xlsx");
    assert!(std::fs::metadata(&file).unwrap().len() < 2048);
    let (code, _, err) = run(&sb, &["--lang", "en", "import", arg(&file)]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "xlsx-unique-count.xlsx: file: the XLSX claims 1000000000000000 distinct strings"
        ),
        "{err}"
    );
    assert!(!sb.db().exists() || count(&sb.db(), "transactions") == 0);
}

#[test]
fn xlsx_with_cells_at_a1_and_xfd1048576_aborted_the_process() {
    let sb = Sandbox::new();
    let file = hostile("xlsx-far-cells.xlsx");
    let (code, _, err) = run(&sb, &["--lang", "en", "import", arg(&file)]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "xlsx-far-cells.xlsx:Sheet1: file: the sheet's used range A1:XFD1048576 is too large"
        ),
        "{err}"
    );
    // A lying <dimension> alone is harmless: that bill imports.
    let honest = hostile("xlsx-dimension.xlsx");
    let r = sb.json(&["import", arg(&honest)]);
    assert_eq!(
        (r["format"].as_str(), r["imported"].as_u64()),
        (Some("wechat-xlsx"), Some(1))
    );
}

fn file_hash(p: &Path) -> String {
    common::sha256_file(p)
}

#[test]
fn backup_onto_the_live_database_replaced_it_with_a_zip() {
    let sb = Sandbox::new();
    sb.json(&["platform", "add", "微信支付", "--kind", "wechat"]);
    let before = file_hash(&sb.db());
    let db = sb.db();
    for target in [db.clone(), sb.path("./tixian.db"), sb.path("tixian.db-wal")] {
        let (code, _, err) = run(&sb, &["--lang", "en", "backup", arg(&target)]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("that is the live database"), "{err}");
    }
    assert_eq!(file_hash(&sb.db()), before, "database untouched");
    let list = sb.json(&["platform", "list"]);
    assert_eq!(list["platforms"].as_array().map(Vec::len), Some(1));
}

#[test]
fn backup_onto_a_vault_file_destroyed_an_evidence_original() {
    let sb = Sandbox::new();
    let bill = hostile("xlsx-dimension.xlsx");
    let r = sb.json(&["import", arg(&bill)]);
    let original = sb.path("vault").join(r["sha256"].as_str().unwrap());
    let before = file_hash(&original);
    for target in [original.clone(), sb.path("vault/new-backup.zip")] {
        let (code, _, err) = run(&sb, &["--lang", "en", "backup", arg(&target)]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("inside the evidence vault"), "{err}");
    }
    assert_eq!(file_hash(&original), before, "the original untouched");
    let names: Vec<_> = std::fs::read_dir(sb.path("vault")).unwrap().collect();
    assert_eq!(names.len(), 1, "nothing added to the vault");
}

#[test]
fn one_time_in_year_10000_broke_health_for_good() {
    let sb = Sandbox::new();
    sb.json(&["platform", "add", "微信支付", "--kind", "wechat"]);
    for args in [
        &["withdraw", "微信支付", "1.00", "--at", "+10000-01-01 10:00"][..],
        &["balance", "微信支付", "5.00", "--at", "+10000-01-01 10:00"][..],
        &["signal", "微信支付", "other", "--at", "+10000-01-01"][..],
    ] {
        let (code, _, err) = run(&sb, &[&["--lang", "en"], args].concat());
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains("has a year out of range (only 0000 to 9999)"),
            "{err}"
        );
    }
    assert_eq!(count(&sb.db(), "withdrawals"), 0);
    let h = sb.json(&["health", "--at", "2026-07-01 09:00"]);
    assert_eq!(h["total"], "0.00");
}

#[test]
fn health_at_year_minus_262143_panicked() {
    let sb = Sandbox::new();
    sb.json(&["platform", "add", "微信支付", "--kind", "wechat"]);
    let (code, _, err) = run(&sb, &["--lang", "en", "health", "--at=-262143-03-01"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err.trim(),
        "error: --at: “-262143-03-01” has a year out of range (only 0000 to 9999)"
    );
}

fn write(sb: &Sandbox, name: &str, bytes: &[u8]) -> PathBuf {
    let p = sb.path(name);
    std::fs::write(&p, bytes).expect("written");
    p
}

#[test]
fn chat_log_starting_with_bm_was_refused_as_a_broken_bmp() {
    let sb = Sandbox::new();
    sb.json(&[
        "case",
        "new",
        "--platform",
        "微信支付",
        "--amount",
        "5000",
        "--occurred",
        "2026-03-05 23:40",
        "--summary",
        "提现未到账",
    ]);
    let chat = write(
        &sb,
        "聊天记录.txt",
        "BM: 你好，我的提现什么时候到账？\n客服：请耐心等待三个工作日。\n".as_bytes(),
    );
    let item = sb.json(&["case", "evidence", "1", arg(&chat)]);
    assert_eq!(item["mime"], "text/plain");
    assert!(item["width"].is_null());
    // A real BMP (full file and DIB headers) is still an image.
    let mut bmp = Vec::new();
    image::RgbImage::from_pixel(7, 5, image::Rgb([1, 2, 3]))
        .write_to(&mut std::io::Cursor::new(&mut bmp), image::ImageFormat::Bmp)
        .expect("bmp");
    let bmp = write(&sb, "shot.bmp", &bmp);
    let item = sb.json(&["case", "evidence", "1", arg(&bmp)]);
    assert_eq!(
        (item["mime"].as_str(), item["width"].as_i64()),
        (Some("image/bmp"), Some(7))
    );
}
