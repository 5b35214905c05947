//! An XLSX workbook read as a stream: the sheet's cells one at a time straight out of the ZIP,
//! from a file or from bytes, so a million-row bill never sits in memory whole. The shared
//! strings (the one table a cell can point anywhere into) are kept in one buffer with their end
//! offsets, about the size of their text, instead of a `String` each (a 1M-row bill has about
//! four million of them).
//!
//! Cells read as calamine 0.38 reads them (its `XlsxCellReader`, MIT licence, Johann Tuffe):
//! the same parts found the same way, the same value per cell type and number format, the same
//! text, so this reader and the spreadsheet reader the app used before store the same rows (a
//! test compares them on every bill fixture and on cells of every kind).

use super::source::MAX_SHARED_STRINGS;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::QName;
use std::collections::HashMap;
use std::io::{BufReader, Read, Seek};

/// What went wrong reading the workbook, as a short English text (shown inside "the XLSX file
/// is damaged or incomplete (…)").
pub(crate) type Damage = String;
type Res<T> = std::result::Result<T, Damage>;

fn xml_err(e: quick_xml::Error) -> Damage {
    format!("XML error: {e}")
}

/// Room is reserved for at most this many of the strings a workbook declares.
const RESERVE_AT_MOST: usize = 1 << 20;

/// The shared strings: one text buffer and each string's end in it.
#[derive(Default)]
pub(crate) struct SharedStrings {
    text: String,
    ends: Vec<u32>,
}

impl SharedStrings {
    fn push(&mut self, s: &str) -> Res<()> {
        self.text.push_str(s);
        let end = u32::try_from(self.text.len())
            .map_err(|_| "the shared strings exceed 4 GB".to_string())?;
        self.ends.push(end);
        Ok(())
    }

    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        self.text.get(start..end)
    }
}

/// How a number format shows a number (calamine's `CellFormat`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum CellFormat {
    Other,
    DateTime,
    TimeDelta,
}

/// An open workbook: its sheets, shared strings and number formats.
pub(crate) struct Workbook<R: Read + Seek> {
    zip: zip::ZipArchive<R>,
    /// Entry names by their lowercased form (parts are found whatever their case).
    names: HashMap<String, String>,
    xl_path: String,
    workbook_name: String,
    /// (name, part path) of every sheet, in the workbook's order.
    sheets: Vec<(String, String)>,
    strings: SharedStrings,
    formats: Vec<CellFormat>,
}

type Xml<'a, R> = quick_xml::Reader<BufReader<zip::read::ZipFile<'a, R>>>;

fn open_part<'a, R: Read + Seek>(
    zip: &'a mut zip::ZipArchive<R>,
    names: &HashMap<String, String>,
    path: &str,
) -> Option<Res<Xml<'a, R>>> {
    let name = names
        .get(&path.to_ascii_lowercase())
        .map_or(path, String::as_str);
    match zip.by_name(name) {
        Ok(f) => {
            let mut r = quick_xml::Reader::from_reader(BufReader::new(f));
            let config = r.config_mut();
            config.check_end_names = false;
            config.trim_text(false);
            config.check_comments = false;
            config.expand_empty_elements = true;
            Some(Ok(r))
        }
        Err(zip::result::ZipError::FileNotFound) => None,
        Err(e) => Some(Err(e.to_string())),
    }
}

/// The raw (still escaped) value of attribute `key`.
fn attr<'e>(e: &'e BytesStart<'_>, key: &str) -> Res<Option<std::borrow::Cow<'e, str>>> {
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|e| format!("XML attribute error: {e}"))?;
        if a.key.as_ref() == key {
            return Ok(Some(a.value));
        }
    }
    Ok(None)
}

fn attr_str(e: &BytesStart<'_>, key: &str) -> Res<Option<String>> {
    Ok(attr(e, key)?.map(|v| v.into_owned()))
}

/// An attribute value with its XML escapes resolved.
fn decoded(raw: &str) -> Res<String> {
    quick_xml::escape::unescape(raw)
        .map(|s| s.into_owned())
        .map_err(|e| format!("XML escape error: {e}"))
}

