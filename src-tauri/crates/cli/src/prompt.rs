//! Asking for a secret on the terminal (the ZIP password), without echoing it, so it needs
//! neither a flag (visible in `ps`) nor an environment variable.

use std::io::{BufRead, IsTerminal, Write};
use tixian_core::Lang;

/// Reads one line from the terminal with echo off. `None` when stdin is not a terminal (a
/// script), so the caller reports the missing password as usual.
pub fn secret(lang: Lang, zh: &str, en: &str) -> Option<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return None;
    }
    let label = match lang {
        Lang::Zh => zh,
        Lang::En => en,
    };
    eprint!("{label}");
    let _ = std::io::stderr().flush();
    let restore = echo_off();
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    drop(restore);
    eprintln!();
    read.ok()?;
    let typed = line.trim_end_matches(['\r', '\n']).to_string();
    (!typed.is_empty()).then_some(typed)
}

/// Turns terminal echo off until the returned guard is dropped.
#[cfg(unix)]
fn echo_off() -> Option<impl Drop> {
    struct Restore(libc::termios);
    impl Drop for Restore {
        fn drop(&mut self) {
            // SAFETY: fd 0 is the terminal the settings were read from.
            unsafe {
                libc::tcsetattr(0, libc::TCSANOW, &self.0);
            }
        }
    }
    // SAFETY: tcgetattr fills the zeroed struct; fd 0 is a terminal (checked by the caller).
    unsafe {
        let mut term: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(0, &mut term) != 0 {
            return None;
        }
        let saved = Restore(term);
        term.c_lflag &= !libc::ECHO;
        if libc::tcsetattr(0, libc::TCSANOW, &term) != 0 {
            return None;
        }
        Some(saved)
    }
}

#[cfg(not(unix))]
fn echo_off() -> Option<()> {
    None
}
