//! The synthetic screenshot set (`tests/fixtures/ocr/`, made by its `generate.py`): each image
//! is read once per test run and compared with the golden text beside it.

use super::*;
use crate::diagnose::{self, message_from_text};
use crate::kb::Kb;
use crate::lang::Lang;
use std::path::PathBuf;
use std::sync::OnceLock;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/ocr")
}

struct Read {
    name: String,
    golden: String,
    result: OcrResult,
}

/// Every fixture read (once for all tests), in name order.
fn set() -> &'static [Read] {
    static SET: OnceLock<Vec<Read>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
            .expect("tests/fixtures/ocr")
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                p.extension()
                    .is_some_and(|e| e == "png" || e == "jpg" || e == "webp")
            })
            .collect();
        paths.sort();
        assert!(paths.len() >= 12, "the screenshot set is incomplete");
        paths
            .into_iter()
            .map(|p| Read {
                name: p.file_stem().unwrap().to_string_lossy().into_owned(),
                golden: std::fs::read_to_string(p.with_extension("txt"))
                    .expect("golden text beside the image")
                    .trim_end()
                    .to_string(),
                result: read_file(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
            })
            .collect()
    })
}

fn get(name: &str) -> &'static Read {
    set()
        .iter()
        .find(|r| r.name.starts_with(name))
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

/// Levenshtein distance over characters.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

