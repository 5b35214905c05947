//! Rows out of a CSV text or an XLSX workbook: skip the preamble until a row is recognised as a
//! header (by its names), then take rows until the first blank row or `-----` footer. Every row
//! keeps its line (CSV) or row number (XLSX) so errors and stored rows point back into the file.

use super::layout::{self, Layout};
use crate::error::{CoreError, Result};
use crate::Field;

/// One data row: where it is and its cells, trimmed of padding and TAB suffixes.
#[derive(Debug, Clone)]
pub(crate) struct RawRow {
    pub line: u64,
    pub cells: Cells,
}

/// A row's cells in one buffer with their end offsets: two allocations a row rather than one
/// per cell (a large bill has 100,000 rows of a dozen cells, and each row lives until stored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Cells {
    text: String,
    ends: Vec<u32>,
}

impl Cells {
    pub fn with_capacity(bytes: usize, cells: usize) -> Cells {
        Cells {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(cells),
        }
    }

    /// Appends a cell. Rows are far below 4 GiB (files are size-limited on input).
    pub fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len() as u32);
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        self.text.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Keeps the first `n` cells.
    pub fn truncate(&mut self, n: usize) {
        if n < self.len() {
            self.ends.truncate(n);
            self.text
                .truncate(self.ends.last().map_or(0, |&e| e as usize));
        }
    }
}

impl std::ops::Index<usize> for Cells {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        match self.get(i) {
            Some(cell) => cell,
            None => panic!("cell {i} of a row of {}", self.len()),
        }
    }
}

impl<S: AsRef<str>> FromIterator<S> for Cells {
    fn from_iter<I: IntoIterator<Item = S>>(cells: I) -> Cells {
        let mut row = Cells::default();
        for cell in cells {
            row.push(cell.as_ref());
        }
        row
    }
}

/// The rows of a bill under their recognised header.
#[derive(Debug)]
pub(crate) struct Table {
    pub layout: Layout,
    pub header_line: u64,
    pub rows: Vec<RawRow>,
    /// The XLSX sheet the rows came from.
    pub sheet: Option<String>,
}

/// How to name a place in the file in an error: `bill.csv:19:6` or `bill.xlsx:Sheet1!F19`.
#[derive(Debug, Clone)]
pub(crate) struct Locator {
    pub file: String,
    pub sheet: Option<String>,
}

impl Locator {
    pub fn at(&self, line: u64, column: Option<usize>) -> String {
        match (&self.sheet, column) {
            (Some(sheet), Some(c)) => format!("{}:{sheet}!{}{line}", self.file, column_letters(c)),
            (Some(sheet), None) => format!("{}:{sheet}!{line}", self.file),
            (None, Some(c)) => format!("{}:{line}:{}", self.file, c + 1),
            (None, None) => format!("{}:{line}", self.file),
        }
    }
}

/// 0 → A, 25 → Z, 26 → AA.
pub(super) fn column_letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A reader that notes where each line break it passes on is, so line numbers can be found
/// from the csv reader's byte offsets (its own line count skips blank lines) without the whole
/// text at hand: the csv reader reads only a buffer ahead, so only the breaks it has not yet
/// reached a record beyond are kept. Also counts what it passed on, and whether the end came.
pub(crate) struct Tracked<R> {
    inner: R,
    passed: u64,
    breaks: std::collections::VecDeque<u64>,
    ended: bool,
}

impl<R: std::io::Read> Tracked<R> {
    pub fn new(inner: R) -> Self {
        Tracked {
            inner,
            passed: 0,
            breaks: Default::default(),
            ended: false,
        }
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }
}

impl<R: std::io::Read> std::io::Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ended = true;
        }
        for (i, _) in buf[..n].iter().enumerate().filter(|(_, &b)| b == b'\n') {
            self.breaks.push_back(self.passed + i as u64);
        }
        self.passed += n as u64;
        Ok(n)
    }
}

/// Line numbers from byte offsets, counted forward only (offsets arrive in order).
struct LineCounter {
    line: u64,
}

impl LineCounter {
    fn new() -> Self {
        LineCounter { line: 1 }
    }

