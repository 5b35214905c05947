//! The knowledge files under `rules/`: embedded at build time, plus an optional user folder
//! whose files override (same relative path) or add to them — limits change after release.

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

/// Embedded files with the user folder laid over them (a user file replaces the embedded file
/// of the same path). A missing user folder is simply no overrides.
pub fn load(user_dir: Option<&Path>) -> std::io::Result<Vec<RuleFile>> {
    let mut files = embedded();
    if let Some(dir) = user_dir.filter(|d| d.is_dir()) {
        let mut user = Vec::new();
        collect_user(dir, dir, &mut user)?;
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

fn collect_user(root: &Path, dir: &Path, out: &mut Vec<RuleFile>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_user(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push(RuleFile {
                path: rel,
                text: std::fs::read_to_string(&path)?,
                from_user: true,
            });
        }
    }
    Ok(())
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
