-- Placeholder: schema v4 is reserved for the health branch; the merge replaces this file.
SELECT 1;