    /// The 1-based line holding byte `offset`.
    fn at<R>(&mut self, tracked: &mut Tracked<R>, offset: u64) -> u64 {
        while tracked.breaks.front().is_some_and(|&b| b < offset) {
            tracked.breaks.pop_front();
            self.line += 1;
        }
        self.line
    }
}

/// The line a record starts on: the csv reader's own start position includes the blank lines
/// it skipped, so count back from the record's end (its last line, less any line breaks inside
/// quoted fields).
/// Returns (first line, last line).
fn record_lines<R>(
    lines: &mut LineCounter,
    tracked: &mut Tracked<R>,
    record: &csv::StringRecord,
    end: u64,
) -> (u64, u64) {
    let last = lines.at(tracked, end.saturating_sub(1));
    let inside = record
        .iter()
        .map(|f| f.bytes().filter(|&b| b == b'\n').count() as u64)
        .sum::<u64>();
    (last.saturating_sub(inside).max(1), last)
}

pub(crate) fn trim_cell(cell: &str) -> &str {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// Collects data rows after the header; `next` yields (line, cells, ends_file_unterminated).
pub(super) struct Collector {
    pub layout: Layout,
    need: usize,
    pub loc: Locator,
    pub rows: Vec<RawRow>,
}

pub(super) enum Step {
    Keep,
    Stop,
}

impl Collector {
    pub fn new(layout: Layout, loc: &Locator) -> Collector {
        let c = &layout.columns;
        let need = [
            Some(c.time),
            Some(c.direction),
            Some(c.amount),
            c.txn_type,
            c.counterparty,
            c.goods,
            c.method,
            c.status,
            c.txn_id,
            c.merchant_id,
            c.note,
            c.fee,
            c.refunded,
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0)
            + 1;
        Collector {
            layout,
            need,
            loc: loc.clone(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, line: u64, mut cells: Cells, unterminated_last: bool) -> Result<Step> {
        let filled = cells.iter().filter(|c| !c.is_empty()).count();
        if filled == 0 || cells.get(0).is_some_and(|c| c.starts_with("---")) {
            return Ok(Step::Stop);
        }
        let width = self.layout.header.len();
        let extra = cells.iter().skip(width).any(|c| !c.is_empty());
        if cells.len() < self.need || extra {
            if unterminated_last && !extra {
                return Err(CoreError::invalid(
                    Field::File,
                    format!("文件不完整：最后一行只有 {} 列（表头有 {width} 列），可能被截断", cells.len()),
                    format!("the file is incomplete: its last row has {} columns (the header has {width}); it looks cut off", cells.len()),
                )
                .at(self.loc.at(line, None)));
            }
            if filled <= 1 && !extra {
                // A footer line such as 共6笔记录 after the rows.
                return Ok(Step::Stop);
            }
            return Err(CoreError::invalid(
                Field::named("row"),
                format!("这一行有 {} 列，表头有 {width} 列（文件被截断或改动过？）", cells.len()),
                format!("this row has {} columns but the header has {width} (was the file cut off or edited?)", cells.len()),
            )
            .at(self.loc.at(line, None)));
        }
        cells.truncate(width.max(self.need));
        self.rows.push(RawRow { line, cells });
        Ok(Step::Keep)
    }
}

pub(super) fn no_header(loc: &Locator, near: Option<(u64, Vec<&'static str>)>) -> CoreError {
    let expected = super::provider::expected_header();
    match near {
        Some((line, missing)) => CoreError::invalid(
            Field::named("header"),
            format!("表头缺少 {}；{}", missing.join("、"), expected.0),
            format!("the header lacks {}; {}", missing.join(", "), expected.1),
        )
        .at(loc.at(line, None)),
        None => {
            CoreError::invalid(Field::named("header"), expected.0, expected.1).at(loc.file.clone())
        }
    }
}

/// Tracks the row that came closest to being a header, for the error message.
#[derive(Default)]
pub(super) struct NearMiss {
    best: Option<(usize, u64, Vec<&'static str>)>,
}

impl NearMiss {
    pub fn see(&mut self, line: u64, cells: &[String]) {
        if let Some((score, missing)) = layout::near_miss(cells) {
            if self.best.as_ref().is_none_or(|b| score > b.0) {
                self.best = Some((score, line, missing));
            }
        }
    }
    pub fn take(self) -> Option<(u64, Vec<&'static str>)> {
        self.best.map(|(_, line, missing)| (line, missing))
    }
}

/// Reads a CSV bill. Quoted and unquoted fields, a bare `"` inside an unquoted field, TAB
/// suffixes, padding and trailing commas are all taken as they come.
pub(crate) fn read_csv(text: &str, loc: &Locator) -> Result<Table> {
    let unterminated = !text.ends_with('\n') && !text.ends_with('\r');
    let mut rows = CsvRows::new(text.as_bytes(), unterminated, loc)?;
    let mut all = Vec::new();
    while let Some(chunk) = rows.next_rows(usize::MAX)? {
        all.extend(chunk);
    }
    Ok(Table {
        header_line: rows.header_line,
        layout: rows.collector.layout,
        rows: all,
        sheet: None,
    })
}

/// A CSV bill read a few rows at a time (the whole text never in memory): the header is found
/// by [`CsvRows::new`], then [`CsvRows::next_rows`] gives the rows in order. [`read_csv`] is
/// this over a text in memory, so both ways read a file the same.
pub(crate) struct CsvRows<R: std::io::Read> {
    reader: csv::Reader<Tracked<R>>,
    record: csv::StringRecord,
    lines: LineCounter,
    next_line: u64,
    /// The text does not end in a line break (its last row may be cut off).
    unterminated: bool,
    pub header_line: u64,
    collector: Collector,
    done: bool,
}

impl<R: std::io::Read> CsvRows<R> {
    /// Reads up to the header row, recognised by its names.
    pub fn new(text: R, unterminated: bool, loc: &Locator) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Tracked::new(text));
        let mut record = csv::StringRecord::new();
        let mut near = NearMiss::default();
        let mut lines = LineCounter::new();
        let (layout, header_line, next_line) = loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Err(no_header(loc, near.take())),
                Err(e) => {
                    let at = reader.position().byte();
                    let line = lines.at(reader.get_mut(), at);
                    return Err(csv_error(loc, e, line));
                }
            }
            let end = reader.position().byte();
            let (start, last) = record_lines(&mut lines, reader.get_mut(), &record, end);
            if record
                .iter()
                .any(|c| c.contains(super::provider::DIRECTION))
            {
                let cells: Vec<String> = record.iter().map(str::to_string).collect();
                if let Some(layout) = layout::recognise(&cells) {
                    break (layout, start, last + 1);
                }
                near.see(start, &cells);
            }
        };
        Ok(CsvRows {
            reader,
            record,
            lines,
            next_line,
            unterminated,
            header_line,
            collector: Collector::new(layout, loc),
            done: false,
        })
    }

    /// The recognised header.
    pub fn layout(&self) -> &Layout {
        &self.collector.layout
    }

    /// The text read so far (for a progress estimate).
    pub fn source(&self) -> &R {
        self.reader.get_ref().get_ref()
    }

    /// Up to `max` more rows; `None` once the rows have ended.
    pub fn next_rows(&mut self, max: usize) -> Result<Option<Vec<RawRow>>> {
        if self.done {
            return Ok(None);
        }
        let loc = self.collector.loc.clone();
        while self.collector.rows.len() < max {
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Err(e) => return Err(csv_error(&loc, e, self.next_line)),
            }
            let end = self.reader.position().byte();
            let tracked = self.reader.get_mut();
            let (start, last) = record_lines(&mut self.lines, tracked, &self.record, end);
            // The csv reader skips empty lines; a gap in line numbers is the blank line that
            // ends the rows.
            if start > self.next_line {
                self.done = true;
                break;
            }
            self.next_line = last + 1;
            // A record that ends the text reached its end: the reader has seen it.
            let is_last = self.unterminated && tracked.ended && end >= tracked.passed;
            let mut cells = Cells::with_capacity(self.record.as_slice().len(), self.record.len());
            for cell in &self.record {
                cells.push(trim_cell(cell));
            }
            if let Step::Stop = self.collector.push(start, cells, is_last)? {
                self.done = true;
                break;
            }
        }
        Ok(Some(std::mem::take(&mut self.collector.rows)))
    }
}

