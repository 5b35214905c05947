//! Permanent erase: a case, an evidence file or a platform with everything recorded about it,
//! gone from the database and the vault — no undo (a delete elsewhere in the app can be undone;
//! this one is for when the user wants the data gone).
//!
//! The rows go in one transaction with `secure_delete` on, so SQLite overwrites the freed pages
//! with zeros; after the commit the write-ahead log is truncated (its copies of the pages go
//! too) and each vault original no remaining row refers to is removed. Backups and bundles
//! already exported are separate files and are not touched: the app and the CLI say so.

use crate::error::{CoreError, Result};
use crate::store::Store;
use crate::vault;
use rusqlite::{params, Transaction};
use serde::Serialize;
use std::path::Path;

/// What an erase removed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Erased {
    /// `case`, `evidence` or `platform`.
    pub what: String,
    pub id: i64,
    /// Database rows removed, all tables together.
    pub rows: u32,
    /// Vault originals removed (SHA-256 names).
    pub files_removed: Vec<String>,
    /// Originals kept because another case or import still uses the same file.
    pub files_still_used: u32,
}

/// Erases case `id` with its timeline, customer-service log, follow-ups, evidence (and the
/// text read from it), catalogue edits and the originals only it used.
pub fn erase_case(store: &mut Store, vault_dir: &Path, id: i64) -> Result<Erased> {
    erase(store, vault_dir, "case", id, |tx| delete_case(tx, id))
}

/// Deletes case `id`'s rows; returns how many and the vault files they referred to.
pub(crate) fn delete_case(tx: &Transaction, id: i64) -> Result<(u32, Vec<String>)> {
    crate::cases::get_case(tx, id)?;
    let files = hashes(
        tx,
        "SELECT sha256 FROM evidence_items WHERE case_id = ?1",
        id,
    )?;
    let rows = count(tx, &CASE_ROWS, id)?;
    tx.execute("DELETE FROM cases WHERE id = ?1", [id])?;
    Ok((rows, files))
}

/// Erases evidence item `id` (its row, the text read from it, its place in the catalogue) and
/// its original unless another case holds the same file. Timeline events that pointed to it
/// stay, without the link.
pub fn erase_evidence(store: &mut Store, vault_dir: &Path, id: i64) -> Result<Erased> {
    erase(store, vault_dir, "evidence", id, |tx| {
        let found = hashes(tx, "SELECT sha256 FROM evidence_items WHERE id = ?1", id)?;
        if found.is_empty() {
            return Err(CoreError::NotFound {
                what: "evidence",
                key: id.to_string(),
            });
        }
        let rows = count(tx, &EVIDENCE_ROWS, id)?;
        tx.execute(
            "DELETE FROM bundle_catalog WHERE item = 'evidence:' || ?1",
            [id],
        )?;
        tx.execute("DELETE FROM evidence_items WHERE id = ?1", [id])?;
        Ok((rows, found))
    })
}

/// Erases platform `id` with its balances, withdrawals, danger signals, saved payout rules,
/// its imports with every imported row, and the original bill files only it used. Cases about
/// it stay (they keep the platform's name); erase those one by one.
pub fn erase_platform(store: &mut Store, vault_dir: &Path, id: i64) -> Result<Erased> {
    erase(store, vault_dir, "platform", id, |tx| {
        delete_platform(tx, id)
    })
}

/// Deletes platform `id`'s rows; returns how many and the vault files they referred to.
pub(crate) fn delete_platform(tx: &Transaction, id: i64) -> Result<(u32, Vec<String>)> {
    crate::ledger::get_platform(tx, id)?;
    let files = hashes(tx, "SELECT sha256 FROM imports WHERE platform_id = ?1", id)?;
    let rows = count(tx, &PLATFORM_ROWS, id)?;
    // Imports first: their rows cascade, including rows of this import filed elsewhere.
    tx.execute("DELETE FROM imports WHERE platform_id = ?1", [id])?;
    tx.execute("DELETE FROM platforms WHERE id = ?1", [id])?;
    Ok((rows, files))
}

/// Row counts that an erase of one case removes (`?1` is the case id).
const CASE_ROWS: [&str; 7] = [
    "SELECT COUNT(*) FROM cases WHERE id = ?1",
    "SELECT COUNT(*) FROM timeline_events WHERE case_id = ?1",
    "SELECT COUNT(*) FROM contacts WHERE case_id = ?1",
    "SELECT COUNT(*) FROM follow_ups WHERE case_id = ?1",
    "SELECT COUNT(*) FROM evidence_items WHERE case_id = ?1",
    "SELECT COUNT(*) FROM evidence_text WHERE evidence_id IN (SELECT id FROM evidence_items WHERE case_id = ?1)",
    "SELECT COUNT(*) FROM bundle_catalog WHERE case_id = ?1",
];

