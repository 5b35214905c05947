-- Schema v9: the text in an evidence image, read once in the background (OCR) and correctable by
-- the user. A row exists once the image has been read: `text` is empty when nothing was found
-- (or the file could not be read), so it is not read again. The user's correction (`user`)
-- is never replaced by a later reading. Searchable in the case; printed under the image in the
-- bundle. The original file is untouched, as always.
CREATE TABLE evidence_text (
    evidence_id INTEGER PRIMARY KEY REFERENCES evidence_items(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source = 'ocr' OR source = 'user'),
    updated_at  TEXT NOT NULL           -- RFC 3339 with offset
);
