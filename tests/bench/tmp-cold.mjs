import { cpSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { isolated, sql, TARGET } from "../e2e/helpers.mjs";
import { Session, startDriver, stopDriver } from "../e2e/webdriver.mjs";
const APP = join(TARGET, "release", "tixian-app");
const DB = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), "tixian-cold-"));
mkdirSync(join(dir, "data"), { recursive: true });
const db = join(dir, "data", "tixian.db");
if (DB !== "empty") cpSync(DB, db);
const home = { dir, db };
function sinceStart() {
  const pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  for (const pid of pids) { try { const st = readFileSync(`/proc/${pid}/stat`, "utf8"); if (st.includes("(tixian-app)")) {
    const ticks = Number(st.slice(st.lastIndexOf(")") + 2).split(" ")[19]); const hz = 100;
    return (Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) - ticks / hz) * 1000; } } catch {} }
}
for (let i = 0; i < Number(process.argv[3] ?? 3); i++) {
  const driver = await startDriver({ ...isolated(home), TIXIAN_DB: db, TIXIAN_NOW: "2026-07-01T09:00:00+08:00" });
  const s = await Session.create(APP);
  if (i === 0 && DB !== "empty") sql(db, "INSERT OR IGNORE INTO settings(key, value) VALUES ('welcome_done', '2026-01-01T00:00:00+08:00')");
  await s.waitFor(async () => await s.exec(`return !!document.querySelector('[data-testid=home-total]') || !!document.querySelector('[data-testid=welcome]')`), "home", 60000);
  const wall = sinceStart();
  const page = await s.exec("return performance.now()");
  const nav = await s.exec("return performance.timeOrigin");
  console.log(`run ${i}: wall ${wall.toFixed(0)} ms, page ${page.toFixed(0)} ms`);
  await s.end(); await stopDriver(driver);
}
