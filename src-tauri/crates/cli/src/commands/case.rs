//! `tixian case …`: complaint cases — open one, add timeline entries, evidence and contacts,
//! find promises in a pasted chat, schedule follow-ups, write letters. Every input is checked
//! before the database is opened; each command is one transaction.

use crate::Ctx;
use clap::{Args, Subcommand};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use tixian_core::cases::evidence::{self, EvidenceInput};
use tixian_core::cases::letters::{self, Recipient};
use tixian_core::cases::promises::find_promises;
use tixian_core::cases::{
    self, prep, CaseStatus, ContactChannel, NewCase, NewContact, NewEvent, NewFollowUp, Stage, Tier,
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
    Contact(ContactArgs),
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
    Catalog(CatalogArgs),
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

#[derive(Args)]
pub struct ContactArgs {
    pub id: i64,
    #[arg(long)]
    pub at: String,
    /// phone | chat | email | ticket | in_person
    #[arg(long)]
    pub channel: String,
    #[arg(long, default_value = "")]
    pub agent: String,
    #[arg(long, default_value = "")]
    pub said: String,
    #[arg(long, default_value = "")]
    pub promise: String,
    #[arg(long)]
    pub due: Option<String>,
    #[arg(long, default_value = "")]
    pub outcome: String,
}

#[derive(Args)]
pub struct CatalogArgs {
    pub id: i64,
    /// core (default) or all.
    #[arg(long, default_value = "core")]
    pub tier: String,
    /// Who complains (printed beside the signature line).
    #[arg(long)]
    pub applicant: Option<String>,
    /// KEY=TEXT: the 证据名称 of a row (empty TEXT: back to the suggestion).
    #[arg(long = "name")]
    pub names: Vec<String>,
    /// KEY=TEXT: the 证明目的 of a row (empty TEXT: back to the suggestion).
    #[arg(long = "purpose")]
    pub purposes: Vec<String>,
    /// The rows' order, KEY,KEY,… (rows left out follow in their present order).
    #[arg(long)]
    pub order: Option<String>,
    #[arg(long)]
    pub at: Option<String>,
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
    match cmd {
        CaseCommand::New {
            platform,
            amount,
            occurred,
            summary,
            account,
            message,
        } => new_case(ctx, platform, amount, occurred, summary, account, message),
        CaseCommand::List { at } => list(ctx, at),
        CaseCommand::Show { id, at } => show(ctx, id, at),
        CaseCommand::Event {
            id,
            at,
            text,
            evidence,
        } => event(ctx, id, at, text, evidence),
        CaseCommand::Texts {
            id,
            search,
            set,
            text,
        } => texts(ctx, id, search, set, text),
        CaseCommand::Evidence {
            id,
            file,
            caption,
            tier,
            taken_at,
        } => evidence(ctx, id, file, caption, tier, taken_at),
        CaseCommand::Contact(args) => contact(ctx, args),
        CaseCommand::Promises {
            id,
            file,
            received,
            add,
        } => promises(ctx, id, file, received, add),
        CaseCommand::Kept { id, contact, at } => kept(ctx, id, contact, at),
        CaseCommand::FollowUpDone { id, follow_up, at } => follow_up_done(ctx, id, follow_up, at),
        CaseCommand::Status { id, status } => set_status(ctx, id, status),
        CaseCommand::Stage { id, stage } => set_stage(ctx, id, stage),
        CaseCommand::FollowUp {
            id,
            body,
            filed,
            working_days,
            reference,
        } => follow_up(ctx, id, body, filed, working_days, reference),
        CaseCommand::Letter { id, to, at } => letter(ctx, id, to, at),
        CaseCommand::Export {
            id,
            out,
            tier,
            split,
            max_mb,
            at,
        } => export(ctx, id, out, tier, split, max_mb, at),
        CaseCommand::Catalog(args) => catalog(ctx, args),
        CaseCommand::Form { id, channel, at } => form(ctx, id, channel, at),
        CaseCommand::Erase { id, yes } => erase(ctx, id, yes),
        CaseCommand::EraseEvidence { evidence, yes } => erase_evidence(ctx, evidence, yes),
        CaseCommand::Prep { id } => prep(ctx, id),
        CaseCommand::Due { at } => due(ctx, at),
    }
}

fn new_case(
    ctx: &Ctx,
    platform: String,
    amount: String,
    occurred: String,
    summary: String,
    account: String,
    message: String,
) -> Result<ExitCode, CoreError> {
    let now = ctx.now();
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
    ctx.out
        .print(&case, |lang| super::case_text::opened(&case, lang));
    Ok(ExitCode::SUCCESS)
}

fn list(ctx: &Ctx, at: Option<String>) -> Result<ExitCode, CoreError> {
    let at = ctx.at(at.as_deref(), Field::At)?;
    let store = ctx.open_store()?;
    let rows = cases::case_rows(store.conn(), &at, &ctx.ws.calendar()?)?;
    ctx.out
        .print(&rows, |lang| super::case_text::rows(&rows, lang));
    Ok(ExitCode::SUCCESS)
}

fn show(ctx: &Ctx, id: i64, at: Option<String>) -> Result<ExitCode, CoreError> {
    let at = ctx.at(at.as_deref(), Field::At)?;
    let store = ctx.open_store()?;
    let calendar = ctx.ws.calendar()?;
    let d = cases::detail(store.conn(), id, &at, &calendar)?;
    ctx.out.print(&d, |lang| super::case_text::detail(&d, lang));
    Ok(ExitCode::SUCCESS)
}

fn event(
    ctx: &Ctx,
    id: i64,
    at: String,
    text: String,
    evidence: Option<i64>,
) -> Result<ExitCode, CoreError> {
    let now = ctx.now();
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
    Ok(ExitCode::SUCCESS)
}

fn texts(
    ctx: &Ctx,
    id: i64,
    search: Option<String>,
    set: Option<i64>,
    text: Option<String>,
) -> Result<ExitCode, CoreError> {
    let now = ctx.now();
    super::case_texts::run(ctx, id, search, set.zip(text), &now)
}

fn evidence(
    ctx: &Ctx,
    id: i64,
    file: PathBuf,
    caption: String,
    tier: String,
    taken_at: Option<String>,
) -> Result<ExitCode, CoreError> {
    let now = ctx.now();
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
    let item = ctx.ws.add_evidence(&mut store, id, &prepared, &now)?;
    ctx.out
        .print(&item, |lang| super::case_text::stored(&item, lang));
    Ok(ExitCode::SUCCESS)
}

fn contact(ctx: &Ctx, args: ContactArgs) -> Result<ExitCode, CoreError> {
    let ContactArgs {
        id,
        at,
        channel,
        agent,
        said,
        promise,
        due,
        outcome,
    } = args;
    let now = ctx.now();
    let due = due.as_deref().map(|d| time::parse_time(d, Field::Due));
    let new = NewContact {
        at: time::parse_time(&at, Field::At)?,
        channel: channel.parse::<ContactChannel>()?,
        agent,
        said,
        promise,
        due: due.transpose()?,
        limit: None,
        outcome,
    };
    cases::log::validate_contact(&new)?;
    let mut store = ctx.open_store()?;
    let calendar = ctx.ws.calendar()?;
    let c = store.transaction(|tx| cases::add_contact(tx, id, &new, &calendar, &now))?;
    ctx.out
        .print(&c, |lang| super::case_text::contact(&c, lang));
    Ok(ExitCode::SUCCESS)
}

fn promises(
    ctx: &Ctx,
    id: i64,
    file: String,
    received: Option<String>,
    add: bool,
) -> Result<ExitCode, CoreError> {
    let now = ctx.now();
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
                .try_for_each(|c| cases::add_contact(tx, id, c, &calendar, &now).map(drop))
        })?;
    } else {
        cases::get_case(store.conn(), id)?;
    }
    ctx.out.print(&serde_json::json!({ "proposals": proposals, "added": if add { proposals.len() } else { 0 } }), |lang| {
            super::case_text::proposals(&proposals, add, lang)
        });
    Ok(ExitCode::SUCCESS)
}

