//! Reading order. Pieces whose boxes share most of their height are one row, read left to
//! right (a space where they stand apart); rows are read top to bottom. A row continues the
//! paragraph of the row above when it looks wrapped: the same text height, a line gap, the same
//! left edge or centre, the row above at least as wide, reaching the measure of the rows aligned
//! with it, and not ending a sentence. Rows of pieces standing apart (label … value) are tables
//! and never part of a paragraph.

use super::recognise::Piece;
use super::tidy::{needs_space, tidy};
use super::OcrLine;

/// Two pieces are one row when they overlap vertically by this share of the lower one.
const SAME_ROW_OVERLAP: f32 = 0.5;
/// Pieces of one row further apart than this many row heights get a space between them.
const PIECE_GAP: f32 = 0.5;
/// Wrapped lines: heights within this ratio …
const SAME_HEIGHT: f32 = 1.3;
/// … a gap from the row above of at most this many row heights …
const MAX_LINE_GAP: f32 = 0.8;
/// … and edges (left, or centre) within this many row heights.
const ALIGN: f32 = 1.0;
/// … and the row above reaches its block's right edge (or, centred, its width) to within this
/// many row heights; the block is up to this many rows either side.
const FULL: f32 = 1.5;
const MEASURE_ROWS: usize = 6;

/// A row in reading order, and whether the next row continues its paragraph.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Laid {
    pub line: OcrLine,
    pub joins_next: bool,
}

#[derive(Debug, Clone)]
struct Row {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    pieces: Vec<Piece>,
}

impl Row {
    fn new(p: Piece) -> Row {
        Row {
            x0: p.bbox.x0,
            y0: p.bbox.y0,
            x1: p.bbox.x1,
            y1: p.bbox.y1,
            pieces: vec![p],
        }
    }

    fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    /// Pieces apart on one row (a label and its value): a table row, never prose.
    fn is_table(&self) -> bool {
        let mut xs: Vec<(f32, f32)> = self.pieces.iter().map(|p| (p.bbox.x0, p.bbox.x1)).collect();
        xs.sort_by(|a, b| a.0.total_cmp(&b.0));
        xs.windows(2)
            .any(|w| w[1].0 - w[0].1 > PIECE_GAP * self.height())
    }

    fn overlaps(&self, p: &Piece) -> bool {
        let overlap = self.y1.min(p.bbox.y1) - self.y0.max(p.bbox.y0);
        let lower = self.height().min(p.bbox.y1 - p.bbox.y0);
        overlap >= SAME_ROW_OVERLAP * lower
    }

    fn add(&mut self, p: Piece) {
        self.x0 = self.x0.min(p.bbox.x0);
        self.y0 = self.y0.min(p.bbox.y0);
        self.x1 = self.x1.max(p.bbox.x1);
        self.y1 = self.y1.max(p.bbox.y1);
        self.pieces.push(p);
    }

    fn into_line(mut self) -> OcrLine {
        self.pieces.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
        // Each piece tidied on its own; a visible gap between pieces stays a space.
        let mut text = String::new();
        let mut previous: Option<&Piece> = None;
        for p in &self.pieces {
            let piece = tidy(&p.text);
            if let Some(prev) = previous {
                let h = self.height();
                if p.bbox.x0 - prev.bbox.x1 > PIECE_GAP * h && !text.ends_with(' ') {
                    text.push(' ');
                }
            }
            text.push_str(&piece);
            previous = Some(p);
        }
        let chars: usize = self.pieces.iter().map(|p| p.chars).sum();
        let weighted: f32 = self
            .pieces
            .iter()
            .map(|p| p.confidence * p.chars as f32)
            .sum();
        let confidence = if chars == 0 {
            0.0
        } else {
            weighted / chars as f32
        };
        OcrLine {
            text: text.trim().to_string(),
            bbox: [
                self.x0.floor().max(0.0) as u32,
                self.y0.floor().max(0.0) as u32,
                self.x1.ceil() as u32,
                self.y1.ceil() as u32,
            ],
            confidence: (confidence * 1000.0).round() / 1000.0,
        }
    }
}

/// Groups pieces into rows in reading order and marks wrapped paragraphs.
pub(crate) fn lines(mut pieces: Vec<Piece>) -> Vec<Laid> {
    pieces.sort_by(|a, b| {
        let ca = a.bbox.y0 + a.bbox.y1;
        let cb = b.bbox.y0 + b.bbox.y1;
        ca.total_cmp(&cb).then(a.bbox.x0.total_cmp(&b.bbox.x0))
    });
    let mut rows: Vec<Row> = Vec::new();
    for p in pieces {
        // Only the last rows can still overlap a piece lower than all before it.
        let found = rows.iter_mut().rev().take(4).find(|r| r.overlaps(&p));
        match found {
            Some(row) => row.add(p),
            None => rows.push(Row::new(p)),
        }
    }
    rows.sort_by(|a, b| (a.y0 + a.y1).total_cmp(&(b.y0 + b.y1)));
    let joins: Vec<bool> = (0..rows.len())
        .map(|i| i + 1 < rows.len() && continues(&rows, i))
        .collect();
    rows.into_iter()
        .zip(joins)
        .map(|(row, joins_next)| Laid {
            line: row.into_line(),
            joins_next,
        })
        .filter(|l| !l.line.text.is_empty())
        .collect()
}

