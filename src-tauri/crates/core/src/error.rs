//! One error type for the core. Every variant knows whether it is the user's input (exit 2 in the
//! CLI, a message beside the field in the app) or our own failure (exit 3).

use crate::lang::{Lang, Text};
use serde::Serialize;

/// Core result alias.
pub type Result<T, E = CoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A typed or imported value is wrong. `field` names it (a flag, a JSON key, a column),
    /// `location` adds the file and line when the value came from a file.
    #[error("{}{field}: {}", location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default(), message.en)]
    Invalid {
        field: String,
        message: Text,
        location: Option<String>,
    },
    /// Something the user named does not exist (platform, case, rule).
    #[error("{what} not found: {key}")]
    NotFound { what: &'static str, key: String },
    /// The action would clash with what is stored (e.g. a platform name already taken).
    #[error("{field}: {}", message.en)]
    Conflict { field: String, message: Text },
    /// The database was written by a newer Tixian; we refuse to touch it.
    #[error("the database {path} was written by a newer version of Tixian (schema {found}, this version knows {supported}); it was not changed — update Tixian to open it")]
    NewerDatabase {
        path: String,
        found: i64,
        supported: i64,
    },
    /// The database file is damaged (`PRAGMA quick_check` failed); it was opened read-only and
    /// not changed. Exit 3.
    #[error("the database {path} is damaged ({detail}); it was not changed — restore the newest backup (tixian restore FILE --yes)")]
    Damaged { path: String, detail: String },
    /// A check ran and failed (verify found a change, kb check found a broken rule): exit 1.
    #[error("{0}")]
    CheckFailed(String),
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl CoreError {
    /// Bad input in `field`, explained in both languages.
    pub fn invalid(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        CoreError::Invalid {
            field: field.into(),
            message: Text::new(zh, en),
            location: None,
        }
    }

    /// The message in the user's language, with file/line and field in front where known.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CoreError::Invalid { field, message, location }, _) => {
                let loc = location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default();
                format!("{loc}{field}: {}", message.get(lang))
            }
            (CoreError::Conflict { field, message }, _) => format!("{field}: {}", message.get(lang)),
            (CoreError::NotFound { what, key }, Lang::Zh) => format!("找不到{}：{key}", zh_noun(what)),
            (CoreError::NewerDatabase { path, found, supported }, Lang::Zh) => format!(
                "数据库 {path} 由更新版本的提现助手写入（结构版本 {found}，本版本支持 {supported}），未做任何改动；请升级提现助手后再打开"
            ),
            (CoreError::Damaged { path, detail }, Lang::Zh) => format!(
                "数据库 {path} 已损坏（{detail}），未做任何改动；请从最近的备份恢复（tixian restore 备份文件 --yes）"
            ),
            (CoreError::Db(e), Lang::Zh) => format!("数据库错误：{e}"),
            (CoreError::Io(e), Lang::Zh) => format!("文件错误：{e}"),
            (CoreError::Internal(e), Lang::Zh) => format!("内部错误：{e}"),
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
    pub fn field(self, name: impl Into<String>) -> Self {
        match self {
            CoreError::Invalid {
                message, location, ..
            } => CoreError::Invalid {
                field: name.into(),
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
            CoreError::Db(_) | CoreError::Io(_) | CoreError::Internal(_) => "internal",
        }
    }

    /// CLI exit code per the contract: 1 check failed, 2 bad input, 3 internal.
    pub fn exit_code(&self) -> u8 {
        match self {
            CoreError::CheckFailed(_) => 1,
            CoreError::Invalid { .. }
            | CoreError::NotFound { .. }
            | CoreError::Conflict { .. }
            | CoreError::NewerDatabase { .. } => 2,
            CoreError::Damaged { .. }
            | CoreError::Db(_)
            | CoreError::Io(_)
            | CoreError::Internal(_) => 3,
        }
    }

    pub fn field_name(&self) -> Option<&str> {
        match self {
            CoreError::Invalid { field, .. } | CoreError::Conflict { field, .. } => Some(field),
            _ => None,
        }
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
