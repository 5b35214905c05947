//! `tixian route KIND [--from DATE]`: where to complain, step by step, for a platform kind.

use super::estimated;
use crate::Ctx;
use clap::Args;
use std::process::ExitCode;
use tixian_core::ledger::PlatformKind;
use tixian_core::route::{self, RouteView, Unit};
use tixian_core::Field;
use tixian_core::{time, CoreError, Lang};

#[derive(Args)]
pub struct RouteArgs {
    /// wechat | alipay | unionpay | bank | ecommerce | content | investment | lending | crossborder | other
    kind: String,
    /// Count each step's deadlines from this date (YYYY-MM-DD).
    #[arg(long)]
    from: Option<String>,
}

pub fn run(ctx: &Ctx, args: RouteArgs) -> Result<ExitCode, CoreError> {
    let kind: PlatformKind = args.kind.parse()?;
    let from = args
        .from
        .as_deref()
        .map(|f| time::parse_date(f, Field::From))
        .transpose()?;
    let route = ctx.ws.route(kind)?;
    let calendar = match from {
        Some(_) => Some(ctx.ws.calendar()?),
        None => None,
    };
    let due = from
        .zip(calendar.as_ref())
        .map(|(start, calendar)| route::with_due_dates(&route, calendar, start));
    let view = RouteView::new(&route, ctx.lang, due.as_deref());
    ctx.out.print(&view, |lang| human(&view, lang));
    Ok(ExitCode::SUCCESS)
}

fn human(view: &RouteView, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let t = |a: &'static str, b: &'static str| if zh { a } else { b };
    let mut out = vec![format!(
        "{} — {}",
        view.name,
        t("投诉升级路线", "where to complain, in order")
    )];
    if let Some(note) = &view.note {
        out.push(note.clone());
    }
    for (i, s) in view.steps.iter().enumerate() {
        out.push(String::new());
        out.push(format!("{}. [{}] {}", i + 1, s.stage_name, s.body));
        out.push(format!("   {}{}", t("渠道：", "Channel: "), s.channel));
        out.push(format!("   {}{}", t("时限：", "Deadline: "), s.deadline));
        if let Some(w) = &s.wait {
            let unit = match (w.unit, zh) {
                (Unit::WorkingDays, true) => "个工作日",
                (Unit::WorkingDays, false) => " working days",
                (Unit::Days, true) => "天",
                (Unit::Days, false) => " days",
            };
            out.push(format!(
                "   {}{}{unit} — {}",
                t("等待：", "Wait: "),
                w.number,
                w.text
            ));
        }
        if let Some(due) = &s.due {
            for d in &due.deadlines {
                out.push(format!(
                    "   → {} {}{}",
                    d.due.due,
                    d.what.get(lang),
                    estimated(d.due.calendar, zh)
                ));
            }
            if let Some(e) = &due.escalate_after {
                out.push(format!(
                    "   → {} {}{}",
                    e.due,
                    t("仍无结果就升级", "go up a step if nothing has happened"),
                    estimated(e.calendar, zh)
                ));
            }
        }
        out.push(format!(
            "   {}{}",
            t("准备：", "Prepare: "),
            s.prepare.join(t("；", "; "))
        ));
        if let Some(note) = &s.note {
            out.push(format!("   {}{note}", t("注：", "Note: ")));
        }
        out.push(format!(
            "   {}{} [{}; {} {}]",
            t("来源：", "Source: "),
            s.source.title,
            confidence(s.source.confidence, zh),
            t("核对于", "checked"),
            s.source.checked.as_deref().unwrap_or("—")
        ));
        for c in &s.conflicts {
            out.push(format!(
                "   {}{} ≠ {} [{}; {}] — {}",
                t("说法不一：", "Sources disagree: "),
                c.ours,
                c.theirs,
                c.theirs_source.title,
                confidence(c.theirs_source.confidence, zh),
                c.note
            ));
        }
    }
    out.join("\n")
}

fn confidence(c: tixian_core::vocab::Confidence, zh: bool) -> &'static str {
    match (c, zh) {
        (tixian_core::vocab::Confidence::High, true) => "可信度高",
        (tixian_core::vocab::Confidence::Medium, true) => "可信度中",
        (tixian_core::vocab::Confidence::Low, true) => "可信度低",
        (tixian_core::vocab::Confidence::High, false) => "confidence high",
        (tixian_core::vocab::Confidence::Medium, false) => "confidence medium",
        (tixian_core::vocab::Confidence::Low, false) => "confidence low",
    }
}
