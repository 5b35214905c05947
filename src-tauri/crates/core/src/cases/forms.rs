//! A case laid out for a regulator's online complaint form, one field per box: who complains,
//! about whom, the amount and dates, the demand (投诉请求), the main facts with what they rest on
//! (主要事实和相关依据), what customer service said, and the evidence list. The text comes from
//! the regulator letter and the 证据目录, so what the user fixed there is what they copy here.
//!
//! The forms' box names change and are not published in one place; these are the usual ones,
//! and the note says to follow the page in front of the user.

use super::bundle::catalog_view;
use super::letters::{letter_for_case, Recipient};
use super::{detail, Tier};
use crate::calendar::Calendar;
use crate::error::CoreError;
use crate::rules::RuleFile;
use crate::time::Timestamp;
use crate::Field;
use crate::{Lang, Result};
use rusqlite::Connection;
use serde::Serialize;

/// Which body's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum FormChannel {
    /// 全国12315平台 (State Administration for Market Regulation): e-commerce and consumer
    /// platforms.
    #[serde(rename = "12315")]
    Samr12315,
    /// 12378 (National Financial Regulatory Administration): banks and insurers.
    #[serde(rename = "12378")]
    Nfra12378,
    /// 12363 (People's Bank of China, financial consumer protection): payment institutions
    /// such as WeChat Pay and Alipay.
    #[serde(rename = "12363")]
    Pboc12363,
}

impl std::str::FromStr for FormChannel {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "12315" => Ok(FormChannel::Samr12315),
            "12378" => Ok(FormChannel::Nfra12378),
            "12363" => Ok(FormChannel::Pboc12363),
            other => Err(CoreError::invalid(
                Field::FormChannel,
                format!("“{other}”不是可整理的投诉渠道，可选：12315、12378、12363"),
                format!("“{other}” is not a channel this can lay out; use 12315, 12378 or 12363"),
            )),
        }
    }
}

/// One box of the form.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FormField {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComplaintForm {
    pub case_id: i64,
    pub channel: FormChannel,
    /// The body and where its form is.
    pub body: String,
    /// How to use the fields (and that the boxes' names may differ).
    pub note: String,
    pub fields: Vec<FormField>,
    /// Everything as one text, `label：value` per field, to copy at once.
    pub text: String,
}

