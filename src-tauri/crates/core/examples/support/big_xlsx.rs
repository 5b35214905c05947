//! A large XLSX workbook written as a stream (`#[path]`-included by `bench_import` and the
//! core's big-file test): one sheet `Sheet1`, every text cell in the shared strings (as Excel
//! writes them; the hardest case for a reader's memory), the rows written into the ZIP as they
//! come. Only the shared strings are kept until the end.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn column(mut i: usize) -> String {
    let mut s = String::new();
    i += 1;
    while i > 0 {
        s.insert(0, (b'A' + ((i - 1) % 26) as u8) as char);
        i = (i - 1) / 26;
    }
    s
}

/// Writes `rows` (text cells; an empty one is left out) as the workbook at `path`.
pub fn write_xlsx(path: &Path, rows: impl Iterator<Item = Vec<String>>) -> std::io::Result<()> {
    use zip::write::SimpleFileOptions;
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path)?);
    for (name, text) in PARTS {
        zip.start_file(*name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", options)?;
    zip.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>")?;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut strings = String::new();
    let mut count = 0usize;
    let mut xml = String::new();
    for (r, cells) in rows.enumerate() {
        xml.clear();
        let _ = write!(xml, "<row r=\"{}\">", r + 1);
        for (c, cell) in cells.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let n = *index.entry(cell.clone()).or_insert_with(|| {
                let _ = write!(strings, "<si><t>{}</t></si>", escape(cell));
                count += 1;
                count - 1
            });
            let _ = write!(
                xml,
                "<c r=\"{}{}\" t=\"s\"><v>{n}</v></c>",
                column(c),
                r + 1
            );
        }
        xml.push_str("</row>");
        zip.write_all(xml.as_bytes())?;
    }
    zip.write_all(b"</sheetData></worksheet>")?;
    zip.start_file("xl/sharedStrings.xml", options)?;
    write!(zip, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{count}\" uniqueCount=\"{count}\">")?;
    zip.write_all(strings.as_bytes())?;
    zip.write_all(b"</sst>")?;
    zip.finish()?;
    Ok(())
}

const PARTS: &[(&str, &str)] = &[
    ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/></Types>"),
    ("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
    ("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
    ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"),
];

/// The rows of a WeChat Pay XLSX bill (the 2025 layout: times and `¥` amounts as text) of `n`
/// transactions after its preamble and header; `row(i)` gives the cells of transaction `i`.
pub fn wechat_bill(
    n: usize,
    row: impl FnMut(usize) -> Vec<String>,
) -> impl Iterator<Item = Vec<String>> {
    let preamble = [
        "微信支付账单明细".to_string(),
        "微信昵称：[bench]".into(),
        "起始时间：[2024-01-01 00:00:00] 终止时间：[2024-12-31 23:59:59]".into(),
        format!("共{n}笔记录"),
        String::new(),
        "----------------------微信支付账单明细列表--------------------".into(),
    ];
    let header =
        "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注"
            .split(',')
            .map(str::to_string)
            .collect::<Vec<_>>();
    preamble
        .into_iter()
        .map(|l| vec![l])
        .chain(std::iter::once(header))
        .chain((0..n).map(row))
}
