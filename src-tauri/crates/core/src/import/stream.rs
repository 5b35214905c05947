//! A large text bill imported straight from its file, in bounded memory: one pass reads it to
//! hash it and choose its encoding the way [`super::source::decode_text`] does (a BOM, else
//! strict UTF-8, else GB18030); a second decodes it as it goes (encoding_rs's streaming
//! decoder), reads rows a chunk at a time with the same CSV reader ([`CsvRows`]), normalises
//! them and stores them through the same bulk [`Session`]; the vault copy is written and hashed
//! on a thread of its own. The whole import is still one transaction, so a bad row at the end,
//! a failure or a cancel leaves nothing behind. XLSX and ZIP bills are read in memory (within
//! [`super::source::MAX_FILE_BYTES`]).

use super::bulk::Session;
use super::layout::Layout;
use super::normalise::normalise_rows;
use super::persist::{self, Stored};
use super::sheet::{self, XlsxRows};
use super::source::{self, not_text, Sniff};
use super::table::{CsvRows, Locator, RawRow};
use super::{
    bad_file, finish_import, resolve_platform, ImportOptions, ImportProgress, ImportReport, Totals,
};
use crate::error::{CoreError, Result};
use crate::money::Money;
use crate::store::Store;
use crate::time::{self, Timestamp};
use crate::vault;
use rusqlite::params;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Text bills larger than this are streamed from their file (smaller ones are read whole, so
/// a bad file is found before the database is opened).
pub const STREAM_ABOVE: u64 = 32 * 1024 * 1024;

/// XLSX bills larger than this are streamed: a workbook expands ten to twenty times, and read
/// whole its rows would all be in memory (a 4 MB one holds about 60,000).
pub const STREAM_XLSX_ABOVE: u64 = 4 * 1024 * 1024;

/// Largest text bill streamed at all (13 million rows or so).
pub const MAX_STREAMED_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Rows read, normalised and stored at a time: a few MB of rows in memory.
const CHUNK_ROWS: usize = 16_384;

/// How a text file is encoded, by the rules of `decode_text`.
#[derive(Debug, Clone, Copy)]
enum Encoding {
    /// UTF-8, after a BOM of this many bytes (0 or 3).
    Utf8(usize),
    /// Decoded by encoding_rs (UTF-16 after its BOM, or GB18030), after this many BOM bytes.
    Other(&'static encoding_rs::Encoding, usize),
}

/// What the first pass over the file found.
pub(crate) struct Scan {
    sha: String,
    size: u64,
    encoding: Encoding,
    /// The text does not end in a line break.
    unterminated: bool,
}

/// Whether the file at `path` is a bill to stream: its start reads as text and it is larger
/// than [`STREAM_ABOVE`] bytes, or its end as an XLSX and it is larger than
/// [`STREAM_XLSX_ABOVE`] (a ZIP or other format is read whole).
pub fn streams(path: &Path) -> bool {
    kind(path).is_some()
}

/// What a bill to stream is (see [`streams`]): [`Sniff::Text`] or [`Sniff::Xlsx`].
pub(crate) fn kind(path: &Path) -> Option<Sniff> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() <= STREAM_ABOVE.min(STREAM_XLSX_ABOVE) {
        return None;
    }
    let mut head = Vec::with_capacity(65_536);
    File::open(path)
        .and_then(|f| f.take(65_536).read_to_end(&mut head))
        .ok()?;
    match source::sniff(&head) {
        Sniff::Text if meta.len() > STREAM_ABOVE => Some(Sniff::Text),
        // A ZIP: an XLSX by its directory (read from the file's end, not its start).
        Sniff::Zip | Sniff::Xlsx if meta.len() > STREAM_XLSX_ABOVE => {
            let f = std::io::BufReader::new(File::open(path).ok()?);
            source::is_xlsx_file(f).then_some(Sniff::Xlsx)
        }
        _ => None,
    }
}

/// The first pass: SHA-256, size, encoding, and whether the text ends in a line break.
fn scan(path: &Path, file: &str) -> Result<Scan> {
    let cannot = |e: std::io::Error| {
        bad_file(
            file,
            format!("无法读取文件：{e}"),
            format!("cannot read the file: {e}"),
        )
    };
    let mut src = File::open(path).map_err(cannot)?;
    let size = src.metadata().map_err(cannot)?.len();
    if size > MAX_STREAMED_BYTES {
        return Err(too_large(file, size));
    }
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut first = true;
    let mut bom: Option<(&'static encoding_rs::Encoding, usize)> = None;
    // UTF-8 checked across pieces: an incomplete character at a piece's end is carried over.
    let (mut utf8, mut carry, mut high) = (true, Vec::<u8>::new(), false);
    let mut tail = [0u8; 2];
    loop {
        let n = src.read(&mut buf).map_err(cannot)?;
        if n == 0 {
            break;
        }
        let piece = &buf[..n];
        hasher.update(piece);
        if n >= 2 {
            tail = [piece[n - 2], piece[n - 1]];
        } else {
            tail = [tail[1], piece[0]];
        }
        if first {
            first = false;
            bom = encoding_rs::Encoding::for_bom(piece);
        }
        if bom.is_none() && utf8 {
            carry.extend_from_slice(piece);
            match std::str::from_utf8(&carry) {
                Ok(_) => {
                    high |= carry.iter().any(|b| *b >= 0x80);
                    carry.clear();
                }
                Err(e) if e.error_len().is_none() => {
                    let valid = e.valid_up_to();
                    high |= carry[..valid].iter().any(|b| *b >= 0x80);
                    carry.drain(..valid);
                }
                Err(_) => utf8 = false,
            }
        }
    }
    let encoding = match bom {
        Some((enc, len)) if enc == encoding_rs::UTF_8 => Encoding::Utf8(len),
        Some((enc, len)) => Encoding::Other(enc, len),
        None if utf8 && carry.is_empty() => Encoding::Utf8(0),
        None if utf8 && high => {
            return Err(bad_file(
                file,
                "文件在末尾被截断（最后一个字不完整）".into(),
                "the file is cut off at the end (its last character is incomplete)".into(),
            ))
        }
        None => Encoding::Other(encoding_rs::GB18030, 0),
    };
    let unterminated = match encoding {
        Encoding::Other(enc, _) if enc == encoding_rs::UTF_16LE => {
            !matches!(tail, [b'\n' | b'\r', 0])
        }
        Encoding::Other(enc, _) if enc == encoding_rs::UTF_16BE => {
            !matches!(tail, [0, b'\n' | b'\r'])
        }
        _ => !matches!(tail[1], b'\n' | b'\r'),
    };
    Ok(Scan {
        sha: hex::encode(hasher.finalize()),
        size,
        encoding,
        unterminated,
    })
}

/// The file's text as UTF-8, decoded as it is read; counts the file's bytes read (for the
/// progress estimate) and remembers a byte sequence the encoding does not allow.
struct Decoding {
    src: File,
    decoder: Option<encoding_rs::Decoder>,
    raw: Vec<u8>,
    raw_at: usize,
    raw_len: usize,
    out: Vec<u8>,
    out_at: usize,
    read: u64,
    ended: bool,
    malformed: bool,
}

impl Decoding {
    fn open(path: &Path, encoding: Encoding) -> std::io::Result<Decoding> {
        let mut src = File::open(path)?;
        let (decoder, bom) = match encoding {
            Encoding::Utf8(bom) => (None, bom),
            Encoding::Other(enc, bom) => (Some(enc.new_decoder_without_bom_handling()), bom),
        };
        let mut skip = vec![0u8; bom];
        src.read_exact(&mut skip)?;
        Ok(Decoding {
            src,
            decoder,
            raw: vec![0; 1 << 16],
            raw_at: 0,
            raw_len: 0,
            out: vec![0; (1 << 16) * 3 + 16],
            out_at: 0,
            read: bom as u64,
            ended: false,
            malformed: false,
        })
    }
}

impl Read for Decoding {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(decoder) = self.decoder.as_mut() else {
            let n = self.src.read(buf)?;
            self.read += n as u64;
            return Ok(n);
        };
        loop {
            if self.out_at < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_at);
                buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
                self.out_at += n;
                return Ok(n);
            }
            if self.ended && self.raw_at == self.raw_len {
                return Ok(0);
            }
            if self.raw_at == self.raw_len {
                self.raw_len = self.src.read(&mut self.raw)?;
                self.raw_at = 0;
                self.read += self.raw_len as u64;
                self.ended = self.raw_len == 0;
            }
            self.out.resize((1 << 16) * 3 + 16, 0);
            let (result, read, written) = decoder.decode_to_utf8_without_replacement(
                &self.raw[self.raw_at..self.raw_len],
                &mut self.out,
                self.ended,
            );
            self.raw_at += read;
            self.out.truncate(written);
            self.out_at = 0;
            if let encoding_rs::DecoderResult::Malformed(..) = result {
                self.malformed = true;
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "not text in the file's encoding",
                ));
            }
            if self.ended && written == 0 {
                return Ok(0);
            }
        }
    }
}

