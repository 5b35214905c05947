//! The bundle's font and line breaking.
//!
//! [`Face`] wraps the bundled Noto Sans SC (compiled in, parsed once per process) and measures
//! text with the same glyph advances the PDF is drawn with. [`wrap`] breaks text into lines that
//! fit a width, following Chinese line-breaking etiquette (禁则): Chinese breaks between any two
//! characters, a line never starts with closing punctuation nor ends with opening punctuation,
//! `¥` stays with its amount, and English breaks at spaces. [`Face::visible`] replaces characters
//! the font lacks by a visible `[U+XXXX]` so nothing silently disappears from evidence.

use printpdf::ParsedFont;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// Noto Sans SC Regular, OFL-1.1; source and licence in `assets/fonts/README.md`.
static FONT_BYTES: &[u8] = include_bytes!("../../../../../assets/fonts/NotoSansSC_400Regular.ttf");

/// The parsed bundle font with its metrics.
pub(crate) struct Face {
    pub font: ParsedFont,
    units_per_em: f32,
    /// Glyph id and advance of each character of the Basic Multilingual Plane once looked up
    /// (`UNKNOWN` before): the font's cmap lookup is slow and layout measures every character of
    /// every line, many times over for a split export. Shared by the threads writing parts.
    bmp: Box<[AtomicU64]>,
}

const UNKNOWN: u64 = u64::MAX;

impl Face {
    /// The process-wide face; parsing a 10 MB font takes a while, so it happens once.
    pub fn get() -> Option<&'static Face> {
        static FACE: OnceLock<Option<Face>> = OnceLock::new();
        FACE.get_or_init(|| {
            let mut warnings = Vec::new();
            let font = ParsedFont::from_bytes(FONT_BYTES, 0, &mut warnings)?;
            let upem = f32::from(font.font_metrics.units_per_em.max(1));
            Some(Face {
                font,
                units_per_em: upem,
                bmp: (0..0x1_0000).map(|_| AtomicU64::new(UNKNOWN)).collect(),
            })
        })
        .as_ref()
    }

    /// Glyph id (0 when the font lacks `c`) and advance of `c`.
    fn glyph(&self, c: char) -> (u16, u16) {
        let slot = self.bmp.get(c as usize);
        if let Some(v) = slot
            .map(|s| s.load(Ordering::Relaxed))
            .filter(|&v| v != UNKNOWN)
        {
            return (v as u16, (v >> 16) as u16);
        }
        let gid = self.font.lookup_glyph_index(c as u32).unwrap_or(0);
        let advance = self.font.get_horizontal_advance(gid);
        if let Some(s) = slot {
            s.store(u64::from(gid) | u64::from(advance) << 16, Ordering::Relaxed);
        }
        (gid, advance)
    }

    pub fn has(&self, c: char) -> bool {
        self.glyph(c).0 != 0
    }

    /// Width of `c` at `size` points (glyph advance; no kerning, as drawn).
    pub fn char_width(&self, c: char, size: f32) -> f32 {
        f32::from(self.glyph(c).1) / self.units_per_em * size
    }

    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.char_width(c, size)).sum()
    }

    /// `text` with every character the font cannot draw replaced by `[U+XXXX]`, tabs and other
    /// control characters by a space. Variation selectors (U+FE0E/U+FE0F) only choose emoji vs
    /// text presentation and are left out.
    pub fn visible(&self, text: &str) -> String {
        substitute_missing(text, |c| self.has(c))
    }
}

/// The bundle font cut down, once per export, to the characters all its PDFs draw: each PDF
/// embeds this small font whole, compressed once here (subsetting and compressing it again per
/// PDF cost more than the few KB it would save in each).
pub(crate) struct SharedSubset {
    pub font: ParsedFont,
    /// The font program as `font` embeds it (printpdf's `/FontFile2` content) …
    pub program: Vec<u8>,
    /// … and zlib-compressed, put in place of it in every PDF.
    pub compressed: Vec<u8>,
    /// The characters it draws, each checked to map to a glyph with the same advance as in the
    /// whole font (so text measured with [`Face`] is drawn as measured). A PDF that draws any
    /// other character embeds a subset of the whole font instead.
    pub chars: BTreeSet<char>,
}

