// A small W3C WebDriver client for driving the real app through tauri-driver (no extra packages:
// Node's fetch and child_process are enough). One driver process per app session.
import { spawn } from "node:child_process";
import { mkdirSync, openSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

// The port is fixed per run (tauri-driver has no "any free port"); TIXIAN_E2E_PORT lets two runs
// on one machine (e.g. two worktrees) keep out of each other's way. WebKitWebDriver takes the next one.
const PORT = Number(process.env.TIXIAN_E2E_PORT ?? 4444);
const DRIVER_URL = `http://127.0.0.1:${PORT}`;
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

async function call(method, path, body, timeoutMs = 30000) {
  const res = await fetch(DRIVER_URL + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    throw new Error(`${method} ${path} → ${res.status} ${v.error ?? ""}: ${v.message ?? JSON.stringify(json)}`);
  }
  return json.value;
}

/** Where tauri-driver, WebKitWebDriver and the app write their output (one file per test process). */
export const DRIVER_LOG = join(tmpdir(), `tixian-tauri-driver-${process.pid}.log`);

/** Starts tauri-driver with `env` (inherited by WebKitWebDriver and the app) and waits for it. */
export async function startDriver(env) {
  if (!process.env.DISPLAY) throw new Error("no DISPLAY: run the e2e tests under xvfb-run");
  // Own process group and a log file instead of our stdout: WebKitWebDriver and the app it
  // starts must not hold the test runner's pipe open, and all of them are stopped together.
  const log = openSync(DRIVER_LOG, "a");
  const driver = spawn(process.env.TAURI_DRIVER ?? "tauri-driver", ["--port", String(PORT), "--native-port", String(PORT + 1)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", log, log],
    detached: true,
  });
  for (let i = 0; i < 100; i++) {
    try {
      const status = await call("GET", "/status", undefined, 1000);
      if (status) return driver;
    } catch {
      await sleep(100);
    }
  }
  driver.kill();
  throw new Error(`tauri-driver did not start on 127.0.0.1:${PORT}`);
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
  await Promise.race([exited, sleep(3000)]);
  group("SIGKILL"); // whatever is left of the group: WebKitWebDriver, the app
}

export class Session {
  /** Starts `application` with the command-line arguments `args` (files it is asked to open). */
  static async create(application, args = []) {
    const value = await call(
      "POST",
      "/session",
      { capabilities: { alwaysMatch: { "tauri:options": { application, args } } } },
      60000,
    );
    const s = new Session(value.sessionId);
    await s.waitFor(async () => (await s.exec("return document.readyState")) === "complete", "page load");
    return s;
  }

  constructor(id) {
    this.id = id;
  }

  async end() {
    await call("DELETE", `/session/${this.id}`).catch(() => {});
  }

  async exec(script, args = []) {
    return call("POST", `/session/${this.id}/execute/sync`, { script, args });
  }

  /** Runs `script` in the page; it ends by calling its last argument with the result. */
  async execAsync(script, args = []) {
    return call("POST", `/session/${this.id}/execute/async`, { script, args });
  }

  /** Finds one element by CSS, waiting for it to appear. */
  async find(css, timeoutMs = 10000) {
    let found;
    await this.waitFor(
      async () => {
        const list = await call("POST", `/session/${this.id}/elements`, { using: "css selector", value: css });
        found = list[0];
        return !!found;
      },
      `element ${css}`,
      timeoutMs,
    );
    return found[ELEMENT];
  }

  async exists(css) {
    const list = await call("POST", `/session/${this.id}/elements`, { using: "css selector", value: css });
    return list.length > 0;
  }

  /** Finds `css`, scrolls it to the middle of its scroller and waits (up to 6 s) until a click
   * on its centre would land on it. WebKitWebDriver scrolls only to the nearest edge and reports
   * "not interactable" while something covers the element: a toast (gone after 4 s) or a dialog
   * overlay still finishing its close. A real user would wait for those too. */
  async reach(css) {
    const el = await this.find(css);
    const hittable = () =>
      call("POST", `/session/${this.id}/execute/sync`, {
        script: `const el = arguments[0];
          el.scrollIntoView({ block: "center", inline: "nearest" });
          const r = el.getBoundingClientRect();
          const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
          return !!hit && (el === hit || el.contains(hit) || (el.labels && [...el.labels].includes(hit)));`,
        args: [{ [ELEMENT]: el }],
      });
    try {
      await this.waitFor(hittable, `${css} uncovered`, 6000);
    } catch {
      /* still covered: let the click itself report it */
    }
    return el;
  }

  async click(css) {
    const el = await this.reach(css);
    await call("POST", `/session/${this.id}/element/${el}/click`, {});
  }

  async type(css, text) {
    const el = await this.reach(css);
    await call("POST", `/session/${this.id}/element/${el}/clear`, {});
    await call("POST", `/session/${this.id}/element/${el}/value`, { text });
  }

  /** Sets a field the way a picker or a paste would: typing into date and time inputs is
   * locale-dependent, and a long text is faster set than typed. Fires input and change. */
  async setValue(css, value) {
    await this.find(css);
    await this.exec(
      `const el = document.querySelector(arguments[0]); el.value = arguments[1];
       el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true }));`,
      [css, value],
    );
  }

  /** Waits until every toast has gone (they close themselves after a few seconds). */
  async noToasts() {
    await this.waitFor(async () => (await this.exec("return document.querySelectorAll('[data-sonner-toast]').length")) === 0,
      "toasts to close", 15000);
  }

  /** Emits an event the way the shell does, e.g. `tauri://drag-drop` with `{paths, position}`:
   * WebDriver cannot drag files from outside the window. */
  async emit(event, payload) {
    await this.exec("return window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event: arguments[0], payload: arguments[1] })", [
      event,
      payload,
    ]);
  }

  async text(css) {
    const el = await this.find(css);
    return call("GET", `/session/${this.id}/element/${el}/text`);
  }

  async go(hash) {
    await this.exec("window.location.hash = arguments[0]", [hash]);
  }

  /** Polls `predicate` until it returns truthy. */
  async waitFor(predicate, what, timeoutMs = 10000) {
    const end = Date.now() + timeoutMs;
    let last;
    while (Date.now() < end) {
      try {
        if (await predicate()) return;
      } catch (e) {
        last = e;
      }
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
  }

  async waitForText(css, expected, timeoutMs = 10000) {
    await this.waitFor(async () => (await this.text(css)).includes(expected), `“${expected}” in ${css}`, timeoutMs);
  }

  /** Saves a PNG screenshot after two animation frames, so it shows the latest render. */
  async screenshot(path) {
    await call("POST", `/session/${this.id}/execute/async`, {
      script: "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
      args: [],
    });
    await sleep(250); // WebKitGTK under Xvfb can hand back the previous frame without this.
    const b64 = await call("GET", `/session/${this.id}/screenshot`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.from(b64, "base64"));
  }
}