/// Imports the text bill at `path` streamed (see the module); `file` names it in messages.
pub(crate) fn import_streamed(
    store: &mut Store,
    path: &Path,
    file: &str,
    options: &ImportOptions,
    vault_dir: &Path,
    now: &Timestamp,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    let scan = scan(path, file)?;
    let loc = Locator {
        file: file.to_string(),
        sheet: None,
    };
    let decoding = Decoding::open(path, scan.encoding).map_err(|e| {
        bad_file(
            file,
            format!("无法读取文件：{e}"),
            format!("cannot read the file: {e}"),
        )
    })?;
    let rows =
        CsvRows::new(decoding, scan.unterminated, &loc).map_err(|e| if_malformed(e, None, file))?;
    let bill = Streamed {
        sha: scan.sha.clone(),
        size: scan.size,
        format: format!("{}-csv", rows.layout().name),
        layout: rows.layout().clone(),
        header_line: rows.header_line,
        loc,
    };
    let mut chunks = CsvChunks {
        rows,
        file,
        size: scan.size,
    };
    store_streamed(
        store,
        path,
        &bill,
        &mut chunks,
        options,
        vault_dir,
        now,
        progress,
    )
}

/// Imports the XLSX bill at `path` streamed: its parts checked against the ZIP-bomb limits as
/// they stream past, then the sheet read a chunk of rows at a time (see [`super::xlsx`]).
pub(crate) fn import_streamed_xlsx(
    store: &mut Store,
    path: &Path,
    file: &str,
    options: &ImportOptions,
    vault_dir: &Path,
    now: &Timestamp,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    let cannot = |e: std::io::Error| {
        bad_file(
            file,
            format!("无法读取文件：{e}"),
            format!("cannot read the file: {e}"),
        )
    };
    let open = || {
        File::open(path)
            .map(std::io::BufReader::new)
            .map_err(cannot)
    };
    let size = std::fs::metadata(path).map_err(cannot)?.len();
    if size > MAX_STREAMED_BYTES {
        return Err(too_large(file, size));
    }
    source::check_xlsx_parts(file, open()?, size, MAX_STREAMED_UNCOMPRESSED)?;
    let sha = {
        let mut hasher = Sha256::new();
        std::io::copy(&mut open()?, &mut hasher).map_err(cannot)?;
        hex::encode(hasher.finalize())
    };
    let mut workbook = sheet::open(open()?, file)?;
    let (index, loc, bounds) = sheet::choose_sheet(&mut workbook, file)?;
    let rows = XlsxRows::new(&mut workbook, index, bounds, &loc)?;
    let bill = Streamed {
        sha,
        size,
        format: format!("{}-xlsx", rows.layout().name),
        layout: rows.layout().clone(),
        header_line: rows.header_line,
        loc,
    };
    let mut chunks = XlsxChunks(rows);
    store_streamed(
        store,
        path,
        &bill,
        &mut chunks,
        options,
        vault_dir,
        now,
        progress,
    )
}

