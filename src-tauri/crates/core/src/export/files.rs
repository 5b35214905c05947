//! The folder beside the PDF: clear file names, `SHA256SUMS`, and writing under a temporary
//! name that is renamed into place only when everything is complete.

use crate::error::{CoreError, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// `FILE.pdf` → `FILE.files` beside it.
pub fn files_dir_for(pdf: &Path) -> PathBuf {
    let stem = pdf
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    pdf.with_file_name(format!("{stem}.files"))
}

/// `01_提现失败截图_2026-06-15.png`: index, the caption (or the original name's stem) made safe
/// for every file system, the date, and the original extension in lower case.
pub fn bundle_file_name(
    index: usize,
    width: usize,
    caption: &str,
    original_name: &str,
    date: Option<&str>,
) -> String {
    let original = Path::new(original_name);
    let stem = original
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = original
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .filter(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_alphanumeric()));
    let mut label = sanitise(caption);
    if label.is_empty() {
        label = sanitise(&stem);
    }
    if label.is_empty() {
        label = "file".to_string();
    }
    let mut name = format!("{index:0width$}_{label}");
    if let Some(d) = date.filter(|d| is_date(d)) {
        name.push('_');
        name.push_str(d);
    }
    if let Some(e) = ext {
        name.push('.');
        name.push_str(&e);
    }
    name
}

fn is_date(d: &str) -> bool {
    d.len() == 10
        && d.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

/// Keeps letters, digits and a few harmless marks; spaces and anything a file system or
/// `sha256sum` could trip on (slashes, quotes, control characters, backslashes) become `_`.
/// At most 40 characters.
fn sanitise(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        let keep = c.is_alphanumeric() || matches!(c, '-' | '(' | ')' | '（' | '）' | '+');
        let c = if keep { c } else { '_' };
        if c == '_' && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        out.push(c);
        if out.chars().count() >= 40 {
            break;
        }
    }
    out.trim_end_matches('_').to_string()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `SHA256SUMS` in the format `sha256sum -c` reads: `HASH  NAME` per line.
pub fn sha256sums(entries: &[(String, String)]) -> String {
    entries
        .iter()
        .map(|(name, hash)| format!("{hash}  {name}\n"))
        .collect()
}

/// A path beside `target` for writing before the final rename (`crate::fsutil::temp_beside`:
/// `.NAME.tixian-tmp-PID-N`, removed at the next start if a kill leaves it).
pub fn temp_beside(target: &Path) -> PathBuf {
    crate::fsutil::temp_beside(target)
}

/// Refuses, before anything is written, names the bundle cannot take: the files folder
/// `FILE.files` must be a folder or absent — a file there, or a symbolic link to nowhere (which
/// looks absent until the final rename trips over it) is refused — and `FILE.pdf` must not be
/// a folder. Each error names the path.
pub fn check_targets(pdf: &Path, dir: &Path) -> Result<()> {
    let refuse = |path: &Path, zh: String, en: String| {
        Err(CoreError::invalid(
            "out",
            format!("{}：{zh}", path.display()),
            format!("{}: {en}", path.display()),
        ))
    };
    if pdf.is_dir() {
        return refuse(
            pdf,
            "这是一个文件夹，不能作为 PDF 的文件名".into(),
            "is a folder; it cannot be the PDF's file name".into(),
        );
    }
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return Ok(());
    };
    if dir.is_dir() {
        return Ok(());
    }
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(dir)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return refuse(
            dir,
            format!("是指向不存在位置（{target}）的符号链接，不是随附文件的文件夹；请删除它或换一个文件名导出，未写入任何内容"),
            format!("is a symbolic link to nowhere ({target}), not the folder for the bundle's files; remove it or export under another name — nothing was written"),
        );
    }
    refuse(
        dir,
        "已存在但不是文件夹（随附文件要放在这里）；请移走它或换一个文件名导出，未写入任何内容".into(),
        "exists and is not a folder (the bundle's files go there); move it away or export under another name — nothing was written".into(),
    )
}

/// Refuses to replace an existing bundle unless asked to: any of `paths` (the PDFs and the
/// folder) that exists is a conflict.
pub fn check_free(paths: &[&Path], overwrite: bool) -> Result<()> {
    if overwrite {
        return Ok(());
    }
    for p in paths {
        if p.exists() {
            let shown = p.display();
            return Err(CoreError::Conflict {
                field: "out".into(),
                message: crate::lang::Text::new(
                    format!("{shown} 已存在；未做任何改动（确认覆盖后再导出）"),
                    format!("{shown} already exists; nothing was changed (confirm overwriting to export again)"),
                ),
            });
        }
    }
    Ok(())
}

/// Moves the finished folder and PDFs into place, each complete on disk first (fsynced): the
/// folder first, so a PDF that exists always has its files beside it. Replacing an old bundle
/// is one step per name — the folders are swapped (`fsutil::exchange_dirs`), each PDF renamed
/// over the old one — and the old folder is removed only afterwards. `pdfs`: (temporary,
/// final) pairs.
pub fn commit(pdfs: &[(PathBuf, PathBuf)], tmp_dir: &Path, dir: &Path) -> Result<()> {
    crate::fsutil::sync_tree(tmp_dir)?;
    for (tmp, _) in pdfs {
        std::fs::File::open(tmp)?.sync_all()?;
    }
    let swapped = crate::fsutil::exchange_dirs(tmp_dir, dir)?;
    for (tmp, pdf) in pdfs {
        std::fs::rename(tmp, pdf)?;
    }
    crate::fsutil::sync_dir(
        dir.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    );
    if swapped {
        std::fs::remove_dir_all(tmp_dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_index_caption_date_and_extension() {
        assert_eq!(
            bundle_file_name(
                1,
                2,
                "提现失败截图",
                "Screenshot_2026.PNG",
                Some("2026-06-15")
            ),
            "01_提现失败截图_2026-06-15.png"
        );
        assert_eq!(
            bundle_file_name(12, 3, "", "客服 聊天记录.jpg", None),
            "012_客服_聊天记录.jpg"
        );
    }

    #[test]
    fn unsafe_characters_are_replaced() {
        let name = bundle_file_name(
            3,
            2,
            "a/b\\c:d*e?\"f\n<g>|h  i",
            "x.txt",
            Some("not-a-date"),
        );
        assert_eq!(name, "03_a_b_c_d_e_f_g_h_i.txt");
        assert_eq!(bundle_file_name(4, 2, "...", "...", None), "04_file");
    }

    #[test]
    fn long_captions_are_shortened() {
        let name = bundle_file_name(1, 2, &"很长".repeat(50), "a.png", None);
        assert_eq!(name.chars().count(), "01_".len() + 40 + ".png".len());
    }

    #[test]
    fn sums_use_the_sha256sum_format() {
        let s = sha256sums(&[("01_a.png".into(), "ab".repeat(32))]);
        assert_eq!(s, format!("{}  01_a.png\n", "ab".repeat(32)));
    }

    #[test]
    fn files_dir_sits_beside_the_pdf() {
        assert_eq!(
            files_dir_for(Path::new("/x/bundle.pdf")),
            Path::new("/x/bundle.files")
        );
    }
}
