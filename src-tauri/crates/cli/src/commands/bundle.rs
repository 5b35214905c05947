//! The evidence bundle on the command line: `tixian verify FILE.pdf`, and the printing half of
//! `case export` (the case module builds the [`BundleInput`] and calls [`export`]).

use crate::fields::flag;
use crate::Ctx;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tixian_core::cases::bundle::{CatalogChanges, CatalogView};
use tixian_core::export::{
    self, BundleInput, ExportOptions, FileStatus, Place, Split, VerifyReport,
};
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
    eprintln!("{}", failed_summary(&report, ctx.lang));
    Ok(ExitCode::from(1))
}

/// One line for stderr: how many items differ and what became of each.
fn failed_summary(report: &VerifyReport, lang: Lang) -> String {
    let names: Vec<String> = report
        .problems()
        .map(|e| {
            let name = shown_name(e.name.as_str(), e.place, lang);
            match lang {
                Lang::Zh => format!("{name}：{}", status_word(e.status, lang)),
                Lang::En => format!("{name}: {}", status_word(e.status, lang)),
            }
        })
        .collect();
    match lang {
        Lang::Zh => format!("核对未通过，{} 项不一致：{}", names.len(), names.join("；")),
        Lang::En => format!(
            "verify failed, {} item(s) differ: {}",
            names.len(),
            names.join("; ")
        ),
    }
}

fn status_word(s: FileStatus, lang: Lang) -> &'static str {
    match (s, lang) {
        (FileStatus::Ok, Lang::Zh) => "一致",
        (FileStatus::Changed, Lang::Zh) => "已改动",
        (FileStatus::Missing, Lang::Zh) => "缺失",
        (FileStatus::Added, Lang::Zh) => "多出",
        (FileStatus::Ok, Lang::En) => "ok",
        (FileStatus::Changed, Lang::En) => "changed",
        (FileStatus::Missing, Lang::En) => "missing",
        (FileStatus::Added, Lang::En) => "added",
    }
}

