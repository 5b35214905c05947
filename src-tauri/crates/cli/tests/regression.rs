//! One test per defect found by the hostile-file review (issue 17), each named after what
//! broke, run against the built `tixian` binary. The hostile files are in
//! `tests/fixtures/hostile/` (made by its `generate.py`) or built here.
mod common;

use common::Sandbox;
use image::ImageEncoder;
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
    new_case(&sb, "提现未到账");
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

/// Case #1: 微信支付, ¥5,000.00, 2026-03-05 23:40.
fn new_case(sb: &Sandbox, summary: &str) {
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
        summary,
    ]);
}

/// A case (#1) with one piece of evidence, ready to export.
fn case_with(sb: &Sandbox, summary: &str, evidence: &Path) {
    new_case(sb, summary);
    sb.json(&["case", "evidence", "1", arg(evidence)]);
}

/// Runs `cmd` to the end and returns (exit code, peak resident set in KiB, stderr), the peak
/// from `wait4` on that one child. The child is forked (a `pre_exec` hook stops std from using
/// `posix_spawn`, whose child would report this process's own lifetime peak): it starts from
/// what this process holds at the moment, so keep that small.
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which also gives its resource use"
)]
fn run_measured(mut cmd: std::process::Command) -> (i32, i64, String) {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    // SAFETY: the hook does nothing, so nothing unsafe runs between fork and exec.
    unsafe { cmd.pre_exec(|| Ok(())) };
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr read");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data, filled in by wait4 for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, usage.ru_maxrss, err)
}

const SIDE: usize = 15_000;

/// A SIDE×SIDE image of one grey but for a 64-pixel half-transparent square: its grey and
/// alpha samples interleaved (`[pixels]`), or as two planes (`[grey, alpha]`).
fn huge_pixels(interleaved: bool) -> Vec<Vec<u8>> {
    let (plain, dot): (&[&[u8]], &[&[u8]]) = if interleaved {
        (&[&[200, 255]], &[&[30, 128]])
    } else {
        (&[&[200], &[255]], &[&[30], &[128]])
    };
    plain
        .iter()
        .zip(dot)
        .map(|(plain, dot)| {
            let mut v = plain.repeat(SIDE * SIDE);
            for y in 100..164 {
                for x in 100..164 {
                    let i = (y * SIDE + x) * dot.len();
                    v[i..i + dot.len()].copy_from_slice(dot);
                }
            }
            v
        })
        .collect()
}

#[test]
fn export_of_a_15000_square_png_took_1_8_gb() {
    // Grey and alpha: 450 MB decoded, within the 512 MB evidence limit (RGBA at this size is
    // refused when it is added). The PNG is well under 1 MB and has to be decoded to split off
    // its soft mask.
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::Up,
    )
    .write_image(
        &huge_pixels(true)[0],
        SIDE as u32,
        SIDE as u32,
        image::ExtendedColorType::La8,
    )
    .expect("png");
    assert!(png.len() < 1_000_000, "{}", png.len());
    let sb = Sandbox::new();
    let file = write(&sb, "huge.png", &png);
    case_with(&sb, "长截图", &file);

    // Run while this process is small again (the pixels above are freed).
    let pdf = sb.path("bundle.pdf");
    let export = sb.std_cmd(&["case", "export", "1", "--out", arg(&pdf)]);
    let (code, peak_kib, err) = run_measured(export);
    assert_eq!(code, 0, "{err}");
    println!("export peak RSS: {} MB", peak_kib / 1024);
    // Before: four full copies (decoded, RGBA, colour, alpha), 1.8 GB. Now the PNG is read
    // row by row; a generous bound even for one decoded copy.
    assert!(
        peak_kib < 600 * 1024,
        "export peaked at {} MB",
        peak_kib / 1024
    );

    // The image in the PDF is the original, pixel for pixel: grey plane and soft mask.
    let out = sb.path("img");
    let status = std::process::Command::new("pdfimages")
        .args(["-png", arg(&pdf), arg(&out)])
        .status()
        .expect("pdfimages (poppler-utils, installed by dev.sh setup) runs");
    assert!(status.success());
    let expected = huge_pixels(false);
    for (n, want) in ["000", "001"].iter().zip(&expected) {
        let img = image::open(sb.path(&format!("img-{n}.png"))).expect("extracted image");
        assert_eq!((img.width(), img.height()), (SIDE as u32, SIDE as u32));
        assert!(
            img.into_luma8().into_raw() == *want,
            "img-{n} (grey, then the soft mask) differs from the original"
        );
    }
}

