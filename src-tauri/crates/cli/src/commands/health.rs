//! `tixian health [--json] [--due] [--at TIME]`: platform health per the contract; `--due` prints
//! only what needs doing and exits 1 when anything does (for cron). Example crontab line, which
//! mails (or logs) the list every morning only when something is due:
//!
//! ```text
//! 0 9 * * * out=$(tixian health --due --lang zh) || echo "$out"
//! ```

use crate::Ctx;
use clap::Args;
use serde::Serialize;
use std::process::ExitCode;
use tixian_core::health::{self, DueItem, HealthReport};
use tixian_core::Field;
use tixian_core::{CoreError, Lang};

#[derive(Args)]
pub struct HealthArgs {
    /// Print only what needs doing now; exit 1 if anything does, 0 if nothing.
    #[arg(long)]
    due: bool,
    /// Evaluate as of this time (default now); without offset it is Asia/Shanghai time.
    #[arg(long)]
    at: Option<String>,
}

#[derive(Serialize)]
struct DueOnly<'a> {
    at: &'a str,
    due: &'a [DueItem],
}

pub fn run(ctx: &Ctx, args: HealthArgs) -> Result<ExitCode, CoreError> {
    let at = ctx.at(args.at.as_deref(), Field::At)?;
    let store = ctx.open_store()?;
    let mut report = health::health(store.conn(), &at)?;
    report.set_lang(ctx.lang);
    if args.due {
        let only = DueOnly {
            at: &report.at,
            due: &report.due,
        };
        ctx.out.print(&only, |lang| due_text(&report.due, lang));
        return Ok(if report.due.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    ctx.out.print(&report, |lang| human(&report, lang));
    Ok(ExitCode::SUCCESS)
}

fn due_text(due: &[DueItem], lang: Lang) -> String {
    if due.is_empty() {
        return match lang {
            Lang::Zh => "目前没有需要做的事".into(),
            Lang::En => "Nothing is due".into(),
        };
    }
    due.iter()
        .map(|d| format!("- {}", d.title.get(lang)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn human(r: &HealthReport, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let dash = || "—".to_string();
    let mut out = vec![
        if zh {
            format!("平台健康（{}），平台资金合计 {}", r.at, r.total.display())
        } else {
            format!(
                "Platform health at {}, platform money {}",
                r.at,
                r.total.display()
            )
        },
        String::new(),
        if zh {
            format!(
                "{:<14} {:>14} {:>7} {:<11} {:>7} {:>7} {:>4} {:<7} {}",
                "平台", "余额", "占比", "下次测试", "中位h", "最慢h", "失败", "趋势", "信号"
            )
        } else {
            format!(
                "{:<14} {:>14} {:>7} {:<11} {:>7} {:>7} {:>4} {:<7} {}",
                "platform",
                "balance",
                "share",
                "next test",
                "med h",
                "worst h",
                "fail",
                "trend",
                "signals"
            )
        },
    ];
    for p in &r.platforms {
        let trend = p
            .arrival_hours
            .trend
            .map(|t| format!("{t:?}").to_lowercase())
            .unwrap_or_else(dash);
        let due_mark = if p.test_due { "!" } else { "" };
        out.push(format!(
            "{:<14} {:>14} {:>7} {:<11} {:>7} {:>7} {:>4} {:<7} {}",
            p.name,
            p.balance.display(),
            p.share.clone().unwrap_or_else(dash),
            format!("{}{due_mark}", p.next_test_due),
            p.arrival_hours.median.clone().unwrap_or_else(dash),
            p.arrival_hours.worst.clone().unwrap_or_else(dash),
            p.failures,
            trend,
            p.signals.join(",")
        ));
    }
    out.push(String::new());
    if let (Some(name), Some(share)) = (&r.concentration.largest, &r.concentration.share) {
        let warn = if r.concentration.warn {
            if zh {
                "（超过一半！）"
            } else {
                " (more than half!)"
            }
        } else {
            ""
        };
        out.push(if zh {
            format!("最大占比：{name} {share}{warn}")
        } else {
            format!("Largest share: {name} {share}{warn}")
        });
    }
    out.push(match (&r.emergency_fund_months, zh) {
        (Some(m), true) => format!("应急资金：{m} 个月（目标 3–6 个月）"),
        (Some(m), false) => format!("Emergency fund: {m} months (target 3–6)"),
        (None, true) => {
            "应急资金：未设置（tixian settings set monthly-spending / outside-money）".into()
        }
        (None, false) => {
            "Emergency fund: not set (tixian settings set monthly-spending / outside-money)".into()
        }
    });
    out.push(if zh {
        format!("准备度：{}/100", r.readiness.score)
    } else {
        format!("Readiness: {}/100", r.readiness.score)
    });
    for reason in &r.readiness.reasons {
        out.push(format!("  - {reason}"));
    }
    out.push(String::new());
    out.push(if zh {
        "待办：".into()
    } else {
        "Due:".into()
    });
    out.push(due_text(&r.due, lang));
    out.join("\n")
}
