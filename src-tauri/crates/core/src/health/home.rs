//! What Home lists as due: the health items (test withdrawals, the quarterly review) and the
//! cases' items (follow-ups to chase, broken promises), oldest first, each with where to fix it.

use crate::time::Timestamp;
use crate::{Lang, Result};
use rusqlite::Connection;
use serde::Serialize;

/// One line of Home's "due" list, in the user's language.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HomeDue {
    /// `test_withdrawal` | `quarterly_review` | `case_deadline` | `promise_overdue`.
    pub what: String,
    pub title: String,
    /// The day it became due (YYYY-MM-DD).
    pub since: String,
    /// The screen that fixes it, as a hash route (`#/platforms`, `#/cases/3`, `#/health`).
    pub link: String,
}

/// Everything due as of `at`, oldest first: the same items as `health(conn, at).due` (and as
/// the desktop notifications), with links.
pub fn home_due(conn: &Connection, at: &Timestamp, lang: Lang) -> Result<Vec<HomeDue>> {
    let mut out: Vec<HomeDue> = super::due_items(conn, at)?
        .into_iter()
        .map(|d| HomeDue {
            link: link(&d),
            what: d.what,
            title: d.title.get(lang).to_string(),
            since: d.since,
        })
        .collect();
    out.sort_by(|a, b| a.since.cmp(&b.since));
    Ok(out)
}

/// The screen that fixes a due item.
pub fn link(d: &super::DueItem) -> String {
    match (d.what.as_str(), d.case_id) {
        (_, Some(case_id)) => format!("#/cases/{case_id}"),
        ("test_withdrawal", None) => "#/platforms".into(),
        _ => "#/health".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{self, NewPlatform, PlatformKind};
    use crate::{time, Store};

    #[test]
    fn a_new_platform_is_due_for_a_test_withdrawal_and_links_to_platforms() {
        let mut s = Store::open_in_memory().unwrap();
        let now = time::parse_time("2026-07-01 09:00", crate::Field::At).unwrap();
        let p = NewPlatform {
            name: "支付宝".into(),
            kind: PlatformKind::Alipay,
            note: String::new(),
        };
        s.transaction(|tx| ledger::add_platform(tx, &p, &now))
            .unwrap();
        let due = home_due(s.conn(), &now, Lang::Zh).unwrap();
        let test = due
            .iter()
            .find(|d| d.what == "test_withdrawal")
            .expect("test withdrawal due");
        assert_eq!(test.link, "#/platforms");
        assert!(test.title.contains("支付宝"), "{}", test.title);
        assert_eq!(test.since, "2026-07-01");
    }
}