fn csv_error(loc: &Locator, e: csv::Error, line: u64) -> CoreError {
    CoreError::invalid(
        Field::File,
        format!("CSV 格式错误：{e}"),
        format!("malformed CSV: {e}"),
    )
    .at(loc.at(line, None))
}

/// Excel's day serial (1900 system, day 0 = 1899-12-30) as `YYYY-MM-DD HH:MM:SS`.
pub(super) fn excel_serial_to_text(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).and_then(|d| d.and_hms_opt(0, 0, 0));
    let seconds = (serial * 86_400.0).round();
    match base {
        Some(b) if seconds.is_finite() && seconds.abs() < 1e12 => {
            (b + chrono::Duration::seconds(seconds as i64))
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        }
        _ => serial.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc() -> Locator {
        Locator {
            file: "t.csv".into(),
            sheet: None,
        }
    }

    const HEADER: &str =
        "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注";

    #[test]
    fn finds_header_after_preamble_and_stops_at_blank_line() {
        let text = format!(
            "微信支付账单明细,,,\n共2笔记录,,\n\n{HEADER}\n2021-01-01 10:00:00,转账,A,/,支出,¥1.00,零钱,ok,\"1\"\t,2\t,/\n\n共1笔,,\n"
        );
        let t = read_csv(&text, &loc()).unwrap();
        assert_eq!(t.header_line, 4);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].line, 5);
        assert_eq!(
            &t.rows[0].cells[8], "1",
            "quoted id with a TAB after the quote"
        );
    }

    #[test]
    fn bare_quote_inside_unquoted_field_is_kept() {
        let text = format!("{HEADER}\n2021-07-18 10:48:09,商户消费,打开拼多多，点击底部\"多多视频\",\"/\",收入,¥0.07,/,充值成功,1 ,2   ,\"/\"\n");
        let t = read_csv(&text, &loc()).unwrap();
        assert_eq!(&t.rows[0].cells[2], "打开拼多多，点击底部\"多多视频\"");
        assert_eq!(&t.rows[0].cells[9], "2");
    }

    #[test]
    fn truncated_last_row_is_an_error_naming_the_line() {
        let text = format!("{HEADER}\n2021-01-01 10:00:00,转账,A,/,支出,¥1.00,零钱,ok,1,2,/\n2021-01-02 10:00:00,转账,A");
        let e = read_csv(&text, &loc()).unwrap_err();
        assert!(e.to_string().starts_with("t.csv:3: file:"), "{e}");
    }

    #[test]
    fn short_row_in_the_middle_is_an_error_and_footer_is_not() {
        let text = format!("{HEADER}\n2021-01-01 10:00:00,转账,A,/\n");
        let e = read_csv(&text, &loc()).unwrap_err();
        assert!(e.to_string().starts_with("t.csv:2: row:"), "{e}");
        let text =
            format!("{HEADER}\n2021-01-01 10:00:00,转账,A,/,支出,¥1.00,零钱,ok,1,2,/\n共1笔记录\n");
        assert_eq!(read_csv(&text, &loc()).unwrap().rows.len(), 1);
    }

    #[test]
    fn wrong_header_names_the_line_and_the_missing_column() {
        let text = "说明\n交易时间,交易类型,交易对方,商品,收/支,金额,支付方式,当前状态,交易单号,商户单号,备注\n";
        let e = read_csv(text, &loc()).unwrap_err();
        let msg = e.message(crate::Lang::En);
        assert!(
            msg.starts_with("t.csv:2: header: the header lacks 金额(元)"),
            "{msg}"
        );
    }

    #[test]
    fn locations_use_column_numbers_or_cell_names() {
        assert_eq!(loc().at(19, Some(5)), "t.csv:19:6");
        let x = Locator {
            file: "b.xlsx".into(),
            sheet: Some("Sheet1".into()),
        };
        assert_eq!(x.at(19, Some(5)), "b.xlsx:Sheet1!F19");
        assert_eq!(column_letters(26), "AA");
    }

    #[test]
    fn excel_serials_become_local_times() {
        assert_eq!(excel_serial_to_text(45000.5), "2023-03-15 12:00:00");
    }
}
