// The app at years of heavy use (issue 21): the release app on the scale dataset of `gen_scale`
// (1,000,000 bill rows over 200 platforms and 5 years, 50,000 withdrawals, 500 cases with their
// logs, 5,000 evidence files), driven over WebDriver under Xvfb. Prints figures; asserts none
// (a benchmark, not a test). Run by `bash dev.sh bench-scale`, which builds what it needs.
//
// Each figure is the median of RUNS. Times are measured inside the page (performance.now(), from
// setting the route to the frame in which the screen's content is there), so WebDriver's own
// round trips are not counted; the cold start from the app process's start (/proc) to the frame
// after Home's data arrived (the UI's performance marks), split at the page's navigation.
// Memory is the PSS of the app's own processes (under this run's driver) at several stages.
// The machine's load average is printed beside the figures (others build on it).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolated, sql, TARGET } from "../e2e/helpers.mjs";
import { openBrowser, startDriver, stopDriver } from "../e2e/webdriver.mjs";

const RUNS = Number(process.env.TIXIAN_BENCH_RUNS ?? 5);
// TIXIAN_BENCH_APP: another build, e.g. the debug one to check this script on a small database.
const APP = process.env.TIXIAN_BENCH_APP ?? join(TARGET, "release", "tixian-app");
const CLI = process.env.TIXIAN_BENCH_CLI ?? join(TARGET, "release", "tixian");
const DATASET = process.env.TIXIAN_SCALE_DB ?? join(TARGET, "scale", "scale.db");
const NOW = "2026-07-01T09:00:00+08:00"; // gen_scale's "now"

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(0)} ms`;
const rows = [];
const failed = [];
function report(what, target, values, note = "") {
  const m = median(values);
  rows.push({ what, target, median: m, all: values, note });
  console.log(`${what.padEnd(46)} median ${ms(m).padStart(8)}  (target ${target}; runs: ${values.map((v) => v.toFixed(0)).join(", ")}) ${note}`);
}

/** A fresh copy of the dataset (the app writes: settings, today's backup). */
function freshCopy() {
  const dir = mkdtempSync(join(tmpdir(), "tixian-scale-"));
  mkdirSync(join(dir, "data"), { recursive: true });
  const db = join(dir, "data", "tixian.db");
  cpSync(DATASET, db);
  const vault = join(DATASET, "..", "vault");
  if (existsSync(vault)) cpSync(vault, join(dir, "data", "vault"), { recursive: true });
  sql(db, "INSERT OR IGNORE INTO settings(key, value) VALUES ('welcome_done', '2026-01-01T00:00:00+08:00')");
  return { dir, db };
}

/** Apps still open: closed when the run ends early, so no driver is left on the port. */
const live = new Set();

async function open(home) {
  const driver = await startDriver({ ...isolated(home), TIXIAN_DB: home.db, TIXIAN_NOW: NOW });
  const t0 = performance.now();
  let browser;
  try {
    browser = await openBrowser(APP);
  } catch (e) {
    await stopDriver(driver);
    throw e;
  }
  const app = {
    browser,
    driver,
    t0,
    close: async () => {
      live.delete(app);
      try {
        await browser.deleteSession();
      } finally {
        await stopDriver(driver);
      }
    },
  };
  live.add(app);
  return app;
}

/** Milliseconds from running `action` (JS) to the frame where `ready` is true. */
async function timeAction(browser, action, ready) {
  const t = await browser.executeAsync(`const done = arguments[arguments.length - 1];
     const ready = () => { try { return !!(${ready}); } catch { return false; } };
     const t0 = performance.now();
     ${action};
     const tick = () => ready() ? done(performance.now() - t0)
       : performance.now() - t0 > 25000 ? done(-1) : requestAnimationFrame(tick);
     requestAnimationFrame(tick);`);
  if (t < 0) throw new Error(`${action}: not done within 25 s`);
  return t;
}

/** Milliseconds from setting `hash` to the frame where `ready` (a JS expression) is true. */
const timeRoute = (browser, hash, ready) => timeAction(browser, `window.location.hash = ${JSON.stringify(hash)}`, ready);

const q = (css) => `document.querySelector(${JSON.stringify(css)})`;
const qa = (css) => `document.querySelectorAll(${JSON.stringify(css)})`;
const TABLE = "[data-testid=txn-table]";
const listIdle = `${q(TABLE)} && ${q(TABLE)}.getAttribute('aria-busy') === 'false'`;

/** The processes of the app started by `driver` (the binary and the WebKit web and network
 * processes it started): only that driver's descendants, so another app on the machine (a
 * second worktree's tests) is never counted. */
function appProcesses(driver) {
  const parent = new Map();
  const names = new Map();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      parent.set(pid, stat.slice(close + 2).split(" ")[1]);
      names.set(pid, stat.slice(stat.indexOf("(") + 1, close));
    } catch {
      /* gone */
    }
  }
  const tree = new Set([String(driver.pid)]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, pp] of parent) if (tree.has(pp) && !tree.has(pid)) (tree.add(pid), (grew = true));
  }
  const app = [...tree].filter((p) => names.get(p) === "tixian-app");
  const under = (pid) => {
    for (let p = pid; p && p !== "1"; p = parent.get(p)) if (app.includes(p)) return true;
    return false;
  };
  return [...tree].filter(under).map((pid) => ({ pid, name: names.get(pid) }));
}

const HZ = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
const BOOT_MS = Number(/^btime (\d+)/m.exec(readFileSync("/proc/stat", "utf8"))[1]) * 1000;

/** When the app's process started, in Unix milliseconds (/proc: its start in clock ticks after
 * boot; 10 ms steps). */
function processStart(driver) {
  const app = appProcesses(driver).find((p) => p.name === "tixian-app");
  if (!app) throw new Error("the app's process is not running");
  const stat = readFileSync(`/proc/${app.pid}/stat`, "utf8");
  const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  return BOOT_MS + (ticks / HZ) * 1000;
}

/** Proportional set size (shared pages split between their users), MB, per process and summed;
 * `anon` is the part no other process can share (heap, JS, images), which other programs
 * running on the machine do not change. */
function memory(driver) {
  const procs = appProcesses(driver).map((p) => {
    const rollup = readFileSync(`/proc/${p.pid}/smaps_rollup`, "utf8");
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(rollup)?.[1] ?? 0);
    return { ...p, pss: kb("Pss") / 1024, anon: kb("Pss_Anon") / 1024, rss: kb("Rss") / 1024 };
  });
  return { procs, pss: procs.reduce((a, p) => a + p.pss, 0), anon: procs.reduce((a, p) => a + p.anon, 0) };
}

const memoryRows = [];
function reportMemory(stage, driver) {
  const m = memory(driver);
  memoryRows.push({ stage, ...m });
  const each = m.procs.map((p) => `${p.name} ${p.pss.toFixed(0)}`).join(", ");
  console.log(`memory after ${stage.padEnd(34)} PSS ${m.pss.toFixed(0).padStart(4)} MB (anon ${m.anon.toFixed(0)} MB; ${each})`);
}

/** The machine's load average (1 minute), printed beside every figure: others build here. */
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ")[0];

async function main() {
  if (!existsSync(APP)) throw new Error(`${APP} missing: bash dev.sh bench-scale builds it`);
  if (!existsSync(DATASET)) throw new Error(`${DATASET} missing: bash dev.sh bench-scale writes it with gen_scale`);
  const counts = sql(DATASET, "SELECT (SELECT count(*) FROM transactions), (SELECT count(*) FROM withdrawals), (SELECT count(*) FROM platforms), (SELECT count(*) FROM cases), (SELECT count(*) FROM evidence_items)");
  console.log(`dataset ${DATASET}: transactions|withdrawals|platforms|cases|evidence = ${counts}`);
  const home = freshCopy();
  try {
    // First start of the day: the app writes today's automatic backup in the background.
    // Wait for it, so the measured starts are the usual ones (one backup a day).
    {
      const app = await open(home);
      const browser = app.browser;
      const start = Date.now();
      await browser.waitUntil(async () => existsSync(join(home.dir, "data", "backups")) &&
        readdirSync(join(home.dir, "data", "backups")).some((f) => f.endsWith(".zip") || f.endsWith(".db")), { timeout: 600000, timeoutMsg: "today's backup" });
      console.log(`first start of the day: today's automatic backup took ${((Date.now() - start) / 1000).toFixed(1)} s (in the background)`);
      await app.close();
    }
    // Cold starts of two kinds: after the app was killed (the driver ends it so; the start
    // then checks the whole file) and after a clean close (a CLI command opens and closes
    // the database, recording it; the check is skipped). Each start is split at the page's
    // navigation (the page's own clock begins), the bundle evaluated, app_info answered, and
    // the frame after Home's data arrived (the UI's marks, so no polling delay is counted).
    for (const kind of ["after a kill", "after a clean close"]) {
      const parts = { native: [], script: [], info: [], first: [], wall: [] };
      const loads = [];
      for (let i = 0; i < RUNS; i++) {
        if (kind === "after a clean close") execFileSync(CLI, ["--db", home.db, "platform", "list", "--json"], { env: isolated(home), stdio: "ignore" });
        const app = await open(home);
        const browser = app.browser;
        await browser.waitUntil(async () => await browser.execute(`return performance.getEntriesByName("tixian:first-screen").length > 0`), { timeout: 60000, timeoutMsg: "Home's first frame" });
        const started = processStart(app.driver);
        const t = await browser.execute(`const m = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
          return { origin: performance.timeOrigin, script: m("tixian:script"), info: m("tixian:app-info"), first: m("tixian:first-screen") }`);
        parts.native.push(t.origin - started);
        parts.script.push(t.script);
        parts.info.push(t.info);
        parts.first.push(t.first);
        parts.wall.push(t.origin + t.first - started);
        loads.push(load());
        await app.close();
      }
      const note = `(load ${loads.join(", ")})`;
      report(`cold start ${kind}: process start → Home drawn`, "< 1000 ms", parts.wall, note);
      report(`  of which process start → page navigation`, "—", parts.native, "(GTK, WebKit's processes, the shell's setup)");
      report(`  navigation → bundle evaluated (page clock)`, "—", parts.script);
      report(`  navigation → app_info answered (page clock)`, "—", parts.info, "(waits for the database to open)");
      report(`  navigation → Home drawn (page clock)`, "—", parts.first);
    }

    const app = await open(home);
    const browser = app.browser;
    await browser.waitUntil(async () => await browser.execute(`return !!${q("[data-testid=home-total]")}`), { timeout: 60000, timeoutMsg: "Home's total" });
    reportMemory("Home (the start)", app.driver);
    const platformId = sql(home.db, "SELECT id FROM platforms ORDER BY id LIMIT 1");
    const caseId = sql(home.db, "SELECT case_id FROM evidence_items GROUP BY case_id ORDER BY count(*) DESC, case_id LIMIT 1");
    const screens = [
      ["Home", "#/", `${q("[data-testid=home-total]")}`],
      ["Diagnose", "#/diagnose", `${q("[data-testid=dx-stage]")} && ${q("[data-testid^=dx-symptom-]")}`],
      ["Platforms (table + first rows)", "#/platforms", `${q("[data-testid=platforms-table]")} && ${q(TABLE)} && ${q("[data-testid=txn-row]")} && ${q(TABLE)}.getAttribute('aria-busy') === 'false'`],
      ["Platform page", `#/platforms/${platformId}`, `${q("[data-testid=platform-title]")} && ${q("[data-testid=withdrawals-table]")} && ${q(TABLE)} && ${listIdle}`],
      ["Health (and its charts drawn)", "#/health", `${q("[data-testid=health-overview]")} && ${qa(".chart-box")}.length > 0 && [...${qa(".chart-box")}].every((c) => Number(c.dataset.drawn) > 0)`],
      ["Cases (500)", "#/cases", `${qa("[data-testid=case-row]")}.length > 0`],
      ["Case page", `#/cases/${caseId}`, `${q("[data-testid=case-head]")}`],
      ["Knowledge", "#/knowledge", `${q("[data-testid=tab-rules]")}`],
      ["Settings", "#/settings", `${q("[data-testid=db-path]")} && !${q("[data-testid=db-path]")}.textContent.includes('…')`],
    ];
    for (const [name, hash, ready] of screens) {
      const times = [];
      try {
        for (let i = 0; i < RUNS; i++) {
          await timeRoute(browser, "#/settings", `${q("[data-testid=db-path]")}`);
          times.push(await timeRoute(browser, hash, ready));
        }
        report(`screen: ${name}`, "< 200 ms", times, `(load ${load()})`);
        if (name.startsWith("Health")) reportMemory(`Health (${RUNS} times)`, app.driver);
      } catch (e) {
        console.log(`screen: ${name}: FAILED: ${e.message}`);
        failed.push(name);
      }
    }

    // The imported rows: the next page as the list nears its end, many pages deep.
    await timeRoute(browser, "#/settings", `${q("[data-testid=db-path]")}`);
    await timeRoute(browser, "#/platforms", `${q(TABLE)} && ${listIdle}`);
    const pageTimes = [];
    for (let i = 0; i < 10 * RUNS; i++) {
      pageTimes.push(await timeAction(
        browser,
        `window.__last = ${q(TABLE)}.dataset.lastId; const v = ${q(TABLE)}; v.scrollTop = v.scrollHeight; v.dispatchEvent(new Event('scroll'))`,
        `${q(TABLE)}.dataset.lastId !== window.__last && ${listIdle}`,
      ));
    }
    report(`rows list: next 200 rows while scrolling (${10 * RUNS} pages)`, "< 200 ms", pageTimes);
    const loaded = await browser.execute(`return ${q(TABLE)}.dataset.loaded`);
    const drawn = await browser.execute(`return ${qa("[data-testid=txn-row]")}.length`);
    console.log(`  after ${10 * RUNS} pages: ${loaded} rows held, ${drawn} drawn`);
    reportMemory(`the rows list, ${10 * RUNS} pages down`, app.driver);

    // Search over all 1,000,000 rows (the all-platforms list).
    await browser.execute(`window.__all = ${q("[data-testid=txn-count]")}.textContent.replace(/[^0-9,]/g, '')`);
    const searches = ["瑞幸咖啡12", "美团", "外", "话费充值3", "4200000000000000000123456", "没有这个"];
    for (const text of searches) {
      const times = [];
      for (let i = 0; i < RUNS; i++) {
        await timeAction(browser, `const el = ${q("[data-testid=txn-text]")}; el.value = ''; el.dispatchEvent(new Event('input', { bubbles: true }))`,
          `${listIdle} && ${q("[data-testid=txn-count]")}?.textContent.includes(window.__all)`);
        times.push(await timeAction(
          browser,
          `window.__count = ${q("[data-testid=txn-count]")}?.textContent; const el = ${q("[data-testid=txn-text]")}; el.value = ${JSON.stringify(text)}; el.dispatchEvent(new Event('input', { bubbles: true }))`,
          `(${q("[data-testid=txn-empty]")} || (${q("[data-testid=txn-count]")} && ${q("[data-testid=txn-count]")}.textContent !== window.__count)) && !(${q(TABLE)} && ${q(TABLE)}.getAttribute('aria-busy') === 'true')`,
        ));
      }
      const found = await browser.execute(`return ${q("[data-testid=txn-count]")}?.textContent ?? 'none'`);
      report(`search "${text}" over 1M rows`, "< 200 ms", times, `→ ${found.trim()} (load ${load()})`);
    }
    reportMemory(`${searches.length * RUNS} searches`, app.driver);
    for (const p of memory(app.driver).procs) console.log(`  ${p.name} (${p.pid}): PSS ${p.pss.toFixed(0)} MB, anon ${p.anon.toFixed(0)} MB, RSS ${p.rss.toFixed(0)} MB`);
    const peak = memoryRows.reduce((a, r) => (r.pss > a.pss ? r : a));
    console.log(`memory of the app (PSS, all its processes), the most of the stages above: ${peak.pss.toFixed(0)} MB after ${peak.stage} (target < 500 MB)`);
    await app.close();
  } finally {
    for (const app of [...live]) await app.close();
    try {
      rmSync(home.dir, { recursive: true, force: true });
    } catch (e) {
      console.log(`note: ${home.dir} not fully removed (${e.code}: WebKit's document portal may still hold cache/doc)`);
    }
  }
  if (failed.length) console.log(`\nnot measured: ${failed.join(", ")}`);
  console.log("\n| memory after | PSS, all processes | unshared (anon) |\n|---|---|---|");
  for (const r of memoryRows) console.log(`| ${r.stage} | ${r.pss.toFixed(0)} MB | ${r.anon.toFixed(0)} MB |`);
  console.log("\n| figure | target | median | runs |\n|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.what} | ${r.target} | ${ms(r.median)} | ${r.all.map((v) => v.toFixed(0)).join(", ")} ${r.note} |`);
}

await main();
