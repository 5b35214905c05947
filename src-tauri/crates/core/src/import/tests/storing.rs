//! Storing: dedup, vault, withdrawals, refund links, and reading rows back.

use super::*;

// ---- storing: dedup, vault, withdrawals, refunds ----

#[test]
fn import_reports_contract_figures_and_keeps_the_original() {
    let mut db = Db::new();
    let bytes = read("wechat-csv-utf8.csv");
    let r = db.import("wechat-csv-utf8.csv", &bytes, &opts()).unwrap();
    assert_eq!(
        (r.rows, r.imported, r.duplicates, r.withdrawals),
        (7, 7, 0, 2)
    );
    assert_eq!(r.platform, "微信支付");
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json["totals"],
        serde_json::json!({"expense": "40.16", "income": "12.35", "neutral": "600.99"})
    );
    let kept = std::fs::read(vault::path_of(&db.dir.path().join("vault"), &r.sha256)).unwrap();
    assert_eq!(kept, bytes);
    // Each row traces to its line, with every original column (kept once, in `original_cells`,
    // and read back as the `{"header": "value", …}` object).
    let q = TxnQuery {
        text: Some("总共消费".into()),
        ..Default::default()
    };
    let page = query_transactions(db.store.conn(), &q).unwrap();
    assert_eq!(page.rows.len(), 1);
    let (line, original) = (page.rows[0].line, &page.rows[0].original_json);
    assert_eq!(line, 18);
    let v: serde_json::Value = serde_json::from_str(original).unwrap();
    assert_eq!(v["金额(元)"], "¥28.16");
    assert_eq!(v["备注"], "/");
    assert_eq!(v["商品"], "总共消费:28.16");
    assert!(original.starts_with(r#"{"交易时间":"2025-03-01 12:45:27","交易类型":"#));
    assert_eq!(v["交易时间"], "2025-03-01 12:45:27");
    assert_eq!(v["收/支"], "支出");
    let all = query_transactions(
        db.store.conn(),
        &TxnQuery {
            limit: 1000,
            ..Default::default()
        },
    )
    .unwrap();
    for row in &all.rows {
        let v: serde_json::Value = serde_json::from_str(&row.original_json).unwrap();
        assert_eq!(v.as_object().unwrap().len(), 11, "{}", row.original_json);
        assert_eq!(
            v["商品"].as_str().unwrap(),
            if row.goods.is_empty() {
                "/"
            } else {
                &row.goods
            }
        );
    }
}

#[test]
fn rows_stored_before_v7_keep_their_original_json() {
    let mut db = Db::new();
    db.import("w.csv", &read("wechat-csv-utf8.csv"), &opts())
        .unwrap();
    // A row as schema v6 stored it: the object in original_json, no original_cells.
    db.store
        .conn()
        .execute(
            "UPDATE transactions SET original_json = '{\"备注\":\"old\"}', original_cells = NULL
             WHERE goods = '总共消费:28.16'",
            [],
        )
        .unwrap();
    let q = TxnQuery {
        text: Some("总共消费".into()),
        ..Default::default()
    };
    let page = query_transactions(db.store.conn(), &q).unwrap();
    assert_eq!(page.rows[0].original_json, r#"{"备注":"old"}"#);
}

/// A ledger as schema v7 stored it (each row's dedup key as text) becomes v8 (its digest) with
/// every row, id and link intact, and the same bills are still recognised as already imported.
#[test]
fn v7_ledgers_migrate_to_identities_without_losing_a_row() {
    let mut db = Db::new();
    let bills = ["wechat-csv-utf8.csv", "alipay-csv-2023-gbk.csv"];
    for bill in bills {
        db.import(bill, &read(bill), &opts()).unwrap();
    }
    let linked: i64 = db
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM transactions WHERE refund_of IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let from_rows: i64 = db
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM withdrawals WHERE transaction_id IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        linked > 0 && from_rows > 0,
        "the fixtures bring refunds and withdrawals"
    );

    // The same ledger written by v7: the key text in dedup_key, no identity.
    let old = db.dir.path().join("v7.db");
    let conn = Store::create_at_version(&old, 7).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF;
         ATTACH '{}' AS v8;
         INSERT INTO platforms SELECT * FROM v8.platforms;
         INSERT INTO imports SELECT * FROM v8.imports;
         INSERT INTO withdrawals SELECT * FROM v8.withdrawals;
         INSERT INTO transactions(id, platform_id, import_id, line, txn_id, merchant_order_id, occurred_at,
             occurred_utc, direction, direction_text, amount_fen, txn_type, counterparty, goods, method, status,
             note, fee_fen, refunded_fen, is_refund, refund_of, original_json, original_cells, dedup_key)
         SELECT id, platform_id, import_id, line, txn_id, merchant_order_id, occurred_at, occurred_utc,
             direction, direction_text, amount_fen, txn_type, counterparty, goods, method, status, note, fee_fen,
             refunded_fen, is_refund, refund_of, original_json, original_cells,
             txn_id || char(31) || occurred_utc || char(31) || amount_fen || char(31) || direction || char(31)
               || txn_type || CASE WHEN txn_id = '' THEN char(31) || merchant_order_id || char(31) || counterparty
               || char(31) || goods || char(31) || method || char(31) || status || char(31) || note ELSE '' END
         FROM v8.transactions;
         DETACH v8;",
        db.store.path().display()
    ))
    .unwrap();
    drop(conn);

    let migrated = Store::open(&old).unwrap();
    assert_eq!(
        migrated.schema_version().unwrap(),
        crate::store::SCHEMA_VERSION
    );
    let dump = |store: &Store, sql: &str| -> Vec<Vec<rusqlite::types::Value>> {
        let mut q = store.conn().prepare(sql).unwrap();
        let width = q.column_count();
        q.query_map([], |r| (0..width).map(|i| r.get(i)).collect())
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    for sql in [
        "SELECT * FROM transactions ORDER BY id",
        "SELECT * FROM withdrawals ORDER BY id",
    ] {
        assert_eq!(dump(&migrated, sql), dump(&db.store, sql), "{sql}");
    }
    let schema =
        "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'transactions' ORDER BY name";
    assert_eq!(dump(&migrated, schema), dump(&db.store, schema));

    // Identities computed from v7's keys are the ones imports compute: nothing imports twice.
    let mut again = Db {
        dir: tempfile::tempdir().unwrap(),
        store: migrated,
    };
    for bill in bills {
        let r = again.import(bill, &read(bill), &opts()).unwrap();
        assert_eq!((r.imported, r.duplicates), (0, r.rows), "{bill}");
    }
}