const EVIDENCE_ROWS: [&str; 3] = [
    "SELECT COUNT(*) FROM evidence_items WHERE id = ?1",
    "SELECT COUNT(*) FROM evidence_text WHERE evidence_id = ?1",
    "SELECT COUNT(*) FROM bundle_catalog WHERE item = 'evidence:' || ?1",
];

const PLATFORM_ROWS: [&str; 7] = [
    "SELECT COUNT(*) FROM platforms WHERE id = ?1",
    "SELECT COUNT(*) FROM imports WHERE platform_id = ?1",
    "SELECT COUNT(*) FROM transactions WHERE platform_id = ?1 OR import_id IN (SELECT id FROM imports WHERE platform_id = ?1)",
    "SELECT COUNT(*) FROM balance_snapshots WHERE platform_id = ?1",
    "SELECT COUNT(*) FROM withdrawals WHERE platform_id = ?1",
    "SELECT COUNT(*) FROM danger_signals WHERE platform_id = ?1",
    "SELECT COUNT(*) FROM rule_snapshots WHERE platform_id = ?1",
];

fn count(tx: &Transaction, queries: &[&str], id: i64) -> Result<u32> {
    let mut total = 0i64;
    for q in queries {
        total += tx.query_row(q, [id], |r| r.get::<_, i64>(0))?;
    }
    Ok(u32::try_from(total).unwrap_or(u32::MAX))
}

fn hashes(tx: &Transaction, sql: &str, id: i64) -> Result<Vec<String>> {
    let mut stmt = tx.prepare(sql)?;
    let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
    let mut out: Vec<String> = rows.collect::<rusqlite::Result<_>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

/// Whether any row still refers to the vault file `sha256`.
fn still_used(tx: &Transaction, sha256: &str) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM evidence_items WHERE sha256 = ?1)
             OR EXISTS(SELECT 1 FROM imports WHERE sha256 = ?1)",
        params![sha256],
        |r| r.get::<_, bool>(0),
    )?)
}

