//! What the app and the CLI both open: one database file and everything that hangs off it
//! (the vault, the daily backups and the user's rule folder beside it), the knowledge base,
//! calendar and routes with that folder laid over the built-in ones, and the clock.
//!
//! Both binaries build a `Workspace` once and ask it for these, so a `--db` elsewhere moves the
//! user's rules with it in the CLI exactly as in the app, and "now" is one pinned value in tests.

use crate::calendar::Calendar;
use crate::crypto::Passphrase;
use crate::kb::Kb;
use crate::ledger::PlatformKind;
use crate::route::{self, Route};
use crate::rules::{self, RuleFile};
use crate::time::{self, Timestamp};
use crate::Field;
use crate::{CoreError, Result, Store};
use std::ops::Deref;
use std::path::{Path, PathBuf};

mod ops;
pub use ops::{CalendarSaved, Screenshot, ScreenshotText, PREVIEW_HEIGHT};

/// Where "now" comes from: the system clock, or one time fixed for the whole run.
#[derive(Debug, Clone, PartialEq)]
pub enum Clock {
    System,
    Pinned(Timestamp),
}

impl Clock {
    /// `TIXIAN_NOW` (a time as `--at` takes it) pins the clock for end-to-end tests; a value
    /// that is not a time is an error rather than a silent fall back to the real day.
    pub fn from_env() -> Result<Clock> {
        match std::env::var("TIXIAN_NOW") {
            Ok(text) if !text.trim().is_empty() => Ok(Clock::Pinned(time::parse_time(
                &text,
                crate::Field::named("TIXIAN_NOW"),
            )?)),
            _ => Ok(Clock::System),
        }
    }

    /// The current time in Asia/Shanghai (or the pinned one).
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => time::system_now(),
            Clock::Pinned(t) => *t,
        }
    }
}

/// One database and what belongs to it. Cheap to build; nothing is opened until asked.
#[derive(Debug, Clone)]
pub struct Workspace {
    db_path: PathBuf,
    clock: Clock,
    /// The app lock's passphrase once given (memory only; wiped when dropped).
    passphrase: Option<Passphrase>,
}

impl Workspace {
    pub fn new(db_path: impl Into<PathBuf>, clock: Clock) -> Workspace {
        Workspace {
            db_path: db_path.into(),
            clock,
            passphrase: None,
        }
    }

    /// Gives the workspace the app lock's passphrase, used by every later open.
    pub fn set_passphrase(&mut self, passphrase: Option<Passphrase>) {
        self.passphrase = passphrase;
    }

    /// The app lock's passphrase, once given.
    pub fn passphrase(&self) -> Option<&Passphrase> {
        self.passphrase.as_ref()
    }

    /// Whether the database is encrypted by the app lock (its passphrase is needed to open it).
    pub fn is_locked(&self) -> bool {
        crate::store::is_encrypted(&self.db_path)
    }

    /// Whether opening the database needs a passphrase this workspace does not have yet.
    pub fn needs_passphrase(&self) -> bool {
        self.passphrase.is_none() && self.is_locked()
    }

