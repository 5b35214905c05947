//! WeChat Pay and Alipay bill imports: one pipeline, **detect → parse → normalise → dedup →
//! store**, in one transaction.
//!
//! - [`source`]: what the file is, by content (ZIP / XLSX / text / an image …); password ZIPs
//!   opened in memory with bomb limits; text decoded (BOM, UTF-8, UTF-16, GBK/GB18030).
//! - [`provider`]: one module per bill provider (WeChat Pay, Alipay): its layouts' header names
//!   and columns, its default platform, which rows are withdrawals.
//! - [`layout`]: a header row recognised among preamble lines by those names.
//! - [`table`]: preamble skipped, rows read from CSV or XLSX, each with its line.
//! - [`normalise`]: time, amount in fen, direction as stated, fee, refund, withdrawal outcome.
//! - [`persist`]: storing, in one transaction, by job: [`dedup`] on the transaction's identity,
//!   the [`original`] row's codec, the [`bulk`] load, [`withdrawals`], [`refunds`] linked.
//! - [`query`]: imported rows and imports for the UI, read by key; `search` finds rows by a
//!   piece of their text through the trigram index.
//!
//! The original file (and the ZIP it came in) is kept in the vault, so every stored row traces
//! to its file (`imports.sha256`) and line (`transactions.line`).

mod bulk;
mod dedup;
pub mod layout;
pub mod normalise;
mod original;
mod persist;
mod provider;
pub mod query;
mod refunds;
mod search;
mod sheet;
mod source;
pub mod stream;
mod table;
#[cfg(test)]
mod tests;
mod withdrawals;
mod xlsx;

pub use dedup::identity;
pub use normalise::Direction;
pub use provider::Provider;
pub use query::{list_imports, query_transactions, ImportRecord, TxnPage, TxnQuery, TxnRow};
pub use source::declared_entries_in as zip_declared_entries;

use crate::error::{CoreError, Result};
use crate::ledger::{self, NewPlatform, Platform, PlatformKind};
use crate::money::Money;
use crate::store::Store;
use crate::time::{self, Timestamp};
use crate::vault;
use crate::Field;
use rusqlite::{params, Transaction};
use serde::Serialize;
use source::Sniff;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use table::Locator;

/// What the user chose for an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Platform to import into; `None` = 微信支付 (kind wechat) or 支付宝 (kind alipay) by the
    /// bill's format, created if missing.
    pub platform: Option<String>,
    /// Password of an encrypted ZIP.
    pub password: Option<String>,
    /// Set (from another thread: the app's Cancel button, the CLI's Ctrl+C) to stop the import:
    /// it is checked between batches of rows, and a set flag ends the import with
    /// [`CoreError::Cancelled`], its transaction rolled back and nothing kept in the vault.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl ImportOptions {
    /// The import form as filled in: a blank platform is the bill's own (see `platform`), an
    /// empty password none; `cancel` stops it.
    pub fn from_form(
        platform: Option<String>,
        password: Option<String>,
        cancel: Arc<AtomicBool>,
    ) -> ImportOptions {
        ImportOptions {
            platform: platform.filter(|p| !p.trim().is_empty()),
            password: password.filter(|p| !p.is_empty()),
            cancel: Some(cancel),
        }
    }

    /// Whether the import was asked to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    }
}

/// Rows stored so far, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportProgress {
    pub done: u64,
    pub total: u64,
}

/// `report` called at most once per percent of an import: a 100,000-row bill must not flood
/// the app's IPC with progress events.
pub fn per_percent(mut report: impl FnMut(ImportProgress)) -> impl FnMut(ImportProgress) {
    let mut last = None;
    move |p: ImportProgress| {
        let percent = p.done * 100 / p.total.max(1);
        if last != Some(percent) {
            last = Some(percent);
            report(p);
        }
    }
}

/// Amount sums by the direction the file states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Totals {
    pub expense: Money,
    pub income: Money,
    pub neutral: Money,
}

