//! `tixian withdraw NAME AMOUNT --at TIME …`: record a withdrawal attempt (or a test withdrawal).

use crate::Ctx;
use clap::Args;
use std::process::ExitCode;
use tixian_core::ledger::{self, NewWithdrawal, WithdrawalStatus};
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
    let amount = Money::parse_amount(&args.amount)?;
    let fee = match &args.fee {
        Some(text) => Money::parse_amount(text).map_err(|e| e.field(Field::Fee))?,
        None => Money::ZERO,
    };
    let requested = time::parse_time(&args.at, Field::At)?;
    let arrived = args
        .arrived_at
        .as_deref()
        .map(|t| time::parse_time(t, Field::ArrivedAt))
        .transpose()?;
    let status = match &args.status {
        Some(s) => s.parse::<WithdrawalStatus>()?,
        None if arrived.is_some() => WithdrawalStatus::Arrived,
        None => WithdrawalStatus::Requested,
    };
    let new = NewWithdrawal {
        platform: args.name,
        amount,
        fee,
        status,
        is_test: args.test,
        requested_at: time::to_rfc3339(&requested),
        arrived_at: arrived.as_ref().map(time::to_rfc3339),
        card_tail: args.card_tail,
        message: args.message,
    };
    let now = ctx.now();
    let mut store = ctx.open_store()?;
    let w = store.transaction(|tx| ledger::add_withdrawal(tx, &new, &now))?;
    ctx.out.print(&w, |lang| {
        let test = if w.is_test {
            ctx.out.t("测试", "test ")
        } else {
            ""
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
    });
    Ok(ExitCode::SUCCESS)
}
