//! The content-addressed vault: originals (evidence, imported bills) stored under their SHA-256.
//!
//! A file is written to a temporary file in the vault, fsynced, then renamed to its hash, so a
//! crash never leaves a half-written file under a real name. The source is only read, never
//! modified. Storing the same content twice stores it once.
//!
//! With the app lock set, the vault's data key is registered for the folder ([`unlock`]) while
//! the workspace is open, and every file is written sealed ([`crate::crypto`]); its name stays
//! the SHA-256 of the plaintext, so the hashes in bundles and backups still check. Every reader
//! goes through [`open_path`] (and [`read`], [`read_path`], [`verify`] on top of it), which
//! opens sealed and plain files alike — a vault half-way through a conversion reads as a whole.

use crate::crypto::{self, VaultKey};
use crate::error::{CoreError, Result};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// The data keys of the vaults this process has unlocked, by folder. In memory only.
static KEYS: RwLock<Vec<(PathBuf, Arc<VaultKey>)>> = RwLock::new(Vec::new());

/// Registers `key` for the vault at `dir`: from now on its files are written sealed.
pub fn unlock(dir: &Path, key: VaultKey) {
    let mut keys = KEYS.write().unwrap_or_else(|e| e.into_inner());
    keys.retain(|(d, _)| d != dir);
    keys.push((dir.to_path_buf(), Arc::new(key)));
}

/// Forgets the key of the vault at `dir` (the lock was removed): files are written plain.
pub fn forget(dir: &Path) {
    KEYS.write()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(d, _)| d != dir);
}

/// The key registered for `dir`, if its workspace is locked and unlocked here.
pub fn key_for(dir: &Path) -> Option<Arc<VaultKey>> {
    KEYS.read()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(d, _)| d == dir)
        .map(|(_, k)| Arc::clone(k))
}

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
    match key_for(vault_dir) {
        Some(key) => {
            crypto::seal_stream(
                &key,
                &mut &bytes[..],
                &mut std::io::BufWriter::new(&mut file),
            )?;
        }
        None => file.write_all(bytes)?,
    }
    file.as_file().sync_all()?;
    Ok(Some(Staged { file, target }))
}

/// Hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    size: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

