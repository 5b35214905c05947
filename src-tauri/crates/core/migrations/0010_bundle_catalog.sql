-- Schema v10: the evidence bundle's 证据目录 as the user arranged it, and who signs it.
-- One row per item the user placed or edited: `item` is `timeline`, `contacts` or
-- `evidence:ID` (a row whose evidence is gone is ignored); `position` orders the rows; an empty
-- `name` or `purpose` means "use the suggestion" (derived on every export, never stored).
-- Items without a row follow in the suggested order.
CREATE TABLE bundle_catalog (
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    item     TEXT NOT NULL,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL DEFAULT '',
    purpose  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, item)
) WITHOUT ROWID;

-- 申请人/投诉人 as printed in the bundle's signature blocks; empty leaves a line to write on.
ALTER TABLE cases ADD COLUMN applicant TEXT NOT NULL DEFAULT '';
