//! Rows out of an XLSX bill, a sheet at a time and a few rows at a time (see [`super::xlsx`]):
//! a first pass over a sheet finds its used range (the cells with a value), so each row is laid
//! out across the same columns as a spreadsheet shows them, from the used range's first column
//! to its last; a second gives the rows under the header.
//!
//! Of the sheets holding a bill header, the one with the most rows wins; on a tie, the one laid
//! out as exported (the bill title in its first row) rather than a copy made by Excel's Power
//! Query (which adds a `Column1…` row). A workbook of one sheet is read twice, not three times.

use super::layout::{self, Layout};
use super::table::{
    column_letters, no_header, trim_cell, Cells, Collector, Locator, NearMiss, RawRow, Step, Table,
};
use super::xlsx::{CellAt, SheetCells, Workbook};
use crate::error::{CoreError, Result};
use crate::Field;
use std::io::{Read, Seek};

/// Most columns a bill sheet's used range may span (bills have a dozen; a row is laid out
/// across all of them). Two cells at `A1` and `XFD1048576` span 16,384.
pub const MAX_SHEET_COLUMNS: u32 = 1024;

/// Most rows a sheet may span: Excel's own limit.
pub const MAX_SHEET_ROWS: u32 = 1_048_576;

fn damaged(at: String) -> impl Fn(String) -> CoreError {
    move |e: String| {
        CoreError::invalid(
            Field::File,
            format!("XLSX 文件已损坏或不完整（{e}）"),
            format!("the XLSX file is damaged or incomplete ({e})"),
        )
        .at(at.clone())
    }
}

/// Opens a workbook (from a file or bytes); `file` names it in messages.
pub(crate) fn open<R: Read + Seek>(reader: R, file: &str) -> Result<Workbook<R>> {
    Workbook::open(reader).map_err(damaged(file.to_string()))
}

/// A sheet's used range: the first and last row and column holding a value, 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bounds {
    pub first_row: u32,
    pub last_row: u32,
    first_col: u32,
    last_col: u32,
}

impl Bounds {
    fn width(&self) -> usize {
        (self.last_col - self.first_col) as usize + 1
    }
}

/// The first pass over sheet `index`: its used range, `None` when it holds no value (or no
/// cells at all: a chart sheet). A used range wider than [`MAX_SHEET_COLUMNS`] or taller than
/// [`MAX_SHEET_ROWS`] is refused, and so are cells out of order (every spreadsheet writes a
/// sheet's cells row by row, left to right; the rows are read in that order).
pub(crate) fn bounds<R: Read + Seek>(
    wb: &mut Workbook<R>,
    index: usize,
    loc: &Locator,
) -> Result<Option<Bounds>> {
    let name = loc.sheet.clone().unwrap_or_default();
    let bad = damaged(loc.at(1, None));
    let Some(mut cells) = wb.cells(index).map_err(&bad)? else {
        return Ok(None);
    };
    let mut text = String::new();
    let mut b: Option<Bounds> = None;
    let mut last: Option<(u32, u32)> = None;
    while let Some(CellAt { row, col, filled }) = cells.next_cell(&mut text).map_err(&bad)? {
        if !filled {
            continue;
        }
        if last.is_some_and(|l| (row, col) <= l) {
            return Err(CoreError::invalid(
                Field::File,
                format!(
                    "工作表的单元格顺序错乱（{}{} 在后），不像导出的账单",
                    column_letters(col as usize),
                    u64::from(row) + 1
                ),
                format!(
                    "the sheet's cells are out of order ({}{} comes late); not an exported bill",
                    column_letters(col as usize),
                    u64::from(row) + 1
                ),
            )
            .at(format!("{}:{name}", loc.file)));
        }
        last = Some((row, col));
        let b = b.get_or_insert(Bounds {
            first_row: row,
            last_row: row,
            first_col: col,
            last_col: col,
        });
        b.last_row = row;
        b.first_col = b.first_col.min(col);
        b.last_col = b.last_col.max(col);
        if b.last_col - b.first_col >= MAX_SHEET_COLUMNS
            || b.last_row - b.first_row >= MAX_SHEET_ROWS
        {
            let used = format!(
                "{}{}:{}{}",
                column_letters(b.first_col as usize),
                u64::from(b.first_row) + 1,
                column_letters(b.last_col as usize),
                u64::from(b.last_row) + 1
            );
            return Err(CoreError::invalid(
                Field::File,
                format!("工作表用到的区域 {used} 过大（超过 {MAX_SHEET_COLUMNS} 列或 {MAX_SHEET_ROWS} 行），不像账单，已拒绝"),
                format!("the sheet's used range {used} is too large (over {MAX_SHEET_COLUMNS} columns or {MAX_SHEET_ROWS} rows) to be a bill; refused"),
            )
            .at(format!("{}:{name}", loc.file)));
        }
    }
    Ok(b)
}

