//! `tixian`: the command line over `tixian-core`. It parses arguments, calls core and prints;
//! the contract (names, flags, JSON keys, exit codes) is `shared/contracts/cli.md`.

mod commands;
mod fields;
mod output;
mod prompt;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use output::Out;
use std::path::PathBuf;
use std::process::ExitCode;
use tixian_core::time::Timestamp;
use tixian_core::{CoreError, Field, Lang, Store, Workspace};

#[derive(Parser)]
#[command(
    name = "tixian",
    version,
    about = "提现助手 Tixian — diagnose withdrawals, track platform money, prepare complaints"
)]
struct Cli {
    /// Database file (default: the app's data directory).
    #[arg(long, global = true, env = "TIXIAN_DB")]
    db: Option<PathBuf>,
    /// Print one JSON document (JSONL for --batch).
    #[arg(long, global = true)]
    json: bool,
    /// Language of human output: zh or en (default from LANG, falling back to zh).
    #[arg(long, global = true)]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Platforms you keep money on.
    #[command(subcommand)]
    Platform(commands::platform::PlatformCommand),
    /// Record a balance snapshot: tixian balance NAME AMOUNT [--at TIME].
    Balance(commands::balance::BalanceArgs),
    /// Due date under Chinese working-day rules: tixian deadline --from DATE (--working-days N | --days N).
    Deadline(commands::deadline::DeadlineArgs),
    /// Working-day calendars: tixian calendar import NOTICE.txt [--year YYYY] (next year's holidays).
    #[command(subcommand)]
    Calendar(commands::calendar::CalendarCommand),
    /// Where to complain, step by step: tixian route KIND [--from DATE].
    Route(commands::route::RouteArgs),
    /// Complaint cases: timeline, evidence, customer-service log, letters.
    #[command(subcommand)]
    Case(commands::case::CaseCommand),
    /// Diagnose a failed withdrawal: tixian diagnose [--batch] [--image SCREENSHOT] [FILE|-].
    Diagnose(commands::diagnose::DiagnoseArgs),
    /// Read the text in a screenshot, offline: tixian ocr IMAGE.
    Ocr(commands::ocr::OcrArgs),
    /// The knowledge base: kb check, kb list.
    #[command(subcommand)]
    Kb(commands::kb::KbCommand),
    /// Record a withdrawal: tixian withdraw NAME AMOUNT --at TIME [--test] [--fee] [--status] [--arrived-at] [--message].
    Withdraw(commands::withdraw::WithdrawArgs),
    /// Import a WeChat Pay or Alipay bill (CSV, XLSX or its ZIP): tixian import FILE [--platform NAME] [--password PW].
    Import(commands::import::ImportArgs),
    /// Platform health: tixian health [--due] [--at TIME] (--due exits 1 when something is due).
    Health(commands::health::HealthArgs),
    /// Log a danger signal: tixian signal PLATFORM KIND [--note TEXT] [--at TIME].
    Signal(commands::signal::SignalArgs),
    /// Save a platform's payout-rule text and show what changed: tixian rules-snapshot PLATFORM FILE|-.
    #[command(name = "rules-snapshot")]
    RulesSnapshot(commands::rules_snapshot::RulesSnapshotArgs),
    /// Record the quarterly review as done: tixian review [--at TIME] [--note TEXT].
    Review(commands::review::ReviewArgs),
    /// Health settings: tixian settings set monthly-spending|outside-money AMOUNT, settings show.
    #[command(subcommand)]
    Settings(commands::settings::SettingsCommand),
    /// Back up the database and evidence vault into one archive: tixian backup FILE.
    Backup(commands::backup::BackupArgs),
    /// Restore a backup archive (keeps a copy of the current database): tixian restore FILE --yes.
    Restore(commands::backup::RestoreArgs),
    /// Check an evidence bundle: tixian verify FILE.pdf (exit 0 only if nothing changed).
    Verify(commands::bundle::VerifyArgs),
    /// The optional app lock (passphrase from TIXIAN_PASSPHRASE or a prompt): lock set | change | remove --yes | status.
    #[command(subcommand)]
    Lock(commands::lock::LockCommand),
}

/// `TIXIAN_PASSPHRASE`, the app lock's passphrase for a script (never a flag: `ps` shows those).
pub fn passphrase_from_env() -> Result<Option<tixian_core::crypto::Passphrase>, CoreError> {
    match std::env::var("TIXIAN_PASSPHRASE") {
        Ok(text) if !text.is_empty() => {
            tixian_core::crypto::Passphrase::new(text, Field::Passphrase).map(Some)
        }
        _ => Ok(None),
    }
}

/// `TIXIAN_BACKUP_PASSPHRASE`, the passphrase a backup was made under when it is not the
/// current one (`restore` after `lock change` or `lock remove`, or on another computer).
pub fn backup_passphrase_from_env() -> Result<Option<tixian_core::crypto::Passphrase>, CoreError> {
    match std::env::var("TIXIAN_BACKUP_PASSPHRASE") {
        Ok(text) if !text.is_empty() => {
            tixian_core::crypto::Passphrase::new(text, Field::BackupPassphrase).map(Some)
        }
        _ => Ok(None),
    }
}

