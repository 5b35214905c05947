//! A small top-down page writer over printpdf's drawing operations: lines of text, wrapped
//! paragraphs, tables that break across pages and repeat their header, filled boxes and images.
//! Everything is A4 portrait in points; the cursor `y` moves down the page.

use super::text::{wrap, Face};
use printpdf::{
    Color, CurTransMat, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfFontHandle, PdfPage, Point,
    Pt, Rect, Rgb, TextItem, XObjectId, XObjectTransform,
};

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN: f32 = 50.0;
pub const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Lowest baseline for body text; the footer lives below it.
pub const BOTTOM: f32 = MARGIN + 18.0;
pub const TOP: f32 = PAGE_H - MARGIN;

pub const BLACK: (f32, f32, f32) = (0.1, 0.1, 0.12);
pub const GREY: (f32, f32, f32) = (0.42, 0.42, 0.45);
pub const RED: (f32, f32, f32) = (0.75, 0.1, 0.1);
pub const YELLOW: (f32, f32, f32) = (1.0, 0.93, 0.35);
pub const HEADER_BG: (f32, f32, f32) = (0.88, 0.9, 0.93);
pub const RULE: (f32, f32, f32) = (0.78, 0.8, 0.83);
pub const OVERDUE_BG: (f32, f32, f32) = (1.0, 0.89, 0.89);

/// Adds every character `pages` draw to `into`.
pub(crate) fn chars_drawn(pages: &[PdfPage], into: &mut std::collections::BTreeSet<char>) {
    for op in pages.iter().flat_map(|p| &p.ops) {
        if let Op::ShowText { items } = op {
            for item in items {
                if let TextItem::Text(text) = item {
                    into.extend(text.chars());
                }
            }
        }
    }
}

