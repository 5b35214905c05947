//! The folder beside the PDF: clear file names, `SHA256SUMS`, and writing under a temporary
//! name that is renamed into place only when everything is complete.

use crate::error::{CoreError, Result};
use crate::Field;
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
            Field::Out,
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
                field: Field::Out,
                message: crate::lang::Text::new(
                    format!("{shown} 已存在；未做任何改动（确认覆盖后再导出）"),
                    format!("{shown} already exists; nothing was changed (confirm overwriting to export again)"),
                ),
            });
        }
    }
    Ok(())
}

/// PDFs beside `out` that an earlier export of the same bundle wrote and that the export now
/// being written does not (`keep`: the PDFs it writes): named like a part of it (`FILE.pdf`,
/// `FILE-<序号>.pdf`, `FILE-vol<N>.pdf`) and holding a Tixian manifest that names the same
/// folder `dir`. A PDF of anyone else's, a link, or another bundle's part is never matched.
/// Left beside the new bundle they would look like part of it (`FILE-6-1.pdf` when it now has
/// fewer rows, `FILE-vol3.pdf` when it now has 2 volumes, `FILE.pdf` when it now comes in
/// volumes).
pub fn earlier_parts(out: &Path, dir: &Path, keep: &[&Path]) -> Vec<PathBuf> {
    let (Some(stem), Some(dir_name)) = (
        out.file_stem().and_then(|s| s.to_str()),
        dir.file_name().and_then(|s| s.to_str()),
    ) else {
        return Vec::new();
    };
    let keep: Vec<&std::ffi::OsStr> = keep.iter().filter_map(|p| p.file_name()).collect();
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(list) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = list
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name();
            !keep.contains(&name.as_os_str())
                && name.to_str().is_some_and(|n| is_part_name(stem, n))
        })
        .map(|e| parent.join(e.file_name()))
        .filter(|p| super::verify::manifest_folder(p).as_deref() == Some(dir_name))
        .collect();
    found.sort();
    found
}

/// Whether `name` is what an export to `STEM.pdf` names one of its PDFs: `STEM.pdf`,
/// `STEM-<group>-<row>.pdf` or `STEM-vol<N>.pdf`.
fn is_part_name(stem: &str, name: &str) -> bool {
    let Some(base) = name
        .len()
        .checked_sub(4)
        .filter(|&cut| name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(".pdf"))
        .map(|cut| &name[..cut])
    else {
        return false;
    };
    if base == stem {
        return true;
    }
    let Some(tail) = base.strip_prefix(stem).and_then(|t| t.strip_prefix('-')) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(n) = tail.strip_prefix("vol") {
        return digits(n);
    }
    matches!(tail.split_once('-'), Some((group, row)) if digits(group) && digits(row))
}

/// Moves the finished folder and PDFs into place, each complete on disk first (every file
/// fsynced by the caller as it was finished, see `fsutil::Syncer`; the folder's entries here):
/// the folder first, so a PDF that exists always has its files beside it. Replacing an old bundle
/// is one step per name — the folders are swapped (`fsutil::exchange_dirs`), each PDF renamed
/// over the old one — then the earlier export's PDFs this one has no counterpart for (`stale`,
/// see [`earlier_parts`]) are removed, and the old folder meanwhile. `pdfs`: (temporary, final)
/// pairs.
pub fn commit(
    pdfs: &[(PathBuf, PathBuf)],
    tmp_dir: &Path,
    dir: &Path,
    stale: &[PathBuf],
) -> Result<()> {
    crate::fsutil::sync_dir(tmp_dir);
    let swapped = crate::fsutil::exchange_dirs(tmp_dir, dir)?;
    std::thread::scope(|scope| {
        // The old folder, now at `tmp_dir`, is removed meanwhile (freeing its blocks takes a
        // while on some disks); inline if no thread can be started.
        let old = swapped.then(|| {
            std::thread::Builder::new().spawn_scoped(scope, || std::fs::remove_dir_all(tmp_dir))
        });
        let moved = move_pdfs(pdfs, dir, stale);
        let removed = match old {
            None => Ok(()),
            Some(Ok(thread)) => thread
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("removing the old folder failed"))),
            Some(Err(_)) => std::fs::remove_dir_all(tmp_dir),
        };
        moved?;
        removed?;
        Ok(())
    })
}

/// The PDFs renamed into place, then `stale` removed and the folder synced.
fn move_pdfs(pdfs: &[(PathBuf, PathBuf)], dir: &Path, stale: &[PathBuf]) -> Result<()> {
    for (tmp, pdf) in pdfs {
        std::fs::rename(tmp, pdf)?;
    }
    for old in stale {
        match std::fs::remove_file(old) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(CoreError::Io(std::io::Error::new(
                    e.kind(),
                    format!(
                        "the new bundle is in place, but {} from the earlier export could not be removed ({e}); it is not part of the new bundle: remove it by hand",
                        old.display()
                    ),
                )))
            }
        }
    }
    crate::fsutil::sync_dir(
        dir.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    );
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
    fn only_names_an_export_gives_its_pdfs_count_as_parts() {
        for name in [
            "案件.pdf",
            "案件-1-2.pdf",
            "案件-12-30.PDF",
            "案件-vol3.pdf",
        ] {
            assert!(is_part_name("案件", name), "{name}");
        }
        for name in [
            "案件.files",
            "案件-notes.pdf",
            "案件-1.pdf",
            "案件-1-2-3.pdf",
            "案件-vol.pdf",
            "案件-volx.pdf",
            "案件2-1-1.pdf",
            "其他-1-1.pdf",
            ".案件-1-1.pdf.tixian-tmp-1-1",
        ] {
            assert!(!is_part_name("案件", name), "{name}");
        }
    }

    #[test]
    fn files_dir_sits_beside_the_pdf() {
        assert_eq!(
            files_dir_for(Path::new("/x/bundle.pdf")),
            Path::new("/x/bundle.files")
        );
    }
}
