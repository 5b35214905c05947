"""A plain Python importer of a WeChat Pay CSV bill, the yardstick `bench_import` compares
against (issue #6: the app should be several times faster).

It does the same essential work with the standard library only: read and decode the file,
skip the preamble to the header row, trim every cell, parse the time and the amount (exact, in
fen), keep the original row as JSON, and insert every row into SQLite in one transaction, one
`executemany` over a generator, with a unique dedup index (INSERT OR IGNORE), in WAL mode like
the app. It does not link refunds or
create withdrawals, so it does less than the app.

Usage: python3 import_baseline.py BILL.csv DB  -> prints "rows imported seconds"
"""

import csv
import json
import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal, ROUND_HALF_UP

CST = timezone(timedelta(hours=8))


def fen(text):
    s = text.strip().lstrip("¥￥").replace(",", "")
    return int((Decimal(s) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def main(path, db_path):
    start = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS transactions (
            id INTEGER PRIMARY KEY, line INTEGER NOT NULL, txn_id TEXT, merchant_order_id TEXT,
            occurred_at TEXT NOT NULL, occurred_utc TEXT NOT NULL, direction TEXT NOT NULL,
            amount_fen INTEGER NOT NULL, txn_type TEXT, counterparty TEXT, goods TEXT,
            method TEXT, status TEXT, note TEXT, original_json TEXT NOT NULL,
            dedup_key TEXT NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS transactions_dedup ON transactions(dedup_key);
        CREATE INDEX IF NOT EXISTS transactions_time ON transactions(occurred_utc);
        """
    )
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = None
        for row in reader:
            if "收/支" in row and "交易时间" in row:
                header = [c.strip() for c in row]
                break
        if header is None:
            sys.exit("no header")
        col = {name: i for i, name in enumerate(header)}
        counted = [0]

        def records():
            for row in reader:
                cells = [c.strip() for c in row]
                if not any(cells) or cells[0].startswith("---"):
                    break
                counted[0] += 1
                local = datetime.strptime(cells[col["交易时间"]], "%Y-%m-%d %H:%M:%S")
                at = local.replace(tzinfo=CST)
                utc = at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                amount = fen(cells[col["金额(元)"]])
                direction = {"收入": "income", "支出": "expense"}.get(cells[col["收/支"]], "neutral")
                txn_id = cells[col["交易单号"]]
                key = "\x1f".join([txn_id, utc, str(amount), direction, cells[col["交易类型"]]])
                original = json.dumps(dict(zip(header, cells)), ensure_ascii=False)
                yield (reader.line_num, txn_id, cells[col["商户单号"]], at.isoformat(), utc, direction,
                       amount, cells[col["交易类型"]], cells[col["交易对方"]], cells[col["商品"]],
                       cells[col["支付方式"]], cells[col["当前状态"]], cells[col["备注"]],
                       original, key)

        with db:
            cur = db.executemany(
                "INSERT OR IGNORE INTO transactions(line, txn_id, merchant_order_id, occurred_at,"
                " occurred_utc, direction, amount_fen, txn_type, counterparty, goods, method,"
                " status, note, original_json, dedup_key)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                records(),
            )
            imported = cur.rowcount
        rows = counted[0]
    db.close()
    print(rows, imported, f"{time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
