//! Properties of the knowledge files a user may override and of the State Council notice
//! text: any override (random text, a mutated built-in file, a built-in file with one value
//! replaced by any other) is loaded or refused with a problem, never a panic; any notice text
//! is read or refused naming the line; a notice written from any schedule reads back as that
//! schedule, and saved as a calendar file it gives the same days off and working days.

use crate::fixtures;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use proptest::prelude::*;
use std::collections::BTreeSet;
use tixian_core::calendar::{self, Calendar};
use tixian_core::kb::Kb;
use tixian_core::rules::{self, RuleFile};

fn embedded() -> &'static [RuleFile] {
    static FILES: std::sync::OnceLock<Vec<RuleFile>> = std::sync::OnceLock::new();
    FILES.get_or_init(|| {
        let mut f = rules::embedded();
        f.sort_by(|a, b| a.path.cmp(&b.path));
        f
    })
}

/// Loads the knowledge with file `index` replaced by `text` (from the user folder), through the
/// loader of that file's folder. Returns whether it loaded.
fn load_with(index: usize, text: String) -> bool {
    let mut files = embedded().to_vec();
    let path = files[index].path.clone();
    files[index] = RuleFile {
        path: path.clone(),
        text,
        from_user: true,
    };
    match path.split_once('/').map_or("", |(f, _)| f) {
        "calendar" => Calendar::from_rules(&files)
            .map_err(|e| assert!(!e.to_string().is_empty()))
            .is_ok(),
        "routes" => tixian_core::route::routes(&files)
            .map_err(|e| assert!(!e.to_string().is_empty()))
            .is_ok(),
        "letters" => tixian_core::cases::rules_check::check(&files).is_empty(),
        _ => Kb::load(&files).map_err(|p| assert!(!p.is_empty())).is_ok(),
    }
}

fn file_index() -> impl Strategy<Value = usize> {
    0..embedded().len()
}

/// Any TOML value, nested a little.
fn toml_value() -> impl Strategy<Value = toml::Value> {
    let leaf = prop_oneof![
        any::<String>().prop_map(toml::Value::String),
        proptest::sample::select(vec![
            "",
            "high",
            "low",
            "seeds/001.md",
            "2026-13-01",
            "2026-01-01",
            "wechat",
            "[",
            "(?P<x",
            "a{99999}"
        ])
        .prop_map(|s| toml::Value::String(s.into())),
        any::<i64>().prop_map(toml::Value::Integer),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(toml::Value::Float),
        any::<bool>().prop_map(toml::Value::Boolean),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(toml::Value::Array),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| toml::Value::Table(m.into_iter().collect())),
        ]
    })
}

/// Replaces the `pick`th leaf (in document order) of `value` by `new`; returns whether one was.
fn replace_leaf(value: &mut toml::Value, pick: &mut usize, new: &toml::Value) -> bool {
    match value {
        toml::Value::Table(t) => t.iter_mut().any(|(_, v)| replace_leaf(v, pick, new)),
        toml::Value::Array(a) => a.iter_mut().any(|v| replace_leaf(v, pick, new)),
        leaf => {
            if *pick == 0 {
                *leaf = new.clone();
                true
            } else {
                *pick -= 1;
                false
            }
        }
    }
}

/// The harness itself: a built-in file given back unchanged loads, through each folder's
/// loader (the knowledge base once: it is the slow one).
#[test]
fn the_built_in_files_load_through_the_same_path() {
    let mut seen = std::collections::BTreeSet::new();
    for (i, f) in embedded().iter().enumerate() {
        let folder = f.path.split_once('/').map_or("", |(f, _)| f);
        let folder = if folder == "messages" { "" } else { folder };
        if seen.insert(folder) || !folder.is_empty() {
            assert!(load_with(i, f.text.clone()), "{}", f.path);
        }
    }
}

