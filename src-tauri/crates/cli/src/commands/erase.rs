//! `tixian case erase ID --yes`, `tixian case erase-evidence ID --yes` and
//! `tixian platform erase NAME --yes`: permanent erase (no undo). Without `--yes` nothing
//! happens and the message says what would go and what stays.

use crate::fields::flag;
use crate::Ctx;
use std::process::ExitCode;
use tixian_core::erase::{self, Erased};
use tixian_core::{ledger, CoreError, Lang};

/// What an erase removes, for the refusal without `--yes`.
pub enum Target<'a> {
    Case(i64),
    Evidence(i64),
    Platform(&'a str),
}

pub fn run(ctx: &Ctx, target: Target<'_>, yes: bool) -> Result<ExitCode, CoreError> {
    if !yes {
        return Err(unconfirmed(&target));
    }
    let mut store = ctx.open_store()?;
    let vault = ctx.ws.vault_dir();
    let erased = match target {
        Target::Case(id) => erase::erase_case(&mut store, &vault, id)?,
        Target::Evidence(id) => erase::erase_evidence(&mut store, &vault, id)?,
        Target::Platform(name) => {
            let platform = ledger::require_platform(store.conn(), name)?;
            erase::erase_platform(&mut store, &vault, platform.id)?
        }
    };
    ctx.out.print(&erased, |lang| human(&erased, lang));
    Ok(ExitCode::SUCCESS)
}

/// What erasing `target` removes, refused until `--yes` confirms it.
fn unconfirmed(target: &Target<'_>) -> CoreError {
    let (zh, en) = match target {
        Target::Case(id) => (
            format!("将永久删除案件 {id} 及其时间线、客服记录、跟进和证据原件，无法撤销"),
            format!("this permanently erases case {id} with its timeline, customer-service log, follow-ups and evidence originals; it cannot be undone"),
        ),
        Target::Evidence(id) => (
            format!("将永久删除证据 {id} 及其原件，无法撤销"),
            format!("this permanently erases evidence {id} and its original file; it cannot be undone"),
        ),
        Target::Platform(name) => (
            format!("将永久删除平台“{name}”及其余额、提现、导入的账单和原始账单文件，无法撤销（相关案件保留）"),
            format!("this permanently erases platform “{name}” with its balances, withdrawals, imported bills and the original bill files; it cannot be undone (cases about it stay)"),
        ),
    };
    CoreError::invalid(
        flag("--yes"),
        format!("{zh}；已导出的证据包和备份不受影响。确认请加 --yes"),
        format!("{en}; bundles and backups already written are not touched. Add --yes to confirm"),
    )
}

fn human(e: &Erased, lang: Lang) -> String {
    let kept = match (e.files_still_used, lang) {
        (0, _) => String::new(),
        (n, Lang::Zh) => format!("；{n} 个原件仍被其他记录使用，已保留"),
        (n, Lang::En) => format!("; {n} originals are still used elsewhere and were kept"),
    };
    match lang {
        Lang::Zh => format!(
            "已永久删除 {} {}：{} 条记录，{} 个原件{kept}。已导出的证据包和备份不受影响。",
            zh_what(&e.what),
            e.id,
            e.rows,
            e.files_removed.len()
        ),
        Lang::En => format!(
            "Erased {} {}: {} records, {} original files{kept}. Bundles and backups already written are not touched.",
            e.what,
            e.id,
            e.rows,
            e.files_removed.len()
        ),
    }
}

fn zh_what(what: &str) -> &str {
    match what {
        "case" => "案件",
        "evidence" => "证据",
        "platform" => "平台",
        other => other,
    }
}
