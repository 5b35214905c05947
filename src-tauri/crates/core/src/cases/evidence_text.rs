//! The text in evidence images (migration 0009): read once with [`crate::ocr`], in the
//! background, and correctable by the user; searchable in the case and printed under each image
//! in the bundle.
//!
//! Reading takes about a second an image, so it never happens inside a transaction: take the
//! [`pending`] items, [`read`] each from the vault with no lock held, then [`store_read`] the
//! result in a short transaction. A user's correction ([`set_text`]) is never replaced by a
//! reading that finishes after it.

use super::evidence::{get_evidence, is_decodable_image, list_evidence, EvidenceItem};
use crate::error::{CoreError, Result};
use crate::time::{self, Timestamp};
use crate::Field;
use crate::{ocr, vault, Store};
use rusqlite::{params, Connection, Transaction};
use std::path::Path;

/// The longest text the user may save for one image.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// Image evidence not read yet, oldest first (all cases, or one).
pub fn pending(conn: &Connection, case_id: Option<i64>, limit: u32) -> Result<Vec<EvidenceItem>> {
    let mut stmt = conn.prepare(
        "SELECT e.id, e.mime FROM evidence_items e
         WHERE NOT EXISTS (SELECT 1 FROM evidence_text t WHERE t.evidence_id = e.id)
           AND (?1 IS NULL OR e.case_id = ?1)
         ORDER BY e.id",
    )?;
    let rows = stmt.query_map(params![case_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, mime) = row?;
        if is_decodable_image(&mime) {
            out.push(get_evidence(conn, id)?);
            if out.len() as u32 >= limit {
                break;
            }
        }
    }
    Ok(out)
}

/// Reads the text of a stored image from the vault (about a second; hold no lock). A file that
/// cannot be decoded gives an empty text, so that it is not tried again.
pub fn read(vault_dir: &Path, item: &EvidenceItem) -> Result<String> {
    let bytes = vault::read(vault_dir, &item.sha256)?;
    match ocr::read_bytes(&bytes, &item.original_name) {
        Ok(result) => Ok(result.text),
        Err(CoreError::Invalid { .. }) => Ok(String::new()),
        Err(other) => Err(other),
    }
}

/// Records what OCR read, unless the item already has a text (the user's, or an earlier
/// reading) or was deleted meanwhile. Returns whether it was recorded.
pub fn store_read(tx: &Transaction, evidence_id: i64, text: &str, now: &Timestamp) -> Result<bool> {
    let n = tx.execute(
        "INSERT INTO evidence_text(evidence_id, text, source, updated_at)
         SELECT ?1, ?2, 'ocr', ?3 WHERE EXISTS (SELECT 1 FROM evidence_items WHERE id = ?1)
         ON CONFLICT(evidence_id) DO NOTHING",
        params![evidence_id, text, time::to_rfc3339(now)],
    )?;
    Ok(n > 0)
}

/// Reads every unread image of case `case_id` now, one at a time, each stored in its own short
/// transaction (what `tixian case texts` does first); returns how many were read.
pub fn read_unread(store: &mut Store, case_id: i64, now: &Timestamp) -> Result<usize> {
    let vault = crate::store::vault_dir(store.path());
    let unread = pending(store.conn(), Some(case_id), u32::MAX)?;
    for item in &unread {
        let text = read(&vault, item)?;
        store.transaction(|tx| store_read(tx, item.id, &text, now))?;
    }
    Ok(unread.len())
}

/// The case's evidence whose caption, file name or text contain `query` (all of it with none),
/// in the case's order.
pub fn search(conn: &Connection, case_id: i64, query: Option<&str>) -> Result<Vec<EvidenceItem>> {
    let mut items = list_evidence(conn, case_id)?;
    items.retain(|e| query.is_none_or(|q| matches(e, q)));
    Ok(items)
}

/// The user's text for an image (their correction of what was read); replaces any reading.
pub fn set_text(
    tx: &Transaction,
    evidence_id: i64,
    text: &str,
    now: &Timestamp,
) -> Result<EvidenceItem> {
    let item = get_evidence(tx, evidence_id)?;
    if !is_decodable_image(&item.mime) {
        return Err(CoreError::invalid(
            Field::Text,
            "只有图片证据才有图中文字",
            "only image evidence has text read from it",
        ));
    }
    let text = text.trim();
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(CoreError::invalid(
            Field::Text,
            format!("文字太长（最多 {MAX_TEXT_CHARS} 个字）"),
            format!("the text is too long (at most {MAX_TEXT_CHARS} characters)"),
        ));
    }
    tx.execute(
        "INSERT INTO evidence_text(evidence_id, text, source, updated_at) VALUES (?1, ?2, 'user', ?3)
         ON CONFLICT(evidence_id) DO UPDATE SET text = excluded.text, source = 'user',
             updated_at = excluded.updated_at",
        params![evidence_id, text, time::to_rfc3339(now)],
    )?;
    get_evidence(tx, evidence_id)
}

