-- Schema v5: past diagnoses from the Diagnose wizard, so the user can look back at what was found.
-- The interview and the result are kept as JSON (derived data, shown as it was at the time).
CREATE TABLE diagnoses (
    id              INTEGER PRIMARY KEY,
    created_at      TEXT NOT NULL,          -- RFC 3339 with offset
    created_utc     TEXT NOT NULL,          -- sort key
    symptom         TEXT NOT NULL,
    platform        TEXT NOT NULL,
    message         TEXT NOT NULL DEFAULT '',
    top_cause       TEXT,                   -- cause id, NULL when nothing was recognised
    top_title       TEXT,
    interview_json  TEXT NOT NULL,
    diagnosis_json  TEXT NOT NULL
);
CREATE INDEX diagnoses_created ON diagnoses(created_utc);
