//! The streamed XLSX reader (`import::xlsx`, `import::sheet`) reads every sheet exactly as
//! calamine 0.38 (the reader imports used before it) lays it out: the same rows, the same text
//! in every cell, on every XLSX fixture and on a workbook with cells of every kind.

use super::super::sheet::{self, DenseRows};
use super::*;
use std::io::Cursor;

/// A cell as the importer read calamine's cells (the old `table::cell_text`).
fn calamine_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => super::super::table::excel_serial_to_text(dt.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
        Data::Empty => String::new(),
    }
}

/// Every sheet's rows by calamine, a run of blank rows kept as its first: (sheet, line, cells).
fn by_calamine(bytes: &[u8]) -> Vec<(String, u64, Vec<String>)> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = match wb.worksheet_range(&name) {
            Ok(r) => r,
            Err(calamine::XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => panic!("{name}: {e}"),
        };
        let first = range.start().map_or(0, |(r, _)| r as u64);
        let mut blank_before = false;
        for (i, row) in range.rows().enumerate() {
            let cells: Vec<String> = row.iter().map(calamine_text).collect();
            let blank = row.iter().all(|c| matches!(c, calamine::Data::Empty));
            if !(blank && blank_before) {
                out.push((name.clone(), first + i as u64 + 1, cells));
            }
            blank_before = blank;
        }
    }
    out
}

fn by_stream(bytes: &[u8]) -> Vec<(String, u64, Vec<String>)> {
    let mut wb = sheet::open(Cursor::new(bytes), "t.xlsx").unwrap();
    let mut out = Vec::new();
    for (i, name) in wb.sheet_names().into_iter().enumerate() {
        let loc = table::Locator {
            file: "t.xlsx".into(),
            sheet: Some(name.clone()),
        };
        let Some(bounds) = sheet::bounds(&mut wb, i, &loc).unwrap() else {
            continue;
        };
        let mut rows = DenseRows::new(&mut wb, i, bounds, &loc).unwrap();
        let mut cells = Vec::new();
        while let Some(line) = rows.next_row(&mut cells).unwrap() {
            out.push((name.clone(), line, cells.clone()));
        }
    }
    out
}

