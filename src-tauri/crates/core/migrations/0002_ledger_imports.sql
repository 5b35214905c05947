-- Schema v2: imported bill rows, kept with every original column, plus what ties them to the
-- ledger (the import that brought them, the withdrawal they became, the purchase a refund undoes).
-- Money is integer fen; times are RFC 3339 text with their offset plus a UTC key for ordering.

-- What an import recorded beyond v1: the withdrawals it created, the file inside a ZIP and the
-- ZIP itself (both kept in the vault), and the original header row so rows can be re-read.
ALTER TABLE imports ADD COLUMN withdrawals      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN size_bytes       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN container_sha256 TEXT;               -- the ZIP the bill came in, if any
ALTER TABLE imports ADD COLUMN entry_name       TEXT NOT NULL DEFAULT '';  -- the bill's name inside that ZIP
ALTER TABLE imports ADD COLUMN sheet            TEXT NOT NULL DEFAULT '';  -- XLSX sheet the rows came from
ALTER TABLE imports ADD COLUMN header_line      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN header_json      TEXT NOT NULL DEFAULT '[]';
ALTER TABLE imports ADD COLUMN totals_json      TEXT NOT NULL DEFAULT '{}';

CREATE TABLE transactions (
    id                INTEGER PRIMARY KEY,
    platform_id       INTEGER NOT NULL REFERENCES platforms(id) ON DELETE CASCADE,
    import_id         INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    line              INTEGER NOT NULL,           -- CSV line or XLSX row (1-based) in the vault file
    txn_id            TEXT NOT NULL DEFAULT '',   -- 交易单号 / 交易订单号 / 交易号, '' when the file has none ('/')
    merchant_order_id TEXT NOT NULL DEFAULT '',   -- 商户单号 / 商家订单号
    occurred_at       TEXT NOT NULL,              -- RFC 3339, the file's local time (Asia/Shanghai)
    occurred_utc      TEXT NOT NULL,
    direction         TEXT NOT NULL CHECK (direction IN ('income', 'expense', 'neutral')),
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
    original_json     TEXT NOT NULL,              -- the whole original row: {"header": "value", …}
    dedup_key         TEXT NOT NULL
);
-- Ids alone are not unique (a refund can share its purchase's order number; edited files repeat
-- ids), so the key is the id AND time, amount, direction and type; without an id, the whole row.
CREATE UNIQUE INDEX transactions_dedup ON transactions(platform_id, dedup_key);
CREATE INDEX transactions_platform_time ON transactions(platform_id, occurred_utc);
CREATE INDEX transactions_txn_id ON transactions(platform_id, txn_id) WHERE txn_id <> '';
CREATE INDEX transactions_merchant ON transactions(platform_id, merchant_order_id) WHERE merchant_order_id <> '';
CREATE INDEX transactions_goods ON transactions(platform_id, goods) WHERE goods <> '';
CREATE INDEX transactions_import ON transactions(import_id);
CREATE INDEX transactions_refund_of ON transactions(refund_of) WHERE refund_of IS NOT NULL;

-- A withdrawal that came from a bill row points at it; typed-in ones have NULL.
ALTER TABLE withdrawals ADD COLUMN transaction_id INTEGER REFERENCES transactions(id) ON DELETE SET NULL;
ALTER TABLE withdrawals ADD COLUMN updated_at TEXT;
ALTER TABLE platforms ADD COLUMN updated_at TEXT;
ALTER TABLE balance_snapshots ADD COLUMN updated_at TEXT;
