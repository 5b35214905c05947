// The real app driven through tauri-driver with WebdriverIO (`webdriverio` 9, standalone `remote`,
// WebDriver classic as Tauri's guide uses it: WebKitWebDriver speaks no BiDi). node:test stays
// the runner. One tauri-driver process per app session.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { mkdirSync, openSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { remote } from "webdriverio";

// The port is fixed per run (tauri-driver has no "any free port"); TIXIAN_E2E_PORT lets two runs
// on one machine (e.g. two worktrees) keep out of each other's way. WebKitWebDriver takes the next one.
export const PORT = Number(process.env.TIXIAN_E2E_PORT ?? 4444);

/** Where tauri-driver, WebKitWebDriver and the app write their output (one file per test process). */
export const DRIVER_LOG = join(tmpdir(), `tixian-tauri-driver-${process.pid}.log`);

async function driverUp() {
  try {
    const res = await fetch(`http://127.0.0.1:${PORT}/status`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Whether something listens on 127.0.0.1:`port`. */
function listening(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Waits until neither port is taken: a WebKit process of the last session can hold WebKitWebDriver's
 * listening socket for a moment after the group was killed, and a new WebKitWebDriver then fails
 * with "Unable to listen for HTTP server". */
async function portsFree() {
  const end = Date.now() + 15000;
  while (Date.now() < end) {
    if (!(await listening(PORT)) && !(await listening(PORT + 1))) return;
    await sleep(100); // polling interval: the condition is a refused connection
  }
  throw new Error(`127.0.0.1:${PORT} or :${PORT + 1} still taken (another run on TIXIAN_E2E_PORT?)`);
}

/** Starts tauri-driver with `env` (inherited by WebKitWebDriver and the app) and waits for it. */
export async function startDriver(env) {
  if (!process.env.DISPLAY) throw new Error("no DISPLAY: run the e2e tests under xvfb-run");
  await portsFree();
  // Own process group and a log file instead of our stdout: WebKitWebDriver and the app it
  // starts must not hold the test runner's pipe open, and all of them are stopped together.
  const log = openSync(DRIVER_LOG, "a");
  const driver = spawn(process.env.TAURI_DRIVER ?? "tauri-driver", ["--port", String(PORT), "--native-port", String(PORT + 1)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", log, log],
    detached: true,
  });
  const end = Date.now() + 10000;
  while (Date.now() < end) {
    if (await driverUp()) return driver;
    if (driver.exitCode !== null) break;
    await sleep(100); // polling interval: the condition is the /status answer
  }
  await stopDriver(driver);
  throw new Error(`tauri-driver did not start on 127.0.0.1:${PORT} (see ${DRIVER_LOG})`);
}

export async function stopDriver(driver) {
  if (!driver) return;
  const group = (signal) => {
    try {
      process.kill(-driver.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const exited = driver.exitCode !== null ? Promise.resolve() : new Promise((r) => driver.once("exit", r));
  group("SIGTERM");
  await Promise.race([exited, sleep(3000)]); // a bound on the wait, not a pause
  group("SIGKILL"); // whatever is left of the group: WebKitWebDriver, the app
}

/**
 * A WebdriverIO browser on `application` started with the command-line arguments `args` (files it
 * is asked to open), once its page has loaded. Element clicks are WebDriver element clicks,
 * made once the element is clickable (see below).
 */
export async function openBrowser(application, args = []) {
  const browser = await remote({
    hostname: "127.0.0.1",
    port: PORT,
    capabilities: { "tauri:options": { application, args }, "wdio:enforceWebDriverClassic": true },
    logLevel: "warn",
    waitforTimeout: 10000, // how long `$(…).click()` and the like wait for their element to exist
    waitforInterval: 100,
    connectionRetryTimeout: 60000,
    connectionRetryCount: 0, // a failed session start is reported, not tried again
  });
  // WebKitWebDriver scrolls an element only to the nearest edge and answers "not interactable"
  // while something covers it (a toast, a dialog overlay still finishing its close); and a click
  // made while a re-render moves the element lands beside it. So every click first waits until the
  // element, brought to the middle of its scroller, holds still over two frames and a click on
  // its centre would land on it, as a user waits for those too. The click itself is the WebDriver
  // element click command, made once (WDIO's own `click` would scroll and click again after an
  // "intercepted" answer).
  browser.overwriteCommand(
    "click",
    async function () {
      await this.waitForExist();
      await browser.waitUntil(() => browser.executeAsync(steadyUnderPointer, this), {
        timeout: 10000,
        timeoutMsg: `${this.selector} to hold still, uncovered, for a click`,
      });
      return this.elementClick(this.elementId);
    },
    true,
  );
  await browser.waitUntil(async () => (await browser.execute(() => document.readyState)) === "complete", {
    timeout: 30000,
    timeoutMsg: "page load",
  });
  return browser;
}

/** In the page: scrolls `el` to the middle, then answers whether over the next two frames it
 * stayed where it was and the point a click aims at (its centre) is on it or on its label. */
function steadyUnderPointer(el, done) {
  el.scrollIntoView({ block: "center", inline: "nearest" });
  const at = () => {
    const r = el.getBoundingClientRect();
    return [r.x, r.y, r.width, r.height].join();
  };
  const first = at();
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      const onIt = !!hit && (el === hit || el.contains(hit) || (el.labels && [...el.labels].includes(hit)));
      done(r.width > 0 && r.height > 0 && at() === first && onIt);
    }),
  );
}

/** Saves a PNG screenshot of the latest render: WebKitGTK under Xvfb can hand back the frame
 * before the last one, so shots are taken after two animation frames until two in a row agree. */
export async function screenshot(browser, path) {
  let last = null;
  let shot = null;
  for (let i = 0; i < 8; i++) {
    await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))));
    shot = await browser.takeScreenshot();
    if (shot === last) break;
    last = shot;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.from(shot, "base64"));
}
