//! Generated inputs for the property tests (`tests/props/`) and the fuzz targets' seed corpus
//! (`examples/fuzz_corpus.rs`): bills in every real layout (built like the exports in
//! `shared/fixtures/bills`, never copied from them), ZIPs with and without a password, small
//! images of every decodable kind, a full case JSON. Deterministic unless noted.
#![allow(dead_code)]

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};
use std::fmt::Write as _;
use std::io::{Cursor, Write};

/// 收/支 as a bill row states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Income,
    Expense,
    Neutral,
}

/// One transaction, independent of the layout it is written in.
#[derive(Debug, Clone)]
pub struct Row {
    pub at: NaiveDateTime,
    pub dir: Dir,
    pub fen: i64,
    /// 交易类型 / 交易分类 (零钱提现, 商户消费, 退款 …).
    pub kind: String,
    pub party: String,
    pub goods: String,
    pub status: String,
    pub note: String,
    pub id: String,
}

/// The real bill layouts, each written the way its export writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// WeChat Pay CSV, UTF-8, the 16-line preamble, quoted fields with TAB-suffixed ids.
    WechatCsv,
    /// WeChat Pay XLSX (2025): shared strings, amounts as `¥28.16` text.
    WechatXlsx,
    /// WeChat Pay XLSX (2026): four note lines (header one row lower), numeric amounts with
    /// a `\¥#,##0.00` format and times as Excel date serials.
    WechatXlsxNumeric,
    /// Alipay's current app export: GBK, 24-line preamble, padded cells, trailing comma.
    AlipayCsv,
    /// Alipay's 2021–22 app export: GBK, 收/支 first, 其他 for neutral, a footer.
    AlipayAppCsv,
    /// Alipay's pre-2021 web export: GBK, 交易号 first, 服务费 and 成功退款 columns.
    AlipayWebCsv,
    /// The current Alipay layout saved as XLSX.
    AlipayXlsx,
}

impl Layout {
    pub const ALL: [Layout; 7] = [
        Layout::WechatCsv,
        Layout::WechatXlsx,
        Layout::WechatXlsxNumeric,
        Layout::AlipayCsv,
        Layout::AlipayAppCsv,
        Layout::AlipayWebCsv,
        Layout::AlipayXlsx,
    ];

    /// The `format` the import reports.
    pub fn format(self) -> &'static str {
        match self {
            Layout::WechatCsv => "wechat-csv",
            Layout::WechatXlsx | Layout::WechatXlsxNumeric => "wechat-xlsx",
            Layout::AlipayCsv => "alipay-csv",
            Layout::AlipayAppCsv => "alipay-app-csv",
            Layout::AlipayWebCsv => "alipay-web-csv",
            Layout::AlipayXlsx => "alipay-xlsx",
        }
    }

    pub fn header_line(self) -> u64 {
        match self {
            Layout::WechatCsv | Layout::WechatXlsx => 17,
            Layout::WechatXlsxNumeric => 18,
            Layout::AlipayCsv | Layout::AlipayXlsx => 25,
            Layout::AlipayAppCsv => 2,
            Layout::AlipayWebCsv => 5,
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Layout::WechatCsv => "wechat.csv",
            Layout::WechatXlsx => "wechat-2025.xlsx",
            Layout::WechatXlsxNumeric => "wechat-2026.xlsx",
            Layout::AlipayCsv => "alipay-2023.csv",
            Layout::AlipayAppCsv => "alipay-2021-app.csv",
            Layout::AlipayWebCsv => "alipay-2019-web.csv",
            Layout::AlipayXlsx => "alipay.xlsx",
        }
    }

    pub fn is_wechat(self) -> bool {
        matches!(
            self,
            Layout::WechatCsv | Layout::WechatXlsx | Layout::WechatXlsxNumeric
        )
    }

    fn dir_text(self, dir: Dir) -> &'static str {
        match (dir, self) {
            (Dir::Income, _) => "收入",
            (Dir::Expense, _) => "支出",
            (Dir::Neutral, l) if l.is_wechat() => "/",
            (Dir::Neutral, Layout::AlipayAppCsv) => "其他",
            (Dir::Neutral, Layout::AlipayWebCsv) => "",
            (Dir::Neutral, _) => "不计收支",
        }
    }
}