fn kept(ctx: &Ctx, id: i64, contact: i64, at: Option<String>) -> Result<ExitCode, CoreError> {
    let at = ctx.at(at.as_deref(), Field::At)?;
    let mut store = ctx.open_store()?;
    store.transaction(|tx| cases::mark_promise_kept(tx, id, contact, &at))?;
    ctx.out.print(
        &serde_json::json!({ "case": id, "contact": contact, "kept_at": time::to_rfc3339(&at) }),
        |lang| {
            if lang == Lang::Zh {
                format!("已标记联系记录 #{contact} 的承诺已兑现")
            } else {
                format!("Marked the promise of contact #{contact} as kept")
            }
        },
    );
    Ok(ExitCode::SUCCESS)
}

fn follow_up_done(
    ctx: &Ctx,
    id: i64,
    follow_up: i64,
    at: Option<String>,
) -> Result<ExitCode, CoreError> {
    let at = ctx.at(at.as_deref(), Field::At)?;
    let mut store = ctx.open_store()?;
    store.transaction(|tx| cases::mark_follow_up_done(tx, id, follow_up, &at))?;
    ctx.out.print(&serde_json::json!({ "case": id, "follow_up": follow_up, "done_at": time::to_rfc3339(&at) }), |lang| {
            if lang == Lang::Zh { format!("已标记跟进 #{follow_up} 完成") } else { format!("Marked follow-up #{follow_up} as done") }
        });
    Ok(ExitCode::SUCCESS)
}

