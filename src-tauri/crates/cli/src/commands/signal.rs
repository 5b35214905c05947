//! `tixian signal PLATFORM KIND [--note TEXT] [--at TIME]`: log a danger signal on a platform.

use crate::Ctx;
use clap::Args;
use std::process::ExitCode;
use tixian_core::health::{self, SignalKind};
use tixian_core::Field;
use tixian_core::{CoreError, Lang};

#[derive(Args)]
pub struct SignalArgs {
    /// Platform name, as added with `tixian platform add`.
    platform: String,
    /// raised_threshold | more_maintenance | slower_support | longer_arrivals | other
    kind: String,
    /// What you noticed, e.g. "门槛从 100 元提高到 200 元".
    #[arg(long, default_value = "")]
    note: String,
    /// When you noticed it (default now); without offset it is Asia/Shanghai time.
    #[arg(long)]
    at: Option<String>,
}

pub fn run(ctx: &Ctx, args: SignalArgs) -> Result<ExitCode, CoreError> {
    let kind: SignalKind = args.kind.parse()?;
    let now = ctx.now();
    let at = ctx.at(args.at.as_deref(), Field::At)?;
    let mut store = ctx.open_store()?;
    let signal = store
        .transaction(|tx| health::log_signal(tx, &args.platform, kind, &args.note, &at, &now))?;
    ctx.out.print(&signal, |lang| match lang {
        Lang::Zh => format!(
            "已记录 {} 的危险信号 {}（{}）",
            signal.platform,
            signal.kind.as_str(),
            signal.at
        ),
        Lang::En => format!(
            "Logged danger signal {} on {} ({})",
            signal.kind.as_str(),
            signal.platform,
            signal.at
        ),
    });
    Ok(ExitCode::SUCCESS)
}