/// The contract's import report (`tixian import --json`), plus where things went.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    /// `wechat-csv`, `wechat-xlsx`, `alipay-csv`, `alipay-app-csv`, `alipay-web-csv`, `alipay-xlsx`.
    pub format: String,
    /// Transaction rows in the file.
    pub rows: u64,
    /// Rows new to the ledger.
    pub imported: u64,
    /// Rows already there (from an earlier or overlapping import, or repeated in the file).
    pub duplicates: u64,
    /// Withdrawals created from new 零钱提现 / 提现 rows.
    pub withdrawals: u64,
    /// Sums of all rows by the direction the file states, whatever their status.
    pub totals: Totals,
    pub platform: String,
    /// The import's id, or null when nothing was new (then nothing was recorded).
    pub import_id: Option<i64>,
    /// SHA-256 of the bill file the rows come from (kept in the vault).
    pub sha256: String,
    /// `zip` when the bill came inside a ZIP, else null.
    pub container: Option<String>,
    pub entry: Option<String>,
    pub sheet: Option<String>,
    pub header_line: u64,
    pub refunds_linked: u64,
}

/// A bill read and normalised, not stored yet.
#[derive(Debug)]
pub struct ParsedBill {
    pub format: String,
    pub provider: Provider,
    pub header: Vec<String>,
    pub header_line: u64,
    pub sheet: Option<String>,
    /// The bill's name inside its ZIP, if it came in one.
    pub entry: Option<String>,
    pub totals: Totals,
    pub(crate) txns: Vec<normalise::Txn>,
    columns: layout::Columns,
    /// The bill's own bytes when it came inside a ZIP (the ZIP itself is the input).
    inner: Option<Vec<u8>>,
    /// The ZIP was password-protected: only the ZIP (still encrypted) goes into the vault, never
    /// the decrypted bill (its hash is recorded, so the rows still trace to it).
    encrypted: bool,
}

impl ParsedBill {
    pub fn rows(&self) -> u64 {
        self.txns.len() as u64
    }
}

fn bad_file(file: &str, zh: String, en: String) -> CoreError {
    CoreError::invalid(Field::File, zh, en).at(file.to_string())
}

/// Detects, parses and normalises a bill without touching the database.
pub fn parse(file: &str, bytes: &[u8], password: Option<&str>) -> Result<ParsedBill> {
    match source::sniff(bytes) {
        Sniff::Zip => {
            let entry = source::open_zip(file, bytes, password)?;
            let inner_name = format!("{file}!{}", entry.name);
            let mut bill = parse_plain(&inner_name, &entry.bytes)?;
            bill.entry = Some(entry.name);
            bill.inner = Some(entry.bytes);
            bill.encrypted = entry.encrypted;
            Ok(bill)
        }
        _ => parse_plain(file, bytes),
    }
}

fn parse_plain(file: &str, bytes: &[u8]) -> Result<ParsedBill> {
    let (table, ext) = match source::sniff(bytes) {
        Sniff::Empty => return Err(bad_file(file, "文件是空的".into(), "the file is empty".into())),
        Sniff::Other(zh, en) => {
            return Err(bad_file(
                file,
                format!("这不是账单文件（内容是{zh}），请选择微信支付或支付宝导出的 CSV、XLSX 或 ZIP"),
                format!("this is not a bill export (it is {en}); pick the CSV, XLSX or ZIP from WeChat Pay or Alipay"),
            ))
        }
        Sniff::Zip => {
            return Err(bad_file(file, "ZIP 里又套了 ZIP，请先解开外层".into(), "a ZIP inside a ZIP; unpack the outer one first".into()))
        }
        Sniff::Xlsx => {
            source::check_xlsx_limits(file, bytes)?;
            (sheet::read_xlsx(bytes, file)?, "xlsx")
        }
        Sniff::Text => {
            let text = source::decode_text(file, bytes)?;
            let loc = Locator { file: file.to_string(), sheet: None };
            (table::read_csv(&text, &loc)?, "csv")
        }
    };
    let loc = Locator {
        file: file.to_string(),
        sheet: table.sheet.clone(),
    };
    let format = format!("{}-{ext}", table.layout.name);
    let provider = table.layout.provider;
    let (header, header_line, sheet, columns) = (
        table.layout.header.clone(),
        table.header_line,
        table.sheet.clone(),
        table.layout.columns.clone(),
    );
    let txns = normalise::normalise(table, provider, &loc)?;
    let [expense, income, neutral] = persist::totals(&txns).ok_or_else(|| {
        bad_file(
            file,
            "金额合计超出范围".into(),
            "the amounts add up beyond range".into(),
        )
    })?;
    Ok(ParsedBill {
        format,
        provider,
        header,
        header_line,
        sheet,
        entry: None,
        totals: Totals {
            expense,
            income,
            neutral,
        },
        txns,
        columns,
        inner: None,
        encrypted: false,
    })
}

