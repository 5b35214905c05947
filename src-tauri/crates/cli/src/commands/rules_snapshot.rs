//! `tixian rules-snapshot PLATFORM FILE|-`: save a new version of a platform's payout-rule text
//! and print the diff against the previous one, flagging thresholds or fees that rose.

use crate::Ctx;
use clap::Args;
use std::io::Read;
use std::process::ExitCode;
use tixian_core::health::{self, SnapshotResult};
use tixian_core::Field;
use tixian_core::{CoreError, Lang};

#[derive(Args)]
pub struct RulesSnapshotArgs {
    /// Platform name, as added with `tixian platform add`.
    platform: String,
    /// A UTF-8 text file with the rules as the platform shows them, or - for stdin.
    file: String,
    /// When the text was copied (default now).
    #[arg(long)]
    at: Option<String>,
}

pub fn run(ctx: &Ctx, args: RulesSnapshotArgs) -> Result<ExitCode, CoreError> {
    let text = read_text(&args.file)?;
    let at = ctx.at(args.at.as_deref(), Field::At)?;
    let mut store = ctx.open_store()?;
    let result =
        store.transaction(|tx| health::save_rule_snapshot(tx, &args.platform, &text, &at))?;
    ctx.out.print(&result, |lang| human(&result, lang));
    Ok(ExitCode::SUCCESS)
}

/// The text of `file` (`-`: standard input), which must be UTF-8.
fn read_text(file: &str) -> Result<String, CoreError> {
    let bytes = if file == "-" {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b)?;
        b
    } else {
        std::fs::read(file).map_err(|e| {
            CoreError::invalid(
                Field::File,
                format!("无法读取 {file}：{e}"),
                format!("cannot read {file}: {e}"),
            )
        })?
    };
    String::from_utf8(bytes).map_err(|_| {
        CoreError::invalid(
            Field::File,
            format!("{file} 不是 UTF-8 文本"),
            format!("{file} is not UTF-8 text"),
        )
    })
}

fn human(result: &SnapshotResult, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = Vec::new();
    if !result.changed {
        out.push(if zh {
            "与上一版相同，未保存新版本".to_string()
        } else {
            "Same as the last version; nothing new saved".to_string()
        });
    } else if result.previous.is_none() {
        out.push(if zh {
            format!("已保存 {} 的第一版规则", result.snapshot.platform)
        } else {
            format!(
                "Saved the first rules version for {}",
                result.snapshot.platform
            )
        });
    } else {
        out.push(if zh {
            format!("已保存 {} 的新版规则，改动：", result.snapshot.platform)
        } else {
            format!(
                "Saved a new rules version for {}; changes:",
                result.snapshot.platform
            )
        });
        out.push(result.unified.trim_end().to_string());
    }
    for r in &result.rises {
        out.push(if zh {
            format!(
                "上调：{}{} → {}{}（{}）",
                r.before, r.unit, r.after, r.unit, r.line
            )
        } else {
            format!(
                "Rose: {}{} → {}{} ({})",
                r.before, r.unit, r.after, r.unit, r.line
            )
        });
    }
    if result.suggest_signal.is_some() {
        out.push(if zh {
            format!("门槛或费用上调是危险信号，可记录：tixian signal {} raised_threshold", result.snapshot.platform)
        } else {
            format!("A raised threshold or fee is a danger signal; log it: tixian signal {} raised_threshold", result.snapshot.platform)
        });
    }
    out.join("\n")
}
