//! `tixian case texts ID [--search QUERY] [--set EVIDENCE --text TEXT]`: the text in a case's
//! evidence images. Images not read yet are read now (about a second each, as the app does in
//! the background); `--set` saves the user's correction, which later readings never replace.

use crate::fields::flag;
use crate::Ctx;
use serde::Serialize;
use std::process::ExitCode;
use tixian_core::cases::evidence;
use tixian_core::cases::evidence_text;
use tixian_core::time::Timestamp;
use tixian_core::Field;
use tixian_core::{CoreError, Lang, Store};

#[derive(Serialize)]
struct Texts {
    case_id: i64,
    evidence: Vec<ItemText>,
}

#[derive(Serialize)]
struct ItemText {
    evidence_id: i64,
    original_name: String,
    caption: String,
    /// null for files that are not images.
    text: Option<String>,
    /// `ocr` | `user`
    source: Option<String>,
}

pub fn run(
    ctx: &Ctx,
    id: i64,
    search: Option<String>,
    set: Option<(i64, String)>,
    now: &Timestamp,
) -> Result<ExitCode, CoreError> {
    let mut store = ctx.open_store()?;
    if let Some((evidence_id, text)) = set {
        set_text(&mut store, id, evidence_id, &text, now)?;
    }
    // Read what is unread, one image at a time, outside any transaction.
    evidence_text::read_unread(&mut store, id, now)?;
    let items = evidence_text::search(store.conn(), id, search.as_deref())?;
    let out = Texts {
        case_id: id,
        evidence: items
            .into_iter()
            .map(|e| ItemText {
                evidence_id: e.id,
                original_name: e.original_name,
                caption: e.caption,
                text: e.text,
                source: e.text_source,
            })
            .collect(),
    };
    ctx.out.print(&out, |lang| human(&out, lang));
    Ok(ExitCode::SUCCESS)
}

/// `--set EVIDENCE --text TEXT`: the user's text for an image of case `case_id`.
fn set_text(
    store: &mut Store,
    case_id: i64,
    evidence_id: i64,
    text: &str,
    now: &Timestamp,
) -> Result<(), CoreError> {
    let item = evidence::get_evidence(store.conn(), evidence_id)?;
    if item.case_id != case_id {
        return Err(CoreError::invalid(
            flag("--set"),
            format!("证据 #{evidence_id} 不属于案件 #{case_id}"),
            format!("evidence #{evidence_id} is not part of case #{case_id}"),
        ));
    }
    store
        .transaction(|tx| evidence_text::set_text(tx, evidence_id, text, now))
        .map_err(|e| e.field(Field::Text))?;
    Ok(())
}

fn human(t: &Texts, lang: Lang) -> String {
    if t.evidence.is_empty() {
        return match lang {
            Lang::Zh => "没有符合的证据".into(),
            Lang::En => "No evidence matches".into(),
        };
    }
    let mut s = String::new();
    for e in &t.evidence {
        let label = if e.caption.is_empty() {
            &e.original_name
        } else {
            &e.caption
        };
        s.push_str(&format!("#{} {label}\n", e.evidence_id));
        let body = match (&e.text, lang) {
            (None, Lang::Zh) => "（不是图片）".to_string(),
            (None, Lang::En) => "(not an image)".to_string(),
            (Some(t), Lang::Zh) if t.is_empty() => "（图中没有识别到文字）".to_string(),
            (Some(t), Lang::En) if t.is_empty() => "(no text found in the image)".to_string(),
            (Some(t), _) => t.clone(),
        };
        for line in body.lines() {
            s.push_str(&format!("    {line}\n"));
        }
    }
    s.trim_end().to_string()
}
