//! `tixian settings set KEY VALUE` / `tixian settings show`: the figures health uses.
//! Keys: `monthly-spending` and `outside-money` (yuan; `none` clears), and
//! `test-interval PLATFORM` is set with `tixian settings set test-interval DAYS --platform NAME`;
//! `notifications on|off` switches the app's desktop notifications (the same switch as Settings).

use crate::Ctx;
use clap::Subcommand;
use std::process::ExitCode;
use tixian_core::health::{self, HealthSettings};
use tixian_core::ledger;
use tixian_core::Field;
use tixian_core::{CoreError, Lang, Money};

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// Set a value: monthly-spending AMOUNT | outside-money AMOUNT | test-interval DAYS --platform NAME | notifications on|off.
    Set {
        /// monthly-spending | outside-money | test-interval | notifications
        key: String,
        /// Yuan for the money keys (`none` clears); whole days (1–366) for test-interval.
        value: String,
        /// The platform, for test-interval.
        #[arg(long)]
        platform: Option<String>,
    },
    /// Show the health settings.
    Show,
}

fn amount(value: &str, field: Field) -> Result<Option<Money>, CoreError> {
    if value.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    Money::parse_amount(value)
        .map(Some)
        .map_err(|e| e.field(field))
}

pub fn run(ctx: &Ctx, cmd: SettingsCommand) -> Result<ExitCode, CoreError> {
    match cmd {
        SettingsCommand::Show => {
            let store = ctx.open_store()?;
            print_settings(ctx, &health::health_settings(store.conn())?);
        }
        SettingsCommand::Set { key, value, platform } => match key.as_str() {
            "monthly-spending" => set_amount(ctx, Field::MonthlySpending, &value)?,
            "outside-money" => set_amount(ctx, Field::OutsideMoney, &value)?,
            "test-interval" => set_test_interval(ctx, &value, platform)?,
            "notifications" => set_notifications(ctx, &value)?,
            other => {
                return Err(CoreError::invalid(
                    crate::fields::flag("KEY"),
                    format!("未知设置“{other}”，可选：monthly-spending、outside-money、test-interval、notifications"),
                    format!("unknown setting “{other}”; use monthly-spending, outside-money, test-interval or notifications"),
                ))
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// `monthly-spending` or `outside-money` (`field`): yuan, or `none` to clear.
fn set_amount(ctx: &Ctx, field: Field, value: &str) -> Result<(), CoreError> {
    let v = amount(value, field.clone())?;
    let (now, mut store) = (ctx.now(), ctx.open_store()?);
    let s = store.transaction(|tx| {
        let mut s = health::health_settings(tx)?;
        match field {
            Field::MonthlySpending => s.monthly_spending = v,
            _ => s.outside_money = v,
        }
        health::set_health_settings(tx, &s, &now)
    })?;
    print_settings(ctx, &s);
    Ok(())
}

fn set_test_interval(ctx: &Ctx, value: &str, platform: Option<String>) -> Result<(), CoreError> {
    let days: i64 = value
        .trim()
        .parse()
        .ok()
        .filter(|d| (1..=366).contains(d))
        .ok_or_else(|| {
            CoreError::invalid(
                Field::TestIntervalDays,
                format!("“{value}”不是 1–366 之间的天数"),
                format!("“{value}” is not a number of days between 1 and 366"),
            )
        })?;
    let name = platform.ok_or_else(|| {
        CoreError::invalid(
            Field::Platform,
            "请用 --platform 指定平台",
            "name the platform with --platform",
        )
    })?;
    let (now, mut store) = (ctx.now(), ctx.open_store()?);
    let p = store.transaction(|tx| {
        let id = ledger::require_platform(tx, &name)?.id;
        ledger::set_test_interval(tx, id, days, &now)
    })?;
    ctx.out.print(&p, |lang| match lang {
        Lang::Zh => format!("{} 的测试提现间隔：{} 天", p.name, p.test_interval_days),
        Lang::En => format!(
            "{}: a test withdrawal every {} days",
            p.name, p.test_interval_days
        ),
    });
    Ok(())
}

fn set_notifications(ctx: &Ctx, value: &str) -> Result<(), CoreError> {
    let on = match value.trim() {
        "on" => true,
        "off" => false,
        _ => {
            return Err(CoreError::invalid(
                crate::fields::flag("VALUE"),
                format!("“{value}”应为 on 或 off"),
                format!("“{value}” should be on or off"),
            ))
        }
    };
    let mut store = ctx.open_store()?;
    store.transaction(|tx| health::set_notifications_enabled(tx, on))?;
    let json = serde_json::json!({ "notifications": on });
    ctx.out.print(&json, |lang| match (lang, on) {
        (Lang::Zh, true) => "桌面通知：开".into(),
        (Lang::Zh, false) => "桌面通知：关".into(),
        (Lang::En, true) => "Desktop notifications: on".into(),
        (Lang::En, false) => "Desktop notifications: off".into(),
    });
    Ok(())
}

fn print_settings(ctx: &Ctx, s: &HealthSettings) {
    let show = |m: Option<Money>| m.map(|m| m.display()).unwrap_or_else(|| "—".into());
    ctx.out.print(s, |lang| match lang {
        Lang::Zh => format!(
            "每月开销：{}\n平台外的钱：{}",
            show(s.monthly_spending),
            show(s.outside_money)
        ),
        Lang::En => format!(
            "Monthly spending: {}\nMoney outside platforms: {}",
            show(s.monthly_spending),
            show(s.outside_money)
        ),
    });
}
