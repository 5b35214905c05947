//! How the command line names the field an error points at: the one table from core's
//! [`Field`] to a flag or argument. Core never spells a flag; a command whose argument is
//! positional (`balance NAME AMOUNT`) says so here, every other field is the flag the user typed.

use std::borrow::Cow;
use tixian_core::Field;

/// The name of `field` on the command line while `command` (its words, `"case new"`) runs.
pub fn spelling<'a>(command: &str, field: &'a Field) -> Cow<'a, str> {
    if let Some(arg) = positional(command, field) {
        return Cow::Borrowed(arg);
    }
    Cow::Borrowed(match field {
        Field::Named(name) | Field::Answer(name) | Field::CatalogRow(name) => name,
        Field::At | Field::RequestedAt => "--at",
        Field::ArrivedAt => "--arrived-at",
        Field::Occurred => "--occurred",
        Field::TakenAt => "--taken-at",
        Field::Due => "--due",
        Field::Filed => "--filed",
        Field::Received => "--received",
        Field::From => "--from",
        Field::Amount => "--amount",
        Field::Fee => "--fee",
        Field::WithdrawalStatus => "--status",
        Field::CardTail => "--card-tail",
        Field::Message => "--message",
        Field::Platform => "--platform",
        Field::PlatformKind => "--kind",
        Field::Note => "--note",
        Field::Password => "--password",
        Field::Passphrase => "TIXIAN_PASSPHRASE",
        Field::NewPassphrase => "TIXIAN_NEW_PASSPHRASE",
        Field::BackupPassphrase => "TIXIAN_BACKUP_PASSPHRASE",
        Field::Database => "--db",
        Field::Summary => "--summary",
        Field::Account => "--account",
        Field::Tier => "--tier",
        Field::Channel => "--channel",
        Field::Text => "--text",
        Field::Evidence => "--evidence",
        Field::Caption => "--caption",
        Field::Agent => "--agent",
        Field::Said => "--said",
        Field::Promise => "--promise",
        Field::Outcome => "--outcome",
        Field::Body => "--body",
        Field::Reference => "--reference",
        Field::WorkingDays => "--working-days",
        Field::Days => "--days",
        Field::Recipient => "--to",
        Field::FormChannel => "--for",
        Field::Applicant => "--applicant",
        Field::CatalogName => "--name",
        Field::CatalogPurpose => "--purpose",
        Field::CatalogOrder => "--order",
        Field::Year => "--year",
        Field::File => "FILE",
        Field::Image => "IMAGE",
        // Fields with no flag of their own keep core's name.
        other => other.key(),
    })
}

/// The arguments that stand for a field under another name, per command.
fn positional(command: &str, field: &Field) -> Option<&'static str> {
    Some(match (command, field) {
        ("kb explain-message", Field::PlatformKind) => "--platform",
        ("balance" | "withdraw", Field::Amount) => "AMOUNT",
        // A platform named by the first argument: the message names the platform.
        ("balance" | "withdraw" | "signal" | "rules-snapshot", Field::Platform) => "platform",
        ("platform add", Field::PlatformName) => "name",
        ("route", Field::PlatformKind) | ("signal", Field::SignalKind) => "KIND",
        ("case status", Field::CaseStatus) => "STATUS",
        ("case stage", Field::Stage) => "STAGE",
        (
            "settings set",
            Field::MonthlySpending | Field::OutsideMoney | Field::TestIntervalDays,
        ) => "VALUE",
        // The bill itself: its errors name the place in the file.
        ("import", Field::File) => "file",
        ("calendar import", Field::File) => "NOTICE",
        _ => return None,
    })
}

/// An argument only the command line has (`--yes`, `--split`), named as it is spelled.
pub fn flag(spelling: &str) -> Field {
    Field::named(spelling)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_its_flag_unless_the_command_takes_it_as_an_argument() {
        assert_eq!(spelling("case new", &Field::Amount), "--amount");
        assert_eq!(spelling("balance", &Field::Amount), "AMOUNT");
        assert_eq!(spelling("withdraw", &Field::RequestedAt), "--at");
        assert_eq!(spelling("platform add", &Field::PlatformKind), "--kind");
        assert_eq!(spelling("route", &Field::PlatformKind), "KIND");
        assert_eq!(spelling("import", &Field::Password), "--password");
        assert_eq!(
            spelling("case follow-up", &Field::WorkingDays),
            "--working-days"
        );
        assert_eq!(spelling("import", &Field::named("金额(元)")), "金额(元)");
    }
}
