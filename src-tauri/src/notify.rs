//! Desktop notifications for what is due (test withdrawals, the quarterly review, case
//! follow-ups, broken promises): checked at start and then every hour on a background thread,
//! sent from Rust through the notification plugin, in the user's language.
//!
//! Each item is notified at most once a day (core's `notifications_sent` bookkeeping). An item
//! is recorded as notified only once it was handed to a running notification service; when none
//! is running (a bare X server, a session without a notification daemon) nothing is recorded
//! and the next hourly check tries again; one the plugin refused to show is likewise retried. Retrying hourly rather than tomorrow: the user saw
//! nothing, the item is still due, and the usual cause (the desktop session not fully started)
//! passes within minutes; a failed check costs one D-Bus call, and Home lists the items anyway.
//! Nothing here may fail the app: every error is logged and the thread carries on.

use crate::state::{store_lang, AppState};
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;
use tixian_core::health::{self, DueItem};
use tixian_core::time::Timestamp;
use tixian_core::Lang;

/// How often to look for due items after the first check at start.
const INTERVAL: Duration = Duration::from_secs(60 * 60);
/// Seconds between checks instead of an hour; for the e2e tests, which cannot wait an hour.
const INTERVAL_ENV: &str = "TIXIAN_NOTIFY_EVERY";

fn interval() -> Duration {
    std::env::var(INTERVAL_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&secs| secs > 0)
        .map_or(INTERVAL, Duration::from_secs)
}
/// More items than this at once become one summary notification instead of one each.
const MAX_SINGLE: usize = 2;

/// Starts the background checks; returns at once.
pub fn start<R: Runtime>(app: AppHandle<R>) {
    let every = interval();
    let spawned = std::thread::Builder::new()
        .name("due-notifications".into())
        .spawn(move || loop {
            check(&app);
            std::thread::sleep(every);
        });
    if let Err(e) = spawned {
        eprintln!("notifications: could not start the background check: {e}");
    }
}

/// One check with the real clock, service probe and plugin.
fn check<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let outcome = check_with(&state, &state.now(), service_running, |title, body| {
        app.notification()
            .builder()
            .title(title)
            .body(body)
            .show()
            .map_err(|e| e.to_string())
    });
    match outcome {
        Checked::NoService { why, pending } => eprintln!(
            "notifications: no notification service ({why}); {pending} item(s) will be tried again at the next check"
        ),
        Checked::Failed(why) => eprintln!("notifications: {why}"),
        Checked::Off | Checked::Sent { .. } => {}
    }
}

/// What one check did (for the log and the tests).
#[derive(Debug, PartialEq)]
enum Checked {
    /// Switched off in Settings: nothing read, nothing shown.
    Off,
    /// No service to show them: nothing shown, nothing recorded.
    NoService {
        why: String,
        pending: usize,
    },
    /// Notifications shown, and the keys recorded as notified today (failed ones are not).
    Sent {
        shown: usize,
        recorded: Vec<String>,
    },
    Failed(String),
}

/// One check: what is due and not yet notified today → shown → recorded. The store is locked
/// only to read and to record, never while the notification service is being talked to.
fn check_with(
    state: &AppState,
    now: &Timestamp,
    probe: impl Fn() -> Result<(), String>,
    mut show: impl FnMut(String, String) -> Result<(), String>,
) -> Checked {
    let pending = state.with(|s| {
        if !health::notifications_enabled(s.conn())? {
            return Ok(None);
        }
        Ok(Some((
            health::pending_notifications(s.conn(), now)?,
            store_lang(s),
        )))
    });
    let (items, lang) = match pending {
        Ok(Some(found)) => found,
        Ok(None) => return Checked::Off,
        Err(e) => return Checked::Failed(format!("could not read what is due: {}", e.message)),
    };
    if items.is_empty() {
        return Checked::Sent {
            shown: 0,
            recorded: Vec::new(),
        };
    }
    if let Err(why) = probe() {
        return Checked::NoService {
            why,
            pending: items.len(),
        };
    }
    let mut shown = 0;
    let mut covered: Vec<&DueItem> = Vec::new();
    for (title, body, covers) in messages(&items, lang) {
        match show(title, body) {
            Ok(()) => {
                shown += 1;
                covered.extend(covers);
            }
            Err(e) => eprintln!("notifications: could not show a notification: {e}"),
        }
    }
    let recorded = state.with(|s| {
        s.transaction(|tx| {
            for item in &covered {
                health::mark_notified(tx, &item.key, now)?;
            }
            Ok(())
        })
    });
    match recorded {
        Ok(()) => Checked::Sent {
            shown,
            recorded: covered.iter().map(|d| d.key.clone()).collect(),
        },
        Err(e) => Checked::Failed(format!("could not record what was sent: {}", e.message)),
    }
}

/// The notifications to show: one per item, or one summary when there are many.
fn messages(items: &[DueItem], lang: Lang) -> Vec<(String, String, Vec<&DueItem>)> {
    let app_name = match lang {
        Lang::Zh => "提现助手",
        Lang::En => "Tixian",
    };
    if items.len() <= MAX_SINGLE {
        return items
            .iter()
            .map(|d| (app_name.to_string(), d.title.get(lang).to_string(), vec![d]))
            .collect();
    }
    let title = match lang {
        Lang::Zh => format!("{app_name}：{} 件事需要处理", items.len()),
        Lang::En => format!("{app_name}: {} things need doing", items.len()),
    };
    let body = items
        .iter()
        .map(|d| format!("• {}", d.title.get(lang)))
        .collect::<Vec<_>>()
        .join("\n");
    vec![(title, body, items.iter().collect())]
}

