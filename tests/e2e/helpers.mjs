// Shared set-up for the e2e tests: a fresh data directory per app session and the app binary.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Session, startDriver, stopDriver } from "./webdriver.mjs";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
export const APP = process.env.TIXIAN_APP ?? join(TARGET, "debug", "tixian-app");
export const SHOTS = process.env.TIXIAN_SCREENSHOTS ?? join(TARGET, "e2e-screenshots");
export const CLI = process.env.TIXIAN_CLI ?? join(TARGET, "debug", "tixian");

export const SCREENS = ["home", "diagnose", "platforms", "health", "cases", "knowledge", "settings"];
export const ROUTE = { home: "#/", diagnose: "#/diagnose", platforms: "#/platforms", health: "#/health",
  cases: "#/cases", knowledge: "#/knowledge", settings: "#/settings" };

/** A fresh home for one scenario: its own database and WebKit storage. */
export function freshHome() {
  const dir = mkdtempSync(join(tmpdir(), "tixian-e2e-"));
  return { dir, db: join(dir, "tixian.db") };
}

/**
 * Opens the app on `home` (`env` adds variables, e.g. a GTK theme); returns {session, close}.
 * The database (created first when new) gets the first-run welcome marked as seen, so scenarios
 * start on their screen; `welcome: true` leaves the database alone (the welcome, a damaged file). `args` are files the app is started with.
 */
export async function openApp(home, env = {}, { welcome = false, args = [], app = APP } = {}) {
  if (!existsSync(app)) throw new Error(`app binary missing: ${app} (build it first)`);
  if (!welcome) {
    if (!existsSync(home.db)) {
      execFileSync(CLI, ["--db", home.db, "platform", "list", "--json"], { encoding: "utf8", env: isolated(home) });
    }
    sql(home.db, "INSERT OR IGNORE INTO settings(key, value) VALUES ('welcome_done', '2026-01-01T00:00:00+08:00')");
  }
  const driver = await startDriver({ ...isolated(home), TIXIAN_DB: home.db, TIXIAN_E2E_PICKED: picked(home), ...env });
  try {
    const session = await Session.create(app, args);
    return {
      session,
      close: async () => {
        await session.end();
        await stopDriver(driver);
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

/** The environment of a process that must see only `home`: its own HOME and XDG folders. */
export function isolated(home) {
  return {
    ...process.env,
    HOME: home.dir,
    XDG_DATA_HOME: join(home.dir, "data"),
    XDG_CACHE_HOME: join(home.dir, "cache"),
    XDG_CONFIG_HOME: join(home.dir, "config"),
  };
}

/** Runs SQL on the app's SQLite file with the sqlite3 command (the real file, not the app). */
export function sql(db, query) {
  return execFileSync("sqlite3", ["-bail", db, query], { encoding: "utf8" }).trim();
}
