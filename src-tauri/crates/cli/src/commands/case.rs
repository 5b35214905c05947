//! `tixian case …`: complaint cases — open one, add timeline entries, evidence and contacts,
//! find promises in a pasted chat, schedule follow-ups, write letters. Every input is checked
//! before the database is opened; each command is one transaction.

use crate::Ctx;
use clap::Subcommand;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use tixian_core::cases::evidence::{self, EvidenceInput};
use tixian_core::cases::letters::{self, Recipient};
use tixian_core::cases::promises::find_promises;
use tixian_core::cases::{
    self, prep, CaseStatus, Channel, NewCase, NewContact, NewEvent, NewFollowUp, Stage, Tier,
};
use tixian_core::time::{self};
use tixian_core::Field;
use tixian_core::{CoreError, Lang, Money};

#[derive(Subcommand)]
pub enum CaseCommand {
    /// Open a case: --platform NAME --amount AMOUNT --occurred TIME --summary TEXT.
    New {
        /// A platform from the ledger (linked) or any other name (kept as typed).
        #[arg(long)]
        platform: String,
        #[arg(long)]
        amount: String,
        /// When it happened; without offset it is Asia/Shanghai time.
        #[arg(long)]
        occurred: String,
        #[arg(long)]
        summary: String,
        /// How letters name the account, e.g. "尾号 1234".
        #[arg(long, default_value = "")]
        account: String,
        /// What the platform showed, verbatim.
        #[arg(long, default_value = "")]
        message: String,
    },
    /// List cases with status, stage, amount and overdue promises.
    List {
        /// Evaluate overdue flags as of this time (default now).
        #[arg(long)]
        at: Option<String>,
    },
    /// A case with its timeline, contacts (overdue flags), evidence, follow-ups and next step.
    Show {
        id: i64,
        #[arg(long)]
        at: Option<String>,
    },
    /// Add a timeline entry.
    Event {
        id: i64,
        #[arg(long)]
        at: String,
        #[arg(long)]
        text: String,
        /// An evidence item of this case the entry refers to.
        #[arg(long)]
        evidence: Option<i64>,
    },
    /// Copy a file into the evidence vault (the original is never modified).
    Evidence {
        id: i64,
        file: PathBuf,
        #[arg(long, default_value = "")]
        caption: String,
        /// core | reserve
        #[arg(long, default_value = "core")]
        tier: String,
        #[arg(long)]
        taken_at: Option<String>,
    },
    /// The text in the case's evidence images (unread ones are read now); --search filters,
    /// --set EVIDENCE --text TEXT saves the user's correction.
    Texts {
        id: i64,
        #[arg(long)]
        search: Option<String>,
        #[arg(long, value_name = "EVIDENCE", requires = "text")]
        set: Option<i64>,
        #[arg(long, requires = "set")]
        text: Option<String>,
    },
    /// Log a customer-service contact.
    Contact {
        id: i64,
        #[arg(long)]
        at: String,
        /// phone | chat | email | ticket | in_person
        #[arg(long)]
        channel: String,
        #[arg(long, default_value = "")]
        agent: String,
        #[arg(long, default_value = "")]
        said: String,
        #[arg(long, default_value = "")]
        promise: String,
        #[arg(long)]
        due: Option<String>,
        #[arg(long, default_value = "")]
        outcome: String,
    },
    /// Find promises and time limits in a pasted chat or email (FILE or - for stdin).
    Promises {
        id: i64,
        file: String,
        /// When the text was received (default now); the base for limits without a timestamp.
        #[arg(long)]
        received: Option<String>,
        /// Store every proposal as a contact (otherwise only print them).
        #[arg(long)]
        add: bool,
    },
    /// Mark a contact's promise as kept.
    Kept {
        id: i64,
        contact: i64,
        #[arg(long)]
        at: Option<String>,
    },
    /// Set the status: open | waiting | escalated | resolved | closed.
    Status { id: i64, status: String },
    /// Set the escalation stage: customer_service | supervisor | platform_complaint | regulator | mediation | court.
    Stage { id: i64, stage: String },
    /// After an official complaint: chase when the body's own deadline (working days) has passed.
    FollowUp {
        id: i64,
        /// Who the complaint went to, e.g. 12315.
        #[arg(long)]
        body: String,
        #[arg(long)]
        filed: String,
        #[arg(long)]
        working_days: u32,
        #[arg(long, default_value = "")]
        reference: String,
    },
    /// Mark a follow-up as done (the body answered, or you chased them): it leaves the due list.
    FollowUpDone {
        id: i64,
        follow_up: i64,
        #[arg(long)]
        at: Option<String>,
    },
    /// Print the complaint letter (--lang zh|en chooses the language).
    Letter {
        id: i64,
        /// platform | regulator
        #[arg(long, default_value = "platform")]
        to: String,
        /// Date the letter as of this time (default now).
        #[arg(long)]
        at: Option<String>,
    },
    /// Export the PDF evidence bundle, with FILE.files/ (originals + SHA256SUMS) beside it.
    Export {
        id: i64,
        #[arg(long)]
        out: std::path::PathBuf,
        /// core (default) or all (core and reserve evidence).
        #[arg(long, default_value = "core")]
        tier: String,
        /// items: one PDF per 目录 row (and FILE.pdf with the 目录); volumes: FILE-vol1.pdf …
        /// each at most --max-mb.
        #[arg(long)]
        split: Option<String>,
        /// Largest volume in MB (1 MB = 1,000,000 bytes) with --split volumes; default 10.
        #[arg(long)]
        max_mb: Option<String>,
        /// Date the bundle as of this time (default now).
        #[arg(long)]
        at: Option<String>,
    },
    /// The 证据目录 as it will be exported; --applicant, --name KEY=TEXT, --purpose KEY=TEXT
    /// and --order KEY,KEY,… change it (KEY: timeline, contacts or evidence:ID).
    Catalog {
        id: i64,
        /// core (default) or all.
        #[arg(long, default_value = "core")]
        tier: String,
        /// Who complains (printed beside the signature line).
        #[arg(long)]
        applicant: Option<String>,
        /// KEY=TEXT: the 证据名称 of a row (empty TEXT: back to the suggestion).
        #[arg(long = "name")]
        names: Vec<String>,
        /// KEY=TEXT: the 证明目的 of a row (empty TEXT: back to the suggestion).
        #[arg(long = "purpose")]
        purposes: Vec<String>,
        /// The rows' order, KEY,KEY,… (rows left out follow in their present order).
        #[arg(long)]
        order: Option<String>,
        #[arg(long)]
        at: Option<String>,
    },
    /// The case laid out field by field for a regulator's online form: --for 12315|12378|12363.
    Form {
        id: i64,
        #[arg(long = "for")]
        channel: String,
        #[arg(long)]
        at: Option<String>,
    },
    /// Before calling: the three-sentence statement, a checklist and phrases.
    Prep { id: i64 },
    /// Permanently erase a case with its timeline, log, follow-ups and evidence originals (no
    /// undo): tixian case erase ID --yes.
    Erase {
        id: i64,
        #[arg(long)]
        yes: bool,
    },
    /// Permanently erase one evidence item and its original file (no undo): tixian case
    /// erase-evidence EVIDENCE_ID --yes.
    EraseEvidence {
        evidence: i64,
        #[arg(long)]
        yes: bool,
    },
    /// What is due across open cases: follow-ups to chase, overdue promises.
    Due {
        #[arg(long)]
        at: Option<String>,
    },
}

