//! The bundle's pages, in order: cover, summary, timeline, customer-service log, one page per
//! piece of evidence, manifest, and what a hash proves. Every text in both languages.

use super::catalog::{self, CatalogItem};
use super::images::{placement, ImageStorage};
use super::layout::{
    Column, Row, Writer, BLACK, BOTTOM, CONTENT_W, GREY, MARGIN, OVERDUE_BG, RED, YELLOW,
};
use super::parts::{evidence_of, page_cell, Location, Part, PartKind};
use super::text::Face;
use super::{t, BundleInput, ManifestEntry};
use crate::lang::Lang;
use printpdf::{FontId, PdfPage};

/// A prepared image as the page layout sees it.
pub(crate) struct Placed {
    pub id: printpdf::XObjectId,
    pub display: (u32, u32),
    pub orientation: u8,
}

pub(crate) struct Context<'a> {
    pub input: &'a BundleInput,
    pub face: &'a Face,
    pub font: FontId,
    /// Every file of the export (indexed like `input.evidence`).
    pub entries: &'a [ManifestEntry],
    /// The image of each piece of evidence, where it is one.
    pub placed: &'a [Option<Placed>],
    pub fingerprint: &'a str,
    /// Name of the folder beside the PDF (`FILE.files`).
    pub files_dir: &'a str,
    /// Every PDF of the export, and which one this is.
    pub parts: &'a [Part],
    pub here: usize,
    /// Where each row of `input.catalog` is, from the previous layout pass (`None` on the first).
    pub locations: &'a [Location],
}