#[test]
fn export_beside_a_dangling_files_symlink_exited_3() {
    let sb = Sandbox::new();
    let note = write(&sb, "note.txt", "客服电话记录".as_bytes());
    case_with(&sb, "提现未到账", &note);
    let link = sb.path("bundle.files");
    std::os::unix::fs::symlink(sb.path("gone/nowhere"), &link).expect("symlink");
    let pdf = sb.path("bundle.pdf");
    for lang in ["en", "zh"] {
        let (code, _, err) = run(
            &sb,
            &["--lang", lang, "case", "export", "1", "--out", arg(&pdf)],
        );
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(arg(&link)), "{err}");
        let says = if lang == "en" {
            "is a symbolic link to nowhere"
        } else {
            "是指向不存在位置"
        };
        assert!(err.contains(says), "{err}");
    }
    assert!(!pdf.exists(), "no PDF written");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let left: Vec<_> = std::fs::read_dir(sb.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tixian-tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn placeholders_in_case_texts_were_expanded_again_in_letters() {
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
        "客服说 {amount} 会在 {deadline_date} 前退回",
        "--message",
        "余额 {amount}",
    ]);
    sb.json(&[
        "case",
        "contact",
        "1",
        "--at",
        "2026-03-06 10:00",
        "--channel",
        "chat",
        "--outcome",
        "期限 {deadline_date}",
    ]);
    for lang in ["zh", "en"] {
        for to in ["platform", "regulator"] {
            let l = sb.json(&[
                "--lang",
                lang,
                "case",
                "letter",
                "1",
                "--to",
                to,
                "--at",
                "2026-03-10 10:00",
            ]);
            let text = l["text"].as_str().unwrap();
            // The summary is in the platform letter; the regulator's has the one-page summary.
            let summary =
                (to == "platform").then_some("客服说 {amount} 会在 {deadline_date} 前退回");
            for typed in summary
                .into_iter()
                .chain(["余额 {amount}", "期限 {deadline_date}"])
            {
                assert!(
                    text.contains(typed),
                    "{lang} {to}: {typed} missing in\n{text}"
                );
            }
            // The template's own placeholders are filled, once.
            let deadline = l["deadline"].as_str().unwrap();
            let parts: Vec<&str> = deadline.split('-').collect();
            let shown = match (lang, &parts[..]) {
                ("zh", [y, m, d]) => format!(
                    "{y}年{}月{}日",
                    m.trim_start_matches('0'),
                    d.trim_start_matches('0')
                ),
                _ => deadline.to_string(),
            };
            assert!(text.contains(&shown), "{shown} missing in\n{text}");
        }
    }
    let prep = sb.json(&["case", "prep", "1"]);
    assert!(
        prep["statement"]
            .as_str()
            .unwrap()
            .contains("余额 {amount}"),
        "{prep}"
    );
}

/// Runs `args` and fails the test if it has not ended within a minute (it is killed).
fn run_with_deadline(sb: &Sandbox, args: &[&str]) -> (i32, String) {
    use std::io::Read;
    let mut child = sb
        .std_cmd(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} still running after a minute: it hangs");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr read");
    (status.code().unwrap_or(-1), err)
}