fn all_tiers(tier: &str) -> Result<bool, CoreError> {
    match tier {
        "core" => Ok(false),
        "all" => Ok(true),
        other => Err(CoreError::invalid(
            Field::Tier,
            format!("“{other}”不是有效层级，可选 core 或 all"),
            format!("“{other}” is not a tier; use core or all"),
        )),
    }
}

pub fn run(ctx: &Ctx, cmd: CaseCommand) -> Result<ExitCode, CoreError> {
    let now = ctx.now();
    match cmd {
        CaseCommand::New {
            platform,
            amount,
            occurred,
            summary,
            account,
            message,
        } => {
            let new = NewCase {
                platform,
                amount: Money::parse_amount(&amount)?,
                occurred: time::parse_time(&occurred, Field::Occurred)?,
                summary,
                account,
                message,
                diagnosis: None,
            };
            let mut store = ctx.open_store()?;
            let case = store.transaction(|tx| cases::create_case(tx, &new, &now))?;
            ctx.out.print(&case, |lang| match lang {
                Lang::Zh => format!(
                    "已建立案件 #{}：{} {}",
                    case.id,
                    case.platform,
                    case.amount.display()
                ),
                Lang::En => format!(
                    "Opened case #{}: {} {}",
                    case.id,
                    case.platform,
                    case.amount.display()
                ),
            });
        }
        CaseCommand::List { at } => {
            let at = ctx.at(at.as_deref(), Field::At)?;
            let store = ctx.open_store()?;
            let rows = cases::case_rows(store.conn(), &at, &ctx.ws.calendar()?)?;
            ctx.out.print(&rows, |lang| {
                let mut lines = Vec::new();
                for row in &rows {
                    let c = &row.case;
                    lines.push(format!(
                        "#{:<4} {:<12} {:>14}  {:<8} {:<20} {}{}",
                        c.id,
                        c.platform,
                        c.amount.display(),
                        c.status.label(lang),
                        c.stage.label(lang),
                        c.occurred_at.get(..10).unwrap_or(""),
                        match row.overdue_promises {
                            0 => String::new(),
                            n if lang == Lang::Zh => format!("  ⚠ {n} 个承诺逾期"),
                            n => format!("  ⚠ {n} promise(s) overdue"),
                        }
                    ));
                }
                if lines.is_empty() {
                    ctx.out.t("还没有案件", "No cases yet").to_string()
                } else {
                    lines.join("\n")
                }
            });
        }
        CaseCommand::Show { id, at } => {
            let at = ctx.at(at.as_deref(), Field::At)?;
            let store = ctx.open_store()?;
            let calendar = ctx.ws.calendar()?;
            let d = cases::detail(store.conn(), id, &at, &calendar)?;
            ctx.out.print(&d, |lang| super::case_text::detail(&d, lang));
        }
        CaseCommand::Event {
            id,
            at,
            text,
            evidence,
        } => {
            let new = NewEvent {
                at: time::parse_time(&at, Field::At)?,
                text,
                evidence_id: evidence,
            };
            let mut store = ctx.open_store()?;
            let e = store.transaction(|tx| cases::add_event(tx, id, &new, &now))?;
            ctx.out.print(&e, |lang| match lang {
                Lang::Zh => format!("已添加时间线 #{}：{} {}", e.id, e.at, e.text),
                Lang::En => format!("Added timeline entry #{}: {} {}", e.id, e.at, e.text),
            });
        }
        CaseCommand::Texts {
            id,
            search,
            set,
            text,
        } => {
            return super::case_texts::run(ctx, id, search, set.zip(text), &now);
        }
        CaseCommand::Evidence {
            id,
            file,
            caption,
            tier,
            taken_at,
        } => {
            let input = EvidenceInput {
                path: file,
                caption,
                tier: tier.parse::<Tier>()?,
                taken_at: taken_at
                    .as_deref()
                    .map(|t| time::parse_time(t, Field::TakenAt))
                    .transpose()?,
            };
            // The file is read, sniffed and (for images) fully decoded before the store opens.
            let prepared = evidence::prepare(&input)?;
            let mut store = ctx.open_store()?;
            let vault = tixian_core::store::vault_dir(store.path());
            let item = store.transaction(|tx| evidence::store(tx, &vault, id, &prepared, &now))?;
            ctx.out.print(&item, |lang| match lang {
                Lang::Zh => format!(
                    "已存入证据 #{}：{}（{}，{} 字节）SHA-256 {}",
                    item.id, item.original_name, item.mime, item.size_bytes, item.sha256
                ),
                Lang::En => format!(
                    "Stored evidence #{}: {} ({}, {} bytes) SHA-256 {}",
                    item.id, item.original_name, item.mime, item.size_bytes, item.sha256
                ),
            });
        }
        CaseCommand::Contact {
            id,
            at,
            channel,
            agent,
            said,
            promise,
            due,
            outcome,
        } => {
            let new = NewContact {
                at: time::parse_time(&at, Field::At)?,
                channel: channel.parse::<Channel>()?,
                agent,
                said,
                promise,
                due: due
                    .as_deref()
                    .map(|d| time::parse_time(d, Field::Due))
                    .transpose()?,
                outcome,
            };
            cases::log::validate_contact(&new)?;
            let mut store = ctx.open_store()?;
            let c = store.transaction(|tx| cases::add_contact(tx, id, &new, &now))?;
            ctx.out
                .print(&c, |lang| super::case_text::contact(&c, lang));
        }
        CaseCommand::Promises {
            id,
            file,
            received,
            add,
        } => {
            let received = ctx.at(received.as_deref(), Field::Received)?;
            let text = read_text(&file)?;
            let calendar = ctx.ws.calendar()?;
            let proposals = find_promises(&text, &received, &calendar);
            let contacts = proposals
                .iter()
                .map(|p| p.to_contact())
                .collect::<Result<Vec<_>, _>>()?;
            let mut store = ctx.open_store()?;
            if add {
                store.transaction(|tx| {
                    contacts
                        .iter()
                        .try_for_each(|c| cases::add_contact(tx, id, c, &now).map(drop))
                })?;
            } else {
                cases::get_case(store.conn(), id)?;
            }
            ctx.out.print(&serde_json::json!({ "proposals": proposals, "added": if add { proposals.len() } else { 0 } }), |lang| {
                super::case_text::proposals(&proposals, add, lang)
            });
        }
        CaseCommand::Kept { id, contact, at } => {
            let at = ctx.at(at.as_deref(), Field::At)?;
            let mut store = ctx.open_store()?;
            store.transaction(|tx| cases::mark_promise_kept(tx, id, contact, &at))?;
            ctx.out.print(&serde_json::json!({ "case": id, "contact": contact, "kept_at": time::to_rfc3339(&at) }), |lang| {
                if lang == Lang::Zh { format!("已标记联系记录 #{contact} 的承诺已兑现") } else { format!("Marked the promise of contact #{contact} as kept") }
            });
        }
        CaseCommand::FollowUpDone { id, follow_up, at } => {
            let at = ctx.at(at.as_deref(), Field::At)?;
            let mut store = ctx.open_store()?;
            store.transaction(|tx| cases::mark_follow_up_done(tx, id, follow_up, &at))?;
            ctx.out.print(&serde_json::json!({ "case": id, "follow_up": follow_up, "done_at": time::to_rfc3339(&at) }), |lang| {
                if lang == Lang::Zh { format!("已标记跟进 #{follow_up} 完成") } else { format!("Marked follow-up #{follow_up} as done") }
            });
        }
        CaseCommand::Status { id, status } => {
            let status: CaseStatus = status.parse()?;
            let mut store = ctx.open_store()?;
            let c = store.transaction(|tx| cases::set_status(tx, id, status, &now))?;
            ctx.out
                .print(&c, |lang| format!("#{}: {}", c.id, c.status.label(lang)));
        }
        CaseCommand::Stage { id, stage } => {
            let stage: Stage = stage.parse()?;
            let mut store = ctx.open_store()?;
            let c = store.transaction(|tx| cases::set_stage(tx, id, stage, &now))?;
            ctx.out.print(&c, |lang| {
                format!(
                    "#{}: {} / {}",
                    c.id,
                    c.stage.label(lang),
                    c.status.label(lang)
                )
            });
        }
        CaseCommand::FollowUp {
            id,
            body,
            filed,
            working_days,
            reference,
        } => {
            let new = NewFollowUp {
                body,
                reference,
                filed_at: time::parse_time(&filed, Field::Filed)?,
                working_days,
            };
            let calendar = ctx.ws.calendar()?;
            let mut store = ctx.open_store()?;
            let f = store.transaction(|tx| cases::add_follow_up(tx, id, &new, &calendar, &now))?;
            ctx.out.print(&f, |lang| match lang {
                Lang::Zh => format!("已安排跟进：{} 若到 {}{} 仍无答复，请追问（{} 个工作日）", f.body, f.due_on, super::estimated(f.calendar, true), f.deadline_working_days),
                Lang::En => format!("Follow-up scheduled: chase {} if nothing has come back by {}{} ({} working days)", f.body, f.due_on, super::estimated(f.calendar, false), f.deadline_working_days),
            });
        }
        CaseCommand::Letter { id, to, at } => {
            let to: Recipient = to.parse()?;
            let at = ctx.at(at.as_deref(), Field::At)?;
            let store = ctx.open_store()?;
            let letter =
                letters::letter_for_case(store.conn(), id, to, ctx.lang, &at, &ctx.ws.rules()?)?;
            ctx.out.print(&letter, |_| letter.text.clone());
        }
        CaseCommand::Export {
            id,
            out,
            tier,
            split,
            max_mb,
            at,
        } => {
            let all_tiers = all_tiers(&tier)?;
            let split = super::bundle::parse_split(split.as_deref(), max_mb.as_deref())?;
            let now = ctx.at(at.as_deref(), Field::At)?;
            let store = ctx.open_store()?;
            let input = tixian_core::cases::bundle::bundle_input(
                store.conn(),
                id,
                ctx.lang,
                all_tiers,
                &ctx.ws.vault_dir(),
                &now,
                &ctx.ws.rules()?,
            )?;
            drop(store);
            let opts = tixian_core::export::ExportOptions {
                split,
                ..Default::default()
            };
            return super::bundle::export(ctx, &input, &out, opts);
        }
        CaseCommand::Catalog {
            id,
            tier,
            applicant,
            names,
            purposes,
            order,
            at,
        } => {
            let all_tiers = all_tiers(&tier)?;
            let now = ctx.at(at.as_deref(), Field::At)?;
            let edits = super::bundle::CatalogChanges::parse(applicant, &names, &purposes, order)?;
            let mut store = ctx.open_store()?;
            let vault = ctx.ws.vault_dir();
            let rules = ctx.ws.rules()?;
            let view_of = |store: &tixian_core::store::Store| {
                tixian_core::cases::bundle::catalog_view(
                    store.conn(),
                    id,
                    ctx.lang,
                    all_tiers,
                    &vault,
                    &now,
                    &rules,
                )
            };
            if !edits.is_empty() {
                let (applicant, rows) = edits.apply(&view_of(&store)?)?;
                store.transaction(|tx| {
                    tixian_core::cases::bundle::save_catalog(tx, id, &applicant, &rows)
                })?;
            }
            let view = view_of(&store)?;
            ctx.out
                .print(&view, |lang| super::bundle::catalog_text(&view, lang));
        }
        CaseCommand::Form { id, channel, at } => {
            let channel: tixian_core::cases::forms::FormChannel = channel.parse()?;
            let now = ctx.at(at.as_deref(), Field::At)?;
            let store = ctx.open_store()?;
            let form = tixian_core::cases::forms::complaint_form(
                store.conn(),
                id,
                channel,
                ctx.lang,
                &now,
                &ctx.ws.rules()?,
            )?;
            ctx.out.print(&form, |_| form.text.clone());
        }
        CaseCommand::Erase { id, yes } => {
            return super::erase::run(ctx, super::erase::Target::Case(id), yes);
        }
        CaseCommand::EraseEvidence { evidence, yes } => {
            return super::erase::run(ctx, super::erase::Target::Evidence(evidence), yes);
        }
        CaseCommand::Prep { id } => {
            let store = ctx.open_store()?;
            let p = prep::prep_for_case(store.conn(), id, ctx.lang, &now, &ctx.ws.rules()?)?;
            ctx.out.print(&p, |lang| super::case_text::prep(&p, lang));
        }
        CaseCommand::Due { at } => {
            let at = ctx.at(at.as_deref(), Field::At)?;
            let store = ctx.open_store()?;
            let due = cases::due_items(store.conn(), &at)?;
            ctx.out.print(&due, |lang| {
                if due.is_empty() {
                    return ctx.out.t("没有到期事项", "Nothing is due").to_string();
                }
                due.iter()
                    .map(|d| {
                        format!(
                            "#{} {} {}: {}",
                            d.case_id,
                            d.platform,
                            d.since,
                            d.text.get(lang)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_text(file: &str) -> Result<String, CoreError> {
    let bad = |zh: String, en: String| CoreError::invalid(Field::File, zh, en);
    let bytes = if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        buf
    } else {
        std::fs::read(file).map_err(|e| {
            bad(
                format!("{file}：无法读取（{e}）"),
                format!("{file}: cannot be read ({e})"),
            )
        })?
    };
    String::from_utf8(bytes).map_err(|_| {
        bad(
            format!("{file}：不是 UTF-8 文本"),
            format!("{file}: is not UTF-8 text"),
        )
    })
}
