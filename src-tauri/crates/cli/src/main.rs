//! `tixian`: the command line over `tixian-core`. It parses arguments, calls core and prints;
//! the contract (names, flags, JSON keys, exit codes) is `shared/contracts/cli.md`.

mod commands;
mod output;

use clap::{Parser, Subcommand};
use output::Out;
use std::path::PathBuf;
use std::process::ExitCode;
use tixian_core::{CoreError, Lang, Store};

#[derive(Parser)]
#[command(name = "tixian", version, about = "提现助手 Tixian — diagnose withdrawals, track platform money, prepare complaints")]
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
    /// Check an evidence bundle: tixian verify FILE.pdf (exit 0 only if nothing changed).
    Verify(commands::bundle::VerifyArgs),
}

/// What every command gets: the chosen language, output mode and a lazily opened store.
pub struct Ctx {
    pub lang: Lang,
    pub out: Out,
    db: Option<PathBuf>,
}

impl Ctx {
    pub fn open_store(&self) -> Result<Store, CoreError> {
        let path = self.db.clone().unwrap_or_else(tixian_core::store::default_db_path);
        Store::open(&path)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
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
                eprintln!("error: --lang: “{tag}” is not a language; use zh or en");
                return ExitCode::from(2);
            }
        },
        None => Lang::from_tag(&std::env::var("LANG").unwrap_or_default()),
    };
    let ctx = Ctx { lang, out: Out { json: cli.json, lang }, db: cli.db };
    let result = match cli.command {
        Command::Platform(cmd) => commands::platform::run(&ctx, cmd),
        Command::Balance(args) => commands::balance::run(&ctx, args),
        Command::Verify(args) => commands::bundle::verify(&ctx, args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let prefix = match lang {
                Lang::Zh => "错误",
                Lang::En => "error",
            };
            eprintln!("{prefix}: {}", e.message(lang));
            ExitCode::from(e.exit_code())
        }
    }
}