/// The original goes into the vault while rows are stored; when storing fails, or brings
/// nothing new, the file that import added is gone again and the database is unchanged.
#[test]
fn a_failed_or_empty_import_leaves_the_vault_as_it_was() {
    let mut db = Db::new();
    let vault = db.dir.path().join("vault");
    let files =
        |vault: &std::path::Path| -> usize { std::fs::read_dir(vault).map_or(0, |d| d.count()) };
    let bytes = read("wechat-csv-utf8.csv");
    db.store
        .conn()
        .execute_batch(
            "CREATE TEMP TRIGGER full_disk BEFORE INSERT ON transactions
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
        )
        .unwrap();
    let err = db.import("w.csv", &bytes, &opts()).unwrap_err();
    assert!(err.to_string().contains("disk is full"), "{err}");
    assert_eq!(
        (files(&vault), db.count("transactions"), db.count("imports")),
        (0, 0, 0)
    );

    db.store
        .conn()
        .execute_batch("DROP TRIGGER full_disk")
        .unwrap();
    let r = db.import("w.csv", &bytes, &opts()).unwrap();
    assert_eq!(files(&vault), 1);
    // Nothing new the second time, even with the original gone: nothing is put back.
    std::fs::remove_file(vault::path_of(&vault, &r.sha256)).unwrap();
    let again = db.import("w.csv", &bytes, &opts()).unwrap();
    assert_eq!((again.imported, files(&vault)), (0, 0));
}

#[test]
fn reimport_of_same_file_adds_nothing() {
    let mut db = Db::new();
    let bytes = read("alipay-csv-2023-gbk.csv");
    db.import("a.csv", &bytes, &opts()).unwrap();
    let before = (
        db.count("transactions"),
        db.count("imports"),
        db.count("withdrawals"),
    );
    let r = db.import("a.csv", &bytes, &opts()).unwrap();
    assert_eq!(
        (r.rows, r.imported, r.duplicates, r.withdrawals, r.import_id),
        (7, 0, 7, 0, None)
    );
    assert_eq!(
        (
            db.count("transactions"),
            db.count("imports"),
            db.count("withdrawals")
        ),
        before
    );
}