/// Largest total an XLSX streamed from its file may expand to (a 1M-row bill expands to about
/// 700 MB; nothing of it is held in memory at once, so the limit is the time it takes).
pub const MAX_STREAMED_UNCOMPRESSED: u64 = 8 * 1024 * 1024 * 1024;

fn too_large(file: &str, size: u64) -> CoreError {
    bad_file(
        file,
        format!("文件过大（{} MB），账单导出不会这么大", size / 1_048_576),
        format!(
            "the file is too large ({} MB) to be a bill export",
            size / 1_048_576
        ),
    )
}

/// What a streamed bill is, known once its header has been read.
struct Streamed {
    sha: String,
    size: u64,
    format: String,
    layout: Layout,
    header_line: u64,
    loc: Locator,
}

/// A streamed bill's rows, a chunk at a time.
trait Chunks {
    /// Up to `max` more rows; `None` once they have ended.
    fn next_chunk(&mut self, max: usize) -> Result<Option<Vec<RawRow>>>;
    /// Rows expected in all, `seen` rows in (for the progress bar).
    fn expected(&self, seen: u64) -> u64;
}

struct CsvChunks<'f> {
    rows: CsvRows<Decoding>,
    file: &'f str,
    size: u64,
}

impl Chunks for CsvChunks<'_> {
    fn next_chunk(&mut self, max: usize) -> Result<Option<Vec<RawRow>>> {
        self.rows
            .next_rows(max)
            .map_err(|e| if_malformed(e, Some(&self.rows), self.file))
    }
    fn expected(&self, seen: u64) -> u64 {
        // From the share of the file read so far.
        let read = self.rows.source().read.max(1);
        seen.max((seen as u128 * self.size as u128 / read as u128) as u64)
    }
}