fn t(at: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S").unwrap()
}

#[allow(clippy::too_many_arguments)]
fn row(
    at: &str,
    dir: Dir,
    fen: i64,
    kind: &str,
    party: &str,
    goods: &str,
    status: &str,
    note: &str,
    id: &str,
) -> Row {
    Row {
        at: t(at),
        dir,
        fen,
        kind: kind.into(),
        party: party.into(),
        goods: goods.into(),
        status: status.into(),
        note: note.into(),
        id: id.into(),
    }
}

/// A small bill with the kinds of rows that matter: purchases, a red packet, withdrawals with
/// a fee (arrived, returned), a refund of an earlier purchase, a neutral transfer.
pub fn sample_rows() -> Vec<Row> {
    use Dir::*;
    vec![
        row(
            "2025-03-01 12:45:27",
            Expense,
            2816,
            "商户消费",
            "云膳过桥米线",
            "总共消费:28.16",
            "支付成功",
            "/",
            "4200000001",
        ),
        row(
            "2025-03-02 10:10:11",
            Income,
            35,
            "微信红包",
            "同性好友",
            "/",
            "已存入零钱",
            "/",
            "1000000002",
        ),
        row(
            "2025-03-03 09:00:00",
            Neutral,
            10000,
            "零钱提现",
            "招商银行(1234)",
            "/",
            "提现已到账",
            "服务费¥0.10",
            "1000000003",
        ),
        row(
            "2025-03-04 18:03:35",
            Expense,
            1200,
            "扫二维码付款",
            "某餐厅",
            "收款方备注:二维码收款",
            "已转账",
            "/",
            "4200000004",
        ),
        row(
            "2025-03-05 08:30:00",
            Income,
            1200,
            "商户消费-退款",
            "某餐厅",
            "退款-二维码收款",
            "已退款",
            "/",
            "4200000004_r",
        ),
        row(
            "2025-03-06 23:59:59",
            Neutral,
            50000,
            "零钱提现",
            "建设银行(5678)",
            "/",
            "提现失败，已退回零钱",
            "服务费¥0.50",
            "1000000006",
        ),
        row(
            "2025-03-07 07:07:07",
            Neutral,
            99,
            "转入零钱通",
            "/",
            "/",
            "支付成功",
            "/",
            "1000000007",
        ),
    ]
}

