use crate::Ctx;
use clap::Subcommand;
use std::process::ExitCode;
use tixian_core::ledger::{self, MoneyOverview, NewPlatform, PlatformKind};
use tixian_core::{CoreError, Lang};

#[derive(Subcommand)]
pub enum PlatformCommand {
    /// Add a platform: tixian platform add NAME --kind KIND [--note TEXT].
    Add {
        name: String,
        /// wechat | alipay | unionpay | bank | ecommerce | content | investment | lending | crossborder | other
        #[arg(long)]
        kind: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// List platforms with their latest balance and share.
    List,
    /// Permanently erase a platform with its balances, withdrawals, imported bills and their
    /// original files (no undo; cases about it stay): tixian platform erase NAME --yes.
    Erase {
        name: String,
        #[arg(long)]
        yes: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: PlatformCommand) -> Result<ExitCode, CoreError> {
    match cmd {
        PlatformCommand::Add { name, kind, note } => add(ctx, name, kind, note),
        PlatformCommand::Erase { name, yes } => {
            super::erase::run(ctx, super::erase::Target::Platform(&name), yes)
        }
        PlatformCommand::List => {
            let store = ctx.open_store()?;
            let overview = ledger::overview(store.conn())?;
            ctx.out.print(&overview, |lang| list_text(&overview, lang));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn add(ctx: &Ctx, name: String, kind: String, note: String) -> Result<ExitCode, CoreError> {
    let kind: PlatformKind = kind.parse()?;
    let new = NewPlatform { name, kind, note };
    let mut store = ctx.open_store()?;
    let now = ctx.now();
    let platform = store.transaction(|tx| ledger::add_platform(tx, &new, &now))?;
    ctx.out.print(&platform, |lang| match lang {
        Lang::Zh => format!("已添加平台 {}（{}）", platform.name, platform.kind),
        Lang::En => format!("Added platform {} ({})", platform.name, platform.kind),
    });
    Ok(ExitCode::SUCCESS)
}

/// `platform list`: each platform's balance and share, then the total.
fn list_text(overview: &MoneyOverview, lang: Lang) -> String {
    let t = |zh: &'static str, en: &'static str| if lang == Lang::Zh { zh } else { en };
    let mut lines = vec![format!(
        "{:<16} {:<12} {:>16} {:>8}",
        t("平台", "platform"),
        t("类型", "kind"),
        t("余额", "balance"),
        t("占比", "share")
    )];
    for p in &overview.platforms {
        let balance = p.balance.map(|b| b.display());
        let share = p.share.as_deref().map(percent);
        lines.push(format!(
            "{:<16} {:<12} {:>16} {:>8}",
            p.name,
            p.kind,
            balance.unwrap_or_else(|| "—".into()),
            share.unwrap_or_else(|| "—".into())
        ));
    }
    lines.push(format!(
        "{} {}",
        t("合计", "total"),
        overview.total.display()
    ));
    lines.join("\n")
}

/// "0.7000" → "70.0%" for people.
fn percent(share: &str) -> String {
    let (int, frac) = share.split_once('.').unwrap_or((share, "0000"));
    let basis: u32 = format!("{int}{frac:0<4}").parse().unwrap_or(0);
    format!("{}.{}%", basis / 100, (basis % 100) / 10)
}
