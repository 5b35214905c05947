// Shared set-up for the e2e tests: a fresh data directory per app session, the app binary, the
// pinned clock, and the few app-specific helpers WebdriverIO has no command for.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openBrowser, screenshot, startDriver, stopDriver } from "./webdriver.mjs";

export { screenshot };

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
export const APP = process.env.TIXIAN_APP ?? join(TARGET, "debug", "tixian-app");
export const SHOTS = process.env.TIXIAN_SCREENSHOTS ?? join(TARGET, "e2e-screenshots");
export const CLI = process.env.TIXIAN_CLI ?? join(TARGET, "debug", "tixian");

/** "Now" for every app and CLI process the tests start (`TIXIAN_NOW`), unless a test pins
 * another: Thursday 26 November 2026, 10:00 in Shanghai. Dates the tests expect follow from it. */
export const NOW = "2026-11-26T10:00:00+08:00";

export const SCREENS = ["home", "diagnose", "platforms", "health", "cases", "knowledge", "settings"];
export const ROUTE = { home: "#/", diagnose: "#/diagnose", platforms: "#/platforms", health: "#/health",
  cases: "#/cases", knowledge: "#/knowledge", settings: "#/settings" };

/** A fresh home for one scenario: its own database and WebKit storage. */
export function freshHome() {
  const dir = mkdtempSync(join(tmpdir(), "tixian-e2e-"));
  return { dir, db: join(dir, "tixian.db") };
}

/**
 * Opens the app on `home` with the clock pinned to `now` (`env` adds variables, e.g. a GTK theme);
 * returns {browser, close}, `browser` a WebdriverIO Browser. The database (created first when new)
 * gets the first-run welcome marked as seen, so scenarios start on their screen; `welcome: true`
 * leaves the database alone (the welcome, a damaged file). `args` are files the app is started with.
 */
export async function openApp(home, env = {}, { welcome = false, args = [], app = APP, now = NOW } = {}) {
  if (!existsSync(app)) throw new Error(`app binary missing: ${app} (build it first)`);
  if (!welcome) {
    if (!existsSync(home.db)) {
      execFileSync(CLI, ["--db", home.db, "platform", "list", "--json"], { encoding: "utf8", env: isolated(home, now) });
    }
    sql(home.db, "INSERT OR IGNORE INTO settings(key, value) VALUES ('welcome_done', '2026-01-01T00:00:00+08:00')");
  }
  const driver = await startDriver({ ...isolated(home, now), TIXIAN_DB: home.db, TIXIAN_E2E_PICKED: picked(home), ...env });
  try {
    const browser = await openBrowser(app, args);
    return {
      browser,
      close: async () => {
        try {
          await browser.deleteSession();
        } finally {
          await stopDriver(driver);
        }
      },
    };
  } catch (e) {
    await stopDriver(driver);
    throw e;
  }
}

/**
 * The folders whose files count as answered in a file dialog (the shell takes only paths the
 * user picked, dropped or opened the app with, and its data folder): the scenario's home and the
 * repository's fixtures. WebDriver cannot answer a native dialog, and the drops the tests send
 * are the web view's own event, not the window's. A hook of the debug build only; the release
 * app ignores the variable. `TIXIAN_E2E_PICKED: ""` in `env` turns it off.
 */
export function picked(home) {
  return [home.dir, join(ROOT, "tests", "fixtures")].join(":");
}

/** The environment of a process that must see only `home`: its own HOME and XDG folders, and the
 * clock pinned to `now` (null: the real clock). */
export function isolated(home, now = NOW) {
  const env = {
    ...process.env,
    HOME: home.dir,
    XDG_DATA_HOME: join(home.dir, "data"),
    XDG_CACHE_HOME: join(home.dir, "cache"),
    XDG_CONFIG_HOME: join(home.dir, "config"),
  };
  if (now === null) delete env.TIXIAN_NOW;
  else env.TIXIAN_NOW = now;
  return env;
}

/** Runs SQL on the app's SQLite file with the sqlite3 command (the real file, not the app). */
export function sql(db, query) {
  return execFileSync("sqlite3", ["-bail", db, query], { encoding: "utf8" }).trim();
}

/** Goes to a route of the app (a link the user could follow, set directly). */
export async function go(browser, hash) {
  await browser.execute((h) => {
    window.location.hash = h;
  }, hash);
}

/** The route the app is on. */
export function route(browser) {
  return browser.execute(() => window.location.hash);
}

/** Waits until the text of `css` contains `expected`. */
export async function waitForText(browser, css, expected, timeout = 10000) {
  let last = "";
  await browser.waitUntil(
    async () => {
      const el = await browser.$(css);
      last = (await el.isExisting()) ? await el.getText() : "(no element)";
      return last.includes(expected);
    },
    { timeout, timeoutMsg: `“${expected}” in ${css}; last seen: ${last.slice(0, 300)}` },
  );
}

/** The `value` of the input `css` (read in the page: WebKitWebDriver answers the element
 * property command with nothing for some inputs). */
export async function valueOf(browser, css) {
  await browser.$(css).waitForExist();
  return browser.execute((sel) => document.querySelector(sel).value, css);
}

/** Sets a field the way a picker or a paste would: typing into date and time inputs is
 * locale-dependent, and a long text is faster set than typed. Fires input and change. */
export async function setInput(browser, css, value) {
  await browser.$(css).waitForExist();
  await browser.execute(
    (sel, v) => {
      const el = document.querySelector(sel);
      el.value = v;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    },
    css,
    value,
  );
}

/** Waits until every toast has gone (they close themselves after a few seconds). */
export async function noToasts(browser) {
  await browser.waitUntil(async () => (await browser.$$("[data-sonner-toast]").length) === 0, {
    timeout: 15000,
    timeoutMsg: "toasts to close",
  });
}

/** Emits an event the way the shell does, e.g. `tauri://drag-drop` with `{paths, position}`:
 * WebDriver cannot drag files from outside the window. */
export async function emit(browser, event, payload) {
  await browser.execute(
    (e, p) => window.__TAURI_INTERNALS__.invoke("plugin:event|emit", { event: e, payload: p }),
    event,
    payload,
  );
}
