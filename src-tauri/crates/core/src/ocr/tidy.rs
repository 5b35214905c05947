//! The recogniser mixes full- and half-width forms (its dictionary has both `，` and `,`, `￥`
//! and `¥`). We write them as a person would type them: letters, digits, `%` and `¥`
//! half-width; punctuation full-width next to Chinese, half-width inside numbers and Latin
//! text (`1,000.00`, `10:24`); no spaces between Chinese characters.

/// Punctuation with a half- and a full-width form.
const PAIRS: [(char, char); 7] = [
    (',', '，'),
    (':', '：'),
    (';', '；'),
    ('!', '！'),
    ('?', '？'),
    ('(', '（'),
    (')', '）'),
];

fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{303F}'   // CJK radicals, symbols and punctuation (、。「」…)
        | '\u{3040}'..='\u{9FFF}' // kana, CJK unified ideographs and extension A
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF01}'..='\u{FF60}' // full-width forms
        | '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}' | '\u{2014}' | '\u{2026}')
}

fn half(c: char) -> char {
    PAIRS.iter().find(|p| p.1 == c).map_or(c, |p| p.0)
}

fn full(c: char) -> char {
    PAIRS.iter().find(|p| p.0 == c).map_or(c, |p| p.1)
}

/// One line of recognised text, tidied (see the module doc).
pub fn tidy(raw: &str) -> String {
    // Letters, digits and signs to half-width; one kind of space.
    let chars: Vec<char> = raw
        .chars()
        .map(|c| match c {
            'Ａ'..='Ｚ'
            | 'ａ'..='ｚ'
            | '０'..='９'
            | '％'
            | '＋'
            | '＝'
            | '／'
            | '＠'
            | '＃'
            | '＆' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '￥' => '¥',
            '\u{3000}' | '\t' => ' ',
            _ => c,
        })
        .collect();
    let neighbour = |i: usize, step: isize| -> Option<char> {
        let mut j = i as isize + step;
        while j >= 0 && (j as usize) < chars.len() {
            if chars[j as usize] != ' ' {
                return Some(chars[j as usize]);
            }
            j += step;
        }
        None
    };
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    let wide = |c: Option<char>| c.is_some_and(is_wide);
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    // The form each open bracket took, so its closing one matches.
    let mut open: Vec<bool> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let (before, after) = (neighbour(i, -1), neighbour(i, 1));
        let c = match c {
            '．' | '－' if digit(before) && digit(after) => {
                half(if c == '．' { '.' } else { '-' })
            }
            '．' => '.',
            ',' | '，' | ':' | '：' if digit(before) && digit(after) => half(c),
            '(' | '（' => {
                let is_full = wide(before) || wide(after);
                open.push(is_full);
                if is_full {
                    '（'
                } else {
                    '('
                }
            }
            ')' | '）' => {
                let is_full = open.pop().unwrap_or(wide(before) || wide(after));
                if is_full {
                    '）'
                } else {
                    ')'
                }
            }
            ',' | '，' | ':' | '：' | ';' | '；' | '!' | '！' | '?' | '？' => {
                if wide(before) || wide(after) {
                    full(c)
                } else {
                    half(c)
                }
            }
            _ => c,
        };
        out.push(c);
    }
    // Spaces: none beside a wide character, one at most elsewhere, none at the ends.
    let mut text = String::with_capacity(raw.len());
    for (i, &c) in out.iter().enumerate() {
        if c == ' ' {
            let before = out[..i].iter().rev().find(|&&c| c != ' ').copied();
            let after = out[i + 1..].iter().find(|&&c| c != ' ').copied();
            let keep = before.is_some_and(|b| !is_wide(b))
                && after.is_some_and(|a| !is_wide(a))
                && !text.ends_with(' ');
            if keep {
                text.push(' ');
            }
        } else {
            text.push(c);
        }
    }
    text
}

/// Whether two lines of one paragraph need a space between them (Latin words do; Chinese and
/// a number broken over two lines do not).
pub(crate) fn needs_space(left: &str, right: &str) -> bool {
    let end = left.chars().next_back();
    let start = right.chars().next();
    if end.is_some_and(|c| c.is_ascii_digit()) && start.is_some_and(|c| c.is_ascii_digit()) {
        return false;
    }
    end.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, ',' | '.' | ':' | ';' | '!' | '?'))
        && start.is_some_and(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_punctuation_beside_chinese_half_width_in_numbers() {
        assert_eq!(
            tidy("支付宝账号和姓名不匹配,请确认姓名是否正确"),
            "支付宝账号和姓名不匹配，请确认姓名是否正确"
        );
        assert_eq!(tidy("提现金额：￥1，000．00"), "提现金额：¥1,000.00");
        assert_eq!(tidy("10：24"), "10:24");
        assert_eq!(tidy("交易已受理!请稍后查询"), "交易已受理！请稍后查询");
        assert_eq!(tidy("Error: code 5"), "Error: code 5");
    }

    #[test]
    fn full_width_letters_and_digits_become_half_width() {
        assert_eq!(tidy("ＩＤ：１２３ ５０％"), "ID:123 50%");
        assert_eq!(tidy("ＵＩＤ１２３，请重试"), "UID123，请重试");
    }

    #[test]
    fn spaces_between_chinese_go_and_others_collapse() {
        assert_eq!(tidy(" 当日 提现  金额 "), "当日提现金额");
        assert_eq!(tidy("code   500  error"), "code 500 error");
        assert_eq!(tidy("¥ 500.00 元"), "¥ 500.00元");
    }

    #[test]
    fn brackets_match_their_opening_form() {
        assert_eq!(tidy("请联系客服(95188)"), "请联系客服（95188）");
        assert_eq!(tidy("fee (0.1%)"), "fee (0.1%)");
    }

    #[test]
    fn latin_lines_of_one_paragraph_are_joined_with_a_space() {
        assert!(needs_space("please try", "again later"));
        assert!(!needs_space("当日提现金额", "已超过限额"));
        assert!(!needs_space("limit", "，"));
        assert!(!needs_space("客服热线95", "017。"));
    }
}
