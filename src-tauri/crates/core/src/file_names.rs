//! File names Tixian makes up (the evidence copies beside a bundle) that are valid on Windows,
//! macOS and Linux alike, so a bundle folder copied to a Windows PC or a USB stick opens there.
//!
//! Windows refuses `< > : " / \ | ? *` and control characters, drops trailing dots and spaces
//! (so `报告.` and `报告` collide), and reserves the device names `CON`, `PRN`, `AUX`, `NUL`,
//! `COM1`–`COM9` and `LPT1`–`LPT9` with any extension (`con.txt` too), in any case
//! (Microsoft, "Naming Files, Paths, and Namespaces").

/// At most this many characters: far below every file system's limit (255 UTF-16 units on
/// NTFS, 255 bytes on ext4 — a Chinese character is 3 bytes), with room for a folder prefix.
pub const MAX_CHARS: usize = 80;

/// `name` made valid everywhere: forbidden characters become `_`, trailing dots and spaces go,
/// a reserved device name gets a leading `_`, and a long name is shortened keeping its
/// extension. Never empty.
pub fn portable(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"/\\|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && !e.is_empty() && e.chars().count() <= 8 => (s, Some(e)),
        _ => (cleaned.as_str(), None),
    };
    let room = MAX_CHARS - ext.map_or(0, |e| e.chars().count() + 1);
    let mut out: String = stem.chars().take(room).collect();
    if let Some(e) = ext {
        out.push('.');
        out.push_str(e);
    }
    let trimmed = out.trim_end_matches(['.', ' ']).len();
    out.truncate(trimmed);
    if out.is_empty() {
        return "_".into();
    }
    if is_reserved(&out) {
        out.insert(0, '_');
    }
    out
}

/// `CON`, `nul.txt`, `Com1.tar.gz` …: a Windows device name, whatever follows the first dot.
fn is_reserved(name: &str) -> bool {
    let base = name
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_ascii_uppercase();
    match base.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" => true,
        _ => {
            let (prefix, digit) = base.split_at(base.len().min(3));
            matches!(prefix, "COM" | "LPT")
                && digit.len() == 1
                && matches!(digit.as_bytes()[0], b'1'..=b'9')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_become_underscores() {
        assert_eq!(
            portable("a<b>c:d\"e/f\\g|h?i*j.png"),
            "a_b_c_d_e_f_g_h_i_j.png"
        );
        assert_eq!(portable("tab\there\u{7}.txt"), "tab_here_.txt");
    }

    #[test]
    fn trailing_dots_and_spaces_go() {
        assert_eq!(portable("报告. . "), "报告");
        assert_eq!(portable("截图."), "截图");
        assert_eq!(portable("..."), "_");
        assert_eq!(portable(""), "_");
    }

    #[test]
    fn reserved_device_names_are_prefixed_in_any_case_and_with_any_extension() {
        for name in [
            "CON",
            "con",
            "Prn.txt",
            "aux.tar.gz",
            "NUL.png",
            "COM1",
            "lpt9.pdf",
            "con .txt",
        ] {
            assert!(
                portable(name).starts_with('_'),
                "{name} → {}",
                portable(name)
            );
        }
        for name in [
            "CONSOLE.txt",
            "COM10",
            "LPT0",
            "COM",
            "01_CON_2026-06-15.png",
            "nullable",
        ] {
            assert_eq!(portable(name), name, "{name} is not reserved");
        }
    }

    #[test]
    fn long_names_are_shortened_keeping_the_extension() {
        let long = format!("{}.png", "提".repeat(200));
        let short = portable(&long);
        assert_eq!(short.chars().count(), MAX_CHARS);
        assert!(short.ends_with("提.png"), "{short}");
    }

    #[test]
    fn ordinary_names_are_unchanged() {
        for name in [
            "01_提现失败截图_2026-06-15.png",
            "bill.csv",
            "案件3_证据包_2026-11-23.pdf",
        ] {
            assert_eq!(portable(name), name);
        }
    }
}
