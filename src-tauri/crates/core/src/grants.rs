//! Which paths the app's commands take from its web view (issue 17). The web view never chooses a
//! path itself: a command reads only a file the user answered an open dialog with, dropped on the
//! window or opened the app with, or a file inside the app's data folder (the database's folder:
//! daily backups, the vault); it writes only where the user answered a save dialog, or where the
//! shell itself proposed (a bundle's or backup's default name). Anything else is refused, so a
//! hostile page in the web view cannot read `~/.ssh` or write over the user's rule folder.
//!
//! Paths are compared resolved: symbolic links and `..` followed as far as the path exists, so
//! `<data>/../x` or a link inside the data folder pointing out of it is not "inside".

use crate::{CoreError, Field, Result};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// What a command does with a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// What an open dialog is for: its filter and whether it takes several files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OpenKind {
    /// A WeChat Pay / Alipay export, or its ZIP.
    Bill,
    /// Evidence files for a case (any kind, several at once).
    Evidence,
    /// A screenshot to read.
    Screenshot,
    /// A backup archive to restore.
    Backup,
    /// A bundle PDF to verify.
    Bundle,
}

/// What a save dialog is for: its filter and the extension added when the user typed none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SaveKind {
    Backup,
    Bundle,
    Letter,
}

impl OpenKind {
    pub fn multiple(self) -> bool {
        self == OpenKind::Evidence
    }

    /// The dialog's filter (a name and extensions); none for evidence.
    pub fn filter(self) -> Option<(&'static str, &'static [&'static str])> {
        match self {
            OpenKind::Bill => Some(("CSV / XLSX / ZIP", &["csv", "xlsx", "zip"])),
            OpenKind::Evidence => None,
            OpenKind::Screenshot => Some(("PNG / JPEG / WebP", &["png", "jpg", "jpeg", "webp"])),
            OpenKind::Backup => Some(("ZIP", &["zip"])),
            OpenKind::Bundle => Some(("PDF", &["pdf"])),
        }
    }
}

impl SaveKind {
    pub fn filter(self) -> (&'static str, &'static [&'static str]) {
        match self {
            SaveKind::Backup => ("ZIP", &["zip"]),
            SaveKind::Bundle => ("PDF", &["pdf"]),
            SaveKind::Letter => ("Text", &["txt"]),
        }
    }

    /// The save dialog's answer with the kind's extension when the user typed none (`证据包` →
    /// `证据包.pdf`), so the path written is the path granted.
    pub fn with_extension(self, path: PathBuf) -> PathBuf {
        let ext = self.filter().1[0];
        let has = path
            .extension()
            .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case(ext));
        if has {
            path
        } else {
            let mut name = path.clone().into_os_string();
            name.push(".");
            name.push(ext);
            PathBuf::from(name)
        }
    }
}

/// The paths the user handed to the app in this session, and its data folder.
#[derive(Debug, Default)]
pub struct PathGrants {
    data_dir: Option<PathBuf>,
    read: HashSet<PathBuf>,
    write: HashSet<PathBuf>,
    /// Folders whose every path counts as picked: only the debug build's e2e hook sets them.
    picked_roots: Vec<PathBuf>,
}

impl PathGrants {
    /// `data_dir` is the folder of the database (and of everything beside it).
    pub fn new(data_dir: &Path) -> PathGrants {
        PathGrants {
            data_dir: resolve(data_dir),
            ..PathGrants::default()
        }
    }

    /// An open dialog's answer, a drop on the window, a file the app was started with.
    pub fn allow_read(&mut self, path: &Path) {
        if let Some(p) = resolve(path) {
            self.read.insert(p);
        }
    }

    /// A save dialog's answer, or a place the shell proposed (a default file name). What the
    /// user chose to write may be read back (verify an exported bundle).
    pub fn allow_write(&mut self, path: &Path) {
        if let Some(p) = resolve(path) {
            self.write.insert(p);
        }
    }

    /// Every path under `root` counts as answered in a dialog. For the debug build's e2e hook
    /// only (WebDriver cannot answer a native dialog); the release shell never calls it.
    pub fn allow_everything_under(&mut self, root: &Path) {
        if let Some(p) = resolve(root) {
            self.picked_roots.push(p);
        }
    }