    /// The workspace the binaries open: `db` (the CLI's `--db`, or `TIXIAN_DB`), else the
    /// default data folder; the clock from `TIXIAN_NOW`.
    pub fn from_env(db: Option<PathBuf>) -> Result<Workspace> {
        let db_path = db
            .or_else(|| std::env::var_os("TIXIAN_DB").map(PathBuf::from))
            .unwrap_or_else(crate::store::default_db_path);
        Ok(Workspace::new(db_path, Clock::from_env()?))
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The time `text` names when given (an error names `field`), else now.
    pub fn at(&self, text: Option<&str>, field: Field) -> Result<Timestamp> {
        match text {
            Some(t) => time::parse_time(t, field),
            None => Ok(self.now()),
        }
    }

    /// Opens the database after a read-only `quick_check` (see [`Store::open_checked`]), with
    /// the passphrase when it is locked, finishing what an interrupted lock change left.
    /// Promises saved before schema v12 are recounted once here (see
    /// [`crate::cases::log::recount_old_promises`]).
    pub fn open_store(&self) -> Result<Store> {
        let mut store = self.open_unlocked()?;
        if store
            .setting(crate::cases::log::PROMISE_LIMITS_RECOUNTED)?
            .is_none()
        {
            // The calendars an old promise may have been counted on: the built-in one, and the
            // user's years over it (a broken user file is reported where the calendar is used).
            let builtin = Calendar::embedded();
            let user = self.calendar().ok();
            let cals: Vec<&Calendar> = std::iter::once(&builtin).chain(user.as_ref()).collect();
            store.transaction(|tx| crate::cases::log::recount_old_promises(tx, &cals))?;
        }
        Ok(store)
    }

    /// The store opened with the passphrase when locked, an interrupted lock change finished.
    fn open_unlocked(&self) -> Result<Store> {
        let mut store = Store::open_checked_keyed(&self.db_path, self.passphrase.as_ref())?;
        if let (true, Some(pass)) = (store.is_locked(), &self.passphrase) {
            if crate::lock::removal_pending(&store)? {
                crate::lock::finish_pending_in(store, pass)?;
                return Store::open_checked(&self.db_path);
            }
            crate::lock::finish_pending(&mut store)?;
        }
        Ok(store)
    }

    /// The content-addressed vault of originals, beside the database.
    pub fn vault_dir(&self) -> PathBuf {
        crate::store::vault_dir(&self.db_path)
    }

    /// The folder of the automatic daily backups, beside the database.
    pub fn rolling_dir(&self) -> PathBuf {
        self.db_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
            .join("backups")
    }

    /// The user's rule folder: `rules/` beside the database.
    pub fn user_rules(&self) -> PathBuf {
        rules::user_dir_beside(&self.db_path)
    }

    /// The built-in rule files with the user's folder laid over them.
    pub fn rules(&self) -> Result<Vec<RuleFile>> {
        rules::load(Some(&self.user_rules()))
    }

    /// The holiday calendar with the user's folder laid over it (a year the user adds counts in
    /// every deadline); a broken file there is an error naming it.
    pub fn calendar(&self) -> Result<Calendar> {
        Calendar::for_user(&self.user_rules())
    }

    /// The knowledge base with the user's folder laid over it. The built-in one (compiled once
    /// per process) unless a user file touches what the knowledge base reads.
    pub fn kb(&self) -> Result<KbRef> {
        self.kb_from(&self.user_rules(), true)
    }

    /// Like [`Workspace::kb`] but without compiling the message matcher: for listing rules.
    pub fn kb_catalogue(&self) -> Result<KbRef> {
        self.kb_from(&self.user_rules(), false)
    }

    /// The knowledge base with `dir` laid over the built-in one (the CLI's `--rules DIR`).
    pub fn kb_with_folder(&self, dir: &Path) -> Result<KbRef> {
        self.kb_from(dir, true)
    }

    fn kb_from(&self, dir: &Path, matcher: bool) -> Result<KbRef> {
        let files = rules::load(Some(dir))?;
        if !files.iter().any(|f| f.from_user && read_by_kb(&f.path)) {
            return Ok(KbRef::Embedded(Kb::embedded()));
        }
        let loaded = if matcher {
            Kb::load(&files)
        } else {
            Kb::load_catalogue(&files)
        };
        loaded
            .map(|kb| KbRef::User(Box::new(kb)))
            .map_err(|problems| {
                let count = problems.len();
                let first = problems
                    .into_iter()
                    .next()
                    .expect("a failed load names a problem");
                CoreError::invalid(
                    Field::Named(first.field.clone()),
                    format!(
                        "规则文件夹有 {count} 处错误，请运行 tixian kb check：{}",
                        first.message
                    ),
                    format!(
                        "{count} problems in the rule folder; run `tixian kb check`: {}",
                        first.message
                    ),
                )
                .at(format!("{}: {}", dir.join(&first.file).display(), first.id))
            })
    }

    /// The escalation ladder for `kind`, with the user's folder laid over the built-in routes.
    pub fn route(&self, kind: PlatformKind) -> Result<Route> {
        let files = self.rules()?;
        if !files
            .iter()
            .any(|f| f.from_user && f.path.starts_with("routes/"))
        {
            return Ok(route::route_for(kind));
        }
        route::routes(&files)?
            .into_iter()
            .find(|r| r.kind == kind)
            .ok_or_else(|| CoreError::Internal(format!("no route for {kind}")))
    }
}

/// Whether the knowledge base reads the rule file at `path` (the top-level files and the
/// message corpus; calendars, routes and letters have loaders of their own).
fn read_by_kb(path: &str) -> bool {
    !path.contains('/') || path.starts_with("messages/")
}

/// The knowledge base a workspace hands out: the process-wide built-in one, or one loaded with
/// the user's files.
pub enum KbRef {
    Embedded(&'static Kb),
    User(Box<Kb>),
}

impl Deref for KbRef {
    type Target = Kb;
    fn deref(&self) -> &Kb {
        match self {
            KbRef::Embedded(kb) => kb,
            KbRef::User(kb) => kb,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(dir: &Path) -> Workspace {
        let now = time::parse_time("2026-12-28 10:00", crate::Field::At).unwrap();
        Workspace::new(dir.join("data").join("tixian.db"), Clock::Pinned(now))
    }

    #[test]
    fn everything_hangs_off_the_database_path() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let data = dir.path().join("data");
        assert_eq!(ws.user_rules(), data.join("rules"));
        assert_eq!(ws.rolling_dir(), data.join("backups"));
        assert_eq!(
            ws.vault_dir(),
            crate::store::vault_dir(&data.join("tixian.db"))
        );
        assert_eq!(time::to_rfc3339(&ws.now()), "2026-12-28T10:00:00+08:00");
        assert_eq!(
            time::to_rfc3339(&ws.at(Some("2026-01-02"), crate::Field::At).unwrap()),
            "2026-01-02T00:00:00+08:00"
        );
    }

    #[test]
    fn a_calendar_file_alone_keeps_the_built_in_knowledge_base() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        std::fs::create_dir_all(ws.user_rules().join("calendar")).unwrap();
        std::fs::write(ws.user_rules().join("calendar/notes.txt"), "x").unwrap();
        assert!(matches!(ws.kb().unwrap(), KbRef::Embedded(_)));
    }