/// Case `case_id` laid out for `channel`'s form, as of `now`.
pub fn complaint_form(
    conn: &Connection,
    case_id: i64,
    channel: FormChannel,
    lang: Lang,
    now: &Timestamp,
    files: &[RuleFile],
) -> Result<ComplaintForm> {
    let zh = lang == Lang::Zh;
    let d = detail(conn, case_id, now, &Calendar::from_rules(files)?)?;
    let letter = letter_for_case(conn, case_id, Recipient::Regulator, lang, now, files)?;
    let section = |i: usize| {
        letter
            .sections
            .get(i)
            .map(|s| s.text.trim().to_string())
            .unwrap_or_default()
    };
    let vault = std::path::Path::new("");
    let catalog = catalog_view(conn, case_id, lang, false, vault, now, files)?;
    let (body, where_) = match (channel, zh) {
        (FormChannel::Samr12315, true) => (
            "全国12315平台（市场监管部门）",
            "网站 www.12315.cn、“全国12315平台”小程序或拨打 12315",
        ),
        (FormChannel::Samr12315, false) => (
            "National 12315 platform (market regulation)",
            "www.12315.cn, the “全国12315平台” mini program, or call 12315",
        ),
        (FormChannel::Nfra12378, true) => (
            "国家金融监督管理总局（12378）",
            "拨打 12378 或在其官网的投诉页面提交",
        ),
        (FormChannel::Nfra12378, false) => (
            "National Financial Regulatory Administration (12378)",
            "call 12378 or use the complaint page of its website",
        ),
        (FormChannel::Pboc12363, true) => (
            "中国人民银行金融消费权益保护（12363）",
            "拨打 12363 或向当地人民银行分支机构提交",
        ),
        (FormChannel::Pboc12363, false) => (
            "People's Bank of China, financial consumer protection (12363)",
            "call 12363 or submit to the local PBoC branch",
        ),
    };
    let note = if zh {
        format!("提交途径：{where_}。各栏目名称以页面为准，把下面每一项复制到意思相同的栏目；字数不够时先填投诉请求和主要事实，证据作为附件上传（可用“每项一个 PDF”或“分册”导出）。原则上先向平台投诉，并保留平台的答复。")
    } else {
        format!("Where: {where_}. Box names follow the page in front of you: copy each item below into the box that means the same; if space is short, fill the demand and the main facts first and upload the evidence as attachments (export “one PDF per item” or “volumes”). As a rule, complain to the platform first and keep its answer.")
    };

    let applicant = catalog.applicant.trim();
    let applicant = if applicant.is_empty() {
        if zh {
            "（请填写本人姓名）"
        } else {
            "(write your name)"
        }
        .to_string()
    } else {
        applicant.to_string()
    };
    let contacts = contacts_text(lang, &d.contacts);
    let basis = {
        let titles: Vec<&str> = letter.sources.iter().map(|s| s.title.as_str()).collect();
        if titles.is_empty() {
            String::new()
        } else if zh {
            format!("\n相关依据：{}", titles.join("；"))
        } else {
            format!("\nWhat it rests on: {}", titles.join("; "))
        }
    };
    let evidence: Vec<String> = catalog
        .rows
        .iter()
        .map(|r| {
            let name = if r.name.is_empty() {
                &r.suggested_name
            } else {
                &r.name
            };
            let purpose = if r.purpose.is_empty() {
                &r.suggested_purpose
            } else {
                &r.purpose
            };
            format!("{} {}（{}）", r.number, name, purpose)
        })
        .collect();
    let core_items = d.evidence.iter().filter(|e| e.tier == Tier::Core).count();
    let label = |zh_label: &str, en_label: &str| if zh { zh_label } else { en_label }.to_string();
    let fields = vec![
        FormField {
            label: label("投诉人", "Complainant"),
            value: applicant,
        },
        FormField {
            label: label("被投诉方", "Complained about"),
            value: d.case.platform.clone(),
        },
        FormField {
            label: label("涉及金额", "Amount"),
            value: d.case.amount.display(),
        },
        FormField {
            label: label("发生时间", "When it happened"),
            value: d.case.occurred_at.chars().take(10).collect(),
        },
        FormField {
            label: label("投诉请求", "Demand"),
            value: section(2),
        },
        FormField {
            label: label("主要事实和相关依据", "Main facts and what they rest on"),
            value: format!("{}\n{}{basis}", section(0), section(1))
                .trim()
                .to_string(),
        },
        FormField {
            label: label("与被投诉方协商情况", "Contact with the platform so far"),
            value: contacts,
        },
        FormField {
            label: label("证据材料", "Evidence"),
            value: if zh {
                format!(
                    "共 {} 项（其中证据文件 {core_items} 个）：{}",
                    evidence.len(),
                    evidence.join("；")
                )
            } else {
                format!(
                    "{} items ({core_items} files): {}",
                    evidence.len(),
                    evidence.join("; ")
                )
            },
        },
    ];
    let sep = if zh { "：" } else { ": " };
    let text = std::iter::once(format!("{body}\n{note}\n"))
        .chain(
            fields
                .iter()
                .map(|f| format!("【{}】{sep}{}", f.label, f.value)),
        )
        .collect::<Vec<_>>()
        .join("\n");
    Ok(ComplaintForm {
        case_id,
        channel,
        body: body.to_string(),
        note,
        fields,
        text,
    })
}

/// "已联系客服 3 次（11 月 10 日至 11 月 20 日）；11 月 10 日客服承诺 3 个工作日内处理，已逾期。"
fn contacts_text(lang: Lang, contacts: &[super::CaseContact]) -> String {
    let zh = lang == Lang::Zh;
    if contacts.is_empty() {
        return if zh {
            "尚未联系平台客服"
        } else {
            "Not yet in contact with customer service"
        }
        .to_string();
    }
    let day = |at: &str| at.chars().take(10).collect::<String>();
    let first = day(&contacts[0].at);
    let last = day(&contacts[contacts.len() - 1].at);
    let mut out = if zh {
        format!("已联系客服 {} 次（{first} 至 {last}）", contacts.len())
    } else {
        format!(
            "Contacted customer service {} times ({first} to {last})",
            contacts.len()
        )
    };
    for c in contacts.iter().filter(|c| !c.promise.trim().is_empty()) {
        let broken = match (c.overdue, zh) {
            (true, true) => "，已逾期未兑现",
            (true, false) => ", overdue and not kept",
            _ => "",
        };
        out.push_str(&if zh {
            format!("；{} 客服承诺：{}{broken}", day(&c.at), c.promise.trim())
        } else {
            format!(
                "; on {} they promised: {}{broken}",
                day(&c.at),
                c.promise.trim()
            )
        });
    }
    out.push_str(if zh { "。" } else { "." });
    out
}