/// Whether row `i + 1` is the wrapped continuation of row `i`.
fn continues(rows: &[Row], i: usize) -> bool {
    let (above, below) = (&rows[i], &rows[i + 1]);
    if above.is_table() || below.is_table() {
        return false;
    }
    let (ha, hb) = (above.height(), below.height());
    let h = (ha + hb) / 2.0;
    let same_height = |a: f32, b: f32| a.max(b) <= SAME_HEIGHT * a.min(b);
    let gap = below.y0 - above.y1;
    let close = gap <= MAX_LINE_GAP * h && gap >= -0.5 * h;
    let left = (above.x0 - below.x0).abs() <= ALIGN * h;
    let centre = ((above.x0 + above.x1) - (below.x0 + below.x1)).abs() / 2.0 <= ALIGN * h;
    // The row below may be longer by about a character: punctuation kept off a line start
    // hangs at the end of the last line (“……是什么原因？”).
    let wide_enough = above.width() >= below.width() - h;
    // A wrapped row reaches the measure of its block: the rows of the same text size nearby
    // aligned like it (same left edge, or same centre).
    let aligned = |r: &Row| {
        if left {
            (r.x0 - above.x0).abs() <= ALIGN * h
        } else {
            ((r.x0 + r.x1) - (above.x0 + above.x1)).abs() / 2.0 <= ALIGN * h
        }
    };
    let block = rows[i.saturating_sub(MEASURE_ROWS)..(i + 1 + MEASURE_ROWS).min(rows.len())]
        .iter()
        .filter(|r| {
            same_height(r.height(), ha)
                && !r.is_table()
                && aligned(r)
                && ((r.y0 + r.y1) - (above.y0 + above.y1)).abs() / 2.0
                    <= MEASURE_ROWS as f32 * 2.0 * ha
        });
    let (right, width) = block.fold((0f32, 0f32), |(right, width), r| {
        (right.max(r.x1), width.max(r.width()))
    });
    let full = if left {
        above.x1 >= right - FULL * h
    } else {
        above.width() >= width - 2.0 * FULL * h
    };
    let last = above
        .pieces
        .iter()
        .max_by(|a, b| a.bbox.x1.total_cmp(&b.bbox.x1))
        .and_then(|p| p.text.trim_end().chars().next_back());
    let ends_sentence = last.is_some_and(|c| "。！？!?".contains(c));
    same_height(ha, hb) && close && (left || centre) && wide_enough && full && !ends_sentence
}

/// The lines' texts: a paragraph's wrapped lines joined, paragraphs on lines of their own.
pub(crate) fn text(lines: &[Laid]) -> String {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(&l.line.text);
        if let Some(next) = lines.get(i + 1) {
            if !l.joins_next {
                out.push('\n');
            } else if needs_space(&l.line.text, &next.line.text) {
                out.push(' ');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::detect::TextBox;
    use super::*;

    fn piece(text: &str, x0: f32, y0: f32, x1: f32, y1: f32) -> Piece {
        Piece {
            bbox: TextBox { x0, y0, x1, y1 },
            text: text.into(),
            confidence: 0.9,
            chars: text.chars().count(),
        }
    }

    fn texts(pieces: Vec<Piece>) -> String {
        text(&lines(pieces))
    }

    #[test]
    fn pieces_of_one_row_are_read_left_to_right() {
        let got = lines(vec![
            piece("¥500.00", 600.0, 102.0, 760.0, 150.0),
            piece("提现金额", 40.0, 100.0, 220.0, 148.0),
        ]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].line.text, "提现金额 ¥500.00");
        assert_eq!(got[0].line.bbox, [40, 100, 760, 150]);
    }

    #[test]
    fn wrapped_lines_of_a_paragraph_are_joined_and_a_title_is_not() {
        let got = texts(vec![
            piece("提现失败", 300.0, 100.0, 480.0, 150.0),
            piece(
                "支付宝账号和姓名不匹配，请确认姓名",
                80.0,
                190.0,
                700.0,
                235.0,
            ),
            piece("是否正确", 310.0, 250.0, 470.0, 295.0),
            piece("我知道了", 320.0, 400.0, 460.0, 445.0),
        ]);
        assert_eq!(
            got,
            "提现失败\n支付宝账号和姓名不匹配，请确认姓名是否正确\n我知道了"
        );
    }

    #[test]
    fn a_sentence_end_or_a_shorter_line_above_keeps_the_break() {
        let got = texts(vec![
            piece("交易已受理。", 40.0, 100.0, 700.0, 145.0),
            piece("请稍后查询交易", 40.0, 160.0, 420.0, 205.0),
            piece("短", 40.0, 220.0, 100.0, 265.0),
            piece("比上一行长得多的一行", 40.0, 280.0, 600.0, 325.0),
        ]);
        assert_eq!(
            got,
            "交易已受理。\n请稍后查询交易\n短\n比上一行长得多的一行"
        );
    }
}