struct XlsxChunks<'a, R: Read + std::io::Seek>(XlsxRows<'a, R>);

impl<R: Read + std::io::Seek> Chunks for XlsxChunks<'_, R> {
    fn next_chunk(&mut self, max: usize) -> Result<Option<Vec<RawRow>>> {
        self.0.next_rows(max)
    }
    fn expected(&self, seen: u64) -> u64 {
        // Every line of the used range under the header (an upper bound: a footer may follow).
        seen.max(self.0.last_line().saturating_sub(self.0.header_line))
    }
}

/// Stores a streamed bill's rows in one transaction, a chunk at a time through one bulk
/// session, while the original is copied into the vault on a thread of its own.
#[allow(clippy::too_many_arguments)]
fn store_streamed(
    store: &mut Store,
    path: &Path,
    bill: &Streamed,
    rows: &mut dyn Chunks,
    options: &ImportOptions,
    vault_dir: &Path,
    now: &Timestamp,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    let (layout, file, loc) = (&bill.layout, bill.loc.file.as_str(), &bill.loc);
    let provider = layout.provider;
    store.transaction(|tx| {
        let (platform, created) =
            resolve_platform(tx, options.platform.as_deref(), provider, now)?;
        let file_name = path
            .file_name()
            .map_or(file.to_string(), |n| n.to_string_lossy().into_owned());
        tx.execute(
            "INSERT INTO imports(sha256, file_name, format, platform_id, rows, imported, duplicates, imported_at,
                                 size_bytes, container_sha256, entry_name, sheet, header_line, header_json)
             VALUES (?1, ?2, ?3, ?4, 0, 0, 0, ?5, ?6, NULL, '', ?7, ?8, ?9)",
            params![
                bill.sha,
                file_name,
                bill.format,
                platform.id,
                time::to_rfc3339(now),
                bill.size as i64,
                loc.sheet.clone().unwrap_or_default(),
                bill.header_line as i64,
                serde_json::to_string(&layout.header).map_err(|e| CoreError::Internal(e.to_string()))?,
            ],
        )?;
        let import_id = tx.last_insert_rowid();
        let mut sums = [0i64; 3];
        let mut seen: u64 = 0;
        let (stored, staged) = std::thread::scope(|scope| {
            let staging = scope.spawn(|| vault::stage_file(vault_dir, path, &bill.sha));
            let stored = (|| -> Result<Stored> {
                let mut session: Option<Session> = None;
                let result = (|| {
                    loop {
                        if options.cancelled() {
                            return Err(CoreError::Cancelled);
                        }
                        let Some(chunk) = rows.next_chunk(CHUNK_ROWS)? else {
                            break;
                        };
                        let txns = normalise_rows(chunk, layout, provider, loc)?;
                        let chunk_sums = persist::totals(&txns).ok_or_else(beyond_range(file))?;
                        for (sum, add) in sums.iter_mut().zip(chunk_sums) {
                            *sum = sum.checked_add(add.fen()).ok_or_else(beyond_range(file))?;
                        }
                        let upto = seen + txns.len() as u64;
                        let total = rows.expected(upto);
                        if session.is_none() {
                            session = Some(Session::begin(
                                tx,
                                &platform,
                                import_id,
                                &layout.columns,
                                layout.header.len(),
                                total as usize,
                            )?);
                        }
                        let s = session.as_mut().expect("begun above");
                        s.add(
                            tx,
                            &txns,
                            &mut |done| {
                                progress(ImportProgress {
                                    done: seen + done as u64,
                                    total,
                                })
                            },
                            &|| options.cancelled(),
                        )?;
                        seen = upto;
                        if txns.is_empty() {
                            break;
                        }
                    }
                    let s = match session.as_mut() {
                        Some(s) => s,
                        None => session.insert(Session::begin(
                            tx,
                            &platform,
                            import_id,
                            &layout.columns,
                            layout.header.len(),
                            0,
                        )?),
                    };
                    s.finish(tx, now)
                })();
                if let Some(s) = session {
                    s.close(tx)?;
                }
                result
            })();
            let staged = staging
                .join()
                .unwrap_or_else(|_| Err(CoreError::Internal("keeping the original failed".into())));
            (stored, staged)
        });
        let stored = stored?;
        let staged: Vec<vault::Staged> = staged?.into_iter().collect();
        progress(ImportProgress {
            done: seen,
            total: seen,
        });
        tx.execute(
            "UPDATE imports SET rows = ?1 WHERE id = ?2",
            params![seen as i64, import_id],
        )?;
        let [expense, income, neutral] = sums.map(Money);
        let totals = Totals {
            expense,
            income,
            neutral,
        };
        let import_id =
            finish_import(tx, &stored, staged, import_id, &platform, created, &totals)?;
        Ok(ImportReport {
            format: bill.format.clone(),
            rows: seen,
            imported: stored.imported,
            duplicates: stored.duplicates,
            withdrawals: stored.withdrawals,
            totals,
            platform: platform.name,
            import_id,
            sha256: bill.sha.clone(),
            container: None,
            entry: None,
            sheet: loc.sheet.clone(),
            header_line: bill.header_line,
            refunds_linked: stored.refunds_linked,
        })
    })
}

fn beyond_range(file: &str) -> impl Fn() -> CoreError + '_ {
    move || {
        bad_file(
            file,
            "金额合计超出范围".into(),
            "the amounts add up beyond range".into(),
        )
    }
}

/// A CSV error that came from bytes the encoding does not allow is the file not being text,
/// as the in-memory path says.
fn if_malformed(e: CoreError, rows: Option<&CsvRows<Decoding>>, file: &str) -> CoreError {
    let malformed = rows.is_some_and(|r| r.source().malformed);
    if malformed || e.to_string().contains("not text in the file's encoding") {
        not_text(file)
    } else {
        e
    }
}
