-- Schema v12: a promise saved from the promise finder keeps the time limit it was read from
-- ("3个工作日内"), so its due time is counted again from the contact's time on every read — a
-- holiday schedule added later moves it, as it moves a follow-up's due day. `due_at`/`due_utc`
-- stay what the due time was first counted as (and what a typed due time is).
--
-- follow_ups.due_on goes: a follow-up's due day has been counted from filed_at on every read
-- since the calendar could change; the column was written once and never read. Its index goes
-- first (SQLite cannot drop an indexed column); open follow-ups are found by case.

ALTER TABLE contacts ADD COLUMN due_limit TEXT;    -- NULL when the due time was typed

DROP INDEX follow_ups_due;
ALTER TABLE follow_ups DROP COLUMN due_on;
CREATE INDEX follow_ups_case ON follow_ups(case_id) WHERE done_at IS NULL;
