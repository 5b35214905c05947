//! `tixian review [--at TIME] [--note TEXT]`: record the quarterly review as done, with every
//! checklist item confirmed (licences valid, rules re-read, test withdrawals done, shares within
//! limits). The app records the checklist item by item.

use crate::Ctx;
use clap::Args;
use std::process::ExitCode;
use tixian_core::health::{self, ReviewChecklist};
use tixian_core::Field;
use tixian_core::{CoreError, Lang};

#[derive(Args)]
pub struct ReviewArgs {
    /// When it was done (default now).
    #[arg(long)]
    at: Option<String>,
    #[arg(long, default_value = "")]
    note: String,
}

pub fn run(ctx: &Ctx, args: ReviewArgs) -> Result<ExitCode, CoreError> {
    let at = ctx.at(args.at.as_deref(), Field::At)?;
    let checklist = ReviewChecklist {
        licences_valid: true,
        rules_reread: true,
        tests_done: true,
        shares_within_limits: true,
        note: args.note,
    };
    let mut store = ctx.open_store()?;
    let review = store.transaction(|tx| health::record_review(tx, &at, &checklist))?;
    ctx.out.print(&review, |lang| match lang {
        Lang::Zh => format!("已记录季度检查（{}）", review.done_at),
        Lang::En => format!("Quarterly review recorded ({})", review.done_at),
    });
    Ok(ExitCode::SUCCESS)
}
