//! `tixian import FILE [--platform NAME] [--password PW]`: import a WeChat Pay or Alipay bill
//! (CSV, XLSX, or the ZIP it came in). Without `--platform` the rows go to 微信支付 (kind
//! wechat) or 支付宝 (kind alipay) by the bill's format, created if missing.

use crate::Ctx;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tixian_core::import::{self, ImportOptions, ImportReport};
use tixian_core::{CoreError, Field, Lang};

#[derive(Args)]
pub struct ImportArgs {
    /// The bill export: CSV, XLSX or ZIP (detected from the content, not the name).
    file: PathBuf,
    /// Platform to import into (default: 微信支付 or 支付宝 by the bill's format, created if missing).
    #[arg(long)]
    platform: Option<String>,
    /// Password of an encrypted ZIP (WeChat Pay sends it in the 微信支付 chat). So that it does
    /// not show in `ps`, it can instead come from `TIXIAN_ZIP_PASSWORD` or, when neither is given
    /// and the terminal is interactive, from a prompt (not echoed).
    #[arg(long)]
    password: Option<String>,
}

/// Set by SIGINT (Ctrl+C) while an import runs: the import stops between batches and rolls
/// back (exit 130, nothing stored, nothing kept in the vault).
static INTERRUPTED: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();

#[cfg(unix)]
extern "C" fn on_sigint(_: libc::c_int) {
    if let Some(flag) = INTERRUPTED.get() {
        flag.store(true, Ordering::Relaxed);
    }
}

/// The cancel flag Ctrl+C sets (on Unix; elsewhere Ctrl+C ends the process, and SQLite rolls
/// back the unfinished transaction on the next open).
fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = INTERRUPTED
        .get_or_init(|| Arc::new(AtomicBool::new(false)))
        .clone();
    #[cfg(unix)]
    // SAFETY: the handler only stores to an atomic that is initialised before it is installed.
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
    flag
}

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<ExitCode, CoreError> {
    let file = args.file.display().to_string();
    let report = if import::stream::streams(&args.file) {
        streamed(ctx, args)?
    } else {
        whole(ctx, &file, args)?
    };
    print_report(ctx, &file, &report);
    Ok(ExitCode::SUCCESS)
}

/// A large text or XLSX bill, streamed from the file (bounded memory); it is checked as it is stored,
/// in the import's one transaction, so a bad one still changes nothing.
fn streamed(ctx: &Ctx, args: ImportArgs) -> Result<ImportReport, CoreError> {
    let options = ImportOptions {
        platform: args.platform,
        cancel: Some(interrupt_flag()),
        ..ImportOptions::default()
    };
    let (now, mut store) = (ctx.now(), ctx.open_store()?);
    import::import_file(&mut store, &args.file, &options, &now, &mut |_| {})
}

/// Any other bill, read and parsed before the database is opened: a bad file never touches it.
fn whole(ctx: &Ctx, file: &str, args: ImportArgs) -> Result<ImportReport, CoreError> {
    let bytes = import::read_input(&args.file, file)?;
    let password = args
        .password
        .or_else(|| std::env::var("TIXIAN_ZIP_PASSWORD").ok());
    let (bill, password) = parse(ctx, file, &bytes, password.filter(|p| !p.is_empty()))?;
    let options = ImportOptions {
        platform: args.platform,
        password,
        cancel: Some(interrupt_flag()),
    };
    let (now, mut store) = (ctx.now(), ctx.open_store()?);
    let vault = tixian_core::store::vault_dir(store.path());
    let mut progress = |_: import::ImportProgress| {};
    import::store_parsed(
        &mut store,
        file,
        &bytes,
        &bill,
        &options,
        &vault,
        &now,
        &mut progress,
    )
}

/// The bill in `bytes`, and the password that opened it: a ZIP that needs one and was given
/// none asks for it on the terminal (once).
fn parse(
    ctx: &Ctx,
    file: &str,
    bytes: &[u8],
    password: Option<String>,
) -> Result<(import::ParsedBill, Option<String>), CoreError> {
    match import::parse(file, bytes, password.as_deref()) {
        Err(e) if password.is_none() && e.named_field() == Some(&Field::Password) => {
            match crate::prompt::secret(ctx.lang, "ZIP 解压密码：", "ZIP password: ") {
                Some(typed) => Ok((import::parse(file, bytes, Some(&typed))?, Some(typed))),
                None => Err(e),
            }
        }
        other => Ok((other?, password)),
    }
}

fn print_report(ctx: &Ctx, file: &str, report: &ImportReport) {
    ctx.out.print(report, |lang| {
        let t = &report.totals;
        match lang {
            Lang::Zh => format!(
                "{file}（{}）→ {}：共 {} 行，新导入 {}，重复 {}，提现 {}；支出 {}，收入 {}，不计收支 {}",
                report.format,
                report.platform,
                report.rows,
                report.imported,
                report.duplicates,
                report.withdrawals,
                t.expense.display(),
                t.income.display(),
                t.neutral.display()
            ),
            Lang::En => format!(
                "{file} ({}) → {}: {} rows, {} imported, {} duplicates, {} withdrawals; expense {}, income {}, neutral {}",
                report.format,
                report.platform,
                report.rows,
                report.imported,
                report.duplicates,
                report.withdrawals,
                t.expense.display(),
                t.income.display(),
                t.neutral.display()
            ),
        }
    });
}
