//! What Home lists as due: the health items (test withdrawals, the quarterly review) and the
//! cases' items (follow-ups to chase, broken promises), oldest first, each with where to fix it.

use crate::cases;
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

/// Everything due as of `at`, oldest first.
pub fn home_due(conn: &Connection, at: &Timestamp, lang: Lang) -> Result<Vec<HomeDue>> {
    let mut out: Vec<HomeDue> = super::due_items(conn, at)?
        .into_iter()
        .map(|d| HomeDue {
            link: if d.what == "test_withdrawal" {
                "#/platforms"
            } else {
                "#/health"
            }
            .to_string(),
            what: d.what,
            title: d.title.get(lang).to_string(),
            since: d.since,
        })
        .collect();
    out.extend(cases::due_items(conn, at)?.into_iter().map(|d| {
        HomeDue {
            what: match d.what {
                cases::DueKind::CaseDeadline => "case_deadline",
                cases::DueKind::PromiseOverdue => "promise_overdue",
            }
            .to_string(),
            title: d.text.get(lang).to_string(),
            since: d.since,
            link: format!("#/cases/{}", d.case_id),
        }
    }));
    out.sort_by(|a, b| a.since.cmp(&b.since));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{self, NewPlatform, PlatformKind};
    use crate::{time, Store};

    #[test]
    fn a_new_platform_is_due_for_a_test_withdrawal_and_links_to_platforms() {
        let mut s = Store::open_in_memory().unwrap();
        let now = time::parse_time("2026-07-01 09:00", "now").unwrap();
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
