// Permanent erase in the real app: the button stays disabled until the user types what the
// dialog asks; then the case (with its evidence original in the vault) or the platform (with its
// balances) is gone from the SQLite file and the screen; a chat log the user picked is never touched.
// The clock is pinned (TIXIAN_NOW) so the case's dates never drift.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, freshHome, go, isolated, noToasts, openApp, route, screenshot, SHOTS, sql, waitForText } from "./helpers.mjs";

const NOW = "2026-11-20 10:00";

describe("erase: a case and a platform, for good", () => {
  const home = freshHome();
  const chat = join(home.dir, "客服聊天.txt");
  const vault = join(home.dir, "vault");
  let app;

  before(async () => {
    writeFileSync(chat, "客服：3个工作日内到账\n");
    const cli = (...args) =>
      execFileSync(CLI, ["--db", home.db, "--json", ...args], {
        env: isolated(home, NOW),
        encoding: "utf8",
      });
    cli("platform", "add", "某某理财", "--kind", "investment");
    cli("balance", "某某理财", "3,000", "--at", "2026-11-01 09:00");
    cli("case", "new", "--platform", "某某理财", "--amount", "3,000", "--occurred", "2026-11-02 10:00",
      "--summary", "提现一直审核中");
    cli("case", "evidence", "1", chat, "--caption", "客服聊天记录");
    app = await openApp(home, {}, { now: NOW });
  });
  after(async () => {
    await app?.close();
  });

  it("erases a case only after its number is typed, with the original it alone used", async () => {
    const browser = app.browser;
    assert.equal(readdirSync(vault).length, 1, "the chat log is in the vault");
    await go(browser, "#/cases/1");
    await waitForText(browser, "[data-testid=case-head]", "¥3,000.00");
    await browser.$("[data-testid=case-erase]").click();
    await browser.$("[data-testid=erase-form]").waitForExist();
    assert.equal(await browser.$("[data-testid=erase-confirm]").isEnabled(), false);
    await browser.$("[data-testid=erase-confirm-input]").setValue("2");
    assert.equal(await browser.$("[data-testid=erase-confirm]").isEnabled(), false);
    await screenshot(browser, join(SHOTS, "zh", "erase-case.png"));
    await browser.$("[data-testid=erase-confirm-input]").setValue("1");
    await browser.$("[data-testid=erase-confirm]").click();
    await browser.waitUntil(async () => (await route(browser)) === "#/cases", { timeoutMsg: "back on the case list" });
    await waitForText(browser, "[data-testid=empty-state]", "还没有案件");
    assert.equal(sql(home.db, "SELECT count(*) FROM cases"), "0");
    assert.equal(sql(home.db, "SELECT count(*) FROM evidence_items"), "0");
    assert.deepEqual(readdirSync(vault).filter((f) => !f.startsWith(".")), []);
    assert.ok(existsSync(chat), "the user's own file stays");
  });

  it("erases a platform with its balances after its name is typed", async () => {
    const browser = app.browser;
    await noToasts(browser);
    await go(browser, "#/platforms/1");
    await waitForText(browser, "[data-testid=platform-title]", "某某理财");
    await browser.$("[data-testid=platform-erase]").click();
    await browser.$("[data-testid=erase-confirm-input]").setValue("某某理财");
    await browser.$("[data-testid=erase-confirm]").click();
    await browser.waitUntil(async () => (await route(browser)) === "#/platforms", { timeoutMsg: "back on the platform list" });
    assert.equal(sql(home.db, "SELECT count(*) FROM platforms"), "0");
    assert.equal(sql(home.db, "SELECT count(*) FROM balance_snapshots"), "0");
  });
});
