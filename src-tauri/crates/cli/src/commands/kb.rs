//! `tixian kb check` and `tixian kb list`: validate and browse the knowledge base.

use crate::fields::flag;
use crate::Ctx;
use clap::Subcommand;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;
use tixian_core::diagnose::MessageExplanation;
use tixian_core::kb::{Kb, PatternInfo, RuleInfo};
use tixian_core::kb_check::{check_report, CheckReport, CorpusReport};
use tixian_core::ledger::PlatformKind;
use tixian_core::Field;
use tixian_core::{rules, CoreError, Lang};

#[derive(Subcommand)]
pub enum KbCommand {
    /// Validate every rule file and run each rule's own test cases; exit 1 listing broken rules.
    Check {
        /// Rule folder laid over the built-in knowledge base (default: the user rule folder).
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// List the rules with ids, categories, confidence and sources.
    List {
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// How a message is understood: its normal form, the patterns that fired, the nearest known
    /// texts with their sources, and the causes that result.
    #[command(name = "explain-message")]
    ExplainMessage {
        /// The message as the platform showed it.
        text: String,
        /// Platform kind: wechat, alipay, unionpay, bank, ecommerce, content, investment, lending, crossborder, other.
        #[arg(long)]
        platform: Option<String>,
        #[arg(long)]
        rules: Option<PathBuf>,
    },
}

#[derive(Serialize)]
struct ListReport {
    kb_version: String,
    rules: Vec<RuleInfo>,
    messages: Vec<PatternInfo>,
}

/// Built-in files with the user folder over them; a `--rules` folder that does not exist is a typo.
fn files(ctx: &Ctx, dir: Option<PathBuf>) -> Result<Vec<rules::RuleFile>, CoreError> {
    files_and_folder(ctx, dir).map(|(files, _)| files)
}

/// [`files`] and the user folder they came from.
fn files_and_folder(
    ctx: &Ctx,
    dir: Option<PathBuf>,
) -> Result<(Vec<rules::RuleFile>, PathBuf), CoreError> {
    if let Some(d) = dir.as_ref().filter(|d| !d.is_dir()) {
        return Err(CoreError::invalid(
            flag("--rules"),
            format!("文件夹不存在：{}", d.display()),
            format!("no such folder: {}", d.display()),
        ));
    }
    let dir = dir.unwrap_or_else(|| ctx.user_rules());
    Ok((rules::load(Some(&dir))?, dir))
}

pub fn run(ctx: &Ctx, cmd: KbCommand) -> Result<ExitCode, CoreError> {
    match cmd {
        KbCommand::Check { rules } => check(ctx, rules),
        KbCommand::List { rules } => list(ctx, rules),
        KbCommand::ExplainMessage {
            text,
            platform,
            rules,
        } => {
            let platform = platform.as_deref().map(platform_kind).transpose()?;
            let kb = super::diagnose::load_kb(ctx, rules)?;
            let e = kb.explain_message(&text, platform, ctx.lang, &ctx.now());
            ctx.out.print(&e, |lang| explain_human(&e, lang));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn platform_kind(p: &str) -> Result<PlatformKind, CoreError> {
    let kind = PlatformKind::ALL.into_iter().find(|k| k.as_str() == p);
    kind.ok_or_else(|| {
        CoreError::invalid(
            Field::PlatformKind,
            format!("未知的平台类型：{p}"),
            format!("unknown platform kind: {p}"),
        )
    })
}

/// `kb list`: every rule (the user's marked `*`) and how many messages are known.
fn list(ctx: &Ctx, rules: Option<PathBuf>) -> Result<ExitCode, CoreError> {
    let files = files(ctx, rules)?;
    let kb = Kb::load_catalogue(&files).map_err(|p| {
        CoreError::CheckFailed(format!(
            "{} problems in the rule files; run `tixian kb check`",
            p.len()
        ))
    })?;
    let report = ListReport {
        kb_version: kb.version().to_string(),
        rules: kb.list(ctx.lang),
        messages: kb.patterns(),
    };
    ctx.out.print(&report, |lang| list_text(&report, lang));
    Ok(ExitCode::SUCCESS)
}

fn list_text(report: &ListReport, lang: Lang) -> String {
    let t = |zh: &'static str, en: &'static str| if lang == Lang::Zh { zh } else { en };
    let line = |r: &RuleInfo| {
        let conf = format!("{:?}", r.confidence).to_lowercase();
        let mark = if r.overridden { " *" } else { "" };
        format!(
            "{:<48} {:<10} {:<7} {}  {}{mark}",
            r.id, r.category, conf, r.checked, r.title
        )
    };
    let mut lines: Vec<String> = report.rules.iter().map(line).collect();
    lines.push(format!(
        "{} {} · {} {} · {}",
        report.rules.len(),
        t("条规则", "rules"),
        report.messages.len(),
        t("个已知提示", "known messages"),
        report.kb_version
    ));
    lines.join("\n")
}

/// `kb check`: exit 1 when anything is wrong, listing each problem.
fn check(ctx: &Ctx, rules: Option<PathBuf>) -> Result<ExitCode, CoreError> {
    let (files, folder) = files_and_folder(ctx, rules)?;
    let report = check_report(&files, &folder);
    ctx.out.print(&report, |lang| check_text(&report, lang));
    if report.ok {
        return Ok(ExitCode::SUCCESS);
    }
    // Human output goes to stdout too; stderr gets the summary for scripts.
    eprintln!("{}", ctx.out.t("知识库检查未通过", "kb check failed"));
    Ok(ExitCode::from(1))
}

fn check_text(report: &CheckReport, lang: Lang) -> String {
    let figures = report
        .corpus
        .as_ref()
        .map(|c| corpus_lines(c, lang))
        .unwrap_or_default()
        + &user_file_lines(&report.user_files, lang);
    let problems = &report.problems;
    if problems.is_empty() {
        return figures
            + &match lang {
                Lang::Zh => format!(
                    "知识库检查通过：{} 个文件，所有规则的测试用例均通过",
                    report.files
                ),
                Lang::En => format!(
                    "knowledge base OK: {} files, every rule's test cases pass",
                    report.files
                ),
            };
    }
    let mut lines: Vec<String> = problems
        .iter()
        .map(|p| {
            let id = if p.id.is_empty() { "-" } else { &p.id };
            format!("{}: {id}: {}: {}", p.file, p.field, p.message)
        })
        .collect();
    lines.push(match lang {
        Lang::Zh => format!("共 {} 处问题", problems.len()),
        Lang::En => format!("{} problems", problems.len()),
    });
    figures + &lines.join("\n")
}

/// The corpus figures above the check's verdict, misread texts listed.
/// The user's files in use, one a line (nothing when there are none).
fn user_file_lines(files: &[rules::UserFile], lang: Lang) -> String {
    if files.is_empty() {
        return String::new();
    }
    let mut out = match lang {
        Lang::Zh => format!(
            "来自你的规则文件夹（{} 个文件，替代或补充内置规则）：\n",
            files.len()
        ),
        Lang::En => format!(
            "from your rules folder ({} files, replacing or adding to the built-in ones):\n",
            files.len()
        ),
    };
    for f in files {
        let how = match (lang, f.replaces_built_in) {
            (Lang::Zh, true) => "替代内置文件",
            (Lang::Zh, false) => "新增",
            (Lang::En, true) => "replaces the built-in file",
            (Lang::En, false) => "added",
        };
        out.push_str(&format!("  {}  ({how})  {}\n", f.path, f.file));
    }
    out
}

fn corpus_lines(c: &CorpusReport, lang: Lang) -> String {
    let g = &c.leave_one_source_out;
    let mut out = match lang {
        Lang::Zh => format!(
            "提示语料：{} 条，来自 {} 个来源\n留一来源检验（每个来源的文字在去掉该来源后判断）：前两位命中 {}/{} = {}（最低 {}），第一位命中 {}，无结果 {}\n",
            c.texts, c.sources, g.top2, g.texts, g.top2_rate, c.min_top2_rate, g.top1, g.empty
        ),
        Lang::En => format!(
            "message corpus: {} texts from {} sources\nleave one source out (each source's texts read without that source): top-2 {}/{} = {} (minimum {}), top-1 {}, empty {}\n",
            c.texts, c.sources, g.top2, g.texts, g.top2_rate, c.min_top2_rate, g.top1, g.empty
        ),
    };
    for m in &g.misses {
        let got = if m.got.is_empty() {
            "-".to_string()
        } else {
            m.got.iter().take(3).cloned().collect::<Vec<_>>().join(",")
        };
        out.push_str(&format!(
            "  ✗ [{}] {}  {} {} ≠ {}  ({})\n",
            m.platform,
            m.text,
            match lang {
                Lang::Zh => "应为",
                Lang::En => "expected",
            },
            m.expected.join("|"),
            got,
            m.source
        ));
    }
    for v in &g.vague_confident {
        out.push_str(&format!(
            "  ! {} {v}\n",
            match lang {
                Lang::Zh => "含糊的提示却给出高可能性：",
                Lang::En => "vague text read with high likelihood:",
            }
        ));
    }
    out
}

fn explain_human(e: &MessageExplanation, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = Vec::new();
    out.push(format!(
        "{}{}",
        if zh { "规范化：" } else { "normalised: " },
        e.normalised
    ));
    out.push(format!(
        "{}{}",
        if zh {
            "同义归并："
        } else {
            "folded:     "
        },
        e.folded
    ));
    if e.patterns.is_empty() {
        out.push(
            if zh {
                "命中的规则：无"
            } else {
                "patterns: none"
            }
            .to_string(),
        );
    } else {
        out.push(
            if zh {
                "命中的规则："
            } else {
                "patterns:"
            }
            .to_string(),
        );
        for p in &e.patterns {
            let weak = if p.weak {
                if zh {
                    "（含糊）"
                } else {
                    " (vague)"
                }
            } else {
                ""
            };
            out.push(format!("  {} → {}{weak}", p.id, p.causes.join(", ")));
        }
    }
    if e.nearest.is_empty() {
        out.push(
            if zh {
                "相近的已知提示：无"
            } else {
                "nearest known texts: none"
            }
            .to_string(),
        );
    } else {
        out.push(
            if zh {
                "相近的已知提示："
            } else {
                "nearest known texts:"
            }
            .to_string(),
        );
        for n in &e.nearest {
            out.push(format!(
                "  {}  {} [{}] → {}  — {} ({:?})",
                n.score,
                n.text,
                n.platform.as_str(),
                if n.causes.is_empty() {
                    "-".to_string()
                } else {
                    n.causes.join(", ")
                },
                n.source.title,
                n.source.confidence
            ));
        }
    }
    if e.unknown {
        out.push(if zh {
            "结论：没有认出这条提示。请回答诊断页的问题（平台、状态、金额、账户情况），以便区分可能的原因。"
        } else {
            "result: this message is not recognised. Answer the questions in Diagnose (platform, status, amount, account) so the possible causes can be told apart."
        }.to_string());
    } else {
        out.push(if zh { "结论：" } else { "result:" }.to_string());
        for c in &e.diagnosis.causes {
            out.push(format!("  {} ({:?}) {}", c.id, c.likelihood, c.title));
        }
    }
    out.join("\n")
}
