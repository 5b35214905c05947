-- Schema v3: case details beyond v1 (diagnosis link, promises, follow-ups). Filled by the cases work.
SELECT 1;
