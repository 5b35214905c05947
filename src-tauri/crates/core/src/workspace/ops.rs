//! The operations the app and the CLI both offer that need more of the workspace than one
//! connection (the vault, the user's rule folder, the calendar before and after a change), so
//! each front end calls one function and keeps only its translation.

use super::Workspace;
use crate::calendar::{self, ParsedNotice, SavedNotice};
use crate::cases::bundle::{self, CatalogView};
use crate::cases::evidence::{self, EvidenceItem, PreparedEvidence};
use crate::cases::DeadlineChange;
use crate::crypto::Passphrase;
use crate::export::BundleInput;
use crate::lang::Text;
use crate::lock::{self, LockStatus};
use crate::ocr::{self, OcrResult};
use crate::time::Timestamp;
use crate::{CoreError, Field, Lang, Result, Store};
use rusqlite::Connection;
use serde::Serialize;
use std::path::PathBuf;

/// What saving a holiday notice did: the file, and the open cases' deadlines it moved.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CalendarSaved {
    pub saved: SavedNotice,
    pub moved: Vec<DeadlineChange>,
}

/// A screenshot to read: a file the user picked or dropped, or an image pasted as bytes.
#[derive(Debug)]
pub enum Screenshot {
    File(PathBuf),
    Pasted(Vec<u8>),
}

impl Screenshot {
    /// From a form's two ways in: the file wins; neither is bad input on [`Field::Image`].
    pub fn from_inputs(file: Option<PathBuf>, pasted: Option<Vec<u8>>) -> Result<Screenshot> {
        match (file, pasted) {
            (Some(path), _) => Ok(Screenshot::File(path)),
            (None, Some(bytes)) => Ok(Screenshot::Pasted(bytes)),
            (None, None) => Err(CoreError::invalid(
                Field::Image,
                "请选择、拖入或粘贴一张截图",
                "choose, drop or paste a screenshot",
            )),
        }
    }
}

/// What a screenshot says.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScreenshotText {
    pub ocr: OcrResult,
    /// The platform's message picked from the text, for the message field.
    pub message: String,
    /// The image, at most [`PREVIEW_HEIGHT`] px high, as a `data:image/jpeg` URL, for the
    /// boxes to sit on.
    pub preview: String,
}

/// The tallest preview a screenshot's text is drawn over.
pub const PREVIEW_HEIGHT: u32 = 1600;

impl Workspace {
    /// Reads `shot`'s text and picks the platform's message from it with this workspace's
    /// knowledge base. `progress` is told each step and stops the work by returning `false`
    /// (then `None`). Messages name a pasted image as such, in `lang`.
    pub fn read_screenshot(
        &self,
        shot: Screenshot,
        lang: Lang,
        progress: &mut dyn FnMut(ocr::Progress) -> bool,
    ) -> Result<Option<ScreenshotText>> {
        let (bytes, name) = match shot {
            Screenshot::File(path) => (ocr::read_image_file(&path)?, path.display().to_string()),
            Screenshot::Pasted(bytes) => {
                let name = Text::new("粘贴的图片", "the pasted image");
                (bytes, name.get(lang).to_string())
            }
        };
        let Some(read) = ocr::read_bytes_with(&bytes, &name, progress)? else {
            return Ok(None);
        };
        let kb = self.kb()?;
        let message = crate::diagnose::message_from_text(&kb, &read.text);
        let preview = ocr::preview_jpeg(&bytes, PREVIEW_HEIGHT)?;
        Ok(Some(ScreenshotText {
            ocr: read,
            message,
            preview: crate::imaging::data_url("image/jpeg", &preview),
        }))
    }

    /// Checks `passphrase` opens the locked database (a wrong one is bad input on
    /// `Field::Passphrase`, nothing kept) and keeps it for every later open.
    pub fn unlock(&mut self, passphrase: Passphrase) -> Result<Store> {
        let before = self.passphrase.replace(passphrase);
        self.open_store()
            .inspect_err(|_| self.passphrase = before.clone())
    }

    /// Whether the lock is set, and how many vault files are encrypted.
    pub fn lock_status(&self) -> Result<LockStatus> {
        lock::status(self.db_path())
    }