/// Imports the bill at `path` into the database, keeping the original in the vault beside the
/// database. One transaction: a bad file changes nothing. A text bill over
/// [`stream::STREAM_ABOVE`] bytes or an XLSX over [`stream::STREAM_XLSX_ABOVE`] is streamed
/// from the file in bounded memory.
pub fn import_file(
    store: &mut Store,
    path: &Path,
    options: &ImportOptions,
    now: &Timestamp,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    let file = path.display().to_string();
    let vault = crate::store::vault_dir(store.path());
    match stream::kind(path) {
        Some(Sniff::Text) => {
            return stream::import_streamed(store, path, &file, options, &vault, now, progress)
        }
        Some(_) => {
            return stream::import_streamed_xlsx(store, path, &file, options, &vault, now, progress)
        }
        None => {}
    }
    let bytes = read_input(path, &file)?;
    import_bytes(store, &file, &bytes, options, &vault, now, progress)
}

/// Reads the input file with a size limit; a missing or unreadable file is the user's error.
pub fn read_input(path: &Path, file: &str) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| {
        bad_file(
            file,
            format!("无法读取文件：{e}"),
            format!("cannot read the file: {e}"),
        )
    })?;
    if !meta.is_file() {
        return Err(bad_file(file, "这不是一个文件".into(), "not a file".into()));
    }
    if meta.len() > source::MAX_FILE_BYTES {
        return Err(bad_file(
            file,
            format!(
                "文件过大（{} MB），账单导出不会这么大",
                meta.len() / 1_048_576
            ),
            format!(
                "the file is too large ({} MB) to be a bill export",
                meta.len() / 1_048_576
            ),
        ));
    }
    std::fs::read(path).map_err(|e| {
        bad_file(
            file,
            format!("无法读取文件：{e}"),
            format!("cannot read the file: {e}"),
        )
    })
}

/// Imports bill bytes named `file` (for messages), keeping originals in `vault`.
pub fn import_bytes(
    store: &mut Store,
    file: &str,
    bytes: &[u8],
    options: &ImportOptions,
    vault: &Path,
    now: &Timestamp,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    let bill = parse(file, bytes, options.password.as_deref())?;
    store_parsed(store, file, bytes, &bill, options, vault, now, progress)
}

/// Stores a bill already [`parse`]d from `bytes` (so a caller can check the file before it
/// opens the database). One transaction.
#[allow(clippy::too_many_arguments)]
pub fn store_parsed(
    store: &mut Store,
    file: &str,
    bytes: &[u8],
    bill: &ParsedBill,
    options: &ImportOptions,
    vault: &Path,
    now: &Timestamp,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    store.transaction(|tx| store_bill(tx, file, bytes, bill, options, vault, now, progress))
}

#[allow(clippy::too_many_arguments)]
fn store_bill(
    tx: &Transaction,
    file: &str,
    bytes: &[u8],
    bill: &ParsedBill,
    options: &ImportOptions,
    vault: &Path,
    now: &Timestamp,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    let (platform, created) =
        resolve_platform(tx, options.platform.as_deref(), bill.provider, now)?;
    let bill_bytes = bill.inner.as_deref().unwrap_or(bytes);
    let sha = vault::sha256_hex(bill_bytes);
    let container_sha = bill.inner.as_ref().map(|_| vault::sha256_hex(bytes));
    let file_name = Path::new(file)
        .file_name()
        .map_or(file.to_string(), |n| n.to_string_lossy().into_owned());
    tx.execute(
        "INSERT INTO imports(sha256, file_name, format, platform_id, rows, imported, duplicates, imported_at,
                             size_bytes, container_sha256, entry_name, sheet, header_line, header_json)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            sha,
            file_name,
            bill.format,
            platform.id,
            bill.rows() as i64,
            time::to_rfc3339(now),
            bill_bytes.len() as i64,
            container_sha,
            bill.entry.clone().unwrap_or_default(),
            bill.sheet.clone().unwrap_or_default(),
            bill.header_line as i64,
            serde_json::to_string(&bill.header).map_err(|e| CoreError::Internal(e.to_string()))?,
        ],
    )?;
    let import_id = tx.last_insert_rowid();
    // The originals are written and synced into the vault while the rows are stored (for a
    // large bill that takes as long as building an index), then published under their hash
    // only if the import brings something new; otherwise the written files are dropped and the
    // vault is as it was.
    let (stored, staged) = std::thread::scope(|scope| {
        let staging = scope.spawn(|| {
            stage_originals(
                vault,
                (!bill.encrypted).then_some(bill_bytes),
                &sha,
                bill.inner.as_ref().map(|_| bytes),
                container_sha.as_deref(),
            )
        });
        let stored = persist::store(
            tx,
            &platform,
            import_id,
            &bill.columns,
            &bill.header,
            &bill.txns,
            now,
            progress,
            &|| options.cancelled(),
        );
        let staged = staging
            .join()
            .unwrap_or_else(|_| Err(CoreError::Internal("keeping the original failed".into())));
        (stored, staged)
    });
    let stored = stored?;
    let staged = staged?;
    let import_id = finish_import(
        tx,
        &stored,
        staged,
        import_id,
        &platform,
        created,
        &bill.totals,
    )?;
    Ok(ImportReport {
        format: bill.format.clone(),
        rows: bill.rows(),
        imported: stored.imported,
        duplicates: stored.duplicates,
        withdrawals: stored.withdrawals,
        totals: bill.totals,
        platform: platform.name,
        import_id,
        sha256: sha,
        container: bill.inner.as_ref().map(|_| "zip".to_string()),
        entry: bill.entry.clone(),
        sheet: bill.sheet.clone(),
        header_line: bill.header_line,
        refunds_linked: stored.refunds_linked,
    })
}

