//! What each fuzz target checks, one function per parser: for any input the parser gives a
//! value or a clean error (bad input, exit 2 — or 1 for a check that ran and failed — never
//! our own failure, exit 3, and never a panic), and where a value can be written back (money,
//! times, cases, notices) writing it and reading it again gives the same value.
//!
//! Shared by the fuzz targets (`fuzz_targets/*.rs`) and by tixian-core's
//! `tests/props/corpus.rs`, which replays every committed seed and regression input through the
//! same checks on each `cargo test` (so a crash once found stays a test).

use std::io::Write;
use std::path::Path;
use tixian_core::{time, CoreError, Lang, Money};

/// Every target's name, as `run` knows them (and as the corpus folders are named).
pub const TARGETS: [&str; 11] = [
    "money",
    "time",
    "bill",
    "case",
    "rules",
    "notice",
    "image",
    "backup",
    "backup_db",
    "verify",
    "text",
];

/// Runs target `name`'s check on `data`.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "money" => money(data),
        "time" => time(data),
        "bill" => bill(data),
        "case" => case(data),
        "rules" => rules(data),
        "notice" => notice(data),
        "image" => image(data),
        "backup" => backup(data),
        "backup_db" => backup_db(data),
        "verify" => verify(data),
        "text" => text_paste(data),
        other => panic!("no fuzz target {other}"),
    }
}

/// A clean error: the user's input (or a failed check), explained in both languages.
fn clean(what: &str, e: &CoreError) {
    assert!(
        e.exit_code() != 3,
        "{what}: a bad input was reported as our own failure: {e}"
    );
    assert!(!e.message(Lang::En).is_empty() && !e.message(Lang::Zh).is_empty());
}

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// 10^13 yuan, the most `Money` accepts.
const MAX_FEN: i64 = 1_000_000_000_000_000;

pub fn money(data: &[u8]) {
    let text = text(data);
    for parsed in [Money::parse_signed(&text), Money::parse_amount(&text)] {
        match parsed {
            Ok(m) => {
                assert!(m.fen().abs() <= MAX_FEN, "{text:?} gave {m:?}");
                assert_eq!(Money::parse_signed(&m.to_plain()).unwrap(), m, "{text:?}");
                assert_eq!(Money::parse_signed(&m.display()).unwrap(), m, "{text:?}");
                let json = serde_json::to_string(&m).unwrap();
                assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
            }
            Err(e) => {
                clean("amount", &e);
                assert_eq!(e.field_name(), Some("amount"));
            }
        }
    }
    let _ = serde_json::from_slice::<Money>(data);
}

pub fn time(data: &[u8]) {
    let text = text(data);
    match time::parse_time(&text, tixian_core::Field::At) {
        Ok(t) => {
            assert!(
                time::YEARS.contains(&chrono::Datelike::year(&t)),
                "{text:?} gave {t}"
            );
            assert!(
                time::YEARS.contains(&chrono::Datelike::year(&t.naive_utc())),
                "{text:?} gave {t}"
            );
            let stored = time::to_rfc3339(&t);
            let back = time::from_stored(&stored).unwrap();
            assert_eq!((back, back.offset()), (t, t.offset()), "{text:?}");
            let again = time::parse_time(&stored, tixian_core::Field::At).unwrap();
            assert_eq!((again, again.offset()), (t, t.offset()), "{text:?}");
            let cal = tixian_core::calendar::Calendar::embedded();
            let due = cal.add_working_days(t.date_naive(), 15);
            let _ = cal.add_calendar_days(t.date_naive(), 30);
            let _ = cal.working_days_between(t.date_naive(), due.due);
        }
        Err(e) => clean("time", &e),
    }
    match time::parse_date(&text, tixian_core::Field::From) {
        Ok(d) => {
            assert!(time::YEARS.contains(&chrono::Datelike::year(&d)));
            let back =
                time::parse_date(&d.format("%Y-%m-%d").to_string(), tixian_core::Field::From)
                    .unwrap();
            assert_eq!(back, d, "{text:?}");
        }
        Err(e) => clean("date", &e),
    }
}

/// The password the seed ZIPs are locked with.
pub const PASSWORD: &str = "123456";

