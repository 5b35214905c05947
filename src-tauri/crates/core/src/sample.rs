//! The first run: whether the welcome was seen, and the sample a new user can try the app with —
//! one platform and one complaint case, both named as samples, which go again in one action.
//!
//! The sample is ordinary data (it shows on every screen like the user's own) so that trying it
//! teaches the real thing; the `sample` setting remembers which rows it is, so removing it never
//! touches anything the user typed.

use crate::cases::{self, ContactChannel, NewCase, NewContact, NewEvent};
use crate::erase::{self, Erased};
use crate::error::{CoreError, Result};
use crate::ledger::{self, NewPlatform, NewWithdrawal, PlatformKind, WithdrawalStatus};
use crate::money::Money;
use crate::store::{read_setting as setting, write_setting as set_setting, Store};
use crate::time::{self, Timestamp};
use crate::Lang;
use chrono::Duration;
use rusqlite::{Connection, Transaction};
use serde::Serialize;
use std::path::Path;

const SAMPLE_KEY: &str = "sample";
const WELCOME_KEY: &str = "welcome_done";

/// The rows of the sample, while it exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Sample {
    pub platform_id: i64,
    pub case_id: i64,
}

/// Whether the first-run welcome should show: not yet closed on this database.
pub fn welcome_pending(conn: &Connection) -> Result<bool> {
    Ok(setting(conn, WELCOME_KEY)?.is_none())
}

/// Records that the welcome was closed (it does not show again on this database).
pub fn finish_welcome(tx: &Transaction, now: &Timestamp) -> Result<()> {
    set_setting(tx, WELCOME_KEY, &time::to_rfc3339(now))
}

/// The sample, if it was created and both its rows are still there.
pub fn current(conn: &Connection) -> Result<Option<Sample>> {
    let Some(value) = setting(conn, SAMPLE_KEY)? else {
        return Ok(None);
    };
    let Some(sample) = parse(&value) else {
        return Ok(None);
    };
    let exists: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM cases WHERE id = ?1)
            AND EXISTS(SELECT 1 FROM platforms WHERE id = ?2)",
        [sample.case_id, sample.platform_id],
        |r| r.get(0),
    )?;
    Ok(exists.then_some(sample))
}

