-- Schema v4: platform health. Danger signals the user logs, payout-rule text snapshots, the
-- figures behind the emergency fund, quarterly reviews, notification bookkeeping, and the
-- indexes that keep `health` fast on large ledgers. Money is integer fen; times are RFC 3339
-- text with their offset plus a UTC key for ordering.

CREATE TABLE danger_signals (
    id          INTEGER PRIMARY KEY,
    platform_id INTEGER NOT NULL REFERENCES platforms(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN
                ('raised_threshold', 'more_maintenance', 'slower_support', 'longer_arrivals', 'other')),
    note        TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    at_utc      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX danger_signals_platform_at ON danger_signals(platform_id, at_utc);

-- Each saved version of a platform's payout rules (fees, thresholds, arrival times), verbatim.
CREATE TABLE rule_snapshots (
    id          INTEGER PRIMARY KEY,
    platform_id INTEGER NOT NULL REFERENCES platforms(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    saved_at    TEXT NOT NULL,
    saved_utc   TEXT NOT NULL
);
CREATE INDEX rule_snapshots_platform_saved ON rule_snapshots(platform_id, saved_utc, id);

-- One row: what the emergency fund is measured against. NULL = not set yet.
CREATE TABLE health_settings (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    monthly_spending_fen INTEGER CHECK (monthly_spending_fen >= 0),
    outside_money_fen    INTEGER CHECK (outside_money_fen >= 0),
    updated_at           TEXT
);
INSERT INTO health_settings(id) VALUES (1);

CREATE TABLE quarterly_reviews (
    id             INTEGER PRIMARY KEY,
    done_at        TEXT NOT NULL,
    done_utc       TEXT NOT NULL,
    checklist_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX quarterly_reviews_done ON quarterly_reviews(done_utc);

-- A due item (e.g. `test_withdrawal:3`, `quarterly_review`) is notified at most once a day.
CREATE TABLE notifications_sent (
    item_key         TEXT PRIMARY KEY,
    last_notified_on TEXT NOT NULL          -- YYYY-MM-DD, Asia/Shanghai
);

-- Health reads withdrawals by platform and status, test withdrawals by time, and arrival delays
-- (seconds from request to arrival) in sorted order so a median is an index offset, not a sort.
-- Both big indexes carry the delay so the queries never touch the table rows.
CREATE INDEX withdrawals_platform_status ON withdrawals(
    platform_id, status, requested_utc, id, (unixepoch(arrived_at) - unixepoch(requested_at)));
CREATE INDEX withdrawals_arrival_delay ON withdrawals(
    platform_id, status, (unixepoch(arrived_at) - unixepoch(requested_at)), id, requested_utc);
CREATE INDEX withdrawals_platform_tests ON withdrawals(platform_id, requested_utc)
    WHERE is_test = 1 AND status IN ('requested', 'arrived');