impl Face {
    /// The font cut down to `chars` (those it has; `.notdef` is always kept). `None` when the
    /// subsetter fails; the PDFs then subset the whole font each.
    pub fn subset_for(&self, chars: &BTreeSet<char>) -> Option<SharedSubset> {
        let glyphs: BTreeMap<u16, String> = chars
            .iter()
            .map(|&c| (self.glyph(c).0, c))
            .filter(|&(gid, _)| gid != 0)
            .map(|(gid, c)| (gid, c.to_string()))
            .collect();
        let subset = printpdf::subset_font(&self.font, &glyphs).ok()?;
        let mut warnings = Vec::new();
        let mut font = ParsedFont::from_bytes(&subset.bytes, 0, &mut warnings)?;
        // The subset drops OS/2; the PDFs' font descriptors (cap height, weight, bounding box)
        // and name stay those of the whole font, as when it was subset per PDF.
        font.font_metrics = self.font.font_metrics;
        font.pdf_font_metrics = self.font.pdf_font_metrics;
        font.font_name = self.font.font_name.clone();
        let chars = chars
            .iter()
            .copied()
            .filter(|&c| {
                let (gid, advance) = self.glyph(c);
                gid != 0
                    && font
                        .lookup_glyph_index(c as u32)
                        .is_some_and(|g| g != 0 && font.get_horizontal_advance(g) == advance)
            })
            .collect();
        let compressed = deflate_best(&subset.bytes).ok()?;
        Some(SharedSubset {
            font,
            program: subset.bytes,
            compressed,
            chars,
        })
    }
}

fn deflate_best(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(bytes)?;
    z.finish()
}

/// See [`Face::visible`]; separate so the rule is testable without the font.
pub(crate) fn substitute_missing(text: &str, has: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '\u{FE0E}' | '\u{FE0F}' => {}
            c if c.is_control() => out.push(' '),
            c if has(c) => out.push(c),
            c => out.push_str(&format!("[U+{:04X}]", c as u32)),
        }
    }
    out
}

/// Punctuation that must not begin a line (it belongs to the text before it).
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '”'
            | '’'
            | '》'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〉'
            | '〕'
            | '…'
            | '—'
            | '～'
            | '·'
            | '%'
            | '％'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | ')'
            | ']'
            | '}'
            | '元'
    )
}

/// Punctuation that must not end a line (it belongs to the text after it); `¥` keeps its amount.
fn is_opening(c: char) -> bool {
    matches!(
        c,
        '“' | '‘' | '《' | '（' | '「' | '『' | '【' | '〈' | '〔' | '(' | '[' | '{' | '¥' | '￥'
    )
}

/// Characters between which a line may break even without a space (CJK ideographs, kana,
/// Hangul, CJK punctuation and full-width forms).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x31FF | 0x3200..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7FF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// May a line break between `a` and `b` (adjacent, no space between)?
fn break_allowed(a: char, b: char) -> bool {
    if is_closing(b) || is_opening(a) {
        return false;
    }
    is_cjk(a) || is_cjk(b)
}

/// An unbreakable run of text; `space_before` says a space separated it from the previous one.
#[derive(Debug)]
struct Cluster {
    text: String,
    space_before: bool,
}

fn clusters(paragraph: &str) -> Vec<Cluster> {
    let mut out: Vec<Cluster> = Vec::new();
    let mut current = String::new();
    let mut current_space = false;
    let mut pending_space = false;
    let mut prev: Option<char> = None;
    for c in paragraph.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        let start_new = match prev {
            None => true,
            Some(p) if pending_space => !(is_opening(p) || is_closing(c)),
            Some(p) => break_allowed(p, c),
        };
        if start_new && !current.is_empty() {
            out.push(Cluster {
                text: std::mem::take(&mut current),
                space_before: current_space,
            });
        }
        if start_new {
            current_space = pending_space && prev.is_some();
        } else if pending_space {
            current.push(' ');
        }
        current.push(c);
        pending_space = false;
        prev = Some(c);
    }
    if !current.is_empty() {
        out.push(Cluster {
            text: current,
            space_before: current_space,
        });
    }
    out
}

