-- Schema v11: the imported rows list at a million rows (issue 21).
--
-- 1. `transactions_time`: the all-platforms list is read newest first by (occurred_utc, id) in
--    pages that start after the last row shown (keyset pagination), so it needs an index in that
--    order across platforms; the per-platform list uses transactions_platform_time.
-- 2. `transactions_search`: an FTS5 index of character trigrams over the texts the list searches
--    (counterparty, goods, type, status, note, ids), so a search reads the index instead of every
--    row. Trigrams work for Chinese without a word splitter: a text of three or more characters
--    is found by `GLOB` through the index (FTS5 checks each candidate against the text itself);
--    a one- or two-character text is found through the trigrams that start with it
--    (`transactions_search_terms`, FTS5's own list of the indexed trigrams), which is why every
--    text ends in two U+001F separators: each character of it then starts a trigram.
--    External content: the texts are not stored twice; `transactions_search_text` computes them
--    from the row (lower() folds ASCII case, as the query side does) and the triggers keep the
--    index in step with every insert, update and delete. `detail=none` keeps the index small
--    (no positions: GLOB checks the text, and single trigrams need none). `secure-delete` makes a
--    deleted row's trigrams leave the index file at once (an erased platform leaves no words).
CREATE INDEX transactions_time ON transactions(occurred_utc);

CREATE VIEW transactions_search_text(id, search) AS
SELECT id, lower(counterparty || char(31) || goods || char(31) || txn_type || char(31) || status || char(31)
                 || note || char(31) || txn_id || char(31) || merchant_order_id || char(31) || char(31))
FROM transactions;

CREATE VIRTUAL TABLE transactions_search USING fts5(
    search, content = 'transactions_search_text', content_rowid = 'id', tokenize = 'trigram', detail = none
);
CREATE VIRTUAL TABLE transactions_search_terms USING fts5vocab(transactions_search, 'row');
INSERT INTO transactions_search(transactions_search, rank) VALUES ('secure-delete', 1);
INSERT INTO transactions_search(transactions_search) VALUES ('rebuild');

CREATE TRIGGER transactions_search_insert AFTER INSERT ON transactions BEGIN
    INSERT INTO transactions_search(rowid, search) VALUES (new.id,
        lower(new.counterparty || char(31) || new.goods || char(31) || new.txn_type || char(31) || new.status
              || char(31) || new.note || char(31) || new.txn_id || char(31) || new.merchant_order_id
              || char(31) || char(31)));
END;
CREATE TRIGGER transactions_search_delete AFTER DELETE ON transactions BEGIN
    INSERT INTO transactions_search(transactions_search, rowid, search) VALUES ('delete', old.id,
        lower(old.counterparty || char(31) || old.goods || char(31) || old.txn_type || char(31) || old.status
              || char(31) || old.note || char(31) || old.txn_id || char(31) || old.merchant_order_id
              || char(31) || char(31)));
END;
CREATE TRIGGER transactions_search_update
AFTER UPDATE OF counterparty, goods, txn_type, status, note, txn_id, merchant_order_id ON transactions BEGIN
    INSERT INTO transactions_search(transactions_search, rowid, search) VALUES ('delete', old.id,
        lower(old.counterparty || char(31) || old.goods || char(31) || old.txn_type || char(31) || old.status
              || char(31) || old.note || char(31) || old.txn_id || char(31) || old.merchant_order_id
              || char(31) || char(31)));
    INSERT INTO transactions_search(rowid, search) VALUES (new.id,
        lower(new.counterparty || char(31) || new.goods || char(31) || new.txn_type || char(31) || new.status
              || char(31) || new.note || char(31) || new.txn_id || char(31) || new.merchant_order_id
              || char(31) || char(31)));
END;