fn color(c: (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

/// A table column: heading and width in points.
pub struct Column {
    pub title: String,
    pub width: f32,
}

impl Column {
    pub fn new(title: &str, width: f32) -> Column {
        Column {
            title: title.to_string(),
            width,
        }
    }
}

/// A table row: one text per column, an optional background and text colour.
pub struct Row {
    pub cells: Vec<String>,
    pub background: Option<(f32, f32, f32)>,
    pub color: (f32, f32, f32),
}

impl Row {
    pub fn new(cells: Vec<String>) -> Row {
        Row {
            cells,
            background: None,
            color: BLACK,
        }
    }
}

pub struct Writer<'a> {
    face: &'a Face,
    font: FontId,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// Top of the free space on the current page.
    pub y: f32,
    /// Draw “ ” ‘ ’ as straight quotes: the CJK font's curly quotes are full-width, which looks
    /// broken in English text.
    pub straight_quotes: bool,
}

impl<'a> Writer<'a> {
    pub fn new(face: &'a Face, font: FontId) -> Writer<'a> {
        Writer {
            face,
            font,
            pages: Vec::new(),
            ops: Vec::new(),
            y: TOP,
            straight_quotes: false,
        }
    }

    /// `text` as drawn: missing characters made visible, quotes straightened if asked.
    fn shown(&self, text: &str) -> String {
        let visible = self.face.visible(text);
        if self.straight_quotes {
            visible.replace(['“', '”'], "\"").replace(['‘', '’'], "'")
        } else {
            visible
        }
    }

    /// Width of `text` at `size` points in the bundle font.
    pub fn face_width(&self, text: &str, size: f32) -> f32 {
        self.face.width(text, size)
    }

    /// Starts a new page (the first call just opens page one).
    pub fn new_page(&mut self) {
        if !self.ops.is_empty() || !self.pages.is_empty() {
            self.pages.push(std::mem::take(&mut self.ops));
        }
        self.y = TOP;
    }

    pub fn page_count(&self) -> usize {
        self.pages.len() + 1
    }

    /// Makes sure `height` points fit below the cursor; starts a new page otherwise.
    /// Returns true when a page was started.
    pub fn ensure(&mut self, height: f32) -> bool {
        if self.y - height < BOTTOM {
            self.new_page();
            true
        } else {
            false
        }
    }

    pub fn space(&mut self, h: f32) {
        self.y -= h;
    }

    /// Draws one line of text with its baseline at `y` (characters the font lacks made visible).
    pub fn text_at(&mut self, x: f32, y: f32, text: &str, size: f32, rgb: (f32, f32, f32)) {
        let text = self.shown(text);
        if text.is_empty() {
            return;
        }
        self.ops.extend([
            Op::SetFillColor { col: color(rgb) },
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(self.font.clone()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point { x: Pt(x), y: Pt(y) },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text)],
            },
            Op::EndTextSection,
        ]);
    }

    /// Wraps `text` to `width` and writes it from the cursor down, breaking pages as needed.
    /// `highlight` puts a coloured band behind each line.
    pub fn paragraph(
        &mut self,
        text: &str,
        x: f32,
        width: f32,
        size: f32,
        rgb: (f32, f32, f32),
        highlight: Option<(f32, f32, f32)>,
    ) {
        let lh = size * 1.55;
        for line in self.lines(text, width, size) {
            self.ensure(lh);
            let baseline = self.y - size * 1.15;
            if let Some(bg) = highlight {
                let w = self.face.width(&line, size) + 4.0;
                self.rect(x - 2.0, self.y - lh + 1.0, w, lh - 1.0, bg);
            }
            self.text_at(x, baseline, &line, size, rgb);
            self.y -= lh;
        }
    }

    /// `text` broken into lines of at most `width` points at `size`.
    pub fn lines(&self, text: &str, width: f32, size: f32) -> Vec<String> {
        let visible = self.shown(text);
        wrap(&visible, width, &|s: &str| self.face.width(s, size))
    }

    pub fn heading(&mut self, text: &str, size: f32) {
        self.ensure(size * 3.0);
        self.text_at(MARGIN, self.y - size, text, size, BLACK);
        self.y -= size * 1.5;
        self.hline(MARGIN, PAGE_W - MARGIN, self.y, RULE, 0.8);
        self.y -= size * 0.7;
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, rgb: (f32, f32, f32)) {
        self.ops.push(Op::SetFillColor { col: color(rgb) });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(PaintMode::Fill),
                ..Rect::from_xywh(Pt(x), Pt(y), Pt(w), Pt(h))
            },
        });
    }

    pub fn hline(&mut self, x1: f32, x2: f32, y: f32, rgb: (f32, f32, f32), width: f32) {
        let p = |x: f32| LinePoint {
            p: Point { x: Pt(x), y: Pt(y) },
            bezier: false,
        };
        self.ops.extend([
            Op::SetOutlineColor { col: color(rgb) },
            Op::SetOutlineThickness { pt: Pt(width) },
            Op::DrawLine {
                line: Line {
                    points: vec![p(x1), p(x2)],
                    is_closed: false,
                },
            },
        ]);
    }

    /// Draws an image XObject with the raw transformation `matrix` (see `images::placement`).
    pub fn image(&mut self, id: XObjectId, matrix: [f32; 6]) {
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetTransformationMatrix {
                matrix: CurTransMat::Raw(matrix),
            },
            Op::UseXobject {
                id,
                transform: XObjectTransform {
                    no_auto_scale: true,
                    ..Default::default()
                },
            },
            Op::RestoreGraphicsState,
        ]);
    }

    /// A table across the content width; rows taller than the space left continue on the next
    /// page, and every page the table reaches starts with its header again.
    pub fn table(&mut self, columns: &[Column], rows: &[Row], size: f32) {
        let lh = size * 1.5;
        let pad = 4.0;
        let header: Vec<Vec<String>> = columns
            .iter()
            .map(|c| self.lines(&c.title, c.width - 2.0 * pad, size))
            .collect();
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
        self.ensure(header_h + lh + 2.0 * pad);
        self.table_header(columns, &header, header_h, size);
        for row in rows {
            let cells: Vec<Vec<String>> = columns
                .iter()
                .zip(&row.cells)
                .map(|(c, text)| self.lines(text, c.width - 2.0 * pad, size))
                .collect();
            let total = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let full_page = ((TOP - BOTTOM - header_h - 2.0 * pad) / lh).floor() as usize;
            let mut start = 0;
            while start < total {
                let fit = ((self.y - BOTTOM - 2.0 * pad) / lh).floor().max(0.0) as usize;
                let rest = total - start;
                // Keep a row whole when it fits on a fresh page; split it only when it never would.
                if fit == 0 || (fit < rest && start == 0 && rest <= full_page) {
                    self.new_page();
                    self.table_header(columns, &header, header_h, size);
                    continue;
                }
                let n = fit.min(rest);
                let h = n as f32 * lh + 2.0 * pad;
                if let Some(bg) = row.background {
                    self.rect(MARGIN, self.y - h, CONTENT_W, h, bg);
                }
                let mut x = MARGIN;
                for (col, lines) in columns.iter().zip(&cells) {
                    for (i, line) in lines.iter().skip(start).take(n).enumerate() {
                        let baseline = self.y - pad - size * 1.1 - i as f32 * lh;
                        self.text_at(x + pad, baseline, line, size, row.color);
                    }
                    x += col.width;
                }
                self.y -= h;
                self.hline(MARGIN, MARGIN + CONTENT_W, self.y, RULE, 0.5);
                start += n;
                if start < total {
                    self.new_page();
                    self.table_header(columns, &header, header_h, size);
                }
            }
        }
    }

    fn table_header(&mut self, columns: &[Column], header: &[Vec<String>], h: f32, size: f32) {
        let lh = size * 1.5;
        self.rect(MARGIN, self.y - h, CONTENT_W, h, HEADER_BG);
        let mut x = MARGIN;
        for (col, lines) in columns.iter().zip(header) {
            for (i, line) in lines.iter().enumerate() {
                self.text_at(
                    x + 4.0,
                    self.y - 4.0 - size * 1.1 - i as f32 * lh,
                    line,
                    size,
                    BLACK,
                );
            }
            x += col.width;
        }
        self.y -= h;
    }

    /// Closes the document: every page gets the footer `footer(page, total)`.
    pub fn finish(mut self, footer: impl Fn(usize, usize) -> String) -> Vec<PdfPage> {
        self.pages.push(std::mem::take(&mut self.ops));
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        pages
            .into_iter()
            .enumerate()
            .map(|(i, ops)| {
                self.ops = ops;
                let text = footer(i + 1, total);
                self.hline(MARGIN, PAGE_W - MARGIN, MARGIN + 10.0, RULE, 0.5);
                self.text_at(MARGIN, MARGIN - 2.0, &text, 7.5, GREY);
                PdfPage::new(Mm(210.0), Mm(297.0), std::mem::take(&mut self.ops))
            })
            .collect()
    }
}