/// Copies `src` into the temporary `file`, sealed when the vault has a key; returns the
/// plaintext's SHA-256 and size.
fn copy_in(
    vault_dir: &Path,
    src: File,
    file: &mut tempfile::NamedTempFile,
) -> Result<(String, u64)> {
    let mut src = Hashing {
        inner: std::io::BufReader::with_capacity(1 << 20, src),
        hasher: Sha256::new(),
        size: 0,
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    match key_for(vault_dir) {
        Some(key) => {
            crypto::seal_stream(&key, &mut src, &mut out)?;
        }
        None => {
            std::io::copy(&mut src, &mut out)?;
        }
    }
    out.flush()?;
    Ok((hex::encode(src.hasher.finalize()), src.size))
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
    let src = File::open(path)?;
    let mut file = temp_in(vault_dir)?;
    let (found, _) = copy_in(vault_dir, src, &mut file)?;
    if found != sha256 {
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
    let src = File::open(path)?;
    let mut tmp = temp_in(vault_dir)?;
    let (sha, size) = copy_in(vault_dir, src, &mut tmp)?;
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

/// The plaintext of the vault file at `path`, sealed or not: the one way every reader opens
/// a vault file. A sealed file opens with the key registered for its folder; each chunk is
/// checked as it is read. Without a key, or a file that is not sealed, the bytes as they are
/// (callers check the hash: a sealed file read without its key does not match).
pub fn open_path(path: &Path) -> std::io::Result<Box<dyn Read + Send>> {
    let mut file = File::open(path)?;
    let mut header = [0u8; crypto::HEADER];
    let n = read_prefix(&mut file, &mut header)?;
    let key = path.parent().and_then(key_for);
    match key {
        Some(key) if n == crypto::HEADER && header.starts_with(crypto::MAGIC) => {
            Ok(Box::new(crypto::Opener::new(
                &key,
                &header,
                std::io::BufReader::with_capacity(1 << 17, file),
            )))
        }
        _ => Ok(Box::new(
            std::io::Cursor::new(header[..n].to_vec()).chain(file),
        )),
    }
}

fn read_prefix(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Whether the file at `path` is sealed (starts with the sealed-file mark).
pub fn is_sealed(path: &Path) -> bool {
    let mut header = [0u8; crypto::MAGIC.len()];
    File::open(path)
        .and_then(|mut f| read_prefix(&mut f, &mut header))
        .is_ok_and(|n| n == header.len() && &header == crypto::MAGIC)
}

/// The plaintext of the vault file at `path` (no hash check: see [`read`]).
pub fn read_path(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    open_path(path)?.read_to_end(&mut out)?;
    Ok(out)
}

/// Reads stored content back, checking it still has its hash.
pub fn read(vault_dir: &Path, sha256: &str) -> Result<Vec<u8>> {
    let path = path_of(vault_dir, sha256);
    let bytes = read_path(&path).map_err(|e| opened(&path, sha256, e))?;
    if sha256_hex(&bytes) != sha256 {
        return Err(changed(&path, sha256));
    }
    Ok(bytes)
}

/// Streams the stored content through its hash; returns its plaintext size.
pub fn verify(vault_dir: &Path, sha256: &str) -> Result<u64> {
    let path = path_of(vault_dir, sha256);
    let mut src = Hashing {
        inner: open_path(&path).map_err(|e| opened(&path, sha256, e))?,
        hasher: Sha256::new(),
        size: 0,
    };
    std::io::copy(&mut src, &mut std::io::sink()).map_err(|e| opened(&path, sha256, e))?;
    if hex::encode(src.hasher.finalize()) != sha256 {
        return Err(changed(&path, sha256));
    }
    Ok(src.size)
}

fn opened(path: &Path, sha256: &str, e: std::io::Error) -> CoreError {
    if e.kind() == std::io::ErrorKind::InvalidData {
        CoreError::CheckFailed(format!("vault file {sha256} does not open: {e}"))
    } else {
        let _ = path;
        CoreError::Io(e)
    }
}

fn changed(path: &Path, sha256: &str) -> CoreError {
    if is_sealed(path) && path.parent().and_then(key_for).is_none() {
        CoreError::CheckFailed(format!(
            "vault file {sha256} is encrypted by the app lock, which is not unlocked"
        ))
    } else {
        CoreError::CheckFailed(format!("vault file {sha256} no longer matches its hash"))
    }
}

/// Rewrites the plain vault file `sha256` sealed with the folder's key (a temp file, fsync,
/// rename over it: a kill leaves it whole, plain or sealed). A file already sealed is left.
/// Returns whether it was rewritten.
pub fn seal_in_place(vault_dir: &Path, sha256: &str) -> Result<bool> {
    let path = path_of(vault_dir, sha256);
    let key = key_for(vault_dir)
        .ok_or_else(|| CoreError::Internal("sealing a vault with no key".into()))?;
    let raw = fs::read(&path)?;
    if sha256_hex(&raw) != sha256 {
        // Not plain: sealed already (checked by opening it), or damaged.
        verify(vault_dir, sha256)?;
        return Ok(false);
    }
    let mut tmp = temp_in(vault_dir)?;
    crypto::seal_stream(&key, &mut &raw[..], &mut std::io::BufWriter::new(&mut tmp))?;
    tmp.as_file().sync_all()?;
    tmp.persist(&path).map_err(|e| CoreError::Io(e.error))?;
    Ok(true)
}

/// Rewrites the sealed vault file `sha256` plain (checked against its hash first), the same
/// way as [`seal_in_place`]. A plain file is left. Returns whether it was rewritten.
pub fn open_in_place(vault_dir: &Path, sha256: &str) -> Result<bool> {
    let path = path_of(vault_dir, sha256);
    if !is_sealed(&path) {
        return Ok(false);
    }
    let bytes = read(vault_dir, sha256)?;
    let mut tmp = temp_in(vault_dir)?;
    tmp.write_all(&bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&path).map_err(|e| CoreError::Io(e.error))?;
    Ok(true)
}

/// Stores `bytes` under `sha256` exactly as given (a backup's file, sealed or plain, already
/// checked against its name), unless the vault has it.
pub fn put_as_is(vault_dir: &Path, sha256: &str, bytes: &[u8]) -> Result<()> {
    let target = path_of(vault_dir, sha256);
    if target.is_file() {
        return Ok(());
    }
    crate::fsutil::create_private_dir_all(vault_dir)?;
    let mut file = temp_in(vault_dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    Staged { file, target }.publish()
}

/// The names of the stored files (SHA-256 hex), temporary files left out.
pub fn list(vault_dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    if !vault_dir.is_dir() {
        return Ok(names);
    }
    for entry in fs::read_dir(vault_dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.len() == 64
            && name.bytes().all(|b| b.is_ascii_hexdigit())
            && entry.file_type()?.is_file()
        {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Syncs the vault folder after renames in it.
pub fn sync(vault_dir: &Path) {
    sync_dir(vault_dir);
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
    fn a_locked_vault_writes_sealed_files_that_read_back_and_convert_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        let (plain_sha, _) = put_bytes(&vault, b"stored before the lock").unwrap();
        unlock(&vault, VaultKey::random().unwrap());
        let (sha, _) = put_bytes(&vault, b"evidence while locked").unwrap();
        let src = dir.path().join("big.bin");
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
        fs::write(&src, &big).unwrap();
        let (big_sha, size) = put_file(&vault, &src).unwrap();
        assert_eq!((big_sha.clone(), size), (sha256_hex(&big), 200_000));
        let staged = stage_file(&vault, &src, &big_sha).unwrap();
        assert!(staged.is_none(), "already stored");
        for s in [&sha, &big_sha] {
            assert!(is_sealed(&path_of(&vault, s)), "{s} is sealed on disk");
            assert!(!fs::read(path_of(&vault, s))
                .unwrap()
                .windows(9)
                .any(|w| w == b"evidence "));
        }
        assert_eq!(read(&vault, &sha).unwrap(), b"evidence while locked");
        assert_eq!(read(&vault, &big_sha).unwrap(), big);
        // Half converted reads as a whole; sealing it all, then opening it all, round-trips.
        assert_eq!(read(&vault, &plain_sha).unwrap(), b"stored before the lock");
        assert!(seal_in_place(&vault, &plain_sha).unwrap());
        assert!(!seal_in_place(&vault, &plain_sha).unwrap(), "twice is once");
        assert!(is_sealed(&path_of(&vault, &plain_sha)));
        assert_eq!(verify(&vault, &plain_sha).unwrap(), 22);
        for s in list(&vault).unwrap() {
            assert!(open_in_place(&vault, &s).unwrap());
        }
        forget(&vault);
        assert_eq!(fs::read(path_of(&vault, &big_sha)).unwrap(), big);
        assert_eq!(read(&vault, &sha).unwrap(), b"evidence while locked");
        assert_eq!(list(&vault).unwrap().len(), 3);
    }

    #[test]
    fn a_sealed_file_read_without_its_key_says_the_lock_is_not_unlocked() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        unlock(&vault, VaultKey::random().unwrap());
        let (sha, _) = put_bytes(&vault, b"x").unwrap();
        forget(&vault);
        let e = read(&vault, &sha).unwrap_err();
        assert!(e.to_string().contains("not unlocked"), "{e}");
    }

    #[test]
    fn a_changed_vault_file_is_detected_on_read() {
        let dir = tempfile::tempdir().unwrap();
        let (sha, _) = put_bytes(dir.path(), b"x").unwrap();
        fs::write(path_of(dir.path(), &sha), b"y").unwrap();
        assert!(read(dir.path(), &sha).is_err());
    }
}
