-- Schema v8: `transactions` rebuilt for import speed (issue #6). Same rows, same ids, same
-- indexes; two things change.
--
-- 1. A row's identity is a 16-byte digest instead of its text. Up to v7 each row stored its dedup
--    key — id, UTC time, amount, direction and type (and, for rows without an id, the other
--    cells), joined by U+001F — as text, about 63 bytes, once in the row and again in the unique
--    index. From v8 `identity` holds the first 16 bytes of the SHA-256 of that same text
--    (`import::identity`): the same rule and the same uniqueness per platform, with a fifth less to
--    write per row; two different keys would share a digest about once in 2^64 rows.
--    `tixian_identity()` is that digest, registered by the store while it migrates.
-- 2. The direction CHECK is spelled as comparisons: SQLite builds a temporary table for every
--    checked `IN` list longer than two, which cost an eighth of each INSERT.
-- 3. The indexes that find a refund's purchase (by id, merchant order or goods) hold only rows
--    that can be one: not refunds, not income. The lookups (`import::persist::link_refunds`)
--    state the same conditions; everything else reads by platform and time.
--
-- The store runs migrations with foreign keys off, so dropping the old table touches no row that
-- points at it (withdrawals.transaction_id, refund_of), and checks them all before committing.
CREATE TABLE transactions_v8 (
    id                INTEGER PRIMARY KEY,
    platform_id       INTEGER NOT NULL REFERENCES platforms(id) ON DELETE CASCADE,
    import_id         INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    line              INTEGER NOT NULL,           -- CSV line or XLSX row (1-based) in the vault file
    txn_id            TEXT NOT NULL DEFAULT '',   -- 交易单号 / 交易订单号 / 交易号, '' when the file has none ('/')
    merchant_order_id TEXT NOT NULL DEFAULT '',   -- 商户单号 / 商家订单号
    occurred_at       TEXT NOT NULL,              -- RFC 3339, the file's local time (Asia/Shanghai)
    occurred_utc      TEXT NOT NULL,
    direction         TEXT NOT NULL CHECK (direction = 'income' OR direction = 'expense' OR direction = 'neutral'),
    direction_text    TEXT NOT NULL DEFAULT '',   -- 收/支 exactly as the file states it
    amount_fen        INTEGER NOT NULL CHECK (amount_fen >= 0),
    txn_type          TEXT NOT NULL DEFAULT '',   -- 交易类型 / 交易分类 / 类型
    counterparty      TEXT NOT NULL DEFAULT '',
    goods             TEXT NOT NULL DEFAULT '',   -- 商品 / 商品说明 / 商品名称
    method            TEXT NOT NULL DEFAULT '',   -- 支付方式 / 收/付款方式
    status            TEXT NOT NULL DEFAULT '',   -- 当前状态 / 交易状态
    note              TEXT NOT NULL DEFAULT '',   -- 备注
    fee_fen           INTEGER NOT NULL DEFAULT 0 CHECK (fee_fen >= 0),
    refunded_fen      INTEGER NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0), -- 已退款(￥x) / 成功退款（元）
    is_refund         INTEGER NOT NULL DEFAULT 0,
    refund_of         INTEGER REFERENCES transactions(id) ON DELETE SET NULL,
    original_json     TEXT NOT NULL,              -- rows before v7: the whole original row, {"header": "value", …}
    original_cells    TEXT,                       -- rows from v7: the original cells, compactly (see 0007)
    identity          BLOB NOT NULL               -- see above
);
INSERT INTO transactions_v8
SELECT id, platform_id, import_id, line, txn_id, merchant_order_id, occurred_at, occurred_utc, direction,
       direction_text, amount_fen, txn_type, counterparty, goods, method, status, note, fee_fen,
       refunded_fen, is_refund, refund_of, original_json, original_cells, tixian_identity(dedup_key)
FROM transactions;
DROP TABLE transactions;
ALTER TABLE transactions_v8 RENAME TO transactions;

CREATE UNIQUE INDEX transactions_identity ON transactions(platform_id, identity);
CREATE INDEX transactions_platform_time ON transactions(platform_id, occurred_utc);
CREATE INDEX transactions_txn_id ON transactions(platform_id, txn_id)
    WHERE txn_id <> '' AND is_refund = 0 AND direction <> 'income';
CREATE INDEX transactions_merchant ON transactions(platform_id, merchant_order_id)
    WHERE merchant_order_id <> '' AND is_refund = 0 AND direction <> 'income';
CREATE INDEX transactions_goods ON transactions(platform_id, goods)
    WHERE goods <> '' AND is_refund = 0 AND direction <> 'income';
CREATE INDEX transactions_import ON transactions(import_id);
CREATE INDEX transactions_refund_of ON transactions(refund_of) WHERE refund_of IS NOT NULL;
CREATE INDEX transactions_unlinked_refunds ON transactions(platform_id)
    WHERE is_refund = 1 AND refund_of IS NULL;
