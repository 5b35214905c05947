//! The knowledge files under `rules/`: embedded at build time, plus an optional user folder
//! whose files override (same relative path) or add to them — limits change after release.

pub mod problem;

use crate::error::{CoreError, Result};
use crate::Field;
pub use problem::{cites_seed, Problem};
use serde::Serialize;
use std::path::Path;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/rules_embedded.rs"));
}

/// One TOML file of the knowledge base.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// Path under `rules/`, e.g. `calendar/2026.toml`.
    pub path: String,
    pub text: String,
    /// True when it came from the user folder (overriding or adding).
    pub from_user: bool,
}

/// The files built into this binary.
pub fn embedded() -> Vec<RuleFile> {
    embedded::FILES
        .iter()
        .map(|(path, text)| RuleFile {
            path: path.to_string(),
            text: text.to_string(),
            from_user: false,
        })
        .collect()
}

/// Largest file read from the user's rule folder (the built-in files are far below it).
pub const MAX_USER_FILE_BYTES: u64 = 1024 * 1024;
/// Deepest folder nesting read in the user's rule folder (a link loop stops here).
const MAX_USER_DEPTH: usize = 8;

/// Embedded files with the user folder laid over them (a user file replaces the embedded file
/// of the same path). A missing user folder is simply no overrides. A rule file there that is
/// not a regular file (a FIFO, a device such as a link to `/dev/zero`, a socket) is refused
/// without being opened, one over [`MAX_USER_FILE_BYTES`] or not UTF-8 is refused, each with
/// an error naming it (bad input: exit 2).
pub fn load(user_dir: Option<&Path>) -> Result<Vec<RuleFile>> {
    let mut files = embedded();
    if let Some(dir) = user_dir.filter(|d| d.is_dir()) {
        let mut user = Vec::new();
        collect_user(dir, dir, 0, &mut user)?;
        for file in user {
            match files.iter_mut().find(|f| f.path == file.path) {
                Some(existing) => *existing = file,
                None => files.push(file),
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Ok(files)
}

/// Files under one subject folder (`calendar/`, `routes/` …).
pub fn in_folder<'a>(files: &'a [RuleFile], folder: &str) -> impl Iterator<Item = &'a RuleFile> {
    let prefix = format!("{folder}/");
    files.iter().filter(move |f| f.path.starts_with(&prefix))
}

/// A file of the user's rule folder in use, for `kb check` and the Knowledge screen: what the
/// user's folder changes is shown, never silent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserFile {
    /// Path under `rules/`, e.g. `letters/platform.toml`.
    pub path: String,
    /// Where it is on disk.
    pub file: String,
    /// It takes the place of the built-in file of the same path (else it adds to them).
    pub replaces_built_in: bool,
}

/// The files of `files` that came from the user folder `user_dir`, in path order.
pub fn user_files(files: &[RuleFile], user_dir: &Path) -> Vec<UserFile> {
    files
        .iter()
        .filter(|f| f.from_user)
        .map(|f| UserFile {
            path: f.path.clone(),
            file: user_dir.join(&f.path).display().to_string(),
            replaces_built_in: embedded::FILES.iter().any(|(p, _)| *p == f.path),
        })
        .collect()
}

fn refused(path: &Path, zh: &str, en: &str) -> CoreError {
    CoreError::invalid(
        Field::RuleFolder,
        format!("规则文件夹中的 {}：{zh}", path.display()),
        format!("{} in the rule folder: {en}", path.display()),
    )
}

fn collect_user(root: &Path, dir: &Path, depth: usize, out: &mut Vec<RuleFile>) -> Result<()> {
    if depth > MAX_USER_DEPTH {
        return Err(refused(
            dir,
            &format!("文件夹嵌套超过 {MAX_USER_DEPTH} 层（可能是指向自身的链接），未读取"),
            &format!(
                "folders nest deeper than {MAX_USER_DEPTH} levels (a link to itself?); not read"
            ),
        ));
    }
    let unreadable = |path: &Path, e: std::io::Error| {
        refused(
            path,
            &format!("无法读取（{e}）"),
            &format!("cannot be read ({e})"),
        )
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| unreadable(dir, e))? {
        entries.push(entry.map_err(|e| unreadable(dir, e))?.path());
    }
    entries.sort();
    for path in entries {
        // Links followed; a stat never blocks, whatever the file is.
        let meta = std::fs::metadata(&path).map_err(|e| unreadable(&path, e))?;
        if meta.is_dir() {
            collect_user(root, &path, depth + 1, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push(RuleFile {
                path: rel,
                text: read_user_file(&path, &meta)?,
                from_user: true,
            });
        }
    }
    Ok(())
}

/// Reads one rule file of the user's folder: a regular file (checked before it is opened, and
/// again on the open file), at most [`MAX_USER_FILE_BYTES`], UTF-8.
fn read_user_file(path: &Path, meta: &std::fs::Metadata) -> Result<String> {
    use std::io::Read;
    let not_regular = || {
        refused(
            path,
            "不是普通文件（可能是管道、设备或套接字），未读取",
            "is not a regular file (a FIFO, device or socket?); it was not read",
        )
    };
    let too_large = || {
        refused(
            path,
            &format!(
                "超过 {} KB，不像规则文件，未读取",
                MAX_USER_FILE_BYTES / 1024
            ),
            &format!(
                "is over {} KB, too large for a rule file; not read",
                MAX_USER_FILE_BYTES / 1024
            ),
        )
    };
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > MAX_USER_FILE_BYTES {
        return Err(too_large());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Should the file be swapped for a FIFO after the check, opening it does not wait for a
    // writer.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(|e| {
        refused(
            path,
            &format!("无法打开（{e}）"),
            &format!("cannot be opened ({e})"),
        )
    })?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    file.take(MAX_USER_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            refused(
                path,
                &format!("无法读取（{e}）"),
                &format!("cannot be read ({e})"),
            )
        })?;
    if bytes.len() as u64 > MAX_USER_FILE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|_| {
        refused(
            path,
            "不是 UTF-8 文本，未读取",
            "is not UTF-8 text; not read",
        )
    })
}

/// The user's rule folder: `<data dir>/tixian/rules`.
pub fn default_user_dir() -> std::path::PathBuf {
    user_dir_beside(&crate::store::default_db_path())
}

/// The user's rule folder of the database at `db_path`: `rules/` beside it.
pub fn user_dir_beside(db_path: &Path) -> std::path::PathBuf {
    db_path.with_file_name("rules")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_file_overrides_embedded_file_of_the_same_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("extra")).unwrap();
        std::fs::write(dir.path().join("extra/mine.toml"), "x = 1").unwrap();
        let files = load(Some(dir.path())).unwrap();
        let mine = files.iter().find(|f| f.path == "extra/mine.toml").unwrap();
        assert!(mine.from_user);
        assert_eq!(files.len(), embedded().len() + 1);
    }
}