/// The sums the import reports, by the direction the file states: `[expense, income, neutral]`.
pub fn totals(rows: &[Row]) -> [i64; 3] {
    let mut t = [0; 3];
    for r in rows {
        t[match r.dir {
            Dir::Expense => 0,
            Dir::Income => 1,
            Dir::Neutral => 2,
        }] += r.fen;
    }
    t
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn time_text(at: &NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The bill's bytes in `layout`.
pub fn render(layout: Layout, rows: &[Row]) -> Vec<u8> {
    match layout {
        Layout::WechatCsv => wechat_csv(rows).into_bytes(),
        Layout::WechatXlsx => xlsx(&wechat_grid(rows, false), true),
        Layout::WechatXlsxNumeric => xlsx(&wechat_grid(rows, true), false),
        Layout::AlipayCsv => gbk(&alipay_csv(rows)),
        Layout::AlipayAppCsv => gbk(&alipay_app_csv(rows)),
        Layout::AlipayWebCsv => gbk(&alipay_web_csv(rows)),
        Layout::AlipayXlsx => xlsx(&alipay_grid(rows), true),
    }
}

/// GBK bytes of `text` (whose `¥` GBK lacks is written as the full-width `￥`, as Alipay does).
pub fn gbk(text: &str) -> Vec<u8> {
    let text = text.replace('¥', "￥");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable, "not GBK: {text}");
    bytes.into_owned()
}

const WECHAT_HEADER: [&str; 11] = [
    "交易时间",
    "交易类型",
    "交易对方",
    "商品",
    "收/支",
    "金额(元)",
    "支付方式",
    "当前状态",
    "交易单号",
    "商户单号",
    "备注",
];

fn wechat_preamble(rows: usize, notes: usize) -> Vec<String> {
    let mut p = vec![
        "微信支付账单明细".to_string(),
        "微信昵称：[测试]".into(),
        "起始时间：[2025-03-01 00:00:00] 终止时间：[2025-03-31 23:59:59]".into(),
        "导出类型：[全部]".into(),
        "导出时间：[2025-04-01 09:00:00]".into(),
        String::new(),
        format!("共{rows}笔记录"),
        "收入：1笔 0.35元".into(),
        "支出：1笔 28.16元".into(),
        "中性交易：0笔 0.00元".into(),
        "注：".into(),
    ];
    for (i, n) in [
        "充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易",
        "本明细仅展示当前账单中的交易，不包括已删除的记录",
        "本明细仅供个人对账使用",
        "如有疑问请联系客服",
    ]
    .iter()
    .take(notes)
    .enumerate()
    {
        p.push(format!("{}. {n}", i + 1));
    }
    p.push(String::new());
    p.push("----------------------微信支付账单明细列表--------------------".into());
    p
}

fn wechat_csv(rows: &[Row]) -> String {
    let mut s = String::new();
    for line in wechat_preamble(rows.len(), 3) {
        let _ = writeln!(s, "{line},,,,,,,,,,");
    }
    s.push_str(&WECHAT_HEADER.join(","));
    s.push('\n');
    for (i, r) in rows.iter().enumerate() {
        let dir = Layout::WechatCsv.dir_text(r.dir);
        let amount = yuan(r.fen);
        // Alternate the two ways the export writes a row: quoted with TAB-suffixed ids, and bare.
        if i % 2 == 0 {
            let _ = writeln!(
                s,
                "{},\"{}\",\"{}\",\"{}\",\"{dir}\",¥{amount},\"零钱\",\"{}\",\"{}\"\t,\"M{}\"\t,\"{}\"",
                time_text(&r.at), r.kind, r.party, r.goods, r.status, r.id, r.id, r.note
            );
        } else {
            let _ = writeln!(
                s,
                "{},{},{},{},{dir},¥{amount},零钱,{},{}\t,M{}\t,{}",
                time_text(&r.at),
                r.kind,
                r.party,
                r.goods,
                r.status,
                r.id,
                r.id,
                r.note
            );
        }
    }
    s
}

/// A spreadsheet cell for [`xlsx`].
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    /// A number with the `\¥#,##0.00` format (style 1).
    Money(f64),
    /// An Excel date serial with a date-time format (style 2).
    Date(f64),
}

fn text_row(cells: &[&str]) -> Vec<Cell> {
    cells.iter().map(|c| Cell::Text(c.to_string())).collect()
}

/// Excel's serial (days since 1899-12-30, time as the fraction).
pub fn excel_serial(at: &NaiveDateTime) -> f64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    (*at - base).num_seconds() as f64 / 86_400.0
}

fn wechat_grid(rows: &[Row], numeric: bool) -> Vec<Vec<Cell>> {
    let mut grid: Vec<Vec<Cell>> = wechat_preamble(rows.len(), if numeric { 4 } else { 3 })
        .into_iter()
        .map(|l| vec![Cell::Text(l)])
        .collect();
    grid.push(text_row(&WECHAT_HEADER));
    for r in rows {
        let dir = Layout::WechatXlsx.dir_text(r.dir);
        let (at, amount) = if numeric {
            (
                Cell::Date(excel_serial(&r.at)),
                Cell::Money(r.fen as f64 / 100.0),
            )
        } else {
            (
                Cell::Text(time_text(&r.at)),
                Cell::Text(format!("¥{}", yuan(r.fen))),
            )
        };
        let mut cells = vec![at];
        cells.extend(text_row(&[&r.kind, &r.party, &r.goods, dir]));
        cells.push(amount);
        cells.extend(text_row(&[
            "零钱",
            &r.status,
            &r.id,
            &format!("M{}", r.id),
            &r.note,
        ]));
        grid.push(cells);
    }
    grid
}

const ALIPAY_HEADER: [&str; 12] = [
    "交易时间",
    "交易分类",
    "交易对方",
    "对方账号",
    "商品说明",
    "收/支",
    "金额",
    "收/付款方式",
    "交易状态",
    "交易订单号",
    "商家订单号",
    "备注",
];