fn shown_name(name: &str, place: Place, lang: Lang) -> String {
    match (place, lang) {
        (Place::Files, _) => name.to_string(),
        (Place::Pdf, Lang::Zh) => format!("{name}（PDF 内的图片）"),
        (Place::Pdf, Lang::En) => format!("{name} (image inside the PDF)"),
        (Place::Page, Lang::Zh) => format!("PDF 第 {name} 页"),
        (Place::Page, Lang::En) => format!("page {name} of the PDF"),
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
    let over = report.over_limit();
    if !over.is_empty() {
        // Written all the same: the one item in each is larger than the size asked for.
        match ctx.lang {
            Lang::Zh => eprintln!(
                "注意：以下分册只有一项证据，但仍超过所选大小：{}",
                over.join("、")
            ),
            Lang::En => eprintln!(
                "note: these volumes hold one item each and are still over the size chosen: {}",
                over.join(", ")
            ),
        }
    }
    ctx.out.print(&report, |lang| export_text(&report, lang));
    Ok(ExitCode::SUCCESS)
}

/// What was exported, and each PDF when there are several.
fn export_text(report: &export::ExportReport, lang: Lang) -> String {
    let mut text = match lang {
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
    };
    if report.parts.len() > 1 {
        let (pages, bytes) = match lang {
            Lang::Zh => ("页", "字节"),
            Lang::En => ("pages", "bytes"),
        };
        for p in &report.parts {
            let (pdf, n, size) = (&p.pdf, p.pages, p.pdf_size);
            text.push_str(&format!("\n  {pdf}  ({n} {pages}, {size} {bytes})"));
        }
    }
    text
}

/// `--split items|volumes` and `--max-mb N` (only with volumes; default 10; 1 MB = 1,000,000
/// bytes, so a volume also fits a form that counts in MiB).
pub fn parse_split(split: Option<&str>, max_mb: Option<&str>) -> Result<Split, CoreError> {
    let mb = match max_mb {
        None => None,
        Some(t) => match t.trim().parse::<u32>() {
            Ok(n) if (1..=2000).contains(&n) => Some(n),
            _ => {
                return Err(CoreError::invalid(
                    flag("--max-mb"),
                    format!("“{t}”不是 1 到 2000 之间的整数（MB）"),
                    format!("“{t}” is not a whole number of MB from 1 to 2000"),
                ))
            }
        },
    };
    match (split.map(str::trim), mb) {
        (None, None) => Ok(Split::None),
        (Some("items"), None) => Ok(Split::Items),
        (Some("volumes"), mb) => Ok(Split::Volumes {
            max_bytes: u64::from(mb.unwrap_or(10)) * 1_000_000,
        }),
        (Some("items") | None, Some(_)) => Err(CoreError::invalid(
            flag("--max-mb"),
            "--max-mb 只用于 --split volumes",
            "--max-mb goes with --split volumes only",
        )),
        (Some(other), _) => Err(CoreError::invalid(
            flag("--split"),
            format!("“{other}”不是分开导出的方式，可选 items 或 volumes"),
            format!("“{other}” is not a way to split; use items or volumes"),
        )),
    }
}

/// The changes `case catalog` was asked for (`--name KEY=TEXT`, `--purpose KEY=TEXT`,
/// `--order KEY,KEY`), checked before the store opens.
pub fn catalog_changes(
    applicant: Option<String>,
    names: &[String],
    purposes: &[String],
    order: Option<String>,
) -> Result<CatalogChanges, CoreError> {
    let order = order.map(|o| {
        let keys = o.split(',').map(|k| k.trim().to_string());
        keys.filter(|k| !k.is_empty()).collect()
    });
    Ok(CatalogChanges {
        applicant,
        names: key_texts(names, "--name")?,
        purposes: key_texts(purposes, "--purpose")?,
        order: order.unwrap_or_default(),
    })
}

/// `KEY=TEXT` pairs given with `flag`.
fn key_texts(list: &[String], flag: &str) -> Result<Vec<(String, String)>, CoreError> {
    let pair = |item: &String| -> Result<(String, String), CoreError> {
        let (k, v) = item.split_once('=').ok_or_else(|| {
            CoreError::invalid(
                crate::fields::flag(flag),
                format!("“{item}”应写作 KEY=文字，例如 evidence:3=证明平台承诺三日内处理"),
                format!("“{item}” should be KEY=TEXT, e.g. evidence:3=shows the promise"),
            )
        })?;
        Ok((k.trim().to_string(), v.trim().to_string()))
    };
    list.iter().map(pair).collect()
}

/// `case catalog` as text: one row per line, 序号, key, name, purpose (suggestions marked).
pub fn catalog_text(view: &CatalogView, lang: Lang) -> String {
    let mut lines = vec![match lang {
        Lang::Zh => format!(
            "案件 #{} 证据目录（申请人：{}）",
            view.case_id,
            if view.applicant.is_empty() {
                "未填写"
            } else {
                &view.applicant
            }
        ),
        Lang::En => format!(
            "Case #{} list of evidence (applicant: {})",
            view.case_id,
            if view.applicant.is_empty() {
                "not given"
            } else {
                &view.applicant
            }
        ),
    }];
    let suggested = if lang == Lang::Zh {
        "（建议）"
    } else {
        " (suggested)"
    };
    for r in &view.rows {
        let pick = |mine: &str, theirs: &str| {
            if mine.is_empty() {
                format!("{theirs}{suggested}")
            } else {
                mine.to_string()
            }
        };
        lines.push(format!(
            "{:<5} {:<12} {} | {} | {}",
            r.number,
            r.key,
            pick(&r.name, &r.suggested_name),
            r.source,
            pick(&r.purpose, &r.suggested_purpose)
        ));
    }
    lines.join("\n")
}