pub fn bill(data: &[u8]) {
    let mut outcome = tixian_core::import::parse("bill", data, None);
    if let Err(e) = &outcome {
        if e.field_name() == Some("password") {
            outcome = tixian_core::import::parse("bill", data, Some(PASSWORD));
        }
    }
    match outcome {
        Ok(bill) => {
            let t = bill.totals;
            assert!(t.expense.fen() >= 0 && t.income.fen() >= 0 && t.neutral.fen() >= 0);
            assert!(bill.header_line >= 1);
        }
        Err(e) => {
            clean("bill", &e);
            assert_eq!(e.exit_code(), 2, "{e}");
        }
    }
}

fn now() -> time::Timestamp {
    time::parse_time("2026-07-01T09:00:00+08:00", tixian_core::Field::At).unwrap()
}

pub fn case(data: &[u8]) {
    use tixian_core::diagnose;
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    match diagnose::parse_case(json) {
        Ok(case) => {
            // What was accepted is written as the contract's JSON and read back the same
            // (numbers compared as the floats they are).
            let written = serde_json::to_string(&case).unwrap();
            let back = diagnose::parse_case(&written)
                .unwrap_or_else(|e| panic!("{written} does not read back: {e}"));
            assert_eq!(without_floats(&back), without_floats(&case), "{written}");
            let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => (a - b).abs() <= a.abs() * 1e-12,
                (a, b) => a.is_none() && b.is_none(),
            };
            assert!(close(back.hours_since_request, case.hours_since_request));
            assert!(close(
                back.context.device_age_hours,
                case.context.device_age_hours
            ));
            assert!(close(
                back.context.login_distance_km,
                case.context.login_distance_km
            ));
            let kb = tixian_core::kb::Kb::embedded();
            let _ = diagnose::diagnose(kb, &case, Lang::Zh, &now());
        }
        Err(e) => {
            clean("case", &e);
            assert_eq!(e.exit_code(), 2, "{e}");
        }
    }
}

fn without_floats(case: &tixian_core::diagnose::Case) -> tixian_core::diagnose::Case {
    let mut c = case.clone();
    c.hours_since_request = None;
    c.context.device_age_hours = None;
    c.context.login_distance_km = None;
    c
}

/// The first byte picks the embedded rule file the rest replaces (as a user override written
/// into the user's rule folder); the loader for that file's folder then reads everything.
pub fn rules(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let embedded = tixian_core::rules::embedded();
    let mut paths: Vec<String> = embedded.iter().map(|f| f.path.clone()).collect();
    paths.sort();
    let path = &paths[pick as usize % paths.len()];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, rest).unwrap();
    let files = match tixian_core::rules::load(Some(dir.path())) {
        Ok(files) => files,
        // Not UTF-8: the loader says so, as bad input naming the file.
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            return;
        }
    };
    let folder = path.split_once('/').map_or("", |(f, _)| f);
    match folder {
        "calendar" => {
            if let Err(e) = tixian_core::calendar::Calendar::from_rules(&files) {
                assert!(!e.to_string().is_empty());
            }
        }
        "routes" => {
            if let Err(e) = tixian_core::route::routes(&files) {
                assert!(!e.to_string().is_empty());
            }
        }
        "letters" => {
            let _ = tixian_core::cases::rules_check::check(&files);
        }
        _ => {
            let _ = tixian_core::kb::Kb::load(&files);
        }
    }
}

/// The notice text; parsed, saved as a calendar file and loaded again it gives the same days.
pub fn notice(data: &[u8]) {
    use tixian_core::calendar;
    let text = text(data);
    let parsed = match calendar::parse_notice(&text, None) {
        Err(e) if e.field_name() == Some("year") => calendar::parse_notice(&text, Some(2027)),
        other => other,
    };
    let n = match parsed {
        Ok(n) => n,
        Err(e) => {
            clean("notice", &e);
            assert_eq!(e.exit_code(), 2, "{e}");
            return;
        }
    };
    assert!(n.days_off.windows(2).all(|w| w[0] < w[1]));
    assert!(n.make_up_working_days.windows(2).all(|w| w[0] < w[1]));
    let dir = tempfile::tempdir().unwrap();
    let checked = chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    match calendar::import::calendar_with(dir.path(), &n, checked) {
        Ok(cal) => {
            let year = cal
                .schedule(n.year)
                .expect("the saved year is in the calendar");
            assert_eq!(year.holidays, n.holidays, "saved and read back");
            for d in &n.days_off {
                assert!(!cal.is_working_day(*d), "{d} is a day off");
            }
            for d in &n.make_up_working_days {
                assert!(cal.is_working_day(*d), "{d} is worked");
            }
        }
        Err(e) => clean("saved notice", &e),
    }
}