fn alipay_preamble(rows: usize) -> Vec<String> {
    let mut p = vec![
        "------------------------------------------------------------------------------------"
            .to_string(),
        "导出信息：".into(),
        "姓名：测试".into(),
        "支付宝账户：test@example.com".into(),
        "起始时间：[2025-03-01 00:00:00]    终止时间：[2025-03-31 23:59:59]".into(),
        "导出交易类型：[全部]".into(),
        "导出时间：[2025-04-01 09:00:00]".into(),
        format!("共{rows}笔记录"),
        "收入：1笔 0.35元".into(),
        "支出：1笔 28.16元".into(),
        "不计收支：0笔 0.00元".into(),
        String::new(),
        "特别提示：".into(),
    ];
    for i in 1..=9 {
        p.push(format!("{i}.本明细仅供个人对账使用；"));
    }
    p.push(String::new());
    p.push("------------------------支付宝（中国）网络技术有限公司  电子客户回单------------------------".into());
    p
}

fn alipay_cells(r: &Row, layout: Layout) -> Vec<String> {
    vec![
        time_text(&r.at),
        r.kind.clone(),
        r.party.clone(),
        "/".into(),
        r.goods.clone(),
        layout.dir_text(r.dir).into(),
        yuan(r.fen),
        "余额宝".into(),
        r.status.clone(),
        r.id.clone(),
        format!("M{}", r.id),
        r.note.clone(),
    ]
}

/// `交易时间            ,`: the padding the Alipay exports put after every cell.
fn padded(cells: &[String]) -> String {
    let mut s = String::new();
    for c in cells {
        let _ = write!(s, "{c:<20},");
    }
    s
}

fn alipay_csv(rows: &[Row]) -> String {
    let mut s = String::new();
    for line in alipay_preamble(rows.len()) {
        let _ = writeln!(s, "{line}");
    }
    let header: Vec<String> = ALIPAY_HEADER.iter().map(|h| h.to_string()).collect();
    let _ = writeln!(s, "{}", padded(&header));
    for r in rows {
        let mut cells = alipay_cells(r, Layout::AlipayCsv);
        cells[9].push('\t');
        cells[10].push('\t');
        let _ = writeln!(s, "{}", padded(&cells));
    }
    s
}

fn alipay_grid(rows: &[Row]) -> Vec<Vec<Cell>> {
    let mut grid: Vec<Vec<Cell>> = alipay_preamble(rows.len())
        .into_iter()
        .map(|l| vec![Cell::Text(l)])
        .collect();
    grid.push(text_row(&ALIPAY_HEADER));
    for r in rows {
        grid.push(
            alipay_cells(r, Layout::AlipayXlsx)
                .into_iter()
                .map(Cell::Text)
                .collect(),
        );
    }
    grid
}

