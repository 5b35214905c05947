//! The content-addressed vault: original files (bill exports, evidence) kept byte for byte,
//! each named by its SHA-256 in `store::vault_dir(db)`. A file is written to a temporary name,
//! fsynced, renamed into place and made read-only; an existing file is never rewritten, so the
//! vault only ever grows and every hash keeps pointing at the same bytes.

use crate::error::{CoreError, Result};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Where the file with this hash lives (whether or not it is there yet).
pub fn path_for(vault: &Path, sha256: &str) -> PathBuf {
    vault.join(sha256)
}

/// Keeps `bytes` in the vault and returns their SHA-256. Storing the same bytes twice is a no-op.
pub fn store(vault: &Path, bytes: &[u8]) -> Result<String> {
    let sha = sha256_hex(bytes);
    let target = path_for(vault, &sha);
    if let Ok(meta) = fs::metadata(&target) {
        if meta.len() == bytes.len() as u64 {
            return Ok(sha);
        }
        return Err(CoreError::Internal(format!(
            "vault file {} has the wrong size; it was changed outside Tixian",
            target.display()
        )));
    }
    fs::create_dir_all(vault)?;
    let temp = vault.join(format!(".{sha}.{}.tmp", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut f = File::create(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        let mut perms = f.metadata()?.permissions();
        perms.set_readonly(true);
        fs::set_permissions(&temp, perms)?;
        fs::rename(&temp, &target)?;
        // Make the rename itself durable (directories can be fsynced on Unix).
        #[cfg(unix)]
        File::open(vault)?.sync_all()?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e.into());
    }
    Ok(sha)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_once_by_hash_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        let sha = store(&vault, b"hello").unwrap();
        assert_eq!(
            sha,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        let path = path_for(&vault, &sha);
        assert_eq!(fs::read(&path).unwrap(), b"hello");
        assert!(fs::metadata(&path).unwrap().permissions().readonly());
        assert_eq!(store(&vault, b"hello").unwrap(), sha);
        assert_eq!(
            fs::read_dir(&vault).unwrap().count(),
            1,
            "no temp files left behind"
        );
    }
}
