//! [`Field`] names every value a person types, picks or hands in, once, for every error that
//! points at one. Core never spells a field the way one front end does: the CLI maps each field
//! to its flag or argument in one table (`cli/src/fields.rs`), the app sends [`Field::key`] to
//! the UI, which shows the message beside the input of that name.

use std::fmt;

/// A value the user gave, named for whoever shows the error.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field {
    // Platforms and money.
    /// A platform the user names (it must be in the ledger, or a case's platform).
    Platform,
    /// The name of a platform being added or renamed.
    PlatformName,
    /// A platform kind: wechat, alipay, bank …
    PlatformKind,
    /// A free note (platform, danger signal).
    Note,
    TestIntervalDays,
    OperatingSince,
    /// An amount of money: a balance, a withdrawal, a case.
    Amount,
    Fee,
    /// When something happened or is evaluated: a balance snapshot, an event, "now".
    At,
    /// When a withdrawal was requested.
    RequestedAt,
    ArrivedAt,
    /// A withdrawal's status.
    WithdrawalStatus,
    CardTail,
    /// What the platform showed, verbatim.
    Message,
    /// An undo record handed back.
    Deleted,
    // Health.
    SignalKind,
    MonthlySpending,
    OutsideMoney,
    // Bills and transactions.
    /// A file the user names: a bill, an evidence file, a backup archive, a bundle PDF.
    File,
    /// The password of an encrypted ZIP.
    Password,
    /// The app lock's passphrase (the current one: to unlock, change or remove the lock).
    Passphrase,
    /// The passphrase being set (`lock set`, `lock change`).
    NewPassphrase,
    /// The passphrase a backup was made under, when it is not the current one (the lock was
    /// changed or removed since, or the backup comes from another computer).
    BackupPassphrase,
    /// A transaction filter: income, expense or neutral.
    Direction,
    /// The first day of a range (transactions, a route's deadlines, a deadline's count).
    From,
    /// The last day of a range.
    To,
    // Cases.
    Summary,
    Occurred,
    Account,
    CaseStatus,
    Stage,
    Channel,
    Tier,
    /// A free text: a timeline entry, an image's text, payout-rule text.
    Text,
    /// An evidence item a timeline entry refers to.
    Evidence,
    Caption,
    TakenAt,
    Agent,
    Said,
    Promise,
    Due,
    Outcome,
    /// When a pasted chat was received.
    Received,
    /// Who a complaint went to.
    Body,
    Reference,
    Filed,
    WorkingDays,
    Days,
    /// Who a letter is for: platform or regulator.
    Recipient,
    /// Which regulator's online form: 12315, 12378 or 12363.
    FormChannel,
    Applicant,
    /// One row of the bundle's 证据目录, keyed `rows[N].key`, `.name` or `.purpose`
    /// ([`Field::catalog_row`]).
    CatalogRow(String),
    /// A 目录 row's name, purpose or place in the order, given by its key (the CLI's
    /// `case catalog`).
    CatalogName,
    CatalogPurpose,
    CatalogOrder,
    /// Where an export is written.
    Out,
    /// A screenshot to read.
    Image,
    /// The database file.
    Database,
    /// A file in the user's rule folder.
    RuleFolder,
    /// A holiday notice's text.
    Notice,
    Year,
    /// Whether to replace what is there (a calendar year).
    Replace,
    /// A backup archive to restore.
    Restore,
    /// A path typed into the app.
    Path,
    /// The first-run sample (it exists already).
    Sample,
    /// The answer to the interview question with this id.
    Answer(String),
    /// A name shown as it is, the same everywhere: a key path inside a case file
    /// (`account.balance`), a bill's column header, a field of a rule file, an environment
    /// variable.
    Named(String),
}

impl Field {
    /// A name inside a file or the environment, shown as it is.
    pub fn named(name: impl Into<String>) -> Field {
        Field::Named(name.into())
    }

    /// Row `row` (from 0) of the 证据目录, its `part`: key, name or purpose.
    pub fn catalog_row(row: usize, part: &str) -> Field {
        Field::CatalogRow(format!("rows[{row}].{part}"))
    }

