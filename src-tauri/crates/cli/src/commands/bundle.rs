//! The evidence bundle on the command line: `tixian verify FILE.pdf`, and the printing half of
//! `case export` (the case module builds the [`BundleInput`] and calls [`export`]).

use crate::fields::flag;
use crate::Ctx;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tixian_core::cases::bundle::{CatalogEdit, CatalogView};
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
    let over: Vec<&str> = report
        .parts
        .iter()
        .filter(|p| p.over_limit)
        .map(|p| p.pdf.as_str())
        .collect();
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
    ctx.out.print(&report, |lang| {
        let mut text = export_text(&report, lang);
        if report.parts.len() > 1 {
            for p in &report.parts {
                text.push_str(&format!(
                    "\n  {}  ({} {}, {} {})",
                    p.pdf,
                    p.pages,
                    if lang == Lang::Zh { "页" } else { "pages" },
                    p.pdf_size,
                    if lang == Lang::Zh { "字节" } else { "bytes" }
                ));
            }
        }
        text
    });
    Ok(ExitCode::SUCCESS)
}

fn export_text(report: &export::ExportReport, lang: Lang) -> String {
    match lang {
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
    }
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

/// The changes `case catalog` was asked for, checked before the store opens.
pub struct CatalogChanges {
    applicant: Option<String>,
    names: Vec<(String, String)>,
    purposes: Vec<(String, String)>,
    order: Vec<String>,
}

impl CatalogChanges {
    pub fn parse(
        applicant: Option<String>,
        names: &[String],
        purposes: &[String],
        order: Option<String>,
    ) -> Result<Self, CoreError> {
        let pairs = |list: &[String], flag: &str| -> Result<Vec<(String, String)>, CoreError> {
            list.iter()
                .map(|item| {
                    item.split_once('=')
                        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                        .ok_or_else(|| {
                            CoreError::invalid(
                                crate::fields::flag(flag),
                                format!("“{item}”应写作 KEY=文字，例如 evidence:3=证明平台承诺三日内处理"),
                                format!("“{item}” should be KEY=TEXT, e.g. evidence:3=shows the promise"),
                            )
                        })
                })
                .collect()
        };
        Ok(CatalogChanges {
            applicant,
            names: pairs(names, "--name")?,
            purposes: pairs(purposes, "--purpose")?,
            order: order
                .map(|o| {
                    o.split(',')
                        .map(|k| k.trim().to_string())
                        .filter(|k| !k.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.applicant.is_none()
            && self.names.is_empty()
            && self.purposes.is_empty()
            && self.order.is_empty()
    }

    /// The stored 目录 after these changes: the present rows (in the order asked for), each
    /// with its new texts. A key that is not a row of the case is refused naming it.
    pub fn apply(&self, view: &CatalogView) -> Result<(String, Vec<CatalogEdit>), CoreError> {
        let mut rows: Vec<CatalogEdit> = view
            .rows
            .iter()
            .map(|r| CatalogEdit {
                key: r.key.clone(),
                name: r.name.clone(),
                purpose: r.purpose.clone(),
            })
            .collect();
        let unknown = |flag: &str, key: &str| {
            let keys: Vec<&str> = view.rows.iter().map(|r| r.key.as_str()).collect();
            CoreError::invalid(
                crate::fields::flag(flag),
                format!("“{key}”不是本案证据目录中的一项；可选：{}", keys.join("、")),
                format!(
                    "“{key}” is not a row of this case's list; the rows are: {}",
                    keys.join(", ")
                ),
            )
        };
        for (flag, list, purpose) in [
            ("--name", &self.names, false),
            ("--purpose", &self.purposes, true),
        ] {
            for (key, text) in list {
                let row = rows
                    .iter_mut()
                    .find(|r| &r.key == key)
                    .ok_or_else(|| unknown(flag, key))?;
                if purpose {
                    row.purpose = text.clone();
                } else {
                    row.name = text.clone();
                }
            }
        }
        let mut ordered = Vec::with_capacity(rows.len());
        for key in &self.order {
            let at = rows
                .iter()
                .position(|r| &r.key == key)
                .ok_or_else(|| unknown("--order", key))?;
            ordered.push(rows.remove(at));
        }
        ordered.extend(rows);
        let applicant = self
            .applicant
            .clone()
            .unwrap_or_else(|| view.applicant.clone());
        Ok((applicant, ordered))
    }
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
