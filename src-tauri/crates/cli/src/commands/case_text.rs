//! Human-readable text for `tixian case …` (the JSON forms come straight from core's types).

use tixian_core::cases::evidence::EvidenceItem;
use tixian_core::cases::prep::Prep;
use tixian_core::cases::promises::PromiseProposal;
use tixian_core::cases::{Case, CaseContact, CaseDetail, CaseRow, FollowUp};
use tixian_core::Lang;

fn zh(lang: Lang) -> bool {
    lang == Lang::Zh
}

pub fn stored(item: &EvidenceItem, lang: Lang) -> String {
    let (id, name, mime) = (item.id, &item.original_name, &item.mime);
    let (size, sha) = (item.size_bytes, &item.sha256);
    match lang {
        Lang::Zh => format!("已存入证据 #{id}：{name}（{mime}，{size} 字节）SHA-256 {sha}"),
        Lang::En => format!("Stored evidence #{id}: {name} ({mime}, {size} bytes) SHA-256 {sha}"),
    }
}

pub fn opened(case: &Case, lang: Lang) -> String {
    let (id, platform, amount) = (case.id, &case.platform, case.amount.display());
    match lang {
        Lang::Zh => format!("已建立案件 #{id}：{platform} {amount}"),
        Lang::En => format!("Opened case #{id}: {platform} {amount}"),
    }
}

/// `case list`: one line per case, overdue promises flagged.
pub fn rows(rows: &[CaseRow], lang: Lang) -> String {
    if rows.is_empty() {
        return if zh(lang) {
            "还没有案件"
        } else {
            "No cases yet"
        }
        .to_string();
    }
    let line = |row: &CaseRow| {
        let c = &row.case;
        let overdue = match row.overdue_promises {
            0 => String::new(),
            n if zh(lang) => format!("  ⚠ {n} 个承诺逾期"),
            n => format!("  ⚠ {n} promise(s) overdue"),
        };
        format!(
            "#{:<4} {:<12} {:>14}  {:<8} {:<20} {}{overdue}",
            c.id,
            c.platform,
            c.amount.display(),
            c.status.label(lang),
            c.stage.label(lang),
            c.occurred_at.get(..10).unwrap_or("")
        )
    };
    rows.iter().map(line).collect::<Vec<_>>().join("\n")
}

pub fn follow_up(f: &FollowUp, lang: Lang) -> String {
    let estimated = super::estimated(f.calendar, zh(lang));
    match lang {
        Lang::Zh => format!(
            "已安排跟进：{} 若到 {}{estimated} 仍无答复，请追问（{} 个工作日）",
            f.body, f.due_on, f.deadline_working_days
        ),
        Lang::En => format!(
            "Follow-up scheduled: chase {} if nothing has come back by {}{estimated} ({} working days)",
            f.body, f.due_on, f.deadline_working_days
        ),
    }
}

pub fn contact(c: &CaseContact, lang: Lang) -> String {
    let mut line = format!("#{} {} {}", c.id, c.at, c.channel.label(lang));
    if !c.agent.is_empty() {
        line.push_str(&format!(" [{}]", c.agent));
    }
    if !c.said.is_empty() {
        line.push_str(&format!(" {}", c.said));
    }
    if !c.promise.is_empty() {
        line.push_str(&if zh(lang) {
            format!(" 承诺：{}", c.promise)
        } else {
            format!(" promise: {}", c.promise)
        });
    }
    if let Some(due) = &c.due {
        let est = super::estimated(c.calendar, zh(lang));
        line.push_str(&if zh(lang) {
            format!(" 期限：{due}{est}")
        } else {
            format!(" due: {due}{est}")
        });
    }
    if c.overdue {
        line.push_str(if zh(lang) {
            " ⚠ 已逾期"
        } else {
            " ⚠ OVERDUE"
        });
    }
    if !c.outcome.is_empty() {
        line.push_str(&if zh(lang) {
            format!(" 结果：{}", c.outcome)
        } else {
            format!(" outcome: {}", c.outcome)
        });
    }
    line
}

