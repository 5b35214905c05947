//! Storing normalised rows: dedup against everything already imported for the platform (the
//! identities already stored are read once, so known rows never reach the INSERT; the unique
//! `identity` index backs that up, a conflict fails the import), turn new withdrawal rows into
//! withdrawals, and link refunds to their purchases. Rows are prepared on a second thread and
//! inserted in batches inside the caller's transaction.

use super::bulk::Session;
use super::layout::Columns;
use super::normalise::{Direction, Txn};
use super::ImportProgress;
use crate::error::Result;
use crate::ledger::Platform;
use crate::money::Money;
use crate::time::Timestamp;
use rusqlite::Transaction;

/// What storing did.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Stored {
    pub imported: u64,
    pub duplicates: u64,
    pub withdrawals: u64,
    pub refunds_linked: u64,
}

/// Stores `txns` for `platform` under `import_id`; returns the counts. `cancelled` is asked
/// between batches: a yes stops with [`crate::CoreError::Cancelled`] (the caller rolls back).
#[allow(clippy::too_many_arguments)]
pub(crate) fn store(
    tx: &Transaction,
    platform: &Platform,
    import_id: i64,
    columns: &Columns,
    header: &[String],
    txns: &[Txn],
    now: &Timestamp,
    progress: &mut dyn FnMut(ImportProgress),
    cancelled: &dyn Fn() -> bool,
) -> Result<Stored> {
    let mut session = Session::begin(tx, platform, import_id, columns, header.len(), txns.len())?;
    let total = txns.len() as u64;
    let result = session
        .add(
            tx,
            txns,
            &mut |done| {
                progress(ImportProgress {
                    done: done as u64,
                    total,
                })
            },
            cancelled,
        )
        .and_then(|()| session.finish(tx, now));
    session.close(tx)?;
    let stored = result?;
    progress(ImportProgress { done: total, total });
    Ok(stored)
}

/// Sums by direction, over every row of the file whatever its status.
pub(crate) fn totals(txns: &[Txn]) -> Option<[Money; 3]> {
    let mut sums = [0i64; 3];
    for t in txns {
        let slot = match t.direction {
            Direction::Expense => 0,
            Direction::Income => 1,
            Direction::Neutral => 2,
        };
        sums[slot] = sums[slot].checked_add(t.amount.fen())?;
    }
    Some(sums.map(Money))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{bulk::*, original::*, withdrawals::*};
    use crate::time;

    #[test]
    fn hand_written_time_formats_match_chrono() {
        let t = crate::time::parse_time("2019-09-26 02:45:27", crate::Field::At).unwrap();
        let mut s = String::new();
        write_rfc3339(&mut s, &t);
        assert_eq!(s, time::to_rfc3339(&t));
        write_utc(&mut s, &t);
        assert_eq!(s, crate::ledger::utc_key(&t));
    }

    #[test]
    fn original_row_is_valid_json_in_column_order() {
        let header = vec!["交易时间".to_string(), "商品".into(), String::new()];
        let cells = vec!["2021".to_string(), "点击\"多多\"\t\\".into(), String::new()];
        let mut s = String::new();
        write_original(&mut s, &header, &cells);
        assert_eq!(s, r#"{"交易时间":"2021","商品":"点击\"多多\"\t\\"}"#);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["商品"], "点击\"多多\"\t\\");
    }

    #[test]
    fn compact_cells_read_back_to_the_same_row() {
        let columns = Columns {
            time: 0,
            direction: 1,
            txn_id: Some(2),
            note: Some(3),
            amount: 4,
            ..Columns::default()
        };
        let header: Vec<String> = ["交易时间", "收/支", "交易单号", "备注", "金额", "", ""]
            .map(String::from)
            .into();
        let codes = verbatim_codes(&columns, header.len());
        let derived = DerivedTexts::new("2021-01-01T00:00:00+08:00", 1230);
        // txn_id is stored as '' for '/'; 收/支 and 备注 verbatim; time and amount derived.
        let texts = derived.with(["", "", "支出", "", "", "", "", "", "a\"\u{1f}"]);
        let rows = [
            (
                [
                    "2021-01-01 00:00:00",
                    "支出",
                    "/",
                    "a\"\u{1f}",
                    "¥12.30",
                    "/",
                    "",
                ],
                r#"[9,2,12,8,10,12,""]"#,
            ),
            (
                [
                    "2021/1/1 0:00",
                    "收入",
                    "x",
                    "b",
                    "12.30",
                    "12.30",
                    "¥12.30",
                ],
                r#"["2021/1/1 0:00","收入","x","b",11,"12.30","¥12.30"]"#,
            ),
            (
                ["2021-01-01 00:00:00", "支出", "", "", "12.3", "9", "12"],
                r#"[9,2,0,"","12.3","9","12"]"#,
            ),
        ];
        for (cells, compact) in rows {
            let cells: Vec<String> = cells.map(String::from).into();
            let mut s = String::new();
            write_cells(&mut s, &codes, &cells.iter().collect(), &texts);
            assert_eq!(s, compact);
            assert_eq!(read_cells(&s, &texts).unwrap(), cells);
            let (mut a, mut b) = (String::new(), String::new());
            write_original(&mut a, &header, &cells);
            write_original(&mut b, &header, &read_cells(&s, &texts).unwrap());
            assert_eq!(a, b);
        }
        assert_eq!(read_cells("{}", &texts), None);
        assert_eq!(read_cells("[13]", &texts), None);
    }

    #[test]
    fn derived_texts_render_bill_time_and_amounts() {
        let d = DerivedTexts::new("2019-09-26T12:45:27+08:00", 5);
        assert_eq!(
            d.with([""; 9])[9..],
            ["2019-09-26 12:45:27", "¥0.05", "0.05", "/"]
        );
        let d = DerivedTexts::new("2019-09-26T12:45:27+08:00", 123_456_789);
        assert_eq!(d.with([""; 9])[10], "¥1234567.89");
    }

    #[test]
    fn card_tails_come_from_brackets() {
        assert_eq!(card_tail("招商银行(9876)").as_deref(), Some("9876"));
        assert_eq!(card_tail("招商银行()"), None);
        assert_eq!(card_tail("工商银行"), None);
    }
}