impl<R: Read + Seek> Workbook<R> {
    /// Opens the workbook: its package relationships, shared strings, number formats and the
    /// list of sheets.
    pub fn open(reader: R) -> Res<Self> {
        let zip = zip::ZipArchive::new(reader).map_err(|e| e.to_string())?;
        let mut names = HashMap::with_capacity(zip.len());
        for name in zip.file_names() {
            let name = name.map_err(|e| e.to_string())?;
            names.insert(
                name.replace('\\', "/").to_ascii_lowercase(),
                name.to_string(),
            );
        }
        let mut wb = Workbook {
            zip,
            names,
            xl_path: "xl/".into(),
            workbook_name: "workbook.xml".into(),
            sheets: Vec::new(),
            strings: SharedStrings::default(),
            formats: Vec::new(),
        };
        wb.read_package_relationships()?;
        wb.read_shared_strings()?;
        wb.read_styles()?;
        let rels = wb.read_relationships()?;
        wb.read_workbook(&rels)?;
        Ok(wb)
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.iter().map(|(n, _)| n.clone()).collect()
    }

    fn part(&mut self, path: &str) -> Option<Res<Xml<'_, R>>> {
        open_part(&mut self.zip, &self.names, path)
    }

    fn read_package_relationships(&mut self) -> Res<()> {
        let Some(xml) = self.part("_rels/.rels") else {
            return Err("file not found: _rels/.rels".into());
        };
        let mut xml = xml?;
        let mut buf = Vec::new();
        let mut target = None;
        let mut inside = false;
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_err)? {
                Event::Start(e) if e.local_name().as_ref() == "Relationships" => inside = true,
                Event::Start(e) if inside && e.local_name().as_ref() == "Relationship" => {
                    let office = attr_str(&e, "Type")?
                        .is_some_and(|t| t.ends_with("/relationships/officeDocument"));
                    if office {
                        if let Some(t) = attr_str(&e, "Target")? {
                            target = Some(decoded(&t)?);
                        }
                    }
                }
                Event::End(e) if inside && e.local_name().as_ref() == "Relationships" => break,
                Event::Eof => return Err("unexpected end of _rels/.rels".into()),
                _ => {}
            }
        }
        drop(xml);
        let target = target.ok_or("no workbook relationship")?;
        let (dir, name) = match target.rfind('/') {
            Some(i) => target.split_at(i + 1),
            None => ("", target.as_str()),
        };
        self.xl_path = dir.strip_prefix('/').unwrap_or(dir).to_string();
        if !name.is_empty() {
            self.workbook_name = name.to_string();
        }
        Ok(())
    }

    fn read_shared_strings(&mut self) -> Res<()> {
        let path = format!("{}sharedStrings.xml", self.xl_path);
        let Workbook {
            zip,
            names,
            strings,
            ..
        } = self;
        let Some(xml) = open_part(zip, names, &path) else {
            return Ok(());
        };
        let mut xml = xml?;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_err)? {
                Event::Start(e) if e.local_name().as_ref() == "sst" => {
                    if let Some(n) = attr_str(&e, "uniqueCount")? {
                        if let Ok(n) = n.parse::<u64>() {
                            if n > MAX_SHARED_STRINGS {
                                return Err(format!("the shared strings claim {n} entries"));
                            }
                            let n = (n as usize).min(RESERVE_AT_MOST);
                            strings.ends.reserve(n);
                        }
                    }
                    break;
                }
                Event::Eof => return Err("unexpected end of the shared strings".into()),
                _ => {}
            }
        }
        let mut bufs = (Vec::new(), Vec::new());
        let mut value = String::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_err)? {
                Event::Start(e) if e.local_name().as_ref() == "si" => {
                    let name = e.name().as_ref().to_string();
                    if read_string(&mut xml, QName(&name), &mut bufs, &mut value)? {
                        if strings.ends.len() as u64 >= MAX_SHARED_STRINGS {
                            return Err("too many shared strings".into());
                        }
                        strings.push(&value)?;
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "sst" => break,
                Event::Eof => return Err("unexpected end of the shared strings".into()),
                _ => {}
            }
        }
        Ok(())
    }

    fn read_styles(&mut self) -> Res<()> {
        let path = format!("{}styles.xml", self.xl_path);
        let Workbook {
            zip,
            names,
            formats,
            ..
        } = self;
        let Some(xml) = open_part(zip, names, &path) else {
            return Ok(());
        };
        let mut xml = xml?;
        let mut custom: HashMap<String, String> = HashMap::new();
        let (mut buf, mut inner) = (Vec::new(), Vec::new());
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_err)? {
                Event::Start(e) if e.local_name().as_ref() == "numFmts" => loop {
                    inner.clear();
                    match xml.read_event_into(&mut inner).map_err(xml_err)? {
                        Event::Start(e) if e.local_name().as_ref() == "numFmt" => {
                            if let (Some(id), Some(code)) =
                                (attr_str(&e, "numFmtId")?, attr_str(&e, "formatCode")?)
                            {
                                custom.insert(id, decoded(&code)?);
                            }
                        }
                        Event::End(e) if e.local_name().as_ref() == "numFmts" => break,
                        Event::Eof => return Err("unexpected end of numFmts".into()),
                        _ => {}
                    }
                },
                Event::Start(e) if e.local_name().as_ref() == "cellXfs" => loop {
                    inner.clear();
                    match xml.read_event_into(&mut inner).map_err(xml_err)? {
                        Event::Start(e) if e.local_name().as_ref() == "xf" => {
                            formats.push(attr_str(&e, "numFmtId")?.map_or(
                                CellFormat::Other,
                                |id| match custom.get(&id) {
                                    Some(code) => custom_format(code),
                                    None => builtin_format(&id),
                                },
                            ));
                            let name = e.name().as_ref().to_string();
                            let mut skip = Vec::new();
                            xml.read_to_end_into(QName(&name), &mut skip)
                                .map_err(xml_err)?;
                        }
                        Event::End(e) if e.local_name().as_ref() == "cellXfs" => break,
                        Event::Eof => return Err("unexpected end of cellXfs".into()),
                        _ => {}
                    }
                },
                Event::End(e) if e.local_name().as_ref() == "styleSheet" => break,
                Event::Eof => return Err("unexpected end of styleSheet".into()),
                _ => {}
            }
        }
        Ok(())
    }

    /// The workbook's relationships: id → (target, type).
    fn read_relationships(&mut self) -> Res<HashMap<String, (String, String)>> {
        let path = format!("{}_rels/{}.rels", self.xl_path, self.workbook_name);
        let Some(xml) = self.part(&path) else {
            return Err(format!("file not found: {path}"));
        };
        let mut xml = xml?;
        let mut rels = HashMap::new();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_err)? {
                Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                    if let Some(id) = attr_str(&e, "Id")? {
                        let typ = attr_str(&e, "Type")?.unwrap_or_default();
                        let target = attr_str(&e, "Target")?.unwrap_or_default();
                        rels.insert(id, (target, typ));
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "Relationships" => break,
                Event::Eof => return Err("unexpected end of the relationships".into()),
                _ => {}
            }
        }
        Ok(rels)
    }

    fn read_workbook(&mut self, rels: &HashMap<String, (String, String)>) -> Res<()> {
        let path = format!("{}{}", self.xl_path, self.workbook_name);
        let xl_path = self.xl_path.clone();
        let mut sheets = Vec::new();
        {
            let Some(xml) = self.part(&path) else {
                return Ok(());
            };
            let mut xml = xml?;
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match xml.read_event_into(&mut buf).map_err(xml_err)? {
                    Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                        let mut name = String::new();
                        let mut rel_id = String::new();
                        for a in e.attributes().with_checks(false) {
                            let a = a.map_err(|e| format!("XML attribute error: {e}"))?;
                            let value = a.value.into_owned();
                            match a.key.as_ref() {
                                "name" => name = decoded(&value)?,
                                "state"
                                    if !matches!(
                                        value.as_str(),
                                        "visible" | "hidden" | "veryHidden"
                                    ) =>
                                {
                                    return Err(format!("unknown sheet state {value}"));
                                }
                                key if key == "id" || key.ends_with(":id") => rel_id = value,
                                _ => {}
                            }
                        }
                        let (target, typ) = rels
                            .get(&rel_id)
                            .ok_or("a sheet's relationship is missing")?;
                        let part = match target.strip_prefix('/') {
                            Some(abs) => abs.to_string(),
                            None => format!("{xl_path}{target}"),
                        };
                        if !matches!(
                            typ.split('/').next_back(),
                            Some("worksheet" | "chartsheet" | "dialogsheet")
                        ) {
                            return Err(format!("unknown sheet type of {part}"));
                        }
                        sheets.push((name, part));
                    }
                    Event::End(e) if e.local_name().as_ref() == "workbook" => break,
                    Event::Eof => return Err("unexpected end of the workbook".into()),
                    _ => {}
                }
            }
        }
        self.sheets = sheets;
        Ok(())
    }

    /// The cells of sheet `index` in file order; `None` for a sheet that holds no cells (a chart
    /// sheet).
    pub fn cells(&mut self, index: usize) -> Res<Option<SheetCells<'_, R>>> {
        let Workbook {
            zip,
            names,
            sheets,
            strings,
            formats,
            ..
        } = self;
        let (name, path) = sheets.get(index).ok_or("no such sheet")?;
        let Some(xml) = open_part(zip, names, path) else {
            return Err(format!("worksheet {name} not found"));
        };
        let mut xml = xml?;
        let mut buf = Vec::new();
        let mut seen_element = false;
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(xml_err)? {
                Event::Start(e) => match e.local_name().as_ref() {
                    "dimension" => {
                        if attr(&e, "ref")?.is_none() {
                            return Err("unexpected node dimension".into());
                        }
                    }
                    "sheetData" => break,
                    _ => seen_element = true,
                },
                Event::Eof if seen_element => return Ok(None),
                Event::Eof => return Err("unexpected end of the worksheet".into()),
                _ => {}
            }
        }
        Ok(Some(SheetCells {
            xml,
            strings,
            formats,
            row: 0,
            col: 0,
            buf: Vec::new(),
            cell_buf: Vec::new(),
            bufs: (Vec::new(), Vec::new()),
            value: String::new(),
        }))
    }
}