fn visible(s: &str) -> Vec<char> {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn character_accuracy_over_the_screenshot_set_is_at_least_97_percent() {
    let (mut errors, mut total, mut exact) = (0, 0, 0);
    for r in set() {
        exact += usize::from(r.golden == r.result.text);
        let (want, got) = (visible(&r.golden), visible(&r.result.text));
        let d = distance(&want, &got);
        println!(
            "{:<28} {:>3} chars, {:>2} wrong{}",
            r.name,
            want.len(),
            d,
            if d > 0 || r.golden != r.result.text {
                format!(
                    "\n  want {}\n  got  {}",
                    r.golden.replace('\n', " | "),
                    r.result.text.replace('\n', " | ")
                )
            } else {
                String::new()
            }
        );
        errors += d;
        total += want.len();
    }
    let accuracy = 1.0 - errors as f64 / total as f64;
    println!(
        "OCR character accuracy: {:.2} % ({errors} errors in {total} characters, {} screenshots; \
         {exact} read exactly, line breaks included)",
        accuracy * 100.0,
        set().len()
    );
    assert!(accuracy >= 0.97, "character accuracy {accuracy:.4} < 0.97");
}

#[test]
fn wrapped_lines_of_a_paragraph_come_out_as_one_line() {
    let dialog = get("02-");
    assert!(
        dialog
            .result
            .text
            .lines()
            .any(|l| l == "支付宝账号和姓名不匹配，请确认姓名是否正确"),
        "{}",
        dialog.result.text
    );
    // Two visual lines, one paragraph.
    let pieces = dialog
        .result
        .lines
        .iter()
        .filter(|l| l.text.contains("支付宝") || l.text.contains("是否正确"))
        .count();
    assert_eq!(pieces, 2, "{:#?}", dialog.result.lines);
}

#[test]
fn lines_come_in_reading_order_with_boxes_inside_the_image() {
    for r in set() {
        let res = &r.result;
        assert!(!res.lines.is_empty(), "{}", r.name);
        for pair in res.lines.windows(2) {
            let (a, b) = (pair[0].bbox, pair[1].bbox);
            assert!(a[1] + a[3] <= b[1] + b[3] + 4, "{}: {pair:?}", r.name);
        }
        for l in &res.lines {
            let [x0, y0, x1, y1] = l.bbox;
            assert!(
                x0 < x1 && y0 < y1 && x1 <= res.width && y1 <= res.height,
                "{}: {l:?}",
                r.name
            );
            assert!((0.5..=1.0).contains(&l.confidence), "{}: {l:?}", r.name);
        }
    }
    let page = get("01-");
    assert_eq!((page.result.width, page.result.height), (1080, 2400));
}

/// What a user would type from each screenshot, and the diagnosis it must match.
const TYPED: [(&str, &str); 10] = [
    ("01-", "当日提现金额已超过限额"),
    ("02-", "支付宝账号和姓名不匹配，请确认姓名是否正确"),
    ("03-", "超出用户月收款限额"),
    // The page adds the arrival estimate under the message; a user copies both.
    (
        "04-",
        "交易已受理，请稍后查询交易。预计2小时内到账，到账时间以银行为准",
    ),
    (
        "05-",
        "非实名用户账号不可发放，请完成实名认证后重新领取奖励",
    ),
    ("06-", "你的账户存在异常，暂时无法使用此功能"),
    ("08-", "仅支持提现到本人名下的银行卡"),
    ("10-", "单笔提现金额不能超过50000元"),
    ("11-", "您的账户已被有权机关冻结"),
    // The detail row says why; a user types the reason with the message.
    ("12-", "提现失败，资金已退回零钱。失败原因：银行卡已注销"),
];

fn top_cause(kb: &Kb, message: &str) -> Option<String> {
    let json = serde_json::json!({"platform": "wechat", "action": "withdraw", "status": "failed", "message": message});
    let case = diagnose::parse_case(&json.to_string()).expect("case");
    let now = crate::time::parse_time("2026-03-05T12:00:00+08:00", crate::Field::At).expect("time");
    diagnose::diagnose(kb, &case, Lang::Zh, &now)
        .causes
        .first()
        .map(|c| c.id.to_string())
}

#[test]
fn diagnosis_from_the_screenshot_ranks_the_same_top_cause_as_the_typed_text() {
    let kb = Kb::embedded();
    let mut recognised = 0;
    for (name, typed) in TYPED {
        let r = get(name);
        let from_image = message_from_text(kb, &r.result.text);
        // Some real messages (超出用户月收款限额 …) are not in the knowledge base yet; then
        // neither gives a cause, which is the same answer.
        let want = top_cause(kb, typed);
        recognised += usize::from(want.is_some());
        assert_eq!(
            top_cause(kb, &from_image),
            want,
            "{}: message read {from_image:?}",
            r.name
        );
    }
    assert!(
        recognised >= 6,
        "only {recognised} typed messages have a cause"
    );
}

#[test]
fn an_image_without_text_gives_no_lines() {
    let blank = image::RgbImage::from_pixel(720, 1280, image::Rgb([250, 250, 250]));
    let mut png = std::io::Cursor::new(Vec::new());
    blank
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("encode");
    let result = read_bytes(png.get_ref(), "blank.png").expect("read");
    assert_eq!((result.width, result.height), (720, 1280));
    assert!(result.lines.is_empty(), "{:?}", result.lines);
    assert_eq!(result.text, "");
}

#[test]
fn not_an_image_and_a_truncated_image_are_refused_naming_the_file() {
    let err = read_bytes(b"%PDF-1.7 not a screenshot", "bill.pdf").unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(
        err.message(Lang::En).contains("bill.pdf"),
        "{}",
        err.message(Lang::En)
    );
    assert!(err.message(Lang::Zh).contains("不是图片"));
    let png = std::fs::read(fixtures_dir().join("03-toast.png")).expect("fixture");
    let err = read_bytes(&png[..png.len() / 3], "cut.png").unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(
        err.message(Lang::En).contains("cut.png"),
        "{}",
        err.message(Lang::En)
    );
    let err = read_file(&fixtures_dir().join("no-such.png")).unwrap_err();
    assert!(err.message(Lang::En).contains("no-such.png"));
}

#[test]
fn a_stop_request_ends_the_work_without_a_result() {
    let png = std::fs::read(fixtures_dir().join("03-toast.png")).expect("fixture");
    let mut seen = Vec::new();
    let got = read_bytes_with(&png, "toast.png", &mut |p| {
        seen.push(p);
        false
    })
    .expect("no error");
    assert!(got.is_none());
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].done, 1);
}
