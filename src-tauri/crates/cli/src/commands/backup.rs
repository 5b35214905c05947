//! `tixian backup FILE` (or `--rolling DIR`) and `tixian restore FILE --yes`: the whole database
//! and evidence vault in one ZIP archive (see `tixian_core::health::backup` for the layout and the
//! checks). For cron: `30 12 * * * tixian backup --rolling ~/tixian-backups`.

use crate::fields::flag;
use crate::Ctx;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tixian_core::health;
use tixian_core::{CoreError, Lang};

#[derive(Args)]
pub struct BackupArgs {
    /// The archive to write (a ZIP; replaced if it exists).
    #[arg(required_unless_present = "rolling", conflicts_with = "rolling")]
    file: Option<PathBuf>,
    /// Instead of FILE: today's rolling backup `tixian-YYYY-MM-DD.zip` in DIR (at most one a day;
    /// the newest 7 are kept), for cron.
    #[arg(long, value_name = "DIR")]
    rolling: Option<PathBuf>,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// A backup archive made by `tixian backup`.
    file: PathBuf,
    /// Confirm replacing the current database (a copy of it is kept beside it).
    #[arg(long)]
    yes: bool,
}

pub fn backup(ctx: &Ctx, args: BackupArgs) -> Result<ExitCode, CoreError> {
    if let Some(dir) = &args.rolling {
        return rolling(ctx, dir);
    }
    // A folder, the live database or the vault as FILE is refused by the core, naming it.
    let file = args.file.unwrap_or_default();
    let (now, store) = (ctx.now(), ctx.open_store()?);
    let report = health::backup(&store, &file, &now)?;
    ctx.out.print(&report, |lang| match lang {
        Lang::Zh => format!(
            "已备份到 {}（数据库 {} 字节，证据库 {} 个文件）",
            report.path, report.db_bytes, report.vault_files
        ),
        Lang::En => format!(
            "Backed up to {} (database {} bytes, {} vault files)",
            report.path, report.db_bytes, report.vault_files
        ),
    });
    Ok(ExitCode::SUCCESS)
}

/// `backup --rolling DIR`: today's backup in `dir`, unless there is one already.
fn rolling(ctx: &Ctx, dir: &Path) -> Result<ExitCode, CoreError> {
    if dir.exists() && !dir.is_dir() {
        return Err(CoreError::invalid(
            flag("--rolling"),
            "--rolling 需要一个文件夹",
            "--rolling needs a folder",
        ));
    }
    let (now, store) = (ctx.now(), ctx.open_store()?);
    let made = health::rolling_backup(&store, dir, health::local_date(&now), &now)?;
    let path = made.as_ref().map(|p| p.display().to_string());
    let json = serde_json::json!({ "path": path, "made": made.is_some() });
    ctx.out.print(&json, |lang| match (lang, &path) {
        (Lang::Zh, Some(p)) => format!("已备份到 {p}（保留最近 {} 份）", health::ROLLING_KEEP),
        (Lang::En, Some(p)) => format!(
            "Backed up to {p} (the newest {} are kept)",
            health::ROLLING_KEEP
        ),
        (Lang::Zh, None) => "今天已备份过，未重复备份".into(),
        (Lang::En, None) => "Today's backup already exists; nothing to do".into(),
    });
    Ok(ExitCode::SUCCESS)
}

pub fn restore(ctx: &Ctx, args: RestoreArgs) -> Result<ExitCode, CoreError> {
    if !args.yes {
        return Err(CoreError::invalid(
            flag("--yes"),
            "恢复会用备份替换当前数据库（当前的会另存一份）；确认请加 --yes",
            "restore replaces the current database with the backup (a copy of the current one is kept); add --yes to confirm",
        ));
    }
    let db = ctx.db_path();
    let backup = crate::backup_passphrase_from_env()?;
    let keys = health::RestoreKeys {
        current: ctx.ws.passphrase(),
        backup: backup.as_ref(),
    };
    let report = health::restore_with(&db, &args.file, &ctx.now(), keys)?;
    ctx.out.print(&report, |lang| {
        let kept = report.previous_kept_at.clone().unwrap_or_else(|| "—".into());
        match lang {
            Lang::Zh => format!("已从 {} 恢复（备份于 {}）；原数据库另存为 {kept}；新增证据文件 {} 个", args.file.display(), report.backup_created_at, report.vault_added),
            Lang::En => format!("Restored from {} (made {}); the previous database was kept as {kept}; {} vault files added", args.file.display(), report.backup_created_at, report.vault_added),
        }
    });
    Ok(ExitCode::SUCCESS)
}