/// A sheet's cells, one at a time.
pub(crate) struct SheetCells<'a, R: Read + Seek> {
    xml: Xml<'a, R>,
    strings: &'a SharedStrings,
    formats: &'a [CellFormat],
    row: u32,
    col: u32,
    buf: Vec<u8>,
    cell_buf: Vec<u8>,
    bufs: (Vec<u8>, Vec<u8>),
    value: String,
}

/// One cell: its (row, column), 0-based, and whether it holds a value (an empty one is not
/// part of the sheet's used range).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CellAt {
    pub row: u32,
    pub col: u32,
    pub filled: bool,
}

impl<R: Read + Seek> SheetCells<'_, R> {
    /// The next cell in file order, its text written into `text` (as the importer reads a cell:
    /// numbers in their shortest round-trip form, date cells as local times); `None` at the end.
    pub fn next_cell(&mut self, text: &mut String) -> Res<Option<CellAt>> {
        loop {
            self.buf.clear();
            match self.xml.read_event_into(&mut self.buf).map_err(xml_err)? {
                Event::Start(e) if e.local_name().as_ref() == "row" => {
                    if let Some(r) = attr_str(&e, "r")? {
                        self.row = cell_ref(&r)?.0;
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "row" => {
                    self.row = self.row.wrapping_add(1);
                    self.col = 0;
                }
                Event::Start(e) if e.local_name().as_ref() == "c" => {
                    let (mut r, mut s, mut t) = (None, None, None);
                    for a in e.attributes().with_checks(false) {
                        let a = a.map_err(|e| format!("XML attribute error: {e}"))?;
                        let v = || -> Res<String> { Ok(a.value.to_string()) };
                        match a.key.as_ref() {
                            "r" => r = Some(v()?),
                            "s" => s = Some(v()?),
                            "t" => t = Some(v()?),
                            _ => {}
                        }
                    }
                    let (row, col) = match r {
                        Some(r) => {
                            let (row, col) = cell_ref(&r)?;
                            let col = col.ok_or("a cell reference without a column")?;
                            self.col = col;
                            (row, col)
                        }
                        None => (self.row, self.col),
                    };
                    let mut filled = false;
                    text.clear();
                    loop {
                        self.cell_buf.clear();
                        match self
                            .xml
                            .read_event_into(&mut self.cell_buf)
                            .map_err(xml_err)?
                        {
                            Event::Start(v) => {
                                let name = v.name().as_ref().to_string();
                                let local = v.local_name().as_ref().to_string();
                                text.clear();
                                filled = self.read_value(
                                    QName(&name),
                                    &local,
                                    s.as_deref(),
                                    t.as_deref(),
                                    text,
                                )?;
                            }
                            Event::End(end) if end.local_name().as_ref() == "c" => break,
                            Event::Eof => return Err("unexpected end inside a cell".into()),
                            _ => {}
                        }
                    }
                    self.col = self.col.wrapping_add(1);
                    return Ok(Some(CellAt { row, col, filled }));
                }
                Event::End(e) if e.local_name().as_ref() == "sheetData" => return Ok(None),
                Event::Eof => return Err("unexpected end of sheetData".into()),
                _ => {}
            }
        }
    }

    /// Reads the `<is>`, `<v>` or `<f>` element just opened; returns whether it gave a value.
    fn read_value(
        &mut self,
        name: QName<'_>,
        local: &str,
        style: Option<&str>,
        typ: Option<&str>,
        out: &mut String,
    ) -> Res<bool> {
        let skip = |xml: &mut Xml<'_, R>, buf: &mut Vec<u8>| -> Res<()> {
            buf.clear();
            xml.read_to_end_into(name, buf).map_err(xml_err)?;
            Ok(())
        };
        match local {
            "is" => read_string(&mut self.xml, name, &mut self.bufs, out),
            "v" if matches!(typ, Some("inlineStr") | Some("is")) => {
                skip(&mut self.xml, &mut self.bufs.0)?;
                Ok(false)
            }
            "v" if matches!(typ, Some("n" | "s" | "b" | "e") | None) => {
                self.bufs.0.clear();
                let raw = match self
                    .xml
                    .read_event_into(&mut self.bufs.0)
                    .map_err(xml_err)?
                {
                    Event::Text(t) => Some(t.as_ref().to_string()),
                    Event::End(end) if end.name() == name => return Ok(false),
                    Event::Eof => return Err("unexpected end inside a value".into()),
                    _ => None,
                };
                skip(&mut self.xml, &mut self.bufs.0)?;
                match raw {
                    Some(v) => self.value_text(&v, style, typ, out),
                    None => Ok(false),
                }
            }
            "v" => {
                self.value.clear();
                loop {
                    self.bufs.0.clear();
                    match self
                        .xml
                        .read_event_into(&mut self.bufs.0)
                        .map_err(xml_err)?
                    {
                        Event::Text(t) => self.value.push_str(&t.xml10_content()),
                        Event::GeneralRef(e) => entity(&e, &mut self.value)?,
                        Event::End(end) if end.name() == name => break,
                        Event::Eof => return Err("unexpected end inside a value".into()),
                        _ => {}
                    }
                }
                let v = std::mem::take(&mut self.value);
                let filled = self.value_text(&v, style, typ, out);
                self.value = v;
                filled
            }
            "f" => {
                skip(&mut self.xml, &mut self.bufs.0)?;
                Ok(false)
            }
            _ => Err("unexpected node: expected v, f, or is".into()),
        }
    }

    /// A `<v>`'s text as the cell's text, by the cell's type and number format.
    fn value_text(
        &self,
        v: &str,
        style: Option<&str>,
        typ: Option<&str>,
        out: &mut String,
    ) -> Res<bool> {
        use std::fmt::Write;
        let format = match style {
            Some(s) => self.formats.get(s.parse::<usize>().unwrap_or(0)).copied(),
            None => Some(CellFormat::Other),
        };
        match typ {
            Some("s") => {
                if v.is_empty() {
                    return Ok(false);
                }
                let i = v.parse::<usize>().unwrap_or(0);
                let s = self
                    .strings
                    .get(i)
                    .ok_or("cell string index not found in shared strings table")?;
                out.push_str(s);
                Ok(true)
            }
            Some("b") => {
                let b = v.trim();
                if b.is_empty() {
                    Ok(false)
                } else if b == "0" || b.eq_ignore_ascii_case("false") {
                    out.push_str("false");
                    Ok(true)
                } else if b == "1" || b.eq_ignore_ascii_case("true") {
                    out.push_str("true");
                    Ok(true)
                } else {
                    Err(format!("unrecognized boolean cell value {v}"))
                }
            }
            Some("d") => {
                out.push_str(v);
                Ok(true)
            }
            Some("e") => {
                let name = match v {
                    "#DIV/0!" => "Div0",
                    "#N/A" => "NA",
                    "#NAME?" => "Name",
                    "#NULL!" => "Null",
                    "#NUM!" => "Num",
                    "#REF!" => "Ref",
                    "#VALUE!" => "Value",
                    _ => return Err(format!("unsupported cell error value {v}")),
                };
                out.push('#');
                out.push_str(name);
                Ok(true)
            }
            Some("str") => {
                out.push_str(&unescape_xml(v));
                Ok(true)
            }
            Some("n") | None => {
                if v.is_empty() {
                    return Ok(false);
                }
                match v.parse::<f64>() {
                    Ok(n) => {
                        match format {
                            // The 1904 date system is not applied (as the reader before did).
                            Some(CellFormat::DateTime | CellFormat::TimeDelta) => {
                                out.push_str(&super::table::excel_serial_to_text(n))
                            }
                            _ => {
                                let _ = write!(out, "{n}");
                            }
                        }
                        Ok(true)
                    }
                    Err(_) if typ.is_none() => {
                        out.push_str(v);
                        Ok(true)
                    }
                    Err(e) => Err(format!("cannot parse a number: {e}")),
                }
            }
            Some(t) => Err(format!("unsupported cell type t=\"{t}\"")),
        }
    }
}

