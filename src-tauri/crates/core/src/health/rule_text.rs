//! Payout-rule snapshots: the user pastes a platform's current payout rules (fees, thresholds,
//! arrival times); saving a new version returns a line diff against the previous one and the
//! figures that rose, so the app can offer to log a `raised_threshold` danger signal.
//!
//! A "figure" is a number followed by a unit: 元 (万元 counts ×10,000), %/％, 笔, 天, 小时. Within
//! each changed hunk of the diff, the figures of the old lines and the new lines are paired in
//! order per unit; a pair whose new value is larger is a rise. This is deliberately simple: it
//! flags "提现门槛 100元 → 200元" and "费率 0.1% → 0.6%" and leaves the judgement to the user.

use crate::error::{CoreError, Result};
use crate::ledger::require_platform;
use crate::time::{self, Timestamp};
use crate::Field;
use regex::Regex;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use rust_decimal::Decimal;
use serde::Serialize;
use similar::{DiffTag, TextDiff};
use std::str::FromStr;
use std::sync::OnceLock;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RuleSnapshot {
    pub id: i64,
    pub platform: String,
    pub saved_at: String,
    pub sha256: String,
    pub text: String,
}

/// One line of the diff: `tag` is `equal`, `delete` or `insert`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DiffLine {
    pub tag: String,
    pub text: String,
}

/// A figure that went up between versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RuleRise {
    /// 元 | % | 笔 | 天 | 小时 (万元 is reported as 元).
    pub unit: String,
    pub before: String,
    pub after: String,
    /// The new line the higher figure is on.
    pub line: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SnapshotResult {
    /// The stored version (the previous one again when the text did not change).
    pub snapshot: RuleSnapshot,
    pub previous: Option<RuleSnapshot>,
    /// False when the text equals the previous version; nothing new is stored then.
    pub changed: bool,
    pub diff: Vec<DiffLine>,
    /// The diff as unified text (`-`/`+` lines), for the CLI and copying.
    pub unified: String,
    pub rises: Vec<RuleRise>,
    /// `raised_threshold` when a figure rose: the app offers to log it as a danger signal.
    pub suggest_signal: Option<String>,
}

/// Saves `text` as the platform's newest payout-rule version and compares it with the last one.
pub fn save_rule_snapshot(
    tx: &Transaction,
    platform: &str,
    text: &str,
    at: &Timestamp,
) -> Result<SnapshotResult> {
    let p = require_platform(tx, platform)?;
    // Line endings are normalised so a copy from Windows does not show every line as changed.
    let text = text.replace("\r\n", "\n").trim_end().to_string();
    if text.trim().is_empty() {
        return Err(CoreError::invalid(
            Field::Text,
            "规则文本是空的：请粘贴平台的提现规则",
            "the rule text is empty: paste the platform's payout rules",
        ));
    }
    if text.len() > 1_000_000 {
        return Err(CoreError::invalid(
            Field::Text,
            "规则文本太长（上限 1 MB）",
            "the rule text is too long (1 MB at most)",
        ));
    }
    let previous = latest(tx, p.id, &p.name)?;
    if let Some(prev) = previous.as_ref().filter(|prev| prev.text == text) {
        return Ok(SnapshotResult {
            snapshot: prev.clone(),
            previous: Some(prev.clone()),
            changed: false,
            diff: diff_lines(&prev.text, &text),
            unified: String::new(),
            rises: vec![],
            suggest_signal: None,
        });
    }
    let sha = crate::vault::sha256_hex(text.as_bytes());
    tx.execute(
        "INSERT INTO rule_snapshots(platform_id, text, sha256, saved_at, saved_utc) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![p.id, text, sha, time::to_rfc3339(at), super::utc(at)],
    )?;
    let snapshot = RuleSnapshot {
        id: tx.last_insert_rowid(),
        platform: p.name.clone(),
        saved_at: time::to_rfc3339(at),
        sha256: sha,
        text,
    };
    let old = previous.as_ref().map_or("", |p| p.text.as_str());
    let rises = if previous.is_some() {
        rises(old, &snapshot.text)
    } else {
        vec![]
    };
    Ok(SnapshotResult {
        diff: diff_lines(old, &snapshot.text),
        unified: unified(old, &snapshot.text),
        suggest_signal: (!rises.is_empty()).then(|| "raised_threshold".to_string()),
        rises,
        changed: true,
        previous,
        snapshot,
    })
}

