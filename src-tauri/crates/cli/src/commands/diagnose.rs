//! `tixian diagnose [--json] [--batch] [--image SCREENSHOT] [FILE|-]`: one case (or JSONL
//! cases) in, diagnoses out. With `--image` the message comes from the screenshot when the case
//! has none, and the case itself may be left out.

use crate::fields::flag;
use crate::Ctx;
use clap::Args;
use serde::Serialize;
use std::io::{BufRead, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tixian_core::diagnose::{self, Diagnosis};
use tixian_core::kb::Kb;
use tixian_core::workspace::KbRef;
use tixian_core::Field;
use tixian_core::{time, CoreError, Lang};

#[derive(Args)]
pub struct DiagnoseArgs {
    /// The case as JSON (a file, or `-` / nothing for standard input).
    file: Option<PathBuf>,
    /// Read JSONL (one case per line) and write one diagnosis per line, in the same order.
    #[arg(long)]
    batch: bool,
    /// Rule folder laid over the built-in knowledge base (default: the user rule folder).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// A screenshot (PNG, JPEG or WebP) to read the platform's message from when the case has
    /// none. Without a case (no FILE, nothing on standard input) the case is a failed withdrawal.
    #[arg(long, value_name = "IMAGE", conflicts_with = "batch")]
    image: Option<PathBuf>,
}

/// A diagnosis plus the message read from the screenshot (contract: `diagnose --image`).
#[derive(Serialize)]
struct WithImage<'a, 'kb> {
    #[serde(flatten)]
    diagnosis: &'a Diagnosis<'kb>,
    message_from_image: &'a str,
}

/// The knowledge base with the user's folder (or `--rules DIR`) laid over the built-in one;
/// broken rule files are bad input, and a `--rules` folder that does not exist is a typo.
pub fn load_kb(ctx: &Ctx, rules: Option<PathBuf>) -> Result<KbRef, CoreError> {
    match rules {
        Some(dir) if !dir.is_dir() => Err(CoreError::invalid(
            flag("--rules"),
            format!("文件夹不存在：{}", dir.display()),
            format!("no such folder: {}", dir.display()),
        )),
        Some(dir) => ctx.ws.kb_with_folder(&dir),
        None => ctx.ws.kb(),
    }
}

fn read_error(e: std::io::Error) -> CoreError {
    CoreError::invalid(
        Field::File,
        format!("无法读取输入：{e}"),
        format!("cannot read input: {e}"),
    )
}

pub fn run(ctx: &Ctx, args: DiagnoseArgs) -> Result<ExitCode, CoreError> {
    if let Some(image) = args.image.clone() {
        return with_image(ctx, args, &image);
    }
    let mut input: Box<dyn BufRead> = match args.file.as_deref() {
        None => Box::new(std::io::stdin().lock()),
        Some(p) if p.as_os_str() == "-" => Box::new(std::io::stdin().lock()),
        Some(p) => Box::new(std::io::BufReader::new(std::fs::File::open(p).map_err(
            |e| {
                CoreError::invalid(
                    Field::File,
                    format!("无法打开 {}：{e}", p.display()),
                    format!("cannot open {}: {e}", p.display()),
                )
            },
        )?)),
    };
    let kb = load_kb(ctx, args.rules)?;
    let now = ctx.now();
    if args.batch {
        return batch(&kb, ctx.lang, &now, input);
    }
    let mut text = String::new();
    input.read_to_string(&mut text).map_err(read_error)?;
    let case = diagnose::parse_case(&text)?;
    let d = diagnose::diagnose(&kb, &case, ctx.lang, &now);
    ctx.out.print(&d, |lang| human(&d, lang));
    Ok(ExitCode::SUCCESS)
}

/// The case from FILE, `-` or standard input; `None` when there is none (no FILE and standard
/// input is a terminal or empty).
fn optional_case(file: Option<&std::path::Path>) -> Result<Option<diagnose::Case>, CoreError> {
    let text = match file {
        Some(p) if p.as_os_str() != "-" => std::fs::read_to_string(p).map_err(|e| {
            CoreError::invalid(
                Field::File,
                format!("无法打开 {}：{e}", p.display()),
                format!("cannot open {}: {e}", p.display()),
            )
        })?,
        Some(_) => read_stdin()?,
        None if std::io::stdin().is_terminal() => String::new(),
        None => read_stdin()?,
    };
    if text.trim().is_empty() && file.is_none() {
        return Ok(None);
    }
    diagnose::parse_case(&text).map(Some)
}

fn read_stdin() -> Result<String, CoreError> {
    let mut text = String::new();
    std::io::stdin()
        .lock()
        .read_to_string(&mut text)
        .map_err(read_error)?;
    Ok(text)
}

/// `diagnose --image`: the message from the screenshot when the case has none.
fn with_image(
    ctx: &Ctx,
    args: DiagnoseArgs,
    image: &std::path::Path,
) -> Result<ExitCode, CoreError> {
    let case = optional_case(args.file.as_deref())?;
    let kb = load_kb(ctx, args.rules)?;
    let (case, from_image) = diagnose::case_with_screenshot(&kb, case, image)?;
    let d = diagnose::diagnose(&kb, &case, ctx.lang, &ctx.now());
    let Some(message) = from_image else {
        ctx.out.print(&d, |lang| human(&d, lang));
        return Ok(ExitCode::SUCCESS);
    };
    let out = WithImage {
        diagnosis: &d,
        message_from_image: &message,
    };
    ctx.out.print(&out, |lang| {
        format!("{}{}", read_from_image(&message, lang), human(&d, lang))
    });
    Ok(ExitCode::SUCCESS)
}

/// The line above the diagnosis saying what the screenshot said.
fn read_from_image(message: &str, lang: Lang) -> String {
    match (lang, message.is_empty()) {
        (Lang::Zh, false) => format!("从截图读到的消息：{message}\n\n"),
        (Lang::Zh, true) => "截图中没有读到文字。\n\n".to_string(),
        (Lang::En, false) => format!("Message read from the screenshot: {message}\n\n"),
        (Lang::En, true) => "No text was read from the screenshot.\n\n".to_string(),
    }
}

/// JSONL in, JSONL out. Stops at the first bad line (exit 2, naming the line); the lines
/// before it have already been written, the ones after it are not read.
fn batch(
    kb: &Kb,
    lang: Lang,
    now: &time::Timestamp,
    input: Box<dyn BufRead>,
) -> Result<ExitCode, CoreError> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    for (i, line) in input.lines().enumerate() {
        let n = i + 1;
        let line = line.map_err(|e| {
            CoreError::invalid(
                flag("input"),
                format!("无法读取：{e}"),
                format!("cannot read: {e}"),
            )
            .at(format!("line {n}"))
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let case = match diagnose::parse_case(&line) {
            Ok(c) => c,
            Err(e) => {
                let _ = out.flush();
                eprintln!("{}", bad_line(&e, n, lang));
                return Ok(ExitCode::from(2));
            }
        };
        let d = diagnose::diagnose(kb, &case, lang, now);
        serde_json::to_writer(&mut out, &d).map_err(|e| CoreError::Internal(e.to_string()))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Why batch input line `n` stopped the run.
fn bad_line(e: &CoreError, n: usize, lang: Lang) -> String {
    let (error, note) = match lang {
        Lang::Zh => ("错误", "（之前的行已输出，之后的行未处理）"),
        Lang::En => (
            "error",
            " (earlier lines were written; later lines were not processed)",
        ),
    };
    format!("{error}: line {n}: {}{note}", e.message(lang))
}

fn human(d: &Diagnosis, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut s = String::new();
    if d.causes.is_empty() {
        s.push_str(if zh {
            "没有识别出具体原因（不做猜测）。请按下面的步骤自查。\n"
        } else {
            "No specific cause recognised (no guessing). Work through the steps below.\n"
        });
    }
    for (i, c) in d.causes.iter().enumerate() {
        let lik = match (c.likelihood, zh) {
            (tixian_core::kb::Likelihood::High, true) => "可能性高",
            (tixian_core::kb::Likelihood::Medium, true) => "可能性中",
            (tixian_core::kb::Likelihood::Low, true) => "可能性低",
            (tixian_core::kb::Likelihood::High, false) => "high",
            (tixian_core::kb::Likelihood::Medium, false) => "medium",
            (tixian_core::kb::Likelihood::Low, false) => "low",
        };
        s.push_str(&format!(
            "{}. {} [{lik}] ({})\n   {}\n",
            i + 1,
            c.title,
            c.id,
            c.explanation
        ));
        s.push_str(&format!(
            "   {}{}\n",
            if zh { "依据：" } else { "because: " },
            c.because.join(", ")
        ));
        for a in &c.actions {
            s.push_str(&format!("   - {a}\n"));
        }
        if let Some(w) = &c.expected_wait {
            s.push_str(&format!(
                "   {}{w}\n",
                if zh {
                    "预计等待："
                } else {
                    "expected wait: "
                }
            ));
        }
        for src in &c.sources {
            let conf = format!("{:?}", src.confidence).to_lowercase();
            s.push_str(&format!(
                "   {}{} [{conf}]\n",
                if zh { "来源：" } else { "source: " },
                src.title
            ));
        }
        for k in &c.conflicts {
            s.push_str(&format!(
                "   {}{}\n",
                if zh {
                    "来源分歧："
                } else {
                    "sources disagree: "
                },
                k.text
            ));
        }
    }
    s.push_str(if zh {
        "\n前 30 分钟：\n"
    } else {
        "\nFirst 30 minutes:\n"
    });
    for step in &d.first_steps {
        s.push_str(&format!("  [ ] {step}\n"));
    }
    s.push_str(&format!(
        "\n{}{}\n{}",
        if zh { "当前阶段：" } else { "stage: " },
        d.escalation.stage,
        d.escalation.next
    ));
    s
}
