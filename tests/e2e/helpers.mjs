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

export const SCREENS = ["home", "diagnose", "platforms", "health", "cases", "knowledge", "settings"];
export const ROUTE = { home: "#/", diagnose: "#/diagnose", platforms: "#/platforms", health: "#/health",
  cases: "#/cases", knowledge: "#/knowledge", settings: "#/settings" };

/** A fresh home for one scenario: its own database and WebKit storage. */
export function freshHome() {
  const dir = mkdtempSync(join(tmpdir(), "tixian-e2e-"));
  return { dir, db: join(dir, "tixian.db") };
}

/** Opens the app on `home` (`env` adds variables, e.g. a GTK theme); returns {session, close}. */
export async function openApp(home, env = {}) {
  if (!existsSync(APP)) throw new Error(`app binary missing: ${APP} (build it first)`);
  const driver = await startDriver({
    TIXIAN_DB: home.db,
    XDG_DATA_HOME: join(home.dir, "data"),
    XDG_CACHE_HOME: join(home.dir, "cache"),
    XDG_CONFIG_HOME: join(home.dir, "config"),
    ...env,
  });
  try {
    const session = await Session.create(APP);
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

/** Runs SQL on the app's SQLite file with the sqlite3 command (the real file, not the app). */
export function sql(db, query) {
  return execFileSync("sqlite3", ["-bail", db, query], { encoding: "utf8" }).trim();
}