    #[test]
    fn a_broken_user_rule_file_is_bad_input_naming_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        std::fs::create_dir_all(ws.user_rules()).unwrap();
        std::fs::write(ws.user_rules().join("limits.toml"), "this is = = not toml").unwrap();
        let e = ws.kb().err().expect("a broken file is an error");
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("limits.toml"), "{e}");
    }

    #[test]
    fn a_user_route_file_replaces_the_built_in_ladder() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let built_in = ws.route(PlatformKind::Bank).unwrap();
        let folder = ws.user_rules().join("routes");
        std::fs::create_dir_all(&folder).unwrap();
        let path = rules::embedded()
            .into_iter()
            .find(|f| f.path.starts_with("routes/") && f.text.contains("kind = \"bank\""))
            .expect("a built-in bank route file");
        let edited = path
            .text
            .replacen(&built_in.steps[0].body.zh, "我的银行投诉第一步", 1);
        let name = path.path.trim_start_matches("routes/");
        std::fs::write(folder.join(name), edited).unwrap();
        let mine = ws.route(PlatformKind::Bank).unwrap();
        assert_eq!(mine.steps[0].body.zh, "我的银行投诉第一步");
    }

    /// Promises saved before schema v12 kept no time limit, so a holiday schedule added later
    /// did not move them: at the first open, each whose stored due time its own limit gives is
    /// given that limit (counted again from then on); a typed due time stays as typed.
    #[test]
    fn promises_saved_before_v12_get_their_limit_back_once() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        std::fs::create_dir_all(ws.db_path().parent().unwrap()).unwrap();
        {
            let c = Store::create_at_version(ws.db_path(), 10).unwrap();
            c.execute_batch(
                "INSERT INTO cases(id, platform_name, amount_fen, occurred_at, occurred_utc, summary, created_at)
                   VALUES (1, '某某商城', 86000, '2026-12-18T10:00:00+08:00', '2026-12-18T02:00:00Z', '退款未到', '2026-12-18T10:00:00+08:00');
                 INSERT INTO contacts(case_id, at, at_utc, channel, promise, due_at, due_utc)
                   VALUES (1, '2026-12-18T10:00:00+08:00', '2026-12-18T02:00:00Z', 'chat', '3个工作日内处理', '2026-12-23T23:59:59+08:00', '2026-12-23T15:59:59Z'),
                          (1, '2026-12-18T11:00:00+08:00', '2026-12-18T03:00:00Z', 'phone', '3个工作日内回电', '2026-12-25T12:00:00+08:00', '2026-12-25T04:00:00Z');",
            )
            .unwrap();
        }
        let store = ws.open_store().unwrap();
        let cal = Calendar::embedded();
        let read = |store: &Store| -> Vec<(Option<String>, Option<String>)> {
            crate::cases::list_contacts(store.conn(), 1, &ws.now(), &cal)
                .unwrap()
                .into_iter()
                .map(|c| (c.limit, c.due))
                .collect()
        };
        assert_eq!(
            read(&store),
            vec![
                (
                    Some("3个工作日内".to_string()),
                    Some("2026-12-23T23:59:59+08:00".to_string())
                ),
                (None, Some("2026-12-25T12:00:00+08:00".to_string())),
            ]
        );
        let recorded = store
            .setting(crate::cases::log::PROMISE_LIMITS_RECOUNTED)
            .unwrap();
        assert_eq!(recorded.as_deref(), Some("1"));
        // Once per database: a limit taken away later is not given back at the next open.
        store
            .conn()
            .execute("UPDATE contacts SET due_limit = NULL", [])
            .unwrap();
        drop(store);
        let again = ws.open_store().unwrap();
        assert_eq!(read(&again)[0].0, None);
    }
}