/// A cell or row reference (`B12`, `12`) as 0-based (row, column).
fn cell_ref(r: &str) -> Res<(u32, Option<u32>)> {
    let bytes = r.as_bytes();
    let (mut col, mut row): (u32, u32) = (0, 0);
    let mut i = 0;
    let bad = |c: u8| format!("unexpected character {:?} in a cell reference", c as char);
    while i < bytes.len() {
        match bytes[i] {
            c @ b'A'..=b'Z' => col = col.wrapping_mul(26).wrapping_add(u32::from(c - b'A') + 1),
            c @ b'a'..=b'z' => col = col.wrapping_mul(26).wrapping_add(u32::from(c - b'a') + 1),
            c @ b'0'..=b'9' => {
                row = u32::from(c - b'0');
                i += 1;
                break;
            }
            c => return Err(bad(c)),
        }
        i += 1;
    }
    while i < bytes.len() {
        match bytes[i] {
            c @ b'0'..=b'9' => row = row.wrapping_mul(10).wrapping_add(u32::from(c - b'0')),
            c => return Err(bad(c)),
        }
        i += 1;
    }
    let row = row.checked_sub(1).ok_or("a cell reference without a row")?;
    Ok((row, col.checked_sub(1)))
}

/// Reads a (rich) text element up to its end into `out`: the `<t>` texts of its runs, without
/// the phonetic ones. Returns whether a text was there (an element without `<t>` is "").
fn read_string<B: std::io::BufRead>(
    xml: &mut quick_xml::Reader<B>,
    closing: QName<'_>,
    bufs: &mut (Vec<u8>, Vec<u8>),
    out: &mut String,
) -> Res<bool> {
    out.clear();
    let mut phonetic = false;
    let mut value = String::new();
    loop {
        bufs.0.clear();
        match xml.read_event_into(&mut bufs.0).map_err(xml_err)? {
            Event::Start(e) if e.local_name().as_ref() == "rPh" => phonetic = true,
            Event::End(e) if e.name() == closing => return Ok(true),
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::Start(e) if e.local_name().as_ref() == "t" && !phonetic => {
                let preserve = attr(&e, "xml:space")?.is_some_and(|v| v.as_ref() == "preserve");
                let name = e.name().as_ref().to_string();
                value.clear();
                loop {
                    bufs.1.clear();
                    match xml.read_event_into(&mut bufs.1).map_err(xml_err)? {
                        Event::Text(t) => value.push_str(&t.xml10_content()),
                        Event::CData(t) => value.push_str(&t.xml10_content()),
                        Event::GeneralRef(e) => entity(&e, &mut value)?,
                        Event::End(end) if end.name() == QName(&name) => break,
                        Event::Eof => return Err("unexpected end inside a text".into()),
                        _ => {}
                    }
                }
                let kept = if preserve {
                    value.as_str()
                } else {
                    value.trim_matches([' ', '\t', '\r', '\n'])
                };
                out.push_str(&unescape_xml(kept));
            }
            Event::Eof => return Err("unexpected end of a string".into()),
            _ => {}
        }
    }
}