    /// The path `text` names (as typed: quotes trimmed), if the web view may use it for
    /// `access`; otherwise a clear refusal on `field`.
    pub fn check(&self, text: &str, access: Access, field: Field) -> Result<PathBuf> {
        let path = crate::fsutil::typed_path(text, field.clone())?;
        if resolve(&path).is_some_and(|r| self.allows(&r, access)) {
            return Ok(path);
        }
        let shown = path.display();
        Err(match access {
            Access::Read => CoreError::invalid(
                field,
                format!(
                    "为了安全，提现助手只读取你在文件对话框里选的、拖进窗口的或用它打开的文件，以及它的数据文件夹里的文件：{shown} 都不是。请用“选择”按钮选它，或把它拖进窗口"
                ),
                format!(
                    "For safety, Tixian reads only files you chose in a file dialog, dropped on its window or opened with it, and files in its data folder: {shown} is none of these. Choose it with the Choose button or drop it on the window"
                ),
            ),
            Access::Write => CoreError::invalid(
                field,
                format!(
                    "为了安全，提现助手只写入你在保存对话框里选的位置：{shown} 不是。请用“选择”按钮选保存位置"
                ),
                format!(
                    "For safety, Tixian writes only where you chose in a save dialog: {shown} is not such a place. Choose where to save with the Choose button"
                ),
            ),
        })
    }

