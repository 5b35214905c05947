-- Schema v2: bill imports (transactions kept with every original column). Filled by the ledger/import work.
SELECT 1;
