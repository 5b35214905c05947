-- Schema v6: speed on large ledgers (issues #6 and #7); no data changes.

-- The refunds an import still has to link to their purchase, found through a small partial index
-- instead of a scan of every stored transaction (each import links the unlinked refunds of its
-- platform, so without it every import read the whole table).
CREATE INDEX transactions_unlinked_refunds ON transactions(platform_id)
    WHERE is_refund = 1 AND refund_of IS NULL;

-- How many arrived withdrawals each platform has per hour of arrival delay (delay seconds / 3600,
-- SQLite integer division). SQLite cannot count or rank index entries without stepping through
-- them, so `health` finds the rank of a median here (at most a few hundred rows per platform)
-- and then reads only a few entries of `withdrawals_arrival_delay`, instead of stepping through
-- every arrival. Kept exact by the triggers below; `health` checks it against the index and falls
-- back to counting if they ever disagree. "Arrived" means what arrivals.rs counts: status
-- `arrived` with a delay (both times readable).
CREATE TABLE arrival_buckets (
    platform_id INTEGER NOT NULL,
    bucket      INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (platform_id, bucket)
);
INSERT INTO arrival_buckets(platform_id, bucket, n)
    SELECT platform_id, (unixepoch(arrived_at) - unixepoch(requested_at)) / 3600, COUNT(*)
    FROM withdrawals
    WHERE status = 'arrived' AND (unixepoch(arrived_at) - unixepoch(requested_at)) IS NOT NULL
    GROUP BY 1, 2;

CREATE TRIGGER withdrawals_arrival_buckets_insert AFTER INSERT ON withdrawals
    WHEN NEW.status = 'arrived' AND (unixepoch(NEW.arrived_at) - unixepoch(NEW.requested_at)) IS NOT NULL
BEGIN
    INSERT INTO arrival_buckets(platform_id, bucket, n)
        VALUES (NEW.platform_id, (unixepoch(NEW.arrived_at) - unixepoch(NEW.requested_at)) / 3600, 1)
        ON CONFLICT(platform_id, bucket) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER withdrawals_arrival_buckets_delete AFTER DELETE ON withdrawals
    WHEN OLD.status = 'arrived' AND (unixepoch(OLD.arrived_at) - unixepoch(OLD.requested_at)) IS NOT NULL
BEGIN
    UPDATE arrival_buckets SET n = n - 1
        WHERE platform_id = OLD.platform_id
          AND bucket = (unixepoch(OLD.arrived_at) - unixepoch(OLD.requested_at)) / 3600;
END;

CREATE TRIGGER withdrawals_arrival_buckets_update
    AFTER UPDATE OF platform_id, status, requested_at, arrived_at ON withdrawals
BEGIN
    UPDATE arrival_buckets SET n = n - 1
        WHERE OLD.status = 'arrived'
          AND (unixepoch(OLD.arrived_at) - unixepoch(OLD.requested_at)) IS NOT NULL
          AND platform_id = OLD.platform_id
          AND bucket = (unixepoch(OLD.arrived_at) - unixepoch(OLD.requested_at)) / 3600;
    INSERT INTO arrival_buckets(platform_id, bucket, n)
        SELECT NEW.platform_id, (unixepoch(NEW.arrived_at) - unixepoch(NEW.requested_at)) / 3600, 1
        WHERE NEW.status = 'arrived'
          AND (unixepoch(NEW.arrived_at) - unixepoch(NEW.requested_at)) IS NOT NULL
        ON CONFLICT(platform_id, bucket) DO UPDATE SET n = n + 1;
END;