#[test]
fn fifo_or_dev_zero_in_the_rules_folder_hung_every_command() {
    let sb = Sandbox::new();
    new_case(&sb, "提现未到账");
    let rules = sb.path("rules");
    std::fs::create_dir_all(rules.join("letters")).unwrap();
    let fifo = rules.join("letters/platform.toml");
    let c = std::ffi::CString::new(arg(&fifo)).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    let (code, err) = run_with_deadline(&sb, &["--lang", "en", "case", "letter", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "{} in the rule folder: is not a regular file",
            fifo.display()
        )),
        "{err}"
    );
    std::fs::remove_file(&fifo).unwrap();

    let zero = rules.join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let (code, err) = run_with_deadline(&sb, &["--lang", "en", "kb", "check"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("{}", zero.display())), "{err}");
    assert!(err.contains("is not a regular file"), "{err}");
    std::fs::remove_file(&zero).unwrap();

    let big = rules.join("big.toml");
    std::fs::write(&big, "#".repeat(2 << 20)).unwrap();
    let (code, err) = run_with_deadline(&sb, &["--lang", "en", "kb", "check"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "{} in the rule folder: is over 1024 KB",
            big.display()
        )),
        "{err}"
    );
}

#[test]
fn user_rule_files_replaced_built_in_ones_silently() {
    let sb = Sandbox::new();
    let rules = sb.path("rules");
    std::fs::create_dir_all(rules.join("letters")).unwrap();
    let built_in =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../rules/letters/platform.toml");
    std::fs::copy(&built_in, rules.join("letters/platform.toml")).unwrap();
    let report = sb.json(&["kb", "check"]);
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(
        report["user_files"],
        serde_json::json!([{
            "path": "letters/platform.toml",
            "file": rules.join("letters/platform.toml").display().to_string(),
            "replaces_built_in": true,
        }])
    );
    let out = sb.cmd(&["--lang", "en", "kb", "check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("from your rules folder (1 files"), "{text}");
    assert!(
        text.contains("letters/platform.toml  (replaces the built-in file)"),
        "{text}"
    );
    // No folder, nothing listed.
    std::fs::remove_dir_all(&rules).unwrap();
    assert_eq!(
        sb.json(&["kb", "check"])["user_files"],
        serde_json::json!([])
    );
}

#[test]
fn escape_sequences_in_a_bill_cell_reached_the_terminal() {
    let sb = Sandbox::new();
    let cell = "\u{1b}[2J\u{1b}[31m12\r\u{1b}]0;pwned\u{7}\u{9b}1m\u{202e}x\u{7f}";
    let bill = format!(
        "微信支付账单明细\n微信昵称：[x]\n\n交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n2026-01-02 10:00:00,转账,张三,/,支出,\"{cell}\",零钱,支付成功,4200001,10001,/\n"
    );
    let file = write(&sb, "evil.csv", bill.as_bytes());
    let (code, _, err) = run(&sb, &["--lang", "en", "import", arg(&file)]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("evil.csv:5:6: 金额(元): “12 x” is not an amount"),
        "{err:?}"
    );
    let body = err.strip_suffix('\n').unwrap_or(&err);
    assert!(
        !body
            .chars()
            .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{err:?}"
    );
    assert!(!sb.db().exists() || count(&sb.db(), "transactions") == 0);
}

#[test]
fn escape_sequences_in_a_user_rule_file_reached_the_terminal_through_kb_check() {
    let sb = Sandbox::new();
    let rules = sb.path("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(
        rules.join("evil.toml"),
        "[[rule]]\nid = \"evil\\u001b[2Jrule\"\ncause = \"x\\u001b]0;pwned\\u0007\"\n",
    )
    .unwrap();
    let (code, out, _) = run(&sb, &["--lang", "en", "kb", "check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("evil.toml: evilrule: platforms:"), "{out:?}");
    assert!(!out.chars().any(|c| c != '\n' && c.is_control()), "{out:?}");
}
