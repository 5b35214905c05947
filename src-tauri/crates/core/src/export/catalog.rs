//! The 证据目录 (evidence list): one row per evidence item plus the timeline and the
//! customer-service log as items of their own, each with a name, where it came from and what it
//! proves. The user may arrange and rename the rows ([`BundleInput::catalog`]); whatever they
//! left out or left blank is suggested here from the case. Rows are numbered by what they
//! prove: consecutive rows with the same purpose form a group (1-1, 1-2, then 2-1 …).

use super::{t, BundleInput, ContactRow, EvidenceFile};
use crate::lang::Lang;
use serde::{Deserialize, Serialize};

/// What a row of the 目录 stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CatalogItem {
    Timeline,
    Contacts,
    /// `index` into [`BundleInput::evidence`].
    Evidence {
        index: u32,
    },
}

/// One row of the 目录. Empty `name`, `source` or `purpose` means "suggest one".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CatalogRow {
    pub item: CatalogItem,
    pub name: String,
    pub source: String,
    pub purpose: String,
}

/// The rows as printed: the user's order and texts, blanks filled with suggestions, every
/// item present exactly once (items the user's list lacks are appended in the suggested order;
/// rows naming no item, or an item twice, are dropped).
pub fn resolve(input: &BundleInput) -> Vec<CatalogRow> {
    let suggested = suggest(input);
    let mut out: Vec<CatalogRow> = Vec::with_capacity(suggested.len());
    for row in &input.catalog {
        let Some(base) = suggested.iter().find(|s| s.item == row.item) else {
            continue;
        };
        if out.iter().any(|r| r.item == row.item) {
            continue;
        }
        let pick = |mine: &str, theirs: &str| {
            if mine.trim().is_empty() {
                theirs.to_string()
            } else {
                mine.trim().to_string()
            }
        };
        out.push(CatalogRow {
            item: row.item,
            name: pick(&row.name, &base.name),
            source: pick(&row.source, &base.source),
            purpose: pick(&row.purpose, &base.purpose),
        });
    }
    for s in suggested {
        if !out.iter().any(|r| r.item == s.item) {
            out.push(s);
        }
    }
    out
}

/// 序号 of each row: consecutive rows proving the same thing share a group.
pub fn numbers(rows: &[CatalogRow]) -> Vec<String> {
    let mut out = Vec::with_capacity(rows.len());
    let (mut group, mut within) = (0, 0);
    let mut last: Option<&str> = None;
    for r in rows {
        if last != Some(r.purpose.as_str()) {
            group += 1;
            within = 0;
            last = Some(r.purpose.as_str());
        }
        within += 1;
        out.push(format!("{group}-{within}"));
    }
    out
}

/// What a piece of evidence is about, from its caption, name and text: decides the suggested
/// purpose and, by its order, the suggested order of the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Topic {
    Failure,
    Funds,
    Service,
    Other,
}

fn topic(ev: &EvidenceFile) -> Topic {
    let hay = format!("{} {} {}", ev.caption, ev.original_name, ev.text).to_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| hay.contains(w));
    if any(&[
        "提现",
        "失败",
        "未到账",
        "处理中",
        "限额",
        "冻结",
        "withdraw",
        "failed",
        "limit",
    ]) {
        Topic::Failure
    } else if any(&[
        "账单",
        "流水",
        "余额",
        "明细",
        "bill",
        "statement",
        "balance",
    ]) || is_bill_file(ev)
    {
        Topic::Funds
    } else if any(&[
        "客服", "聊天", "对话", "通话", "工单", "chat", "call", "ticket", "agent",
    ]) {
        Topic::Service
    } else {
        Topic::Other
    }
}

