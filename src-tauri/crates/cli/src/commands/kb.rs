//! `tixian kb check` and `tixian kb list`: validate and browse the knowledge base.

use crate::Ctx;
use clap::Subcommand;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;
use tixian_core::kb::{self, Kb, PatternInfo, Problem, RuleInfo};
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
}

#[derive(Serialize)]
struct CheckReport<'a> {
    ok: bool,
    files: usize,
    problems: &'a [Problem],
}

#[derive(Serialize)]
struct ListReport {
    kb_version: String,
    rules: Vec<RuleInfo>,
    messages: Vec<PatternInfo>,
}

/// Built-in files with the user folder over them; a `--rules` folder that does not exist is a typo.
fn files(dir: Option<PathBuf>) -> Result<Vec<rules::RuleFile>, CoreError> {
    if let Some(d) = dir.as_ref().filter(|d| !d.is_dir()) {
        return Err(CoreError::invalid(
            "--rules",
            format!("文件夹不存在：{}", d.display()),
            format!("no such folder: {}", d.display()),
        ));
    }
    let dir = dir.unwrap_or_else(rules::default_user_dir);
    Ok(rules::load(Some(&dir))?)
}

pub fn run(ctx: &Ctx, cmd: KbCommand) -> Result<ExitCode, CoreError> {
    match cmd {
        KbCommand::Check { rules } => {
            let files = files(rules)?;
            let problems = kb::check_all(&files);
            let report = CheckReport {
                ok: problems.is_empty(),
                files: files.len(),
                problems: &problems,
            };
            ctx.out.print(&report, |lang| {
                if problems.is_empty() {
                    return match lang {
                        Lang::Zh => format!(
                            "知识库检查通过：{} 个文件，所有规则的测试用例均通过",
                            files.len()
                        ),
                        Lang::En => format!(
                            "knowledge base OK: {} files, every rule's test cases pass",
                            files.len()
                        ),
                    };
                }
                let mut lines: Vec<String> = problems
                    .iter()
                    .map(|p| {
                        format!(
                            "{}: {}: {}: {}",
                            p.file,
                            if p.id.is_empty() { "-" } else { &p.id },
                            p.field,
                            p.message
                        )
                    })
                    .collect();
                lines.push(match lang {
                    Lang::Zh => format!("共 {} 处问题", problems.len()),
                    Lang::En => format!("{} problems", problems.len()),
                });
                lines.join("\n")
            });
            if !problems.is_empty() {
                // Human output goes to stdout too; stderr gets the summary for scripts.
                eprintln!("{}", ctx.out.t("知识库检查未通过", "kb check failed"));
                return Ok(ExitCode::from(1));
            }
        }
        KbCommand::List { rules } => {
            let files = files(rules)?;
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
            ctx.out.print(&report, |_| {
                let mut lines: Vec<String> = report
                    .rules
                    .iter()
                    .map(|r| {
                        let conf = format!("{:?}", r.confidence).to_lowercase();
                        let mark = if r.overridden { " *" } else { "" };
                        format!(
                            "{:<48} {:<10} {:<7} {}  {}{mark}",
                            r.id, r.category, conf, r.checked, r.title
                        )
                    })
                    .collect();
                lines.push(format!(
                    "{} {} · {} {} · {}",
                    report.rules.len(),
                    ctx.out.t("条规则", "rules"),
                    report.messages.len(),
                    ctx.out.t("个已知提示", "known messages"),
                    report.kb_version
                ));
                lines.join("\n")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}