/// Whether `item` matches a search of its case's evidence: caption, file name or text contain
/// `query` (case-insensitive; spaces and width ignored, as in the knowledge base's matcher).
pub fn matches(item: &EvidenceItem, query: &str) -> bool {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .flat_map(char::to_lowercase)
            .collect()
    };
    let q = fold(query);
    if q.is_empty() {
        return true;
    }
    [
        item.caption.as_str(),
        item.original_name.as_str(),
        item.text.as_deref().unwrap_or(""),
    ]
    .iter()
    .any(|field| fold(field).contains(&q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::evidence::{add_evidence, list_evidence, EvidenceInput};
    use crate::cases::test_support::{store_with_case, t};
    use crate::cases::Tier;

    #[test]
    fn an_image_is_read_once_and_the_users_correction_is_kept() {
        let (mut store, case_id) = store_with_case();
        let dir = tempfile::tempdir().expect("temp dir");
        let vault = dir.path().join("vault");
        let shot = dir.path().join("toast.png");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/ocr/03-toast.png"),
            &shot,
        )
        .expect("fixture");
        let notes = dir.path().join("notes.txt");
        std::fs::write(&notes, "客服说三天内到账").expect("write");
        let now = t("2026-03-11 09:00");
        let (image, text_file) = store
            .transaction(|tx| {
                let input = |path: &Path| EvidenceInput {
                    path: path.to_path_buf(),
                    caption: String::new(),
                    tier: Tier::Core,
                    taken_at: None,
                };
                Ok((
                    add_evidence(tx, &vault, case_id, &input(&shot), &now)?,
                    add_evidence(tx, &vault, case_id, &input(&notes), &now)?,
                ))
            })
            .expect("added");
        assert_eq!(image.text, None);
        // Only the image waits to be read.
        let waiting = pending(store.conn(), Some(case_id), 10).expect("pending");
        assert_eq!(waiting.iter().map(|e| e.id).collect::<Vec<_>>(), [image.id]);
        let text = read(&vault, &waiting[0]).expect("read");
        assert!(text.contains("超出用户月收款限额"), "{text}");
        assert!(store
            .transaction(|tx| store_read(tx, image.id, &text, &now))
            .expect("stored"));
        assert!(pending(store.conn(), None, 10).expect("pending").is_empty());
        // The user corrects it; a late second reading does not undo that.
        store
            .transaction(|tx| set_text(tx, image.id, " 超出月收款限额 ", &now))
            .expect("set");
        assert!(!store
            .transaction(|tx| store_read(tx, image.id, "x", &now))
            .expect("ok"));
        let items = list_evidence(store.conn(), case_id).expect("list");
        let got = items.iter().find(|e| e.id == image.id).expect("image");
        assert_eq!(got.text.as_deref(), Some("超出月收款限额"));
        assert_eq!(got.text_source.as_deref(), Some("user"));
        assert!(matches(got, "月收款"));
        assert!(matches(got, "TOAST"));
        assert!(!matches(got, "冻结"));
        let err = store
            .transaction(|tx| set_text(tx, text_file.id, "x", &now))
            .unwrap_err();
        assert_eq!(err.field_name(), Some("text"));
    }

    #[test]
    fn a_cases_unread_images_are_read_once_and_its_evidence_searched_by_their_text() {
        // On disk: the vault is the folder beside the database.
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join("t.db")).expect("store");
        let case = crate::cases::NewCase {
            platform: "微信支付".into(),
            amount: crate::Money::parse_amount("5000").unwrap(),
            occurred: t("2026-03-10 14:00"),
            summary: "提现失败".into(),
            account: String::new(),
            message: String::new(),
            diagnosis: None,
        };
        let case_id = store
            .transaction(|tx| crate::cases::create_case(tx, &case, &t("2026-03-10 15:00")))
            .expect("case")
            .id;
        let shot = dir.path().join("toast.png");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/ocr/03-toast.png"),
            &shot,
        )
        .expect("fixture");
        let now = t("2026-03-11 09:00");
        let vault = crate::store::vault_dir(store.path());
        let image = store
            .transaction(|tx| {
                let input = EvidenceInput {
                    path: shot.clone(),
                    caption: "提现页".into(),
                    tier: Tier::Core,
                    taken_at: None,
                };
                add_evidence(tx, &vault, case_id, &input, &now)
            })
            .expect("added");
        assert_eq!(read_unread(&mut store, case_id, &now).expect("read"), 1);
        assert_eq!(read_unread(&mut store, case_id, &now).expect("read"), 0);
        let ids = |q: Option<&str>| -> Vec<i64> {
            let found = search(store.conn(), case_id, q).expect("search");
            found.iter().map(|e| e.id).collect()
        };
        assert_eq!(ids(Some("月收款限额")), [image.id]);
        assert_eq!(ids(None), [image.id]);
        assert!(ids(Some("冻结")).is_empty());
    }
}
