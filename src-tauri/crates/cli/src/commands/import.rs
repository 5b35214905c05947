//! `tixian import FILE [--platform NAME] [--password PW]`: import a WeChat Pay or Alipay bill
//! (CSV, XLSX, or the ZIP it came in). Without `--platform` the rows go to 微信支付 (kind
//! wechat) or 支付宝 (kind alipay) by the bill's format, created if missing.

use crate::Ctx;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use tixian_core::import::{self, ImportOptions};
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

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<ExitCode, CoreError> {
    // Read and parse before the database is opened: a bad file never touches it.
    let file = args.file.display().to_string();
    let bytes = import::read_input(&args.file, &file)?;
    let mut password = args
        .password
        .or_else(|| std::env::var("TIXIAN_ZIP_PASSWORD").ok())
        .filter(|p| !p.is_empty());
    let bill = match import::parse(&file, &bytes, password.as_deref()) {
        Err(e) if password.is_none() && e.named_field() == Some(&Field::Password) => {
            match crate::prompt::secret(ctx.lang, "ZIP 解压密码：", "ZIP password: ") {
                Some(typed) => {
                    let bill = import::parse(&file, &bytes, Some(&typed))?;
                    password = Some(typed);
                    bill
                }
                None => return Err(e),
            }
        }
        other => other?,
    };
    let options = ImportOptions {
        platform: args.platform,
        password,
    };
    let now = ctx.now();
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