/// The end of an import, in its transaction: the originals published and the import's counts
/// recorded when it added something; otherwise no trace (the second import of a file changes
/// nothing). Returns the import's id, or None.
fn finish_import(
    tx: &Transaction,
    stored: &persist::Stored,
    staged: Vec<vault::Staged>,
    import_id: i64,
    platform: &Platform,
    created: bool,
    totals: &Totals,
) -> Result<Option<i64>> {
    if stored.imported == 0 {
        tx.execute("DELETE FROM imports WHERE id = ?1", [import_id])?;
        if created {
            tx.execute("DELETE FROM platforms WHERE id = ?1", [platform.id])?;
        }
        return Ok(None);
    }
    // Last before the commit, so a failure here rolls the rows back too.
    for file in staged {
        file.publish()?;
    }
    let totals = serde_json::to_string(totals).map_err(|e| CoreError::Internal(e.to_string()))?;
    tx.execute(
        "UPDATE imports SET imported = ?1, duplicates = ?2, withdrawals = ?3, totals_json = ?4 WHERE id = ?5",
        params![stored.imported as i64, stored.duplicates as i64, stored.withdrawals as i64, totals, import_id],
    )?;
    Ok(Some(import_id))
}

/// Writes the bill (and the ZIP it came in) into the vault unpublished; see [`vault::stage`].
/// `bill` is `None` for a password-protected ZIP: its decrypted bill is not kept.
fn stage_originals(
    vault: &Path,
    bill: Option<&[u8]>,
    sha: &str,
    container: Option<&[u8]>,
    container_sha: Option<&str>,
) -> Result<Vec<vault::Staged>> {
    let mut staged = Vec::new();
    if let Some(bill) = bill {
        staged.extend(vault::stage(vault, bill, sha)?);
    }
    if let (Some(bytes), Some(sha)) = (container, container_sha) {
        staged.extend(vault::stage(vault, bytes, sha)?);
    }
    Ok(staged)
}

/// The named platform (its kind must fit the bill), or the provider's default, created if
/// missing. Returns whether it was created.
fn resolve_platform(
    tx: &Transaction,
    name: Option<&str>,
    provider: Provider,
    now: &Timestamp,
) -> Result<(Platform, bool)> {
    let (default_name, kind) = provider.default_platform();
    match name {
        Some(name) => {
            let p = ledger::require_platform(tx, name).map_err(|e| e.field(Field::Platform))?;
            let clash = matches!(
                (p.kind, kind),
                (PlatformKind::Wechat, PlatformKind::Alipay)
                    | (PlatformKind::Alipay, PlatformKind::Wechat)
            );
            if clash {
                return Err(CoreError::invalid(
                    Field::Platform,
                    format!(
                        "这是{default_name}账单，但平台“{}”的类型是 {}",
                        p.name, p.kind
                    ),
                    format!(
                        "this is a {kind} bill but platform “{}” is of kind {}",
                        p.name, p.kind
                    ),
                ));
            }
            Ok((p, false))
        }
        None => match ledger::find_platform(tx, default_name)? {
            Some(p) => Ok((p, false)),
            None => {
                let new = NewPlatform {
                    name: default_name.into(),
                    kind,
                    note: String::new(),
                };
                Ok((ledger::add_platform(tx, &new, now)?, true))
            }
        },
    }
}
