//! `tixian calendar import NOTICE.txt [--year YYYY]`: next year's holidays from the State
//! Council notice, saved as `calendar/YYYY.toml` in the rule folder beside the database, and the
//! open cases' deadlines that the new year moved.

use crate::Ctx;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tixian_core::calendar::{self, Holiday, ParsedNotice};
use tixian_core::cases::DeadlineChange;
use tixian_core::workspace::CalendarSaved;
use tixian_core::Field;
use tixian_core::{CoreError, Lang, Text};

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Read a State Council holiday notice (the text as published) and save that year's days
    /// off and make-up working days beside the database: tixian calendar import NOTICE.txt.
    Import(ImportArgs),
}

#[derive(Args)]
pub struct ImportArgs {
    /// The notice's text (UTF-8), e.g. copied from gov.cn; `-` reads stdin.
    file: PathBuf,
    /// The notice's year, when the text has no title (must agree with the title otherwise).
    #[arg(long)]
    year: Option<String>,
}

/// The contract's JSON: `year`, `days_off`, `make_up_working_days`, `saved`, `moved` (and more).
#[derive(Serialize)]
struct Imported {
    year: i32,
    days_off: Vec<String>,
    make_up_working_days: Vec<String>,
    saved: String,
    replaced: bool,
    title: String,
    document: Option<String>,
    date: String,
    holidays: Vec<Holiday>,
    notes: Vec<Text>,
    /// The open cases' deadlines whose date the new year changed (counted before and after).
    moved: Vec<DeadlineChange>,
}

pub fn run(ctx: &Ctx, cmd: CalendarCommand) -> Result<ExitCode, CoreError> {
    match cmd {
        CalendarCommand::Import(args) => import(ctx, args),
    }
}

fn import(ctx: &Ctx, args: ImportArgs) -> Result<ExitCode, CoreError> {
    let name = args.file.to_string_lossy().into_owned();
    let year = args.year.as_deref().map(parse_year).transpose()?;
    let text = read_notice(&args.file, &name)?;
    let notice = calendar::parse_notice(&text, year).map_err(|e| e.at(&name))?;
    let now = ctx.now();
    // With no database yet there is no case whose deadline could move (and none is created).
    let store = if ctx.db_path().is_file() {
        Some(ctx.open_store()?)
    } else {
        None
    };
    let conn = store.as_ref().map(|s| s.conn());
    let saved = ctx.ws.save_notice(conn, &notice, true, &now)?;
    let out = Imported::new(&notice, saved);
    ctx.out.print(&out, |lang| human(&out, lang));
    Ok(ExitCode::SUCCESS)
}

/// The notice's text from `file` (`-`: standard input), which must be UTF-8.
fn read_notice(file: &Path, name: &str) -> Result<String, CoreError> {
    let bytes = if name == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
        buf
    } else {
        std::fs::read(file).map_err(|e| {
            CoreError::invalid(
                Field::File,
                format!("读不了文件：{e}"),
                format!("cannot read the file: {e}"),
            )
            .at(name)
        })?
    };
    String::from_utf8(bytes).map_err(|_| {
        CoreError::invalid(
            Field::File,
            "文件不是 UTF-8 文本；请另存为 UTF-8 后再试",
            "the file is not UTF-8 text; save it as UTF-8 and try again",
        )
        .at(name)
    })
}

impl Imported {
    fn new(notice: &ParsedNotice, CalendarSaved { saved, moved }: CalendarSaved) -> Imported {
        let dates =
            |days: &[NaiveDate]| -> Vec<String> { days.iter().map(|d| d.to_string()).collect() };
        Imported {
            year: notice.year,
            days_off: dates(&notice.days_off),
            make_up_working_days: dates(&notice.make_up_working_days),
            saved: saved.saved,
            replaced: saved.replaced,
            title: notice.title.clone(),
            document: notice.document.clone(),
            date: notice.date.to_string(),
            holidays: notice.holidays.clone(),
            notes: notice.notes.clone(),
            moved,
        }
    }
}

fn parse_year(text: &str) -> Result<i32, CoreError> {
    match text.trim().parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => Ok(y),
        _ => Err(CoreError::invalid(
            Field::Year,
            format!("“{text}”不是年份，请写四位数，如 2027"),
            format!("“{text}” is not a year; write four digits, e.g. 2027"),
        )),
    }
}

fn human(i: &Imported, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut lines = vec![if zh {
        format!("{}（{}）", i.title, i.date)
    } else {
        format!("{} ({})", i.title, i.date)
    }];
    for h in &i.holidays {
        let makeup: Vec<String> = h.makeup_workdays.iter().map(|d| d.to_string()).collect();
        let range = if h.off_from == h.off_to {
            h.off_from.to_string()
        } else if zh {
            format!("{} 至 {}", h.off_from, h.off_to)
        } else {
            format!("{} to {}", h.off_from, h.off_to)
        };
        let mut line = format!("  {}: {range}", h.name.get(lang));
        if !makeup.is_empty() {
            line.push_str(&if zh {
                format!("；调休上班 {}", makeup.join("、"))
            } else {
                format!("; make-up working days {}", makeup.join(", "))
            });
        }
        lines.push(line);
    }
    for n in &i.notes {
        lines.push(format!("  {}", n.get(lang)));
    }
    lines.push(match (zh, i.replaced) {
        (true, false) => format!(
            "已保存：{}（共 {} 天放假，{} 天调休上班）",
            i.saved,
            i.days_off.len(),
            i.make_up_working_days.len()
        ),
        (true, true) => format!(
            "已替换：{}（共 {} 天放假，{} 天调休上班）",
            i.saved,
            i.days_off.len(),
            i.make_up_working_days.len()
        ),
        (false, false) => format!(
            "Saved {} ({} days off, {} make-up working days)",
            i.saved,
            i.days_off.len(),
            i.make_up_working_days.len()
        ),
        (false, true) => format!(
            "Replaced {} ({} days off, {} make-up working days)",
            i.saved,
            i.days_off.len(),
            i.make_up_working_days.len()
        ),
    });
    if !i.moved.is_empty() {
        lines.push(if zh {
            format!("这一年的安排改变了 {} 个未结案件的期限：", i.moved.len())
        } else {
            format!(
                "This schedule moved {} deadline(s) of open cases:",
                i.moved.len()
            )
        });
        for m in &i.moved {
            lines.push(format!(
                "  #{} {} — {}: {}{} → {}{}",
                m.case_id,
                m.platform,
                m.what.get(lang),
                m.before,
                super::estimated(m.before_calendar, zh),
                m.after,
                super::estimated(m.after_calendar, zh)
            ));
        }
    }
    lines.join("\n")
}