/// Breaks `text` into lines no wider than `max_width` as measured by `width`. Explicit newlines
/// are kept (an empty line stays empty). A run that cannot be broken by the rules and is wider
/// than a whole line (a long URL or file name) is cut between characters as a last resort.
pub(crate) fn wrap(text: &str, max_width: f32, width: &dyn Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for cluster in clusters(paragraph) {
            let candidate = if line.is_empty() {
                cluster.text.clone()
            } else if cluster.space_before {
                format!("{line} {}", cluster.text)
            } else {
                format!("{line}{}", cluster.text)
            };
            if width(&candidate) <= max_width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if width(&cluster.text) <= max_width {
                line = cluster.text;
            } else {
                // Last resort: cut the run between characters.
                for c in cluster.text.chars() {
                    let mut next = line.clone();
                    next.push(c);
                    if width(&next) > max_width && !line.is_empty() {
                        lines.push(std::mem::replace(&mut line, c.to_string()));
                    } else {
                        line = next;
                    }
                }
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character is one unit wide: rules can be checked by counting.
    fn unit(s: &str) -> f32 {
        s.chars().count() as f32
    }

    #[test]
    fn chinese_breaks_between_any_characters() {
        assert_eq!(
            wrap("提现失败请联系客服", 4.0, &unit),
            ["提现失败", "请联系客", "服"]
        );
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // "提现失败" fills the line; the comma must not start the next one, so "败，" moves.
        let lines = wrap("提现失败，请联系客服。", 4.0, &unit);
        assert_eq!(lines, ["提现失", "败，请联", "系客服。"]);
        for l in &lines {
            let first = l.chars().next().unwrap();
            assert!(!is_closing(first), "{l:?} starts with closing punctuation");
        }
    }

    #[test]
    fn each_closing_mark_is_kept_off_the_line_start() {
        for p in ['，', '。', '、', '；', '：', '？', '！', '”', '》', '）'] {
            let text = format!("一二三四{p}五六");
            let lines = wrap(&text, 4.0, &unit);
            assert!(lines.iter().all(|l| !l.starts_with(p)), "{p}: {lines:?}");
            assert_eq!(lines.concat(), text);
        }
    }

    #[test]
    fn opening_punctuation_never_ends_a_line() {
        for p in ['“', '《', '（'] {
            let text = format!("一二三{p}四五六");
            let lines = wrap(&text, 4.0, &unit);
            assert!(lines.iter().all(|l| !l.ends_with(p)), "{p}: {lines:?}");
            assert_eq!(lines.concat(), text);
        }
    }

    #[test]
    fn yuan_sign_stays_with_its_amount() {
        let lines = wrap("金额共计¥5000.00元整", 10.0, &unit);
        assert!(lines.iter().all(|l| !l.ends_with('¥')), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("¥5000.00")), "{lines:?}");
        let spaced = wrap("共计 ¥ 5000", 3.0, &unit);
        assert!(spaced.iter().all(|l| !l.ends_with('¥')), "{spaced:?}");
    }

    #[test]
    fn english_breaks_at_spaces_only() {
        let lines = wrap("the withdrawal failed twice today", 16.0, &unit);
        assert_eq!(lines, ["the withdrawal", "failed twice", "today"]);
    }

    #[test]
    fn mixed_text_breaks_around_latin_words() {
        let lines = wrap("客服说WeChat会退款", 6.0, &unit);
        assert_eq!(lines, ["客服说", "WeChat", "会退款"]);
    }

    #[test]
    fn overlong_word_is_cut_as_last_resort() {
        let lines = wrap("ab 0123456789abcdef", 8.0, &unit);
        assert_eq!(lines, ["ab", "01234567", "89abcdef"]);
    }

    #[test]
    fn newlines_are_kept() {
        assert_eq!(wrap("一\n\n二", 10.0, &unit), ["一", "", "二"]);
    }

    #[test]
    fn missing_characters_are_shown_not_dropped() {
        let out = substitute_missing("提现😀失败\t完", |c| c != '😀');
        assert_eq!(out, "提现[U+1F600]失败 完");
        assert_eq!(substitute_missing("❤\u{FE0F}", |_| false), "[U+2764]");
    }

    #[test]
    fn the_shared_subset_draws_its_characters_as_the_whole_font_measures_them() {
        let face = Face::get().expect("bundled font parses");
        let chars: BTreeSet<char> = "提现失败，请联系客服。¥5000.00 Evidence 1-2 😀"
            .chars()
            .collect();
        let shared = face.subset_for(&chars).expect("subset");
        // Every character the font has is kept, each on a glyph of its own with the same
        // advance; the one it lacks is not claimed.
        let expected: BTreeSet<char> = chars.iter().copied().filter(|&c| face.has(c)).collect();
        assert_eq!(shared.chars, expected);
        assert!(!shared.chars.contains(&'😀'));
        let mut glyphs = BTreeSet::new();
        for &c in &shared.chars {
            let gid = shared.font.lookup_glyph_index(c as u32).expect("mapped");
            assert_eq!(
                shared.font.get_horizontal_advance(gid),
                face.glyph(c).1,
                "{c}"
            );
            glyphs.insert(gid);
        }
        assert_eq!(glyphs.len(), shared.chars.len(), "one glyph per character");
        // Small: a few dozen glyphs, not the 10 MB font.
        assert!(shared.font.num_glyphs < 100, "{}", shared.font.num_glyphs);
        assert_eq!(shared.font.font_name, face.font.font_name);
        assert!(shared.font.lookup_glyph_index('客' as u32).is_some());
        assert!(shared
            .font
            .lookup_glyph_index('案' as u32)
            .filter(|&g| g != 0)
            .is_none());
    }

    #[test]
    fn bundled_font_covers_chinese_and_measures_it() {
        let face = Face::get().expect("bundled font parses");
        assert!(face.has('提') && face.has('¥') && face.has('，') && face.has('A'));
        assert!(!face.has('😀'));
        let han = face.width("提", 10.0);
        assert!(
            (han - 10.0).abs() < 0.5,
            "a Han character is about one em: {han}"
        );
        assert!(face.width("i", 10.0) < face.width("W", 10.0));
        assert_eq!(face.visible("a😀"), "a[U+1F600]");
    }
}