pub fn image(data: &[u8]) {
    use tixian_core::cases::evidence;
    let mime = evidence::sniff_mime(data, "x.png");
    match evidence::decode_image(data) {
        Ok(img) => {
            assert!(
                img.width() <= evidence::MAX_IMAGE_SIDE && img.height() <= evidence::MAX_IMAGE_SIDE
            );
        }
        Err(e) => {
            clean("image", &e);
        }
    }
    match evidence::thumbnail_png(data) {
        Ok(Some(png)) => {
            assert!(png.starts_with(b"\x89PNG"));
            assert!(mime.starts_with("image/"));
        }
        Ok(None) => {}
        Err(e) => clean("thumbnail", &e),
    }
    if let Some(t) = evidence::exif_taken_at(data) {
        assert!(time::YEARS.contains(&chrono::Datelike::year(&t)));
    }
}

/// Restores the archive into a fresh folder: a clean refusal, or a database that opens.
fn restore_archive(archive: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.zip");
    std::fs::write(&path, archive).unwrap();
    let db = dir.path().join("data").join("tixian.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    match tixian_core::health::restore(&db, &path, &now()) {
        Ok(report) => {
            assert!(report.vault_added <= report.vault_files);
            let store = tixian_core::Store::open_checked(&db)
                .unwrap_or_else(|e| panic!("a restored database does not open: {e}"));
            drop(store);
        }
        Err(e) => {
            clean("backup", &e);
            assert!(!db.exists(), "a refused restore left a database");
        }
    }
}

pub fn backup(data: &[u8]) {
    restore_archive(data);
}

/// The bytes are `db.sqlite`; the archive around them is well formed (manifest, hash), so
/// what is tested is the database checks of a restore.
pub fn backup_db(data: &[u8]) {
    restore_archive(&archive_around(data));
}

/// A backup archive holding `db` as its database, with a manifest that matches it.
pub fn archive_around(db: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    let manifest = serde_json::json!({
        "format": "tixian-backup",
        "version": 1,
        "schema_version": 1,
        "created_at": "2026-07-01T09:00:00+08:00",
        "app_version": "0.1.0",
        "db_sha256": hex::encode(sha2::Sha256::digest(db)),
        "vault": [],
    });
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file("manifest.json", opts).unwrap();
    w.write_all(manifest.to_string().as_bytes()).unwrap();
    w.start_file("db.sqlite", opts).unwrap();
    w.write_all(db).unwrap();
    w.finish().unwrap().into_inner()
}

pub fn verify(data: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("bundle.pdf");
    std::fs::write(&pdf, data).unwrap();
    verify_at(&pdf);
}

/// Verifies the bundle at `pdf`: a report, or a clean refusal.
pub fn verify_at(pdf: &Path) {
    match tixian_core::export::verify_bundle(pdf) {
        Ok(report) => {
            assert_eq!(report.ok, report.problems().next().is_none());
        }
        Err(e) => clean("verify", &e),
    }
}

/// Pasted text: a customer-service chat (promises, each storable or refused as bad input),
/// payout rules (its halves as the old and new text) and a screenshot's text.
pub fn text_paste(data: &[u8]) {
    let text = text(data);
    let received = time::parse_time("2026-03-10 20:00", tixian_core::Field::Received).unwrap();
    let cal = tixian_core::calendar::Calendar::embedded();
    for p in tixian_core::cases::promises::find_promises(&text, &received, &cal) {
        if let Err(e) = p.to_contact() {
            clean("promise", &e);
            assert_eq!(e.exit_code(), 2, "{e}");
        }
    }
    let mut mid = text.len() / 2;
    while !text.is_char_boundary(mid) {
        mid -= 1;
    }
    let (old, new) = text.split_at(mid);
    let _ = tixian_core::health::rule_text::figures(&text);
    let _ = tixian_core::health::rule_text::diff_lines(old, new);
    let _ = tixian_core::health::rule_text::rises(old, new);
    let _ = tixian_core::diagnose::message_from_text(tixian_core::kb::Kb::embedded(), &text);
}