#[test]
fn csv_and_xlsx_of_the_same_period_are_the_same_transactions() {
    let mut db = Db::new();
    db.import("w.csv", &read("wechat-csv-utf8.csv"), &opts())
        .unwrap();
    let r = db
        .import("w.xlsx", &read("wechat-xlsx-2026.xlsx"), &opts())
        .unwrap();
    assert_eq!((r.imported, r.duplicates), (0, 7));
}

/// Splits the WeChat fixture into two exports that overlap in rows 3–5 (the first withdrawal
/// among them).
fn overlapping_wechat() -> (Vec<u8>, Vec<u8>) {
    let text = String::from_utf8(read("wechat-csv-utf8.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (head, rows) = lines.split_at(17);
    let a = [head, &rows[..5]].concat().join("\n") + "\n";
    let b = [head, &rows[2..7]].concat().join("\n") + "\n";
    (a.into_bytes(), b.into_bytes())
}

#[test]
fn overlapping_exports_import_the_union() {
    let mut db = Db::new();
    let (a, b) = overlapping_wechat();
    let ra = db.import("a.csv", &a, &opts()).unwrap();
    let rb = db.import("b.csv", &b, &opts()).unwrap();
    assert_eq!((ra.imported, ra.duplicates), (5, 0));
    assert_eq!((rb.rows, rb.imported, rb.duplicates), (5, 2, 3));
    assert_eq!(db.count("transactions"), 7);
    assert_eq!(
        db.count("withdrawals"),
        2,
        "withdrawal rows in the overlap are not doubled"
    );
}

#[test]
fn ids_alone_do_not_make_duplicates() {
    // As in real exports: one id on several different rows, and one time holding two rows that
    // differ only in type.
    let mut db = Db::new();
    let bill = wechat_csv(&[
        "2024-06-07 23:40:27,转账,A,/,支出,¥1.00,零钱,ok,3985734\t,/\t,/",
        "2024-06-07 23:40:27,微信红包,A,/,支出,¥1.00,零钱,ok,3985734\t,/\t,/",
        "2024-06-08 10:00:00,转账,A,/,支出,¥1.00,零钱,ok,3985734\t,/\t,/",
        "2024-06-08 10:00:00,转账,A,/,支出,¥2.00,零钱,ok,3985734\t,/\t,/",
        "2024-06-08 10:00:00,转账,A,/,收入,¥2.00,零钱,ok,3985734\t,/\t,/",
        "2024-06-09 10:00:00,转账,B,/,支出,¥1.00,零钱,ok,3985734\t,/\t,/",
        "2024-06-10 10:00:00,转账,A,/,支出,¥1.00,零钱,ok,3985734\t,/\t,/",
        "2024-06-11 10:00:00,转账,A,/,支出,¥1.00,零钱,ok,3985734\t,/\t,/",
    ]);
    let r = db.import("w.csv", &bill, &opts()).unwrap();
    assert_eq!((r.imported, r.duplicates), (8, 0));
    let same_id: i64 = db
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM transactions WHERE txn_id = '3985734'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(same_id, 8);
}

#[test]
fn wechat_withdrawal_rows_become_withdrawals_with_fee() {
    let mut db = Db::new();
    db.import("w.csv", &read("wechat-csv-utf8.csv"), &opts())
        .unwrap();
    let ws = list_withdrawals(db.store.conn(), Some("微信支付")).unwrap();
    let got: Vec<(String, String, WithdrawalStatus)> = ws
        .iter()
        .map(|w| (w.amount.to_plain(), w.fee.to_plain(), w.status))
        .collect();
    assert_eq!(
        got,
        vec![
            // What reaches the card: the row's amount less the fee.
            ("499.50".into(), "0.50".into(), WithdrawalStatus::Returned),
            ("99.90".into(), "0.10".into(), WithdrawalStatus::Arrived),
        ]
    );
    assert_eq!(ws[0].requested_at, "2025-03-06T23:59:59+08:00");
    assert!(ws
        .iter()
        .all(|w| w.transaction_id.is_some() && w.import_id.is_some()));
}

#[test]
fn failed_and_pending_withdrawals_keep_their_outcome() {
    let mut db = Db::new();
    let bytes = wechat_csv(&[
        "2025-03-01 10:00:00,零钱提现,招商银行(1234),/,/,¥500.50,零钱,\"提现失败，已退回零钱\",w1\t,/\t,服务费¥0.50",
        "2025-03-02 10:00:00,零钱提现,招商银行(1234),/,/,¥200.20,零钱,提现处理中,w2\t,/\t,服务费¥0.20",
    ]);
    let r = db.import("w.csv", &bytes, &opts()).unwrap();
    assert_eq!(r.withdrawals, 2);
    let ws = list_withdrawals(db.store.conn(), None).unwrap();
    assert_eq!(
        (ws[0].status, ws[0].amount, ws[0].card_tail.as_str()),
        (WithdrawalStatus::Requested, Money(20_000), "1234")
    );
    assert_eq!(
        (ws[1].status, ws[1].fee, ws[1].message.as_str()),
        (
            WithdrawalStatus::Returned,
            Money(50),
            "提现失败，已退回零钱"
        )
    );
}

/// A 2021–22 Alipay app export (GBK) of these rows, with the owned fixture's preamble and footer.
fn alipay_app_csv(rows: &[&str]) -> Vec<u8> {
    let text = encoding_rs::GBK
        .decode(&read("alipay-csv-2021-app-gbk.csv"))
        .0
        .into_owned();
    let lines: Vec<&str> = text.lines().collect();
    let footer = 2 + lines[2..]
        .iter()
        .position(|l| l.starts_with("-----"))
        .unwrap();
    let mut out: Vec<&str> = lines[..2].to_vec();
    out.extend_from_slice(rows);
    out.extend_from_slice(&lines[footer..]);
    encoding_rs::GBK
        .encode(&(out.join("\n") + "\n"))
        .0
        .into_owned()
}

fn refund_links(db: &Db) -> Vec<(String, String)> {
    let mut stmt = db
        .store
        .conn()
        .prepare(
            "SELECT r.txn_id, p.txn_id FROM transactions r JOIN transactions p ON p.id = r.refund_of ORDER BY r.id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn alipay_web_refunds_link_to_their_purchase() {
    let mut db = Db::new();
    let r = db
        .import("a.csv", &read("alipay-csv-2019-web-gbk.csv"), &opts())
        .unwrap();
    assert_eq!(r.refunds_linked, 1);
    assert_eq!(
        refund_links(&db),
        vec![("4200000004_r".into(), "4200000004".into())]
    );
}

#[test]
fn alipay_app_refunds_link_by_goods_when_ids_repeat() {
    // As in real 2021 app exports: one order id (and merchant order) on unrelated rows, and a
    // refund stated twice (不计收支 and 收入), both to link to the purchase their goods name.
    let mut db = Db::new();
    let bill = alipay_app_csv(&[
        "支出,蚂蚁会员,,相互宝分摊-6月第1期,招商银行(9876),109.90,交易成功,保险,123456\t,ABC9876\t,2021-05-31 10:00:00,",
        "支出,dettol滴露官方旗舰店,zhi***@x.com,【直接下单付款】滴露消毒液1.2L*2,招商银行(9876),109.90,交易关闭,日用百货,123456\t,ABC9876\t,2021-06-01 00:10:22,",
        "支出,苏宁易购官方旗舰店,sns***@x.com,【礼遇价】内存卡,招商银行(9876),109.90,交易成功,数码电器,123456\t,ABC9876\t,2021-06-01 00:11:00,",
        "其他,dettol滴露官方旗舰店,zhi***@x.com,退款-【直接下单付款】滴露消毒液1.2L*2,招商银行(9876),109.90,退款成功,退款,123456\t,ABC9876\t,2021-06-01 00:13:56,",
        "收入,dettol滴露官方旗舰店,zhi***@x.com,退款-【直接下单付款】滴露消毒液1.2L*2,招商银行(9876),109.90,退款成功,退款,123456\t,ABC9876\t,2021-06-01 00:13:56,",
    ]);
    let r = db.import("a.csv", &bill, &opts()).unwrap();
    assert_eq!((r.format.as_str(), r.refunds_linked), ("alipay-app-csv", 2));
    let goods: Vec<String> = {
        let mut stmt = db
            .store
            .conn()
            .prepare("SELECT p.goods || '|' || p.status FROM transactions r JOIN transactions p ON p.id = r.refund_of")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    assert_eq!(goods.len(), 2);
    assert!(
        goods
            .iter()
            .all(|g| g.starts_with("【直接下单付款】滴露") && g.ends_with("交易关闭")),
        "{goods:?}"
    );
}

#[test]
fn a_refund_imported_before_its_purchase_is_linked_when_the_purchase_arrives() {
    let mut db = Db::new();
    let refund = wechat_csv(&[
        "2025-04-02 10:00:00,商户消费-退款,某店,\"退款-书\",收入,¥30.00,零钱,已退款,r9\t,m9\t,/",
    ]);
    let purchase = wechat_csv(&[
        "2025-04-01 10:00:00,商户消费,某店,书,支出,¥30.00,零钱,已全额退款,p9\t,m9\t,/",
    ]);
    assert_eq!(
        db.import("r.csv", &refund, &opts()).unwrap().refunds_linked,
        0
    );
    assert_eq!(
        db.import("p.csv", &purchase, &opts())
            .unwrap()
            .refunds_linked,
        1
    );
    assert_eq!(refund_links(&db), vec![("r9".into(), "p9".into())]);
}

// ---- reading back ----

#[test]
fn query_filters_and_pages() {
    let mut db = Db::new();
    db.import("w.csv", &read("wechat-csv-utf8.csv"), &opts())
        .unwrap();
    db.import("a.csv", &read("alipay-csv-2023-gbk.csv"), &opts())
        .unwrap();
    let all = query_transactions(db.store.conn(), &TxnQuery::default()).unwrap();
    assert_eq!((all.total, all.rows.len()), (Some(14), 14));
    let q = TxnQuery {
        platform: Some("微信支付".into()),
        direction: Some(Direction::Income),
        ..Default::default()
    };
    assert_eq!(
        query_transactions(db.store.conn(), &q).unwrap().total,
        Some(2)
    );
    let q = TxnQuery {
        text: Some("某餐厅".into()),
        ..Default::default()
    };
    assert_eq!(
        query_transactions(db.store.conn(), &q).unwrap().total,
        Some(4)
    );
    let q = TxnQuery {
        text: Some("100%_".into()),
        ..Default::default()
    };
    assert_eq!(
        query_transactions(db.store.conn(), &q).unwrap().total,
        Some(0),
        "LIKE wildcards are escaped"
    );
    let q = TxnQuery {
        from: Some("2025-03-02".into()),
        to: Some("2025-03-04".into()),
        ..Default::default()
    };
    assert_eq!(
        query_transactions(db.store.conn(), &q).unwrap().total,
        Some(6)
    );
    // Pages of 5 by key: 5, 5, 4, in the order of the whole list.
    let mut seen = Vec::new();
    let mut after_id = None;
    loop {
        let q = TxnQuery {
            limit: 5,
            after_id,
            ..Default::default()
        };
        let page = query_transactions(db.store.conn(), &q).unwrap();
        seen.push(page.rows.len());
        after_id = page.rows.last().map(|r| r.id);
        if !page.more_after {
            break;
        }
    }
    assert_eq!(seen, [5, 5, 4]);
    let q = TxnQuery {
        from: Some("2021-13-01".into()),
        ..Default::default()
    };
    assert_eq!(
        query_transactions(db.store.conn(), &q)
            .unwrap_err()
            .field_name(),
        Some("from")
    );
    assert_eq!(list_imports(db.store.conn(), None).unwrap().len(), 2);
}

#[test]
fn progress_reaches_the_total() {
    let mut db = Db::new();
    let mut last = None;
    let vault = db.dir.path().join("vault");
    import_bytes(
        &mut db.store,
        "w.csv",
        &read("wechat-csv-utf8.csv"),
        &opts(),
        &vault,
        &now(),
        &mut |p| last = Some(p),
    )
    .unwrap();
    assert_eq!(last, Some(ImportProgress { done: 7, total: 7 }));
}

/// A WeChat CSV of `n` rows in March 2024: every 100th (from the second) a refund of the row
/// before it, every 50th (from the 26th) a withdrawal.
pub(super) fn many_rows(n: usize) -> Vec<u8> {
    let rows: Vec<String> = (0..n)
        .map(|i| {
            let t = format!("2024-03-{:02} {:02}:{:02}:00", 1 + i / 1440 % 28, i / 60 % 24, i % 60);
            if i % 100 == 1 {
                let p = i - 1;
                format!("{t},商户消费-退款,商店,\"退款-商品{p}\",收入,¥0.01,零钱,已退款,4200{p:020}_r\t,M{p:012}\t,/")
            } else if i % 50 == 25 {
                format!("{t},零钱提现,招商银行(1234),/,/,¥2.00,零钱,提现已到账,1000{i:020}\t,/\t,服务费¥0.10")
            } else {
                format!("{t},商户消费,商店,商品{i},支出,¥1.{:02},零钱,支付成功,4200{i:020}\t,M{i:012}\t,/", i % 100)
            }
        })
        .collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    wechat_csv(&refs)
}

pub(super) fn fts_integrity_check(db: &Db) {
    db.store
        .conn()
        .execute(
            "INSERT INTO transactions_search(transactions_search, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .unwrap_or_else(|e| panic!("FTS integrity-check: {e}"));
}

#[test]
fn an_import_cancelled_midway_stores_nothing_and_keeps_nothing_in_the_vault() {
    let mut db = Db::new();
    let vault = db.dir.path().join("vault");
    let bill = many_rows(20_000);
    let cancel = Arc::new(AtomicBool::new(false));
    let options = ImportOptions {
        cancel: Some(cancel.clone()),
        ..opts()
    };
    let mut seen = 0;
    let err = import_bytes(
        &mut db.store,
        "big.csv",
        &bill,
        &options,
        &vault,
        &now(),
        &mut |p| {
            seen = p.done;
            // As the Cancel button does, from the import's own progress: midway.
            if p.done >= 8192 {
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        },
    )
    .unwrap_err();
    assert!(matches!(err, CoreError::Cancelled), "{err}");
    assert!(
        (8192..20_000).contains(&seen),
        "cancelled midway, at {seen}"
    );
    let files = std::fs::read_dir(&vault).map_or(0, |d| d.count());
    assert_eq!(
        (
            files,
            db.count("transactions"),
            db.count("imports"),
            db.count("platforms"),
            db.count("withdrawals"),
            db.count("transactions_search_docsize")
        ),
        (0, 0, 0, 0, 0, 0)
    );
    let trigger: i64 = db
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'transactions_search_insert'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(trigger, 1, "the search trigger is back after the rollback");
    fts_integrity_check(&db);
    // The same file without a cancel imports in full, its rows all in the search index.
    let r = db.import("big.csv", &bill, &opts()).unwrap();
    assert_eq!((r.imported, r.withdrawals), (20_000, 400));
    assert_eq!(db.count("transactions_search_docsize"), 20_000);
    fts_integrity_check(&db);
}

#[test]
fn a_large_bill_takes_the_bulk_path_and_leaves_the_schema_and_links_as_they_were() {
    // More than 10,000 rows into an empty table: the secondary indexes are dropped during the
    // insert and re-created; refunds still link and a second import finds only duplicates.
    let schema = |db: &Db| -> Vec<(String, String)> {
        let conn = db.store.conn();
        let mut q = conn
            .prepare("SELECT name, ifnull(sql, '') FROM sqlite_master ORDER BY name")
            .unwrap();
        let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(|r| r.unwrap()).collect()
    };
    let bill = many_rows(10_050);
    let mut db = Db::new();
    let before = schema(&db);
    let first = db.import("big.csv", &bill, &opts()).unwrap();
    assert_eq!(
        (first.rows, first.imported, first.duplicates),
        (10_050, 10_050, 0)
    );
    assert_eq!(first.refunds_linked, 101);
    assert_eq!(schema(&db), before);
    // The search index was filled for the new rows in one statement, the trigger bypassed.
    assert_eq!(db.count("transactions_search_docsize"), 10_050);
    fts_integrity_check(&db);
    // The progress bar moves through a re-import too, where every row is a duplicate.
    let mut seen = Vec::new();
    let vault = db.dir.path().join("vault");
    let again = import_bytes(
        &mut db.store,
        "big.csv",
        &bill,
        &opts(),
        &vault,
        &now(),
        &mut |p| seen.push((p.done, p.total)),
    )
    .unwrap();
    assert_eq!((again.imported, again.duplicates), (0, 10_050));
    assert_eq!(
        seen,
        [(4096, 10_050), (8192, 10_050), (10_050, 10_050)],
        "progress"
    );
    assert_eq!(db.count("transactions"), 10_050);
    assert_eq!(schema(&db), before);
    // Writes after the import still go through the triggers.
    db.store
        .conn()
        .execute_batch("UPDATE transactions SET goods = 'changed' WHERE id = 5; DELETE FROM transactions WHERE id = 7")
        .unwrap();
    fts_integrity_check(&db);
}

#[test]
fn the_bulk_path_still_finds_every_duplicate() {
    // The bulk path drops the unique dedup index too and builds it again afterwards, so the
    // duplicates must all be caught before the INSERT: rows already stored and rows the big
    // bill itself repeats.
    let row = |i: usize| {
        let t = format!(
            "2024-03-{:02} {:02}:{:02}:00",
            1 + i / 1440 % 28,
            i / 60 % 24,
            i % 60
        );
        format!(
            "{t},商户消费,商店,商品{i},支出,¥1.{:02},零钱,支付成功,4200{i:020}\t,M{i:012}\t,/",
            i % 100
        )
    };
    let mut db = Db::new();
    let small: Vec<String> = (0..100).map(row).collect();
    let refs: Vec<&str> = small.iter().map(String::as_str).collect();
    db.import("small.csv", &wechat_csv(&refs), &opts()).unwrap();
    let big: Vec<String> = (0..10_050).chain(0..50).map(row).collect();
    let refs: Vec<&str> = big.iter().map(String::as_str).collect();
    let r = db.import("big.csv", &wechat_csv(&refs), &opts()).unwrap();
    assert_eq!((r.rows, r.imported, r.duplicates), (10_100, 9_950, 150));
    assert_eq!(db.count("transactions"), 10_050);
    let unique: i64 = db
        .store
        .conn()
        .query_row(
            "SELECT count(DISTINCT identity) FROM transactions",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unique, 10_050);
    let indexed: i64 = db
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'transactions_identity'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexed, 1);
}

/// Undoing a platform deletion used to store each row's 16-byte `identity` back as lossy text,
/// so the next import of the same bill matched nothing and added every row a second time.
#[test]
fn undo_of_platform_delete_kept_identities_as_text_and_reimport_duplicated_rows() {
    let mut db = Db::new();
    let bytes = read("alipay-csv-2023-gbk.csv");
    db.import("a.csv", &bytes, &opts()).unwrap();
    let platform: i64 = db
        .store
        .conn()
        .query_row("SELECT platform_id FROM transactions LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let deleted = db
        .store
        .transaction(|tx| crate::ledger::delete_platform(tx, platform))
        .unwrap();
    assert_eq!(db.count("transactions"), 0);
    // The record crosses IPC as JSON and comes back for undo.
    let json = serde_json::to_string(&deleted).unwrap();
    let back: crate::ledger::Deleted = serde_json::from_str(&json).unwrap();
    db.store
        .transaction(|tx| crate::ledger::undo::restore(tx, &back))
        .unwrap();
    let blobs: i64 = db
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM transactions WHERE typeof(identity) = 'blob' AND length(identity) = 16",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!((db.count("transactions"), blobs), (7, 7));
    let again = db.import("a.csv", &bytes, &opts()).unwrap();
    assert_eq!((again.imported, again.duplicates), (0, 7));
    assert_eq!(db.count("transactions"), 7);
}

#[test]
fn progress_is_reported_once_a_percent() {
    let mut seen = Vec::new();
    let mut report = crate::import::per_percent(|p| seen.push(p.done));
    for done in 0..=1000 {
        report(crate::import::ImportProgress { done, total: 1000 });
    }
    drop(report);
    assert_eq!(seen.len(), 101);
    assert_eq!(seen.first(), Some(&0));
    assert_eq!(seen.last(), Some(&1000));
}