    fn allows(&self, resolved: &Path, access: Access) -> bool {
        if self.write.contains(resolved)
            || self.picked_roots.iter().any(|r| resolved.starts_with(r))
        {
            return true;
        }
        access == Access::Read
            && (self.read.contains(resolved)
                || self
                    .data_dir
                    .as_ref()
                    .is_some_and(|d| resolved.starts_with(d)))
    }
}

/// `path` absolute with links and `..` followed as far as it exists (the rest appended as
/// written); None when the part that does not exist yet climbs with `..` (nothing can be said
/// about where that ends).
fn resolve(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                match part {
                    Component::Normal(name) => out.push(name),
                    Component::CurDir => {}
                    _ => return None,
                }
            }
            return Some(out);
        }
        rest.push(existing.components().next_back()?);
        existing = existing.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants(data: &Path) -> PathGrants {
        PathGrants::new(data)
    }

    /// The web view hands a path the user never picked (a compromised page asking for a key
    /// file, or to write into the rule folder): refused, naming the path, in both languages.
    #[test]
    fn a_path_never_picked_is_refused_for_reading_and_writing() {
        let home = tempfile::tempdir().unwrap();
        let data = home.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let secret = home.path().join("id_ed25519");
        std::fs::write(&secret, "key").unwrap();
        let g = grants(&data);
        let e = g
            .check(&secret.display().to_string(), Access::Read, Field::File)
            .unwrap_err();
        assert_eq!(e.named_field(), Some(&Field::File));
        let CoreError::Invalid { message, .. } = &e else {
            panic!("{e:?}")
        };
        assert!(
            message.zh.contains("为了安全") && message.zh.contains("id_ed25519"),
            "{}",
            message.zh
        );
        assert!(
            message.en.starts_with("For safety, Tixian reads only"),
            "{}",
            message.en
        );
        let out = home.path().join("out.pdf").display().to_string();
        let e = g.check(&out, Access::Write, Field::Out).unwrap_err();
        let CoreError::Invalid { message, .. } = &e else {
            panic!("{e:?}")
        };
        assert!(
            message.en.contains("writes only where you chose"),
            "{}",
            message.en
        );
        // The data folder is readable, never writable (the database and rules live there).
        let rules = data.join("rules").join("kb.toml").display().to_string();
        assert!(g.check(&rules, Access::Write, Field::Path).is_err());
        assert!(g.check("/etc/passwd", Access::Read, Field::File).is_err());
    }

    #[test]
    fn what_the_dialogs_returned_is_allowed_as_typed_or_quoted() {
        let home = tempfile::tempdir().unwrap();
        let bill = home.path().join("账单.csv");
        std::fs::write(&bill, "x").unwrap();
        let out = home.path().join("new.pdf");
        let mut g = grants(&home.path().join("data"));
        g.allow_read(&bill);
        g.allow_write(&out);
        let quoted = format!("  \"{}\" ", bill.display());
        assert_eq!(g.check(&quoted, Access::Read, Field::File).unwrap(), bill);
        assert!(
            g.check(&bill.display().to_string(), Access::Write, Field::Out)
                .is_err(),
            "opened is not writable"
        );
        assert_eq!(
            g.check(&out.display().to_string(), Access::Write, Field::Out)
                .unwrap(),
            out
        );
        // What the user chose to write can be read back (verify the bundle just exported).
        assert!(g
            .check(&out.display().to_string(), Access::Read, Field::File)
            .is_ok());
        // A sibling of a granted file is not granted.
        assert!(g
            .check(
                &home.path().join("other.csv").display().to_string(),
                Access::Read,
                Field::File
            )
            .is_err());
    }

    #[test]
    fn inside_the_data_folder_means_inside_after_links_and_dot_dots() {
        let home = tempfile::tempdir().unwrap();
        let data = home.path().join("data");
        std::fs::create_dir_all(data.join("backups")).unwrap();
        std::fs::write(data.join("backups/b.zip"), "z").unwrap();
        std::fs::write(home.path().join("outside.txt"), "o").unwrap();
        let g = grants(&data);
        let read = |p: PathBuf| g.check(&p.display().to_string(), Access::Read, Field::Restore);
        assert!(read(data.join("backups/b.zip")).is_ok());
        assert!(read(data.join("backups/./b.zip")).is_ok());
        assert!(
            read(data.join("not-yet.zip")).is_ok(),
            "missing files inside get the usual 'does not exist' later"
        );
        assert!(read(data.join("../outside.txt")).is_err());
        assert!(read(data.join("missing/../../outside.txt")).is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(home.path(), data.join("link")).unwrap();
            assert!(
                read(data.join("link/outside.txt")).is_err(),
                "a link out of the data folder"
            );
        }
    }

    #[test]
    fn a_granted_path_matches_through_links_and_relative_spellings() {
        let home = tempfile::tempdir().unwrap();
        let real = home.path().join("real");
        std::fs::create_dir_all(&real).unwrap();
        std::fs::write(real.join("a.png"), "p").unwrap();
        let mut g = grants(&home.path().join("data"));
        g.allow_read(&real.join("a.png"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&real, home.path().join("alias")).unwrap();
            let via = home.path().join("alias/a.png").display().to_string();
            assert!(g.check(&via, Access::Read, Field::Path).is_ok());
        }
        let dotted = real.join("../real/a.png").display().to_string();
        assert!(g.check(&dotted, Access::Read, Field::Path).is_ok());
    }

    #[test]
    fn the_e2e_hook_grants_a_folder_and_nothing_beside_it() {
        let home = tempfile::tempdir().unwrap();
        let picked = home.path().join("picked");
        std::fs::create_dir_all(&picked).unwrap();
        let mut g = grants(&home.path().join("data"));
        g.allow_everything_under(&picked);
        let inside = picked.join("sub/out.pdf").display().to_string();
        assert!(g.check(&inside, Access::Write, Field::Out).is_ok());
        let beside = home.path().join("pickedx/out.pdf").display().to_string();
        assert!(g.check(&beside, Access::Write, Field::Out).is_err());
    }

    #[test]
    fn a_save_answer_gets_the_kind_s_extension_once() {
        assert_eq!(
            SaveKind::Bundle.with_extension("/t/证据包".into()),
            PathBuf::from("/t/证据包.pdf")
        );
        assert_eq!(
            SaveKind::Bundle.with_extension("/t/a.PDF".into()),
            PathBuf::from("/t/a.PDF")
        );
        assert_eq!(
            SaveKind::Backup.with_extension("/t/b.pdf".into()),
            PathBuf::from("/t/b.pdf.zip")
        );
        assert_eq!(
            SaveKind::Letter.with_extension("/t/信".into()),
            PathBuf::from("/t/信.txt")
        );
    }
}