/// The passphrase for a locked database: `TIXIAN_PASSPHRASE`, else asked on a terminal when
/// the command reads the database. None leaves a locked database to say it is locked.
fn passphrase_for(
    ws: &Workspace,
    command: &str,
    lang: Lang,
) -> Result<Option<tixian_core::crypto::Passphrase>, CoreError> {
    if let Some(p) = passphrase_from_env()? {
        return Ok(Some(p));
    }
    let first = command.split(' ').next().unwrap_or("");
    let no_database = ["deadline", "route", "ocr", "verify", "kb", "diagnose"].contains(&first)
        || ["lock status", "lock set"].contains(&command);
    if no_database || !ws.is_locked() {
        return Ok(None);
    }
    prompt::secret(lang, "应用锁密码：", "App lock passphrase: ")
        .map(|text| tixian_core::crypto::Passphrase::new(text, Field::Passphrase))
        .transpose()
}

/// What every command gets: the chosen language, output mode and the workspace (the database
/// path and what hangs off it, opened lazily, and the clock).
pub struct Ctx {
    pub lang: Lang,
    pub out: Out,
    pub ws: Workspace,
    /// The command's words (`"case new"`), for how an error names its field.
    pub command: String,
}

impl Ctx {
    pub fn open_store(&self) -> Result<Store, CoreError> {
        self.ws.open_store()
    }

    /// The user's rule folder: `rules/` beside the database this run uses, where a calendar
    /// year the user imports is saved and from where every deadline counts it.
    pub fn user_rules(&self) -> PathBuf {
        self.ws.user_rules()
    }

    /// The database file this run uses (`--db`, `TIXIAN_DB` or the default).
    pub fn db_path(&self) -> PathBuf {
        self.ws.db_path().to_path_buf()
    }

    /// Now, or the time `TIXIAN_NOW` pins.
    pub fn now(&self) -> Timestamp {
        self.ws.now()
    }

    /// `--at TEXT` when given (named `field` in the error), else now.
    pub fn at(&self, text: Option<&str>, field: Field) -> Result<Timestamp, CoreError> {
        self.ws.at(text, field)
    }

    /// An error as this command prints it: each field named by its flag or argument.
    pub fn message(&self, e: &CoreError) -> String {
        message(&self.command, e, self.lang)
    }
}

fn message(command: &str, e: &CoreError, lang: Lang) -> String {
    let text = e.message_naming(lang, |field| Some(fields::spelling(command, field)));
    match (e, lang) {
        (CoreError::Damaged { .. }, Lang::Zh) => format!("{text}（tixian restore 备份文件 --yes）"),
        (CoreError::Damaged { .. }, Lang::En) => format!("{text} (tixian restore FILE --yes)"),
        (CoreError::Locked { .. }, Lang::Zh) => {
            format!("{text}（用环境变量 TIXIAN_PASSPHRASE 提供密码，或在终端里运行以输入密码）")
        }
        (CoreError::Locked { .. }, Lang::En) => format!(
            "{text} (give it in the TIXIAN_PASSPHRASE environment variable, or run the command in a terminal to type it)"
        ),
        _ => text,
    }
}

/// The subcommand's words, `"case new"`, `"balance"`.
fn command_words(matches: &clap::ArgMatches) -> String {
    let mut words = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        words.push(name);
        m = sub;
    }
    words.join(" ")
}

fn main() -> ExitCode {
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, command_words(&m))));
    let (cli, command) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            // clap prints usage errors itself; --help and --version are not errors.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let lang = match cli.lang.as_deref() {
        Some(tag) => match Lang::parse(tag) {
            Some(l) => l,
            None => {
                let tag = tixian_core::error::printable(tag);
                eprintln!("error: --lang: “{tag}” is not a language; use zh or en");
                return ExitCode::from(2);
            }
        },
        None => Lang::from_tag(&std::env::var("LANG").unwrap_or_default()),
    };
    let prefix = match lang {
        Lang::Zh => "错误",
        Lang::En => "error",
    };
    let ws = match Workspace::from_env(cli.db).and_then(|mut ws| {
        ws.set_passphrase(passphrase_for(&ws, &command, lang)?);
        Ok(ws)
    }) {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("{prefix}: {}", message(&command, &e, lang));
            return ExitCode::from(e.exit_code());
        }
    };
    let ctx = Ctx {
        lang,
        out: Out {
            json: cli.json,
            lang,
        },
        ws,
        command,
    };
    let result = match cli.command {
        Command::Platform(cmd) => commands::platform::run(&ctx, cmd),
        Command::Balance(args) => commands::balance::run(&ctx, args),
        Command::Deadline(args) => commands::deadline::run(&ctx, args),
        Command::Calendar(cmd) => commands::calendar::run(&ctx, cmd),
        Command::Route(args) => commands::route::run(&ctx, args),
        Command::Case(cmd) => commands::case::run(&ctx, cmd),
        Command::Diagnose(args) => commands::diagnose::run(&ctx, args),
        Command::Ocr(args) => commands::ocr::run(&ctx, args),
        Command::Kb(cmd) => commands::kb::run(&ctx, cmd),
        Command::Withdraw(args) => commands::withdraw::run(&ctx, args),
        Command::Import(args) => commands::import::run(&ctx, args),
        Command::Health(args) => commands::health::run(&ctx, args),
        Command::Signal(args) => commands::signal::run(&ctx, args),
        Command::RulesSnapshot(args) => commands::rules_snapshot::run(&ctx, args),
        Command::Review(args) => commands::review::run(&ctx, args),
        Command::Settings(cmd) => commands::settings::run(&ctx, cmd),
        Command::Backup(args) => commands::backup::backup(&ctx, args),
        Command::Restore(args) => commands::backup::restore(&ctx, args),
        Command::Verify(args) => commands::bundle::verify(&ctx, args),
        Command::Lock(cmd) => commands::lock::run(&ctx, cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{prefix}: {}", ctx.message(&e));
            ExitCode::from(e.exit_code())
        }
    }
}