/// Whether a desktop notification service answers (Linux: the freedesktop D-Bus service). The
/// plugin hands notifications to a background task and reports no delivery failure, so this is
/// the only way to know that a shown notification would reach the user.
#[cfg(target_os = "linux")]
fn service_running() -> Result<(), String> {
    notify_rust::get_server_information()
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Windows and macOS always have their notification centre.
#[cfg(not(target_os = "linux"))]
fn service_running() -> Result<(), String> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tixian_core::lang::Text;
    use tixian_core::time;

    fn item(key: &str) -> DueItem {
        DueItem {
            what: "case_deadline".into(),
            platform: Some("微信支付".into()),
            since: "2026-03-24".into(),
            key: key.into(),
            case_id: Some(1),
            title: Text::new(format!("跟进 {key}"), format!("Chase {key}")),
        }
    }

    fn t(s: &str) -> Timestamp {
        time::parse_time(s, tixian_core::Field::At).unwrap()
    }

    /// Two platforms, never tested, added on 2026-03-01: on 03-02 two test withdrawals and the
    /// quarterly review are due (three items, so one summary notification).
    fn state_with_due_items() -> AppState {
        let state = AppState::in_memory();
        state
            .with(|s| {
                s.transaction(|tx| {
                    for name in ["支付宝", "微信支付"] {
                        let p = tixian_core::ledger::NewPlatform {
                            name: name.into(),
                            kind: tixian_core::ledger::PlatformKind::Other,
                            note: String::new(),
                        };
                        tixian_core::ledger::add_platform(tx, &p, &t("2026-03-01 10:00"))?;
                    }
                    Ok(())
                })
            })
            .unwrap();
        state
    }

    #[test]
    fn without_a_notification_service_nothing_is_recorded_and_the_next_check_retries() {
        let state = state_with_due_items();
        let at = t("2026-03-02 09:00");
        let mut shown = 0;
        let r = check_with(
            &state,
            &at,
            || Err("no bus".into()),
            |_, _| {
                shown += 1;
                Ok(())
            },
        );
        assert_eq!(
            r,
            Checked::NoService {
                why: "no bus".into(),
                pending: 3
            }
        );
        assert_eq!(shown, 0);
        // An hour later a service is there: all three go out (as one summary) and are recorded.
        let mut bodies = Vec::new();
        let r = check_with(
            &state,
            &t("2026-03-02 10:00"),
            || Ok(()),
            |title, body| {
                bodies.push((title, body));
                Ok(())
            },
        );
        let Checked::Sent { shown, recorded } = r else {
            panic!("sent expected: {r:?}")
        };
        assert_eq!((shown, recorded.len()), (1, 3));
        assert_eq!(bodies[0].0, "提现助手：3 件事需要处理");
        assert!(bodies[0].1.contains("支付宝"), "{}", bodies[0].1);
        // The same day: nothing more; the next day: again.
        let again = check_with(&state, &t("2026-03-02 23:00"), || Ok(()), |_, _| Ok(()));
        assert_eq!(
            again,
            Checked::Sent {
                shown: 0,
                recorded: vec![]
            }
        );
        let next_day = check_with(&state, &t("2026-03-03 09:00"), || Ok(()), |_, _| Ok(()));
        assert!(matches!(next_day, Checked::Sent { shown: 1, .. }));
    }

    #[test]
    fn a_notification_the_plugin_refuses_is_not_recorded_and_switched_off_sends_nothing() {
        let state = state_with_due_items();
        let r = check_with(
            &state,
            &t("2026-03-02 09:00"),
            || Ok(()),
            |_, _| Err("refused".into()),
        );
        assert_eq!(
            r,
            Checked::Sent {
                shown: 0,
                recorded: vec![]
            }
        );
        state
            .with(|s| s.transaction(|tx| health::set_notifications_enabled(tx, false)))
            .unwrap();
        let r = check_with(
            &state,
            &t("2026-03-02 10:00"),
            || Ok(()),
            |_, _| panic!("nothing may be shown when switched off"),
        );
        assert_eq!(r, Checked::Off);
        state
            .with(|s| s.transaction(|tx| health::set_notifications_enabled(tx, true)))
            .unwrap();
        let r = check_with(&state, &t("2026-03-02 11:00"), || Ok(()), |_, _| Ok(()));
        assert!(matches!(r, Checked::Sent { shown: 1, .. }), "{r:?}");
    }

    #[test]
    fn few_items_are_shown_one_by_one_many_as_a_summary_covering_all() {
        let two = [item("a"), item("b")];
        let m = messages(&two, Lang::En);
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].0.as_str(), m[0].1.as_str()), ("Tixian", "Chase a"));
        let four = [item("a"), item("b"), item("c"), item("d")];
        let m = messages(&four, Lang::Zh);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].0, "提现助手：4 件事需要处理");
        assert!(m[0].1.contains("跟进 d"));
        assert_eq!(m[0].2.len(), 4, "the summary marks every item as notified");
    }
}
