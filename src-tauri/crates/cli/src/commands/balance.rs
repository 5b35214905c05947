use crate::Ctx;
use clap::Args;
use std::process::ExitCode;
use tixian_core::Field;
use tixian_core::{ledger, CoreError, Lang, Money};

#[derive(Args)]
pub struct BalanceArgs {
    /// Platform name, as added with `tixian platform add`.
    name: String,
    /// Amount in yuan, e.g. 1234.50.
    amount: String,
    /// When the balance was seen (default now); without offset it is Asia/Shanghai time.
    #[arg(long)]
    at: Option<String>,
}

pub fn run(ctx: &Ctx, args: BalanceArgs) -> Result<ExitCode, CoreError> {
    // Validate every input before the database is opened, so bad input never touches it.
    let amount = Money::parse_amount(&args.amount)?;
    let now = ctx.now();
    let at = ctx.at(args.at.as_deref(), Field::At)?;
    let mut store = ctx.open_store()?;
    let snapshot =
        store.transaction(|tx| ledger::add_balance(tx, &args.name, amount, &at, &now))?;
    ctx.out.print(&snapshot, |lang| match lang {
        Lang::Zh => format!(
            "已记录 {} 余额 {}（{}）",
            snapshot.platform,
            snapshot.amount.display(),
            snapshot.at
        ),
        Lang::En => format!(
            "Recorded {} balance {} ({})",
            snapshot.platform,
            snapshot.amount.display(),
            snapshot.at
        ),
    });
    Ok(ExitCode::SUCCESS)
}