    /// Sets the app lock with `new` (see [`lock::set`]); later opens use it.
    pub fn set_lock(&mut self, new: Passphrase) -> Result<()> {
        lock::set(self.db_path(), &new)?;
        self.passphrase = Some(new);
        Ok(())
    }

    /// Changes the passphrase from `current` to `new` (see [`lock::change`]).
    pub fn change_lock(&mut self, current: &Passphrase, new: Passphrase) -> Result<()> {
        lock::change(self.db_path(), current, &new)?;
        self.passphrase = Some(new);
        Ok(())
    }

    /// Removes the app lock; `current` must open it (see [`lock::remove`]).
    pub fn remove_lock(&mut self, current: &Passphrase) -> Result<()> {
        lock::remove(self.db_path(), current)?;
        self.passphrase = None;
        Ok(())
    }

    /// Case `case_id` as its evidence bundle reads it, in `lang`, the reserve tier too with
    /// `all_tiers`, its deadlines counted on this workspace's calendar.
    pub fn bundle_input(
        &self,
        conn: &Connection,
        case_id: i64,
        lang: Lang,
        all_tiers: bool,
        now: &Timestamp,
    ) -> Result<BundleInput> {
        let rules = self.rules()?;
        bundle::bundle_input(
            conn,
            case_id,
            lang,
            all_tiers,
            &self.vault_dir(),
            now,
            &rules,
        )
    }

    /// The case's 证据目录 as it will be exported.
    pub fn catalog_view(
        &self,
        conn: &Connection,
        case_id: i64,
        lang: Lang,
        all_tiers: bool,
        now: &Timestamp,
    ) -> Result<CatalogView> {
        let rules = self.rules()?;
        bundle::catalog_view(
            conn,
            case_id,
            lang,
            all_tiers,
            &self.vault_dir(),
            now,
            &rules,
        )
    }

    /// Stores a prepared evidence file for case `case_id` in this workspace's vault, in one
    /// transaction.
    pub fn add_evidence(
        &self,
        store: &mut Store,
        case_id: i64,
        prepared: &PreparedEvidence,
        now: &Timestamp,
    ) -> Result<EvidenceItem> {
        let vault = crate::store::vault_dir(store.path());
        store.transaction(|tx| evidence::store(tx, &vault, case_id, prepared, now))
    }

    /// Saves `notice` as `calendar/YYYY.toml` in the user's rule folder and lists the open
    /// cases' deadlines it moved (`conn`: none when there is no database yet). A file of the
    /// user's for that year is replaced only with `replace`; without it that is a conflict
    /// on [`Field::Replace`], and nothing is written.
    pub fn save_notice(
        &self,
        conn: Option<&Connection>,
        notice: &ParsedNotice,
        replace: bool,
        now: &Timestamp,
    ) -> Result<CalendarSaved> {
        let dir = self.user_rules();
        if calendar::import::user_file_exists(&dir, notice.year) && !replace {
            return Err(CoreError::Conflict {
                field: Field::Replace,
                message: Text::new(
                    format!("{} 年已有你添加的放假安排；确认后才会替换", notice.year),
                    format!(
                        "you already added a schedule for {}; confirm to replace it",
                        notice.year
                    ),
                ),
            });
        }
        let before = self.calendar()?;
        let saved = calendar::save_notice(&dir, notice, now.date_naive())?;
        let after = self.calendar()?;
        // Deadlines are derived, so "what moved" is both calendars counted over the open cases.
        let moved = match conn {
            Some(conn) => crate::cases::deadline_changes(conn, now, &before, &after, &|kind| {
                self.route(kind)
            })?,
            None => Vec::new(),
        };
        Ok(CalendarSaved { saved, moved })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Clock;

    const NOTICE_2027: &str = include_str!("../../../../../tests/fixtures/calendar/test-2027.txt");

    fn now() -> Timestamp {
        crate::time::parse_time("2026-11-20 10:00", Field::At).unwrap()
    }

    #[test]
    fn a_saved_year_is_replaced_only_when_asked_and_counts_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::new(dir.path().join("t.db"), Clock::Pinned(now()));
        let notice = calendar::parse_notice(NOTICE_2027, None).unwrap();
        let first = ws.save_notice(None, &notice, false, &now()).unwrap();
        assert!(!first.saved.replaced);
        assert!(first.moved.is_empty());
        assert!(ws.calendar().unwrap().schedule(2027).is_some());
        let again = ws.save_notice(None, &notice, false, &now()).unwrap_err();
        assert_eq!(again.named_field(), Some(&Field::Replace));
        let replaced = ws.save_notice(None, &notice, true, &now()).unwrap();
        assert!(replaced.saved.replaced);
    }

