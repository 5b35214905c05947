//! `tixian lock set | change | remove --yes | status`: the optional app lock. Passphrases come
//! from `TIXIAN_PASSPHRASE` (the current one) and `TIXIAN_NEW_PASSPHRASE` (the one being set),
//! or from a prompt without echo on a terminal — never a flag, which `ps` would show.

use crate::{prompt, Ctx};
use clap::Subcommand;
use std::process::ExitCode;
use tixian_core::crypto::Passphrase;
use tixian_core::lock::LockStatus;
use tixian_core::{CoreError, Field, Lang};

#[derive(Subcommand)]
pub enum LockCommand {
    /// Encrypt the database and the evidence vault with a new passphrase (TIXIAN_NEW_PASSPHRASE or a prompt).
    Set,
    /// Change the passphrase (TIXIAN_PASSPHRASE, then TIXIAN_NEW_PASSPHRASE, or prompts).
    Change,
    /// Remove the lock: the database and the vault are written back unencrypted.
    Remove {
        /// Confirm: the data will be readable by anyone with access to the files.
        #[arg(long)]
        yes: bool,
    },
    /// Whether the lock is set, and how many vault files are encrypted.
    Status,
}

pub fn run(ctx: &Ctx, cmd: LockCommand) -> Result<ExitCode, CoreError> {
    let mut ws = ctx.ws.clone();
    match cmd {
        LockCommand::Status => {}
        LockCommand::Set => {
            let new = new_passphrase(ctx.lang)?;
            ws.set_lock(new)?;
            eprintln!("{}", warning(ctx.lang));
        }
        // Said before any passphrase is asked for.
        LockCommand::Change | LockCommand::Remove { .. } if !ws.is_locked() => {
            return Err(tixian_core::lock::not_set());
        }
        LockCommand::Change => {
            let current = current(ctx)?;
            ws.change_lock(&current, new_passphrase(ctx.lang)?)?;
            eprintln!("{}", warning(ctx.lang));
        }
        LockCommand::Remove { yes } => {
            if !yes {
                return Err(CoreError::invalid(
                    crate::fields::flag("--yes"),
                    "移除应用锁后，数据库和证据文件将不再加密；确认请加 --yes",
                    "removing the app lock leaves the database and the evidence files unencrypted; add --yes to confirm",
                ));
            }
            ws.remove_lock(&current(ctx)?)?;
        }
    }
    let status = ws.lock_status()?;
    ctx.out.print(&status, |lang| text(&status, lang));
    Ok(ExitCode::SUCCESS)
}

fn text(s: &LockStatus, lang: Lang) -> String {
    match (s.locked, lang) {
        (true, Lang::Zh) => format!(
            "应用锁：已设置（证据文件 {} 个，已加密 {} 个）",
            s.vault_files, s.sealed_files
        ),
        (false, Lang::Zh) => format!("应用锁：未设置（证据文件 {} 个，未加密）", s.vault_files),
        (true, Lang::En) => format!(
            "App lock: set ({} vault files, {} encrypted)",
            s.vault_files, s.sealed_files
        ),
        (false, Lang::En) => format!(
            "App lock: not set ({} vault files, unencrypted)",
            s.vault_files
        ),
    }
}

fn warning(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "注意：忘记密码将无法找回数据。请把密码记在安全的地方。",
        Lang::En => "Note: a forgotten passphrase cannot be recovered, and neither can the data. Keep it somewhere safe.",
    }
}

/// The current passphrase: what main read (`TIXIAN_PASSPHRASE` or the prompt) or, for a
/// command that did not ask, a prompt now.
fn current(ctx: &Ctx) -> Result<Passphrase, CoreError> {
    if let Some(p) = crate::passphrase_from_env()? {
        return Ok(p);
    }
    match prompt::secret(
        ctx.lang,
        "当前应用锁密码：",
        "Current app lock passphrase: ",
    ) {
        Some(text) => Passphrase::new(text, Field::Passphrase),
        None => Err(CoreError::invalid(
            Field::Passphrase,
            "需要当前密码",
            "the current passphrase is needed",
        )),
    }
}

/// The passphrase being set: `TIXIAN_NEW_PASSPHRASE`, or typed twice on a terminal.
fn new_passphrase(lang: Lang) -> Result<Passphrase, CoreError> {
    if let Some(text) = std::env::var("TIXIAN_NEW_PASSPHRASE")
        .ok()
        .filter(|t| !t.is_empty())
    {
        return Passphrase::new_chosen(text, Field::NewPassphrase);
    }
    let missing = || {
        CoreError::invalid(
            Field::NewPassphrase,
            "需要新密码",
            "the new passphrase is needed",
        )
    };
    let first = prompt::secret(
        lang,
        "新密码（至少 8 个字符）：",
        "New passphrase (8 characters or more): ",
    )
    .ok_or_else(missing)?;
    let new = Passphrase::new_chosen(first, Field::NewPassphrase)?;
    let again = prompt::secret(lang, "再输入一次：", "Type it again: ").ok_or_else(missing)?;
    if again != new.expose() {
        return Err(CoreError::invalid(
            Field::NewPassphrase,
            "两次输入的密码不一致，未做任何改动",
            "the two passphrases differ; nothing was changed",
        ));
    }
    Ok(new)
}
