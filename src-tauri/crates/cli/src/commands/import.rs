//! `tixian import FILE [--platform NAME] [--password PW]`: import a WeChat Pay or Alipay bill
//! (CSV, XLSX, or the ZIP it came in). Without `--platform` the rows go to 微信支付 (kind
//! wechat) or 支付宝 (kind alipay) by the bill's format, created if missing.

use crate::Ctx;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tixian_core::import::{self, ImportOptions};
use tixian_core::{time, CoreError, Lang};

#[derive(Args)]
pub struct ImportArgs {
    /// The bill export: CSV, XLSX or ZIP (detected from the content, not the name).
    file: PathBuf,
    /// Platform to import into (default: 微信支付 or 支付宝 by the bill's format, created if missing).
    #[arg(long)]
    platform: Option<String>,
    /// Password of an encrypted ZIP (WeChat Pay sends it in the 微信支付 chat).
    #[arg(long)]
    password: Option<String>,
}

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<ExitCode, CoreError> {
    // Read and parse before the database is opened: a bad file never touches it.
    let file = args.file.display().to_string();
    let bytes = import::read_input(&args.file, &file)?;
    let bill = import::parse(&file, &bytes, args.password.as_deref())?;
    let options = ImportOptions {
        platform: args.platform,
        password: args.password,
    };
    let now = time::now();
    let mut store = ctx.open_store()?;
    let vault = tixian_core::store::vault_dir(store.path());
    let report = import::store_parsed(
        &mut store,
        &file,
        &bytes,
        &bill,
        &options,
        &vault,
        &now,
        &mut |_| {},
    )?;
    ctx.out.print(&report, |lang| {
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
    Ok(ExitCode::SUCCESS)
}