/// Creates the sample: a platform with a balance and a withdrawal that has not arrived, and a
/// case about it with two timeline entries and a customer-service promise due in three days.
/// Refused while a sample exists.
pub fn create(tx: &Transaction, now: &Timestamp, lang: Lang) -> Result<Sample> {
    if current(tx)?.is_some() {
        return Err(CoreError::Conflict {
            field: crate::field::Field::Sample,
            message: crate::Text::new(
                "示例已存在：先删除它，再重新创建",
                "the sample already exists: remove it first",
            ),
        });
    }
    let zh = lang == Lang::Zh;
    let pick = |z: &'static str, e: &'static str| if zh { z } else { e }.to_string();
    let name = unused_name(tx, &pick("示例钱包（演示）", "Sample wallet (demo)"))?;
    let platform = ledger::add_platform(
        tx,
        &NewPlatform {
            name: name.clone(),
            kind: PlatformKind::Other,
            note: pick(
                "演示数据：不是真实账户，可在首页一键删除。",
                "Demo data, not a real account; remove it from Home in one click.",
            ),
        },
        now,
    )?;
    let amount = Money::from_fen(50_000);
    let requested = *now - Duration::days(4);
    ledger::add_balance(
        tx,
        &name,
        Money::from_fen(128_050),
        &(*now - Duration::days(5)),
        now,
    )?;
    let message = pick(
        "提现处理中，请耐心等待",
        "Withdrawal processing, please wait",
    );
    ledger::add_withdrawal(
        tx,
        &NewWithdrawal {
            platform: name.clone(),
            amount,
            fee: Money::from_fen(0),
            status: WithdrawalStatus::Requested,
            is_test: false,
            requested_at: requested,
            arrived_at: None,
            card_tail: "0000".into(),
            message: message.clone(),
        },
        now,
    )?;
    let case = cases::create_case(
        tx,
        &NewCase {
            platform: name.clone(),
            amount,
            occurred: requested,
            summary: pick(
                "【示例】提现 500.00 元四天未到账，客服承诺 3 个工作日内处理。这是演示案例，可随时删除。",
                "[Sample] A 500.00 yuan withdrawal has not arrived after four days; customer service promised to handle it within 3 working days. A demo case; remove it any time.",
            ),
            account: pick("尾号 0000（示例）", "card ending 0000 (sample)"),
            message,
            diagnosis: None,
        },
        now,
    )?;
    for (days_ago, z, e) in [
        (
            4,
            "申请提现 500.00 元",
            "Requested a 500.00 yuan withdrawal",
        ),
        (
            2,
            "仍未到账，截图保存了提现记录页",
            "Still not arrived; saved a screenshot of the withdrawal record",
        ),
    ] {
        cases::add_event(
            tx,
            case.id,
            &NewEvent {
                at: *now - Duration::days(days_ago),
                text: pick(z, e),
                evidence_id: None,
            },
            now,
        )?;
    }
    let called = *now - Duration::days(1);
    cases::add_contact(
        tx,
        case.id,
        &NewContact {
            at: called,
            channel: ContactChannel::Phone,
            agent: pick("客服（示例）", "agent (sample)"),
            said: pick(
                "提现被风控延迟，已提交加急",
                "The withdrawal was held by risk control; escalated",
            ),
            promise: pick("3 个工作日内处理", "handled within 3 working days"),
            due: Some(called + Duration::days(3)),
            limit: None,
            outcome: pick("等待处理", "waiting"),
        },
        // A typed due time: no calendar counts it.
        &crate::calendar::Calendar::embedded(),
        now,
    )?;
    let sample = Sample {
        platform_id: platform.id,
        case_id: case.id,
    };
    set_setting(
        tx,
        SAMPLE_KEY,
        &format!("{},{}", sample.platform_id, sample.case_id),
    )?;
    Ok(sample)
}

/// Removes the sample — its case and platform with everything recorded under them — in one
/// transaction, like a permanent erase. `None` when there is no sample.
pub fn remove(store: &mut Store, vault_dir: &Path) -> Result<Option<Erased>> {
    let Some(sample) = current(store.conn())? else {
        // A stale marker (the user erased the rows by hand) goes quietly.
        store.transaction(|tx| {
            tx.execute("DELETE FROM settings WHERE key = ?1", [SAMPLE_KEY])?;
            Ok(())
        })?;
        return Ok(None);
    };
    let erased = erase::erase(store, vault_dir, "sample", sample.case_id, |tx| {
        let (case_rows, mut files) = erase::delete_case(tx, sample.case_id)?;
        let (platform_rows, more) = erase::delete_platform(tx, sample.platform_id)?;
        files.extend(more);
        tx.execute("DELETE FROM settings WHERE key = ?1", [SAMPLE_KEY])?;
        Ok((case_rows + platform_rows, files))
    })?;
    Ok(Some(erased))
}

fn parse(value: &str) -> Option<Sample> {
    let (platform, case) = value.split_once(',')?;
    Some(Sample {
        platform_id: platform.trim().parse().ok()?,
        case_id: case.trim().parse().ok()?,
    })
}

