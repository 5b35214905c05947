-- Schema v3: case details beyond v1 — the account and platform message a letter needs, sortable
-- UTC keys, promises that can be marked kept, evidence details, and follow-ups after an official
-- complaint. Stage ids are checked in code (SQLite cannot add a CHECK to an existing column):
-- customer_service | supervisor | platform_complaint | regulator | mediation | court.

ALTER TABLE cases ADD COLUMN account TEXT NOT NULL DEFAULT '';      -- e.g. "尾号 1234" for the letter title
ALTER TABLE cases ADD COLUMN message TEXT NOT NULL DEFAULT '';      -- what the platform showed, verbatim
ALTER TABLE cases ADD COLUMN occurred_utc TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';

ALTER TABLE timeline_events ADD COLUMN at_utc TEXT NOT NULL DEFAULT '';
ALTER TABLE timeline_events ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
CREATE INDEX timeline_events_case_at ON timeline_events(case_id, at_utc);

ALTER TABLE contacts ADD COLUMN at_utc TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN due_utc TEXT;                       -- NULL when no promise with a due time
ALTER TABLE contacts ADD COLUMN promise_kept_at TEXT;               -- set when the promise was kept
ALTER TABLE contacts ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
CREATE INDEX contacts_case_at ON contacts(case_id, at_utc);
CREATE INDEX contacts_due ON contacts(due_utc) WHERE due_utc IS NOT NULL AND promise_kept_at IS NULL;

ALTER TABLE evidence_items ADD COLUMN taken_at_source TEXT;         -- exif | user | NULL
ALTER TABLE evidence_items ADD COLUMN width INTEGER;                -- images only
ALTER TABLE evidence_items ADD COLUMN height INTEGER;
CREATE UNIQUE INDEX evidence_items_case_sha ON evidence_items(case_id, sha256);

-- After an official complaint: chase the body once its own deadline (in working days) has passed.
CREATE TABLE follow_ups (
    id                    INTEGER PRIMARY KEY,
    case_id               INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    body                  TEXT NOT NULL,                -- who was complained to, e.g. 12315
    reference             TEXT NOT NULL DEFAULT '',     -- their complaint/ticket number
    filed_at              TEXT NOT NULL,
    deadline_working_days INTEGER NOT NULL CHECK (deadline_working_days >= 0),
    due_on                TEXT NOT NULL,                -- YYYY-MM-DD, from the working-day calendar
    done_at               TEXT,
    created_at            TEXT NOT NULL
);
CREATE INDEX follow_ups_due ON follow_ups(due_on) WHERE done_at IS NULL;