/// Runs `delete` in one transaction with `secure_delete` on, then empties the WAL and removes
/// the vault originals no row refers to any more.
pub(crate) fn erase(
    store: &mut Store,
    vault_dir: &Path,
    what: &str,
    id: i64,
    delete: impl FnOnce(&Transaction) -> Result<(u32, Vec<String>)>,
) -> Result<Erased> {
    store.conn().pragma_update(None, "secure_delete", true)?;
    let outcome = store.transaction(|tx| {
        let (rows, files) = delete(tx)?;
        let mut unused = Vec::new();
        let mut still = 0;
        for sha in files {
            if still_used(tx, &sha)? {
                still += 1;
            } else {
                unused.push(sha);
            }
        }
        Ok((rows, unused, still))
    });
    store.conn().pragma_update(None, "secure_delete", false)?;
    let (rows, unused, files_still_used) = outcome?;
    // The WAL still holds the pages as they were before the delete: write them back and empty
    // it. Another reader may keep part of it alive; that is not an error, the next checkpoint
    // will finish.
    let _ = store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    let mut files_removed = Vec::new();
    for sha in unused {
        match std::fs::remove_file(vault::path_of(vault_dir, &sha)) {
            Ok(()) => files_removed.push(sha),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Erased {
        what: what.into(),
        id,
        rows,
        files_removed,
        files_still_used,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::evidence::{add_evidence, EvidenceInput};
    use crate::cases::test_support::t;
    use crate::cases::{add_event, create_case, NewCase, NewEvent, Tier};
    use crate::ledger::{add_balance, add_platform, NewPlatform, PlatformKind};
    use crate::money::Money;

    struct Home {
        _dir: tempfile::TempDir,
        store: Store,
        vault: std::path::PathBuf,
        chat: std::path::PathBuf,
    }

    fn home() -> Home {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tixian.db");
        let store = Store::open(&db).unwrap();
        let chat = dir.path().join("客服聊天.txt");
        std::fs::write(&chat, "客服：3个工作日内到账\n").unwrap();
        Home {
            vault: crate::store::vault_dir(&db),
            _dir: dir,
            store,
            chat,
        }
    }

    fn case_with_chat(h: &mut Home) -> (i64, i64, String) {
        let vault = h.vault.clone();
        let chat = h.chat.clone();
        h.store
            .transaction(|tx| {
                let case = create_case(
                    tx,
                    &NewCase {
                        platform: "某平台".into(),
                        amount: Money(88_800),
                        occurred: t("2026-11-02 10:00"),
                        summary: "提现未到账".into(),
                        account: String::new(),
                        message: String::new(),
                        diagnosis: None,
                    },
                    &t("2026-11-02 10:00"),
                )?;
                let item = add_evidence(
                    tx,
                    &vault,
                    case.id,
                    &EvidenceInput {
                        path: chat,
                        caption: "客服聊天".into(),
                        tier: Tier::Core,
                        taken_at: None,
                    },
                    &t("2026-11-03 10:00"),
                )?;
                add_event(
                    tx,
                    case.id,
                    &NewEvent {
                        at: t("2026-11-03 10:00"),
                        text: "客服承诺到账".into(),
                        evidence_id: Some(item.id),
                    },
                    &t("2026-11-03 10:00"),
                )?;
                Ok((case.id, item.id, item.sha256))
            })
            .unwrap()
    }

    fn rows(store: &Store, sql: &str) -> i64 {
        store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn erasing_a_case_removes_its_rows_and_the_original_only_it_used() {
        let mut h = home();
        let (first, _, sha) = case_with_chat(&mut h);
        let (second, second_item, _) = case_with_chat(&mut h);
        let path = vault::path_of(&h.vault, &sha);

        let erased = erase_case(&mut h.store, &h.vault, first).unwrap();
        // The case, its event and its evidence item.
        assert_eq!(erased.rows, 3);
        assert!(erased.files_removed.is_empty());
        assert_eq!(
            erased.files_still_used, 1,
            "the second case holds the same file"
        );
        assert!(path.is_file());
        assert_eq!(rows(&h.store, "SELECT COUNT(*) FROM cases"), 1);

        let erased = erase_evidence(&mut h.store, &h.vault, second_item).unwrap();
        assert_eq!((erased.rows, erased.files_removed.clone()), (1, vec![sha]));
        assert!(!path.exists(), "the last user of the original is gone");
        // The timeline keeps the event, without the link.
        let linked: Option<i64> = h
            .store
            .conn()
            .query_row(
                "SELECT evidence_id FROM timeline_events WHERE case_id = ?1",
                [second],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(linked, None);
    }

    #[test]
    fn erasing_a_platform_removes_its_imports_rows_and_bill_originals() {
        let mut h = home();
        let (sha, _) = vault::put_bytes(&h.vault, "交易时间,金额\n".as_bytes()).unwrap();
        let id = h
            .store
            .transaction(|tx| {
                let p = add_platform(
                    tx,
                    &NewPlatform {
                        name: "微信支付".into(),
                        kind: PlatformKind::Wechat,
                        note: String::new(),
                    },
                    &t("2026-11-01 09:00"),
                )?;
                add_balance(tx, "微信支付", Money(100), &t("2026-11-01 09:00"), &t("2026-11-01 09:00"))?;
                tx.execute(
                    "INSERT INTO imports(sha256, file_name, format, platform_id, rows, imported, duplicates, imported_at)
                     VALUES (?1, 'bill.csv', 'wechat-csv', ?2, 0, 0, 0, '2026-11-01T09:00:00+08:00')",
                    params![sha, p.id],
                )?;
                Ok(p.id)
            })
            .unwrap();
        let erased = erase_platform(&mut h.store, &h.vault, id).unwrap();
        assert_eq!(erased.rows, 3);
        assert_eq!(erased.files_removed, vec![sha.clone()]);
        assert!(!vault::path_of(&h.vault, &sha).exists());
        assert_eq!(rows(&h.store, "SELECT COUNT(*) FROM imports"), 0);
        assert_eq!(rows(&h.store, "SELECT COUNT(*) FROM balance_snapshots"), 0);
    }

    #[test]
    fn an_erased_platforms_row_texts_leave_no_trace_in_the_file_or_its_search_index() {
        let mut h = home();
        let csv = "微信支付账单明细,,,,,,,,,,\n----------------------微信支付账单明细列表--------------------,,,,,,,,,,\n\
                   交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n\
                   2026-11-01 10:00:00,商户消费,隐私商户甲乙丙,私密商品丁戊,支出,¥1.00,零钱,支付成功,4200000001,M1,/\n";
        let report = crate::import::import_bytes(
            &mut h.store,
            "bill.csv",
            csv.as_bytes(),
            &crate::import::ImportOptions::default(),
            &h.vault,
            &t("2026-11-02 09:00"),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(report.imported, 1);
        let id = rows(&h.store, "SELECT id FROM platforms");
        erase_platform(&mut h.store, &h.vault, id).unwrap();
        let db = h.store.path().to_path_buf();
        drop(h.store);
        let mut bytes = std::fs::read(&db).unwrap();
        if let Ok(wal) = std::fs::read(db.with_extension("db-wal")) {
            bytes.extend(wal);
        }
        for secret in ["隐私商户", "私密商品", "隐私商", "密商品", "甲乙丙"] {
            let needle = secret.as_bytes();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{secret} is still in the database file"
            );
        }
    }

    #[test]
    fn erasing_what_is_not_there_changes_nothing() {
        let mut h = home();
        let (case, _, _) = case_with_chat(&mut h);
        assert_eq!(
            erase_case(&mut h.store, &h.vault, case + 1)
                .unwrap_err()
                .exit_code(),
            2
        );
        assert_eq!(
            erase_evidence(&mut h.store, &h.vault, 999)
                .unwrap_err()
                .exit_code(),
            2
        );
        assert_eq!(rows(&h.store, "SELECT COUNT(*) FROM evidence_items"), 1);
    }
}
