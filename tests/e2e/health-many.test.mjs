// Health with more platforms than fit at once (issue 21): the arrivals chart reads one platform's
// arrivals from core at a time (picking another asks for its own), the first 24 platform cards are
// drawn and the rest wait behind a button, and the readiness card shows its five costliest reasons
// before the rest.
//
// Seeded with the CLI: 30 platforms P01…P30 with a balance each; P02 has two arrivals (2 h, 4 h:
// median 3.0, danger line 3.8), P05 one (9 h: danger line 11.3); the others none.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CLI, SHOTS, freshHome, go, isolated, openApp, screenshot, waitForText } from "./helpers.mjs";

const PLATFORMS = Array.from({ length: 30 }, (_, i) => `P${String(i + 1).padStart(2, "0")}`);

function seed(home) {
  const cli = (args) => execFileSync(CLI, ["--db", home.db, ...args], { env: isolated(home), encoding: "utf8" });
  for (const [i, name] of PLATFORMS.entries()) {
    cli(["platform", "add", name, "--kind", "other"]);
    cli(["balance", name, String(1000 + i), "--at", "2026-11-20 10:00"]);
  }
  cli(["withdraw", "P02", "100", "--at", "2026-11-01 10:00", "--status", "arrived", "--arrived-at", "2026-11-01 12:00"]);
  cli(["withdraw", "P02", "100", "--at", "2026-11-10 10:00", "--status", "arrived", "--arrived-at", "2026-11-10 14:00"]);
  cli(["withdraw", "P05", "100", "--at", "2026-11-12 10:00", "--status", "arrived", "--arrived-at", "2026-11-12 19:00"]);
}

const summary = (browser) =>
  browser.execute(() => document.querySelector("[data-testid=chart-arrivals-canvas]")?.getAttribute("aria-label") ?? "");

describe("health: many platforms", () => {
  const home = freshHome();
  let app;

  before(async () => {
    assert.ok(existsSync(CLI), `the tixian CLI is missing at ${CLI}: build it first (cargo build -p tixian)`);
    seed(home);
    app = await openApp(home);
  });
  after(async () => {
    await app?.close();
  });

  it("draws one platform's arrivals and asks core for another's when picked", async () => {
    const { browser } = app;
    await go(browser, "#/health");
    await browser.$("[data-testid=health-overview]").waitForExist();
    const picker = browser.$("[data-testid=arrival-platform]");
    const options = await browser.execute(() =>
      [...document.querySelectorAll("[data-testid=arrival-platform] option")].map((o) => o.textContent),
    );
    assert.deepEqual(options, ["P02", "P05"], "only the platforms with arrivals can be picked");
    assert.equal(await summary(browser), "P02 的到账时间图：2 笔，警戒线 3.8 小时，超过警戒线 1 笔");
    await picker.selectByVisibleText("P05");
    await browser.waitUntil(async () => (await summary(browser)).startsWith("P05"), {
      timeoutMsg: "the chart to draw P05's arrivals",
    });
    assert.equal(await summary(browser), "P05 的到账时间图：1 笔，警戒线 11.3 小时，超过警戒线 0 笔");
    assert.equal(await browser.execute(() => document.querySelector("[data-testid=arrival-platform]").value), await browser.execute(() => [...document.querySelectorAll("[data-testid=arrival-platform] option")].find((o) => o.textContent === "P05").value));
  });

  it("draws 24 platform cards and the other 6 on request", async () => {
    const { browser } = app;
    assert.equal(await browser.$$("[data-testid=platform-health]").length, 24);
    await waitForText(browser, "[data-testid=health-all-cards]", "显示其余 6 个平台");
    await screenshot(browser, join(SHOTS, "zh", "health-many.png"));
    await browser.$("[data-testid=health-all-cards]").click();
    await browser.waitUntil(async () => (await browser.$$("[data-testid=platform-health]").length) === 30, {
      timeoutMsg: "all 30 cards",
    });
    assert.equal(await browser.$("[data-testid=health-all-cards]").isExisting(), false);
    const last = await browser.$("[data-platform=P30]").getText();
    assert.match(last, /P30/);
  });

  it("lists the five costliest readiness reasons, then the other 27 on request", async () => {
    const { browser } = app;
    // 30 platforms never tested (−1.0 each), no emergency fund set (−20.0), the quarterly review due (−10.0).
    const lines = () =>
      browser.execute(() => [...document.querySelectorAll("[data-testid=readiness-reasons] li")].map((li) => li.textContent.replace(/\s+/g, " ").trim()));
    const shown = await lines();
    assert.equal(shown.length, 5);
    assert.match(shown[0], /^−20\.0 未设置每月开销/);
    assert.match(shown[1], /^−10\.0 季度检查到期/);
    assert.deepEqual(shown.slice(2).map((l) => l.slice(0, 10)), ["−1.0 P01 从", "−1.0 P02 从", "−1.0 P03 从"]);
    await waitForText(browser, "[data-testid=readiness-more]", "还有 27 条扣分原因");
    await browser.$("[data-testid=readiness]").scrollIntoView();
    await screenshot(browser, join(SHOTS, "zh", "health-readiness-more.png"));
    await browser.$("[data-testid=readiness-more]").click();
    await browser.waitUntil(async () => (await lines()).length === 32, { timeoutMsg: "all 32 reasons" });
    assert.equal(await browser.$("[data-testid=readiness-more]").isExisting(), false);
    assert.match((await lines())[31], /^−1\.0 P30 从未做过测试提现/);
  });
});
