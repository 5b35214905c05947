//! The content-addressed vault: originals (evidence, imported bills) stored under their SHA-256.
//!
//! A file is written to a temporary file in the vault, fsynced, then renamed to its hash, so a
//! crash never leaves a half-written file under a real name. The source is only read, never
//! modified. Storing the same content twice stores it once.

use crate::error::{CoreError, Result};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Where the content with this hash lives (whether or not it is there yet).
pub fn path_of(vault_dir: &Path, sha256: &str) -> PathBuf {
    vault_dir.join(sha256)
}

/// The SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Stores `bytes`; returns (sha256 hex, size in bytes).
pub fn put_bytes(vault_dir: &Path, bytes: &[u8]) -> Result<(String, u64)> {
    let sha = sha256_hex(bytes);
    if let Some(staged) = stage(vault_dir, bytes, &sha)? {
        staged.publish()?;
    }
    Ok((sha, bytes.len() as u64))
}

/// Writes and syncs `bytes`, whose SHA-256 (`sha256_hex`) the caller already has, to a temporary
/// file in the vault without publishing it: the slow part of storing, done ahead. None when the
/// vault already holds the content. Dropping the result deletes the temporary file, so a
/// caller that gives up leaves the vault as it was — nothing published is ever removed, since
/// another writer may already rely on it.
pub fn stage(vault_dir: &Path, bytes: &[u8], sha256: &str) -> Result<Option<Staged>> {
    let target = path_of(vault_dir, sha256);
    if target.is_file() {
        return Ok(None);
    }
    crate::fsutil::create_private_dir_all(vault_dir)?;
    let mut file = temp_in(vault_dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    Ok(Some(Staged { file, target }))
}

/// [`stage`] for the file at `path` (copied in pieces, so a large file never sits in memory),
/// whose SHA-256 the caller has read: the copy is hashed as it is written, and a file that no
/// longer has that hash (changed since) is refused.
pub fn stage_file(vault_dir: &Path, path: &Path, sha256: &str) -> Result<Option<Staged>> {
    let target = path_of(vault_dir, sha256);
    if target.is_file() {
        return Ok(None);
    }
    crate::fsutil::create_private_dir_all(vault_dir)?;
    let mut src = File::open(path)?;
    let mut file = temp_in(vault_dir)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n])?;
    }
    if hex::encode(hasher.finalize()) != sha256 {
        return Err(CoreError::invalid(
            crate::Field::File,
            "文件在导入时被改动了，请重新导入",
            "the file changed while it was being imported; import it again",
        )
        .at(path.display().to_string()));
    }
    file.as_file().sync_all()?;
    Ok(Some(Staged { file, target }))
}

/// A file written and synced by [`stage`], not yet under its hash.
#[derive(Debug)]
pub struct Staged {
    file: tempfile::NamedTempFile,
    target: PathBuf,
}

impl Staged {
    /// Renames the file to its hash (a rename within the vault: atomic).
    pub fn publish(self) -> Result<()> {
        let dir = self.target.parent().map(Path::to_path_buf);
        self.file
            .persist(&self.target)
            .map_err(|e| CoreError::Io(e.error))?;
        if let Some(dir) = dir {
            sync_dir(&dir);
        }
        Ok(())
    }
}

/// Stores a copy of the file at `path` (streamed, so large recordings fit); the original is only
/// read. Returns (sha256 hex, size in bytes).
pub fn put_file(vault_dir: &Path, path: &Path) -> Result<(String, u64)> {
    crate::fsutil::create_private_dir_all(vault_dir)?;
    let mut src = File::open(path)?;
    let mut tmp = temp_in(vault_dir)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        tmp.write_all(&buf[..n])?;
        size += n as u64;
    }
    let sha = hex::encode(hasher.finalize());
    let target = path_of(vault_dir, &sha);
    if !target.is_file() {
        tmp.as_file().sync_all()?;
        tmp.persist(&target).map_err(|e| CoreError::Io(e.error))?;
        sync_dir(vault_dir);
    }
    Ok((sha, size))
}

/// A temporary file in the vault named with `fsutil::TEMP_MARK` and this process's id, so the
/// next start removes it if a kill leaves it (`fsutil::clean_stale_temps`). User-only (`0600`).
fn temp_in(vault_dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(&format!(
            ".vault{}{}-",
            crate::fsutil::TEMP_MARK,
            std::process::id()
        ))
        .tempfile_in(vault_dir)
}

/// Reads stored content back, checking it still has its hash.
pub fn read(vault_dir: &Path, sha256: &str) -> Result<Vec<u8>> {
    let bytes = fs::read(path_of(vault_dir, sha256))?;
    if sha256_hex(&bytes) != sha256 {
        return Err(CoreError::CheckFailed(format!(
            "vault file {sha256} no longer matches its hash"
        )));
    }
    Ok(bytes)
}

/// Makes the rename durable where the platform allows syncing a directory (not on Windows).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_names_the_file_by_its_hash_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let (sha, size) = put_bytes(dir.path(), b"hello").unwrap();
        assert_eq!(
            sha,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(size, 5);
        assert_eq!(fs::read(path_of(dir.path(), &sha)).unwrap(), b"hello");
        // Twice is once.
        put_bytes(dir.path(), b"hello").unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(read(dir.path(), &sha).unwrap(), b"hello");
    }

    #[test]
    fn put_file_copies_without_touching_the_original() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("orig.bin");
        fs::write(&src, b"original bytes").unwrap();
        let vault = dir.path().join("vault");
        let (sha, size) = put_file(&vault, &src).unwrap();
        assert_eq!(size, 14);
        assert_eq!(sha, sha256_hex(b"original bytes"));
        assert_eq!(fs::read(&src).unwrap(), b"original bytes");
        assert_eq!(fs::read_dir(&vault).unwrap().count(), 1);
        put_file(&vault, &src).unwrap();
        assert_eq!(
            fs::read_dir(&vault).unwrap().count(),
            1,
            "the duplicate temp file was removed"
        );
    }

    #[test]
    fn a_changed_vault_file_is_detected_on_read() {
        let dir = tempfile::tempdir().unwrap();
        let (sha, _) = put_bytes(dir.path(), b"x").unwrap();
        fs::write(path_of(dir.path(), &sha), b"y").unwrap();
        assert!(read(dir.path(), &sha).is_err());
    }
}
