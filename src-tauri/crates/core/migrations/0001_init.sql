-- Tixian schema v1. Money is integer fen; times are RFC 3339 text with their offset.

CREATE TABLE platforms (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE,
    kind               TEXT NOT NULL,
    note               TEXT NOT NULL DEFAULT '',
    licence            TEXT NOT NULL DEFAULT '',   -- the licence the user recorded (e.g. 支付业务许可证 number)
    operating_since    TEXT,                        -- YYYY-MM-DD, as the user recorded it
    test_interval_days INTEGER NOT NULL DEFAULT 30,
    created_at         TEXT NOT NULL
);

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL,           -- the original file in the vault
    file_name   TEXT NOT NULL,
    format      TEXT NOT NULL,
    platform_id INTEGER REFERENCES platforms(id) ON DELETE SET NULL,
    rows        INTEGER NOT NULL,
    imported    INTEGER NOT NULL,
    duplicates  INTEGER NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE balance_snapshots (
    id          INTEGER PRIMARY KEY,
    platform_id INTEGER NOT NULL REFERENCES platforms(id) ON DELETE CASCADE,
    amount_fen  INTEGER NOT NULL CHECK (amount_fen >= 0),
    at          TEXT NOT NULL,
    at_utc      TEXT NOT NULL,           -- for ordering across offsets
    source      TEXT NOT NULL DEFAULT 'manual',
    created_at  TEXT NOT NULL
);
CREATE INDEX balance_snapshots_platform_at ON balance_snapshots(platform_id, at_utc);

CREATE TABLE withdrawals (
    id            INTEGER PRIMARY KEY,
    platform_id   INTEGER NOT NULL REFERENCES platforms(id) ON DELETE CASCADE,
    amount_fen    INTEGER NOT NULL CHECK (amount_fen >= 0),
    fee_fen       INTEGER NOT NULL DEFAULT 0 CHECK (fee_fen >= 0),
    status        TEXT NOT NULL CHECK (status IN ('requested', 'arrived', 'failed', 'returned')),
    is_test       INTEGER NOT NULL DEFAULT 0,
    requested_at  TEXT NOT NULL,
    requested_utc TEXT NOT NULL,
    arrived_at    TEXT,
    card_tail     TEXT NOT NULL DEFAULT '',
    message       TEXT NOT NULL DEFAULT '',
    import_id     INTEGER REFERENCES imports(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX withdrawals_platform_requested ON withdrawals(platform_id, requested_utc);

CREATE TABLE cases (
    id             INTEGER PRIMARY KEY,
    platform_id    INTEGER REFERENCES platforms(id) ON DELETE SET NULL,
    platform_name  TEXT NOT NULL,
    amount_fen     INTEGER NOT NULL CHECK (amount_fen >= 0),
    occurred_at    TEXT NOT NULL,
    summary        TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'waiting', 'escalated', 'resolved', 'closed')),
    stage          TEXT NOT NULL DEFAULT 'customer_service',
    diagnosis_json TEXT,
    created_at     TEXT NOT NULL
);

CREATE TABLE evidence_items (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    sha256        TEXT NOT NULL,
    original_name TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    mime          TEXT NOT NULL DEFAULT '',
    taken_at      TEXT,
    added_at      TEXT NOT NULL,
    caption       TEXT NOT NULL DEFAULT '',
    tier          TEXT NOT NULL DEFAULT 'core' CHECK (tier IN ('core', 'reserve'))
);

CREATE TABLE timeline_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    text        TEXT NOT NULL,
    evidence_id INTEGER REFERENCES evidence_items(id) ON DELETE SET NULL
);

CREATE TABLE contacts (
    id       INTEGER PRIMARY KEY,
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at       TEXT NOT NULL,
    channel  TEXT NOT NULL CHECK (channel IN ('phone', 'chat', 'email', 'ticket', 'in_person')),
    agent    TEXT NOT NULL DEFAULT '',
    said     TEXT NOT NULL DEFAULT '',
    promise  TEXT NOT NULL DEFAULT '',
    due_at   TEXT,
    outcome  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE reminders (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,      -- test_withdrawal | quarterly_review | case_deadline | promise_overdue
    ref_id           INTEGER,
    due_on           TEXT NOT NULL,      -- YYYY-MM-DD
    done_at          TEXT,
    last_notified_on TEXT
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