    /// The stable key the UI matches its inputs on (`amount`, `arrived_at`, `rows[2].name`).
    pub fn key(&self) -> &str {
        match self {
            Field::Platform => "platform",
            Field::PlatformName => "name",
            Field::PlatformKind | Field::SignalKind => "kind",
            Field::Note => "note",
            Field::TestIntervalDays => "test_interval_days",
            Field::OperatingSince => "operating_since",
            Field::Amount => "amount",
            Field::Fee => "fee",
            Field::At => "at",
            Field::RequestedAt => "requested_at",
            Field::ArrivedAt => "arrived_at",
            Field::WithdrawalStatus | Field::CaseStatus => "status",
            Field::CardTail => "card_tail",
            Field::Message => "message",
            Field::Deleted => "deleted",
            Field::MonthlySpending => "monthly_spending",
            Field::OutsideMoney => "outside_money",
            Field::File => "file",
            Field::Password => "password",
            Field::Passphrase => "passphrase",
            Field::NewPassphrase => "new_passphrase",
            Field::BackupPassphrase => "backup_passphrase",
            Field::Direction => "direction",
            Field::From => "from",
            Field::To | Field::Recipient => "to",
            Field::Summary => "summary",
            Field::Occurred => "occurred",
            Field::Account => "account",
            Field::Stage => "stage",
            Field::Channel => "channel",
            Field::Tier => "tier",
            Field::Text => "text",
            Field::Evidence => "evidence",
            Field::Caption => "caption",
            Field::TakenAt => "taken_at",
            Field::Agent => "agent",
            Field::Said => "said",
            Field::Promise => "promise",
            Field::Due => "due",
            Field::Outcome => "outcome",
            Field::Received => "received",
            Field::Body => "body",
            Field::Reference => "reference",
            Field::Filed => "filed",
            Field::WorkingDays => "working_days",
            Field::Days => "days",
            Field::FormChannel => "for",
            Field::Applicant => "applicant",
            Field::CatalogName => "catalog_name",
            Field::CatalogPurpose => "catalog_purpose",
            Field::CatalogOrder => "catalog_order",

            Field::Out => "out",
            Field::Image => "image",
            Field::Database => "db",
            Field::RuleFolder => "rules",
            Field::Notice => "notice",
            Field::Year => "year",
            Field::Replace => "replace",
            Field::Restore => "restore",
            Field::Path => "path",
            Field::Sample => "sample",
            Field::Answer(id) | Field::Named(id) | Field::CatalogRow(id) => id,
        }
    }

    /// Whether the field is something the user typed into a form (the app shows the message
    /// beside that input, so the message does not repeat its name) rather than a name inside
    /// a file, which the message must say.
    pub fn is_input(&self) -> bool {
        !matches!(self, Field::Named(_))
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{CoreError, Lang};

    /// What the app shows for `e`, in both languages, names no command-line flag.
    pub(crate) fn assert_app_message_has_no_flag(e: &CoreError) {
        for lang in [Lang::Zh, Lang::En] {
            let shown = e.to_api(lang).message;
            assert!(!shown.contains("--"), "{shown}");
            assert!(
                e.to_api(lang).field.is_none_or(|f| !f.starts_with('-')),
                "{e:?}"
            );
        }
    }

    #[test]
    fn an_input_is_not_named_in_the_app_a_name_in_a_file_is() {
        let typed = CoreError::invalid(Field::Password, "ZIP 解压密码不正确", "wrong");
        assert_eq!(typed.to_api(Lang::Zh).message, "ZIP 解压密码不正确");
        assert_eq!(typed.to_api(Lang::Zh).field.as_deref(), Some("password"));
        let cell =
            CoreError::invalid(Field::named("金额(元)"), "不是金额", "not an amount").at("a.csv:4");
        assert_eq!(cell.to_api(Lang::Zh).message, "a.csv:4: 金额(元): 不是金额");
        assert_eq!(
            typed.message_naming(Lang::En, |_| Some("--password".into())),
            "--password: wrong"
        );
    }

    #[test]
    fn keys_are_the_ui_input_names() {
        assert_eq!(Field::ArrivedAt.key(), "arrived_at");
        assert_eq!(Field::Password.key(), "password");
        assert_eq!(Field::catalog_row(2, "name").key(), "rows[2].name");
        assert_eq!(Field::named("account.balance").key(), "account.balance");
        assert!(Field::Amount.is_input());
        assert!(!Field::named("金额(元)").is_input());
    }

    /// No core source file outside tests spells a command-line flag: a field is a `Field`, and
    /// how the CLI writes it is the CLI's business (so no message in the app carries `--x`).
    #[test]
    fn core_source_never_spells_a_flag() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                if path.is_dir() {
                    if name != "tests" {
                        stack.push(path);
                    }
                    continue;
                }
                if !name.ends_with(".rs") || name.contains("tests") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                // Code before the file's `#[cfg(test)]` module only.
                let code = text.split("#[cfg(test)]").next().unwrap_or("");
                for (n, line) in code.lines().enumerate() {
                    if is_flag_literal(line) {
                        offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "flag spellings in core:\n{}",
            offenders.join("\n")
        );
    }

    /// `"--name` or `--name ` inside a string literal on this line (a `--` followed by a
    /// lowercase letter right after a quote or a space, within quotes).
    fn is_flag_literal(line: &str) -> bool {
        let mut in_string = false;
        let bytes = line.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'"' && (i == 0 || bytes[i - 1] != b'\\') {
                in_string = !in_string;
            }
            if in_string
                && b == b'-'
                && bytes.get(i + 1) == Some(&b'-')
                && bytes.get(i + 2).is_some_and(u8::is_ascii_lowercase)
                && (i == 0 || matches!(bytes[i - 1], b'"' | b' ' | b'('))
            {
                return true;
            }
        }
        false
    }

    #[test]
    fn flag_literals_are_found() {
        assert!(is_flag_literal(
            r#"CoreError::invalid("--password", "x", "y")"#
        ));
        assert!(is_flag_literal(r#"format!("use --yes to confirm")"#));
        assert!(!is_flag_literal(r#"let x = a--b; // --not in a string"#));
        assert!(!is_flag_literal(r#"cells.starts_with("---")"#));
    }
}