/// A workbook (ZIP) of `parts` beside the package parts every workbook has; its sheets are
/// `sheets` (name, part path under `xl/`, relationship type).
fn workbook(sheets: &[(&str, &str, &str)], parts: &[(&str, String)]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut put = |name: &str, text: &str| {
        w.start_file(name, SimpleFileOptions::default()).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    };
    put("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>");
    put("_rels/.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
    let mut list = String::new();
    let mut rels = String::new();
    for (i, (name, part, typ)) in sheets.iter().enumerate() {
        list.push_str(&format!(
            "<sheet name=\"{name}\" sheetId=\"{}\" r:id=\"rId{}\"/>",
            i + 1,
            i + 1
        ));
        rels.push_str(&format!("<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/{typ}\" Target=\"{part}\"/>", i + 1));
    }
    put("xl/workbook.xml", &format!("<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>{list}</sheets></workbook>"));
    put("xl/_rels/workbook.xml.rels", &format!("<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{rels}</Relationships>"));
    for (name, text) in parts {
        put(name, text);
    }
    w.finish().unwrap().into_inner()
}

const MAIN: &str = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";

/// Cells of every kind the importer can meet.
fn every_kind() -> Vec<u8> {
    let sst = format!(
        "<?xml version=\"1.0\"?><sst {MAIN} count=\"6\" uniqueCount=\"6\">\
        <si><t>交易时间</t></si>\
        <si><t xml:space=\"preserve\">  padded  </t></si>\
        <si><t>  trimmed\n</t></si>\
        <si><r><t>rich </t></r><r><rPr><b/></rPr><t>text</t></r><rPh><t>ふりがな</t></rPh></si>\
        <si><t>a &amp; b &lt;c&gt; &#x4E2D;&#25991; line_x000D_break</t></si>\
        <si/></sst>"
    );
    let styles = format!("<?xml version=\"1.0\"?><styleSheet {MAIN}><numFmts count=\"3\">\
        <numFmt numFmtId=\"164\" formatCode=\"\\¥#,##0.00\"/>\
        <numFmt numFmtId=\"165\" formatCode=\"yyyy-mm-dd hh:mm:ss\"/>\
        <numFmt numFmtId=\"166\" formatCode=\"[h]:mm:ss\"/></numFmts>\
        <cellStyleXfs count=\"1\"><xf numFmtId=\"0\"/></cellStyleXfs>\
        <cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"22\"/><xf numFmtId=\"165\"><alignment horizontal=\"left\"/></xf><xf numFmtId=\"166\"/></cellXfs></styleSheet>");
    let sheet1 = format!("<?xml version=\"1.0\"?><worksheet {MAIN}><dimension ref=\"A1:Z9999\"/><sheetData>\
        <row r=\"2\"><c r=\"B2\" t=\"s\"><v>0</v></c><c r=\"C2\" t=\"s\"><v>1</v></c><c r=\"D2\" t=\"s\"><v>2</v></c><c r=\"E2\" t=\"s\"><v>3</v></c><c r=\"F2\" t=\"s\"><v>4</v></c><c r=\"G2\" t=\"s\"><v>5</v></c></row>\
        <row r=\"3\"><c r=\"B3\" s=\"1\"><v>548.58000000000004</v></c><c r=\"C3\" s=\"2\"><v>45000.5</v></c><c r=\"D3\" s=\"3\"><v>45000.25</v></c><c r=\"E3\" s=\"4\"><v>1.5</v></c><c r=\"F3\"><v>7</v></c><c r=\"G3\" t=\"n\"><v>-0.1</v></c><c r=\"H3\"><v>not a number</v></c></row>\
        <row r=\"4\"><c r=\"B4\" t=\"b\"><v>1</v></c><c r=\"C4\" t=\"b\"><v>false</v></c><c r=\"D4\" t=\"e\"><v>#N/A</v></c><c r=\"E4\" t=\"e\"><v>#DIV/0!</v></c><c r=\"F4\" t=\"str\"><f>A1&amp;\"x\"</f><v>x &amp; y</v></c><c r=\"G4\" t=\"d\"><v>2024-01-02T03:04:05</v></c></row>\
        <row r=\"5\"><c r=\"B5\" t=\"inlineStr\"><is><t>inline</t></is></c><c r=\"C5\" t=\"inlineStr\"><is><r><t>two </t></r><r><t>runs</t></r></is></c><c r=\"D5\"><v></v></c><c r=\"E5\" s=\"1\"/><c r=\"F5\" t=\"s\"><v></v></c></row>\
        <row r=\"6\"><c r=\"B6\" t=\"s\"><v>5</v></c></row>\
        <row r=\"9\"><c t=\"s\"><v>0</v></c><c><v>1</v></c><c r=\"E9\"><v>2</v></c><c><v>3</v></c></row>\
        <row><c><v>10</v></c><c r=\"C10\" s=\"9\"><v>11</v></c></row>\
        <row r=\"12\"><c r=\"H12\" t=\"s\"><v>4</v></c></row>\
        </sheetData></worksheet>");
    let sheet2 = format!("<?xml version=\"1.0\"?><worksheet {MAIN}><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>第二页</t></is></c></row></sheetData></worksheet>");
    let chart = "<?xml version=\"1.0\"?><chartsheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetViews/></chartsheet>".to_string();
    workbook(
        &[
            ("Bill", "worksheets/sheet1.xml", "worksheet"),
            ("Chart", "chartsheets/sheet1.xml", "chartsheet"),
            ("第二页", "worksheets/sheet2.xml", "worksheet"),
        ],
        &[
            ("xl/sharedStrings.xml", sst),
            ("xl/styles.xml", styles),
            ("xl/worksheets/sheet1.xml", sheet1),
            ("xl/chartsheets/sheet1.xml", chart),
            ("xl/worksheets/sheet2.xml", sheet2),
        ],
    )
}

#[test]
fn the_streamed_reader_reads_every_cell_as_calamine_did() {
    let bytes = every_kind();
    let streamed = by_stream(&bytes);
    assert_eq!(streamed, by_calamine(&bytes));
    // What the cells read as (so the comparison cannot pass by both being empty).
    let texts: Vec<&str> = streamed
        .iter()
        .flat_map(|(_, _, cells)| cells.iter().map(String::as_str))
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        texts,
        [
            // Runs are trimmed one by one unless preserved; a duration is a day serial.
            "交易时间",
            "  padded  ",
            "trimmed",
            "richtext",
            "a & b <c> 中文 line\rbreak",
            "548.58",
            "2023-03-15 12:00:00",
            "2023-03-15 06:00:00",
            "1899-12-31 12:00:00",
            "7",
            "-0.1",
            "not a number",
            "true",
            "false",
            "#NA",
            "#Div0",
            "x & y",
            "2024-01-02T03:04:05",
            "inline",
            "tworuns",
            "交易时间",
            "1",
            "2",
            "3",
            "10",
            "11",
            "a & b <c> 中文 line\rbreak",
            "第二页",
        ]
    );
    // Lines: a blank row between 6 and 9 is kept once, as line 7; rows without `r` count on.
    let lines: Vec<(&str, u64)> = streamed.iter().map(|(s, l, _)| (s.as_str(), *l)).collect();
    assert_eq!(
        lines,
        [
            ("Bill", 2),
            ("Bill", 3),
            ("Bill", 4),
            ("Bill", 5),
            ("Bill", 6),
            ("Bill", 7),
            ("Bill", 9),
            ("Bill", 10),
            ("Bill", 11),
            ("Bill", 12),
            ("第二页", 1)
        ]
    );
}

#[test]
fn every_xlsx_fixture_reads_as_calamine_read_it() {
    let hostile = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/hostile");
    let mut files: Vec<Vec<u8>> = owned_bill_names()
        .iter()
        .filter(|n| n.ends_with(".xlsx"))
        .map(|n| read(n))
        .collect();
    assert_eq!(files.len(), 3);
    files.push(std::fs::read(hostile.join("xlsx-dimension.xlsx")).unwrap());
    files.push(super::streamed::many_xlsx(300));
    for bytes in files {
        let streamed = by_stream(&bytes);
        assert!(!streamed.is_empty());
        assert_eq!(streamed, by_calamine(&bytes));
    }
}

#[test]
fn cells_out_of_order_are_refused_not_misread() {
    let sheet = format!("<?xml version=\"1.0\"?><worksheet {MAIN}><sheetData><row r=\"2\"><c r=\"A2\"><v>1</v></c></row><row r=\"1\"><c r=\"A1\"><v>2</v></c></row></sheetData></worksheet>");
    let bytes = workbook(
        &[("S", "worksheets/s.xml", "worksheet")],
        &[("xl/worksheets/s.xml", sheet)],
    );
    let e = parse("o.xlsx", &bytes, None).unwrap_err();
    assert_eq!(
        e.message(crate::Lang::En),
        "o.xlsx:S: the sheet's cells are out of order (A1 comes late); not an exported bill"
    );
}
