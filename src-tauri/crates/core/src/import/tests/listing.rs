//! The imported rows list on rows these tests make: pages by key in both directions, the date
//! range in the bill's local days, and text search through the trigram index (every length of
//! piece, case, GLOB's own characters, rows changed or deleted after import).

use super::*;

/// 60 rows, one a day from 2026-01-01 10:00 (+08:00), newest last in the file; every 7th is
/// Meituan's, every 10th carries a note with GLOB characters.
fn sixty_rows() -> Db {
    let mut db = Db::new();
    let rows: Vec<String> = (0..60)
        .map(|i| {
            let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(i);
            let who = if i % 7 == 0 { "美团外卖" } else { "Starbucks星巴克" };
            let note = if i % 10 == 0 { "a*b?[c]" } else { "/" };
            format!("{day} 10:00:00,商户消费,{who},订单{i:02},支出,¥1.{i:02},零钱,支付成功,4200{i:06},M{i:04},{note}")
        })
        .collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let r = db.import("w.csv", &wechat_csv(&refs), &opts()).unwrap();
    assert_eq!(r.imported, 60);
    db
}

fn query(db: &Db, q: TxnQuery) -> TxnPage {
    query_transactions(db.store.conn(), &q).unwrap()
}

fn text(db: &Db, piece: &str) -> i64 {
    query(
        db,
        TxnQuery {
            text: Some(piece.into()),
            ..Default::default()
        },
    )
    .total
    .unwrap()
}

#[test]
fn pages_by_key_walk_the_whole_list_down_and_back_up() {
    let db = sixty_rows();
    let mut down = Vec::new();
    let mut after_id = None;
    loop {
        let page = query(
            &db,
            TxnQuery {
                limit: 25,
                after_id,
                ..Default::default()
            },
        );
        assert_eq!(page.total.is_some(), after_id.is_none());
        down.extend(page.rows.iter().map(|r| r.goods.clone()));
        after_id = page.rows.last().map(|r| r.id);
        if !page.more_after {
            break;
        }
    }
    let expected: Vec<String> = (0..60).rev().map(|i| format!("订单{i:02}")).collect();
    assert_eq!(down, expected);
    // From the oldest row up: the page above is listed newest first too.
    let oldest = query(
        &db,
        TxnQuery {
            limit: 1,
            after_id: None,
            ..Default::default()
        },
    );
    assert_eq!(oldest.total, Some(60));
    let last_id = {
        let all = query(
            &db,
            TxnQuery {
                limit: 60,
                ..Default::default()
            },
        );
        all.rows.last().unwrap().id
    };
    let up = query(
        &db,
        TxnQuery {
            limit: 5,
            before_id: Some(last_id),
            ..Default::default()
        },
    );
    let goods: Vec<&str> = up.rows.iter().map(|r| r.goods.as_str()).collect();
    assert_eq!(goods, ["订单05", "订单04", "订单03", "订单02", "订单01"]);
    assert!(up.more_before && up.more_after);
}

