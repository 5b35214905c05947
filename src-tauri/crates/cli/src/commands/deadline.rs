//! `tixian deadline --from DATE (--working-days N | --days N)`: a due date under Chinese rules.

use crate::Ctx;
use clap::Args;
use std::process::ExitCode;
use tixian_core::calendar::{CalendarKind, DueDate};
use tixian_core::Field;
use tixian_core::{time, CoreError, Lang};

/// The longest period accepted: far beyond any complaint deadline, short enough to count fast.
const MAX_DAYS: u32 = 36_500;

#[derive(Args)]
pub struct DeadlineArgs {
    /// Start date, YYYY-MM-DD (not counted itself).
    #[arg(long)]
    from: String,
    /// Count N working days (weekends and statutory holidays skipped, make-up days counted).
    #[arg(long, allow_hyphen_values = true)]
    working_days: Option<String>,
    /// Count N calendar days; a last day on a holiday or rest day moves to the next working day.
    #[arg(long, allow_hyphen_values = true)]
    days: Option<String>,
}

pub fn run(ctx: &Ctx, args: DeadlineArgs) -> Result<ExitCode, CoreError> {
    let from = time::parse_date(&args.from, Field::From)?;
    let calendar = ctx.ws.calendar()?;
    let due = match (&args.working_days, &args.days) {
        (Some(n), None) => calendar.add_working_days(from, count(n, Field::WorkingDays)?),
        (None, Some(n)) => calendar.add_calendar_days(from, count(n, Field::Days)?),
        (Some(_), Some(_)) => {
            return Err(CoreError::invalid(
                Field::WorkingDays,
                "--working-days 和 --days 只能给一个",
                "give either --working-days or --days, not both",
            ))
        }
        (None, None) => {
            return Err(CoreError::invalid(
                Field::WorkingDays,
                "请给出 --working-days N 或 --days N",
                "give --working-days N or --days N",
            ))
        }
    };
    let unknown = calendar.unknown_years(due.from, due.due);
    ctx.out.print(&due, |lang| human(&due, &unknown, lang));
    Ok(ExitCode::SUCCESS)
}

fn count(text: &str, field: Field) -> Result<u32, CoreError> {
    let t = text.trim();
    if t.starts_with('-') {
        return Err(CoreError::invalid(
            field.clone(),
            format!("“{text}”是负数；天数不能为负"),
            format!("“{text}” is negative; give 0 or more days"),
        ));
    }
    match t.parse::<u32>() {
        Ok(n) if n <= MAX_DAYS => Ok(n),
        Ok(_) => Err(CoreError::invalid(
            field.clone(),
            format!("{t} 天太长，最多 {MAX_DAYS}"),
            format!("{t} days is too long; at most {MAX_DAYS}"),
        )),
        Err(_) => Err(CoreError::invalid(
            field.clone(),
            format!("“{text}”不是天数，请写整数，如 15"),
            format!("“{text}” is not a number of days; use a whole number, e.g. 15"),
        )),
    }
}

fn human(due: &DueDate, unknown: &[i32], lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let period = match (due.working_days, due.days, zh) {
        (Some(n), _, true) => format!("{n} 个工作日"),
        (Some(n), _, false) => format!("{n} working days"),
        (_, Some(n), true) => format!("{n} 天"),
        (_, Some(n), false) => format!("{n} days"),
        _ => String::new(),
    };
    let mut lines = vec![if zh {
        format!(
            "自 {} 起（当日不计）{period}：{} 到期（{}）",
            due.from,
            due.due,
            weekday(due.due, lang)
        )
    } else {
        format!(
            "{period} from {} (not counted): due {} ({})",
            due.from,
            due.due,
            weekday(due.due, lang)
        )
    }];
    if let Some(nominal) = due.moved_from {
        lines.push(if zh {
            format!("期间最后一日 {nominal} 是休息日或法定节假日，顺延至其后第一个工作日（民法典第二百零三条）")
        } else {
            format!("The last day, {nominal}, is a rest day or holiday, so the period ends on the next working day (Civil Code Art. 203)")
        });
    }
    for h in &due.holidays {
        let mut parts = Vec::new();
        if let (Some(first), Some(last)) = (h.off.first(), h.off.last()) {
            parts.push(if zh {
                format!("放假 {first} 至 {last}")
            } else {
                format!("off {first} to {last}")
            });
        }
        if !h.makeup_workdays.is_empty() {
            let days: Vec<String> = h.makeup_workdays.iter().map(|d| d.to_string()).collect();
            parts.push(if zh {
                format!("调休上班 {}", days.join("、"))
            } else {
                format!("make-up working days {}", days.join(", "))
            });
        }
        let sep = if zh { "；" } else { "; " };
        lines.push(format!("  {} — {}", h.name.get(lang), parts.join(sep)));
    }
    if due.calendar == CalendarKind::Estimated {
        let years: Vec<String> = unknown.iter().map(|y| y.to_string()).collect();
        lines.push(if zh {
            format!("注意：{} 年的放假安排尚未公布，只按周末估算，实际日期可能更晚", years.join("、"))
        } else {
            format!("Warning: no official holiday schedule for {} yet; counted on weekends only, the real date may be later", years.join(", "))
        });
    }
    lines.join("\n")
}

fn weekday(d: chrono::NaiveDate, lang: Lang) -> &'static str {
    use chrono::Datelike;
    const ZH: [&str; 7] = [
        "星期一",
        "星期二",
        "星期三",
        "星期四",
        "星期五",
        "星期六",
        "星期日",
    ];
    const EN: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let i = d.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Zh => ZH[i],
        Lang::En => EN[i],
    }
}
