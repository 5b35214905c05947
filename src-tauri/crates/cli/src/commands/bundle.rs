//! The evidence bundle on the command line: `tixian verify FILE.pdf`, and the printing half of
//! `case export` (the case module builds the [`BundleInput`] and calls [`export`]).

use crate::Ctx;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tixian_core::export::{self, BundleInput, ExportOptions, FileStatus, Place, VerifyReport};
use tixian_core::{CoreError, Lang};

#[derive(Args)]
pub struct VerifyArgs {
    /// The bundle's PDF; its files are expected in FILE.files/ beside it.
    pub file: PathBuf,
}

/// `tixian verify FILE.pdf`: exit 0 when every file is unchanged, 1 naming what differs.
pub fn verify(ctx: &Ctx, args: VerifyArgs) -> Result<ExitCode, CoreError> {
    let report = export::verify_bundle(&args.file)?;
    ctx.out.print(&report, |lang| verify_text(&report, lang));
    if report.ok {
        return Ok(ExitCode::SUCCESS);
    }
    let names: Vec<String> = report
        .problems()
        .map(|e| {
            let name = shown_name(e.name.as_str(), e.place, ctx.lang);
            match ctx.lang {
                Lang::Zh => format!("{name}：{}", status_word(e.status, ctx.lang)),
                Lang::En => format!("{name}: {}", status_word(e.status, ctx.lang)),
            }
        })
        .collect();
    match ctx.lang {
        Lang::Zh => eprintln!("核对未通过，{} 项不一致：{}", names.len(), names.join("；")),
        Lang::En => eprintln!(
            "verify failed, {} item(s) differ: {}",
            names.len(),
            names.join("; ")
        ),
    }
    Ok(ExitCode::from(1))
}

fn status_word(s: FileStatus, lang: Lang) -> &'static str {
    match (s, lang) {
        (FileStatus::Ok, Lang::Zh) => "一致",
        (FileStatus::Changed, Lang::Zh) => "已改动",
        (FileStatus::Missing, Lang::Zh) => "缺失",
        (FileStatus::Ok, Lang::En) => "ok",
        (FileStatus::Changed, Lang::En) => "changed",
        (FileStatus::Missing, Lang::En) => "missing",
    }
}

fn shown_name(name: &str, place: Place, lang: Lang) -> String {
    match (place, lang) {
        (Place::Files, _) => name.to_string(),
        (Place::Pdf, Lang::Zh) => format!("{name}（PDF 内的图片）"),
        (Place::Pdf, Lang::En) => format!("{name} (image inside the PDF)"),
    }
}

fn verify_text(report: &VerifyReport, lang: Lang) -> String {
    let mut lines = Vec::new();
    for e in &report.entries {
        let mut line = format!(
            "{:<8} {}",
            status_word(e.status, lang),
            shown_name(&e.name, e.place, lang)
        );
        if e.status == FileStatus::Changed {
            let actual = e.actual.as_deref().unwrap_or("");
            line.push_str(&match lang {
                Lang::Zh => format!("  应为 {}，实为 {}", e.expected, actual),
                Lang::En => format!("  expected {}, found {}", e.expected, actual),
            });
        }
        lines.push(line);
    }
    let bad = report.problems().count();
    lines.push(match (bad, lang) {
        (0, Lang::Zh) => format!(
            "全部 {} 项一致（材料指纹 {}）",
            report.entries.len(),
            report.fingerprint
        ),
        (0, Lang::En) => format!(
            "all {} items unchanged (fingerprint {})",
            report.entries.len(),
            report.fingerprint
        ),
        (n, Lang::Zh) => format!("{n} 项不一致"),
        (n, Lang::En) => format!("{n} item(s) differ"),
    });
    lines.join("\n")
}

/// The printing half of `tixian case export ID --out FILE.pdf`: writes the bundle for `input`
/// and prints the report (`--json`: the `ExportReport`). The caller builds `input` from the
/// case store, with `exported_at` = now and `lang` = the bundle language.
pub fn export(
    ctx: &Ctx,
    input: &BundleInput,
    out: &Path,
    opts: ExportOptions,
) -> Result<ExitCode, CoreError> {
    let report = export::export_bundle(input, out, &opts, &mut |_| {})?;
    ctx.out.print(&report, |lang| match lang {
        Lang::Zh => format!(
            "已导出 {}（{} 页，{} 个文件）\n随附文件夹：{}\n材料指纹：{}",
            report.pdf,
            report.pages,
            report.files.len(),
            report.files_dir,
            report.fingerprint
        ),
        Lang::En => format!(
            "Exported {} ({} pages, {} files)\nFiles folder: {}\nFingerprint: {}",
            report.pdf,
            report.pages,
            report.files.len(),
            report.files_dir,
            report.fingerprint
        ),
    });
    Ok(ExitCode::SUCCESS)
}
