//! Writing files so that a crash at any moment (even SIGKILL) loses nothing, and so that what
//! Tixian writes is readable by the user only.
//!
//! - [`write_atomic`] writes to a temporary name beside the target (`.NAME.tixian-tmp-PID-N`),
//!   fsyncs it, renames it over the target (one rename, also for an overwrite) and fsyncs the
//!   folder: the target is always either the old file or the whole new one.
//! - [`exchange_dirs`] swaps a finished folder into place in one step (Linux `RENAME_EXCHANGE`).
//! - [`clean_stale_temps`] removes temporary files left by a process that no longer runs (run at
//!   the next start: when the database opens, and before an export or backup into a folder).
//! - Files are created `0600` and folders `0700` on Unix ([`create_private`],
//!   [`create_private_dir_all`]).

use crate::error::{CoreError, Result};
use crate::Field;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The marker in every temporary name Tixian writes; [`clean_stale_temps`] looks for it.
pub const TEMP_MARK: &str = ".tixian-tmp-";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh temporary path beside `target`: `.NAME.tixian-tmp-PID-N`.
pub fn temp_beside(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    target.with_file_name(format!(".{name}{TEMP_MARK}{}-{n}", std::process::id()))
}

/// Creates a new file readable and writable by the user only (fails if it exists).
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).read(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Writes `bytes` to a new user-only file.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = create_private(path)?;
    file.write_all(bytes)
}

/// Creates `dir` and its missing parents, each new one user-only (`0700`).
pub fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates the one folder `dir` user-only (fails if it exists).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Makes an existing file or folder user-only (`0600` / `0700`) when others could read it.
pub fn make_private(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(path)?;
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            let private = if meta.is_dir() { 0o700 } else { 0o600 };
            fs::set_permissions(path, fs::Permissions::from_mode(private))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Flushes a folder's entries (a rename in it) to disk. Best effort where folders cannot be
/// opened (Windows).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn parent_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Writes `target` atomically: `write` fills a user-only temporary file beside it, which is then
/// fsynced and renamed over `target` (one rename), and the folder fsynced. On any error the
/// temporary file is removed and `target` is as it was.
pub fn write_atomic<T>(target: &Path, write: impl FnOnce(&mut File) -> Result<T>) -> Result<T> {
    let tmp = temp_beside(target);
    let result = (|| {
        let mut file = create_private(&tmp)?;
        let value = write(&mut file)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, target)?;
        sync_dir(&parent_of(target));
        Ok(value)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Fsyncs every file under `dir` and the folders themselves, so a folder about to be renamed
/// into place is complete on disk.
pub fn sync_tree(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            sync_tree(&entry.path())?;
        } else if kind.is_file() {
            File::open(entry.path())?.sync_all()?;
        }
    }
    sync_dir(dir);
    Ok(())
}

/// Fsyncs files on a thread of its own as they are finished, while the writer goes on with the
/// next (the disk writes then overlap the computing instead of all waiting at the end).
/// [`Syncer::finish`] waits for every file handed over and reports the first failure. A file
/// removed before its turn (a temporary replaced meanwhile) is skipped. If no thread can be
/// started, [`Syncer::add`] syncs in place.
pub struct Syncer {
    tx: Option<std::sync::mpsc::Sender<PathBuf>>,
    thread: Option<std::thread::JoinHandle<io::Result<()>>>,
    /// The first failure of an in-place sync.
    failed: std::sync::Mutex<Option<io::Error>>,
}

impl Syncer {
    pub fn start() -> Syncer {
        let (tx, rx) = std::sync::mpsc::channel::<PathBuf>();
        let thread = std::thread::Builder::new()
            .name("tixian-fsync".into())
            .spawn(move || {
                let mut first: io::Result<()> = Ok(());
                for path in rx {
                    if first.is_ok() {
                        first = sync_file(&path);
                    }
                }
                first
            })
            .ok();
        Syncer {
            tx: thread.as_ref().map(|_| tx),
            thread,
            failed: std::sync::Mutex::new(None),
        }
    }

    /// Hands `path` (a regular file, complete) over to be fsynced.
    pub fn add(&self, path: PathBuf) {
        if let Some(tx) = &self.tx {
            if tx.send(path.clone()).is_ok() {
                return;
            }
        }
        if let Err(e) = sync_file(&path) {
            if let Ok(mut failed) = self.failed.lock() {
                failed.get_or_insert(e);
            }
        }
    }

    /// Waits until every file handed over is on disk.
    pub fn finish(mut self) -> io::Result<()> {
        self.tx = None;
        let threaded = match self.thread.take().map(|t| t.join()) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(io::Error::other("the fsync thread stopped")),
            None => Ok(()),
        };
        let inline = self.failed.lock().ok().and_then(|mut f| f.take());
        threaded.and(inline.map_or(Ok(()), Err))
    }
}