    fn ocr_fixture(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../tests/fixtures/ocr")
            .join(name)
    }

    #[test]
    fn a_screenshot_is_a_file_else_pasted_bytes_else_refused_on_the_image() {
        let file = Screenshot::from_inputs(Some("a.png".into()), Some(vec![1])).unwrap();
        assert!(matches!(file, Screenshot::File(p) if p == std::path::Path::new("a.png")));
        let pasted = Screenshot::from_inputs(None, Some(vec![1])).unwrap();
        assert!(matches!(pasted, Screenshot::Pasted(b) if b == [1]));
        let none = Screenshot::from_inputs(None, None).unwrap_err();
        assert_eq!(none.named_field(), Some(&Field::Image));
    }

    #[test]
    fn an_empty_paste_is_refused_naming_the_pasted_image_in_the_language() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::new(dir.path().join("t.db"), Clock::Pinned(now()));
        let err = ws
            .read_screenshot(Screenshot::Pasted(Vec::new()), Lang::En, &mut |_| true)
            .unwrap_err();
        assert_eq!(err.named_field(), Some(&Field::Image));
        assert!(
            err.message(Lang::En).starts_with("the pasted image: "),
            "{}",
            err.message(Lang::En)
        );
    }

    #[test]
    fn a_screenshot_gives_the_message_read_from_it_and_a_jpeg_preview() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::new(dir.path().join("t.db"), Clock::Pinned(now()));
        let shot = Screenshot::File(ocr_fixture("01-error-page-light.png"));
        let mut steps = 0;
        let read = ws
            .read_screenshot(shot, Lang::Zh, &mut |_| {
                steps += 1;
                true
            })
            .unwrap()
            .expect("not stopped");
        assert!(steps >= 2, "{steps} steps");
        assert!(!read.message.is_empty());
        assert!(read.ocr.text.contains(&read.message), "{:?}", read.message);
        assert!(read.preview.starts_with("data:image/jpeg;base64,/9j/"));
    }

    #[test]
    fn a_stopped_screenshot_gives_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::new(dir.path().join("t.db"), Clock::Pinned(now()));
        let bytes = std::fs::read(ocr_fixture("03-toast.png")).unwrap();
        let read = ws
            .read_screenshot(Screenshot::Pasted(bytes), Lang::Zh, &mut |_| false)
            .unwrap();
        assert!(read.is_none());
    }

    #[test]
    fn evidence_goes_into_the_vault_beside_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::new(dir.path().join("t.db"), Clock::Pinned(now()));
        let mut store = ws.open_store().unwrap();
        let case = store
            .transaction(|tx| {
                crate::cases::create_case(
                    tx,
                    &crate::cases::NewCase {
                        platform: "某平台".into(),
                        amount: crate::Money::parse_amount("10").unwrap(),
                        occurred: now(),
                        summary: "提现失败".into(),
                        account: String::new(),
                        message: String::new(),
                        diagnosis: None,
                    },
                    &now(),
                )
            })
            .unwrap();
        let file = dir.path().join("chat.txt");
        std::fs::write(&file, "客服说三天内处理").unwrap();
        let prepared = evidence::prepare(&evidence::EvidenceInput {
            path: file,
            caption: String::new(),
            tier: crate::cases::Tier::Core,
            taken_at: None,
        })
        .unwrap();
        let item = ws
            .add_evidence(&mut store, case.id, &prepared, &now())
            .unwrap();
        let vault = ws.vault_dir();
        assert!(
            std::fs::read_dir(&vault).unwrap().count() > 0,
            "{}",
            item.sha256
        );
        let input = ws
            .bundle_input(store.conn(), case.id, Lang::Zh, true, &now())
            .unwrap();
        assert_eq!(input.evidence.len(), 1);
    }
}