fn set_status(ctx: &Ctx, id: i64, status: String) -> Result<ExitCode, CoreError> {
    let now = ctx.now();
    let status: CaseStatus = status.parse()?;
    let mut store = ctx.open_store()?;
    let c = store.transaction(|tx| cases::set_status(tx, id, status, &now))?;
    ctx.out
        .print(&c, |lang| format!("#{}: {}", c.id, c.status.label(lang)));
    Ok(ExitCode::SUCCESS)
}

fn set_stage(ctx: &Ctx, id: i64, stage: String) -> Result<ExitCode, CoreError> {
    let now = ctx.now();
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
    Ok(ExitCode::SUCCESS)
}

fn follow_up(
    ctx: &Ctx,
    id: i64,
    body: String,
    filed: String,
    working_days: u32,
    reference: String,
) -> Result<ExitCode, CoreError> {
    let now = ctx.now();
    let new = NewFollowUp {
        body,
        reference,
        filed_at: time::parse_time(&filed, Field::Filed)?,
        working_days,
    };
    let calendar = ctx.ws.calendar()?;
    let mut store = ctx.open_store()?;
    let f = store.transaction(|tx| cases::add_follow_up(tx, id, &new, &calendar, &now))?;
    ctx.out
        .print(&f, |lang| super::case_text::follow_up(&f, lang));
    Ok(ExitCode::SUCCESS)
}

fn letter(ctx: &Ctx, id: i64, to: String, at: Option<String>) -> Result<ExitCode, CoreError> {
    let to: Recipient = to.parse()?;
    let at = ctx.at(at.as_deref(), Field::At)?;
    let store = ctx.open_store()?;
    let letter = letters::letter_for_case(store.conn(), id, to, ctx.lang, &at, &ctx.ws.rules()?)?;
    ctx.out.print(&letter, |_| letter.text.clone());
    Ok(ExitCode::SUCCESS)
}

fn export(
    ctx: &Ctx,
    id: i64,
    out: std::path::PathBuf,
    tier: String,
    split: Option<String>,
    max_mb: Option<String>,
    at: Option<String>,
) -> Result<ExitCode, CoreError> {
    let all_tiers = all_tiers(&tier)?;
    let split = super::bundle::parse_split(split.as_deref(), max_mb.as_deref())?;
    let now = ctx.at(at.as_deref(), Field::At)?;
    let store = ctx.open_store()?;
    let input = ctx
        .ws
        .bundle_input(store.conn(), id, ctx.lang, all_tiers, &now)?;
    drop(store);
    let opts = tixian_core::export::ExportOptions {
        split,
        ..Default::default()
    };
    super::bundle::export(ctx, &input, &out, opts)
}

fn catalog(ctx: &Ctx, args: CatalogArgs) -> Result<ExitCode, CoreError> {
    let CatalogArgs {
        id,
        tier,
        applicant,
        names,
        purposes,
        order,
        at,
    } = args;
    let all_tiers = all_tiers(&tier)?;
    let now = ctx.at(at.as_deref(), Field::At)?;
    let edits = super::bundle::catalog_changes(applicant, &names, &purposes, order)?;
    let mut store = ctx.open_store()?;
    let view_of = |store: &tixian_core::store::Store| {
        ctx.ws
            .catalog_view(store.conn(), id, ctx.lang, all_tiers, &now)
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
    Ok(ExitCode::SUCCESS)
}

fn form(ctx: &Ctx, id: i64, channel: String, at: Option<String>) -> Result<ExitCode, CoreError> {
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
    Ok(ExitCode::SUCCESS)
}

fn erase(ctx: &Ctx, id: i64, yes: bool) -> Result<ExitCode, CoreError> {
    super::erase::run(ctx, super::erase::Target::Case(id), yes)
}

fn erase_evidence(ctx: &Ctx, evidence: i64, yes: bool) -> Result<ExitCode, CoreError> {
    super::erase::run(ctx, super::erase::Target::Evidence(evidence), yes)
}

fn prep(ctx: &Ctx, id: i64) -> Result<ExitCode, CoreError> {
    let now = ctx.now();
    let store = ctx.open_store()?;
    let p = prep::prep_for_case(store.conn(), id, ctx.lang, &now, &ctx.ws.rules()?)?;
    ctx.out.print(&p, |lang| super::case_text::prep(&p, lang));
    Ok(ExitCode::SUCCESS)
}

fn due(ctx: &Ctx, at: Option<String>) -> Result<ExitCode, CoreError> {
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