#[test]
fn a_page_after_a_deleted_row_says_to_reload() {
    let db = sixty_rows();
    let first = query(
        &db,
        TxnQuery {
            limit: 1,
            ..Default::default()
        },
    );
    let id = first.rows[0].id;
    db.store
        .conn()
        .execute("DELETE FROM transactions WHERE id = ?1", [id])
        .unwrap();
    let err = query_transactions(
        db.store.conn(),
        &TxnQuery {
            after_id: Some(id),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.field_name(), Some("after_id"));
}

#[test]
fn the_date_range_is_the_bills_local_days() {
    let db = sixty_rows();
    let q = |from: &str, to: &str| TxnQuery {
        from: Some(from.into()),
        to: Some(to.into()),
        ..Default::default()
    };
    assert_eq!(query(&db, q("2026-01-01", "2026-01-01")).total, Some(1));
    assert_eq!(query(&db, q("2026-01-10", "2026-01-19")).total, Some(10));
    assert_eq!(query(&db, q("2026-03-01", "2026-12-31")).total, Some(1)); // row 59
    assert_eq!(query(&db, q("2026-03-02", "2026-12-31")).total, Some(0));
    let err = query_transactions(db.store.conn(), &q("2026-02-01", "2026-01-01")).unwrap_err();
    assert_eq!(err.field_name(), Some("to"));
}

#[test]
fn search_finds_pieces_of_every_length_through_the_index() {
    let db = sixty_rows();
    // Meituan: rows 0, 7, …, 56 → 9 rows.
    assert_eq!(text(&db, "美团外卖"), 9);
    assert_eq!(text(&db, "美团"), 9, "two characters");
    assert_eq!(text(&db, "卖"), 9, "one character, at the end of a column");
    assert_eq!(text(&db, "美"), 9, "one character, at the start");
    assert_eq!(text(&db, "starbucks"), 51, "ASCII case folded");
    assert_eq!(text(&db, "STAR"), 51);
    assert_eq!(text(&db, "订单05"), 1);
    assert_eq!(text(&db, "4200000042"), 1, "a transaction id");
    assert_eq!(text(&db, "m0042"), 1, "a merchant order id, case folded");
    assert_eq!(text(&db, "团星"), 0, "not across columns");
    assert_eq!(text(&db, "没有"), 0);
    assert_eq!(text(&db, "无"), 0);
}

#[test]
fn glob_characters_in_a_search_are_plain_text() {
    let db = sixty_rows();
    assert_eq!(text(&db, "a*b?[c]"), 6);
    assert_eq!(text(&db, "*"), 6);
    assert_eq!(text(&db, "?["), 6);
    assert_eq!(text(&db, "a?b"), 0, "? is not a wildcard");
    assert_eq!(text(&db, "100%_"), 0);
}

#[test]
fn search_follows_rows_changed_and_deleted_after_import() {
    let db = sixty_rows();
    let conn = db.store.conn();
    conn.execute(
        "UPDATE transactions SET note = '报销' WHERE goods = '订单01'",
        [],
    )
    .unwrap();
    assert_eq!(text(&db, "报销"), 1);
    conn.execute(
        "DELETE FROM transactions WHERE counterparty = '美团外卖'",
        [],
    )
    .unwrap();
    assert_eq!(text(&db, "美团"), 0);
    assert_eq!(text(&db, "卖"), 0);
    // secure-delete: the deleted rows' trigrams are gone from the index itself (an erased
    // platform leaves no words behind in the file).
    let left: i64 = conn
        .query_row(
            "SELECT count(*) FROM transactions_search_terms WHERE term GLOB '*美团*'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
    // FTS5 compares the index with the rows themselves and fails when they differ.
    conn.execute(
        "INSERT INTO transactions_search(transactions_search, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .unwrap_or_else(|e| panic!("FTS integrity-check: {e}"));
}

#[test]
fn a_common_single_character_is_read_row_by_row_with_the_same_answer() {
    // 600 distinct trigrams start with 单 (单, one of 600 characters, 号): more than the short
    // path lists, so it reads rows; the answer is the same.
    let mut db = Db::new();
    let goods = |i: u32| format!("单{}号", char::from_u32(0x4E00 + i).unwrap());
    let rows: Vec<String> = (0..600)
        .map(|i| {
            format!(
                "2026-01-01 10:00:00,商户消费,店{i},{},支出,¥1.00,零钱,支付成功,42{i:08},/,/",
                goods(i)
            )
        })
        .collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    db.import("w.csv", &wechat_csv(&refs), &opts()).unwrap();
    assert_eq!(text(&db, "单"), 600);
    assert_eq!(text(&db, "号"), 600, "one trigram after it: the short path");
    assert_eq!(text(&db, &goods(5)), 1);
}

/// A long number of repeated digits was matched with FTS5's GLOB, which reads a trigram's list
/// once per repeat (15 times "000" in 25 digits). Now each distinct trigram is asked for once
/// and every row found is checked against the whole piece: a row holding all the trigrams but
/// not the piece is not an answer.
#[test]
fn a_long_number_with_repeated_digits_asked_for_each_trigram_once_per_repeat() {
    let db = sixty_rows();
    // Row 42's transaction id is 4200000042: every trigram of "42000000420" is in it or in
    // another row, but only "4200000042" itself is there.
    assert_eq!(text(&db, "4200000042"), 1);
    assert_eq!(text(&db, "000000"), 60, "each of the sixty ids");
    assert_eq!(
        text(&db, "42000000420"),
        0,
        "the trigrams are there, the piece is not"
    );
    assert_eq!(text(&db, "0000004"), 11, "ids 4200000004 and 4200000040–49");
}

/// A search finding thousands of rows read and sorted every one of them for a page of 200
/// (0.35 s for 83,000 rows at a million); over `MANY_ROWS` the time index is walked down
/// instead. The rows, their order, the total and the pages by key are the same either way.
#[test]
fn a_search_with_thousands_of_rows_sorted_every_row_found_for_one_page() {
    let mut db = Db::new();
    let rows: Vec<String> = (0..3300)
        .map(|i| {
            let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                + chrono::Duration::hours(i);
            let who = if i % 3 == 0 {
                "美团外卖"
            } else {
                "Starbucks星巴克"
            };
            format!("{at},商户消费,{who},订单{i:04},支出,¥1.00,零钱,支付成功,4200{i:06},M{i:04},/")
        })
        .collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    assert_eq!(
        db.import("w.csv", &wechat_csv(&refs), &opts())
            .unwrap()
            .imported,
        3300
    );
    for (piece, expected) in [
        ("星巴", 2200),
        ("starbucks", 2200),
        ("克", 2200),
        ("美团外卖", 1100),
    ] {
        let reference: Vec<i64> = db
            .store
            .conn()
            .prepare("SELECT id FROM transactions WHERE instr(lower(counterparty), ?1) > 0 ORDER BY occurred_utc DESC, id DESC")
            .unwrap()
            .query_map([piece], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(reference.len(), expected, "{piece}");
        let mut walked = Vec::new();
        let mut after_id = None;
        loop {
            let page = query(
                &db,
                TxnQuery {
                    text: Some(piece.into()),
                    limit: 500,
                    after_id,
                    ..Default::default()
                },
            );
            if after_id.is_none() {
                assert_eq!(page.total, Some(expected as i64), "{piece}");
            }
            walked.extend(page.rows.iter().map(|r| r.id));
            after_id = page.rows.last().map(|r| r.id);
            if !page.more_after {
                break;
            }
        }
        assert_eq!(walked, reference, "{piece}");
    }
}
