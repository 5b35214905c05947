//! One error type for the core. Every variant knows whether it is the user's input (exit 2 in the
//! CLI, a message beside the field in the app) or our own failure (exit 3).

use crate::field::Field;
use crate::lang::{Lang, Text};
use serde::Serialize;
use std::borrow::Cow;

/// Core result alias.
pub type Result<T, E = CoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A typed or imported value is wrong. `field` names it (an input, a JSON key, a column),
    /// `location` adds the file and line when the value came from a file.
    #[error("{}{field}: {}", location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default(), message.en)]
    Invalid {
        field: Field,
        message: Text,
        location: Option<String>,
    },
    /// Something the user named does not exist (platform, case, rule).
    #[error("{what} not found: {key}")]
    NotFound { what: &'static str, key: String },
    /// The action would clash with what is stored (e.g. a platform name already taken).
    #[error("{field}: {}", message.en)]
    Conflict { field: Field, message: Text },
    /// The database was written by a newer Tixian; we refuse to touch it.
    #[error("the database {path} was written by a newer version of Tixian (schema {found}, this version knows {supported}); it was not changed — update Tixian to open it")]
    NewerDatabase {
        path: String,
        found: i64,
        supported: i64,
    },
    /// The database file is damaged (`PRAGMA quick_check` failed); it was opened read-only and
    /// not changed. Exit 3.
    #[error(
        "the database {path} is damaged ({detail}); it was not changed — restore the newest backup"
    )]
    Damaged { path: String, detail: String },
    /// The database is encrypted by the app lock and no passphrase was given. Exit 2.
    #[error(
        "the database {path} is locked with the app lock; its passphrase is needed to open it"
    )]
    Locked { path: String },
    /// A check ran and failed (verify found a change, kb check found a broken rule): exit 1.
    #[error("{0}")]
    CheckFailed(String),
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal error: {0}")]
    Internal(String),
    /// The user stopped the action (an import's Cancel button, Ctrl+C); its transaction was
    /// rolled back, so nothing of it was stored. Exit 130, as for an interrupted command.
    #[error("cancelled: nothing was stored")]
    Cancelled,
}

impl CoreError {
    /// Bad input in `field`, explained in both languages.
    pub fn invalid(field: Field, zh: impl Into<String>, en: impl Into<String>) -> Self {
        CoreError::Invalid {
            field,
            message: Text::new(zh, en),
            location: None,
        }
    }

    /// The message as the app shows it, in the user's language: file/line in front where
    /// known, and the field only when it is a name inside a file (`金额(元)`, `account.balance`)
    /// — an input's message is shown beside that input. Each line is made safe to print
    /// ([`printable`]: a bill cell, a sheet or ZIP entry name cannot move the cursor or recolour
    /// the terminal).
    pub fn message(&self, lang: Lang) -> String {
        self.message_naming(lang, |field| {
            (!field.is_input()).then(|| Cow::Borrowed(field.key()))
        })
    }