fn latest(conn: &Connection, platform_id: i64, name: &str) -> Result<Option<RuleSnapshot>> {
    Ok(conn
        .query_row(
            "SELECT id, saved_at, sha256, text FROM rule_snapshots WHERE platform_id = ?1 ORDER BY saved_utc DESC, id DESC LIMIT 1",
            [platform_id],
            |r| Ok(RuleSnapshot { id: r.get(0)?, platform: name.to_string(), saved_at: r.get(1)?, sha256: r.get(2)?, text: r.get(3)? }),
        )
        .optional()?)
}

/// A platform's saved versions, newest first.
pub fn list_rule_snapshots(conn: &Connection, platform: &str) -> Result<Vec<RuleSnapshot>> {
    let p = require_platform(conn, platform)?;
    let mut stmt = conn.prepare_cached("SELECT id, saved_at, sha256, text FROM rule_snapshots WHERE platform_id = ?1 ORDER BY saved_utc DESC, id DESC")?;
    let rows = stmt.query_map([p.id], |r| {
        Ok(RuleSnapshot {
            id: r.get(0)?,
            platform: p.name.clone(),
            saved_at: r.get(1)?,
            sha256: r.get(2)?,
            text: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn split(text: &str) -> String {
    // A trailing newline on both sides keeps the last line from showing as changed.
    format!("{text}\n")
}

/// Line diff (the `similar` crate, Myers).
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let (old, new) = (split(old), split(new));
    let diff = TextDiff::from_lines(&old, &new);
    diff.iter_all_changes()
        .map(|c| DiffLine {
            tag: match c.tag() {
                similar::ChangeTag::Equal => "equal",
                similar::ChangeTag::Delete => "delete",
                similar::ChangeTag::Insert => "insert",
            }
            .into(),
            text: c.value().trim_end_matches('\n').to_string(),
        })
        .collect()
}

fn unified(old: &str, new: &str) -> String {
    let (old, new) = (split(old), split(new));
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(2)
        .header("before", "after")
        .to_string()
}

fn figure_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(\d[\d,]*(?:\.\d+)?)\s*(万元|元|%|％|笔|天|小时)").expect("valid regex")
    })
}

/// The figures in `text`, in order: (unit, value), 万元 converted to 元.
pub fn figures(text: &str) -> Vec<(String, Decimal)> {
    figure_re()
        .captures_iter(text)
        .filter_map(|c| {
            let mut value = Decimal::from_str(&c[1].replace(',', "")).ok()?;
            let unit = match &c[2] {
                "万元" => {
                    // A figure too large for a decimal once in 元 is no figure at all.
                    value = value.checked_mul(Decimal::from(10_000))?;
                    "元"
                }
                "％" => "%",
                u => u,
            };
            Some((unit.to_string(), value))
        })
        .collect()
}

/// Figures that rose between `old` and `new`, paired per unit inside each changed hunk.
pub fn rises(old: &str, new: &str) -> Vec<RuleRise> {
    let (old_s, new_s) = (split(old), split(new));
    let diff = TextDiff::from_lines(&old_s, &new_s);
    // The lines the diff counted: it also ends a line at a lone `\r`, which `str::lines` does
    // not, so its ranges index these and no other split.
    let old_lines: Vec<&str> = diff.iter_old_slices().collect();
    let new_lines: Vec<&str> = diff.iter_new_slices().collect();
    let mut out = Vec::new();
    for op in diff.ops() {
        if op.tag() != DiffTag::Replace {
            continue;
        }
        let before: Vec<(String, Decimal)> = old_lines[op.old_range()]
            .iter()
            .flat_map(|l| figures(l))
            .collect();
        let after: Vec<(String, Decimal, &str)> = new_lines[op.new_range()]
            .iter()
            .flat_map(|l| figures(l).into_iter().map(move |(u, v)| (u, v, *l)))
            .collect();
        for unit in ["元", "%", "笔", "天", "小时"] {
            let b = before.iter().filter(|f| f.0 == unit).map(|f| f.1);
            let a = after.iter().filter(|f| f.0 == unit);
            for (bv, (_, av, line)) in b.zip(a) {
                if *av > bv {
                    out.push(RuleRise {
                        unit: unit.into(),
                        before: bv.normalize().to_string(),
                        after: av.normalize().to_string(),
                        line: line.trim().to_string(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 万元 figure was multiplied by 10,000 with `*=`, which panics when the product leaves
    /// rust_decimal's range: saving pasted payout rules holding "79228162514264337593543950335万元"
    /// crashed. Found by the property `tests/props/text.rs`.
    /// The diff (the `similar` crate) ends a line at a lone `\r`, but its ranges were used to
    /// index `str::lines`, which does not: pasted rules with old-Mac line ends panicked (range
    /// out of bounds) when saved. Found by the `text` fuzz target (`fuzz/regressions/text/`).
    #[test]
    fn a_lone_carriage_return_made_the_diff_and_the_lines_disagree_and_panicked() {
        let r = rises(
            "提现规则\r\r\r门槛 100元\r每日 3笔",
            "提现规则\r\r\r门槛 200元\r每日 3笔",
        );
        assert_eq!(
            r,
            vec![RuleRise {
                unit: "元".into(),
                before: "100".into(),
                after: "200".into(),
                line: "门槛 200元".into()
            }]
        );
        let found =
            include_bytes!("../../fuzz/regressions/text/lone-carriage-returns-in-payout-rules.txt");
        let text = String::from_utf8_lossy(found);
        let mid = (0..=text.len() / 2)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        let (old, new) = text.split_at(mid);
        let _ = rises(old, new);
        let _ = rises(&text, "");
    }

    #[test]
    fn a_huge_figure_in_wan_yuan_overflowed_and_panicked() {
        let huge = "门槛 79228162514264337593543950335万元，手续费 1%";
        assert_eq!(figures(huge), vec![("%".to_string(), Decimal::from(1))]);
        assert!(rises("门槛 1元", huge).is_empty());
        assert_eq!(
            figures("门槛 7922816251426433759354395万元")[0]
                .1
                .to_string(),
            "79228162514264337593543950000"
        );
    }

    const V1: &str =
        "提现规则\n单笔提现门槛 100元\n手续费 0.1%，最低 0.1元\n到账时间：2小时内\n每日最多 3笔";
    const V2: &str =
        "提现规则\n单笔提现门槛 200元\n手续费 0.1%，最低 0.1元\n到账时间：2小时内\n每日最多 3笔";

    #[test]
    fn diff_shows_only_the_changed_line() {
        let d = diff_lines(V1, V2);
        let changed: Vec<(&str, &str)> = d
            .iter()
            .filter(|l| l.tag != "equal")
            .map(|l| (l.tag.as_str(), l.text.as_str()))
            .collect();
        assert_eq!(
            changed,
            vec![
                ("delete", "单笔提现门槛 100元"),
                ("insert", "单笔提现门槛 200元")
            ]
        );
        let u = unified(V1, V2);
        assert!(
            u.contains("-单笔提现门槛 100元\n+单笔提现门槛 200元"),
            "{u}"
        );
    }

    #[test]
    fn a_raised_threshold_and_fee_are_detected_a_lowered_one_is_not() {
        let r = rises(V1, V2);
        assert_eq!(
            r,
            vec![RuleRise {
                unit: "元".into(),
                before: "100".into(),
                after: "200".into(),
                line: "单笔提现门槛 200元".into()
            }]
        );
        assert!(rises(V2, V1).is_empty(), "a lower threshold is not a rise");
        let fee = rises("费率 0.1%", "费率 0.6％");
        assert_eq!(
            (
                fee[0].unit.as_str(),
                fee[0].before.as_str(),
                fee[0].after.as_str()
            ),
            ("%", "0.1", "0.6")
        );
        let arrival = rises("到账：1天内\n客服：24小时", "到账：3天内\n客服：24小时");
        assert_eq!(arrival.len(), 1);
        assert_eq!(arrival[0].unit, "天");
        // 万元 is ×10,000 and commas are thousands separators: 1,000元 → 2万元 is a rise.
        let wan = rises("门槛 1,000元", "门槛 2万元");
        assert_eq!(
            (wan[0].before.as_str(), wan[0].after.as_str()),
            ("1000", "20000")
        );
        assert!(
            rises("免费提现", "免费提现，每月 2 次").is_empty(),
            "no unit, no figure"
        );
    }
}
