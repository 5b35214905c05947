//! Desktop notifications for what is due (test withdrawals, the quarterly review, case
//! follow-ups, broken promises): checked at start and then every hour on a background thread,
//! sent from Rust through the notification plugin, in the user's language.
//!
//! Each item is notified at most once a day (core's `notifications_sent` bookkeeping). An item
//! is recorded as notified only once it was handed to a running notification service; when none
//! is running (a bare X server, a session without a notification daemon) nothing is recorded
//! and the next hourly check tries again. Retrying hourly rather than tomorrow: the user saw
//! nothing, the item is still due, and the usual cause (the desktop session not fully started)
//! passes within minutes; a failed check costs one D-Bus call, and Home lists the items anyway.
//! Nothing here may fail the app: every error is logged and the thread carries on.

use crate::state::{store_lang, AppState};
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;
use tixian_core::health::{self, DueItem};
use tixian_core::{time, Lang};

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

/// One check: what is due and not yet notified today → shown → recorded.
fn check<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let now = time::now();
    let pending = state.with(|s| {
        if !health::notifications_enabled(s.conn())? {
            return Ok(None);
        }
        Ok(Some((
            health::pending_notifications(s.conn(), &now)?,
            store_lang(s),
        )))
    });
    let (items, lang) = match pending {
        Ok(Some((items, lang))) if !items.is_empty() => (items, lang),
        Ok(_) => return,
        Err(e) => {
            eprintln!("notifications: could not read what is due: {}", e.message);
            return;
        }
    };
    if let Err(why) = service_running() {
        eprintln!(
            "notifications: no notification service ({why}); {} item(s) will be tried again in an hour",
            items.len()
        );
        return;
    }
    let mut shown: Vec<&DueItem> = Vec::new();
    for (title, body, covers) in messages(&items, lang) {
        match app.notification().builder().title(title).body(body).show() {
            Ok(()) => shown.extend(covers),
            Err(e) => eprintln!("notifications: could not show a notification: {e}"),
        }
    }
    let recorded = state.with(|s| {
        s.transaction(|tx| {
            for item in &shown {
                health::mark_notified(tx, &item.key, &now)?;
            }
            Ok(())
        })
    });
    if let Err(e) = recorded {
        eprintln!(
            "notifications: could not record what was sent: {}",
            e.message
        );
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