fn extension(ev: &EvidenceFile) -> String {
    std::path::Path::new(&ev.original_name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn is_image(ev: &EvidenceFile) -> bool {
    ev.mime.starts_with("image/")
        || matches!(
            extension(ev).as_str(),
            "png" | "jpg" | "jpeg" | "webp" | "gif" | "bmp"
        )
}

fn is_bill_file(ev: &EvidenceFile) -> bool {
    matches!(extension(ev).as_str(), "csv" | "xlsx" | "xls" | "zip")
}

/// "2026-11-28T…" → "2026-11-28".
fn day(text: &str) -> &str {
    text.get(..10).unwrap_or(text)
}

/// "2026-11-10T…" → "11 月 10 日" / "10 Nov".
fn month_day(lang: Lang, text: &str) -> String {
    let (m, d) = (
        text.get(5..7).and_then(|s| s.parse::<u32>().ok()),
        text.get(8..10).and_then(|s| s.parse::<u32>().ok()),
    );
    match (m, d, lang) {
        (Some(m), Some(d), Lang::Zh) => format!("{m} 月 {d} 日"),
        (Some(m), Some(d), Lang::En) => {
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let name = MONTHS.get(m.saturating_sub(1) as usize).unwrap_or(&"");
            format!("{d} {name}")
        }
        _ => day(text).to_string(),
    }
}

/// Where a piece of evidence came from: "微信支付 App 截图，2026-11-28 由本人截取".
pub fn evidence_source(lang: Lang, platform: &str, ev: &EvidenceFile) -> String {
    let from_exif = ev.taken_at_source.as_deref() == Some("exif");
    if is_image(ev) {
        let photo = matches!(extension(ev).as_str(), "jpg" | "jpeg") && from_exif;
        let what = match (lang, photo) {
            (Lang::Zh, false) => format!("{platform} App 截图"),
            (Lang::Zh, true) => format!("{platform} 相关照片"),
            (Lang::En, false) => format!("screenshot of the {platform} app"),
            (Lang::En, true) => format!("photo concerning {platform}"),
        };
        return match (&ev.taken_at, lang) {
            (Some(at), Lang::Zh) => {
                let how = if photo { "拍摄" } else { "截取" };
                format!("{what}，{} 由本人{how}", day(at))
            }
            (Some(at), Lang::En) => {
                let how = if photo { "taken" } else { "captured" };
                format!("{what}, {how} by me on {}", day(at))
            }
            (None, Lang::Zh) => format!("{what}，截取时间不明，{} 加入本案", day(&ev.added_at)),
            (None, Lang::En) => format!(
                "{what}, capture time unknown, added to the case on {}",
                day(&ev.added_at)
            ),
        };
    }
    if is_bill_file(ev) {
        return match lang {
            Lang::Zh => format!("{platform}账单导出文件"),
            Lang::En => format!("{platform} bill export file"),
        };
    }
    let ext = extension(ev);
    match (lang, ext.as_str()) {
        (Lang::Zh, "txt" | "md") => "本人整理的文字记录".into(),
        (Lang::En, "txt" | "md") => "text record written by me".into(),
        (Lang::Zh, "pdf") => "PDF 文件（本人保存）".into(),
        (Lang::En, "pdf") => "PDF file (kept by me)".into(),
        (Lang::Zh, _) => format!("本人提供的文件，{} 加入本案", day(&ev.added_at)),
        (Lang::En, _) => format!("file provided by me, added on {}", day(&ev.added_at)),
    }
}

fn evidence_purpose(lang: Lang, input: &BundleInput, ev: &EvidenceFile) -> String {
    let amount = input.amount.display();
    match (topic(ev), lang) {
        (Topic::Failure, Lang::Zh) => {
            format!("证明本人申请提现 {amount} 未能完成（失败或未到账）的事实")
        }
        (Topic::Failure, Lang::En) => {
            format!(
                "shows that my withdrawal of {amount} did not go through (failed or never arrived)"
            )
        }
        (Topic::Funds, Lang::Zh) => "证明账户资金余额及往来情况".into(),
        (Topic::Funds, Lang::En) => "shows the account balance and the money moved".into(),
        (Topic::Service, Lang::Zh) => "证明本人与平台客服沟通的内容及平台的答复".into(),
        (Topic::Service, Lang::En) => {
            "shows what I told customer service and how the platform answered".into()
        }
        (Topic::Other, Lang::Zh) => {
            let what = if ev.caption.trim().is_empty() {
                "该文件".to_string()
            } else {
                format!("“{}”", ev.caption.trim())
            };
            format!("证明{what}所示的事实")
        }
        (Topic::Other, Lang::En) => {
            let what = if ev.caption.trim().is_empty() {
                "this file".to_string()
            } else {
                format!("“{}”", ev.caption.trim())
            };
            format!("shows what {what} records")
        }
    }
}

/// The customer-service log's purpose: the first promise, with its date ("证明平台于 11 月 10 日
/// 承诺 3 个工作日内处理"), and whether it was broken.
fn contacts_purpose(lang: Lang, contacts: &[ContactRow]) -> String {
    let promised = contacts
        .iter()
        .find(|c| c.overdue && !c.promise.trim().is_empty())
        .or_else(|| contacts.iter().find(|c| !c.promise.trim().is_empty()));
    match (promised, lang) {
        (Some(c), Lang::Zh) => {
            let broken = if c.overdue { "，逾期未兑现" } else { "" };
            let promise = c.promise.trim();
            let gap = if promise.starts_with(|ch: char| ch.is_ascii_alphanumeric()) {
                " "
            } else {
                ""
            };
            format!(
                "证明平台于 {}承诺{gap}{promise}{broken}",
                month_day(lang, &c.at)
            )
        }
        (Some(c), Lang::En) => {
            let broken = if c.overdue {
                ", and did not keep it"
            } else {
                ""
            };
            format!(
                "shows the platform promised on {}: {}{broken}",
                month_day(lang, &c.at),
                c.promise.trim()
            )
        }
        (None, Lang::Zh) => "证明本人多次联系平台客服及客服的答复".into(),
        (None, Lang::En) => "shows that I contacted customer service and what they answered".into(),
    }
}

fn name_of(ev: &EvidenceFile) -> String {
    if ev.caption.trim().is_empty() {
        ev.original_name.clone()
    } else {
        ev.caption.trim().to_string()
    }
}

/// The suggested rows in the suggested order: evidence by topic (what failed, the money, the
/// talks with customer service, the rest), then the customer-service log and the timeline.
pub fn suggest(input: &BundleInput) -> Vec<CatalogRow> {
    let lang = input.lang;
    let mut evidence: Vec<(Topic, usize)> = input
        .evidence
        .iter()
        .enumerate()
        .map(|(i, ev)| (topic(ev), i))
        .collect();
    evidence.sort();
    let mut rows: Vec<CatalogRow> = evidence
        .into_iter()
        .map(|(_, i)| {
            let ev = &input.evidence[i];
            CatalogRow {
                item: CatalogItem::Evidence { index: i as u32 },
                name: name_of(ev),
                source: evidence_source(lang, &input.platform, ev),
                purpose: evidence_purpose(lang, input, ev),
            }
        })
        .collect();
    rows.push(CatalogRow {
        item: CatalogItem::Contacts,
        name: t(lang, "客服沟通记录", "Customer-service log").into(),
        source: match lang {
            Lang::Zh => format!(
                "本人与{}客服沟通后逐次记录（{} 次）",
                input.platform,
                input.contacts.len()
            ),
            Lang::En => format!(
                "kept by me after each contact with {} ({} contacts)",
                input.platform,
                input.contacts.len()
            ),
        },
        purpose: contacts_purpose(lang, &input.contacts),
    });
    rows.push(CatalogRow {
        item: CatalogItem::Timeline,
        name: t(lang, "事件时间线", "Timeline of events").into(),
        source: match lang {
            Lang::Zh => format!("本人根据经历整理（{} 条）", input.timeline.len()),
            Lang::En => format!(
                "written by me from what happened ({} entries)",
                input.timeline.len()
            ),
        },
        purpose: t(
            lang,
            "证明事件的经过及时间顺序",
            "shows what happened and in what order",
        )
        .into(),
    });
    rows
}

/// `input` with its evidence in the order of its resolved 目录 (so files, pages and the manifest
/// are numbered as the 目录 lists them), and the 目录 itself resolved.
pub(crate) fn arranged(input: &BundleInput) -> BundleInput {
    let rows = resolve(input);
    let mut out = input.clone();
    let mut evidence = Vec::with_capacity(input.evidence.len());
    let mut catalog = Vec::with_capacity(rows.len());
    for mut row in rows {
        if let CatalogItem::Evidence { index } = row.item {
            evidence.push(input.evidence[index as usize].clone());
            row.item = CatalogItem::Evidence {
                index: evidence.len() as u32 - 1,
            };
        }
        catalog.push(row);
    }
    out.evidence = evidence;
    out.catalog = catalog;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(item: CatalogItem, purpose: &str) -> CatalogRow {
        CatalogRow {
            item,
            name: String::new(),
            source: String::new(),
            purpose: purpose.into(),
        }
    }

    #[test]
    fn rows_with_the_same_purpose_in_a_row_form_a_group() {
        let rows = [
            row(CatalogItem::Evidence { index: 0 }, "a"),
            row(CatalogItem::Evidence { index: 1 }, "a"),
            row(CatalogItem::Contacts, "b"),
            row(CatalogItem::Timeline, "a"),
        ];
        assert_eq!(numbers(&rows), ["1-1", "1-2", "2-1", "3-1"]);
    }

    #[test]
    fn month_day_reads_both_languages() {
        assert_eq!(
            month_day(Lang::Zh, "2026-11-10T09:00:00+08:00"),
            "11 月 10 日"
        );
        assert_eq!(month_day(Lang::En, "2026-11-10T09:00:00+08:00"), "10 Nov");
    }

    #[test]
    fn a_promise_becomes_the_logs_purpose() {
        let c = ContactRow {
            at: "2026-11-10T10:00:00+08:00".into(),
            promise: "3 个工作日内处理".into(),
            ..Default::default()
        };
        assert_eq!(
            contacts_purpose(Lang::Zh, &[c]),
            "证明平台于 11 月 10 日承诺 3 个工作日内处理"
        );
    }
}