/// `base`, or `base 2`, `base 3` … when the user already has a platform of that name.
fn unused_name(conn: &Connection, base: &str) -> Result<String> {
    for n in 1.. {
        let name = if n == 1 {
            base.to_string()
        } else {
            format!("{base} {n}")
        };
        if ledger::find_platform(conn, &name)?.is_none() {
            return Ok(name);
        }
    }
    unreachable!("an unused name always exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        time::parse_time("2026-11-28T10:00:00+08:00", crate::field::Field::At).unwrap()
    }

    fn home() -> (tempfile::TempDir, Store, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let vault = dir.path().join("vault");
        (dir, store, vault)
    }

    fn count(store: &Store, table: &str) -> i64 {
        store
            .conn()
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn welcome_shows_until_finished() {
        let (_d, mut store, _v) = home();
        assert!(welcome_pending(store.conn()).unwrap());
        store.transaction(|tx| finish_welcome(tx, &now())).unwrap();
        assert!(!welcome_pending(store.conn()).unwrap());
    }

    #[test]
    fn sample_creates_a_marked_platform_and_case_and_removes_only_them() {
        let (_d, mut store, vault) = home();
        // The user's own platform, before and after, must survive the removal.
        store
            .transaction(|tx| {
                ledger::add_platform(
                    tx,
                    &NewPlatform {
                        name: "微信支付".into(),
                        kind: PlatformKind::Wechat,
                        note: String::new(),
                    },
                    &now(),
                )
            })
            .unwrap();
        let sample = store
            .transaction(|tx| create(tx, &now(), Lang::Zh))
            .unwrap();
        assert_eq!(current(store.conn()).unwrap(), Some(sample));
        let platform = ledger::get_platform(store.conn(), sample.platform_id).unwrap();
        assert_eq!(platform.name, "示例钱包（演示）");
        let case = cases::get_case(store.conn(), sample.case_id).unwrap();
        assert!(case.summary.starts_with("【示例】"), "{}", case.summary);
        assert_eq!(case.amount, Money::from_fen(50_000));
        assert_eq!(count(&store, "timeline_events"), 2);
        assert_eq!(count(&store, "contacts"), 1);
        assert_eq!(count(&store, "withdrawals"), 1);
        assert_eq!(count(&store, "balance_snapshots"), 1);

        // A second sample is refused while one exists.
        let again = store.transaction(|tx| create(tx, &now(), Lang::Zh));
        assert!(
            matches!(again, Err(CoreError::Conflict { .. })),
            "{again:?}"
        );

        let erased = remove(&mut store, &vault).unwrap().unwrap();
        // case 1 + 2 events + 1 contact; platform 1 + 1 balance + 1 withdrawal.
        assert_eq!(erased.rows, 7);
        assert_eq!(current(store.conn()).unwrap(), None);
        assert_eq!(count(&store, "cases"), 0);
        assert_eq!(count(&store, "platforms"), 1);
        assert_eq!(count(&store, "withdrawals"), 0);
        // Removing again is not an error: there is nothing to remove.
        assert!(remove(&mut store, &vault).unwrap().is_none());
    }

    #[test]
    fn sample_takes_another_name_when_the_user_has_one_like_it() {
        let (_d, mut store, _v) = home();
        store
            .transaction(|tx| {
                ledger::add_platform(
                    tx,
                    &NewPlatform {
                        name: "Sample wallet (demo)".into(),
                        kind: PlatformKind::Other,
                        note: String::new(),
                    },
                    &now(),
                )
            })
            .unwrap();
        let sample = store
            .transaction(|tx| create(tx, &now(), Lang::En))
            .unwrap();
        let platform = ledger::get_platform(store.conn(), sample.platform_id).unwrap();
        assert_eq!(platform.name, "Sample wallet (demo) 2");
    }

    #[test]
    fn sample_marker_left_after_a_manual_erase_is_dropped() {
        let (_d, mut store, vault) = home();
        let sample = store
            .transaction(|tx| create(tx, &now(), Lang::Zh))
            .unwrap();
        erase::erase_case(&mut store, &vault, sample.case_id).unwrap();
        assert_eq!(current(store.conn()).unwrap(), None);
        assert!(remove(&mut store, &vault).unwrap().is_none());
        // The platform the user kept is theirs now; a new sample can be made.
        let again = store
            .transaction(|tx| create(tx, &now(), Lang::Zh))
            .unwrap();
        assert_ne!(again.platform_id, sample.platform_id);
    }
}