    /// The message with every field named as `spell` writes it (the CLI names each field by
    /// its flag or argument; `None` leaves a field unnamed).
    pub fn message_naming<'a>(
        &'a self,
        lang: Lang,
        spell: impl Fn(&'a Field) -> Option<Cow<'a, str>>,
    ) -> String {
        let raw = self.raw_message(lang, spell);
        raw.split('\n')
            .map(printable)
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn raw_message<'a>(
        &'a self,
        lang: Lang,
        spell: impl Fn(&'a Field) -> Option<Cow<'a, str>>,
    ) -> String {
        let named = |field: &'a Field| spell(field).map(|s| format!("{s}: ")).unwrap_or_default();
        match (self, lang) {
            (CoreError::Invalid { field, message, location }, _) => {
                let loc = location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default();
                format!("{loc}{}{}", named(field), message.get(lang))
            }
            (CoreError::Conflict { field, message }, _) => {
                format!("{}{}", named(field), message.get(lang))
            }
            (CoreError::NotFound { what, key }, Lang::Zh) => format!("找不到{}：{key}", zh_noun(what)),
            (CoreError::NewerDatabase { path, found, supported }, Lang::Zh) => format!(
                "数据库 {path} 由更新版本的提现助手写入（结构版本 {found}，本版本支持 {supported}），未做任何改动；请升级提现助手后再打开"
            ),
            (CoreError::Damaged { path, detail }, Lang::Zh) => format!(
                "数据库 {path} 已损坏（{detail}），未做任何改动；请从最近的备份恢复"
            ),
            (CoreError::Locked { path }, Lang::Zh) => {
                format!("数据库 {path} 已用应用锁加密，需要密码才能打开")
            }
            (CoreError::Db(e), Lang::Zh) => format!("数据库错误：{e}"),
            (CoreError::Io(e), Lang::Zh) => format!("文件错误：{e}"),
            (CoreError::Internal(e), Lang::Zh) => format!("内部错误：{e}"),
            (CoreError::Cancelled, Lang::Zh) => "已取消，未保存任何内容".to_string(),
            _ => self.to_string(),
        }
    }

    /// Adds "file:line" (or any location) to an `Invalid` error; other errors pass through.
    pub fn at(self, location: impl Into<String>) -> Self {
        match self {
            CoreError::Invalid { field, message, .. } => CoreError::Invalid {
                field,
                message,
                location: Some(location.into()),
            },
            other => other,
        }
    }

    /// Renames the field of an `Invalid` error (a parser knows the value, the caller its name).
    pub fn field(self, name: Field) -> Self {
        match self {
            CoreError::Invalid {
                message, location, ..
            } => CoreError::Invalid {
                field: name,
                message,
                location,
            },
            other => other,
        }
    }

    /// The stable code clients match on (never the message text).
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Invalid { .. } => "invalid",
            CoreError::NotFound { .. } => "not_found",
            CoreError::Conflict { .. } => "conflict",
            CoreError::NewerDatabase { .. } => "newer_database",
            CoreError::CheckFailed(_) => "check_failed",
            CoreError::Damaged { .. } => "damaged",
            CoreError::Locked { .. } => "locked",
            CoreError::Db(_) | CoreError::Io(_) | CoreError::Internal(_) => "internal",
            CoreError::Cancelled => "cancelled",
        }
    }

    /// CLI exit code per the contract: 1 check failed, 2 bad input, 3 internal.
    pub fn exit_code(&self) -> u8 {
        match self {
            CoreError::CheckFailed(_) => 1,
            CoreError::Invalid { .. }
            | CoreError::NotFound { .. }
            | CoreError::Conflict { .. }
            | CoreError::NewerDatabase { .. }
            | CoreError::Locked { .. } => 2,
            CoreError::Damaged { .. }
            | CoreError::Db(_)
            | CoreError::Io(_)
            | CoreError::Internal(_) => 3,
            CoreError::Cancelled => 130,
        }
    }

    /// The field an `Invalid` or `Conflict` error points at.
    pub fn named_field(&self) -> Option<&Field> {
        match self {
            CoreError::Invalid { field, .. } | CoreError::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }

    /// That field's key ([`Field::key`]), what the UI matches its inputs on.
    pub fn field_name(&self) -> Option<&str> {
        self.named_field().map(Field::key)
    }

    /// The typed error that crosses IPC: the UI shows `message` beside `field`.
    pub fn to_api(&self, lang: Lang) -> ApiError {
        ApiError {
            code: self.code().to_string(),
            message: self.message(lang),
            field: self.field_name().map(str::to_string),
        }
    }
}

/// What the app's UI receives when a command fails.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

/// `text` as it may be shown on a terminal or in a message: escape sequences (`ESC [ … m`,
/// `ESC ] … BEL`, their one-character C1 forms) are removed whole, tabs and line breaks (`\r`
/// included) become a space, and every other C0 or C1 control character, DEL and the
/// bidirectional embeddings, overrides and isolates (which reorder what follows) are removed.
/// What a hostile bill puts in a cell is then only text. Borrowed when nothing needed changing.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || is_bidi_control(c);
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // ESC X → the C1 control X + 0x40 (ESC [ is CSI, ESC ] is OSC …).
        let c1 = if c == '\u{1b}' {
            match chars.peek().copied() {
                Some(n @ '@'..='_') => {
                    chars.next();
                    Some(char::from(n as u8 + 0x40))
                }
                Some(' '..='/') => {
                    // ESC, intermediates, one final byte (ESC ( B …).
                    while chars.next_if(|n| matches!(n, ' '..='/')).is_some() {}
                    chars.next_if(|n| matches!(n, '0'..='~'));
                    continue;
                }
                Some('0'..='~') => {
                    chars.next();
                    continue;
                }
                _ => continue,
            }
        } else if ('\u{80}'..='\u{9f}').contains(&c) {
            Some(c)
        } else {
            None
        };
        match c1 {
            // CSI: parameters and intermediates, then one final byte.
            Some('\u{9b}') => {
                while chars.next_if(|n| matches!(n, ' '..='?')).is_some() {}
                chars.next_if(|n| matches!(n, '@'..='~'));
            }
            // DCS, SOS, OSC, PM, APC: a string up to BEL or ST (ESC \ or U+009C).
            Some('\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}') => {
                while let Some(n) = chars.next() {
                    if n == '\u{7}' || n == '\u{9c}' {
                        break;
                    }
                    if n == '\u{1b}' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            Some(_) => {}
            None if matches!(c, '\t' | '\n' | '\r' | '\u{b}' | '\u{c}') => out.push(' '),
            None if unsafe_char(c) => {}
            None => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn zh_noun(what: &str) -> &str {
    match what {
        "platform" => "平台",
        "case" => "案件",
        "rule" => "规则",
        "evidence" => "证据",
        "diagnosis" => "诊断记录",
        other => other,
    }
}
