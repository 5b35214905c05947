// The real app under Xvfb over WebDriver: every screen in both languages, language switching that
// is remembered, adding a platform and a balance through the UI, and the SQLite file behind it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROUTE, SCREENS, SHOTS, freshHome, openApp, sql } from "./helpers.mjs";

describe("foundation", () => {
  const home = freshHome();
  let app;

  before(async () => {
    app = await openApp(home);
  });
  after(async () => {
    await app?.close();
  });

  it("opens on Home in Chinese with an honest empty state", async () => {
    const s = app.session;
    assert.equal(await s.exec("return document.title"), "提现助手 Tixian");
    await s.waitForText("[data-nav=home]", "首页");
    await s.waitForText("[data-testid=empty-state]", "先添加你的第一个平台");
  });

  it("shows all seven screens in Chinese", async () => {
    const s = app.session;
    for (const screen of SCREENS) {
      await s.click(`[data-nav=${screen}]`);
      await s.waitFor(async () => (await s.exec("return location.hash")) === ROUTE[screen], `route ${screen}`);
      await s.find("main h1");
      await s.screenshot(join(SHOTS, "zh", `${screen}-empty.png`));
    }
  });

  it("adds a platform and a balance through the UI and shows them on Home", async () => {
    const s = app.session;
    await s.go("#/");
    await s.click("[data-testid=home-add-platform]");
    await s.type("#platform-name", "微信支付");
    await s.click("#platform-kind option[value=wechat]");
    await s.screenshot(join(SHOTS, "zh", "add-platform-dialog.png"));
    await s.click("[data-testid=add-platform-submit]");
    await s.find("[data-testid=home-record-balance]");

    // A bad amount is refused beside the field, and nothing is stored.
    await s.click("[data-testid=home-record-balance]");
    await s.type("#balance-amount", "12,3元");
    await s.click("[data-testid=balance-submit]");
    await s.waitForText("#balance-amount-error", "12,3元");
    await s.screenshot(join(SHOTS, "zh", "balance-error.png"));
    assert.equal(sql(home.db, "SELECT count(*) FROM balance_snapshots"), "0");

    await s.type("#balance-amount", "1,234.50");
    await s.click("[data-testid=balance-submit]");
    await s.waitForText("[data-testid=home-total]", "¥1,234.50");
    await s.waitForText("[data-testid=share-row]", "100.0%");
    await s.screenshot(join(SHOTS, "zh", "home-with-platform.png"));

    assert.equal(sql(home.db, "SELECT name || '|' || kind FROM platforms"), "微信支付|wechat");
    assert.equal(sql(home.db, "SELECT amount_fen FROM balance_snapshots"), "123450");
  });

  it("switches to English, shows every screen, and remembers the choice", async () => {
    const s = app.session;
    await s.click("[data-nav=settings]");
    await s.click("[data-testid=lang-en]");
    await s.waitForText("[data-nav=home]", "Home");
    assert.equal(sql(home.db, "SELECT value FROM settings WHERE key = 'lang'"), "en");
    for (const screen of SCREENS) {
      await s.click(`[data-nav=${screen}]`);
      await s.waitFor(async () => (await s.exec("return location.hash")) === ROUTE[screen], `route ${screen}`);
      await s.find("main h1");
      await s.screenshot(join(SHOTS, "en", `${screen}.png`));
    }
    await app.close();
    app = await openApp(home);
    await app.session.waitForText("[data-nav=home]", "Home");
    await app.session.waitForText("[data-testid=home-total]", "¥1,234.50");
  });

  it("shows every screen in Chinese with data", async () => {
    const s = app.session;
    await s.click("[data-nav=settings]");
    await s.click("[data-testid=lang-zh]");
    await s.waitForText("[data-nav=home]", "首页");
    for (const screen of SCREENS) {
      await s.click(`[data-nav=${screen}]`);
      await s.waitFor(async () => (await s.exec("return location.hash")) === ROUTE[screen], `route ${screen}`);
      await s.find("main h1");
      await s.screenshot(join(SHOTS, "zh", `${screen}.png`));
    }
  });
});