pub fn detail(d: &CaseDetail, lang: Lang) -> String {
    let c = &d.case;
    let z = zh(lang);
    let mut out = vec![
        format!(
            "#{} {} {} — {} / {}",
            c.id,
            c.platform,
            c.amount.display(),
            c.status.label(lang),
            c.stage.label(lang)
        ),
        format!(
            "{} {}",
            if z { "发生时间" } else { "Occurred" },
            c.occurred_at
        ),
        c.summary.clone(),
    ];
    out.push(String::new());
    out.push(if z {
        "时间线".into()
    } else {
        "Timeline".into()
    });
    out.extend(d.timeline.iter().map(|e| {
        let link = e
            .evidence_id
            .map(|id| format!(" [#{id}]"))
            .unwrap_or_default();
        format!("  {} {}{link}", e.at, e.text)
    }));
    out.push(if z {
        "客服记录".into()
    } else {
        "Customer-service log".into()
    });
    out.extend(d.contacts.iter().map(|x| format!("  {}", contact(x, lang))));
    out.push(if z {
        "证据".into()
    } else {
        "Evidence".into()
    });
    out.extend(d.evidence.iter().map(|e| {
        format!(
            "  #{} [{}] {} {} {}",
            e.id,
            e.tier.label(lang),
            e.original_name,
            e.caption,
            &e.sha256[..12.min(e.sha256.len())]
        )
    }));
    if !d.follow_ups.is_empty() {
        out.push(if z {
            "跟进".into()
        } else {
            "Follow-ups".into()
        });
        out.extend(d.follow_ups.iter().map(|f| {
            let state = match (f.done_at.is_some(), f.due, z) {
                (true, _, true) => "已完成".to_string(),
                (true, _, false) => "done".to_string(),
                (false, true, true) => "⚠ 该追问了".to_string(),
                (false, true, false) => "⚠ chase now".to_string(),
                (false, false, true) => format!("还剩 {} 个工作日", f.working_days_left),
                (false, false, false) => format!("{} working days left", f.working_days_left),
            };
            format!(
                "  #{} {} {} → {}{} ({state})",
                f.id,
                f.body,
                f.filed_at,
                f.due_on,
                super::estimated(f.calendar, z)
            )
        }));
    }
    if let Some(next) = d.escalation.next {
        let reason = d
            .escalation
            .reason
            .as_ref()
            .map(|r| format!(" — {}", r.get(lang)))
            .unwrap_or_default();
        out.push(if z {
            format!("下一步：{}{reason}", next.label(lang))
        } else {
            format!("Next step: {}{reason}", next.label(lang))
        });
    }
    out.join("\n")
}

pub fn proposals(list: &[PromiseProposal], added: bool, lang: Lang) -> String {
    if list.is_empty() {
        return if zh(lang) {
            "没有找到带时限的承诺".into()
        } else {
            "No promises with a time limit found".into()
        };
    }
    let mut out: Vec<String> = list
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let agent = p
                .agent
                .as_deref()
                .map(|a| format!(" [{a}]"))
                .unwrap_or_default();
            format!(
                "{}. {}{agent} {} → {}{}  ({})",
                i + 1,
                p.at,
                p.promise,
                p.due,
                super::estimated(p.calendar, zh(lang)),
                p.limit
            )
        })
        .collect();
    out.push(match (added, zh(lang)) {
        (true, true) => format!("已添加 {} 条客服记录", list.len()),
        (true, false) => format!("Added {} contact(s)", list.len()),
        (false, true) => "确认无误后加 --add 保存".into(),
        (false, false) => "Check them, then run again with --add to store them".into(),
    });
    out.join("\n")
}

pub fn prep(p: &Prep, lang: Lang) -> String {
    let z = zh(lang);
    let mut out = vec![
        if z {
            "三句话陈述：".into()
        } else {
            "Three-sentence statement:".into()
        },
        format!("  {}", p.statement),
    ];
    out.push(if z {
        "打电话前准备：".into()
    } else {
        "Have ready:".into()
    });
    out.extend(p.checklist.iter().map(|i| format!("  □ {}", i.text)));
    out.push(if z {
        "礼貌而坚定：".into()
    } else {
        "Polite and firm:".into()
    });
    out.extend(p.polite_firm.iter().map(|i| format!("  “{}”", i.text)));
    out.push(if z {
        "要求转主管：".into()
    } else {
        "Asking for a supervisor:".into()
    });
    out.extend(p.supervisor.iter().map(|i| format!("  “{}”", i.text)));
    out.join("\n")
}