/// An entity or character reference (`&amp;`, `&#xA0;`) appended to `out`.
fn entity(e: &BytesRef<'_>, out: &mut String) -> Res<()> {
    let name: &str = e.as_ref();
    if let Some(s) = quick_xml::escape::resolve_xml_entity(name) {
        out.push_str(s);
        return Ok(());
    }
    match e.resolve_char_ref() {
        Ok(Some(c)) => {
            out.push(c);
            Ok(())
        }
        _ => Err(format!("unrecognized entity &{name};")),
    }
}

/// Excel's own escapes in text: `_x000D_` is the UTF-16 unit 0x000D (a pair of them one
/// character beyond the BMP; a lone surrogate is U+FFFD).
fn unescape_xml(original: &str) -> std::borrow::Cow<'_, str> {
    const LEN: usize = 7;
    let unit_at = |i: usize| -> Option<u16> {
        let b = original.as_bytes().get(i..i + LEN)?;
        if b[0] != b'_'
            || b[1] != b'x'
            || b[6] != b'_'
            || !b[2..6].iter().all(u8::is_ascii_hexdigit)
        {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
    };
    let find = |mut from: usize| -> Option<(usize, u16)> {
        while let Some(off) = original[from..].find('_') {
            let i = from + off;
            if let Some(u) = unit_at(i) {
                return Some((i, u));
            }
            from = i + 1;
        }
        None
    };
    let Some((mut i, mut unit)) = find(0) else {
        return std::borrow::Cow::Borrowed(original);
    };
    let mut out = String::with_capacity(original.len());
    let mut copied = 0;
    loop {
        out.push_str(&original[copied..i]);
        i += LEN;
        match unit {
            0xD800..=0xDBFF => match unit_at(i) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let c =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                    i += LEN;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = i;
        match find(i) {
            Some(next) => (i, unit) = next,
            None => break,
        }
    }
    out.push_str(&original[copied..]);
    std::borrow::Cow::Owned(out)
}

/// Whether a custom number format shows a date or a duration (its first section only).
fn custom_format(format: &str) -> CellFormat {
    let (mut escaped, mut quoted, mut ap, mut hms) = (false, false, false, false);
    let mut brackets = 0u8;
    let mut prev = ' ';
    for s in format.chars() {
        match (s, escaped, quoted, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => quoted = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => quoted = true,
            (';', ..) => return CellFormat::Other,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return CellFormat::TimeDelta,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return CellFormat::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return CellFormat::DateTime
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    CellFormat::Other
}

/// Built-in number formats by id: the dates and times (14–22, 45, 47, the East Asian ones) and
/// the duration `[h]:mm:ss` (46).
fn builtin_format(id: &str) -> CellFormat {
    match id {
        "14" | "15" | "16" | "17" | "18" | "19" | "20" | "21" | "22" | "45" | "47" | "27"
        | "28" | "29" | "30" | "31" | "32" | "33" | "34" | "35" | "36" | "50" | "51" | "52"
        | "53" | "54" | "55" | "56" | "57" | "58" => CellFormat::DateTime,
        "46" => CellFormat::TimeDelta,
        _ => CellFormat::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_are_zero_based() {
        assert_eq!(cell_ref("A1").unwrap(), (0, Some(0)));
        assert_eq!(cell_ref("XFD1048576").unwrap(), (1_048_575, Some(16_383)));
        assert_eq!(cell_ref("12").unwrap(), (11, None));
        assert!(cell_ref("A0").is_err());
        assert!(cell_ref("A-1").is_err());
    }

    #[test]
    fn excel_escapes_are_undone() {
        assert_eq!(unescape_xml("a_x000D_b"), "a\rb");
        assert_eq!(unescape_xml("_xD83D__xDCF7_"), "📷");
        assert_eq!(unescape_xml("_xD83D_"), "\u{FFFD}");
        assert_eq!(unescape_xml("no_escape_here"), "no_escape_here");
    }

    #[test]
    fn date_formats_are_recognised() {
        assert_eq!(custom_format("yyyy-mm-dd hh:mm:ss"), CellFormat::DateTime);
        assert_eq!(custom_format("\\¥#,##0.00"), CellFormat::Other);
        assert_eq!(custom_format("[h]:mm:ss"), CellFormat::TimeDelta);
        assert_eq!(custom_format("\"day\" 0"), CellFormat::Other);
        assert_eq!(builtin_format("22"), CellFormat::DateTime);
        assert_eq!(builtin_format("4"), CellFormat::Other);
    }
}