proptest! {
    #![proptest_config(crate::cases(32))]

    #[test]
    fn any_text_as_a_rule_file_is_loaded_or_refused(index in file_index(), text in any::<String>()) {
        load_with(index, text);
    }

    #[test]
    fn a_mutated_rule_file_is_loaded_or_refused(index in file_index(), steps in proptest::collection::vec((any::<u64>(), any::<usize>(), any::<u8>(), 0usize..256), 1..4)) {
        let mut bytes = embedded()[index].text.as_bytes().to_vec();
        for (c, at, b, len) in steps {
            bytes = fixtures::mutate(&bytes, c, at, b, len);
        }
        load_with(index, String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn a_rule_file_with_any_value_anywhere_is_loaded_or_refused(index in file_index(), pick in any::<usize>(), new in toml_value()) {
        let mut value: toml::Value = toml::from_str(&embedded()[index].text).unwrap();
        let leaves = { let mut n = usize::MAX; replace_leaf(&mut value.clone(), &mut n, &new); usize::MAX - n };
        let mut pick = pick % leaves.max(1);
        replace_leaf(&mut value, &mut pick, &new);
        load_with(index, toml::to_string(&value).unwrap());
    }

}

proptest! {
    #![proptest_config(crate::cases(16))]

    /// The user folder on disk: files of any name and text are laid over the built-in ones.
    #[test]
    fn any_user_folder_loads_or_fails_cleanly(files in proptest::collection::vec(("(calendar|routes|letters|messages)?/?[a-z0-9]{1,6}\\.(toml|txt)", proptest::collection::vec(any::<u8>(), 0..256)), 0..4)) {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in &files {
            let path = dir.path().join(name.trim_start_matches('/'));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, bytes).unwrap();
        }
        if let Ok(loaded) = rules::load(Some(dir.path())) {
            let _ = Calendar::from_rules(&loaded);
            let _ = tixian_core::route::routes(&loaded);
            let _ = Kb::load(&loaded);
        }
        let _ = Calendar::for_user(dir.path());
    }
}

// ---- the State Council notice ----

fn notices() -> Vec<(String, String)> {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/calendar");
    let mut out = Vec::new();
    for d in [dir.join("notices"), dir.clone()] {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|e| e == "txt") {
                out.push((
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn check_notice(text: &str, year: Option<i32>) -> Option<calendar::ParsedNotice> {
    match calendar::parse_notice(text, year) {
        Ok(n) => {
            assert!(n.days_off.windows(2).all(|w| w[0] < w[1]));
            assert!(n
                .make_up_working_days
                .iter()
                .all(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun)));
            Some(n)
        }
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            assert!(matches!(e.field_name(), Some("notice" | "year")), "{e}");
            None
        }
    }
}

/// One holiday of a generated schedule.
#[derive(Debug, Clone)]
struct Planned {
    name: &'static str,
    slug: &'static str,
    from: NaiveDate,
    to: NaiveDate,
    makeup: Vec<NaiveDate>,
}

const NAMES: [(&str, &str); 7] = [
    ("元旦", "new-year"),
    ("春节", "spring-festival"),
    ("清明节", "qingming"),
    ("劳动节", "labour-day"),
    ("端午节", "dragon-boat"),
    ("中秋节", "mid-autumn"),
    ("国庆节", "national-day"),
];

/// A year's schedule: up to seven holidays of 1–9 days in date order, a gap between each, and
/// make-up working days on weekends outside every range.
fn schedule() -> impl Strategy<Value = (i32, Vec<Planned>)> {
    (
        2000i32..2100,
        proptest::collection::vec(
            (
                1u64..40,
                1u64..10,
                proptest::collection::vec(0u64..60, 0..3),
            ),
            1..=7,
        ),
    )
        .prop_map(|(year, parts)| {
            let mut day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            let mut planned = Vec::new();
            for (i, (gap, len, makeup)) in parts.into_iter().enumerate() {
                let from = day + Days::new(gap);
                let to = from + Days::new(len - 1);
                if to.year() != year {
                    break;
                }
                planned.push(Planned {
                    name: NAMES[i].0,
                    slug: NAMES[i].1,
                    from,
                    to,
                    makeup: Vec::new(),
                });
                let _ = makeup;
                day = to + Days::new(2);
            }
            // Make-up days: weekends in the year, in no range, each used once.
            let off: BTreeSet<NaiveDate> = planned
                .iter()
                .flat_map(|p| p.from.iter_days().take_while(move |d| *d <= p.to))
                .collect();
            let mut used = BTreeSet::new();
            let weekends: Vec<NaiveDate> = NaiveDate::from_ymd_opt(year, 1, 1)
                .unwrap()
                .iter_days()
                .take_while(|d| d.year() == year)
                .filter(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !off.contains(d))
                .collect();
            for (i, p) in planned.iter_mut().enumerate() {
                for k in 0..(i % 3) {
                    let d = weekends[(i * 17 + k * 5 + p.from.ordinal() as usize) % weekends.len()];
                    if used.insert(d) {
                        p.makeup.push(d);
                    }
                }
                p.makeup.sort();
            }
            (year, planned)
        })
}

fn zh_num(n: usize) -> &'static str {
    ["一", "二", "三", "四", "五", "六", "七"][n]
}

fn date_zh(d: NaiveDate, with_month: bool) -> String {
    if with_month {
        format!(
            "{}月{}日（{}）",
            d.month(),
            d.day(),
            fixtures::weekday_zh(d)
        )
    } else {
        format!("{}日（{}）", d.day(), fixtures::weekday_zh(d))
    }
}

/// The notice's text for `schedule`, laid out like the published ones.
fn notice_text(year: i32, planned: &[Planned], wide: bool) -> String {
    let mut s = format!("国务院办公厅关于{year}年部分节假日安排的通知\n国办发明电〔{}〕7号\n\n各省、自治区、直辖市人民政府：\n\n", year - 1);
    for (i, p) in planned.iter().enumerate() {
        let days = (p.to - p.from).num_days() + 1;
        let colon = if wide { "：" } else { ":" };
        let _ =
            std::fmt::Write::write_fmt(&mut s, format_args!("{}、{}{colon}", zh_num(i), p.name));
        if p.from == p.to {
            s.push_str(&format!("{}放假，共1天", date_zh(p.from, true)));
        } else {
            let same_month = p.from.month() == p.to.month();
            s.push_str(&format!(
                "{}至{}放假调休，共{days}天",
                date_zh(p.from, true),
                date_zh(p.to, !same_month || i % 2 == 0)
            ));
        }
        if p.makeup.is_empty() {
            s.push_str("。\n\n");
        } else {
            let days: Vec<String> = p.makeup.iter().map(|d| date_zh(*d, true)).collect();
            s.push_str(&format!("。{}上班。\n\n", days.join("、")));
        }
    }
    s.push_str(&format!(
        "节假日期间，各地区、各部门要妥善安排好值班和安全工作。\n\n国务院办公厅\n{}年11月12日\n",
        year - 1
    ));
    s
}

proptest! {
    #![proptest_config(crate::cases(400))]

    #[test]
    fn any_text_is_a_notice_or_an_error_naming_the_line(text in any::<String>(), year in proptest::option::of(0i32..10_000)) {
        check_notice(&text, year);
    }

    #[test]
    fn a_mutated_notice_is_read_or_refused(index in 0..notices().len(), steps in proptest::collection::vec((any::<u64>(), any::<usize>(), any::<u8>(), 0usize..64), 1..4)) {
        let mut bytes = notices()[index].1.clone().into_bytes();
        for (c, at, b, len) in steps {
            bytes = fixtures::mutate(&bytes, c, at, b, len);
        }
        check_notice(&String::from_utf8_lossy(&bytes), None);
    }

    /// Any notice line with its digits, dates and keywords swapped for others.
    #[test]
    fn notice_like_lines_are_read_or_refused(lines in proptest::collection::vec(
        proptest::string::string_regex("[一二三四五六七八九十]{1,2}[、.](元旦|春节|国庆节、中秋节|[a-z]{0,3})[：:]([0-9]{1,4}(年|月|日)|[（(]?(周|星期)[一二三四五六日天][)）]?|至|放假|补休|调休|上班|共|天|，|,|。|、|鼓励|不调休|农历除夕){0,14}").unwrap(),
        1..6,
    ), year in 1990i32..2100) {
        let text = format!("国务院办公厅关于{year}年部分节假日安排的通知\n\n{}\n\n国务院办公厅\n{}年11月12日\n", lines.join("\n"), year - 1);
        check_notice(&text, None);
    }

    /// Digits of any script where the notice has digits (title, items, signature).
    #[test]
    fn a_notice_with_digits_of_any_script_is_read_or_refused(index in 0..notices().len(), digits in proptest::collection::vec(proptest::sample::select(vec!['٠', '٣', '०', '७', '০', '๒', '０', '９', '߁', '᠐']), 1..8), seed in any::<u64>()) {
        let text = &notices()[index].1;
        let positions: Vec<usize> = text.char_indices().filter(|(_, c)| c.is_ascii_digit()).map(|(i, _)| i).collect();
        let mut out = String::new();
        let mut last = 0;
        for (k, d) in digits.iter().enumerate() {
            let at = positions[(seed as usize).wrapping_add(k * 7919) % positions.len()];
            if at < last {
                continue;
            }
            out.push_str(&text[last..at]);
            out.push(*d);
            last = at + 1;
        }
        out.push_str(&text[last..]);
        check_notice(&out, None);
        check_notice(&out, Some(2026));
    }

    #[test]
    fn a_notice_written_from_any_schedule_reads_back_as_that_schedule((year, planned) in schedule(), wide in any::<bool>()) {
        let text = notice_text(year, &planned, wide);
        let n = calendar::parse_notice(&text, None).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(n.year, year);
        prop_assert_eq!(n.date, NaiveDate::from_ymd_opt(year - 1, 11, 12).unwrap());
        let got: Vec<_> = n.holidays.iter().map(|h| (h.id.clone(), h.off_from, h.off_to, h.makeup_workdays.clone())).collect();
        let want: Vec<_> = planned.iter().map(|p| (format!("{year}.{}", p.slug), p.from, p.to, p.makeup.clone())).collect();
        prop_assert_eq!(got, want);
        // Saved as the user's calendar file and loaded with every other: the same days.
        let dir = tempfile::tempdir().unwrap();
        let checked = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let cal = calendar::import::calendar_with(dir.path(), &n, checked).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&cal.schedule(year).unwrap().holidays, &n.holidays);
        for d in &n.days_off {
            prop_assert!(!cal.is_working_day(*d));
        }
        for d in &n.make_up_working_days {
            prop_assert!(cal.is_working_day(*d));
        }
    }
}

#[test]
fn every_notice_fixture_is_read() {
    for (name, text) in notices() {
        let year = name.contains("test-2027").then_some(2027);
        assert!(check_notice(&text, year).is_some(), "{name}");
    }
}