/// A sheet's rows laid out across its used range: a row with no value in it is a blank row
/// (and a run of them one blank row, which is all the header search and the end of the rows
/// need).
pub(crate) struct DenseRows<'a, R: Read + Seek> {
    cells: SheetCells<'a, R>,
    bounds: Bounds,
    next_row: u32,
    /// The next cell with a value, read ahead.
    ahead: Option<(CellAt, String)>,
    started: bool,
    bad: Box<dyn Fn(String) -> CoreError>,
}

impl<'a, R: Read + Seek> DenseRows<'a, R> {
    pub(crate) fn new(
        wb: &'a mut Workbook<R>,
        index: usize,
        bounds: Bounds,
        loc: &Locator,
    ) -> Result<Self> {
        let bad = damaged(loc.at(1, None));
        let cells = wb
            .cells(index)
            .map_err(&bad)?
            .ok_or_else(|| bad("the sheet holds no cells".into()))?;
        Ok(DenseRows {
            cells,
            bounds,
            next_row: bounds.first_row,
            ahead: None,
            started: false,
            bad: Box::new(bad),
        })
    }

    fn fill_ahead(&mut self) -> Result<()> {
        if self.ahead.is_some() {
            return Ok(());
        }
        let mut text = String::new();
        while let Some(at) = self.cells.next_cell(&mut text).map_err(&self.bad)? {
            if at.filled {
                self.ahead = Some((at, text));
                return Ok(());
            }
        }
        Ok(())
    }

    /// The next row's line (1-based) and cells, each as the sheet shows it; `None` after the
    /// used range's last row.
    pub(crate) fn next_row(&mut self, out: &mut Vec<String>) -> Result<Option<u64>> {
        if self.started && self.next_row > self.bounds.last_row || self.next_row == u32::MAX {
            return Ok(None);
        }
        self.started = true;
        self.fill_ahead()?;
        let width = self.bounds.width();
        out.iter_mut().for_each(String::clear);
        out.resize(width, String::new());
        out.truncate(width);
        let line = u64::from(self.next_row) + 1;
        match &self.ahead {
            None => {
                self.next_row = u32::MAX;
                return Ok(None);
            }
            Some((at, _)) if at.row > self.next_row => {
                // A blank row (the rows between it and the next value are blank too).
                self.next_row = at.row;
                return Ok(Some(line));
            }
            Some(_) => {}
        }
        while let Some((at, _)) = &self.ahead {
            if at.row != self.next_row {
                break;
            }
            let (at, text) = self.ahead.take().expect("just seen");
            if let Some(cell) = at
                .col
                .checked_sub(self.bounds.first_col)
                .and_then(|c| out.get_mut(c as usize))
            {
                *cell = text;
            }
            self.fill_ahead()?;
        }
        self.next_row += 1;
        Ok(Some(line))
    }
}

/// A bill sheet read a few rows at a time: the header found by [`XlsxRows::new`], then the
/// rows under it by [`XlsxRows::next_rows`].
pub(crate) struct XlsxRows<'a, R: Read + Seek> {
    rows: DenseRows<'a, R>,
    pub header_line: u64,
    collector: Collector,
    /// The first row's first cell is the bill's title.
    pub titled: bool,
    buf: Vec<String>,
    done: bool,
}