fn alipay_app_csv(rows: &[Row]) -> String {
    let mut s = String::from(
        "------------------------支付宝（中国）网络技术有限公司  电子客户回单------------------------\n",
    );
    let header: Vec<String> = [
        "收/支",
        "交易对方",
        "对方账号",
        "商品说明",
        "收/付款方式",
        "金额",
        "交易状态",
        "交易分类",
        "交易订单号",
        "商家订单号",
        "交易时间",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    let _ = writeln!(s, "{}", padded(&header));
    for r in rows {
        let cells = vec![
            Layout::AlipayAppCsv.dir_text(r.dir).to_string(),
            r.party.clone(),
            String::new(),
            r.goods.clone(),
            "招商银行(9876)".into(),
            yuan(r.fen),
            r.status.clone(),
            r.kind.clone(),
            format!("{}\t", r.id),
            format!("M{}\t", r.id),
            time_text(&r.at),
        ];
        let _ = writeln!(s, "{}", padded(&cells));
    }
    s.push_str(
        "------------------------------------------------------------------------------------\n",
    );
    let _ = writeln!(
        s,
        "导出信息：\n姓名：测试\n共{}笔记录\n收入：0笔,0.00元",
        rows.len()
    );
    s
}

fn alipay_web_csv(rows: &[Row]) -> String {
    let mut s = String::from(
        "支付宝交易记录明细查询\n账号:[test@example.com]\n起始日期:[2025-03-01 00:00:00]    终止日期:[2025-04-01 00:00:00]\n---------------------------------交易记录明细列表------------------------------------\n",
    );
    let header: Vec<String> = [
        "交易号",
        "商家订单号",
        "交易创建时间",
        "付款时间",
        "最近修改时间",
        "交易来源地",
        "类型",
        "交易对方",
        "商品名称",
        "金额（元）",
        "收/支",
        "交易状态",
        "服务费（元）",
        "成功退款（元）",
        "备注",
        "资金状态",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    let _ = writeln!(s, "{}", padded(&header));
    for r in rows {
        let at = time_text(&r.at);
        let cells = vec![
            format!("{}\t", r.id),
            format!("S{}\t", r.id),
            at.clone(),
            at.clone(),
            at,
            "支付宝网站".into(),
            r.kind.clone(),
            r.party.clone(),
            r.goods.clone(),
            yuan(r.fen),
            Layout::AlipayWebCsv.dir_text(r.dir).into(),
            r.status.clone(),
            "0.00".into(),
            "0.00".into(),
            r.note.clone(),
            "已支出".into(),
        ];
        let _ = writeln!(s, "{}", padded(&cells));
    }
    s.push_str(
        "------------------------------------------------------------------------------------\n",
    );
    let _ = writeln!(
        s,
        "共{}笔记录\n已收入:0笔,0.00元\n导出时间:[2025-04-01 09:00:00]    用户:测试",
        rows.len()
    );
    s
}

fn col(mut i: usize) -> String {
    let mut s = String::new();
    i += 1;
    while i > 0 {
        let r = (i - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        i = (i - 1) / 26;
    }
    s
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A minimal Office Open XML workbook with one sheet `Sheet1` holding `grid` (text in shared
/// strings when `shared`, else inline strings).
pub fn xlsx(grid: &[Vec<Cell>], shared: bool) -> Vec<u8> {
    let mut strings: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut rows_xml = String::new();
    for (r, cells) in grid.iter().enumerate() {
        let _ = write!(rows_xml, "<row r=\"{}\">", r + 1);
        for (c, cell) in cells.iter().enumerate() {
            let at = format!("{}{}", col(c), r + 1);
            match cell {
                Cell::Text(t) if t.is_empty() => {}
                Cell::Text(t) if shared => {
                    let n = *index.entry(t.clone()).or_insert_with(|| {
                        strings.push(t.clone());
                        strings.len() - 1
                    });
                    let _ = write!(rows_xml, "<c r=\"{at}\" t=\"s\"><v>{n}</v></c>");
                }
                Cell::Text(t) => {
                    let _ = write!(
                        rows_xml,
                        "<c r=\"{at}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                        xml_escape(t)
                    );
                }
                Cell::Money(v) => {
                    let _ = write!(rows_xml, "<c r=\"{at}\" s=\"1\"><v>{v}</v></c>");
                }
                Cell::Date(v) => {
                    let _ = write!(rows_xml, "<c r=\"{at}\" s=\"2\"><v>{v}</v></c>");
                }
            }
        }
        rows_xml.push_str("</row>");
    }
    let sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><dimension ref=\"A1:{}{}\"/><sheetData>{rows_xml}</sheetData></worksheet>",
        col(grid.iter().map(Vec::len).max().unwrap_or(1).saturating_sub(1)),
        grid.len().max(1)
    );
    let items: String = strings
        .iter()
        .map(|s| format!("<si><t>{}</t></si>", xml_escape(s)))
        .collect();
    let sst = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{n}\" uniqueCount=\"{n}\">{items}</sst>",
        n = strings.len()
    );
    let styles = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"\\¥#,##0.00\"/></numFmts><fonts count=\"1\"><font><sz val=\"11\"/></font></fonts><fills count=\"1\"><fill><patternFill patternType=\"none\"/></fill></fills><borders count=\"1\"><border/></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\"/></cellStyleXfs><cellXfs count=\"3\"><xf numFmtId=\"0\" xfId=\"0\"/><xf numFmtId=\"164\" xfId=\"0\" applyNumberFormat=\"1\"/><xf numFmtId=\"22\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs></styleSheet>";
    let parts: [(&str, String); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES.into()),
        ("_rels/.rels", RELS.into()),
        ("xl/workbook.xml", WORKBOOK.into()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.into()),
        ("xl/styles.xml", styles.into()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", sst),
    ];
    let entries: Vec<(&str, &[u8])> = parts.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
    zip(&entries, None)
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/><Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/></Types>";
const RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
const WORKBOOK: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
const WORKBOOK_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>";

/// How a ZIP entry is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    ZipCrypto,
    Aes256,
}

/// The password the generated password ZIPs use (what WeChat Pay's are: six digits).
pub const PASSWORD: &str = "123456";

/// A deflated ZIP of `entries`, optionally password-protected. Deterministic without a
/// password; ZipCrypto and AES take random salts, so those bytes differ from run to run.
pub fn zip(entries: &[(&str, &[u8])], lock: Option<Lock>) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        // A fixed time (1980-01-01), so an unlocked ZIP's bytes are the same on every run.
        let base = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        let options = match lock {
            Some(Lock::Aes256) => base.with_aes_encryption(zip::AesMode::Aes256, PASSWORD),
            Some(Lock::ZipCrypto) => {
                use zip::unstable::write::FileOptionsExt;
                FileOptionsExt::with_deprecated_encryption(base, PASSWORD.as_bytes()).unwrap()
            }
            None => base,
        };
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Every real layout of [`sample_rows`], and the ways they arrive: a plain ZIP, ZipCrypto and
/// AES ZIPs, a UTF-8 BOM, UTF-16LE with BOM, CRLF lines. `(name, bytes)`.
pub fn bill_files() -> Vec<(String, Vec<u8>)> {
    let rows = sample_rows();
    let mut out: Vec<(String, Vec<u8>)> = Layout::ALL
        .iter()
        .map(|l| (l.file_name().to_string(), render(*l, &rows)))
        .collect();
    let csv = render(Layout::WechatCsv, &rows);
    let xlsx = render(Layout::WechatXlsx, &rows);
    out.push((
        "wechat.zip".into(),
        zip(&[("微信支付账单(20250301-20250331).csv", &csv)], None),
    ));
    out.push((
        "wechat-zipcrypto.zip".into(),
        zip(&[("微信支付账单.xlsx", &xlsx)], Some(Lock::ZipCrypto)),
    ));
    out.push((
        "wechat-aes.zip".into(),
        zip(&[("微信支付账单.csv", &csv)], Some(Lock::Aes256)),
    ));
    out.push((
        "wechat-bom.csv".into(),
        [&[0xEF, 0xBB, 0xBF][..], &csv].concat(),
    ));
    let text = String::from_utf8(csv.clone()).unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    out.push(("wechat-utf16.csv".into(), utf16));
    out.push((
        "wechat-crlf.csv".into(),
        text.replace('\n', "\r\n").into_bytes(),
    ));
    out
}

/// Cuts, flips and splices of `seed`, picked by `choice` (for mutations without a fuzzer).
pub fn mutate(seed: &[u8], choice: u64, at: usize, byte: u8, len: usize) -> Vec<u8> {
    let mut out = seed.to_vec();
    if out.is_empty() {
        return vec![byte];
    }
    let at = at % out.len();
    match choice % 6 {
        0 => out.truncate(at),
        1 => out[at] ^= byte.max(1),
        2 => out[at] = byte,
        3 => {
            let end = (at + len).min(out.len());
            out.drain(at..end);
        }
        4 => {
            let end = (at + len).min(out.len());
            let copy = out[at..end].to_vec();
            out.splice(at..at, copy);
        }
        _ => out
            .splice(at..at, std::iter::repeat_n(byte, len % 64))
            .for_each(drop),
    }
    out
}

// ---- images ----

fn encode(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x * 7) as u8, (y * 5) as u8, 128]));
    encode(img.into(), image::ImageFormat::Png)
}