impl Drop for Syncer {
    fn drop(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn sync_file(path: &Path) -> io::Result<()> {
    match File::open(path) {
        Ok(f) => f.sync_all(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Puts the finished folder `from` at `to` in one step. When `to` exists the two are swapped
/// (Linux `renameat2(RENAME_EXCHANGE)`), so `to` is never missing: afterwards the old folder is
/// at `from`, for the caller to remove. Returns whether a swap happened. Elsewhere the old folder
/// is moved aside first (two renames).
pub fn exchange_dirs(from: &Path, to: &Path) -> Result<bool> {
    if !to.exists() {
        fs::rename(from, to)?;
        sync_dir(&parent_of(to));
        return Ok(false);
    }
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let a = CString::new(from.as_os_str().as_bytes())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let b = CString::new(to.as_os_str().as_bytes())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        // SAFETY: two valid NUL-terminated paths; renameat2 only reads them.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if rc == 0 {
            sync_dir(&parent_of(to));
            return Ok(true);
        }
        // A file system without RENAME_EXCHANGE falls through to the two-rename way.
    }
    let aside = temp_beside(to);
    fs::rename(to, &aside)?;
    fs::rename(from, to)?;
    fs::rename(&aside, from)?;
    sync_dir(&parent_of(to));
    Ok(true)
}

/// The process id in a temporary name Tixian wrote, if `name` is one.
fn temp_owner(name: &str) -> Option<u32> {
    let rest = &name[name.find(TEMP_MARK)? + TEMP_MARK.len()..];
    rest.split('-').next()?.parse().ok()
}

fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        Path::new("/proc").join(pid.to_string()).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        // Without /proc, assume it may still run; `clean_stale_temps` then keeps the file a day.
        true
    }
}

/// Removes the temporary files and folders in `dir` (not below) left by Tixian processes that no
/// longer run — what a crash or a kill left behind. Files of a running process are kept (the app
/// and the CLI may be working at once). Returns how many were removed.
pub fn clean_stale_temps(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = temp_owner(&name) else {
            continue;
        };
        let stale = !process_alive(pid)
            || entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 24 * 3600 && !cfg!(target_os = "linux"));
        if !stale {
            continue;
        }
        let path = entry.path();
        let gone = match entry.file_type() {
            Ok(t) if t.is_dir() => fs::remove_dir_all(&path).is_ok(),
            Ok(_) => fs::remove_file(&path).is_ok(),
            Err(_) => false,
        };
        removed += usize::from(gone);
    }
    removed
}

/// A path as typed, pasted or dropped into a form: trimmed, without the quotes a file manager's
/// "copy path" puts around it. Nothing there is an error on `field`.
pub fn typed_path(text: &str, field: Field) -> Result<PathBuf> {
    let trimmed = text.trim().trim_matches('"').trim();
    if trimmed.is_empty() {
        return Err(CoreError::invalid(
            field,
            "请选择文件或保存位置",
            "choose a file or where to save it",
        ));
    }
    Ok(PathBuf::from(trimmed))
}

/// [`typed_path`] that must name something that exists.
pub fn existing_path(text: &str, field: Field) -> Result<PathBuf> {
    let path = typed_path(text, field.clone())?;
    if !path.exists() {
        return Err(CoreError::invalid(
            field,
            format!("{} 不存在", path.display()),
            format!("{} does not exist", path.display()),
        ));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_typed_path_loses_its_quotes_and_must_be_there() {
        let dir = tempfile::tempdir().unwrap();
        let quoted = format!(" \"{}\" ", dir.path().display());
        assert_eq!(super::typed_path(&quoted, Field::Path).unwrap(), dir.path());
        assert_eq!(
            super::existing_path(&quoted, Field::Path).unwrap(),
            dir.path()
        );
        let e = super::typed_path("  ", Field::Path).unwrap_err();
        assert_eq!(e.named_field(), Some(&Field::Path));
        let missing = dir.path().join("gone.pdf").display().to_string();
        let e = super::existing_path(&missing, Field::Path).unwrap_err();
        assert!(e.message(crate::Lang::En).contains("does not exist"), "{e}");
    }

    use super::*;

    #[test]
    fn an_overwrite_is_one_rename_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.zip");
        fs::write(&target, b"old").unwrap();
        write_atomic(&target, |f| {
            use std::io::Write;
            f.write_all(b"new")?;
            Ok(())
        })
        .unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_left_the_old_file_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.zip");
        fs::write(&target, b"old").unwrap();
        let r: Result<()> = write_atomic(&target, |f| {
            use std::io::Write;
            f.write_all(b"half")?;
            Err(crate::CoreError::Internal("stop".into()))
        });
        assert!(r.is_err());
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn temp_files_were_world_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b.pdf");
        write_atomic(&target, |_| Ok(())).unwrap();
        let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let sub = dir.path().join("x/y");
        create_private_dir_all(&sub).unwrap();
        let mode = fs::metadata(&sub).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }

    #[test]
    fn temp_files_of_a_killed_process_stayed_for_good() {
        let dir = tempfile::tempdir().unwrap();
        // A pid that cannot be running (above the kernel's pid_max).
        let dead = dir.path().join(format!(".a.zip{TEMP_MARK}4999999-0"));
        let dead_dir = dir.path().join(format!(".a.files{TEMP_MARK}4999999-1"));
        let mine = temp_beside(&dir.path().join("b.zip"));
        fs::write(&dead, b"half").unwrap();
        fs::create_dir(&dead_dir).unwrap();
        fs::write(dead_dir.join("1.png"), b"x").unwrap();
        fs::write(&mine, b"in use").unwrap();
        fs::write(dir.path().join("keep.zip"), b"ok").unwrap();
        let removed = clean_stale_temps(dir.path());
        if cfg!(target_os = "linux") {
            assert_eq!(removed, 2);
            assert!(!dead.exists() && !dead_dir.exists());
        }
        assert!(mine.exists() && dir.path().join("keep.zip").exists());
    }

    #[test]
    fn overwriting_a_folder_swapped_it_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new");
        let to = dir.path().join("B.files");
        fs::create_dir(&new).unwrap();
        fs::write(new.join("n"), b"new").unwrap();
        fs::create_dir(&to).unwrap();
        fs::write(to.join("o"), b"old").unwrap();
        assert!(exchange_dirs(&new, &to).unwrap());
        assert!(to.join("n").exists() && !to.join("o").exists());
        assert!(new.join("o").exists());
    }
}