impl<'a, R: Read + Seek> XlsxRows<'a, R> {
    /// Reads sheet `index` (of used range `bounds`) up to its header row.
    pub fn new(
        wb: &'a mut Workbook<R>,
        index: usize,
        bounds: Bounds,
        loc: &Locator,
    ) -> Result<Self> {
        let mut rows = DenseRows::new(wb, index, bounds, loc)?;
        let mut buf = Vec::new();
        let mut near = NearMiss::default();
        let mut titled = None;
        let (layout, header_line): (Layout, u64) = loop {
            let Some(line) = rows.next_row(&mut buf)? else {
                return Err(no_header(loc, near.take()));
            };
            titled.get_or_insert_with(|| {
                buf.first()
                    .is_some_and(|c| super::provider::is_bill_title(c))
            });
            if let Some(layout) = layout::recognise(&buf) {
                break (layout, line);
            }
            near.see(line, &buf);
        };
        Ok(XlsxRows {
            rows,
            header_line,
            collector: Collector::new(layout, loc),
            titled: titled.unwrap_or(false),
            buf,
            done: false,
        })
    }

    pub fn layout(&self) -> &Layout {
        &self.collector.layout
    }

    /// The last line of the used range (rows to expect, for a progress bar).
    pub fn last_line(&self) -> u64 {
        u64::from(self.rows.bounds.last_row) + 1
    }

    /// Up to `max` more rows; `None` once the rows have ended.
    pub fn next_rows(&mut self, max: usize) -> Result<Option<Vec<RawRow>>> {
        if self.done {
            return Ok(None);
        }
        while self.collector.rows.len() < max {
            let Some(line) = self.rows.next_row(&mut self.buf)? else {
                self.done = true;
                break;
            };
            let mut cells =
                Cells::with_capacity(self.buf.iter().map(String::len).sum(), self.buf.len());
            for c in &self.buf {
                cells.push(trim_cell(c));
            }
            if let Step::Stop = self.collector.push(line, cells, false)? {
                self.done = true;
                break;
            }
        }
        Ok(Some(std::mem::take(&mut self.collector.rows)))
    }

    /// Counts the remaining rows without keeping them.
    fn count(mut self) -> Result<(usize, bool)> {
        let mut n = 0;
        while let Some(rows) = self.next_rows(16_384)? {
            n += rows.len();
        }
        Ok((n, self.titled))
    }
}

/// The sheet to import (index, name, used range): the one the rules in the module say.
pub(crate) fn choose_sheet<R: Read + Seek>(
    wb: &mut Workbook<R>,
    file: &str,
) -> Result<(usize, Locator, Bounds)> {
    let names = wb.sheet_names();
    let locs: Vec<Locator> = names
        .iter()
        .map(|n| Locator {
            file: file.to_string(),
            sheet: Some(n.clone()),
        })
        .collect();
    let mut all = Vec::with_capacity(names.len());
    for (i, loc) in locs.iter().enumerate() {
        all.push(bounds(wb, i, loc)?);
    }
    if names.len() == 1 {
        return match all[0] {
            Some(b) => Ok((0, locs[0].clone(), b)),
            None => Err(no_header(&locs[0], None)),
        };
    }
    let mut best: Option<(usize, usize, bool)> = None;
    let mut first_error: Option<CoreError> = None;
    for (i, b) in all.iter().enumerate() {
        let counted = match b {
            Some(b) => XlsxRows::new(wb, i, *b, &locs[i]).and_then(XlsxRows::count),
            None => Err(no_header(&locs[i], None)),
        };
        match counted {
            Ok((rows, titled)) => {
                if best.is_none_or(|(_, r, t)| (rows, titled) > (r, t)) {
                    best = Some((i, rows, titled));
                }
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match (best, first_error) {
        (Some((i, _, _)), _) => Ok((i, locs[i].clone(), all[i].expect("counted"))),
        (None, Some(e)) => Err(e),
        (None, None) => Err(no_header(
            &Locator {
                file: file.into(),
                sheet: None,
            },
            None,
        )),
    }
}

/// Reads a whole XLSX bill held in memory.
pub(crate) fn read_xlsx(bytes: &[u8], file: &str) -> Result<Table> {
    let mut wb = open(std::io::Cursor::new(bytes), file)?;
    let (index, loc, bounds) = choose_sheet(&mut wb, file)?;
    let mut rows = XlsxRows::new(&mut wb, index, bounds, &loc)?;
    let mut all = Vec::new();
    while let Some(chunk) = rows.next_rows(usize::MAX)? {
        all.extend(chunk);
    }
    Ok(Table {
        header_line: rows.header_line,
        layout: rows.collector.layout,
        rows: all,
        sheet: loc.sheet.clone(),
    })
}
