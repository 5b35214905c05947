//! `tixian withdraw NAME AMOUNT --at TIME …`: record a withdrawal attempt (or a test withdrawal).

use crate::Ctx;
use clap::Args;
use std::process::ExitCode;
use tixian_core::ledger::{self, NewWithdrawal, Withdrawal, WithdrawalStatus};
use tixian_core::Field;
use tixian_core::{time, CoreError, Lang, Money};

#[derive(Args)]
pub struct WithdrawArgs {
    /// Platform name, as added with `tixian platform add`.
    name: String,
    /// Amount asked to be paid out, in yuan, e.g. 100.00 (the fee is separate).
    amount: String,
    /// When it was requested; without offset it is Asia/Shanghai time.
    #[arg(long)]
    at: String,
    /// A scheduled small test withdrawal.
    #[arg(long)]
    test: bool,
    /// Fee charged, in yuan.
    #[arg(long)]
    fee: Option<String>,
    /// requested | arrived | failed | returned (default: arrived with --arrived-at, else requested).
    #[arg(long)]
    status: Option<String>,
    /// When the money reached the card.
    #[arg(long = "arrived-at")]
    arrived_at: Option<String>,
    /// What the app said, verbatim (e.g. the failure message).
    #[arg(long, default_value = "")]
    message: String,
    /// Last digits of the destination card, e.g. 9876.
    #[arg(long = "card-tail", default_value = "")]
    card_tail: String,
}

pub fn run(ctx: &Ctx, args: WithdrawArgs) -> Result<ExitCode, CoreError> {
    // Validate every input before the database is opened, so bad input never touches it.
    let new = parse(args)?;
    let now = ctx.now();
    let mut store = ctx.open_store()?;
    let w = store.transaction(|tx| ledger::add_withdrawal(tx, &new, &now))?;
    ctx.out.print(&w, |lang| human(&w, lang));
    Ok(ExitCode::SUCCESS)
}

/// The withdrawal the arguments describe; without `--status` it arrived when `--arrived-at`
/// is given, else it is requested.
fn parse(args: WithdrawArgs) -> Result<NewWithdrawal, CoreError> {
    let amount = Money::parse_amount(&args.amount)?;
    let fee = match &args.fee {
        Some(text) => Money::parse_amount(text).map_err(|e| e.field(Field::Fee))?,
        None => Money::ZERO,
    };
    let requested_at = time::parse_time(&args.at, Field::At)?;
    let arrived_at = args.arrived_at.as_deref();
    let arrived_at = arrived_at
        .map(|t| time::parse_time(t, Field::ArrivedAt))
        .transpose()?;
    let status = match &args.status {
        Some(s) => s.parse::<WithdrawalStatus>()?,
        None if arrived_at.is_some() => WithdrawalStatus::Arrived,
        None => WithdrawalStatus::Requested,
    };
    Ok(NewWithdrawal {
        platform: args.name,
        amount,
        fee,
        status,
        is_test: args.test,
        requested_at,
        arrived_at,
        card_tail: args.card_tail,
        message: args.message,
    })
}

fn human(w: &Withdrawal, lang: Lang) -> String {
    let test = match (w.is_test, lang) {
        (false, _) => "",
        (true, Lang::Zh) => "测试",
        (true, Lang::En) => "test ",
    };
    match lang {
        Lang::Zh => format!(
            "已记录 {} {test}提现 {}（{}，{}）",
            w.platform,
            w.amount.display(),
            w.status.as_str(),
            w.requested_at
        ),
        Lang::En => format!(
            "Recorded {} {test}withdrawal {} ({}, {})",
            w.platform,
            w.amount.display(),
            w.status.as_str(),
            w.requested_at
        ),
    }
}