pub fn png_rgba(w: u32, h: u32) -> Vec<u8> {
    let img = RgbaImage::from_fn(w, h, |x, y| {
        Rgba([(x * 3) as u8, 200, (y * 9) as u8, (x + y) as u8])
    });
    encode(img.into(), image::ImageFormat::Png)
}

pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x * 11) as u8, 90, (y * 13) as u8]));
    encode(img.into(), image::ImageFormat::Jpeg)
}

pub fn gif(w: u32, h: u32) -> Vec<u8> {
    let img = RgbaImage::from_fn(w, h, |x, y| Rgba([(x * 30) as u8, (y * 30) as u8, 0, 255]));
    encode(img.into(), image::ImageFormat::Gif)
}

pub fn webp(w: u32, h: u32) -> Vec<u8> {
    let img = RgbaImage::from_fn(w, h, |x, y| Rgba([(x * 17) as u8, (y * 19) as u8, 77, 255]));
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

pub fn bmp(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x * 23) as u8, (y * 29) as u8, 5]));
    encode(img.into(), image::ImageFormat::Bmp)
}

pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG whose header claims `w`×`h` (with a valid CRC) and holds no pixels.
pub fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    out
}

/// A JPEG with an EXIF block holding DateTimeOriginal `when` (`2026:03:10 14:05:33`) and an
/// orientation of `orientation` (1–8).
pub fn jpeg_with_exif(when: &str, orientation: u16) -> Vec<u8> {
    let jpeg = jpeg(8, 6);
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    // IFD0: Orientation, ExifIFD pointer.
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&[0x87, 0x69, 0x00, 0x04, 0, 0, 0, 1]);
    tiff.extend_from_slice(&38u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    // Exif IFD at 38: DateTimeOriginal, the string right after it (at 56).
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x90, 0x03, 0x00, 0x02, 0, 0, 0, 20]);
    tiff.extend_from_slice(&56u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let mut date = when.as_bytes().to_vec();
    date.resize(19, b' ');
    tiff.extend_from_slice(&date);
    tiff.push(0);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// One small image of every kind evidence decodes, plus a header bomb. `(name, bytes)`.
pub fn image_files() -> Vec<(String, Vec<u8>)> {
    vec![
        ("rgb.png".into(), png(13, 7)),
        ("rgba.png".into(), png_rgba(6, 9)),
        ("photo.jpg".into(), jpeg(16, 12)),
        ("exif.jpg".into(), jpeg_with_exif("2026:03:10 14:05:33", 6)),
        ("anim.gif".into(), gif(5, 4)),
        ("page.webp".into(), webp(7, 5)),
        ("scan.bmp".into(), bmp(9, 3)),
        ("bomb.png".into(), png_claiming(100_000, 100_000)),
    ]
}

// ---- diagnosis cases ----

/// A case using every field of the contract.
pub const FULL_CASE: &str = r#"{
  "platform": "wechat",
  "action": "withdraw",
  "from": "零钱",
  "to": "招商银行储蓄卡",
  "amount": "1234.50",
  "at": "2026-03-05T23:40:00+08:00",
  "status": "failed",
  "message": "您的账户存在异常，暂时无法提现，请联系客服 95017",
  "hours_since_request": 26.5,
  "account": {
    "real_name_verified": true,
    "payment_account_class": "II",
    "id_expires_on": "2030-01-01",
    "card_holder_is_self": true,
    "card_bank": "招商银行",
    "card_class": "I",
    "withdrawn_today": "0.00",
    "withdrawn_this_year": "15000.00",
    "withdrawn_lifetime": "30000.00",
    "balance": "2000.00",
    "pending_verification": false,
    "terms_update_pending": false,
    "violation_notice": false,
    "deposit_short": false
  },
  "context": {
    "device_age_hours": 2,
    "login_distance_km": 1200.5,
    "attempts_last_10_min": 4,
    "usual_amount": "200",
    "maintenance_notice": false,
    "bank_maintenance_notice": false,
    "network_ok": true,
    "orders_unsettled": false,
    "platform_signals": ["delayed_payouts", "raised_threshold"]
  }
}"#;

/// Short cases of each kind, for seeds.
pub fn case_files() -> Vec<(String, String)> {
    vec![
        ("full.json".into(), FULL_CASE.into()),
        ("minimal.json".into(), r#"{"platform":"alipay","action":"transfer"}"#.into()),
        (
            "message.json".into(),
            r#"{"platform":"wechat","action":"withdraw","status":"failed","message":"付款方余额不足"}"#.into(),
        ),
        (
            "processing.json".into(),
            r#"{"platform":"bank","action":"pay","status":"processing","hours_since_request":72,"context":{"network_ok":false}}"#.into(),
        ),
    ]
}

/// `周一` … `周日`, as the notices annotate a date.
pub fn weekday_zh(d: NaiveDate) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        [d.weekday().num_days_from_monday() as usize]
}