impl Context<'_> {
    fn part(&self) -> &Part {
        &self.parts[self.here]
    }

    /// The files this PDF lists (and shows): its rows' evidence; all of them for the index.
    pub fn files(&self) -> Vec<usize> {
        self.part().files(&self.input.catalog, self.entries.len())
    }

    /// This PDF's file name.
    fn pdf_name(&self) -> String {
        self.part()
            .path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// What [`render`] laid out.
pub(crate) struct Rendered {
    pub pages: Vec<PdfPage>,
    /// Bookmarks: title and 1-based page.
    pub marks: Vec<(String, usize)>,
    /// Each 目录 row laid out here: its index and first and last page.
    pub item_pages: Vec<(usize, (usize, usize))>,
}

const BODY: f32 = 10.5;
const SMALL: f32 = 8.5;

/// Lays out every page of one PDF. The 目录's page numbers come from `ctx.locations` (the
/// previous pass over every part; see `pdf::locate`).
pub(crate) fn render(ctx: &Context) -> Rendered {
    lay_out(ctx, true)
}

/// Where the rows of a one-item PDF are, laying out only them: they come before its 目录, so
/// the 目录's page numbers cannot move them. `None` for other parts.
pub(crate) fn item_pages_first(ctx: &Context) -> Option<Vec<(usize, (usize, usize))>> {
    (ctx.part().kind == PartKind::Item).then(|| lay_out(ctx, false).item_pages)
}

/// [`render`], or with `whole` false only up to the rows of a one-item PDF (no pages kept).
fn lay_out(ctx: &Context, whole: bool) -> Rendered {
    let lang = ctx.input.lang;
    let part = ctx.part();
    let mut w = Writer::new(ctx.face, ctx.font.clone());
    w.straight_quotes = lang == Lang::En;
    let mut marks = Vec::new();
    // A section starts a page, except the first item of a one-item PDF: its cover line is on
    // that page already.
    let section = |w: &mut Writer, title: &str, marks: &mut Vec<(String, usize)>, fresh: bool| {
        if fresh {
            w.new_page();
        }
        marks.push((title.to_string(), w.page_count()));
        w.heading(title, 16.0);
    };
    let numbers = catalog::numbers(&ctx.input.catalog);

    w.new_page();
    if part.kind == PartKind::Item {
        marks.push((t(lang, "封面", "Cover").to_string(), 1));
        item_cover_line(&mut w, ctx, &numbers);
    } else {
        marks.push((t(lang, "封面", "Cover").to_string(), 1));
        cover(&mut w, ctx, &numbers);
        if part.has_summary() {
            section(&mut w, t(lang, "案情摘要", "Summary"), &mut marks, true);
            summary(&mut w, ctx);
            signature(&mut w, ctx);
        }
        section(
            &mut w,
            t(lang, "证据目录", "List of evidence"),
            &mut marks,
            true,
        );
        catalog_table(&mut w, ctx, &numbers);
        signature(&mut w, ctx);
    }
    let mut item_pages = Vec::with_capacity(part.rows.len());
    for (k, &r) in part.rows.iter().enumerate() {
        let row = &ctx.input.catalog[r];
        let number = &numbers[r];
        let fresh = !(part.kind == PartKind::Item && k == 0);
        match row.item {
            CatalogItem::Timeline => {
                section(&mut w, t(lang, "时间线", "Timeline"), &mut marks, fresh);
                let first = w.page_count();
                item_line(&mut w, lang, number, &row.purpose);
                timeline(&mut w, ctx);
                item_pages.push((r, (first, w.page_count())));
            }
            CatalogItem::Contacts => {
                section(
                    &mut w,
                    t(lang, "客服沟通记录", "Customer-service log"),
                    &mut marks,
                    fresh,
                );
                let first = w.page_count();
                item_line(&mut w, lang, number, &row.purpose);
                contacts(&mut w, ctx);
                item_pages.push((r, (first, w.page_count())));
            }
            CatalogItem::Evidence { index } => {
                let i = index as usize;
                if fresh {
                    w.new_page();
                }
                let first = w.page_count();
                let label = match lang {
                    Lang::Zh => format!("证据 {number}（第 {} / {} 件）", i + 1, ctx.entries.len()),
                    Lang::En => format!(
                        "Evidence {number} (item {} of {})",
                        i + 1,
                        ctx.entries.len()
                    ),
                };
                marks.push((format!("{label}: {}", row.name), first));
                evidence(&mut w, ctx, i, &label);
                item_pages.push((r, (first, w.page_count())));
            }
        }
    }
    if !whole {
        return Rendered {
            pages: Vec::new(),
            marks,
            item_pages,
        };
    }
    if part.kind == PartKind::Item {
        section(
            &mut w,
            t(lang, "证据目录", "List of evidence"),
            &mut marks,
            true,
        );
        catalog_table(&mut w, ctx, &numbers);
        signature(&mut w, ctx);
    }
    section(&mut w, t(lang, "文件清单", "Manifest"), &mut marks, true);
    manifest(&mut w, ctx);
    section(
        &mut w,
        t(lang, "哈希值能证明什么", "What a hash proves"),
        &mut marks,
        true,
    );
    note(&mut w, ctx);

    let short = &ctx.fingerprint[..16.min(ctx.fingerprint.len())];
    let case_id = ctx.input.case_id;
    let which = part.footer_label(lang, &numbers);
    let pages = w.finish(|page, total| match lang {
        Lang::Zh => format!("提现助手证据材料 · 案件 #{case_id}{which} · 指纹 {short} · 第 {page} / {total} 页"),
        Lang::En => format!("Tixian evidence bundle · case #{case_id}{which} · fingerprint {short} · page {page} of {total}"),
    });
    Rendered {
        pages,
        marks,
        item_pages,
    }
}

/// The top of a one-item PDF: which case, which item, and the original's hash.
fn item_cover_line(w: &mut Writer, ctx: &Context, numbers: &[String]) {
    let lang = ctx.input.lang;
    let part = ctx.part();
    let Some(&r) = part.rows.first() else { return };
    let row = &ctx.input.catalog[r];
    let total = ctx.input.catalog.len();
    let hash = match evidence_of(row.item) {
        Some(i) => match lang {
            Lang::Zh => format!("原始文件 SHA-256：{}", ctx.entries[i].sha256),
            Lang::En => format!("Original file SHA-256: {}", ctx.entries[i].sha256),
        },
        None => t(
            lang,
            "本人整理的记录，无原始文件",
            "a record I kept; there is no original file",
        )
        .to_string(),
    };
    let text = match lang {
        Lang::Zh => format!(
            "案件 #{}「{}」· 证据 {}（共 {total} 项）· {hash}",
            ctx.input.case_id, ctx.input.title, numbers[r]
        ),
        Lang::En => format!(
            "Case #{} “{}” · evidence {} (of {total}) · {hash}",
            ctx.input.case_id, ctx.input.title, numbers[r]
        ),
    };
    w.paragraph(&text, MARGIN, CONTENT_W, SMALL, GREY, None);
    w.space(8.0);
}

/// "5" or "5–7".
pub(crate) fn page_range(pages: (usize, usize)) -> String {
    if pages.0 == pages.1 {
        pages.0.to_string()
    } else {
        format!("{}–{}", pages.0, pages.1)
    }
}

/// The line under a section heading naming its 目录 number and purpose.
fn item_line(w: &mut Writer, lang: Lang, number: &str, purpose: &str) {
    let text = match lang {
        Lang::Zh => format!("证据 {number} · 证明目的：{purpose}"),
        Lang::En => format!("Evidence {number} · what it proves: {purpose}"),
    };
    w.paragraph(&text, MARGIN, CONTENT_W, SMALL, GREY, None);
    w.space(6.0);
}

/// The 证据目录: 序号 | 证据名称 | 证据来源 | 证明目的 | 页码.
fn catalog_table(w: &mut Writer, ctx: &Context, numbers: &[String]) {
    let lang = ctx.input.lang;
    let kind = ctx.part().kind;
    let intro = match (kind, lang) {
        (PartKind::Whole, Lang::Zh) => "按证明目的分组编号（1-1、1-2 …）；页码为本 PDF 中的页码。每件证据的原始文件及其 SHA-256 见随附文件夹和文件清单。".to_string(),
        (PartKind::Whole, Lang::En) => "Numbered in groups by what each item proves (1-1, 1-2 …); page numbers are pages of this PDF. Each item's original file and its SHA-256 are in the files folder and the manifest.".to_string(),
        (PartKind::Volume { of, .. }, Lang::Zh) => format!("按证明目的分组编号（1-1、1-2 …）。本材料共 {of} 册，每册各自编页；页码写作“第几册 页码”，本册的只写页码。每件证据的原始文件及其 SHA-256 见随附文件夹和各册的文件清单。"),
        (PartKind::Volume { of, .. }, Lang::En) => format!("Numbered in groups by what each item proves (1-1, 1-2 …). The bundle has {of} volumes, each paged on its own: “vol. N p. P” for other volumes, the page alone for this one. Each item's original file and its SHA-256 are in the files folder and each volume's manifest."),
        (_, Lang::Zh) => format!("按证明目的分组编号（1-1、1-2 …）。每项证据单独成一个 PDF 文件，文件名以其序号结尾（如 {}-1-1.pdf）；本文件中的一项只写页码。每件证据的原始文件及其 SHA-256 见随附文件夹和文件清单。", stem_of(&ctx.parts[0].path)),
        (_, Lang::En) => format!("Numbered in groups by what each item proves (1-1, 1-2 …). Each item is a PDF file of its own, named after its number (e.g. {}-1-1.pdf); the item in this file shows its pages. Each item's original file and its SHA-256 are in the files folder and the manifest.", stem_of(&ctx.parts[0].path)),
    };
    w.paragraph(&intro, MARGIN, CONTENT_W, SMALL, GREY, None);
    w.space(6.0);
    let page_w = if kind == PartKind::Whole { 44.0 } else { 58.0 };
    let no_w = 40.0;
    let name_w = 112.0;
    let source_w = 120.0;
    let columns = [
        Column::new(t(lang, "序号", "No."), no_w),
        Column::new(t(lang, "证据名称", "Evidence"), name_w),
        Column::new(t(lang, "证据来源", "Source"), source_w),
        Column::new(
            t(lang, "证明目的", "What it proves"),
            CONTENT_W - no_w - name_w - source_w - page_w,
        ),
        Column::new(t(lang, "页码", "Pages"), page_w),
    ];
    let rows: Vec<Row> = ctx
        .input
        .catalog
        .iter()
        .zip(numbers)
        .enumerate()
        .map(|(i, (r, n))| {
            let at = ctx.locations.get(i).copied().flatten();
            Row::new(vec![
                n.clone(),
                r.name.clone(),
                r.source.clone(),
                r.purpose.clone(),
                page_cell(lang, ctx.parts, ctx.here, at),
            ])
        })
        .collect();
    w.table(&columns, &rows, SMALL);
    w.space(8.0);
    w.paragraph(
        t(
            lang,
            "说明：哈希值只能证明文件自导出以来未被改动，不能证明其内容真实，也不能证明其形成时间。",
            "Note: a hash proves only that a file has not changed since the export — not that its content is true, nor when it was made.",
        ),
        MARGIN,
        CONTENT_W,
        SMALL,
        GREY,
        None,
    );
}

/// `dir/FILE.pdf` → `FILE`.
fn stem_of(path: &std::path::Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// "2026-06-25T…" → "2026 年 6 月 25 日" / "25 June 2026".
fn long_date(lang: Lang, text: &str) -> String {
    match (chrono::DateTime::parse_from_rfc3339(text), lang) {
        (Ok(d), Lang::Zh) => d.format("%Y 年 %-m 月 %-d 日").to_string(),
        (Ok(d), Lang::En) => d.format("%-d %B %Y").to_string(),
        (Err(_), _) => text.to_string(),
    }
}

/// 申请人（投诉人）, （签名） and the date, at the end of the summary and the 目录.
fn signature(w: &mut Writer, ctx: &Context) {
    let lang = ctx.input.lang;
    w.space(24.0);
    w.ensure(62.0);
    let name = ctx.input.applicant.trim();
    let blank = "________________";
    let name = if name.is_empty() { blank } else { name };
    let x2 = MARGIN + CONTENT_W * 0.55;
    let y = w.y - 12.0;
    w.text_at(
        MARGIN,
        y,
        &format!(
            "{}{name}",
            t(lang, "申请人（投诉人）：", "Applicant (complainant): ")
        ),
        11.0,
        BLACK,
    );
    w.text_at(
        x2,
        y,
        &format!("{}{blank}", t(lang, "（签名）", "(Signature) ")),
        11.0,
        BLACK,
    );
    let y = y - 26.0;
    w.text_at(
        x2,
        y,
        &format!(
            "{}{}",
            t(lang, "日期：", "Date: "),
            long_date(lang, &ctx.input.exported_at)
        ),
        11.0,
        BLACK,
    );
    w.y = y - 12.0;
}

fn caption_or_name(e: &ManifestEntry) -> &str {
    if e.caption.trim().is_empty() {
        &e.original_name
    } else {
        &e.caption
    }
}

/// "2026-06-15T14:30:00+08:00" → "2026-06-15 14:30" (the offset shown only when not +08:00).
pub(crate) fn show_time(text: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(text) {
        Ok(t) if t.offset().local_minus_utc() == 8 * 3600 => t.format("%Y-%m-%d %H:%M").to_string(),
        Ok(t) => t.format("%Y-%m-%d %H:%M %:z").to_string(),
        Err(_) => text.to_string(),
    }
}

/// Thousands separators for byte counts: 1234567 → "1,234,567".
fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A label and a wrapped value on one row.
fn field(w: &mut Writer, label: &str, value: &str, label_w: f32, size: f32) {
    let lh = size * 1.55;
    w.ensure(lh);
    w.text_at(MARGIN, w.y - size * 1.15, label, size, GREY);
    w.paragraph(
        value,
        MARGIN + label_w,
        CONTENT_W - label_w,
        size,
        BLACK,
        None,
    );
}

fn cover(w: &mut Writer, ctx: &Context, numbers: &[String]) {
    let lang = ctx.input.lang;
    let i = ctx.input;
    let files = ctx.files();
    w.text_at(
        MARGIN,
        w.y - 10.0,
        t(lang, "提现助手 · 证据材料", "Tixian · Evidence bundle"),
        10.0,
        GREY,
    );
    w.space(40.0);
    w.paragraph(&i.title, MARGIN, CONTENT_W, 22.0, BLACK, None);
    w.space(18.0);
    let images = files
        .iter()
        .filter(|&&f| ctx.entries[f].embedded.is_some())
        .count();
    let mut rows = vec![
        (t(lang, "案件编号", "Case"), format!("#{}", i.case_id)),
        (t(lang, "平台", "Platform"), i.platform.clone()),
        (t(lang, "涉及金额", "Amount"), i.amount.display()),
        (t(lang, "发生时间", "Occurred"), show_time(&i.occurred_at)),
        (t(lang, "立案时间", "Case opened"), show_time(&i.created_at)),
        (t(lang, "导出时间", "Exported"), show_time(&i.exported_at)),
        (
            t(lang, "证据文件", "Evidence files"),
            match lang {
                Lang::Zh => format!("{} 个（其中图片 {} 个）", files.len(), images),
                Lang::En => format!(
                    "{} ({} image{})",
                    files.len(),
                    images,
                    if images == 1 { "" } else { "s" }
                ),
            },
        ),
        (
            t(lang, "随附文件夹", "Files folder"),
            format!("{}/", ctx.files_dir),
        ),
    ];
    if let Some(this) = this_part_text(ctx, numbers) {
        let label = match ctx.part().kind {
            PartKind::Volume { .. } => t(lang, "本册", "This volume"),
            _ => t(lang, "本文件", "This file"),
        };
        rows.insert(0, (label, this));
    }
    for (label, value) in rows {
        field(w, label, &value, 90.0, 12.0);
        w.space(3.0);
    }
    w.space(24.0);
    let top = w.y;
    let box_h = 92.0;
    w.rect(MARGIN, top - box_h, CONTENT_W, box_h, (0.95, 0.96, 0.98));
    w.text_at(
        MARGIN + 12.0,
        top - 22.0,
        t(lang, "材料指纹（SHA-256）", "Bundle fingerprint (SHA-256)"),
        11.0,
        BLACK,
    );
    w.text_at(MARGIN + 12.0, top - 44.0, ctx.fingerprint, 9.6, BLACK);
    let explain = match lang {
        Lang::Zh => "即随附文件夹中 SHA256SUMS 文件的 SHA-256 值，可用 sha256sum SHA256SUMS 核对；清单中每个文件的哈希值都包含在内。".to_string(),
        Lang::En => "The SHA-256 of the SHA256SUMS file in the files folder (check with: sha256sum SHA256SUMS); it covers the hash of every listed file.".to_string(),
    };
    w.y = top - 54.0;
    w.paragraph(&explain, MARGIN + 12.0, CONTENT_W - 24.0, SMALL, GREY, None);
    w.y = top - box_h - 10.0;
}

/// What a split export's PDF holds, for its cover; `None` for a whole bundle.
fn this_part_text(ctx: &Context, numbers: &[String]) -> Option<String> {
    let lang = ctx.input.lang;
    let part = ctx.part();
    let span = || {
        let first = part.rows.first().map_or("—", |&r| numbers[r].as_str());
        let last = part.rows.last().map_or("—", |&r| numbers[r].as_str());
        if first == last {
            first.to_string()
        } else {
            format!("{first} – {last}")
        }
    };
    match (part.kind, lang) {
        (PartKind::Whole | PartKind::Item, _) => None,
        (PartKind::Index, Lang::Zh) => Some(format!(
            "总目录（封面、案情摘要、证据目录）；{} 项证据各自单独成文件",
            numbers.len()
        )),
        (PartKind::Index, Lang::En) => Some(format!(
            "Index (cover, summary, list of evidence); the {} items are files of their own",
            numbers.len()
        )),
        (PartKind::Volume { number, of }, Lang::Zh) => {
            Some(format!("第 {number} 册，共 {of} 册：证据 {}", span()))
        }
        (PartKind::Volume { number, of }, Lang::En) => {
            Some(format!("Volume {number} of {of}: evidence {}", span()))
        }
    }
}

fn summary(w: &mut Writer, ctx: &Context) {
    let lang = ctx.input.lang;
    let s = &ctx.input.summary;
    for (title, text) in [
        (t(lang, "背景", "Background"), &s.background),
        (t(lang, "问题", "Problem"), &s.problem),
        (t(lang, "诉求", "Demand"), &s.demand),
    ] {
        w.ensure(40.0);
        w.text_at(MARGIN, w.y - 12.5, title, 12.5, BLACK);
        w.space(20.0);
        let shown = if text.trim().is_empty() {
            "—"
        } else {
            text.as_str()
        };
        w.paragraph(shown, MARGIN, CONTENT_W, BODY, BLACK, None);
        w.space(10.0);
    }
    if !s.key_facts.is_empty() {
        w.ensure(40.0);
        w.text_at(
            MARGIN,
            w.y - 12.5,
            t(lang, "关键事实", "Key facts"),
            12.5,
            BLACK,
        );
        w.space(20.0);
        for fact in &s.key_facts {
            w.ensure(BODY * 1.6);
            w.text_at(MARGIN, w.y - BODY * 1.15, "•", BODY, BLACK);
            w.paragraph(
                fact,
                MARGIN + 14.0,
                CONTENT_W - 16.0,
                BODY,
                BLACK,
                Some(YELLOW),
            );
            w.space(4.0);
        }
    }
}

fn nothing_recorded(w: &mut Writer, lang: Lang) {
    let text = t(lang, "（没有记录）", "(nothing recorded)");
    w.paragraph(text, MARGIN, CONTENT_W, BODY, GREY, None);
}

fn timeline(w: &mut Writer, ctx: &Context) {
    let lang = ctx.input.lang;
    if ctx.input.timeline.is_empty() {
        nothing_recorded(w, lang);
        return;
    }
    let columns = [
        Column::new(t(lang, "时间", "Time"), 105.0),
        Column::new(t(lang, "事件", "Event"), CONTENT_W - 105.0),
    ];
    let rows: Vec<Row> = ctx
        .input
        .timeline
        .iter()
        .map(|r| Row::new(vec![show_time(&r.at), r.text.clone()]))
        .collect();
    w.table(&columns, &rows, 9.5);
}

fn channel_name(lang: Lang, channel: &str) -> String {
    let (zh, en) = match channel {
        "phone" => ("电话", "phone"),
        "chat" => ("在线客服", "chat"),
        "email" => ("邮件", "e-mail"),
        "ticket" => ("工单", "ticket"),
        "in_person" => ("当面", "in person"),
        other => return other.to_string(),
    };
    t(lang, zh, en).to_string()
}

fn contacts(w: &mut Writer, ctx: &Context) {
    let lang = ctx.input.lang;
    if ctx.input.contacts.is_empty() {
        nothing_recorded(w, lang);
        return;
    }
    if ctx.input.contacts.iter().any(|c| c.overdue) {
        w.paragraph(
            t(
                lang,
                "红色底纹的行：对方的承诺已过期限仍未兑现。",
                "Rows shaded red: the promise is past its due time and was not kept.",
            ),
            MARGIN,
            CONTENT_W,
            SMALL,
            RED,
            None,
        );
        w.space(4.0);
    }
    let columns = [
        Column::new(t(lang, "时间", "Time"), 74.0),
        Column::new(t(lang, "渠道 / 客服", "Channel / agent"), 74.0),
        Column::new(t(lang, "对方说法", "What they said"), 126.0),
        Column::new(t(lang, "承诺 / 期限", "Promise / due"), 121.0),
        Column::new(t(lang, "结果", "Outcome"), CONTENT_W - 395.0),
    ];
    let rows: Vec<Row> = ctx
        .input
        .contacts
        .iter()
        .map(|c| {
            let who = if c.agent.trim().is_empty() {
                channel_name(lang, &c.channel)
            } else {
                format!("{}\n{}", channel_name(lang, &c.channel), c.agent)
            };
            let mut promise = c.promise.clone();
            if let Some(due) = &c.due {
                promise = format!(
                    "{promise}\n{}{}",
                    t(lang, "期限：", "due: "),
                    show_time(due)
                );
            }
            if c.overdue {
                promise = format!("{}\n{promise}", t(lang, "【已逾期】", "[OVERDUE]"));
            }
            let mut row = Row::new(vec![
                show_time(&c.at),
                who,
                c.said.clone(),
                promise,
                c.outcome.clone(),
            ]);
            if c.overdue {
                row.background = Some(OVERDUE_BG);
                row.color = RED;
            }
            row
        })
        .collect();
    w.table(&columns, &rows, 8.5);
}

fn storage_text(lang: Lang, s: ImageStorage) -> &'static str {
    match s {
        ImageStorage::PngPassThrough | ImageStorage::JpegPassThrough => t(
            lang,
            "原图原样嵌入（未重新压缩）",
            "original image data, not re-encoded",
        ),
        ImageStorage::Lossless => t(
            lang,
            "无损嵌入（像素与原图一致）",
            "stored losslessly (pixels identical)",
        ),
        ImageStorage::Reduced => t(
            lang,
            "为缩小文件而降低分辨率；原图见随附文件夹",
            "downsampled for a smaller file; the original is in the files folder",
        ),
    }
}

/// Height of the gap and the label above the text under an image.
const IMAGE_TEXT_HEAD: f32 = 6.0 + 14.0;

/// "Text in the image" under an evidence image, saying whether a person checked it.
fn image_text(w: &mut Writer, lang: Lang, text: &str, checked: bool) {
    w.space(6.0);
    w.ensure(14.0 + SMALL * 1.55);
    let label = if checked {
        t(
            lang,
            "图中文字（已由用户核对）",
            "Text in the image (checked by the user)",
        )
    } else {
        t(
            lang,
            "图中文字（本机自动识别，可能有误，以图片为准）",
            "Text in the image (read automatically on this computer; may contain errors — the image prevails)",
        )
    };
    w.text_at(MARGIN, w.y - 9.0, label, 8.0, GREY);
    w.space(14.0);
    w.paragraph(text, MARGIN, CONTENT_W, SMALL, BLACK, None);
}

fn evidence(w: &mut Writer, ctx: &Context, index: usize, label: &str) {
    let lang = ctx.input.lang;
    let entry = &ctx.entries[index];
    let ev = &ctx.input.evidence[index];
    let row = ctx.input.catalog.iter().find(|r| {
        r.item
            == CatalogItem::Evidence {
                index: index as u32,
            }
    });
    w.ensure(30.0);
    w.text_at(MARGIN, w.y - 9.0, label, 9.0, GREY);
    w.space(14.0);
    let name = row.map_or(caption_or_name(entry), |r| r.name.as_str());
    w.paragraph(name, MARGIN, CONTENT_W, 14.0, BLACK, None);
    w.space(4.0);
    let taken = match (&ev.taken_at, ev.taken_at_source.as_deref(), lang) {
        (None, _, _) => t(lang, "未知", "unknown").to_string(),
        (Some(at), Some("exif"), Lang::Zh) => format!("{}（取自图片 EXIF 信息）", show_time(at)),
        (Some(at), Some("exif"), Lang::En) => {
            format!("{} (from the image's EXIF data)", show_time(at))
        }
        (Some(at), Some("user"), Lang::Zh) => format!("{}（本人填写）", show_time(at)),
        (Some(at), Some("user"), Lang::En) => format!("{} (as I entered it)", show_time(at)),
        (Some(at), _, _) => show_time(at),
    };
    let added = match lang {
        Lang::Zh => format!(
            "{}，从本人设备上的原文件复制进本机证据库，同时计算 SHA-256；此后原文件未被改动",
            show_time(&ev.added_at)
        ),
        Lang::En => format!(
            "{}: copied from the original file on my device into this computer's evidence vault and hashed (SHA-256); not changed since",
            show_time(&ev.added_at)
        ),
    };
    let mut rows = Vec::new();
    if let Some(r) = row {
        rows.push((t(lang, "证据来源", "Source"), r.source.clone()));
        rows.push((t(lang, "证明目的", "What it proves"), r.purpose.clone()));
    }
    rows.extend([
        (t(lang, "截取/拍摄时间", "Captured"), taken),
        (t(lang, "加入本案", "Added"), added),
        (
            t(lang, "原文件名", "Original name"),
            entry.original_name.clone(),
        ),
        (
            t(lang, "随附文件", "In folder"),
            format!("{}/{}", ctx.files_dir, entry.name),
        ),
        (
            t(lang, "大小", "Size"),
            format!("{} {}", grouped(entry.size), t(lang, "字节", "bytes")),
        ),
        ("SHA-256", entry.sha256.clone()),
    ]);
    if let Some(img) = &entry.embedded {
        rows.push((
            t(lang, "图片", "Image"),
            format!(
                "{} × {} px{}{}",
                img.width,
                img.height,
                t(lang, "，", ", "),
                storage_text(lang, img.storage)
            ),
        ));
    }
    let label_w = if lang == Lang::Zh { 74.0 } else { 80.0 };
    for (l, v) in rows {
        field(w, l, &v, label_w, SMALL);
    }
    w.space(8.0);
    // The text read from the image goes under it: room is kept for it (up to a third of what
    // is left of the page; a longer text flows on to the next page).
    let text = ev.text.trim();
    let text_h = if text.is_empty() || ctx.placed[index].is_none() {
        0.0
    } else {
        let lines = w.lines(text, CONTENT_W, SMALL).len() as f32;
        (IMAGE_TEXT_HEAD + lines * SMALL * 1.55 + 1.0).min((w.y - BOTTOM) / 3.0)
    };
    match &ctx.placed[index] {
        Some(p) => {
            let avail_h = (w.y - BOTTOM - text_h).max(50.0);
            let (pw, ph) = (p.display.0 as f32, p.display.1 as f32);
            let scale = (CONTENT_W / pw).min(avail_h / ph);
            let (dw, dh) = (pw * scale, ph * scale);
            let x = MARGIN + (CONTENT_W - dw) / 2.0;
            let y = w.y - dh;
            w.rect(x - 0.6, y - 0.6, dw + 1.2, dh + 1.2, (0.8, 0.8, 0.8));
            w.image(p.id.clone(), placement(p.orientation, x, y, dw, dh));
            w.y = y;
            if !text.is_empty() {
                image_text(w, lang, text, ev.text_checked);
            }
        }
        None => {
            let text = match lang {
                Lang::Zh => format!("此文件不是可在 PDF 中显示的图片。原件见随附文件夹：{}/{}", ctx.files_dir, entry.name),
                Lang::En => format!("This file is not an image the PDF can show. The original is in the files folder: {}/{}", ctx.files_dir, entry.name),
            };
            w.paragraph(&text, MARGIN, CONTENT_W, BODY, GREY, None);
        }
    }
}

fn manifest(w: &mut Writer, ctx: &Context) {
    let lang = ctx.input.lang;
    let intro = match lang {
        Lang::Zh => format!("随附文件夹 {}/ 中每个文件的大小与 SHA-256。SHA256SUMS 文件列出相同内容，可用 sha256sum -c SHA256SUMS 核对。", ctx.files_dir),
        Lang::En => format!("Size and SHA-256 of every file in the folder {}/. The SHA256SUMS file lists the same; check it with: sha256sum -c SHA256SUMS.", ctx.files_dir),
    };
    w.paragraph(&intro, MARGIN, CONTENT_W, 9.0, BLACK, None);
    w.space(6.0);
    let files = ctx.files();
    if files.is_empty() {
        // A one-item PDF of the timeline or the log: a record, no original file.
        let text = t(
            lang,
            "本文件所含的一项是本人整理的记录，没有原始文件；其余各项的原始文件见上述文件夹。",
            "The item in this file is a record I kept and has no original file; the other items' originals are in that folder.",
        );
        w.paragraph(text, MARGIN, CONTENT_W, 9.0, GREY, None);
        w.space(10.0);
        field(
            w,
            t(lang, "材料指纹", "Fingerprint"),
            ctx.fingerprint,
            74.0,
            SMALL,
        );
        return;
    }
    // The hash column fits the widest hash on one line, so it can be copied and searched whole.
    let size = 7.5;
    let hash_w = files
        .iter()
        .map(|&f| w.face_width(&ctx.entries[f].sha256, size))
        .fold(w.face_width(&"d".repeat(64), size), f32::max)
        .ceil()
        + 10.0;
    let columns = [
        Column::new("#", 20.0),
        Column::new(t(lang, "文件名", "File"), CONTENT_W - 74.0 - hash_w),
        Column::new(t(lang, "大小（字节）", "Bytes"), 54.0),
        Column::new("SHA-256", hash_w),
    ];
    let rows: Vec<Row> = files
        .iter()
        .map(|&i| {
            let e = &ctx.entries[i];
            Row::new(vec![
                (i + 1).to_string(),
                e.name.clone(),
                grouped(e.size),
                e.sha256.clone(),
            ])
        })
        .collect();
    w.table(&columns, &rows, size);
    w.space(10.0);
    field(
        w,
        t(lang, "材料指纹", "Fingerprint"),
        ctx.fingerprint,
        74.0,
        SMALL,
    );
}

fn note(w: &mut Writer, ctx: &Context) {
    let lang = ctx.input.lang;
    let folder = ctx.files_dir;
    let pdf = ctx.pdf_name();
    let paragraphs: Vec<String> = match lang {
        Lang::Zh => vec![
            "SHA-256 哈希值是文件内容的“指纹”：文件哪怕只改动一个字节，哈希值也会完全不同。本材料导出时为每个文件计算了哈希值，列在文件清单、随附的 SHA256SUMS 文件和本 PDF 内嵌的机器可读清单（附件 tixian-manifest.json）中。".into(),
            "它能证明：文件自导出以来没有被改动过。".into(),
            "它不能证明：文件的内容是真实的，或截图所示的事情确实发生过。这需要结合平台记录、银行流水、通话记录等其他材料判断。".into(),
            format!("如何核对：在 {folder} 文件夹中运行 sha256sum -c SHA256SUMS（Windows 可用 certutil -hashfile 文件名 SHA256 逐个比对），或运行 tixian verify {pdf}，两者都会逐个报告每个文件是否一致；tixian verify 还会核对本 PDF 每一页的内容是否与导出时相同。"),
        ],
        Lang::En => vec![
            "A SHA-256 hash is a fingerprint of a file's content: change a single byte and the hash is completely different. When this bundle was exported, every file was hashed; the hashes are in the manifest, in the SHA256SUMS file beside this PDF, and in a machine-readable manifest embedded in this PDF (attachment tixian-manifest.json).".into(),
            "What it proves: the file has not been changed since the export.".into(),
            "What it does not prove: that the file's content is true, or that what a screenshot shows really happened. That is judged together with other records — the platform's own records, bank statements, call logs.".into(),
            format!("How to check: in the folder {folder} run sha256sum -c SHA256SUMS (on Windows compare each file with certutil -hashfile FILE SHA256), or run tixian verify {pdf}; both report each file as unchanged or not, and tixian verify also checks that every page of this PDF is as exported."),
        ],
    };
    for p in paragraphs {
        w.paragraph(&p, MARGIN, CONTENT_W, BODY, BLACK, None);
        w.space(8.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_local_form() {
        assert_eq!(show_time("2026-06-15T14:30:00+08:00"), "2026-06-15 14:30");
        assert_eq!(show_time("2026-06-15T06:30:00Z"), "2026-06-15 06:30 +00:00");
        assert_eq!(show_time("sometime"), "sometime");
    }

    #[test]
    fn byte_counts_are_grouped() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(123), "123");
    }
}
